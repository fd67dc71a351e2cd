#!/bin/bash
# SPDX-License-Identifier: MIT
#
# "make bench": aclmem against hugetlbfs, shmem memfds, THP and the dma-buf
# system heap, side by side in one QEMU boot (TCG, never KVM).
#   1. builds aclmem.ko for KVER, libascendcl.so and bench/aclbench;
#   2. packs them into an initramfs (scripts/mkinitramfs.sh, with
#      bench/init.sh as /init);
#   3. boots /boot/vmlinuz-KVER with hugetlb pages reserved; the guest loads
#      the module and runs "aclbench all", whose RESULT lines come back on
#      the second serial line;
#   4. bench/report.sh turns them into bench/results/KVER.md (the table,
#      ratios against the peer of the same boot, targets met or MISSED),
#      KVER.csv, KVER.png (gnuplot) and KVER.log (the raw lines).
# Exits non-zero if the guest did not finish, a benchmark failed or the
# kernel log has a splat. Absolute times under TCG mean little: read the
# ratios. With ARCH=arm64 ("make bench ARCH=arm64") all of it is
# cross-built for Debian's arm64 kernel (6.12 by default) and booted under
# qemu-system-aarch64 -M virt (scripts/qemu-machine.sh); its results are
# bench/results/KVER.* of that kernel.
#
# Environment: KVER (default: the newest installed 6.12 kernel),
# ACLMEM_PARAMS (default "pool_2m=128 pool_1g=1 movable_1g=1"), MOVABLECORE
# (the guest's movablecore=, default 5G as scripts/qemu-test.sh: 1 GiB
# growth finds a GiB there, boot-time allocations having filled the rest
# of the memory above 4 GiB), BENCH_SCALE (1: the
# iteration counts; 0.1 for a quick look), BENCH_ARGS (aclbench
# subcommands, default all), QEMU_MEM (8G), QEMU_SMP (2),
# QEMU_TIMEOUT (1200), QEMU_APPEND (more kernel arguments),
# RESULTS (default bench/results), V=1 (stream the kernel console too).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/qemu-machine.sh
. "$TOP/scripts/qemu-machine.sh"
ACLMEM_PARAMS=${ACLMEM_PARAMS:-pool_2m=128 pool_1g=1 movable_1g=1}
MOVABLECORE=${MOVABLECORE-5G}
BENCH_SCALE=${BENCH_SCALE:-1}
QEMU_MEM=${QEMU_MEM:-8G}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-1200}
RESULTS=${RESULTS:-$TOP/bench/results}
MAKE=${MAKE:-make}
V=${V:-0}

# The same list as scripts/qemu-test.sh: kernel log lines that mean a bug.
SPLATS='WARNING:|BUG:|Oops|KASAN|kernel BUG|general protection fault'
SPLATS+='|Call Trace:|lockdep|possible circular locking'
SPLATS+='|unreferenced object|page dumped because|Bad page|Kernel panic'
SPLATS+='|: bad (pgd|p4d|pud|pmd) |detected stall'

START=$SECONDS

fail() {
	echo "bench FAILED: $* (logs in ${LOGS#"$TOP"/})" >&2
	exit 1
}

build() {
	local log=$LOGS/build.log
	echo "== build: aclmem.ko for $KVER, libascendcl.so, bench/aclbench"
	local args=(KVER="$KVER") build=$TOP/build
	if [ "$ARCH" = arm64 ]; then
		args+=(ARCH=arm64)
		build=$TOP/build/arm64
	fi
	if ! { $MAKE -C "$TOP" modules lib "${args[@]}" &&
		$MAKE -C "$TOP" bench-build "${args[@]}"; } > "$log" 2>&1; then
		tail -n 30 "$log"
		fail "build"
	fi
	if ! INIT=$TOP/bench/init.sh BENCH_DIR=$build/bench \
		SELFTEST_DIR=/nonexistent LIBTEST_DIR=/nonexistent \
		TOOLS_DIR=/nonexistent \
		"$TOP/scripts/mkinitramfs.sh" "$KVER" "$INITRD" >> "$log" 2>&1
	then
		tail -n 30 "$log"
		fail "initramfs"
	fi
}

boot() {
	local append cmd pid rc=0
	qemu_machine "$ARCH" "$CONSOLE" "$BENCHLOG"
	append="console=$CONSOLE_TTY panic=-1 loglevel=4 $MACHINE_APPEND"
	append+=" aclbench.out=$OUT_TTY"
	append+=" hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=256"
	[ -z "$MOVABLECORE" ] || append+=" movablecore=$MOVABLECORE"
	append+=" aclbench.params=$(echo "$ACLMEM_PARAMS" | tr ' ' ',')"
	append+=" aclbench.scale=$BENCH_SCALE"
	[ -z "${BENCH_ARGS:-}" ] || append+=" aclbench.args=$(echo "$BENCH_ARGS" | tr ' ' ',')"
	append+=" aclbench.timeout=$((QEMU_TIMEOUT - 60))"
	[ -z "${QEMU_APPEND:-}" ] || append+=" $QEMU_APPEND"
	cmd=(timeout "$QEMU_TIMEOUT" "${QEMU_MACHINE[@]}"
		-accel tcg -m "$QEMU_MEM" -smp "$QEMU_SMP"
		-nodefaults -display none -no-reboot
		-kernel "$KERNEL_IMAGE" -initrd "$INITRD"
		-append "$append"
		-monitor none)
	echo "${cmd[*]}" > "$LOGS/qemu-command"
	echo "== boot: Linux $KVER under QEMU (TCG, $QEMU_SMP CPUs, $QEMU_MEM," \
		"$ACLMEM_PARAMS, scale $BENCH_SCALE)"
	: > "$CONSOLE"
	: > "$BENCHLOG"
	"${cmd[@]}" &
	pid=$!
	# shellcheck disable=SC2064
	trap "kill $pid 2>/dev/null" EXIT
	if [ "$V" = 1 ]; then
		tail -n +1 -f --pid="$pid" "$CONSOLE" "$BENCHLOG" | tr -d '\r' ||
			true
	else
		tail -n +1 -f --pid="$pid" "$BENCHLOG" | tr -d '\r' |
			grep --line-buffered -E '^(RESULT|# bench|# aclbench)' ||
			true
	fi
	wait "$pid" || rc=$?
	trap - EXIT
	[ "$rc" != 124 ] || echo "== QEMU killed: no power-off within" \
		"${QEMU_TIMEOUT}s"
}

