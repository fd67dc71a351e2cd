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
# Then "make install-cann" (PREFIX=/usr/local/Ascend/ascend-toolkit/latest,
# DESTDIR=build/install-check-cann):
#   - exactly the expected files and links of a CANN-like tree, and
#     install-cann refuses a tree whose set_env.sh is not aclmem's;
#   - its set_env.sh, sourced (bash and dash, twice), exports
#     ASCEND_HOME_PATH, ASCEND_TOOLKIT_HOME, ASCEND_OPP_PATH and puts lib64
#     first in LD_LIBRARY_PATH;
#   - lib/tests/clients/cann_toolkit/ (CMake's find of CANN as vllm-ascend
#     and sgl-kernel-npu do it) configures and builds against it: no run
#     path, DT_NEEDED libascendcl.so, which ldd finds in the tree only with
#     set_env.sh's LD_LIBRARY_PATH, every acl* symbol the clients need is
#     defined there, the aclrtMemcpyBatchAsync probe matches the library;
#     both programs run; find_cann.py (the Python side's checks: vllm-ascend's
#     and sgl-kernel-npu's setup.py, torch_npu's import check) passes;
#   - uninstall-cann leaves no file behind.
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

install_default() {
	rm -rf "$DEST" "$BUILD/install-check-examples"
	run $MAKE -s -C "$TOP" install DESTDIR="$DEST" PREFIX=$PREFIX
	check_files
	check_client
	run $MAKE -s -C "$TOP" uninstall DESTDIR="$DEST" PREFIX=$PREFIX
	[ -z "$(installed_files)" ] ||
		die "left after uninstall: $(installed_files | tr '\n' ' ')"
	echo "  uninstall removed every file"
}

# ---- make install-cann -------------------------------------------------

CANN_DEST=$BUILD/install-check-cann
CANN_PREFIX=/usr/local/Ascend/ascend-toolkit/latest
CANN_HOME=$CANN_DEST$CANN_PREFIX
ARCH=$(uname -m)
CANN_CLIENT_SRC=$TOP/lib/tests/clients/cann_toolkit
CANN_CLIENT_BUILD=$BUILD/install-check-cann-client

cann_make() {
	run $MAKE -s -C "$TOP" "$1" DESTDIR="$CANN_DEST" PREFIX=$CANN_PREFIX
}

cann_expected() {
	echo "./set_env.sh"
	echo "./share/info/runtime/version.info"
	echo "./include"
	echo "./lib64"
	echo "./runtime/include/acl"
	echo "./$ARCH-linux/lib64/libascendcl.so"
	echo "./$ARCH-linux/lib64/libascendcl.so.$VERSION"
	(cd "$TOP/include" && find acl -name '*.h') | sed "s|^|./$ARCH-linux/include/|"
}

cann_installed() {
	(cd "$CANN_DEST" && find . ! -type d) | sed "s|^\.$CANN_PREFIX/|./|"
}

# expect_link PATH TARGET: PATH (under the tree) is a link to TARGET.
expect_link() {
	if [ ! -L "$CANN_HOME/$1" ] || [ "$(readlink "$CANN_HOME/$1")" != "$2" ]; then
		die "$1 is not a link to $2"
	fi
}

cann_check_files() {
	local diff dir
	diff=$(diff <(cann_expected | sort) <(cann_installed | sort)) ||
		die "install-cann's files differ from the expected ones:
$diff"
	echo "  installed: $(cann_installed | wc -l) files and links, as expected"
	expect_link include "$ARCH-linux/include"
	expect_link lib64 "$ARCH-linux/lib64"
	expect_link runtime/include/acl "../../$ARCH-linux/include/acl"
	expect_link "$ARCH-linux/lib64/libascendcl.so" "libascendcl.so.$VERSION"
	for dir in opp compiler; do
		[ -d "$CANN_HOME/$dir" ] || die "no $dir/ directory"
	done
	if [ ! -f "$CANN_HOME/include/acl/acl_rt.h" ] ||
		[ ! -f "$CANN_HOME/lib64/libascendcl.so" ]; then
		die "include/acl/acl_rt.h or lib64/libascendcl.so not reached"
	fi
	echo "  include, lib64, runtime/include/acl link into $ARCH-linux/; opp/, compiler/ exist"
	grep -qx 'Version=[0-9]*\.[0-9]*\.[0-9]*' \
		"$CANN_HOME/share/info/runtime/version.info" ||
		die "share/info/runtime/version.info has no Version=X.Y.Z line"
	echo "  share/info/runtime/version.info: $(grep '^Version=' \
		"$CANN_HOME/share/info/runtime/version.info")"
}

# What set_env.sh exports, as "NAME=value" lines, after sourcing it twice
# with SHELL (bash or dash) from a start of LD_LIBRARY_PATH=/x.
set_env_view() {
	# shellcheck disable=SC2016
	env -i PATH="$PATH" LD_LIBRARY_PATH=/x "$1" -euc \
		'. "$0"; first=$LD_LIBRARY_PATH; . "$0"
		[ "$first" = "$LD_LIBRARY_PATH" ] || echo "CHANGED=$LD_LIBRARY_PATH"
		for v in ASCEND_HOME_PATH ASCEND_TOOLKIT_HOME ASCEND_OPP_PATH \
			ASCEND_AICPU_PATH LD_LIBRARY_PATH; do
			eval "echo $v=\${$v:-}"
		done' "$CANN_HOME/set_env.sh"
}

