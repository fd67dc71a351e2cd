#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Check the DKMS packaging (dkms.conf, "make dkms-add") for each kernel, as
# root, the way a host would use it:
#   make dkms-add            sources to /usr/src/aclmem-VERSION, dkms add
#   dkms build -k KVER       the .ko appears in DKMS's tree
#   dkms install -k KVER     and in /lib/modules/KVER/updates/dkms, with
#                            KVER's vermagic and the version of VERSION;
#                            modinfo -k KVER finds it through depmod
#   dkms remove --all        both gone; the sources are deleted
# The kernels need headers only (/lib/modules/KVER/build); none of them has
# to be running. An arm64 kernel that is not installed (headers from
# scripts/extra-kernels.sh) is cross-built instead: "dkms build -a aarch64
# --kernelsourcedir DIR", the .ko in DKMS's tree an AArch64 module with
# KVER's vermagic; it is not installed (there is no /lib/modules/KVER).
# Signing is whatever the host's DKMS does (it says which key; a key DKMS
# made only for this check is deleted again).
#
# Refuses to run if aclmem VERSION is already in DKMS: it would replace it.
# Two checks on one machine (two trees) take turns, through a lock file.
# Logs: build/logs/dkms/KVER.log. Exits non-zero on any failure.
#
# Usage: scripts/dkms-check.sh [KVER...]  (default: scripts/kernels.sh)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(cat "$TOP/VERSION")
MODULE=aclmem/$VERSION
SRC=/usr/src/aclmem-$VERSION
MARK=$SRC/.aclmem-dkms-check
LOGS=$TOP/build/logs/dkms
MAKE=${MAKE:-make}
MOK_FILES=(/var/lib/dkms/mok.key /var/lib/dkms/mok.pub)
MOK_MADE=()
LOCK=/run/lock/aclmem-dkms-check.lock

registered() {
	[ -n "$(dkms status "$MODULE" 2>/dev/null)" ]
}

cleanup() {
	local f
	if registered; then
		dkms remove "$MODULE" --all > /dev/null 2>&1 || true
	fi
	rm -rf "$SRC"
	for f in "${MOK_MADE[@]}"; do
		[ ! -e "$f" ] || { echo "  removing $f (made for this check)"; rm -f "$f"; }
	done
}

# Start from nothing of ours; never touch an aclmem the host installed.
preflight() {
	local f
	if [ "$(id -u)" != 0 ]; then
		echo "  dkms-check: needs root (dkms writes /usr/src, /var/lib/dkms)"
		return 1
	fi
	command -v dkms > /dev/null || { echo "  dkms-check: no dkms"; return 1; }
	if [ -e "$MARK" ]; then
		echo "  removing the leftovers of an earlier check"
		cleanup
	elif registered || [ -e "$SRC" ]; then
		echo "  $MODULE is already in DKMS or $SRC exists: this check would"
		echo "  replace it. Remove it first: sudo make dkms-remove"
		return 1
	fi
	for f in "${MOK_FILES[@]}"; do
		[ -e "$f" ] || MOK_MADE+=("$f")
	done
}

# The one file matching a glob, or nothing.
one() {
	local f
	for f in "$@"; do
		[ -e "$f" ] && { echo "$f"; return; }
	done
}

# The end of a failed dkms command's log $2 and of its make.log.
dkms_failed() {
	tail -n 30 "$2"
	[ ! -f "/var/lib/dkms/$MODULE/build/make.log" ] ||
		tail -n 30 "/var/lib/dkms/$MODULE/build/make.log"
	echo "  dkms failed for $1"
}

# Whether module $1 was built for kernel $2 (its vermagic).
vermagic_is() {
	local vermagic
	vermagic=$(modinfo -F vermagic "$1")
	echo "  vermagic:  $vermagic"
	[ "${vermagic%% *}" = "$2" ] ||
		{ echo "  vermagic is not for $2"; return 1; }
}

