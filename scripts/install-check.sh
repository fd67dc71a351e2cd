#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A check of "make install" and "make uninstall", on the host, in a staging
# root (DESTDIR=build/install-check, PREFIX=/usr):
#   - install puts exactly the expected files there: libascendcl.so.VERSION
#     with soname libascendcl.so and the link libascendcl.so to it, the
#     pkg-config file, the ACL headers, linux/aclmem.h, the udev rule, the
#     modprobe example (and aclmemctl with aclmemctl.8 when
#     build/tools/aclmemctl exists);
#   - a client built with the installed tree's pkg-config flags links,
#     records DT_NEEDED libascendcl.so and runs; examples/ build against it;
#   - uninstall leaves no file behind.
# Used by scripts/check.sh; exits non-zero on the first failure.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build
DEST=$BUILD/install-check
PREFIX=/usr
MAKE=${MAKE:-make}
VERSION=$(cat "$TOP/VERSION")

run() {
	echo "  + $*"
	"$@"
}

die() {
	echo "  $*"
	exit 1
}

expected_files() {
	echo ".$PREFIX/lib/libascendcl.so"
	echo ".$PREFIX/lib/libascendcl.so.$VERSION"
	echo ".$PREFIX/lib/pkgconfig/libascendcl.pc"
	(cd "$TOP/include" && find acl -name '*.h') | sed "s|^|.$PREFIX/include/|"
	echo ".$PREFIX/include/linux/aclmem.h"
	[ ! -x "$BUILD/tools/aclmemctl" ] || echo ".$PREFIX/bin/aclmemctl"
	[ ! -x "$BUILD/tools/aclmemctl" ] ||
		echo ".$PREFIX/share/man/man8/aclmemctl.8"
	echo "./lib/udev/rules.d/60-aclmem.rules"
	echo "./etc/modprobe.d/aclmem.conf.example"
}

installed_files() {
	(cd "$DEST" && find . ! -type d)
}

check_files() {
	local diff
	diff=$(diff <(expected_files | sort) <(installed_files | sort)) ||
		die "installed files differ from the expected ones:
$diff"
	echo "  installed: $(installed_files | wc -l) files, as expected"
	[ "$(readlink "$DEST$PREFIX/lib/libascendcl.so")" = \
		"libascendcl.so.$VERSION" ] ||
		die "libascendcl.so is not a link to libascendcl.so.$VERSION"
	readelf -d "$DEST$PREFIX/lib/libascendcl.so.$VERSION" |
		grep -q 'SONAME.*\[libascendcl\.so\]' ||
		die "the soname is not libascendcl.so"
	echo "  libascendcl.so -> libascendcl.so.$VERSION, soname libascendcl.so"
}

# pkg-config ARGS... for libascendcl of the staging root.
staged_pkg_config() {
	PKG_CONFIG_SYSROOT_DIR=$DEST PKG_CONFIG_LIBDIR=$DEST$PREFIX/lib/pkgconfig \
		pkg-config "$@" libascendcl
}

check_client() {
	local flags cflags libs exe=$BUILD/install-check-client
	flags=$(staged_pkg_config --cflags --libs) ||
		die "pkg-config finds no libascendcl in $DEST"
	cflags=$(staged_pkg_config --cflags)
	libs=$(staged_pkg_config --libs)
	echo "  pkg-config --cflags --libs libascendcl: $flags"
	# shellcheck disable=SC2086
	run gcc -std=c11 -Wall -Wextra -Werror -o "$exe" \
		"$TOP/lib/tests/consumer_link.c" $flags
	readelf -d "$exe" | grep -q 'NEEDED.*\[libascendcl\.so\]' ||
		die "the client does not need libascendcl.so"
	run env LD_LIBRARY_PATH="$DEST$PREFIX/lib" "$exe"
	run $MAKE -s -C "$TOP/examples" O="$BUILD/install-check-examples" \
		ACL_CFLAGS="$cflags" ACL_LIBS="$libs"
}

main() {
	rm -rf "$DEST" "$BUILD/install-check-examples"
	run $MAKE -s -C "$TOP" install DESTDIR="$DEST" PREFIX=$PREFIX
	check_files
	check_client
	run $MAKE -s -C "$TOP" uninstall DESTDIR="$DEST" PREFIX=$PREFIX
	[ -z "$(installed_files)" ] ||
		die "left after uninstall: $(installed_files | tr '\n' ' ')"
	echo "  uninstall removed every file"
}

main "$@"
