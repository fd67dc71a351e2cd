#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build (or reuse) the debug kernel of "make check-debug": Debian's
# linux-source-6.1 configured from "make tinyconfig" plus
# scripts/debug-kernel.config (KASAN, lockdep, kmemleak, DEBUG_VM, fault
# injection, and what the tests need), then "make olddefconfig". Every
# option of the fragment must end up as the fragment says: the script lists
# the ones that did not and fails. Builds bzImage, the in-tree modules and
# Module.symvers, so that kmod/ builds against the tree:
#   make -C kmod KVER=debug-6.1 KDIR=$(scripts/debug-kernel.sh --dir)
#
# The tree is cached in $ACLMEM_CACHE (default ~/.cache/aclmem), outside the
# repository so that "make clean" keeps it, as debug-kernel-HASH/linux; HASH
# covers the fragment, this script, the linux-source-6.1 package version and
# the compiler. A tree is reused only if its build completed; older trees are
# removed when unused for a week. Concurrent runs wait on a lock.
#
# Usage: scripts/debug-kernel.sh          build if needed; last line: the tree
#        scripts/debug-kernel.sh --dir    print the tree's path, build nothing
#        scripts/debug-kernel.sh --image  print bzImage's path, build nothing
# Environment: ACLMEM_CACHE, LINUX_SOURCE_TARBALL (default
#   /usr/src/linux-source-6.1.tar.xz), JOBS (default nproc), V=1 (stream the
#   kernel build's output instead of keeping it in the tree's build.log).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
SELF=$TOP/scripts/debug-kernel.sh
FRAGMENT=$TOP/scripts/debug-kernel.config
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${ACLMEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aclmem}
JOBS=${JOBS:-$(nproc)}
V=${V:-0}

# Hidden options (no prompt, so not in the fragment) the module and the
# tests rely on: checked after olddefconfig like the fragment's.
REQUIRED_HIDDEN=(
	CONFIG_CONTIG_ALLOC=y
	CONFIG_DMA_SHARED_BUFFER=y
	CONFIG_FS_DAX_PMD=y
	CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD=y
	CONFIG_ARCH_HAS_PTE_DEVMAP=y
	CONFIG_STACKTRACE=y
)

run() {
	echo "  + $*"
	"$@"
}

# The version of the source: the Debian package's, else the tarball's
# size and time (a tarball given by LINUX_SOURCE_TARBALL).
source_version() {
	if [ "$TARBALL" = /usr/src/linux-source-6.1.tar.xz ] &&
		dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null; then
		return
	fi
	stat -L -c '%s %Y' "$TARBALL"
}

tree_dir() {
	local hash
	hash=$({
		cat "$FRAGMENT" "$SELF"
		source_version
		echo
		gcc --version | head -n 1
	} | sha256sum | cut -c 1-16)
	echo "$CACHE/debug-kernel-$hash/linux"
}

kmake() {
	local log=$1
	shift
	echo "  + make -C $TREE $*"
	if [ "$V" = 1 ]; then
		make -C "$TREE" "$@" 2>&1 | tee -a "$log"
		return "${PIPESTATUS[0]}"
	fi
	if ! make -C "$TREE" "$@" >> "$log" 2>&1; then
		echo "-- last 60 lines of $log --"
		tail -n 60 "$log"
		return 1
	fi
}

extract() {
	local dir=$1 top
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "  EXTRACT $TARBALL"
	tar -xf "$TARBALL" -C "$dir"
	top=$(echo "$dir"/linux-*)
	[ -d "$top" ] || { echo "no linux-* directory in $TARBALL" >&2; return 1; }
	mv "$top" "$TREE"
}

# Print every line of the fragment (and of REQUIRED_HIDDEN) that .config
# does not have as asked; fail if there is one.
verify_config() {
	local config=$TREE/.config line name missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) name=${line%%=*} ;;
		"# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *} ;;
		*) continue ;;
		esac
		if [[ $line == "#"* ]]; then
			grep -q "^$name=" "$config" || continue
		elif grep -qxF "$line" "$config"; then
			continue
		fi
		echo "  MISSING $line (.config: $(grep -E "^(# )?${name}[= ]" \
			"$config" || echo "absent"))"
		missing=$((missing + 1))
	done < <(cat "$FRAGMENT"; printf '%s\n' "${REQUIRED_HIDDEN[@]}")
	if [ "$missing" -ne 0 ]; then
		echo "$missing option(s) of the debug kernel config not set" \
			"as asked (a dependency is missing from" \
			"${FRAGMENT#"$TOP"/}?)" >&2
		return 1
	fi
	echo "  CONFIG  every option of ${FRAGMENT#"$TOP"/} is set"
}

configure() {
	local log=$1
	# ARCH=x86_64: a 64-bit tinyconfig (with ARCH=x86, allnoconfig says
	# 64BIT=n and the defaults that follow from it stick).
	kmake "$log" ARCH=x86_64 tinyconfig
	echo "  + merge_config.sh -m .config ${FRAGMENT#"$TOP"/}"
	(cd "$TREE" && ./scripts/kconfig/merge_config.sh -m .config \
		"$FRAGMENT") >> "$log" 2>&1
	kmake "$log" olddefconfig
	verify_config
}

build() {
	local dir=$1 log=$1/build.log start=$SECONDS
	echo "  DEBUG KERNEL build in $dir (log: $log)"
	extract "$dir"
	: > "$log"
	configure "$log"
	# "all": vmlinux, bzImage, the in-tree modules and Module.symvers
	# (modules_prepare alone gives no Module.symvers).
	kmake "$log" -j"$JOBS" all
	[ -f "$TREE/Module.symvers" ] || {
		echo "no Module.symvers in $TREE" >&2
		return 1
	}
	touch "$dir/.complete"
	echo "  DEBUG KERNEL $(make -s -C "$TREE" kernelrelease) built in" \
		"$((SECONDS - start))s"
}

# Remove the trees of other versions unused for a week (another checkout
# may still use its own), and unfinished ones (no build runs: we hold the
# lock).
prune() {
	local keep=$1 dir
	for dir in "$CACHE"/debug-kernel-*/; do
		dir=${dir%/}
		if [ "$dir" = "$keep" ] || [ ! -d "$dir" ]; then
			continue
		fi
		if [ ! -f "$dir/.complete" ] ||
			[ -n "$(find "$dir/.complete" -mtime +7)" ]; then
			run rm -rf "$dir"
		fi
	done
}

main() {
	TREE=$(tree_dir)
	case ${1:-} in
	--dir) echo "$TREE"; return ;;
	--image) echo "$TREE/arch/x86/boot/bzImage"; return ;;
	"") ;;
	*) echo "usage: $0 [--dir|--image]" >&2; exit 2 ;;
	esac
	if [ ! -r "$TARBALL" ]; then
		echo "$0: $TARBALL missing: install linux-source-6.1" >&2
		exit 1
	fi
	local dir=${TREE%/linux}
	mkdir -p "$CACHE"
	exec 9> "$CACHE/debug-kernel.lock"
	flock 9
	if [ -f "$dir/.complete" ]; then
		echo "  DEBUG KERNEL cached: $TREE"
		touch "$dir/.complete"
	else
		build "$dir"
	fi
	prune "$dir"
	echo "$TREE"
}

main "$@"