# dkms build for an arm64 kernel of scripts/extra-kernels.sh.
check_cross_kernel() {
	local kver=$1 log=$LOGS/$1.log kdir built
	kdir=$("$TOP/scripts/extra-kernels.sh" --dir "$kver")
	if [ ! -d "$kdir" ]; then
		"$TOP/scripts/extra-kernels.sh" arm64 > /dev/null
	fi
	echo "  dkms build -k $kver -a aarch64 --kernelsourcedir ${kdir/#"$HOME"/\~}"
	echo "  (log: ${log#"$TOP"/})"
	if ! dkms build "$MODULE" -k "$kver" -a aarch64 \
		--kernelsourcedir "$kdir" > "$log" 2>&1; then
		dkms_failed "$kver" "$log"
		return 1
	fi
	built=$(one "/var/lib/dkms/$MODULE/$kver/aarch64/module/aclmem.ko"*)
	[ -n "$built" ] || { echo "  no .ko in /var/lib/dkms/$MODULE/$kver"; return 1; }
	echo "  built:     $built"
	case $built in
	*.ko)
		readelf -h "$built" | grep -q 'Machine:.*AArch64' ||
			{ echo "  not an AArch64 module"; return 1; }
		;;
	esac
	vermagic_is "$built" "$kver" || return 1
	echo "  $(dkms status "$MODULE" -k "$kver" 2>/dev/null)"
}

check_kernel() {
	local kver=$1 log=$LOGS/$1.log arch built installed version
	local found signer
	arch=$(uname -m)
	case $kver in
	*-arm64)
		if [ "$arch" != aarch64 ] && [ ! -d "/lib/modules/$kver/build" ]
		then
			check_cross_kernel "$kver"
			return
		fi
		;;
	esac
	echo "  dkms build/install -k $kver (log: ${log#"$TOP"/})"
	if ! dkms build "$MODULE" -k "$kver" > "$log" 2>&1 ||
	   ! dkms install "$MODULE" -k "$kver" >> "$log" 2>&1; then
		dkms_failed "$kver" "$log"
		return 1
	fi
	built=$(one "/var/lib/dkms/$MODULE/$kver/$arch/module/aclmem.ko"*)
	installed=$(one "/lib/modules/$kver/updates/dkms/aclmem.ko"*)
	[ -n "$built" ] || { echo "  no .ko in /var/lib/dkms/$MODULE/$kver"; return 1; }
	[ -n "$installed" ] || { echo "  no aclmem.ko in /lib/modules/$kver/updates/dkms"; return 1; }
	echo "  built:     $built"
	echo "  installed: $installed"
	vermagic_is "$installed" "$kver" || return 1
	version=$(modinfo -F version "$installed")
	echo "  version:   $version"
	[ "$version" = "$VERSION" ] ||
		{ echo "  version is not $VERSION"; return 1; }
	found=$(modinfo -k "$kver" -F filename aclmem 2>/dev/null || true)
	[ "$found" = "$installed" ] ||
		{ echo "  modinfo -k $kver aclmem finds '$found'"; return 1; }
	signer=$(modinfo -F signer "$installed" 2>/dev/null || true)
	echo "  signed by: ${signer:-nobody (DKMS here does not sign)}"
	echo "  $(dkms status "$MODULE" -k "$kver" 2>/dev/null)"
}

check_removed() {
	local kver
	echo "  + dkms remove $MODULE --all"
	dkms remove "$MODULE" --all > "$LOGS/remove.log" 2>&1 ||
		{ cat "$LOGS/remove.log"; return 1; }
	for kver in "$@"; do
		if [ -n "$(one "/lib/modules/$kver/updates/dkms/aclmem.ko"*)" ]; then
			echo "  aclmem.ko still in /lib/modules/$kver after remove"
			return 1
		fi
		if modinfo -k "$kver" aclmem > /dev/null 2>&1; then
			echo "  modinfo -k $kver still finds aclmem after remove"
			return 1
		fi
	done
	! registered || { echo "  $MODULE still in dkms status"; return 1; }
	echo "  removed: no aclmem.ko left for $*"
}

main() {
	local kvers kver status=0
	if [ $# -gt 0 ]; then
		kvers=("$@")
	else
		read -r -a kvers <<< "${KVERS:-$("$TOP/scripts/kernels.sh")}"
	fi
	mkdir -p "$LOGS"
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "${LOCK%/*}"
		exec 9> "$LOCK"
		flock -w 900 9 || { echo "  another DKMS check holds $LOCK"; exit 1; }
	fi
	preflight || exit 1
	trap cleanup EXIT
	echo "  + $MAKE -C $TOP dkms-add"
	$MAKE -s -C "$TOP" dkms-add > "$LOGS/add.log" 2>&1 ||
		{ cat "$LOGS/add.log"; exit 1; }
	touch "$MARK"
	echo "  added: $(dkms status "$MODULE" 2>/dev/null)"
	for kver in "${kvers[@]}"; do
		check_kernel "$kver" || status=1
	done
	check_removed "${kvers[@]}" || status=1
	exit "$status"
}

main "$@"
