#!/bin/bash
# SPDX-License-Identifier: MIT
#
# "make check": every check of the project, each counted as tests.
#   host: the uapi header compiles alone as C (with -Wpadded) and as C++;
#         checkpatch --strict is clean on kmod/*.[ch] and the uapi header;
#         the ACL headers match CANN's public headers (values, layouts,
#         prototypes; lib/tests/cann_header_conformance_test.c) in C and
#         work from C++; the selftests,
#         the library and the library tests build; aclmemctl builds, its
#         "help" runs without the module and its man page is clean;
#   per kernel (the newest installed 6.1 and 6.12, each required: a series
#         with no kernel fails; KVERS picks others, and the summary says
#         which series it left out): the module builds; sparse (C=2)
#         reports nothing in kmod/; the QEMU suite (scripts/qemu-test.sh:
#         every TAP result, plus module load/unload, run completion and a
#         clean kernel log); for 6.12 also the NUMA tests alone on a
#         two-node guest (QEMU_NODES=2), counted as a leg of its own.
#   the debug leg (ACLMEM_DEBUG=0 leaves it out): the debug kernel builds
#         (scripts/debug-kernel.sh: 6.1 with KASAN, lockdep, kmemleak,
#         DEBUG_VM, fault injection; cached), the module builds against
#         it, and the QEMU suite runs under it, with a kmemleak scan after
#         rmmod; all of it in the background, beside the other legs, as
#         "check.sh --debug-lane", counted at the end;
#   Debian's -rt flavours (headers only): the module's build refuses them
#         with its own message (no THP), and nothing else fails;
#   the extra legs (ACLMEM_EXTRA=0 leaves them out; run in the background
#         while the QEMU legs run, as "check.sh --extra-only", counted at
#         the end): for the release of each kernel leg, Debian's arm64
#         kernel (headers from scripts/extra-kernels.sh): the module
#         cross-builds, sparse reports nothing and DKMS cross-builds it
#         (as root); its -rt-arm64 flavour is refused as above; its
#         -cloud-amd64 and -cloud-arm64 flavours build; and the
#         library, tests, CLI and examples cross-build for arm64
#         ("make ARCH=arm64", build/arm64/);
#   the arm64 legs (with the extra legs, after them and after the x86_64
#         legs): the QEMU suite under Debian's arm64 kernel of each
#         required series (qemu-system-aarch64 -M virt, TCG), a leg each,
#         and the arm64 demo ("make demo ARCH=arm64");
#   also: make install/uninstall and a pkg-config client of the installed
#         tree (scripts/install-check.sh); DKMS for each kernel, as root
#         (scripts/dkms-check.sh); the demo (scripts/demo.sh).
# Ends with one line "N passed, N failed" (also in build/logs/summary.txt);
# exits non-zero if anything failed.
#
# Usage: scripts/check.sh [--host-only | --debug-only | --extra-only |
#                          --arm64-only]
#   --debug-only: builds the test programs, then the debug leg alone.
#   (--debug-lane: the debug leg as "make check" starts it, see below.)
#   --extra-only: the extra legs alone (summary in build/logs/extra/).
#   --arm64-only: the extra legs, then the arm64 legs ("make check-arm64").
# Environment: KVERS (default scripts/kernels.sh), MAKE, V=1, ACLMEM_DEBUG=0
# (leave the debug leg out), ACLMEM_EXTRA=0 (the extra and arm64 legs),
# DEBUG_TEST_TIMEOUT and DEBUG_QEMU_TIMEOUT (the debug leg's TEST_TIMEOUT
# and QEMU_TIMEOUT, default 900 and 4200: its guest shares the host with
# the other legs' guests), DEBUG_STRESS_CALLS (the system
# calls of its stress_test, default 200000; the Debian kernels' legs make a
# million), ACLMEM_CACHE (see
# scripts/debug-kernel.sh), and what scripts/qemu-test.sh takes.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build
LOGS=$BUILD/logs
MAKE=${MAKE:-make}
# Every module build here treats warnings as errors (kmod/Kbuild); DKMS on
# a user's machine does not.
export ACLMEM_WERROR=1
UAPI=include/uapi/linux/aclmem.h
CHECKPATCH=$BUILD/checkpatch/checkpatch.pl

