#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot KVER under QEMU (TCG) with the aclmem test initramfs, run the
# selftests, then judge the run:
#   - every test binary: its top-level TAP results ("ok", "not ok",
#     "ok ... # SKIP"); a binary that crashed, timed out, printed no plan or
#     fewer results than planned counts as a failure; so does one that never
#     ran; loading and unloading aclmem count as one test each; a SKIP
#     counts as skipped only if tests/expected-skips lists it for KVER (with
#     its reason), otherwise as a failure;
#   - the run completed (end marker on the TAP port): one test;
#   - the kernel log through power-off is free of splats: one test.
# A guest that dies before init starts its first test (a kernel that did
# not boot under TCG: none of aclmem's code has run) is booted once more;
# the first console is kept as console.boot1.log and the results say so.
# Logs: build/logs/KVER/{console.log,tap.log,results.txt,counts} (RUN_NAME).
# Prints "KVER: N passed, N failed, N skipped"; exits non-zero on a failure.
#
# Usage: scripts/qemu-test.sh KVER
# Environment:
#   ACLMEM_PARAMS  aclmem.ko parameters (default "pool_2m=8 pool_1g=1
#                  movable_1g=1": the guest's operator opts in to 1 GiB
#                  pages from ZONE_MOVABLE, which is all the guest has
#                  above 4 GiB; selftests/place_1g_test turns it off and on)
#   TEST_TIMEOUT   seconds per test binary inside the guest (default 300;
#                  arm64 600)
#   QEMU_TIMEOUT   seconds for the whole QEMU run (default 2700): a guard
#                  against a hung guest only. A whole suite takes 5 to 10
#                  minutes on a quiet 2-core host, and three times that
#                  on a loaded one (a 6.12 run, beside two other guests,
#                  once reached 900 s, the old default, 40 s short)
#   TESTS          run only these test binaries (space separated names)
#   STRESS_CALLS   system calls stress_test makes (default: its own, a
#                  million)
#   QEMU_MEM, QEMU_SMP  guest size (default 8G, 2)
#   QEMU_NODES     NUMA nodes of the guest (default 1): QEMU_MEM split
#                  evenly between them, CPU c on node c % QEMU_NODES;
#                  the numa_* tests (selftests, lib/tests and tools/tests;
#                  "qemu-test.sh --numa-tests" lists them) need two or
#                  more and are left out of a one-node run (the results
#                  say so)
#   MOVABLECORE    the guest's movablecore= (default 5G; empty: none): all
#                  of the 8 GiB guest above 4 GiB, so that tests growing the
#                  1 GiB pool mid-run find a GiB however fragmented the rest
#                  is by then; aclmem takes 1 GiB pages there only with
#                  movable_1g=1 (ACLMEM_PARAMS). Boot-time allocations fill
#                  the top GiB; with 3 GiB movable (a 6 GiB guest), growth
#                  after mm_interaction_test found no GiB on 6.1
#   QEMU_APPEND    more kernel command line arguments
#   KERNEL_IMAGE   kernel to boot (default /boot/vmlinuz-KVER; for arm64
#                  the image of scripts/extra-kernels.sh --image KVER)
#   ARCH           the guest's architecture, x86_64 or arm64 (default:
#                  arm64 for a KVER ending in -arm64): arm64 boots
#                  qemu-system-aarch64 -M virt, kernel console on the PL011
#                  (ttyAMA0), TAP on a virtio console (hvc0)
#   ACLMEM_KO, SELFTEST_DIR, GUEST_MODULES  passed on to scripts/mkinitramfs.sh
#   RUN_NAME       name of this run's logs and initramfs (default KVER), so
#                  that runs for one kernel side by side keep apart
#   V=1            stream the kernel console too
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/qemu-machine.sh
. "$TOP/scripts/qemu-machine.sh"
ACLMEM_PARAMS=${ACLMEM_PARAMS:-pool_2m=8 pool_1g=1 movable_1g=1}
TEST_TIMEOUT=${TEST_TIMEOUT:-}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-}
QEMU_MEM=${QEMU_MEM:-8G}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_NODES=${QEMU_NODES:-1}
MOVABLECORE=${MOVABLECORE-5G}
TESTS=${TESTS:-}
V=${V:-0}

# Kernel log lines that mean something went wrong, whenever they appear.
SPLATS='WARNING:|BUG:|Oops|KASAN|kernel BUG|general protection fault'
SPLATS+='|Call Trace:|lockdep|possible circular locking'
SPLATS+='|unreferenced object|page dumped because|Bad page|Kernel panic'
# pgd/p4d/pud/pmd_ERROR: a page-table walker found an entry it does not
# understand and cleared it (mm/pgtable-generic.c).
SPLATS+='|: bad (pgd|p4d|pud|pmd) |detected stall'
# Lines that match SPLATS but only announce a debug kernel's checks.
BENIGN='RCU lockdep checking is enabled'