# expected_env HOME: set_env_view's lines for a tree at HOME.
expected_env() {
	printf '%s\n' "ASCEND_HOME_PATH=$1" "ASCEND_TOOLKIT_HOME=$1" \
		"ASCEND_OPP_PATH=$1/opp" "ASCEND_AICPU_PATH=$1" \
		"LD_LIBRARY_PATH=$1/lib64:/x"
}

cann_check_set_env() {
	local home diff
	home=$(cd -P "$CANN_HOME" && pwd -P)
	diff=$(diff <(expected_env "$home") <(set_env_view bash)) ||
		die "set_env.sh under bash:
$diff"
	echo "  set_env.sh (bash, twice): the tree where it is, $home"
	if command -v dash > /dev/null; then
		diff=$(diff <(expected_env "$CANN_PREFIX") <(set_env_view dash)) ||
			die "set_env.sh under dash:
$diff"
		echo "  set_env.sh (dash, twice): the install-time path $CANN_PREFIX"
	fi
}

# In a shell that sourced set_env.sh: configure, build, link checks, run.
cann_client_in_env() {
	local client lib=$ASCEND_HOME_PATH/lib64/libascendcl.so found symbol
	local want_batch=0 have_batch log=$BUILD/install-check-cann-cmake.log
	local defined
	rm -rf "$CANN_CLIENT_BUILD"
	echo "  + cmake -S ${CANN_CLIENT_SRC#"$TOP"/} -B $CANN_CLIENT_BUILD && cmake --build"
	if ! { cmake -S "$CANN_CLIENT_SRC" -B "$CANN_CLIENT_BUILD" &&
		cmake --build "$CANN_CLIENT_BUILD"; } > "$log" 2>&1; then
		die "the CMake client does not configure or build: $(cat "$log")"
	fi
	# The names the library defines, one a line (grep -q on a pipe would
	# stop nm early, a failure under pipefail).
	defined=$(nm -D --defined-only "$lib" | awk '{ print $3 }')
	if grep -q 'aclrtMemcpyBatchAsync(' "$ASCEND_HOME_PATH/include/acl/acl_rt.h" &&
		grep -qx aclrtMemcpyBatchAsync <<< "$defined"; then
		want_batch=1
	fi
	have_batch=$(sed -n 's/^HAVE_ACLRT_MEMCPY_BATCH_ASYNC:INTERNAL=//p' \
		"$CANN_CLIENT_BUILD/CMakeCache.txt")
	[ "${have_batch:-0}" = "$want_batch" ] ||
		die "the aclrtMemcpyBatchAsync probe says '$have_batch', the tree $want_batch"
	echo "  the aclrtMemcpyBatchAsync probe: ${have_batch:-0}, as the tree has it"
	for client in cann_client cann_client_fullpath; do
		client=$CANN_CLIENT_BUILD/$client
		readelf -d "$client" | grep -q 'NEEDED.*\[libascendcl\.so\]' ||
			die "$client does not need libascendcl.so"
		! readelf -d "$client" | grep -qE 'RPATH|RUNPATH' ||
			die "$client has a run path"
		found=$(ldd "$client" | awk '$1 == "libascendcl.so" { print $3 }')
		[ "$(readlink -f "$found")" = "$(readlink -f "$lib")" ] ||
			die "ldd finds libascendcl.so at '$found', not in the tree"
		found=$(env -u LD_LIBRARY_PATH ldd "$client" |
			awk '$1 == "libascendcl.so" { print $3 }')
		[ "$(readlink -f "$found")" != "$(readlink -f "$lib")" ] ||
			die "the tree's library is found without set_env.sh"
		for symbol in $(nm -D --undefined-only "$client" |
				awk '$2 ~ /^acl/ { print $2 }'); do
			grep -qx "$symbol" <<< "$defined" ||
				die "$symbol is not in the tree's library"
		done
		run "$client" || die "$client failed"
	done
	echo "  both clients: DT_NEEDED libascendcl.so, no run path, found" \
		"through set_env.sh's LD_LIBRARY_PATH only, every acl* symbol defined"
	run python3 "$CANN_CLIENT_SRC/find_cann.py" || die "find_cann.py failed"
}

cann_check_client() {
	# shellcheck disable=SC1091
	(. "$CANN_HOME/set_env.sh" && cann_client_in_env)
}

# install-cann must not replace a CANN install's files.
cann_check_refusal() {
	local foreign=$BUILD/install-check-cann-foreign
	rm -rf "$foreign"
	mkdir -p "$foreign$CANN_PREFIX"
	echo '# a CANN set_env.sh' > "$foreign$CANN_PREFIX/set_env.sh"
	if $MAKE -s -C "$TOP" install-cann DESTDIR="$foreign" \
		PREFIX=$CANN_PREFIX > /dev/null 2>&1; then
		die "install-cann installed over a foreign set_env.sh"
	fi
	if [ "$(cat "$foreign$CANN_PREFIX/set_env.sh")" != '# a CANN set_env.sh' ] ||
		[ "$(cd "$foreign" && find . ! -type d)" != ".$CANN_PREFIX/set_env.sh" ]; then
		die "install-cann changed a foreign tree"
	fi
	rm -rf "$foreign"
	echo "  install-cann refuses a tree with a set_env.sh that is not aclmem's"
}

install_cann() {
	rm -rf "$CANN_DEST" "$CANN_CLIENT_BUILD"
	cann_make install-cann
	cann_check_files
	cann_check_set_env
	cann_check_client
	cann_check_refusal
	cann_make uninstall-cann
	[ -z "$(cann_installed)" ] ||
		die "left after uninstall-cann: $(cann_installed | tr '\n' ' ')"
	echo "  uninstall-cann removed every file and link"
}

main() {
	install_default
	install_cann
}

main "$@"
