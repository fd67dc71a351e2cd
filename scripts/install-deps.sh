#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Install every Debian 12 package aclmem's build and tests need (as root;
# re-runs itself under sudo otherwise). Used by "make deps" and .ci/run.
# The 6.12 kernel is the newest linux-image-6.12.*+deb12-amd64 whose
# linux-headers package exists too; its version is looked up, not fixed.
# Headers of the 6.1 and newest 6.12 -rt flavours too (build checks).
# For the arm64 builds: the arm64 architecture, the cross compiler, libnl
# of arm64 (Multi-Arch: same, beside the amd64 one) and qemu-system-arm;
# the headers of the arm64, -cloud-amd64 and -cloud-arm64 kernels, and on
# demand the arm64 image and busybox-static:arm64 (which would replace the
# amd64 one), are unpacked into a cache instead (scripts/extra-kernels.sh, run here
# once so that "make check" finds them).
set -euo pipefail

PACKAGES=(
	build-essential pkg-config cmake
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	libnl-3-dev libnl-genl-3-dev dkms sparse
	gnuplot-nox
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	libnl-3-dev:arm64 libnl-genl-3-dev:arm64 qemu-system-arm
	bc bison flex libelf-dev libssl-dev python3
)

# Versions (6.12.N+deb12-FLAVOUR, FLAVOUR $2 or amd64) for which apt knows
# packages named $1-VER.
versions_of() {
	apt-cache search --names-only \
		"^$1-6\.12\.[0-9.]+\+deb12-${2:-amd64}\$" |
		awk '{ print $1 }' | sed "s/^$1-//" | sort
}

newest_612() {
	comm -12 <(versions_of linux-image) <(versions_of linux-headers) |
		sort -V | tail -n 1
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "+ sudo $0"
		exec sudo "$0" "$@"
	fi
	export DEBIAN_FRONTEND=noninteractive
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "+ dpkg --add-architecture arm64"
		dpkg --add-architecture arm64
	fi
	echo "+ apt-get update"
	apt-get update
	local kver
	kver=$(newest_612)
	if [ -z "$kver" ]; then
		echo "no linux-image/linux-headers 6.12 pair in apt" >&2
		exit 1
	fi
	echo "6.12 kernel: $kver"
	PACKAGES+=("linux-image-$kver" "linux-headers-$kver")
	# the -rt flavours are build-checked only: headers, no image
	kver=$(versions_of linux-headers rt-amd64 | sort -V | tail -n 1)
	if [ -z "$kver" ]; then
		echo "no linux-headers 6.12 -rt package in apt" >&2
		exit 1
	fi
	PACKAGES+=(linux-headers-rt-amd64 "linux-headers-$kver")
	echo "+ apt-get install -y --no-install-recommends ${PACKAGES[*]}"
	apt-get install -y --no-install-recommends "${PACKAGES[@]}"
	echo "+ scripts/extra-kernels.sh"
	"$(dirname "$0")/extra-kernels.sh"
}

main "$@"
