#!/bin/sh
# SPDX-License-Identifier: MIT
#
# /init of the aclmem test initramfs (busybox sh). Built into the image by
# scripts/mkinitramfs.sh; run by the kernel under QEMU (scripts/qemu-test.sh).
#
#   - kernel console on ttyS0, test output (TAP) on ttyS1, so kernel lines
#     never interleave with TAP (on arm64: ttyAMA0 and the virtio console
#     hvc0, aclmemtest.tap=hvc0, there once its modules are loaded);
#   - loads the modules listed in /modules.order (brd and any dependencies),
#     then /aclmem.ko with the parameters of aclmemtest.params=;
#   - runs every binary in /tests, sorted, each under a timeout, framed by
#     "# aclmem-run: NAME" and "# aclmem-exit: NAME RC SECONDS" on ttyS1
#     and marked in the kernel log;
#   - unloads aclmem, syncs, prints "# aclmem-done" and powers off;
#   - on a kernel with kmemleak (the debug kernel): clears what it suspects
#     from boot before loading anything; after rmmod scans twice and prints
#     its report on the console, as one more TAP result ("kmemleak").
#
# Kernel command line options (dotted, so the kernel ignores them):
#   aclmemtest.params=pool_2m=8,pool_1g=1   aclmem.ko parameters (commas)
#   aclmemtest.timeout=300                  seconds per test binary
#   aclmemtest.tests=a_test,b_test          run only these binaries
#   aclmemtest.exclude=a_test,b_test        run all but these binaries
#   aclmemtest.tap=hvc0                     the TAP stream's tty (ttyS1)
#
# The tests run with RLIMIT_MEMLOCK unlimited, as a service with
# LimitMEMLOCK=infinity would: tests of the limit itself set their own.
#
# No "set -e" here on purpose: if PID 1 exits the kernel panics, and a failed
# step must be reported, not end the run.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
# shellcheck source=scripts/guest-modules.sh
. /guest-modules.sh

TAP=/dev/ttyS1
KMEMLEAK=/sys/kernel/debug/kmemleak
PARAMS="pool_2m=8 pool_1g=1"
TIMEOUT=300
ONLY=
EXCLUDE=

log() {
	echo "aclmem-init: $*"
}

kmsg() {
	echo "aclmem-test: $*" > /dev/kmsg
}

# The TAP stream: fd 3, open on $TAP from load_modules on.
tap() {
	echo "$*" >&3
}

mount_filesystems() {
	mkdir -p /proc /sys /dev /tmp
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tmpfs tmpfs /tmp
}

parse_cmdline() {
	read -r cmdline < /proc/cmdline
	for arg in $cmdline; do
		case $arg in
		aclmemtest.params=*)
			PARAMS=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclmemtest.timeout=*)
			TIMEOUT=${arg#*=} ;;
		aclmemtest.tests=*)
			ONLY=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclmemtest.exclude=*)
			EXCLUDE=$(echo "${arg#*=}" | tr ',' ' ') ;;
		aclmemtest.tap=*)
			TAP=/dev/${arg#*=} ;;
		aclmemtest.stress_calls=*)
			ACLMEM_STRESS_CALLS=${arg#*=}
			export ACLMEM_STRESS_CALLS ;;
		esac
	done
}

# A one-result TAP block for a step of the runner itself (load, unload).
tap_step() {
	name=$1
	rc=$2
	shift 2
	tap "# aclmem-run: $name"
	tap "TAP version 13"
	tap "1..1"
	if [ "$rc" -eq 0 ]; then
		tap "ok 1 $*"
	else
		tap "not ok 1 $* (exit $rc)"
	fi
	tap "# aclmem-exit: $name $rc"
}

load_modules() {
	load_image_modules log
	[ -b /dev/ram0 ] || log "no /dev/ram0 (brd missing?)"
	# Held open for the whole run: a serial port that every test opened
	# and closed again was shut down and started up each time, and once
	# lost the line written right after a test (its exit marker).
	if open_out_tty "$TAP"; then
		exec 3> "$TAP"
	else
		log "no $TAP: the TAP stream goes to the console"
		exec 3> /dev/console
	fi
}

load_aclmem() {
	log "insmod /aclmem.ko $PARAMS"
	kmsg "insmod $PARAMS"
	# shellcheck disable=SC2086
	insmod /aclmem.ko $PARAMS
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -c /dev/aclmem ]; then
		log "/dev/aclmem missing after insmod"
		rc=1
	fi
	tap_step insmod-aclmem "$rc" "insmod aclmem.ko $PARAMS"
	return "$rc"
}

