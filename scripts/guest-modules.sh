# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Sourced by each guest /init (scripts/init.sh, scripts/demo-init.sh,
# bench/init.sh; scripts/mkinitramfs.sh puts it in the image as
# /guest-modules.sh), in busybox sh.

# load_image_modules LOG: insmod each line ("MODULE ARGS...") of
# /modules.order, in order; the command LOG (":" for none) gets a line
# for each, and for each failure.
load_image_modules() {
	[ -f /modules.order ] || return 0
	while read -r mod args; do
		"$1" "insmod $mod $args"
		# shellcheck disable=SC2086 # the module's arguments
		insmod "$mod" $args || "$1" "insmod $mod failed"
	done < /modules.order
}

# open_out_tty TTY: wait up to 5 s for the character device TTY (a virtio
# console appears once its driver has probed), then make it raw; fails if
# it never came.
open_out_tty() {
	n=0
	while [ ! -c "$1" ] && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -c "$1" ] || return 1
	stty -F "$1" raw -echo 2>/dev/null
	return 0
}