usage() {
	echo "usage: $0 KVER | --numa-tests" >&2
	exit 2
}

# The arguments as a shell would need them typed (for the log).
quote() {
	local arg out=()
	for arg in "$@"; do
		case $arg in
		*" "*) out+=("'$arg'") ;;
		*) out+=("$arg") ;;
		esac
	done
	echo "${out[*]}"
}

commas() {
	echo "$*" | tr ' ' ','
}

# The tests that need two NUMA nodes, by their names in the guest's /tests:
# selftests/numa_*_test.c, lib/tests/numa_*_test.c (acl_numa_*_test) and
# tools/tests/numa_*_test.sh.
numa_tests() {
	local path name
	for path in "$TOP"/selftests/numa_*_test.c \
		"$TOP"/lib/tests/numa_*_test.c "$TOP"/tools/tests/numa_*_test.sh; do
		[ -e "$path" ] || continue
		name=${path##*/}
		case $path in
		*.sh) echo "$name" ;;
		*/lib/tests/*) echo "acl_${name%.c}" ;;
		*) echo "${name%.c}" ;;
		esac
	done
}

# Those a one-node guest leaves out, space separated.
excluded_tests() {
	[ "$QEMU_NODES" -ge 2 ] || numa_tests | tr '\n' ' '
}

# QEMU's NUMA options: QEMU_MEM (G or M) split evenly over QEMU_NODES.
numa_args() {
	local mib n c node
	[ "$QEMU_NODES" -ge 2 ] || return 0
	case $QEMU_MEM in
	*G) mib=$((${QEMU_MEM%G} * 1024)) ;;
	*M) mib=${QEMU_MEM%M} ;;
	*) mib=$QEMU_MEM ;;
	esac
	for ((n = 0; n < QEMU_NODES; n++)); do
		node="-numa node,nodeid=$n,memdev=mem$n"
		for ((c = n; c < QEMU_SMP; c += QEMU_NODES)); do
			node+=",cpus=$c"
		done
		echo "-object memory-backend-ram,id=mem$n,size=$((mib / QEMU_NODES))M"
		echo "$node"
	done
}

run_qemu() {
	local initrd=$1 append
	qemu_machine "$ARCH" "$CONSOLE" "$TAPLOG"
	append="console=$CONSOLE_TTY panic=-1 loglevel=7 printk.devkmsg=on"
	# TCG runs each vCPU as a host thread: on a busy shared host one can
	# stand still for seconds, and the guest counts that time as its own.
	# A 26 s "soft lockup" in a test that moves a GiB of pages (seen twice
	# in CI, never here, with a reschedule at every 8 MiB) is read as that;
	# the watchdog still reports a CPU held for 110 s, and RCU one that
	# holds a grace period for 100 s (as syzkaller boots TCG guests).
	append+=" watchdog_thresh=55 rcupdate.rcu_cpu_stall_timeout=100"
	append+="${MACHINE_APPEND:+ $MACHINE_APPEND} aclmemtest.tap=$OUT_TTY"
	append+=" brd.rd_nr=1 brd.rd_size=8192"
	append+=" aclmemtest.params=$(commas "$ACLMEM_PARAMS")"
	append+=" aclmemtest.timeout=$TEST_TIMEOUT"
	[ -z "$TESTS" ] || append+=" aclmemtest.tests=$(commas "$TESTS")"
	[ -z "${STRESS_CALLS:-}" ] ||
		append+=" aclmemtest.stress_calls=$STRESS_CALLS"
	local excluded numa=()
	excluded=$(excluded_tests)
	[ -z "$excluded" ] ||
		append+=" aclmemtest.exclude=$(commas "${excluded% }")"
	# shellcheck disable=SC2207
	numa=($(numa_args))
	[ -z "$MOVABLECORE" ] || append+=" movablecore=$MOVABLECORE"
	[ -z "${QEMU_APPEND:-}" ] || append+=" $QEMU_APPEND"

	# One CPU per socket on a NUMA guest: CPUs of one socket share a
	# cache, which the kernel warns about when they are on two nodes.
	local smp=$QEMU_SMP
	[ "$QEMU_NODES" -lt 2 ] || smp+=",sockets=$QEMU_SMP,cores=1,threads=1"
	local cmd=(timeout "$QEMU_TIMEOUT" "${QEMU_MACHINE[@]}"
		-accel tcg -m "$QEMU_MEM" -smp "$smp"
		"${numa[@]}"
		-nodefaults -display none -no-reboot
		-kernel "$KERNEL_IMAGE" -initrd "$initrd"
		-append "$append"
		-monitor none)
	echo "  QEMU    $KVER (timeout ${QEMU_TIMEOUT}s)"
	echo "  + $(quote "${cmd[@]}")"
	: > "$CONSOLE"
	: > "$TAPLOG"
	local start=$SECONDS rc=0
	"${cmd[@]}" &
	local pid=$!
	# shellcheck disable=SC2064
	trap "kill $pid 2>/dev/null" EXIT
	if [ "$V" = 1 ]; then
		tail -n +1 -f --pid="$pid" "$CONSOLE" "$TAPLOG" | tr -d '\r' || true
	else
		tail -n +1 -f --pid="$pid" "$TAPLOG" | tr -d '\r' || true
	fi
	wait "$pid" || rc=$?
	trap - EXIT
	echo "  QEMU    exited with $rc after $((SECONDS - start))s"
	if [ "$rc" = 124 ]; then
		echo "  QEMU    killed: no power-off within ${QEMU_TIMEOUT}s"
	fi
}

# The test binaries the guest should run (after the TESTS filter).
expected_tests() {
	local root=$1 path name
	for path in "$root"/tests/*; do
		[ -x "$path" ] || continue
		name=${path##*/}
		case " $(excluded_tests) " in *" $name "*) continue ;; esac
		if [ -n "$TESTS" ] && ! [[ " $TESTS " == *" $name "* ]]; then
			continue
		fi
		echo "$name"
	done
}

