#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the initramfs (cpio newc, gzip) that runs the aclmem tests under QEMU:
#   /bin/busybox + applet symlinks, /init (scripts/init.sh),
#   /aclmem.ko for KVER, the test binaries in /tests, and the kernel's own
#   brd.ko (plus dependencies), decompressed so busybox insmod loads them,
#   listed in load order in /modules.order.
#
# Usage: scripts/mkinitramfs.sh KVER OUT
# Environment:
#   ACLMEM_KO     module to include (default kmod/build/KVER/aclmem.ko)
#   SELFTEST_DIR  test binaries (default build/selftests); only NAME_test
#                 binaries whose selftests/NAME_test.c exists are taken
#   LIBTEST_DIR   library tests (default build/libtests), likewise with
#                 lib/tests/NAME_test.c; they run as /tests/acl_NAME_test
#   LIBASCENDCL   the library they use (default build/lib/libascendcl.so)
#   TOOLS_DIR     aclmemctl and its test helper (default build/tools): in
#                 /usr/bin, with tools/tests/*_test.sh in /tests, when built
#   EXAMPLES_DIR  example programs (build/examples, for scripts/demo.sh):
#                 copied to /examples with the library, when set
#   BENCH_DIR     benchmark programs (build/bench, for scripts/bench.sh):
#                 copied to /bench with the library, when set
#   INIT          the /init script (default scripts/init.sh)
#   BUSYBOX       busybox-static binary (default /bin/busybox; for arm64
#                 that of busybox-static:arm64, scripts/extra-kernels.sh)
#   APPLETS_FROM  the busybox asked for the applet list when BUSYBOX is
#                 not the host's own (default /bin/busybox: Debian builds
#                 busybox-static with one configuration on every
#                 architecture); an arm64 binary is never run on the host
#   ARCH          the guest's architecture, x86_64 or arm64 (default:
#                 arm64 for a KVER ending in -arm64); for arm64 the
#                 programs come from build/arm64/, the kernel's modules
#                 from the root scripts/extra-kernels.sh unpacked its
#                 image into, and the C library from the cross toolchain
#   GUEST_MODULES the kernel's modules to load besides aclmem's dependencies
#                 (default "brd hwpoison_inject vgem vivid": vgem and
#                 vivid import aclmem's dma-bufs, vivid writing through
#                 their vmap; empty for a kernel with them built in or
#                 left out)
#                 (arm64 adds virtio_mmio and virtio_console: the TAP
#                 stream's virtio console, where they are modules)
set -e

TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin
GUEST_MODULES=${GUEST_MODULES-brd hwpoison_inject vgem vivid}
APPLETS_FROM=${APPLETS_FROM:-/bin/busybox}
# Where an arm64 program's shared objects are, on this host.
ARM64_LIBDIRS="/usr/aarch64-linux-gnu/lib /usr/lib/aarch64-linux-gnu"
ARM64_LIBDIRS="$ARM64_LIBDIRS /lib/aarch64-linux-gnu"

usage() {
	echo "usage: $0 KVER OUT" >&2
	exit 2
}

add_busybox() {
	root=$1
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		echo "$BUSYBOX is not static: install busybox-static" >&2
		exit 1
	fi
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
	cp "$BUSYBOX" "$root/bin/busybox"
	lister=$BUSYBOX
	[ "$ARCH" = arm64 ] && lister=$APPLETS_FROM
	for applet in $("$lister" --list-full); do
		[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
	done
}

# Copy one kernel module into DIR, decompressed; print its new path.
add_module_file() {
	src=$1
	dir=$2
	base=$(basename "$src")
	case $base in
	*.ko.xz)  xz -dc "$src" > "$dir/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$src" > "$dir/${base%.zst}"; base=${base%.zst} ;;
	*.ko.gz)  gzip -dc "$src" > "$dir/${base%.gz}"; base=${base%.gz} ;;
	*)        cp "$src" "$dir/$base" ;;
	esac
	echo "/lib/modules/$base"
}

# Module files (in load order) that modprobe would insmod for NAME.
module_files() {
	modprobe ${MODROOT:+-d "$MODROOT"} -S "$KVER" --show-depends "$1" 2>/dev/null |
		awk '$1 == "insmod" { print $2 }'
}