# Kill whatever a test left behind: orphaned children would keep
# /dev/aclmem open (and the pool busy) for the next test and for rmmod.
# busybox timeout leaves its watcher process too, so this is routine.
kill_leftovers() {
	kill -KILL -1 2>/dev/null && sleep 0.5
}

selected() {
	for skip in $EXCLUDE; do
		[ "$skip" = "$1" ] && return 1
	done
	[ -z "$ONLY" ] && return 0
	for want in $ONLY; do
		[ "$want" = "$1" ] && return 0
	done
	return 1
}

# Whole seconds since boot.
uptime_s() {
	read -r up _ < /proc/uptime
	echo "${up%.*}"
}

run_test() {
	name=$1
	log "running $name (timeout ${TIMEOUT}s)"
	kmsg "start $name"
	tap "# aclmem-run: $name"
	start=$(uptime_s)
	(cd /tmp && exec timeout "$TIMEOUT" "/tests/$name") >&3 2>&1 3>&-
	rc=$?
	tap "# aclmem-exit: $name $rc $(($(uptime_s) - start))"
	kmsg "end $name rc=$rc"
	log "$name exited with $rc"
	kill_leftovers
}

# Sorted, but the test that unloads and reloads the module goes last: a
# reload gives the pools' pages back, and a 1 GiB page may not be had
# again, which would starve the tests after it.
LAST_TESTS="module_unload_test"

run_tests() {
	for path in /tests/*; do
		[ -x "$path" ] || continue
		name=${path##*/}
		case " $LAST_TESTS " in *" $name "*) continue ;; esac
		selected "$name" && run_test "$name"
	done
	for name in $LAST_TESTS; do
		[ -x "/tests/$name" ] && selected "$name" && run_test "$name"
	done
}

# The objects kmemleak suspects now (it reports one left unreferenced for
# 5 s or more).
kmemleak_scan() {
	echo scan > "$KMEMLEAK" && cat "$KMEMLEAK" > /tmp/kmemleak
}

kmemleak_clear() {
	[ -e "$KMEMLEAK" ] || return 0
	kmemleak_scan || log "kmemleak: scan failed"
	log "kmemleak: forgetting $(grep -c '^unreferenced' /tmp/kmemleak)" \
		"suspects from boot"
	echo clear > "$KMEMLEAK"
}

# Scan, wait, scan again (a pointer that was only in flight during the
# first scan is found by the second): what remains leaked during the run.
kmemleak_check() {
	[ -e "$KMEMLEAK" ] || return 0
	log "kmemleak: scanning"
	kmsg "kmemleak scan"
	rc=0
	kmemleak_scan || rc=1
	sleep 5
	kmemleak_scan || rc=1
	n=$(grep -c '^unreferenced' /tmp/kmemleak)
	# The report, if any, goes to the kernel console with the rest.
	cat /tmp/kmemleak
	[ "$n" -eq 0 ] || rc=1
	log "kmemleak: $n suspects after the run"
	kmsg "kmemleak done"
	tap_step kmemleak "$rc" "kmemleak: $n leak suspects after rmmod"
}

unload_aclmem() {
	kmsg "rmmod"
	log "rmmod aclmem"
	rmmod aclmem
	rc=$?
	tap_step rmmod-aclmem "$rc" "rmmod aclmem"
}

main() {
	mount_filesystems
	# Without /dev/console in the image the kernel gave us no stdio.
	exec < /dev/console > /dev/console 2>&1
	echo 8 > /proc/sys/kernel/printk
	parse_cmdline
	log "kernel $(uname -r), params '$PARAMS', timeout ${TIMEOUT}s"
	kmemleak_clear
	load_modules
	# shellcheck disable=SC3045 # busybox sh has ulimit -l
	ulimit -l unlimited || log "ulimit -l unlimited failed"
	if load_aclmem; then
		run_tests
		unload_aclmem
	else
		log "aclmem did not load: tests not run"
	fi
	kmemleak_check
	sync
	kmsg "done"
	tap "# aclmem-done"
	# the last close waits until the port has sent what it holds
	exec 3>&-
	log "done, powering off"
	sleep 1
	poweroff -f
}

main