PASSED=0
FAILED=0
SKIPPED=0
SUMMARY=()

pass() {
	PASSED=$((PASSED + 1))
	SUMMARY+=("ok   $*")
}

fail() {
	FAILED=$((FAILED + 1))
	SUMMARY+=("FAIL $*")
}

# step NAME COMMAND...: run COMMAND as one test named NAME; its status.
step() {
	local name=$1 start=$SECONDS
	shift
	echo
	echo "== $name"
	if "$@"; then
		pass "$name ($((SECONDS - start))s)"
	else
		fail "$name ($((SECONDS - start))s)"
		return 1
	fi
}

run() {
	echo "  + $*"
	"$@"
}

uapi_c() {
	run gcc -std=c99 -Wall -Wextra -Werror -pedantic -Wpadded \
		-fsyntax-only -x c "$TOP/$UAPI"
}

uapi_cxx() {
	run g++ -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ \
		"$TOP/$UAPI"
}

# The ACL headers: values, sizes, offsets and prototypes checked in C
# against numbers transcribed from CANN's headers, and usable from C++.
# These run on the host.
acl_headers_c() {
	run $MAKE -s -C "$TOP/lib/tests" conformance CONF_INCLUDE="$TOP/include"
}

acl_headers_cxx() {
	run g++ -std=c++11 -Wall -Wextra -Werror -I"$TOP/include" \
		-o "$BUILD/header_cxx_test" \
		"$TOP/lib/tests/header_cxx_test.cpp" &&
		run "$BUILD/header_cxx_test"
}

# Clients of the library, on the host: one built with pkg-config's flags,
# one that dlopen()s it by name; the library exports nothing but acl*; and
# it exports every function CANN's clients call but those left out
# (lib/tests/client_symbols_test.c: its TAP in build/logs/client_symbols.tap,
# the failures and the per-client counts shown).
lib_consumers() {
	local pc flags tap=$LOGS/client_symbols.tap rc=0
	pc="PKG_CONFIG_PATH=$BUILD/lib"
	flags=$(env "$pc" pkg-config --cflags --libs libascendcl) || return 1
	echo "  + pkg-config --cflags --libs libascendcl: $flags"
	# shellcheck disable=SC2086
	run gcc -std=c11 -Wall -Wextra -Werror -o "$BUILD/consumer_link" \
		"$TOP/lib/tests/consumer_link.c" $flags &&
		run env LD_LIBRARY_PATH="$BUILD/lib" "$BUILD/consumer_link" &&
		run gcc -Wall -Wextra -Werror -o "$BUILD/consumer_dlopen" \
			"$TOP/lib/tests/consumer_dlopen.c" -ldl &&
		run env LD_LIBRARY_PATH="$BUILD/lib" "$BUILD/consumer_dlopen" &&
		lib_exports_only_acl || return 1
	run gcc -Wall -Wextra -Werror -o "$BUILD/client_symbols_test" \
		"$TOP/lib/tests/client_symbols_test.c" -ldl || return 1
	mkdir -p "$LOGS"
	echo "  + env LD_LIBRARY_PATH=build/lib build/client_symbols_test" \
		"lib/tests/client_symbols.txt lib/tests/client_symbols_left_out.txt"
	env LD_LIBRARY_PATH="$BUILD/lib" "$BUILD/client_symbols_test" \
		"$TOP/lib/tests/client_symbols.txt" \
		"$TOP/lib/tests/client_symbols_left_out.txt" > "$tap" || rc=$?
	grep -E '^not ok|^# ' "$tap" || true
	return "$rc"
}