# Write /lib/modules/*.ko and /modules.order: brd and whatever aclmem.ko
# depends on, each with its arguments for insmod.
add_modules() {
	root=$1
	mkdir -p "$root/lib/modules"
	: > "$root/modules.order"
	deps=$(modinfo -F depends "$ACLMEM_KO" | tr ',' ' ')
	for name in $deps $GUEST_MODULES; do
		files=$(module_files "$name")
		if [ -z "$files" ] &&
		   module_files "$name" | grep -q "^builtin"; then
			continue
		fi
		if [ -z "$files" ]; then
			echo "warning: no module $name for $KVER" >&2
			continue
		fi
		for file in $files; do
			path=$(add_module_file "$file" "$root/lib/modules")
			grep -q "^$path" "$root/modules.order" && continue
			args=
			case $path in
			*/brd.ko) args="rd_nr=1 rd_size=8192" ;;
			esac
			echo "$path $args" >> "$root/modules.order"
		done
	done
}

add_tests() {
	root=$1
	mkdir -p "$root/tests"
	[ -d "$SELFTEST_DIR" ] || return 0
	for bin in "$SELFTEST_DIR"/*_test; do
		[ -x "$bin" ] || continue
		name=$(basename "$bin")
		if [ ! -f "$TOP/selftests/$name.c" ]; then
			echo "  skipping stale $bin (no selftests/$name.c)"
			continue
		fi
		cp "$bin" "$root/tests/$name"
	done
}

# The CANN library tests: dynamic binaries, run as /tests/acl_NAME, with
# libascendcl.so in /lib (their run path is $ORIGIN/../lib) and the C
# library they need.
add_libtests() {
	root=$1
	[ -d "$LIBTEST_DIR" ] && [ -f "$LIBASCENDCL" ] || return 0
	for bin in "$LIBTEST_DIR"/*_test; do
		[ -x "$bin" ] || continue
		name=$(basename "$bin")
		if [ ! -f "$TOP/lib/tests/$name.c" ]; then
			echo "  skipping stale $bin (no lib/tests/$name.c)"
			continue
		fi
		cp "$bin" "$root/tests/acl_$name"
		add_shared_libs "$root" "$bin"
	done
	cp "$LIBASCENDCL" "$root/lib/libascendcl.so"
}

# The CLI (dynamic, with the libnl libraries it needs) and the static
# helper of its shell test in /usr/bin; tools/tests/NAME_test.sh as
# /tests/NAME_test.sh.
add_tools() {
	root=$1
	[ -x "$TOOLS_DIR/aclmemctl" ] || return 0
	cp "$TOOLS_DIR/aclmemctl" "$root/usr/bin/aclmemctl"
	add_shared_libs "$root" "$TOOLS_DIR/aclmemctl"
	if [ -x "$TOOLS_DIR/tests/aclmem_hold" ]; then
		cp "$TOOLS_DIR/tests/aclmem_hold" "$root/usr/bin/aclmem_hold"
	fi
	for test in "$TOP"/tools/tests/*_test.sh; do
		[ -f "$test" ] || continue
		install -m 755 "$test" "$root/tests/$(basename "$test")"
	done
}

# The example programs (scripts/demo.sh): /examples/NAME, dynamic like the
# library tests, with libascendcl.so in /lib.
add_examples() {
	root=$1
	[ -n "${EXAMPLES_DIR:-}" ] || return 0
	mkdir -p "$root/examples" "$root/lib"
	for bin in "$EXAMPLES_DIR"/*; do
		[ -x "$bin" ] || continue
		cp "$bin" "$root/examples/"
		add_shared_libs "$root" "$bin"
	done
	cp "$LIBASCENDCL" "$root/lib/libascendcl.so"
}

# The benchmark (scripts/bench.sh): /bench/NAME, dynamic like the examples.
add_bench() {
	root=$1
	[ -n "${BENCH_DIR:-}" ] || return 0
	mkdir -p "$root/bench" "$root/lib"
	for bin in "$BENCH_DIR"/*; do
		[ -x "$bin" ] || continue
		cp "$bin" "$root/bench/"
		add_shared_libs "$root" "$bin"
	done
	cp "$LIBASCENDCL" "$root/lib/libascendcl.so"
}

# The shared objects (and the interpreter) arm64 program $1 needs, found
# in ARM64_LIBDIRS by their DT_NEEDED entries, recursively: ldd cannot
# run it.
arm64_libs() {
	prog=$1
	todo=$1
	seen=
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086 # a list of paths
		set -- $todo
		file=$1
		shift
		todo=$*
		for name in $(readelf -d "$file" |
			      sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case $name in libascendcl*) continue ;; esac
			case " $seen " in *" $name "*) continue ;; esac
			seen="$seen $name"
			for dir in $ARM64_LIBDIRS; do
				[ -e "$dir/$name" ] || continue
				echo "/lib/aarch64-linux-gnu/$name $dir/$name"
				todo="$todo $dir/$name"
				break
			done
		done
	done
	interp=$(readelf -l "$prog" 2>/dev/null |
		 sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	[ -z "$interp" ] || echo "/lib/ld-linux-aarch64.so.1" \
		"/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"
}

# Copy the shared objects BIN needs (but libascendcl) to the same paths.
add_shared_libs() {
	root=$1
	if [ "$ARCH" = arm64 ]; then
		arm64_libs "$2" | while read -r dest src; do
			[ -e "$root$dest" ] && continue
			mkdir -p "$root$(dirname "$dest")"
			cp -L "$src" "$root$dest"
		done
		return
	fi
	for so in $(ldd "$2" | awk '$1 !~ /libascendcl/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
		[ -e "$root$so" ] && continue
		mkdir -p "$root$(dirname "$so")"
		cp -L "$so" "$root$so"
	done
}

make_root() {
	root=$1
	rm -rf "$root"
	mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	if [ "$(id -u)" = 0 ]; then
		mknod -m 600 "$root/dev/console" c 5 1
	fi
	add_busybox "$root"
	install -m 755 "${INIT:-$TOP/scripts/init.sh}" "$root/init"
	install -m 644 "$TOP/scripts/guest-modules.sh" "$root/guest-modules.sh"
	cp "$ACLMEM_KO" "$root/aclmem.ko"
	add_modules "$root"
	add_tests "$root"
	add_libtests "$root"
	add_tools "$root"
	add_examples "$root"
	add_bench "$root"
}

pack() {
	root=$1
	out=$2
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 > "$out.tmp"
	mv "$out.tmp" "$out"
}

main() {
	[ $# -eq 2 ] || usage
	KVER=$1
	OUT=$2
	case $KVER in
	*-arm64) ARCH=${ARCH:-arm64} ;;
	*) ARCH=${ARCH:-x86_64} ;;
	esac
	build=$TOP/build
	MODROOT=
	if [ "$ARCH" = arm64 ]; then
		build=$TOP/build/arm64
		MODROOT=$("$TOP/scripts/extra-kernels.sh" --root "$KVER")
		BUSYBOX=${BUSYBOX:-$("$TOP/scripts/extra-kernels.sh" --busybox)}
		GUEST_MODULES="$GUEST_MODULES virtio_mmio virtio_console"
	fi
	BUSYBOX=${BUSYBOX:-/bin/busybox}
	ACLMEM_KO=${ACLMEM_KO:-$TOP/kmod/build/$KVER/aclmem.ko}
	SELFTEST_DIR=${SELFTEST_DIR:-$build/selftests}
	LIBTEST_DIR=${LIBTEST_DIR:-$build/libtests}
	LIBASCENDCL=${LIBASCENDCL:-$build/lib/libascendcl.so}
	TOOLS_DIR=${TOOLS_DIR:-$build/tools}
	if [ ! -f "$ACLMEM_KO" ]; then
		echo "$0: $ACLMEM_KO missing: run make modules KVER=$KVER" >&2
		exit 1
	fi
	mkdir -p "$(dirname "$OUT")"
	root=$OUT.root
	echo "  INITRAMFS $OUT"
	make_root "$root"
	pack "$root" "$OUT"
	tests=$(cd "$root/tests" && echo *)
	echo "  modules: $(awk '{ print $1 }' "$root/modules.order" | tr '\n' ' ')"
	[ "$tests" != "*" ] || tests=none
	echo "  tests: $tests"
}

main "$@"