# The kernel log without what a peer's own kernel work set off: aclbench
# brackets the peers that may stall a CPU in the kernel (hugetlb grown by
# 1 GiB at run time, which 6.12 clears in one go without rescheduling)
# with "aclbench: peer ... begin/end" in /dev/kmsg; their soft lockups
# are counted for the report (INFO peer_soft_lockups), not failed on.
peer_console() {
	tr -d '\r' < "$CONSOLE" | awk '
		/aclbench: peer .* begin/ { inside = 1; next }
		/aclbench: peer .* end/ { inside = 0; next }
		!inside'
}

peer_lockups() {
	tr -d '\r' < "$CONSOLE" | awk '
		/aclbench: peer .* begin/ { inside = 1; next }
		/aclbench: peer .* end/ { inside = 0; next }
		inside && /soft lockup/ { n++ }
		END { print n + 0 }'
}

judge() {
	local problems=() msg
	tr -d '\r' < "$BENCHLOG" | grep -q '^# aclbench-done' ||
		problems+=("the guest did not finish")
	tr -d '\r' < "$BENCHLOG" | grep -q '^# aclbench-exit 0$' ||
		problems+=("aclbench did not exit 0")
	if tr -d '\r' < "$BENCHLOG" | grep -q 'status=fail'; then
		problems+=("some benchmarks failed")
		tr -d '\r' < "$BENCHLOG" | grep 'status=fail'
	fi
	if peer_console | grep -q -E "$SPLATS"; then
		problems+=("splats in the kernel log")
		peer_console | grep -n -E -B 3 -A 20 "$SPLATS" | head -n 60
	fi
	if [ ${#problems[@]} -gt 0 ]; then
		msg=$(printf '%s; ' "${problems[@]}")
		echo "== problems: ${msg%; }"
		return 1
	fi
}

# The sizes of the per-handle structs, from the module's debug info
# (pahole, package dwarves, if installed), for the report's estimate of
# the kernel memory per handle next to the measured one.
layout() {
	local ko=$TOP/kmod/build/$KVER/aclmem.ko
	command -v pahole > /dev/null || return 0
	pahole -C aclmem_handle,aclmem_buf "$ko" 2>/dev/null | awk '
		/^struct / { name = $2 }
		/\/\* size: / { sub(/,/, "", $3); print "INFO layout_" name "=" $3 }'
}

main() {
	ARCH=$(guest_arch "${KVER:-}")
	export ARCH
	if [ "$ARCH" = arm64 ]; then
		KVER=${KVER:-$("$TOP/scripts/extra-kernels.sh" --list arm64 |
			tr ' ' '\n' | grep '^6\.12\.' | head -n 1)}
		[ -n "$KVER" ] || { echo "no Debian 6.12 arm64 kernel in apt: set KVER" >&2; exit 1; }
		# its image, modules and headers, into the cache
		KERNEL_IMAGE=$(guest_kernel "$KVER" arm64) || exit 1
		KCONFIG=$("$TOP/scripts/extra-kernels.sh" --root "$KVER")/boot/config-$KVER
	else
		KVER=${KVER:-$("$TOP/scripts/kernels.sh" 6.12)}
		[ -n "$KVER" ] || { echo "no 6.12 kernel installed: set KVER" >&2; exit 1; }
		KERNEL_IMAGE=$(guest_kernel "$KVER" x86_64)
		KCONFIG=/boot/config-$KVER
	fi
	[ -e "$KERNEL_IMAGE" ] || { echo "$KERNEL_IMAGE missing" >&2; exit 1; }
	LOGS=$TOP/build/logs/bench-$KVER
	INITRD=$TOP/build/initramfs/bench-$KVER.cpio.gz
	CONSOLE=$LOGS/console.log
	BENCHLOG=$LOGS/bench.log
	mkdir -p "$LOGS"
	build
	boot
	local ok=0
	judge || ok=1
	# The kernel's default for init_on_alloc (the guest reports what the
	# boot did, INFO meminit).
	{
		layout
		echo "INFO peer_soft_lockups=$(peer_lockups)"
		echo "INFO config_init_on_alloc=$(sed -n \
			's/^CONFIG_INIT_ON_ALLOC_DEFAULT_ON=//p' \
			"$KCONFIG" 2>/dev/null)"
	} >> "$BENCHLOG"
	if tr -d '\r' < "$BENCHLOG" | grep -q '^RESULT '; then
		"$TOP/bench/report.sh" "$KVER" "$BENCHLOG" "$RESULTS" ||
			fail "report"
		echo
		cat "$RESULTS/$KVER.md"
		echo
		echo "== results in ${RESULTS#"$TOP"/}/$KVER.{md,csv,png,log}"
	fi
	echo "== bench: $((SECONDS - START))s (logs in ${LOGS#"$TOP"/})"
	[ "$ok" = 0 ] || fail "see above"
}

main "$@"
