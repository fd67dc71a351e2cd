#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build hicann/runtime's own samples against aclmem: our headers and
# build/lib/libascendcl.so, staged as a CANN-like prefix (include/,
# lib64/libascendcl.so and lib64/libacl_rt.so, bin/setenv.bash). A
# developer tool: CI has no copy of hicann/runtime, and make check does
# not run it. The samples only run where /dev/aclmem is (the QEMU guest).
#
# Usage: CANN_RUNTIME_DIR=<checkout of hicann/runtime> scripts/cann-samples.sh [SAMPLE...]
#   SAMPLE  a sample directory under CANN_RUNTIME_DIR/example (default: every
#           sample of 0_quickstart and 1_basic_features/{context,device,
#           event,memory,stream})
# Environment: OUT (default build/cann-samples), CMAKE (default cmake), V=1
# (show the build output).
#
# A sample that builds an AscendC kernel (ascendc_library: it needs the
# AscendC toolchain and an NPU) or calls the operator library (aclnn*) is
# not built. Every other one is configured and built with its own
# CMakeLists.txt; its executables go to OUT/bin/<sample>[-<target>]. The
# report (also OUT/report.txt) says per sample: built, or not and why (for
# a build that failed, its first compiler error). Exits non-zero if a
# sample that should build did not.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$TOP/build/cann-samples}
CMAKE=${CMAKE:-cmake}
V=${V:-0}
LIB=$TOP/build/lib/libascendcl.so
DEFAULT_GROUPS="0_quickstart 1_basic_features/context 1_basic_features/device
	1_basic_features/event 1_basic_features/memory 1_basic_features/stream"

die() {
	echo "$0: $*" >&2
	exit 1
}

[ -n "${CANN_RUNTIME_DIR:-}" ] ||
	die "set CANN_RUNTIME_DIR to a checkout of hicann/runtime"
[ -d "$CANN_RUNTIME_DIR/example" ] ||
	die "$CANN_RUNTIME_DIR/example: no such directory"
command -v "$CMAKE" > /dev/null || die "$CMAKE not found"
[ -f "$LIB" ] || make -C "$TOP/lib" BUILD="$TOP/build" > /dev/null

# The prefix the samples' CMakeLists.txt find as ASCEND_CANN_PACKAGE_PATH
# (ASCEND_HOME_PATH for their run.sh). Their ascendc.cmake include is met by
# a stub that refuses ascendc_library.
stage_prefix() {
	local p=$OUT/prefix
	rm -rf "$p"
	mkdir -p "$p/lib64" "$p/bin" "$p/ascendc"
	ln -s "$TOP/include" "$p/include"
	ln -s "$LIB" "$p/lib64/libascendcl.so"
	ln -s "$LIB" "$p/lib64/libacl_rt.so"
	: > "$p/bin/setenv.bash"
	cat > "$p/ascendc/ascendc.cmake" <<-'EOF'
	# aclmem's stand-in for the AscendC toolchain: there is none.
	function(ascendc_library)
	    message(FATAL_ERROR "AscendC kernels need the AscendC toolchain")
	endfunction()
	EOF
	PREFIX=$p
}

# Sample directories: those given, else the default groups' (any depth).
samples() {
	local group dir
	if [ $# -gt 0 ]; then
		for dir in "$@"; do
			echo "${dir#example/}"
		done
		return
	fi
	for group in $DEFAULT_GROUPS; do
		(cd "$CANN_RUNTIME_DIR/example" &&
			find "$group" -name CMakeLists.txt -printf '%h\n') | sort
	done
}

# Why a sample is not built, or nothing.
not_buildable() {
	local src=$1
	if grep -q 'ascendc_library' "$src/CMakeLists.txt"; then
		echo "builds an AscendC kernel (ascendc_library): needs the AscendC toolchain and an NPU"
	elif grep -rqs --include='*.cpp' --include='*.h' --include='*.txt' \
		'aclnn' "$src"; then
		echo "calls the operator library (aclnn): not part of the runtime"
	fi
}

# Configure and build one sample; its executables to $OUT/bin.
build_sample() {
	local name=$1 src=$2 dir=$OUT/build/$1 log=$OUT/build/$1.log exe
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! ASCENDC_CMAKE_DIR=$PREFIX/ascendc ASCEND_HOME_PATH=$PREFIX \
		"$CMAKE" -S "$src" -B "$dir" \
		-DASCEND_CANN_PACKAGE_PATH="$PREFIX" > "$log" 2>&1 ||
		! "$CMAKE" --build "$dir" -j2 >> "$log" 2>&1; then
		[ "$V" = 1 ] && cat "$log" >&2
		return 1
	fi
	[ "$V" = 1 ] && cat "$log" >&2
	for exe in "$dir"/*; do
		if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then
			continue
		fi
		if [ "$(basename "$exe")" = main ]; then
			cp "$exe" "$OUT/bin/$name"
		else
			cp "$exe" "$OUT/bin/$name-$(basename "$exe")"
		fi
	done
}

# The executables a sample gave, by name.
executables() {
	local exe
	for exe in "$OUT/bin/$1" "$OUT/bin/$1"-*; do
		[ -e "$exe" ] && printf '%s ' "$(basename "$exe")"
	done
}

# The first compiler error of a failed build, for the report.
first_error() {
	{ grep -m1 -E 'error:|undefined reference' "$1" ||
		grep -m1 -E 'Error' "$1"; } |
		sed -e "s|$CANN_RUNTIME_DIR/||g" -e 's/^ *//' | cut -c1-160
}

main() {
	local rel name src why built=0 skipped=0 failed=0
	mkdir -p "$OUT/bin" "$OUT/build"
	rm -f "$OUT"/bin/*
	stage_prefix
	: > "$OUT/report.txt"
	while read -r rel; do
		src=$CANN_RUNTIME_DIR/example/$rel
		[ -f "$src/CMakeLists.txt" ] || die "$src: no CMakeLists.txt"
		name=$(echo "$rel" | tr '/' '_')
		why=$(not_buildable "$src")
		if [ -n "$why" ]; then
			printf '%-8s %s: %s\n' "skipped" "$rel" "$why"
			skipped=$((skipped + 1))
		elif build_sample "$name" "$src"; then
			printf '%-8s %s: %s\n' "built" "$rel" \
				"$(executables "$name")"
			built=$((built + 1))
		else
			printf '%-8s %s: %s\n' "FAILED" "$rel" \
				"$(first_error "$OUT/build/$name.log") (log: ${OUT#"$TOP"/}/build/$name.log)"
			failed=$((failed + 1))
		fi
	done < <(samples "$@") | tee -a "$OUT/report.txt"
	built=$(grep -c '^built' "$OUT/report.txt" || true)
	skipped=$(grep -c '^skipped' "$OUT/report.txt" || true)
	failed=$(grep -c '^FAILED' "$OUT/report.txt" || true)
	echo "$built built, $skipped not buildable here, $failed failed;" \
		"binaries in ${OUT#"$TOP"/}/bin" | tee -a "$OUT/report.txt"
	[ "$failed" -eq 0 ]
}

main "$@"
