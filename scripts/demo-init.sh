#!/bin/sh
# SPDX-License-Identifier: MIT
#
# /init of the demo initramfs (busybox sh), built by scripts/demo.sh with
# scripts/mkinitramfs.sh (INIT=this file, EXAMPLES_DIR=build/examples):
#
#   1. load aclmem.ko (parameters from aclmemdemo.params=, commas);
#   2. /examples/alloc_map: 2 MiB and 1 GiB, reserve, map, write;
#   3. /examples/share_export: export to a second process that reads;
#   4. /examples/pool_stats: the pools after all that;
#   5. unload aclmem; then power off.
#
# The kernel console is on ttyS0; the demo's own lines go to the line
# aclmemdemo.out= names (ttyS1; on arm64 the virtio console hvc0, there
# once the modules of /modules.order are loaded), which scripts/demo.sh
# shows. After each step a line "# demo-step N RC" says how it went;
# "# demo-done" ends the run.
#
# No "set -e": if PID 1 exits the kernel panics.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
# shellcheck source=scripts/guest-modules.sh
. /guest-modules.sh

OUT=/dev/ttyS1
PARAMS="pool_2m=8 pool_1g=1"
TIMEOUT=300

say() {
	echo "$*" > "$OUT"
}

uptime_s() {
	read -r up _ < /proc/uptime
	echo "$up"
}

# step N TITLE COMMAND...: run COMMAND with its output indented under a
# title line, then its status line and marker. A program (a path) runs
# under a timeout and is shown as typed; a function shows its own commands.
step() {
	n=$1
	title=$2
	shift 2
	say ""
	say "== $n. $title"
	echo "aclmem-demo: step $n: $*" > /dev/kmsg
	start=$(uptime_s)
	case $1 in
	/*)
		say "   \$ $*"
		(cd /tmp && timeout "$TIMEOUT" "$@") > /tmp/step.out 2>&1
		;;
	*)
		"$@" > /tmp/step.out 2>&1
		;;
	esac
	rc=$?
	secs=$(awk -v a="$start" -v b="$(uptime_s)" \
		'BEGIN { printf "%.1f", b - a }')
	sed 's/^/   /' /tmp/step.out > "$OUT"
	if [ "$rc" -eq 0 ]; then
		say "   ok (${secs} s)"
	else
		say "   FAILED: exit status $rc (${secs} s)"
	fi
	say "# demo-step $n $rc"
	# Nothing a step started may keep /dev/aclmem open for the next.
	kill -KILL -1 2>/dev/null
	return "$rc"
}

load_aclmem() {
	echo "\$ insmod aclmem.ko $PARAMS"
	# shellcheck disable=SC2086
	insmod /aclmem.ko $PARAMS || return 1
	[ -c /dev/aclmem ] || { echo "/dev/aclmem missing"; return 1; }
	ls -l /dev/aclmem
	echo "aclmem $(cat /sys/module/aclmem/version 2>/dev/null)," \
		"pool_2m=$(cat /sys/module/aclmem/parameters/pool_2m)" \
		"pool_1g=$(cat /sys/module/aclmem/parameters/pool_1g)"
}

unload_aclmem() {
	echo "\$ rmmod aclmem"
	rmmod aclmem || return 1
	[ ! -e /dev/aclmem ] || { echo "/dev/aclmem still there"; return 1; }
	echo "unloaded; every page went back to the kernel"
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
		aclmemdemo.params=*) PARAMS=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclmemdemo.timeout=*) TIMEOUT=${arg#*=} ;;
		aclmemdemo.out=*) OUT=/dev/${arg#*=} ;;
		esac
	done
	# the modules the image lists (virtio_console on arm64), then the
	# line the demo's output goes to
	load_image_modules echo
	open_out_tty "$OUT"
	say "guest: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo)" \
		"CPUs, $(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' \
		/proc/meminfo) GiB, up $(uptime_s) s"

	if step 1 "load the module" load_aclmem; then
		step 2 "allocate 2 MiB and 1 GiB, reserve, map, write" \
			/examples/alloc_map
		step 3 "export to a second process, which reads the data" \
			/examples/share_export
		step 4 "pool statistics" /examples/pool_stats
		step 5 "unload the module" unload_aclmem
	fi
	sync
	say "# demo-done"
	poweroff -f
}

main
