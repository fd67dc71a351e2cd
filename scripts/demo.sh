#!/bin/bash
# SPDX-License-Identifier: MIT
#
# "make demo": aclmem at work, in one command, on a Debian 12 machine.
#   1. installs the Debian packages if something is missing
#      (scripts/install-deps.sh, through sudo when not root);
#   2. builds aclmem.ko for KVER, libascendcl.so and examples/;
#   3. packs them into an initramfs (scripts/mkinitramfs.sh, with
#      scripts/demo-init.sh as /init);
#   4. boots /boot/vmlinuz-KVER under QEMU (TCG, never KVM), where the guest
#      loads the module, runs the examples in order, prints the pools,
#      unloads the module and powers off;
#   5. shows the demo's own lines and a one-line summary.
# With ARCH=arm64 ("make demo ARCH=arm64") all of it is cross-built for
# Debian's arm64 kernel (image and headers fetched by
# scripts/extra-kernels.sh into the cache) and booted under
# qemu-system-aarch64 -M virt.
# Logs (the full kernel console among them) are in build/logs/demo/.
# Exits non-zero if any step failed, the guest did not finish, or the kernel
# log has a splat.
#
# Environment: ARCH (x86_64 or arm64; default: arm64 for a KVER ending in
# -arm64), KVER (default: the newest installed 6.1 kernel; for arm64
# Debian's 6.1 arm64 kernel),
# ACLMEM_PARAMS (default "pool_2m=8 pool_1g=1 movable_1g=1"), MOVABLECORE
# (the guest's movablecore=, default 3G: the 1 GiB page at load is taken
# there, as the README advises operators; without it a fresh 6.1 guest once
# had no free aligned GiB left), QEMU_MEM (6G),
# QEMU_SMP (2), QEMU_TIMEOUT (600), DEMO_SKIP_DEPS=1 (never install).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/qemu-machine.sh
. "$TOP/scripts/qemu-machine.sh"
LOGS=$TOP/build/logs/demo
ACLMEM_PARAMS=${ACLMEM_PARAMS:-pool_2m=8 pool_1g=1 movable_1g=1}
MOVABLECORE=${MOVABLECORE-3G}
QEMU_MEM=${QEMU_MEM:-6G}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-600}
MAKE=${MAKE:-make}
STEPS=5		# what scripts/demo-init.sh runs

# The same list as scripts/qemu-test.sh: kernel log lines that mean a bug.
SPLATS='WARNING:|BUG:|Oops|KASAN|kernel BUG|general protection fault'
SPLATS+='|Call Trace:|lockdep|possible circular locking'
SPLATS+='|unreferenced object|page dumped because|Bad page|Kernel panic'
SPLATS+='|: bad (pgd|p4d|pud|pmd) |detected stall'

START=$SECONDS

elapsed() {
	local s=$((SECONDS - START))
	echo "$((s / 60))m$((s % 60))s"
}

fail() {
	echo "demo FAILED: $* ($(elapsed); logs in ${LOGS#"$TOP"/})"
	exit 1
}

# Print the last lines of a log after a failed command.
show_tail() {
	echo "-- last 30 lines of ${1#"$TOP"/} --"
	tail -n 30 "$1"
}

# Every command and kernel the demo needs, or the reason it cannot run.
missing() {
	local cmd cmds=(make gcc pkg-config cpio busybox modinfo modprobe gzip)
	if [ "$ARCH" = arm64 ]; then
		cmds+=(qemu-system-aarch64 aarch64-linux-gnu-gcc readelf depmod)
	else
		cmds+=(qemu-system-x86_64)
	fi
	for cmd in "${cmds[@]}"; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null ||
			{ echo "$cmd"; return; }
	done
	ldd /bin/busybox >/dev/null 2>&1 && { echo "busybox-static"; return; }
	if [ "$ARCH" = arm64 ]; then
		dpkg --print-foreign-architectures | grep -qx arm64 ||
			echo "the arm64 architecture in dpkg"
		return
	fi
	if [ -n "${KVER:-}" ]; then
		[ -e "/boot/vmlinuz-$KVER" ] && [ -d "/lib/modules/$KVER/build" ] ||
			echo "kernel $KVER (image and headers)"
	else
		"$TOP/scripts/kernels.sh" 6.1 >/dev/null 2>&1 ||
			echo "a 6.1 kernel (image and headers)"
	fi
}

deps() {
	local what
	what=$(missing)
	if [ -z "$what" ]; then
		echo "== packages: all there"
		return
	fi
	if [ "${DEMO_SKIP_DEPS:-0}" = 1 ]; then
		fail "missing: $what (DEMO_SKIP_DEPS=1: not installing)"
	fi
	echo "== packages: $what missing: installing the Debian packages" \
		"(scripts/install-deps.sh; a few minutes; log: ${LOGS#"$TOP"/}/deps.log)"
	if ! bash "$TOP/scripts/install-deps.sh" > "$LOGS/deps.log" 2>&1; then
		show_tail "$LOGS/deps.log"
		fail "installing the packages"
	fi
	what=$(missing)
	[ -z "$what" ] || fail "still missing after install: $what"
}

# Debian's arm64 kernel: its image, modules and headers, fetched into the
# cache (scripts/extra-kernels.sh) unless there already.
fetch_arm64_kernel() {
	local log=$LOGS/build.log
	echo "== kernel: Debian's $KVER (image and headers, into the cache)"
	if ! KERNEL_IMAGE=$(guest_kernel "$KVER" arm64 2>> "$log"); then
		show_tail "$log"
		fail "fetching $KVER"
	fi
}