lib_exports_only_acl() {
	local others
	others=$(nm -D --defined-only "$BUILD/lib/libascendcl.so" |
		awk '{ print $3 }' | grep -v '^acl' || true)
	if [ -n "$others" ]; then
		echo "exported besides acl*: $others"
		return 1
	fi
	echo "  libascendcl.so exports only acl* symbols"
}

checkpatch() {
	local files=() f
	for f in "$TOP"/kmod/*.c "$TOP"/kmod/*.h "$TOP/$UAPI"; do
		[ -f "$f" ] && files+=("${f#"$TOP"/}")
	done
	# LINUX_VERSION_CODE is a rule for code merged into the kernel; an
	# out-of-tree module keys interface changes on the release
	# (kmod/compat.h).
	(cd "$TOP" && run perl "$CHECKPATCH" --strict --no-tree \
		--show-types --color=never --ignore LINUX_VERSION_CODE \
		-f "${files[@]}")
}

# KMOD_ARGS: what kmod/Makefile needs besides KVER=$1. A kernel that is not
# installed is one of scripts/extra-kernels.sh (its unpacked headers); an
# arm64 one is cross-compiled.
kmod_args() {
	KMOD_ARGS=()
	case $1 in
	*-arm64) KMOD_ARGS+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) ;;
	esac
	[ -d "/lib/modules/$1/build" ] ||
		KMOD_ARGS+=("KDIR=$("$TOP/scripts/extra-kernels.sh" --dir "$1")")
}

# Sparse over the module sources ("make -C kmod sparse" builds with C=2):
# any warning or error naming a kmod/ file fails.
sparse() {
	local kver=$1 log=$LOGS/$1/sparse.log hits
	mkdir -p "$LOGS/$kver"
	kmod_args "$kver"
	echo "  + $MAKE -C kmod KVER=$kver ${KMOD_ARGS[*]} sparse"
	if ! $MAKE -C "$TOP/kmod" KVER="$kver" "${KMOD_ARGS[@]}" sparse \
		> "$log" 2>&1; then
		cat "$log"
		echo "sparse build failed (log: ${log#"$TOP"/})"
		return 1
	fi
	hits=$(grep -E '(warning|error):' "$log" | grep 'kmod/' || true)
	if [ -n "$hits" ]; then
		echo "$hits"
		return 1
	fi
	echo "  no sparse warnings in kmod/ (log: ${log#"$TOP"/})"
}

build_module() {
	run $MAKE -C "$TOP" modules KVER="$1"
}

# Debian's PREEMPT_RT flavours come without THP, which the module cannot
# do without: their build must stop at kmod/compat.h's own message, with
# no other error (headers only; the newest -rt of each required series).
RT_REFUSAL='#error "aclmem needs CONFIG_TRANSPARENT_HUGEPAGE'

# A kernel of scripts/extra-kernels.sh (its log: build/logs/KVER/build.log).
build_extra_module() {
	local kver=$1 log=$LOGS/$1/build.log
	mkdir -p "$LOGS/$kver"
	kmod_args "$kver"
	echo "  + $MAKE -C kmod KVER=$kver ${KMOD_ARGS[*]} > ${log#"$TOP"/} 2>&1"
	if ! $MAKE -C "$TOP/kmod" KVER="$kver" "${KMOD_ARGS[@]}" > "$log" 2>&1
	then
		grep -E 'error|warning|Error' "$log" | head -n 20
		return 1
	fi
}

rt_kernel() {
	ls -d /lib/modules/"$1".*-rt-amd64/build 2> /dev/null | sort -V |
		tail -n 1 | cut -d/ -f4
}

rt_refused() {
	local kver=$1 log=$LOGS/$1/build.log others
	mkdir -p "$LOGS/$kver"
	kmod_args "$kver"
	echo "  + $MAKE -C kmod KVER=$kver ${KMOD_ARGS[*]} > ${log#"$TOP"/} 2>&1"
	if $MAKE -C "$TOP/kmod" KVER="$kver" "${KMOD_ARGS[@]}" > "$log" 2>&1; then
		echo "  it built: kmod/compat.h should have refused it"
		return 1
	fi
	others=$(grep -E 'error:' "$log" | grep -v -F "$RT_REFUSAL" || true)
	if ! grep -q -F "$RT_REFUSAL" "$log" || [ -n "$others" ]; then
		echo "  not refused by kmod/compat.h alone:"
		grep -E 'error|Error' "$log" | head -n 20
		return 1
	fi
	echo "  refused by kmod/compat.h, as it should be"
}

rt_checks() {
	local series kver
	for series in $REQUIRED_SERIES; do
		kver=$(rt_kernel "$series")
		if [ -z "$kver" ]; then
			fail "module build $series-rt: no headers installed"
			continue
		fi
		step "module build $kver refused (no THP)" rt_refused "$kver" ||
			true
	done
}

build_selftests() {
	run $MAKE -C "$TOP" selftests
}

build_lib() {
	run $MAKE -C "$TOP" lib libtests
}

# aclmemctl: builds, answers "help" without the module, and its man page
# renders without groff warnings (when groff is installed).
build_tools() {
	local warnings
	run $MAKE -C "$TOP" tools &&
		run "$BUILD/tools/aclmemctl" help > /dev/null || return 1
	if ! command -v groff > /dev/null; then
		echo "  groff not installed: aclmemctl.8 not checked"
		return 0
	fi
	echo "  + groff -man -ww -z tools/aclmemctl.8"
	warnings=$(groff -man -ww -z "$TOP/tools/aclmemctl.8" 2>&1) || return 1
	[ -z "$warnings" ] || { echo "$warnings"; return 1; }
}

# Add the "PASSED FAILED SKIPPED" of file $1 to this run's; they are left in
# the caller's p, f and s.
add_counts() {
	read -r p f s < "$1"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	SKIPPED=$((SKIPPED + s))
}

# The QEMU suite counts its own results (build/logs/RUN/counts; RUN is the
# second argument, default KVER, which also names the leg).
qemu_suite() {
	local kver=$1 run=${2:-$1} counts=$LOGS/${2:-$1}/counts p f s
	local start=$SECONDS name="qemu suite ${2:-$1}"
	echo
	echo "== $name"
	rm -f "$counts"
	RUN_NAME=$run "$TOP/scripts/qemu-test.sh" "$kver" || true
	if [ ! -f "$counts" ]; then
		fail "$name: runner failed"
		return
	fi
	add_counts "$counts"
	if [ "$f" -eq 0 ]; then
		SUMMARY+=("ok   $name: $p passed, $f failed, $s skipped ($((SECONDS - start))s)")
	else
		SUMMARY+=("FAIL $name: $p passed, $f failed, $s skipped ($((SECONDS - start))s)")
	fi
}

# The tests that need two NUMA nodes (scripts/qemu-test.sh --numa-tests),
# which the one-node legs leave out: one short run of them alone on a
# two-node guest (6.12 only, no 1 GiB pool), logs in
# build/logs/KVER-numa2/.
numa_suite() {
	local kver=$1 tests
	tests=$("$TOP/scripts/qemu-test.sh" --numa-tests)
	[ -n "$tests" ] || return 0
	QEMU_NODES=2 TESTS="$tests" ACLMEM_PARAMS="pool_2m=8 pool_1g=0" \
		MOVABLECORE='' qemu_suite "$kver" "$kver-numa2"
}

# DKMS add/build/install/remove for one kernel (scripts/dkms-check.sh):
# system-wide, so root only; skipped otherwise.
dkms_check() {
	if [ "$(id -u)" != 0 ]; then
		SKIPPED=$((SKIPPED + 1))
		SUMMARY+=("skip dkms $1: needs root")
		return
	fi
	local what="add, build, install, remove"
	[ -d "/lib/modules/$1/build" ] || what="add, cross-build, remove"
	step "dkms $what $1" "$TOP/scripts/dkms-check.sh" "$1" || true
}

host_checks() {
	step "uapi header as C" uapi_c || true
	step "uapi header as C++" uapi_cxx || true
	step "checkpatch --strict" checkpatch || true
	mkdir -p "$BUILD"
	step "ACL headers match CANN (C)" acl_headers_c || true
	step "ACL headers in C++" acl_headers_cxx || true
}

kernel_checks() {
	local kver=$1
	if ! step "module build $kver" build_module "$kver"; then
		fail "sparse $kver: not run, no module"
		fail "qemu suite $kver: not run, no module"
		return
	fi
	step "sparse $kver" sparse "$kver" || true
	# Debian's kernels clear every page they hand out (init_on_alloc=1),
	# which would hide a page the module failed to clear: 6.1 runs as
	# Debian ships it, 6.12 with init_on_alloc=0 (so does the debug kernel).
	case $kver in
	6.12.*)
		QEMU_APPEND="${QEMU_APPEND:+$QEMU_APPEND }init_on_alloc=0" \
			qemu_suite "$kver"
		numa_suite "$kver"
		;;
	*)
		qemu_suite "$kver"
		;;
	esac
}

# The debug leg. KVER "debug-6.1" names the module's build directory and
# the logs (build/logs/debug-6.1/).
DEBUG_KVER="debug-6.1"
# Whether "make check" runs the debug leg (0 or 1).
ACLMEM_DEBUG=${ACLMEM_DEBUG:-1}

# "make check" runs the debug leg in a lane of its own, beside the other
# legs, as "check.sh --debug-lane" (log: build/logs/debug.log): it builds
# the debug kernel at the lowest priority (so that it takes the CPU time the
# other checks leave), waits until this run has built the guest's programs,
# then builds the module and boots the suite, its guest on one core while
# the other legs' guests take the other. Its results are counted at the end
# (build/logs/debug/results and counts).

# Written once the guest's programs are built: the directories the lane
# must take them from if a build failed (see build_guest_programs).
PROGRAMS_READY=$LOGS/debug/programs

programs_ready() {
	local var
	[ -n "${LANE_PID[debug]:-}" ] || return 0
	for var in SELFTEST_DIR LIBTEST_DIR TOOLS_DIR; do
		[ -z "${!var:-}" ] || echo "$var=${!var}"
	done > "$PROGRAMS_READY.tmp"
	mv "$PROGRAMS_READY.tmp" "$PROGRAMS_READY"
}

# In the lane: wait for programs_ready of the "make check" that started it.
wait_programs() {
	local line
	echo "  waiting for the guest's programs"
	while [ ! -f "$PROGRAMS_READY" ]; do
		kill -0 "$CHECK_PID" 2> /dev/null || return 1
		sleep 2
	done
	while IFS= read -r line; do
		export "${line?}"
	done < "$PROGRAMS_READY"
}

debug_kernel() {
	if [ -n "${CHECK_PID:-}" ]; then
		run nice -n 19 "$TOP/scripts/debug-kernel.sh"
	else
		run "$TOP/scripts/debug-kernel.sh"
	fi
}

# kmod/Makefile rebuilds only when the module's sources change: drop the
# .ko so that a rebuilt debug kernel gets a module of its own.
build_debug_module() {
	rm -f "$TOP/kmod/build/$DEBUG_KVER/aclmem.ko"
	run $MAKE -C "$TOP/kmod" KVER="$DEBUG_KVER" \
		KDIR="$("$TOP/scripts/debug-kernel.sh" --dir)"
}

debug_checks() {
	if ! step "debug kernel build" debug_kernel; then
		fail "module build $DEBUG_KVER: not run, no kernel"
		fail "qemu suite $DEBUG_KVER: not run, no kernel"
		return
	fi
	if [ -n "${CHECK_PID:-}" ] && ! wait_programs; then
		fail "module build $DEBUG_KVER: not run, no programs"
		fail "qemu suite $DEBUG_KVER: not run, no programs"
		return
	fi
	if ! step "module build $DEBUG_KVER" build_debug_module; then
		fail "qemu suite $DEBUG_KVER: not run, no module"
		return
	fi
	# brd is built in (the runner passes brd.rd_nr and rd_size).
	# no5lvl: while identify_cpu() rebuilds the boot CPU's features, LA57
	# reads as off, and KASAN takes an interrupt that comes then for a
	# wild access to the 5-level direct map (a 6.1 race, seen once in a
	# few boots under TCG, before the module is loaded).
	KERNEL_IMAGE=$("$TOP/scripts/debug-kernel.sh" --image) \
		QEMU_APPEND="${QEMU_APPEND:+$QEMU_APPEND }no5lvl" \
		GUEST_MODULES='' \
		TEST_TIMEOUT=${DEBUG_TEST_TIMEOUT:-900} \
		QEMU_TIMEOUT=${DEBUG_QEMU_TIMEOUT:-4200} \
		STRESS_CALLS=${DEBUG_STRESS_CALLS:-200000} \
		qemu_suite "$DEBUG_KVER"
}

# The extra legs (see the top). "make check" starts them first, like the
# debug kernel's build, as "check.sh --extra-only" (log:
# build/logs/extra.log), and at the end counts the lines of the summary it
# leaves in build/logs/extra/results.
ACLMEM_EXTRA=${ACLMEM_EXTRA:-1}

# Sets EXTRA_KVERS: the kernels of scripts/extra-kernels.sh, fetched.
fetch_extra() {
	echo "  + scripts/extra-kernels.sh"
	EXTRA_KVERS=$("$TOP/scripts/extra-kernels.sh") || return 1
	echo "  kernels: ${EXTRA_KVERS:-none (no 6.1 or 6.12 kernel installed)}"
	[ -n "$EXTRA_KVERS" ]
}

# "make ARCH=arm64": everything it built is an arm64 ELF file.
arm64_userspace() {
	local f n=0 bad=0
	run $MAKE -C "$TOP" ARCH=arm64 lib selftests libtests tools examples ||
		return 1
	for f in "$BUILD"/arm64/{lib/*.so,selftests/*,libtests/*,examples/*} \
		"$BUILD"/arm64/tools/{aclmemctl,tests/aclmem_hold}; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! readelf -h "$f" | grep -q 'Machine:.*AArch64'; then
			echo "  not an arm64 file: ${f#"$TOP"/}"
			bad=1
		fi
	done
	echo "  $n arm64 programs and libraries in build/arm64/"
	[ "$bad" = 0 ] && [ "$n" -gt 0 ]
}

# The QEMU suite under the arm64 kernel of each required series (TCG),
# once the extra legs have cross-built its module and the arm64 programs;
# logs in build/logs/KVER/. "make check" runs them after the x86_64 legs:
# with the debug leg's guest beside, no more than two guests share the
# host's memory at a time.
arm64_suites() {
	local series kver kvers found
	kvers=$("$TOP/scripts/extra-kernels.sh" --list arm64 2> /dev/null) ||
		kvers=
	for series in $REQUIRED_SERIES; do
		found=
		for kver in $kvers; do
			case $kver in
			"$series".*-arm64)
				found=$kver
				qemu_suite "$kver"
				;;
			esac
		done
		[ -n "$found" ] ||
			fail "qemu suite arm64 $series: no Debian arm64 kernel found"
	done
	step "make demo ARCH=arm64" env DEMO_SKIP_DEPS=1 ARCH=arm64 \
		"$TOP/scripts/demo.sh" || true
}

extra_checks() {
	local kver
	EXTRA_KVERS=
	step "fetch the extra kernels' headers" fetch_extra || true
	for kver in $EXTRA_KVERS; do
		case $kver in
		*-rt-arm64)
			step "module build $kver refused (no THP)" \
				rt_refused "$kver" || true
			;;
		*-cloud-arm64)
			step "module build $kver" build_extra_module "$kver" ||
				true
			;;
		*-arm64)
			if step "module build $kver" build_extra_module "$kver"
			then
				step "sparse $kver" sparse "$kver" || true
			else
				fail "sparse $kver: not run, no module"
			fi
			dkms_check "$kver"
			;;
		*)
			step "module build $kver" build_extra_module "$kver" ||
				true
			;;
		esac
	done
	step "arm64 userspace build" arm64_userspace || true
}

extra_only() {
	echo "aclmem check: the extra legs"
	extra_checks
	lane_end extra
	report "$LOGS/extra/summary.txt"
	[ "$FAILED" -eq 0 ]
}

# "make check-arm64": what the arm64 legs need, then the legs.
arm64_only() {
	echo "aclmem check: the extra legs and the arm64 legs"
	extra_checks
	arm64_suites
	report
	[ "$FAILED" -eq 0 ]
}

# The programs the guest runs. One that does not build is left out of the
# initramfs (an empty directory in its place), so that no stale binary is
# booted: the runner then counts only what did build, and load/unload.
build_guest_programs() {
	if ! step "selftests build" build_selftests; then
		export SELFTEST_DIR=$BUILD/selftests.none
		mkdir -p "$SELFTEST_DIR"
	fi
	if ! step "library and its tests build" build_lib; then
		export LIBTEST_DIR=$BUILD/libtests.none
		mkdir -p "$LIBTEST_DIR"
	fi
	if ! step "aclmemctl build, help, man page" build_tools; then
		export TOOLS_DIR=$BUILD/tools.none
		mkdir -p "$TOOLS_DIR"
	fi
}

# "check.sh --debug-lane", started by "make check": the debug leg alone,
# its summary and counts left in build/logs/debug/.
debug_lane() {
	echo "aclmem check: the debug leg, beside the other legs"
	debug_checks
	lane_end debug
}

# "make check-debug": the programs the guest runs, then the debug leg.
debug_only() {
	echo "aclmem check: debug kernel only"
	build_guest_programs
	debug_checks
	report
	[ "$FAILED" -eq 0 ]
}

# A lane: "check.sh OPTION" in the background, in a process group of its
# own (so that an early exit can stop all of it), log build/logs/NAME.log;
# it leaves its summary lines and counts in build/logs/NAME/, which
# lane_collect adds to this run's.
declare -A LANE_PID=()

# lane_start NAME OPTION [PREFIX...]: PREFIX (such as "nice -n 19") runs it.
lane_start() {
	local name=$1 option=$2
	shift 2
	mkdir -p "$LOGS/$name"
	rm -f "$LOGS/$name/results" "$LOGS/$name/counts"
	echo "  + ${*:+$* }scripts/check.sh $option & (log: build/logs/$name.log)"
	CHECK_PID=$$ setsid "$@" "$TOP/scripts/check.sh" "$option" \
		> "$LOGS/$name.log" 2>&1 < /dev/null &
	LANE_PID[$name]=$!
	trap stop_lanes EXIT
}

# An early exit stops the lanes still running.
stop_lanes() {
	local pid
	for pid in "${LANE_PID[@]}"; do
		kill -- "-$pid" 2> /dev/null || true
	done
}

# In the lane, at its end.
lane_end() {
	printf '%s\n' "${SUMMARY[@]}" > "$LOGS/$1/results"
	echo "$PASSED $FAILED $SKIPPED" > "$LOGS/$1/counts"
}

# lane_collect NAME TITLE
lane_collect() {
	local name=$1 title=$2 line p f s start=$SECONDS
	echo
	echo "== $title (log: build/logs/$name.log)"
	wait "${LANE_PID[$name]}" || true
	unset "LANE_PID[$name]"
	echo "  waited $((SECONDS - start))s"
	if [ ! -s "$LOGS/$name/counts" ]; then
		fail "$title: no results (log: build/logs/$name.log)"
		return
	fi
	add_counts "$LOGS/$name/counts"
	while IFS= read -r line; do
		echo "  $line"
		SUMMARY+=("$line")
	done < "$LOGS/$name/results"
}

report() {
	local line
	echo
	echo "== summary"
	for line in "${SUMMARY[@]}"; do
		echo "$line"
	done
	echo "total time $((SECONDS / 60))m$((SECONDS % 60))s;" \
		"$SKIPPED skipped (TAP SKIP, in neither count)"
	mkdir -p "$LOGS"
	echo "$PASSED passed, $FAILED failed" | tee "${1:-$LOGS/summary.txt}"
}

# The kernel series every "make check" must test; one without an installed
# kernel is a failure of its own, not a leg silently dropped.
REQUIRED_SERIES="6.1 6.12"

# Set LEGS, the kernels to test: KVERS if given, else the newest of each
# required series. A series with no kernel fails; one KVERS leaves out is
# said.
kernel_legs() {
	local series kver
	LEGS=${KVERS:-}
	for series in $REQUIRED_SERIES; do
		if [ -n "${KVERS:-}" ]; then
			case " $KVERS " in
			*" $series."*) ;;
			*) SUMMARY+=("left out: kernel $series (KVERS=$KVERS)") ;;
			esac
		elif kver=$("$TOP/scripts/kernels.sh" "$series" 2> /dev/null); then
			LEGS="${LEGS:+$LEGS }$kver"
		else
			fail "kernel $series: none installed (vmlinuz + headers)"
		fi
	done
}

main() {
	local kvers kver
	mkdir -p "$LOGS"
	if [ "${1:-}" = --extra-only ]; then
		extra_only
		return
	fi
	if [ "${1:-}" = --debug-lane ]; then
		debug_lane
		return
	fi
	rm -f "$LOGS/summary.txt"
	if [ "${1:-}" = --debug-only ]; then
		debug_only
		return
	fi
	if [ "${1:-}" = --arm64-only ]; then
		arm64_only
		return
	fi
	if [ "${1:-}" != --host-only ]; then
		kernel_legs
		kvers=$LEGS
		echo "aclmem check: kernels $kvers"
		if [ "$ACLMEM_DEBUG" != 0 ]; then
			rm -f "$PROGRAMS_READY"
			lane_start debug --debug-lane
		fi
		[ "$ACLMEM_EXTRA" = 0 ] || [ -n "${KVERS:-}" ] ||
			lane_start extra --extra-only nice -n 19
	fi
	host_checks
	if [ "${1:-}" != --host-only ]; then
		build_guest_programs
		programs_ready
		step "library clients: pkg-config, dlopen, exports" \
			lib_consumers || true
		step "make install, a pkg-config client of it, make uninstall" \
			"$TOP/scripts/install-check.sh" || true
		for kver in $kvers; do
			kernel_checks "$kver"
		done
		if [ -n "${KVERS:-}" ]; then
			SUMMARY+=("left out: the -rt build checks (KVERS=$KVERS)")
		else
			rt_checks
		fi
		for kver in $kvers; do
			dkms_check "$kver"
		done
		step "make demo" env DEMO_SKIP_DEPS=1 KVER="${kvers%% *}" \
			"$TOP/scripts/demo.sh" || true
		if [ "$ACLMEM_EXTRA" = 0 ]; then
			SUMMARY+=("left out: the extra and arm64 legs (ACLMEM_EXTRA=0)")
		elif [ -n "${KVERS:-}" ]; then
			SUMMARY+=("left out: the extra and arm64 legs (KVERS=$KVERS)")
		else
			lane_collect extra "the extra legs"
			arm64_suites
		fi
		if [ "$ACLMEM_DEBUG" = 0 ]; then
			SUMMARY+=("left out: the debug leg (ACLMEM_DEBUG=0)")
		else
			lane_collect debug "the debug leg"
		fi
	fi
	report
	[ "$FAILED" -eq 0 ]
}

main "$@"
