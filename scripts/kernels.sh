#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Print the kernel versions aclmem is tested on by default, one line,
# separated by spaces: the newest installed 6.1 and the newest installed 6.12.
# A kernel counts as installed when both /boot/vmlinuz-VER and
# /lib/modules/VER/build exist; only Debian's plain flavour counts (not
# -rt or -cloud).
#
# Usage: scripts/kernels.sh [SERIES...]   (default series: 6.1 6.12)
set -e

newest() {
	series=$1
	for dir in /lib/modules/"$series".*; do
		kver=${dir#/lib/modules/}
		# the plain flavour: -rt is only build-checked, -cloud not at all
		case $kver in *-rt-* | *-cloud-*) continue ;; esac
		[ -e "/boot/vmlinuz-$kver" ] || continue
		[ -d "$dir/build" ] || continue
		echo "$kver"
	done | sort -V | tail -n 1
}

main() {
	[ $# -gt 0 ] || set -- 6.1 6.12
	found=
	for series in "$@"; do
		kver=$(newest "$series")
		if [ -z "$kver" ]; then
			echo "kernels.sh: no installed $series kernel" \
				"(vmlinuz + headers)" >&2
			continue
		fi
		found="${found:+$found }$kver"
	done
	[ -n "$found" ] || exit 1
	echo "$found"
}

main "$@"
