#!/bin/sh
# SPDX-License-Identifier: MIT
#
# /init of the benchmark initramfs (busybox sh), built by scripts/bench.sh
# with scripts/mkinitramfs.sh (INIT=this file, BENCH_DIR=build/bench):
#
#   1. hugetlb pages: 1 GiB and 2 MiB (the kernel command line reserves
#      them; topped up here at run time if it did not);
#   2. loads aclmem.ko (parameters from aclbench.params=, commas);
#   3. runs /bench/aclbench [--scale=S] all (aclbench.scale=S; other
#      subcommands with aclbench.args=a,b) under a timeout
#      (aclbench.timeout=, seconds);
#   4. unloads aclmem and powers off.
#
# The kernel console is on ttyS0; the benchmark's lines (RESULT, INFO and
# "#" comments) go to the line aclbench.out= names (ttyS1; on arm64 the
# virtio console hvc0, there once the modules of /modules.order are
# loaded), which scripts/bench.sh collects. It ends with "# aclbench-exit
# RC" and "# aclbench-done".
#
# No "set -e": if PID 1 exits the kernel panics.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
# shellcheck source=scripts/guest-modules.sh
. /guest-modules.sh

OUT=/dev/ttyS1
PARAMS="pool_2m=128 pool_1g=1 movable_1g=1"
SCALE=1
ARGS=all
TIMEOUT=900
HP2M=256
HP1G=1

say() {
	echo "$*" > "$OUT"
}

# Make sure at least $2 hugetlb pages of $1 kB exist.
hugepages() {
	f=/sys/kernel/mm/hugepages/hugepages-$1kB/nr_hugepages
	[ -w "$f" ] || return 0
	[ "$(cat "$f")" -ge "$2" ] || echo "$2" > "$f"
	say "INFO hugepages_$1kB=$(cat "$f")"
}

main() {
	mkdir -p /proc /sys /dev /tmp
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /tmp
	exec < /dev/console > /dev/console 2>&1
	read -r cmdline < /proc/cmdline
	for arg in $cmdline; do
		case $arg in
		aclbench.params=*) PARAMS=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclbench.scale=*) SCALE=${arg#*=} ;;
		aclbench.timeout=*) TIMEOUT=${arg#*=} ;;
		aclbench.args=*) ARGS=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclbench.out=*) OUT=/dev/${arg#*=} ;;
		esac
	done
	load_image_modules :
	open_out_tty "$OUT"

	say "INFO kernel=$(uname -r)"
	say "INFO cpus=$(grep -c ^processor /proc/cpuinfo)"
	say "INFO mem_kb=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	say "INFO clocksource=$(cat \
		/sys/devices/system/clocksource/clocksource0/current_clocksource)"
	say "INFO thp=$(sed 's/.*\[\(.*\)\].*/\1/' \
		/sys/kernel/mm/transparent_hugepage/enabled)"
	say "INFO cmdline=$(echo "$cmdline" | tr ' ' ',')"
	# What this boot really does (CONFIG_INIT_ON_ALLOC_DEFAULT_ON and
	# init_on_alloc= together): the kernel's own report.
	say "INFO meminit=$(dmesg | sed -n 's/.*mem auto-init: \(stack:.*\)/\1/p' |
		head -n 1)"
	hugepages 1048576 "$HP1G"
	hugepages 2048 "$HP2M"

	echo "aclbench: insmod /aclmem.ko $PARAMS" > /dev/kmsg
	# shellcheck disable=SC2086
	if insmod /aclmem.ko $PARAMS; then
		say "INFO aclmem_params=$(echo "$PARAMS" | tr ' ' ',')"
		echo "aclbench: start" > /dev/kmsg
		# shellcheck disable=SC2086
		(cd /tmp && timeout "$TIMEOUT" /bench/aclbench \
			--scale="$SCALE" $ARGS) > "$OUT" 2>&1
		rc=$?
		echo "aclbench: end rc=$rc" > /dev/kmsg
		say "# aclbench-exit $rc"
		kill -KILL -1 2>/dev/null
		sleep 1
		rmmod aclmem || say "# aclbench: rmmod aclmem failed"
	else
		say "# aclbench-exit insmod-failed"
	fi
	sync
	say "# aclbench-done"
	poweroff -f
}

main
