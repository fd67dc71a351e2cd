#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Extract the few files aclmem borrows from Debian's linux-source-6.1
# tarball, in one pass over the archive:
#   OUTDIR/kselftest/kselftest_harness.h, kselftest.h  (selftests build)
#   OUTDIR/checkpatch/checkpatch.pl, spelling.txt,
#                     const_structs.checkpatch         (lint)
# They are not committed to the repository.
#
# Usage: scripts/extract-linux-files.sh OUTDIR
#        (LINUX_SOURCE_TARBALL overrides the tarball)
# Safe to run twice at once (make -j runs it from more than one
# Makefile): each run unpacks into its own directory and renames the
# files into place.
set -e

TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

extract() {
	outdir=$1
	mkdir -p "$outdir/kselftest" "$outdir/checkpatch"
	tmp=$(mktemp -d "$outdir/.extract.XXXXXX")
	echo "  EXTRACT $TARBALL -> $outdir"
	tar -xf "$TARBALL" -C "$tmp" --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	top=$(echo "$tmp"/linux-source-*)
	chmod +x "$top"/scripts/checkpatch.pl
	for f in tools/testing/selftests/kselftest_harness.h \
		 tools/testing/selftests/kselftest.h; do
		mv -f "$top/$f" "$outdir/kselftest/"
	done
	for f in checkpatch.pl spelling.txt const_structs.checkpatch; do
		mv -f "$top/scripts/$f" "$outdir/checkpatch/"
	done
	rm -rf "$tmp"
}

main() {
	if [ $# -ne 1 ]; then
		echo "usage: $0 OUTDIR" >&2
		exit 2
	fi
	if [ ! -r "$TARBALL" ]; then
		echo "$0: $TARBALL missing: install linux-source-6.1" >&2
		exit 1
	fi
	extract "$1"
}

main "$@"
