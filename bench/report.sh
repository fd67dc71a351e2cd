#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Turn the output of "aclbench all" (RESULT and INFO lines, as
# scripts/bench.sh collects them from the guest) into:
#   OUTDIR/KVER.md   the table: each aclmem measurement against the peer of
#                    the same boot, as a ratio, with the targets met or MISSED
#   OUTDIR/KVER.csv  the same rows, machine-readable
#   OUTDIR/KVER.png  the ratios as a bar chart (gnuplot, if installed)
#   OUTDIR/KVER.log  the raw RESULT/INFO lines
#
# Usage: bench/report.sh KVER LOG [OUTDIR]   (OUTDIR: bench/results)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)

[ $# -ge 2 ] || { echo "usage: $0 KVER LOG [OUTDIR]" >&2; exit 2; }
KVER=$1
LOG=$2
OUT=${3:-$TOP/bench/results}
mkdir -p "$OUT"

tr -d '\r' < "$LOG" | grep -E '^(RESULT|INFO|# )' |
	grep -v -E '^# (aclbench-|bench .* took)' > "$OUT/$KVER.log.tmp" || true
mv "$OUT/$KVER.log.tmp" "$OUT/$KVER.log"

DATE=$(date -u +%Y-%m-%d)
PLOT=$(mktemp)
trap 'rm -f "$PLOT"' EXIT

awk -v kver="$KVER" -v date="$DATE" -v csv="$OUT/$KVER.csv" \
	-v md="$OUT/$KVER.md" -v plot="$PLOT" '
function val(name, impl, key) {
	return R[name SUBSEP impl SUBSEP key]
}
function has(name, impl, key) {
	return (name SUBSEP impl SUBSEP key) in R && \
		R[name SUBSEP impl SUBSEP "status"] == "ok"
}
function fmt_ns(v) {
	if (v < 1000) return sprintf("%d ns", v)
	if (v < 1e6) return sprintf("%.1f µs", v / 1e3)
	if (v < 1e9) return sprintf("%.2f ms", v / 1e6)
	return sprintf("%.2f s", v / 1e9)
}
function fmt_ratio(r) {
	if (r >= 100) return sprintf("%.0f×", r)
	if (r >= 10) return sprintf("%.1f×", r)
	return sprintf("%.2f×", r)
}
function fmt_val(v, unit) {
	if (unit == "ns") return fmt_ns(v)
	if (unit == "GB/s") return sprintf("%.2f GB/s", v)
	if (unit == "faults") return sprintf("%d faults", v)
	if (unit == "bytes") return sprintf("%.0f B", v)
	return v
}
function why_na(name, impl,    why) {
	why = R[name SUBSEP impl SUBSEP "reason"]
	gsub(/~/, " ", why)
	if (R[name SUBSEP impl SUBSEP "status"] == "na")
		return "n/a (" why ")"
	if (R[name SUBSEP impl SUBSEP "status"] == "fail")
		return "failed (" why ")"
	return "n/a (not measured)"
}
function section(title) {
	printf "| **%s** | | | | | | |\n", title >> md
}
# One comparison: aclmem (name1/impl1/key) against a peer (name2/impl2/key2).
# kind "time": ratio = peer / aclmem; "rate": aclmem / peer.
# tkind ">=": the ratio must reach tval; "" no target.
# tlabel: the target as the table shows it, when not "≥ tval×".
function cmp(label, n1, i1, k1, peer_label, n2, i2, k2, unit, kind, tkind,
	     tval, chart, tlabel,    a, b, r, status, tgt, ok1, ok2) {
	ok1 = has(n1, i1, k1)
	ok2 = has(n2, i2, k2)
	tgt = tkind == "" ? "" : (kind == "rate" && tval < 1 ? \
		sprintf("≥ %d%%", tval * 100) : sprintf("≥ %g×", tval))
	if (tlabel != "")
		tgt = tlabel
	if (!ok1 || !ok2) {
		status = tkind == "" ? "" : "MISSED: not measured"
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", label, \
			ok1 ? fmt_val(val(n1, i1, k1) + 0, unit) : why_na(n1, i1), \
			peer_label, \
			ok2 ? fmt_val(val(n2, i2, k2) + 0, unit) : why_na(n2, i2), \
			"n/a", tgt, status >> md
		printf "%s,%s,%s,%s,%s,%s,%s,,%s,%s\n", csvq(label), i1, \
			ok1 ? val(n1, i1, k1) : "", i2, ok2 ? val(n2, i2, k2) : "", \
			unit, "", csvq(tgt), tkind == "" ? "" : "na" >> csv
		return
	}
	a = val(n1, i1, k1) + 0
	b = val(n2, i2, k2) + 0
	if (kind == "time")
		r = a > 0 ? b / a : 0
	else
		r = b > 0 ? a / b : 0
	status = ""
	if (tkind == ">=")
		status = r >= tval ? "met" : "**MISSED** (" fmt_ratio(r) \
			" < " fmt_ratio(tval) ")"
	printf "| %s | %s | %s | %s | %s | %s | %s |\n", label, \
		fmt_val(a, unit), peer_label, fmt_val(b, unit), fmt_ratio(r), \
		tgt, status >> md
	printf "%s,%s,%s,%s,%s,%s,%.4f,%s,%s\n", csvq(label), i1, a, i2, b, \
		unit, r, csvq(tgt), status == "" ? "" : \
		(status == "met" ? "met" : "MISSED") >> csv
	if (chart != "")
		printf "%s\t%.6g\t%s\t%d\n", chart, r, \
			tkind == ">=" ? tval : "-", \
			status == "" ? 3 : (status == "met" ? 1 : 2) >> plot
}
# A value of aclmem alone against an absolute target ("<=" or "==").
function abs_target(label, n, i, k, unit, tkind, tval, note,    v, ok, st) {
	if (!has(n, i, k)) {
		printf "| %s | %s | %s | | | %s %s | MISSED: not measured |\n", \
			label, why_na(n, i), note, tkind == "<=" ? "≤" : "=", \
			fmt_val(tval, unit) >> md
		printf "%s,%s,,,,%s,,%s,na\n", csvq(label), i, unit, \
			csvq(tkind " " tval) >> csv
		return
	}
	v = val(n, i, k) + 0
	ok = tkind == "<=" ? v <= tval : v == tval
	st = ok ? "met" : "**MISSED** (" fmt_val(v, unit) ")"
	printf "| %s | %s | %s | | | %s %s | %s |\n", label, \
		fmt_val(v, unit), note, tkind == "<=" ? "≤" : "=", \
		fmt_val(tval, unit), st >> md
	printf "%s,%s,%s,,,%s,,%s,%s\n", csvq(label), i, v, unit, \
		csvq(tkind " " tval), ok ? "met" : "MISSED" >> csv
}
# Where the time of each way of sharing goes (p50 of each part).
function share_parts(    i, k, out, impl, names) {
	split("aclmem_token aclmem_fd memfd_hugetlb memfd_shmem", k, " ")
	split("token|dma-buf fd|memfd hugetlb|memfd shmem", names, "|")
	out = ""
	for (i = 1; i <= 4; i++) {
		impl = k[i]
		if (!has("share", impl, "export_p50_ns"))
			continue
		out = out sprintf("%s %s: export %s, pass %s, import %s, " \
			"mmap + first read %s", out == "" ? "" : ";", names[i], \
			fmt_ns(val("share", impl, "export_p50_ns") + 0), \
			fmt_ns(val("share", impl, "pass_p50_ns") + 0), \
			fmt_ns(val("share", impl, "import_p50_ns") + 0), \
			fmt_ns(val("share", impl, "map_p50_ns") + 0))
	}
	return out == "" ? "" : ". Medians of the parts:" out
}
# The kmalloc size class of an object of n bytes.
function kmalloc(n,    c) {
	n += 0
	if (n <= 8) return 8
	if (n > 64 && n <= 96) return 96
	if (n > 128 && n <= 192) return 192
	for (c = 16; c < n; c *= 2)
		;
	return c
}
function csvq(s) {
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}
/^INFO / {
	split(substr($0, 6), kv, "=")
	INFO[kv[1]] = substr($0, 6 + length(kv[1]) + 1)
	next
}
/^RESULT / {
	name = ""; impl = ""
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		k = substr($i, 1, eq - 1); v = substr($i, eq + 1)
		if (k == "name") name = v
		else if (k == "impl") impl = v
		F[i] = k; G[i] = v
	}
	for (i = 2; i <= NF; i++)
		R[name SUBSEP impl SUBSEP F[i]] = G[i]
	next
}
END {
	printf "" > md
	printf "" > csv
	printf "" > plot
	mem = INFO["mem_kb"] / 1048576
	params = INFO["aclmem_params"] == "" ? "?" : INFO["aclmem_params"]
	gsub(/,/, " ", params)
	printf "### aclmem against its peers: Linux %s\n\n", kver >> md
	printf "One QEMU boot (TCG, %s CPUs, %.1f GiB, clocksource %s, THP %s), " \
		"`aclmem.ko %s`, hugetlb pages reserved at boot; %s. " \
		"**ratio**: how many times faster aclmem is than the peer " \
		"measured in the same boot (peer time ÷ aclmem time; for " \
		"throughput aclmem ÷ peer). Absolute times under TCG mean " \
		"little: the ratios are the result. p50/p99 over n runs; raw " \
		"lines in `%s.log`.\n\n", INFO["cpus"], mem, \
		INFO["clocksource"], INFO["thp"], \
		params, date, kver >> md
	print "| measurement | aclmem | peer | peer value | ratio | target | |" >> md
	print "| --- | ---: | --- | ---: | ---: | --- | --- |" >> md
	print "measurement,aclmem_impl,aclmem_value,peer_impl,peer_value," \
		"unit,ratio,target,status" >> csv

	section("allocate + free 2 MiB (aclmem: ALLOC + FREE from a warm pool)")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "memfd hugetlb 2 MiB + fallocate", "alloc_free_2m",
	    "memfd_hugetlb", "p50_ns", "ns", "time", ">=", 20,
	    "alloc+free 2M p50\\nvs hugetlb")
	cmp("alloc + free 2 MiB, p99", "alloc_free_2m", "aclmem", "p99_ns",
	    "memfd hugetlb 2 MiB + fallocate", "alloc_free_2m",
	    "memfd_hugetlb", "p99_ns", "ns", "time", "", 0,
	    "alloc+free 2M p99\\nvs hugetlb")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "memfd shmem (4 KiB pages) + fallocate", "alloc_free_2m",
	    "memfd_shmem", "p50_ns", "ns", "time", "", 0,
	    "alloc+free 2M p50\\nvs shmem")
	cmp("alloc + free 2 MiB, p99", "alloc_free_2m", "aclmem", "p99_ns",
	    "memfd shmem (4 KiB pages) + fallocate", "alloc_free_2m",
	    "memfd_shmem", "p99_ns", "ns", "time", "", 0, "")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "anonymous THP (mmap, fault, munmap)", "alloc_free_2m", "thp",
	    "p50_ns", "ns", "time", "", 0, "alloc+free 2M p50\\nvs THP")
	cmp("alloc + free 2 MiB, p99", "alloc_free_2m", "aclmem", "p99_ns",
	    "anonymous THP (mmap, fault, munmap)", "alloc_free_2m", "thp",
	    "p99_ns", "ns", "time", "", 0, "")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "dma-buf system heap", "alloc_free_2m", "dmabuf_heap", "p50_ns",
	    "ns", "time", "", 0, "alloc+free 2M p50\\nvs dma-buf heap")
	cmp("alloc + free 2 MiB, p99", "alloc_free_2m", "aclmem", "p99_ns",
	    "dma-buf system heap", "alloc_free_2m", "dmabuf_heap", "p99_ns",
	    "ns", "time", "", 0, "")

	section("allocate 1 GiB")
	cmp("allocate 1 GiB from the pool, p50", "alloc_1g", "aclmem_pool",
	    "p50_ns", "memfd hugetlb 1 GiB + fallocate", "alloc_1g",
	    "hugetlb_1g", "p50_ns", "ns", "time", "", 0,
	    "alloc 1G pool\\nvs hugetlb 1G")
	cmp("allocate 1 GiB, growing on demand, p50", "alloc_1g",
	    "aclmem_grow", "p50_ns", "memfd hugetlb 1 GiB + fallocate",
	    "alloc_1g", "hugetlb_1g", "p50_ns", "ns", "time", "", 0,
	    "alloc 1G grow\\nvs hugetlb 1G")

	section("map + write every 4 KiB of 1 GiB")
	cmp("map + touch 1 GiB, p50", "map_touch_1g", "aclmem", "p50_ns",
	    "memfd hugetlb 1 GiB", "map_touch_1g", "hugetlb_1g", "p50_ns",
	    "ns", "time", ">=", 0.95, "map+touch 1G\\nvs hugetlb 1G",
	    "no slower: ≥ 1× ± 5%")
	cmp("map + touch 1 GiB, p50", "map_touch_1g", "aclmem", "p50_ns",
	    "memfd shmem (4 KiB pages)", "map_touch_1g", "shmem_4k", "p50_ns",
	    "ns", "time", ">=", 50, "map+touch 1G\\nvs shmem")
	cmp("map + POPULATE + touch 1 GiB, p50", "map_touch_1g",
	    "aclmem_populate", "p50_ns", "memfd hugetlb 1 GiB",
	    "map_touch_1g", "hugetlb_1g", "p50_ns", "ns", "time", "", 0,
	    "map+populate+touch 1G\\nvs hugetlb 1G")
	cmp("faults, map + touch 1 GiB", "map_touch_1g", "aclmem", "faults",
	    "memfd hugetlb 1 GiB", "map_touch_1g", "hugetlb_1g", "faults",
	    "faults", "time", "", 0, "")
	cmp("faults, map + touch 1 GiB", "map_touch_1g", "aclmem", "faults",
	    "memfd shmem (4 KiB pages)", "map_touch_1g", "shmem_4k", "faults",
	    "faults", "time", "", 0, "")
	abs_target("faults touching 1 GiB after mmap + POPULATE",
	    "map_touch_1g", "aclmem_populate", "touch_faults", "faults", "==",
	    0, "QUERY out_faults_* + getrusage minflt")
	abs_target("faults touching 64 × 2 MiB after aclrtMapMem",
	    "torch64_map", "aclmem", "touch_faults", "faults", "==", 0,
	    "minflt")

	section("64 handles of 2 MiB mapped into one reservation (torch_npu)")
	cmp("malloc + map 64 × 2 MiB, p50", "torch64_map", "aclmem", "p50_ns",
	    "64 memfd hugetlb 2 MiB, mmap populated", "torch64_map",
	    "memfd_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "torch 64x2M map\\nvs hugetlb")
	cmp("malloc + map 64 × 2 MiB, p50", "torch64_map", "aclmem", "p50_ns",
	    "64 memfd shmem 2 MiB, mmap populated", "torch64_map",
	    "memfd_shmem", "p50_ns", "ns", "time", "", 0, "")
	cmp("unmap + free 64 × 2 MiB, p50", "torch64_unmap", "aclmem",
	    "p50_ns", "64 memfd hugetlb 2 MiB", "torch64_unmap",
	    "memfd_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "torch 64x2M unmap\\nvs hugetlb")
	cmp("unmap + free 64 × 2 MiB, p50", "torch64_unmap", "aclmem",
	    "p50_ns", "64 memfd shmem 2 MiB", "torch64_unmap", "memfd_shmem",
	    "p50_ns", "ns", "time", "", 0, "")

	section("export → import → map 2 MiB in a second process")
	cmp("token (EXPORT, SET_PIDS, IMPORT, mmap), p50", "share",
	    "aclmem_token", "p50_ns", "memfd hugetlb 2 MiB over SCM_RIGHTS",
	    "share", "memfd_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "share token\\nvs memfd hugetlb")
	cmp("token (EXPORT, SET_PIDS, IMPORT, mmap), p50", "share",
	    "aclmem_token", "p50_ns", "memfd shmem 2 MiB over SCM_RIGHTS",
	    "share", "memfd_shmem", "p50_ns", "ns", "time", "", 0, "")
	cmp("dma-buf fd (EXPORT_FD, SCM_RIGHTS, IMPORT_FD, mmap), p50",
	    "share", "aclmem_fd", "p50_ns",
	    "memfd hugetlb 2 MiB over SCM_RIGHTS", "share", "memfd_hugetlb",
	    "p50_ns", "ns", "time", "", 0, "share fd\\nvs memfd hugetlb")
	cmp("dma-buf fd (EXPORT_FD, SCM_RIGHTS, IMPORT_FD, mmap), p50",
	    "share", "aclmem_fd", "p50_ns",
	    "memfd shmem 2 MiB over SCM_RIGHTS", "share", "memfd_shmem",
	    "p50_ns", "ns", "time", "", 0, "")

	section("sustained allocate + free 2 MiB (the zeroing limit)")
	cmp("sustained alloc + free 2 MiB", "sustained_2m", "aclmem", "gbps",
	    "memset of 1 GiB, one thread (interleaved)", "sustained_2m",
	    "memset", "gbps", "GB/s", "rate", ">=", 0.8,
	    "sustained alloc+free\\nvs memset")
	cmp("sustained alloc + free 2 MiB", "sustained_2m", "aclmem", "gbps",
	    sprintf("memset of 1 GiB, %s threads", \
		val("memset", "memset_all_cpus", "threads")), "memset",
	    "memset_all_cpus", "gbps", "GB/s", "rate", "", 0, "")
	cmp("sustained alloc + free 2 MiB", "sustained_2m", "aclmem", "gbps",
	    "memfd hugetlb 2 MiB + fallocate, same loop", "sustained_2m",
	    "memfd_hugetlb", "gbps", "GB/s", "rate", "", 0,
	    "sustained alloc+free\\nvs hugetlb")

	section("kernel memory")
	abs_target("slab bytes per 2 MiB handle", "meta", "aclmem",
	    "bytes_per_handle", "bytes", "<=", 256,
	    val("meta", "aclmem", "handles") == "" ? "/proc/slabinfo" : \
	    sprintf("/proc/slabinfo, %s handles", val("meta", "aclmem", "handles")))
	# The same from the struct sizes (pahole), when bench.sh had them.
	if (INFO["layout_aclmem_handle"] != "" && INFO["layout_aclmem_buf"] != "") {
		est = kmalloc(INFO["layout_aclmem_handle"]) + \
			kmalloc(INFO["layout_aclmem_buf"]) + kmalloc(8) + 576 / 64
		printf "| slab bytes per 2 MiB handle, from the struct sizes | " \
			"%d B | handle %d B, buf %d B, pfn array 8 B, as kmalloc " \
			"sizes, + 1/64 of an xarray node | | | ≤ 256 B | %s |\n", \
			est, INFO["layout_aclmem_handle"], \
			INFO["layout_aclmem_buf"], est <= 256 ? "met" : \
			"**MISSED** (" est " B)" >> md
		printf "%s,aclmem,%d,,,bytes,,%s,%s\n", \
			csvq("slab bytes per 2 MiB handle, from the struct sizes"), \
			est, csvq("<= 256"), est <= 256 ? "met" : "MISSED" >> csv
	}

	paired_note = ""
	if (has("map_touch_1g", "aclmem", "paired_hugetlb_ratio"))
		paired_note = sprintf(": measured back to back, round by " \
			"round, hugetlb takes %.2f× the time of aclmem (median; " \
			"%.2f× to %.2f× across the %d rounds)", \
			val("map_touch_1g", "aclmem", "paired_hugetlb_ratio"), \
			val("map_touch_1g", "aclmem", "paired_min"), \
			val("map_touch_1g", "aclmem", "paired_max"), \
			val("map_touch_1g", "aclmem", "n"))
	print "" >> md
	print "How each row is measured (`bench/aclbench.c`): the contenders of " \
		"a comparison take turns, round after round, and before each " \
		"turn the aclmem pools finish their background zeroing, so " \
		"host noise and background work weigh on all alike." >> md
	print "" >> md
	print "- *alloc + free 2 MiB*: ALLOC + FREE ioctls from a warm pool " \
		"(batches of 64); the peers: `memfd_create` + `fallocate` + " \
		"`close`; `mmap` + `MADV_HUGEPAGE` + a write fault + `munmap`; " \
		"`DMA_HEAP_IOCTL_ALLOC` + `close`." >> md
	print "- *allocate 1 GiB*: ALLOC of a 1 GiB handle from the pool, or " \
		"beyond it while the pool page is held (the module scans for " \
		"a free range, takes it with `alloc_contig_range` and zeroes " \
		"it); the peer: `fallocate` of a `MFD_HUGE_1GB` memfd." >> md
	print "- *map + touch*: `mmap` of memory allocated beforehand, then a " \
		"write to every 4 KiB, timed to the last write; faults from " \
		"QUERY `out_faults_*` (aclmem) and `getrusage` minflt. " \
		"Against hugetlb 1 GiB both do the same work (one PUD fault, " \
		"then the same stores), so \"no slower\" is parity within " \
		"5%" paired_note "." >> md
	print "- *torch_npu*: one `aclrtReserveMemAddress`, then 64 × " \
		"(`aclrtMallocPhysical` + `aclrtMapMem`), touched, then 64 × " \
		"(`aclrtUnmapMem` + `aclrtFreePhysical`); the peers use one " \
		"memfd per 2 MiB, `MAP_FIXED | MAP_POPULATE`, and a " \
		"`PROT_NONE` placeholder on unmap." >> md
	print "- *share*: from the exporter before EXPORT to the importer " \
		"after its first read of the mapping, over a unix socket; the " \
		"memory exists beforehand" share_parts() "." >> md
	print "- *sustained*: ALLOC + FREE of 2 MiB in a loop for 2 s, past " \
		"the warm pool, so pages are handed out as fast as they are " \
		"zeroed (by the pool worker, and by ALLOC when nothing zeroed " \
		"is left); median of 3 stretches, taking turns with 1 GiB " \
		"`memset` passes." >> md
	print "- *kernel memory*: `/proc/slabinfo` active objects × size of " \
		"the kmalloc and xarray caches while 1000 handles are held, " \
		"and what FREE gives back (the larger counts), per-CPU partial " \
		"lists off and caches shrunk before each snapshot; median of " \
		"5 rounds." >> md
}' "$OUT/$KVER.log"

if [ ! -s "$PLOT" ]; then
	echo "no ratios to chart: no $OUT/$KVER.png" >&2
elif command -v gnuplot > /dev/null; then
	gnuplot <<EOF
set terminal pngcairo size 1500,800 font ",10"
set output "$OUT/$KVER.png"
set datafile separator "\t"
set title "aclmem against its peers, Linux $KVER, one QEMU (TCG) boot: how many times faster aclmem is"
set logscale y
set yrange [0.1:*]
set ylabel "ratio (peer time / aclmem time; throughput: aclmem / peer), log scale"
set style fill solid 0.85 border -1
set grid ytics
set key top right
set xtics rotate by -35 font ",9" nomirror
set bmargin 9
set rmargin 6
set offsets 0.6, 0.6, 0, 0
set linetype 1 lc rgb "#2ca02c"
set linetype 2 lc rgb "#d62728"
set linetype 3 lc rgb "#4c72b0"
plot "$PLOT" using 0:2:(0.7):4:xtic(stringcolumn(1)) with boxes lc variable notitle, \
     "" using 0:(stringcolumn(3) eq "-" ? 1/0 : \$3) with points pt 9 ps 2 lc rgb "black" title "target", \
     "" using 0:2:(sprintf("%.3g", \$2)) with labels offset 0,0.8 font ",8" notitle, \
     1 with lines dt 2 lc rgb "gray40" title "parity (1×)"
EOF
else
	echo "gnuplot not installed: no $OUT/$KVER.png (apt-get install gnuplot-nox)" >&2
fi
echo "  REPORT  ${OUT#"$TOP"/}/$KVER.{md,csv,png,log}"
