#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The Debian kernels aclmem builds for that are not installed on the host:
# the arm64 flavours (cross-compiled: arm64, rt-arm64, cloud-arm64) and
# -cloud-amd64. Their packages are fetched with "apt-get download" and
# unpacked with "dpkg -x", one root per kernel, into
# $ACLMEM_CACHE/kernels/KVER/ (default ~/.cache/aclmem; outside the
# repository, so "make clean" keeps it): the headers of every flavour, and
# on demand (--image) the image of the plain arm64 one, for QEMU.
#
# The versions follow the installed amd64 kernels (scripts/kernels.sh): for
# 6.1.0-N-amd64 the kernels are 6.1.0-N-FLAVOUR, their headers pinned to the
# package version of linux-headers-6.1.0-N-amd64. So the headers' scripts
# and tools symlinks (../../lib/linux-kbuild-*, relative to the root) are
# served by the host's linux-kbuild package (amd64 programs, Multi-Arch:
# foreign), linked into the root, and their Makefile includes the host's
# /usr/src/linux-headers-*-common(-rt), which the amd64 headers installed.
#
# Usage: scripts/extra-kernels.sh [FLAVOUR...]
#            fetch what is missing; print the kernels, one line
#            (default flavours: arm64 rt-arm64 cloud-amd64 cloud-arm64)
#        scripts/extra-kernels.sh --list [FLAVOUR...]   the same, no fetch
#        scripts/extra-kernels.sh --dir KVER     the headers (KDIR for kmod/)
#        scripts/extra-kernels.sh --image KVER   vmlinuz of an arm64 kernel,
#                                                fetched if missing (its
#                                                modules in the same root,
#                                                depmod run)
#        scripts/extra-kernels.sh --root KVER    that root (modprobe -d)
#        scripts/extra-kernels.sh --busybox      busybox of busybox-static:arm64
#                                                (for an arm64 guest), likewise
# Environment: ACLMEM_CACHE, SERIES (default: 6.1 6.12).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ACLMEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aclmem}/kernels
FLAVOURS=(arm64 rt-arm64 cloud-amd64 cloud-arm64)

run() {
	echo "  + $*" >&2
	"$@"
}

# The kernels of the given flavours, one a line, for each installed amd64
# kernel of SERIES.
kernels() {
	local base flavour
	# shellcheck disable=SC2086
	for base in $("$TOP/scripts/kernels.sh" ${SERIES:-6.1 6.12}); do
		for flavour in "$@"; do
			echo "${base%-amd64}-$flavour"
		done
	done
}

# Debian architecture of kernel $1.
deb_arch() {
	case $1 in
	*-arm64) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# The package version of the installed amd64 headers of kernel $1's release.
base_version() {
	local kver=$1 base
	base=$(sed -E 's/-(rt-|cloud-)?(amd64|arm64)$/-amd64/' <<< "$kver")
	dpkg-query -W -f='${Version}' "linux-headers-$base" 2> /dev/null || {
		echo "extra-kernels.sh: linux-headers-$base is not installed" \
			"(scripts/install-deps.sh)" >&2
		return 1
	}
}

# Unpack package $2 (name:arch=version) into root $1, unless its stamp
# says it already is.
unpack() {
	local root=$1 pkg=$2 stamp tmp deb opts=()
	# as root, apt downloads as user _apt, who cannot write to this cache
	[ "$(id -u)" != 0 ] || opts=(-o APT::Sandbox::User=root)
	stamp=$root/.pkg-$(tr ':=/' '___' <<< "$pkg")
	[ -e "$stamp" ] && return 0
	tmp=$(mktemp -d "$CACHE/.download.XXXXXX")
	(cd "$tmp" && run apt-get download -q "${opts[@]}" "$pkg" >&2) || {
		rm -rf "$tmp"
		echo "extra-kernels.sh: cannot download $pkg" >&2
		return 1
	}
	for deb in "$tmp"/*.deb; do
		run dpkg -x "$deb" "$root"
	done
	rm -rf "$tmp"
	touch "$stamp"
}

# Fetch the headers of kernel $1 (and with $2 = image, its image) if they
# are not in the cache; link the host's kbuild tools into the root.
fetch() {
	local kver=$1 what=${2:-} arch version root link
	arch=$(deb_arch "$kver")
	version=$(base_version "$kver")
	root=$CACHE/$kver
	mkdir -p "$root"
	unpack "$root" "linux-headers-$kver:$arch=$version"
	if [ "$what" = image ]; then
		unpack "$root" "linux-image-$kver:$arch=$version"
		# the package leaves modules.dep to its postinst: the host's
		# depmod reads arm64 modules as well (for modprobe -d)
		[ -e "$root/lib/modules/$kver/modules.dep" ] ||
			run depmod -b "$root" "$kver"
	fi
	link=$(readlink "$root/usr/src/linux-headers-$kver/scripts")
	link=${link%/scripts}
	link=${link#../../}
	if [ ! -d "/usr/$link" ]; then
		echo "extra-kernels.sh: /usr/$link missing: its linux-kbuild" \
			"package is not installed" >&2
		return 1
	fi
	mkdir -p "$root/usr/lib"
	ln -sfn "/usr/$link" "$root/usr/$link"
}

lock() {
	mkdir -p "$CACHE"
	exec 9> "$CACHE/.lock"
	flock 9
}

main() {
	local kver fetch=1 list version
	case ${1:-} in
	--busybox)
		lock
		version=$(apt-cache policy busybox-static:arm64 |
			awk '$1 == "Candidate:" { print $2 }')
		mkdir -p "$CACHE/busybox-arm64"
		unpack "$CACHE/busybox-arm64" "busybox-static:arm64=$version"
		echo "$CACHE/busybox-arm64/bin/busybox"
		return
		;;
	--dir)
		echo "$CACHE/$2/usr/src/linux-headers-$2"
		return
		;;
	--root)
		echo "$CACHE/$2"
		return
		;;
	--image)
		lock
		fetch "$2" image
		echo "$CACHE/$2/boot/vmlinuz-$2"
		return
		;;
	--list)
		fetch=0
		shift
		;;
	esac
	[ $# -gt 0 ] || set -- "${FLAVOURS[@]}"
	list=$(kernels "$@")
	if [ "$fetch" = 1 ]; then
		lock
		for kver in $list; do
			fetch "$kver"
		done
	fi
	# shellcheck disable=SC2086
	echo $list
}

main "$@"
