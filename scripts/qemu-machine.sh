# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables qemu_machine sets are the callers'
#
# The guest machine of each architecture, for the scripts that boot one
# (qemu-test.sh, demo.sh, bench.sh): sourced, it defines
#
#   guest_arch KVER           x86_64, or arm64 for a KVER ending in -arm64;
#                             $ARCH, when set, wins
#   guest_kernel KVER ARCH    the kernel image to boot: /boot/vmlinuz-KVER,
#                             or for arm64 Debian's image of KVER, fetched
#                             into the cache (scripts/extra-kernels.sh)
#   qemu_machine ARCH CONSOLE_FILE OUT_FILE
#                             sets QEMU_MACHINE (the QEMU program and its
#                             machine, CPU and serial options), CONSOLE_TTY
#                             and OUT_TTY (the guest's names of the kernel
#                             console, written to CONSOLE_FILE, and of a
#                             second line, written to OUT_FILE) and
#                             MACHINE_APPEND (kernel arguments the machine
#                             wants)
#
# x86_64: qemu-system-x86_64 -cpu max, two 8250 serial ports (ttyS0,
# ttyS1). arm64: qemu-system-aarch64 -M virt -cpu max, whose only UART is
# the PL011 (ttyAMA0, the console); the second line is a virtio console
# (hvc0), there once the guest has loaded virtio_mmio and virtio_console
# (scripts/mkinitramfs.sh puts them in the image).

QEMU_MACHINE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

guest_arch() {
	if [ -n "${ARCH:-}" ]; then
		echo "$ARCH"
		return
	fi
	case $1 in
	*-arm64) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

guest_kernel() {
	if [ "$2" = arm64 ]; then
		"$QEMU_MACHINE_TOP/scripts/extra-kernels.sh" --image "$1"
	else
		echo "/boot/vmlinuz-$1"
	fi
}

qemu_machine() {
	local arch=$1 console=$2 out=$3
	case $arch in
	arm64)
		# pauth-impdef: QEMU's own pointer-authentication hash, much
		# cheaper under TCG than the architected QARMA5
		# shellcheck disable=SC2054 # commas inside option values
		QEMU_MACHINE=(qemu-system-aarch64 -M virt
			-cpu max,pauth-impdef=on -serial "file:$console"
			-device virtio-serial-device
			-chardev "file,id=out,path=$out"
			-device virtconsole,chardev=out)
		CONSOLE_TTY=ttyAMA0
		OUT_TTY=hvc0
		MACHINE_APPEND=
		;;
	*)
		QEMU_MACHINE=(qemu-system-x86_64 -cpu max
			-serial "file:$console" -serial "file:$out")
		CONSOLE_TTY=ttyS0
		OUT_TTY=ttyS1
		# The kernel's boot check that the timer interrupt arrives
		# through the IO-APIC times a few ticks; on a busy host it can
		# fail, and the kernel then routes the timer through the 8259.
		# In the one boot where that was seen (a loaded host) every
		# write to the second serial line stalled for 150 s and its
		# output was lost. The check is for broken boards, not QEMU.
		MACHINE_APPEND=no_timer_check
		;;
	esac
}