build() {
	local log=$LOGS/build.log examples=$TOP/build/examples
	local args=(KVER="$KVER")
	if [ "$ARCH" = arm64 ]; then
		args+=(ARCH=arm64)
		examples=$TOP/build/arm64/examples
	fi
	echo "== build: aclmem.ko for $KVER, libascendcl.so, examples/" \
		"(log: ${log#"$TOP"/})"
	if ! $MAKE -C "$TOP" modules lib examples "${args[@]}" >> "$log" 2>&1
	then
		show_tail "$log"
		fail "build"
	fi
	echo "== initramfs: busybox, aclmem.ko, libascendcl.so, the examples"
	if ! INIT=$TOP/scripts/demo-init.sh EXAMPLES_DIR=$examples \
		SELFTEST_DIR=/nonexistent LIBTEST_DIR=/nonexistent \
		GUEST_MODULES='' \
		"$TOP/scripts/mkinitramfs.sh" "$KVER" "$INITRD" >> "$log" 2>&1; then
		show_tail "$log"
		fail "initramfs"
	fi
}

# Boot the guest; show its lines (serial port 2) as they come, the step
# markers turned into nothing (demo-init.sh prints "ok" lines itself).
boot() {
	local append cmd pid rc=0
	qemu_machine "$ARCH" "$CONSOLE" "$DEMOLOG"
	append="console=$CONSOLE_TTY panic=-1 loglevel=7 $MACHINE_APPEND"
	append+=" aclmemdemo.out=$OUT_TTY"
	append+=" aclmemdemo.params=$(echo "$ACLMEM_PARAMS" | tr ' ' ',')"
	[ -z "$MOVABLECORE" ] || append+=" movablecore=$MOVABLECORE"
	cmd=(timeout "$QEMU_TIMEOUT" "${QEMU_MACHINE[@]}"
		-accel tcg -m "$QEMU_MEM" -smp "$QEMU_SMP"
		-nodefaults -display none -no-reboot
		-kernel "$KERNEL_IMAGE" -initrd "$INITRD"
		-append "$append"
		-monitor none)
	echo "${cmd[*]}" > "$LOGS/qemu-command"
	echo "== boot: Linux $KVER under QEMU (TCG, $QEMU_SMP CPUs," \
		"$QEMU_MEM; kernel log: ${CONSOLE#"$TOP"/})"
	: > "$CONSOLE"
	: > "$DEMOLOG"
	"${cmd[@]}" &
	pid=$!
	# shellcheck disable=SC2064
	trap "kill $pid 2>/dev/null" EXIT
	tail -n +1 -f --pid="$pid" "$DEMOLOG" | tr -d '\r' |
		grep --line-buffered -v '^# demo-' || true
	wait "$pid" || rc=$?
	trap - EXIT
	echo
	if [ "$rc" = 124 ]; then
		echo "== QEMU killed: no power-off within ${QEMU_TIMEOUT}s"
	elif [ "$rc" != 0 ]; then
		echo "== QEMU exited with $rc"
	else
		echo "== powered off"
	fi
}

# Count the steps from the markers; check the end marker and the kernel log.
judge() {
	local ok failed problems=()
	ok=$(tr -d '\r' < "$DEMOLOG" | grep -c '^# demo-step [0-9]* 0$' || true)
	failed=$((STEPS - ok))
	[ "$failed" -eq 0 ] || problems+=("$failed of $STEPS steps did not pass")
	if ! tr -d '\r' < "$DEMOLOG" | grep -q '^# demo-done'; then
		problems+=("the guest did not finish")
		show_tail "$CONSOLE"
	fi
	if grep -q -E "$SPLATS" "$CONSOLE"; then
		problems+=("splats in the kernel log")
		tr -d '\r' < "$CONSOLE" | grep -n -E -B 3 -A 20 "$SPLATS" |
			head -n 60
	fi
	if [ ${#problems[@]} -gt 0 ]; then
		local msg
		msg=$(printf '%s; ' "${problems[@]}")
		fail "${msg%; }"
	fi
	echo "demo: $ok of $STEPS steps ok, kernel log clean," \
		"$(elapsed) (logs in ${LOGS#"$TOP"/})"
}

main() {
	mkdir -p "$LOGS"
	echo "aclmem $(cat "$TOP/VERSION") demo: build, boot a kernel" \
		"under QEMU, run examples/ there"
	ARCH=$(guest_arch "${KVER:-}")
	export ARCH
	deps
	: > "$LOGS/build.log"
	if [ "$ARCH" = arm64 ]; then
		KVER=${KVER:-$("$TOP/scripts/extra-kernels.sh" --list arm64 |
			tr ' ' '\n' | grep '^6\.1\.' | head -n 1)}
		[ -n "$KVER" ] || fail "no Debian 6.1 arm64 kernel in apt"
		fetch_arm64_kernel
	else
		KVER=${KVER:-$("$TOP/scripts/kernels.sh" 6.1)}
		KERNEL_IMAGE=$(guest_kernel "$KVER" x86_64)
	fi
	INITRD=$TOP/build/initramfs/demo-$KVER.cpio.gz
	CONSOLE=$LOGS/console.log
	DEMOLOG=$LOGS/demo.log
	build
	boot
	judge
}

main "$@"