trim() {
	local v=$1
	v=${v#"${v%%[![:space:]]*}"}
	printf '%s' "${v%"${v##*[![:space:]]}"}"
}

# The skips expected on $KVER, "BINARY|TEST;" each, from tests/expected-skips.
expected_skips() {
	local glob bin test reason
	while IFS='|' read -r glob bin test reason; do
		glob=$(trim "$glob")
		case $glob in '' | '#'*) continue ;; esac
		bin=$(trim "$bin") test=$(trim "$test")
		if [ -z "$(trim "$reason")" ]; then
			echo "expected-skips: no reason given: $bin $test" >&2
			continue
		fi
		# shellcheck disable=SC2254
		case $KVER in $glob) printf '%s|%s;' "$bin" "$test" ;; esac
	done < "$TOP/tests/expected-skips"
}

# Judge the TAP log; print one line per test binary and a "counts" line.
# A SKIP not on the expected list is a failure.
parse_tap() {
	local expected=$1
	tr -d '\r' < "$TAPLOG" | awk -v expected="$expected" \
		-v skips="$(expected_skips)" '
	# "ok 3 some name # SKIP why" -> "some name"
	function skip_name(line) {
		sub(/^ok [0-9]+ +(- +)?/, "", line)
		sub(/ *# *SKIP.*$/, "", line)
		# the 6.1 harness leaves the name out: its "RUN" line has it
		return line == "" ? lastrun : line
	}
	function reset() {
		plan = -1; nres = 0; np = 0; nf = 0; ns = 0; bail = 0
		skipall = 0; failed = ""
	}
	function finish(rc, why, secs) {
		if (plan < 0 && !skipall)
			why = why "; no TAP plan"
		if (plan >= 0 && nres < plan) {
			why = why "; " (plan - nres) " of " plan " results missing"
			nf += plan - nres
		}
		if (bail)
			why = why "; bailed out"
		if (rc == 124 || rc == 143)
			why = why "; timed out"
		else if (rc > 128)
			why = why "; killed by signal " (rc - 128)
		else if (rc != "" && rc != 0 && rc != 4 && nf == 0)
			why = why "; exit code " rc
		if (why != "" && nf == 0)
			nf = 1
		if (skipall && nres == 0) {
			if ((cur, "*") in skip_ok)
				ns = 1
			else {
				nf = 1
				why = why "; skipped whole, not expected"
			}
		}
		if (secs != "")
			why = "; " secs "s" why
		printf "%-4s %s: %d passed, %d failed, %d skipped%s\n",
			nf ? "FAIL" : "ok", cur, np, nf, ns,
			why == "" ? "" : " (" substr(why, 3) ")"
		printf "%s", failed
		P += np; F += nf; S += ns
		cur = ""
	}
	BEGIN {
		n = split(expected, e, " "); cur = ""
		ne = split(skips, sk, ";")
		for (i = 1; i <= ne; i++)
			if (split(sk[i], kv, "|") == 2)
				skip_ok[kv[1], kv[2]] = 1
	}
	/^# aclmem-run: / {
		if (cur != "")
			finish("", "; no exit marker: crashed or hung")
		cur = $3; seen[cur] = 1; reset(); next
	}
	/^# aclmem-exit: / {
		if (cur == $3)
			finish($4, "", $5)
		next
	}
	/^# aclmem-done/ { done = 1; next }
	cur == "" { next }
	/^1\.\.[0-9]+/ {
		plan = substr($1, 4) + 0
		if (plan == 0 && $0 ~ /# *SKIP/)
			skipall = 1
		next
	}
	/^# +RUN +/ { lastrun = $3; next }
	/^ok [0-9]+/ {
		nres++
		if ($0 !~ /# *SKIP/)
			np++
		else if ((cur, skip_name($0)) in skip_ok || (cur, "*") in skip_ok)
			ns++
		else {
			nf++
			failed = failed "       unexpected skip: " $0 "\n"
		}
		next
	}
	/^not ok [0-9]+/ {
		nres++; nf++
		failed = failed "       " $0 "\n"
		next
	}
	/^Bail out!/ { bail = 1; next }
	END {
		if (cur != "")
			finish("", "; no exit marker: crashed or hung")
		for (i = 1; i <= n; i++) {
			if (!(e[i] in seen)) {
				printf "FAIL %s: did not run\n", e[i]
				F++
			}
		}
		if (done) {
			print "ok   run-complete: end marker seen"
			P++
		} else {
			print "FAIL run-complete: no end marker (guest crashed or hung)"
			F++
		}
		print "counts", P + 0, F + 0, S + 0
	}'
}

# The kernel log without \r, BENIGN lines blanked (line numbers kept).
console_text() {
	tr -d '\r' < "$CONSOLE" | sed -E "s/.*($BENIGN).*/(debug banner)/"
}

# Print every splat in the kernel log with context; succeed if none.
scan_console() {
	if ! console_text | grep -E "$SPLATS" > /dev/null; then
		echo "ok   kernel-log: no splats"
		return 0
	fi
	echo "FAIL kernel-log: splats in $CONSOLE:"
	console_text | grep -n -E -B 5 -A 30 "$SPLATS" | head -n 400 |
		sed 's/^/       /'
	return 1
}

main() {
	[ $# -eq 1 ] || usage
	if [ "$1" = --numa-tests ]; then
		numa_tests | paste -s -d ' ' -
		return
	fi
	KVER=$1
	local logdir=$TOP/build/logs/${RUN_NAME:-$KVER}
	local initrd=$TOP/build/initramfs/${RUN_NAME:-$KVER}.cpio.gz
	CONSOLE=$logdir/console.log
	TAPLOG=$logdir/tap.log
	local results=$logdir/results.txt counts=$logdir/counts
	mkdir -p "$logdir"
	rm -f "$counts" "$results"

	ARCH=$(guest_arch "$KVER")
	export ARCH
	[ "$ARCH" != arm64 ] || TEST_TIMEOUT=${TEST_TIMEOUT:-600}
	QEMU_TIMEOUT=${QEMU_TIMEOUT:-2700}
	TEST_TIMEOUT=${TEST_TIMEOUT:-300}
	KERNEL_IMAGE=${KERNEL_IMAGE:-$(guest_kernel "$KVER" "$ARCH")}
	if [ ! -e "$KERNEL_IMAGE" ]; then
		echo "$0: $KERNEL_IMAGE missing" >&2
		exit 1
	fi
	"$TOP/scripts/mkinitramfs.sh" "$KVER" "$initrd"
	run_qemu "$initrd"
	local note=
	if [ -n "$(excluded_tests)" ]; then
		note="note left out: $(excluded_tests)(need QEMU_NODES=2)"
	fi
	if ! grep -q '^# aclmem-run:' "$TAPLOG"; then
		echo "  QEMU    the guest died before its first test; the end" \
			"of its console:"
		tr -d '\r' < "$CONSOLE" | tail -n 40 | sed 's/^/    /'
		mv "$CONSOLE" "$logdir/console.boot1.log"
		note="${note:+$note
}note boot: the first boot died before any test"
		note+=" (${logdir#"$TOP"/}/console.boot1.log); booted again"
		run_qemu "$initrd"
	fi

	local expected
	expected="insmod-aclmem $(expected_tests "$initrd.root" | tr '\n' ' ')"
	expected+="rmmod-aclmem"
	parse_tap "$expected" > "$results.tmp"
	local p f s
	read -r _ p f s < <(grep '^counts ' "$results.tmp")
	{
		[ -z "$note" ] || echo "$note"
		grep -v '^counts ' "$results.tmp"
	} > "$results"
	rm -f "$results.tmp"
	if scan_console >> "$results"; then
		p=$((p + 1))
	else
		f=$((f + 1))
	fi

	echo
	echo "== $KVER results (logs in ${logdir#"$TOP"/}) =="
	cat "$results"
	if grep -q '^FAIL run-complete' "$results"; then
		echo "-- last 40 lines of the kernel console --"
		tr -d '\r' < "$CONSOLE" | tail -n 40
	fi
	echo "$p $f $s" > "$counts"
	echo "$KVER: $p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

main "$@"
