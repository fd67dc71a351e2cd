#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Turn the output of "aclbench all" (RESULT and INFO lines, as
# scripts/bench.sh collects them from the guest) into:
#   OUTDIR/KVER.md   the table: each aclmem measurement against the peer of
#                    the same boot, as a ratio (paired per round, with its
#                    p10-p90 spread, where the line carries pr_PEER), the
#                    sample counts, the targets met or MISSED
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
	printf "| **%s** | | | | | | | | | |\n", title >> md
}
function nval(name, impl) {
	return has(name, impl, "n") ? val(name, impl, "n") : ""
}
# One comparison: aclmem (name1/impl1/key) against a peer (name2/impl2/key2).
# kind "time": ratio = peer / aclmem; "rate": aclmem / peer. When the
# aclmem line carries pr_PEER (the same family, the p50 or gbps key), the
# ratio is the median of the paired per-round ratios, with their 10th-90th
# percentiles; otherwise the ratio of the two values, marked unpaired.
# tkind ">=": the ratio must reach tval; "" no target.
# tlabel: the target as the table shows it, when not "≥ tval×".
function cmp(label, n1, i1, k1, peer_label, n2, i2, k2, unit, kind, tkind,
	     tval, chart, tlabel,    a, b, r, status, tgt, ok1, ok2, pr, p,
	     spread, lo, hi, pairs) {
	ok1 = has(n1, i1, k1)
	ok2 = has(n2, i2, k2)
	tgt = tkind == "" ? "" : (kind == "rate" && tval < 1 ? \
		sprintf("≥ %d%%", tval * 100) : sprintf("≥ %g×", tval))
	if (tlabel != "")
		tgt = tlabel
	if (!ok1 || !ok2) {
		status = tkind == "" ? "" : "MISSED: not measured"
		printf "| %s | %s | %s | %s | %s | %s | %s | | %s | %s |\n", \
			label, \
			ok1 ? fmt_val(val(n1, i1, k1) + 0, unit) : why_na(n1, i1), \
			nval(n1, i1), peer_label, \
			ok2 ? fmt_val(val(n2, i2, k2) + 0, unit) : why_na(n2, i2), \
			nval(n2, i2), "n/a", tgt, status >> md
		printf "%s,%s,%s,%s,%s,%s,%s,%s,,,,,,%s,%s\n", csvq(label), i1, \
			ok1 ? val(n1, i1, k1) : "", nval(n1, i1), i2, \
			ok2 ? val(n2, i2, k2) : "", nval(n2, i2), unit, \
			csvq(tgt), tkind == "" ? "" : "na" >> csv
		return
	}
	a = val(n1, i1, k1) + 0
	b = val(n2, i2, k2) + 0
	if (kind == "time")
		r = a > 0 ? b / a : 0
	else
		r = b > 0 ? a / b : 0
	pr = val(n1, i1, "pr_" i2)
	lo = ""; hi = ""; pairs = ""
	if (n1 == n2 && k1 == k2 && (k1 == "p50_ns" || k1 == "gbps") && \
	    pr != "") {
		split(pr, p, ":")
		r = p[1] + 0; lo = p[2] + 0; hi = p[3] + 0; pairs = p[4]
		spread = sprintf("%s–%s (%d pairs)", fmt_ratio(lo), \
			fmt_ratio(hi), pairs)
	} else {
		spread = "unpaired"
	}
	status = ""
	if (tkind == ">=")
		status = r >= tval ? "met" : "**MISSED** (" fmt_ratio(r) \
			" < " fmt_ratio(tval) ")"
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, \
		fmt_val(a, unit), nval(n1, i1), peer_label, fmt_val(b, unit), \
		nval(n2, i2), fmt_ratio(r), spread, tgt, status >> md
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%.4f,%s,%s,%s,%s,%s,%s\n", \
		csvq(label), i1, a, nval(n1, i1), i2, b, nval(n2, i2), unit, r, \
		lo == "" ? "" : sprintf("%.4f", lo), \
		hi == "" ? "" : sprintf("%.4f", hi), pairs, \
		pairs == "" ? "no" : "yes", csvq(tgt), status == "" ? "" : \
		(status == "met" ? "met" : "MISSED") >> csv
	if (chart != "")
		printf "%s\t%.6g\t%s\t%d\t%s\t%s\n", chart, r, \
			tkind == ">=" ? tval : "-", \
			status == "" ? 3 : (status == "met" ? 1 : 2), \
			lo == "" ? "-" : lo, hi == "" ? "-" : hi >> plot
}
# The ratio of two values of one aclmem line against a bound (ka / kb <= tval).
# tval 0: no target, the value alone. nk: the key of its sample count
# (default n).
function spread_target(label, n, i, ka, kb, tval, note, nk,    a, b, v, ok, st, t, cnt) {
	t = tval ? sprintf("≤ %g×", tval) : ""
	if (!has(n, i, ka) || !has(n, i, kb)) {
		printf "| %s | %s | | %s | | | | | %s | %s |\n", label, \
			why_na(n, i), note, t, tval ? "MISSED: not measured" : "" >> md
		return
	}
	a = val(n, i, ka) + 0
	b = val(n, i, kb) + 0
	v = b > 0 ? a / b : 0
	ok = v <= tval
	st = !tval ? "" : ok ? "met" : "**MISSED** (" fmt_ratio(v) ")"
	cnt = nk == "" ? nval(n, i) : val(n, i, nk)
	printf "| %s | %s | %s | %s | | | %s | | %s | %s |\n", label, \
		fmt_ratio(v), cnt, note, fmt_ratio(v), t, st >> md
	printf "%s,%s,%.4f,%s,,,,ratio,%.4f,,,,,%s,%s\n", csvq(label), i, v, \
		cnt, v, tval ? csvq("<= " tval) : "", \
		!tval ? "" : ok ? "met" : "MISSED" >> csv
}
# A value of aclmem alone against an absolute target ("<=" or "==").
function abs_target(label, n, i, k, unit, tkind, tval, note,    v, ok, st) {
	if (!has(n, i, k)) {
		printf "| %s | %s | | %s | | | | | %s %s | MISSED: not measured |\n", \
			label, why_na(n, i), note, tkind == "<=" ? "≤" : "=", \
			fmt_val(tval, unit) >> md
		printf "%s,%s,,,,,,%s,,,,,,%s,na\n", csvq(label), i, unit, \
			csvq(tkind " " tval) >> csv
		return
	}
	v = val(n, i, k) + 0
	ok = tkind == "<=" ? v <= tval : v == tval
	st = ok ? "met" : "**MISSED** (" fmt_val(v, unit) ")"
	printf "| %s | %s | %s | %s | | | | | %s %s | %s |\n", label, \
		fmt_val(v, unit), nval(n, i), note, tkind == "<=" ? "≤" : "=", \
		fmt_val(tval, unit), st >> md
	printf "%s,%s,%s,%s,,,,%s,,,,,,%s,%s\n", csvq(label), i, v, \
		nval(n, i), unit, csvq(tkind " " tval), ok ? "met" : "MISSED" >> csv
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
	meminit = INFO["meminit"] == "" ? "not reported" : INFO["meminit"]
	cfg = INFO["config_init_on_alloc"] == "" ? "?" : \
		INFO["config_init_on_alloc"]
	cl = INFO["cmdline"]
	ioa = match(cl, /init_on_alloc=[^,]*/) ? substr(cl, RSTART, RLENGTH) : \
		"no init_on_alloc= on the command line"
	printf "One QEMU boot (TCG, %s CPUs, %.1f GiB, clocksource %s, THP %s), " \
		"`aclmem.ko %s`, hugetlb pages reserved at boot; %s. " \
		"Page zeroing by the kernel: `%s` (its boot report; " \
		"CONFIG_INIT_ON_ALLOC_DEFAULT_ON=%s, %s). " \
		"**ratio**: how many times faster aclmem is than the peer " \
		"measured in the same boot (peer time ÷ aclmem time; for " \
		"throughput aclmem ÷ peer): where the contenders took turns " \
		"round by round, the median of the per-round ratios, with " \
		"their 10th–90th percentiles and the number of pairs; " \
		"\"unpaired\" marks a ratio of two medians. **n**: samples " \
		"behind each value. Absolute times under TCG mean little: " \
		"the ratios are the result. Raw lines in `%s.log`.\n\n", \
		INFO["cpus"], mem, INFO["clocksource"], INFO["thp"], \
		params, date, meminit, cfg, ioa, kver >> md
	print "| measurement | aclmem | n | peer | peer value | n | ratio | spread (p10–p90) | target | |" >> md
	print "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | --- |" >> md
	print "measurement,aclmem_impl,aclmem_value,aclmem_n,peer_impl," \
		"peer_value,peer_n,unit,ratio,ratio_p10,ratio_p90,pairs,paired," \
		"target,status" >> csv

	section("allocate + free 2 MiB, warm pool: the page was zeroed beforehand, the freed page is zeroed later by the pool worker (not timed), nothing writes the page")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "memfd hugetlb 2 MiB + fallocate", "alloc_free_2m",
	    "memfd_hugetlb", "p50_ns", "ns", "time", ">=", 20,
	    "warm alloc+free 2M\\nvs hugetlb memfd")
	cmp("alloc + free 2 MiB, p99", "alloc_free_2m", "aclmem", "p99_ns",
	    "memfd hugetlb 2 MiB + fallocate", "alloc_free_2m",
	    "memfd_hugetlb", "p99_ns", "ns", "time", "", 0, "")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "anonymous MAP_HUGETLB (reserved pool), first write, munmap",
	    "alloc_free_2m", "anon_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "warm alloc+free 2M\\nvs MAP_HUGETLB")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "memfd shmem (4 KiB pages) + fallocate", "alloc_free_2m",
	    "memfd_shmem", "p50_ns", "ns", "time", "", 0, "")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "anonymous THP (mmap, fault, munmap)", "alloc_free_2m", "thp",
	    "p50_ns", "ns", "time", "", 0, "")
	cmp("alloc + free 2 MiB, p50", "alloc_free_2m", "aclmem", "p50_ns",
	    "dma-buf system heap", "alloc_free_2m", "dmabuf_heap", "p50_ns",
	    "ns", "time", "", 0, "")
	spread_target("warm alloc + free 2 MiB: p99 ÷ p50", "alloc_free_2m",
	    "aclmem", "p99_ns", "p50_ns", 4, "the tail of the warm path")
	spread_target("noise floor: p99 ÷ p50 of a CPU loop as long as one " \
	    "warm alloc + free, run after each", "alloc_free_2m", "aclmem", \
	    "floor_p99_ns", "floor_p50_ns", 0, \
	    "what the host and TCG add to any sample that long", "floor_n")

	for (m = 1; m <= 3; m++) {
		mode = m == 1 ? "2cpu" : (m == 2 ? "1cpu" : "busy")
		mtext = m == 1 ? "both CPUs idle but this one" : \
			(m == 2 ? "CPU 1 offline: one CPU for the benchmark, " \
			 "the pool worker and the zeroing thread of the peer" : \
			 "CPU 1 busy with a spinning thread, the benchmark " \
			 "pinned to CPU 0")
		n = "churn_2m_" mode
		section("churn 2 MiB, " mode ": allocate + write all 2 MiB + " \
			"free, back to back, each batch timed until its " \
			"background zeroing is done (zeroing inside); " mtext)
		cmp("churn, per operation", n, "aclmem", "p50_ns",
		    "memfd hugetlb (create, fallocate, mmap, write, munmap, close)",
		    n, "memfd_hugetlb", "p50_ns", "ns", "time", \
		    m == 2 ? ">=" : "", 1, \
		    m == 1 ? "" : "churn " mode "\\nvs hugetlb memfd", \
		    m == 2 ? "≥ 1× (as fast)" : "")
		cmp("churn, per operation", n, "aclmem", "p50_ns",
		    "anonymous MAP_HUGETLB (mmap, write, munmap)", n,
		    "anon_hugetlb", "p50_ns", "ns", "time", "", 0,
		    m == 1 ? "churn 2cpu\\nvs MAP_HUGETLB" : "")
		cmp("churn, per operation", n, "aclmem", "p50_ns",
		    "caching allocator over faulted hugetlb, **no zeroing** (hands on the data of the last user)",
		    n, "cache_hugetlb", "p50_ns", "ns", "time", "", 0, "")
		cmp("churn, per operation", n, "aclmem", "p50_ns",
		    "the same with a background zeroing thread (like for like)",
		    n, "prezero_hugetlb", "p50_ns", "ns", "time", "", 0,
		    "churn " mode "\\nvs hugetlb+zeroing thread")
	}

	section("burst and reuse: what a warm pool does not hide")
	cmp(sprintf("burst: %s × (alloc + map + first write 2 MiB), pool keeps %s, total", \
		val("burst_2m", "aclmem", "pages"), \
		val("burst_2m", "aclmem", "pool_target")), "burst_2m", "aclmem",
	    "p50_ns", "as many anonymous MAP_HUGETLB + first write",
	    "burst_2m", "anon_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "burst beyond the pool\\nvs MAP_HUGETLB")
	cmp("alloc + map + first write right after a free, the rest of the pool held, p50",
	    "after_free_2m", "aclmem", "p50_ns",
	    "anonymous MAP_HUGETLB right after munmap", "after_free_2m",
	    "anon_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "alloc after free\\nvs MAP_HUGETLB")
	cmp("alloc + map + first write right after a free, the rest of the pool held, p50",
	    "after_free_2m", "aclmem", "p50_ns",
	    "hugetlb + zeroing thread, right after a put, the rest held",
	    "after_free_2m", "prezero_hugetlb", "p50_ns", "ns", "time", "",
	    0, "")

	section("allocate 1 GiB")
	cmp("allocate 1 GiB from the pool (zeroed beforehand, not timed), p50",
	    "alloc_1g", "aclmem_pool", "p50_ns",
	    "memfd hugetlb 1 GiB + fallocate (zeroes it)", "alloc_1g",
	    "hugetlb_1g", "p50_ns", "ns", "time", "", 0, "")
	cmp("allocate 1 GiB, growing on demand (zeroing inside), p50",
	    "alloc_1g", "aclmem_grow", "p50_ns",
	    "memfd hugetlb 1 GiB + fallocate, reserved page", "alloc_1g",
	    "hugetlb_1g", "p50_ns", "ns", "time", "", 0, "")
	cmp("allocate 1 GiB, growing on demand (zeroing inside), p50",
	    "alloc_1g", "aclmem_grow", "p50_ns",
	    "hugetlb grown at run time: nr_hugepages + 1, then memfd + fallocate",
	    "alloc_1g", "hugetlb_1g_grow", "p50_ns", "ns", "time", "", 0,
	    "alloc 1G on demand\\nvs hugetlb grown +1")

	section("map + write every 4 KiB of 1 GiB (memory allocated beforehand)")
	cmp("map + touch 1 GiB, p50", "map_touch_1g", "aclmem", "p50_ns",
	    "memfd hugetlb 1 GiB", "map_touch_1g", "hugetlb_1g", "p50_ns",
	    "ns", "time", ">=", 0.95, "map+touch 1G\\nvs hugetlb 1G",
	    "no slower: ≥ 1× ± 5%")
	cmp("map + touch 1 GiB, p50", "map_touch_1g", "aclmem", "p50_ns",
	    "memfd shmem (4 KiB pages)", "map_touch_1g", "shmem_4k", "p50_ns",
	    "ns", "time", ">=", 50, "", "")
	cmp("map + POPULATE + touch 1 GiB, p50", "map_touch_1g",
	    "aclmem_populate", "p50_ns", "memfd hugetlb 1 GiB",
	    "map_touch_1g", "hugetlb_1g", "p50_ns", "ns", "time", "", 0, "")
	cmp("faults, map + touch 1 GiB", "map_touch_1g", "aclmem", "faults",
	    "memfd hugetlb 1 GiB", "map_touch_1g", "hugetlb_1g", "faults",
	    "faults", "time", "", 0, "")
	abs_target("faults touching 1 GiB after mmap + POPULATE",
	    "map_touch_1g", "aclmem_populate", "touch_faults", "faults", "==",
	    0, "QUERY out_faults_* + getrusage minflt")
	abs_target("faults touching 64 × 2 MiB after aclrtMapMem",
	    "torch64_map", "aclmem", "touch_faults", "faults", "==", 0,
	    "minflt")

	section("64 handles of 2 MiB mapped into one reservation (torch_npu), from a warm pool (zeroed beforehand)")
	cmp("malloc + map 64 × 2 MiB, p50", "torch64_map", "aclmem", "p50_ns",
	    "64 memfd hugetlb 2 MiB, mmap populated", "torch64_map",
	    "memfd_hugetlb", "p50_ns", "ns", "time", "", 0,
	    "torch 64x2M map\\nvs hugetlb")
	cmp("malloc + map 64 × 2 MiB, p50", "torch64_map", "aclmem", "p50_ns",
	    "64 memfd shmem 2 MiB, mmap populated", "torch64_map",
	    "memfd_shmem", "p50_ns", "ns", "time", "", 0, "")
	cmp("unmap + free 64 × 2 MiB, p50", "torch64_unmap", "aclmem",
	    "p50_ns", "64 memfd hugetlb 2 MiB", "torch64_unmap",
	    "memfd_hugetlb", "p50_ns", "ns", "time", "", 0, "")
	cmp("unmap + free 64 × 2 MiB, p50", "torch64_unmap", "aclmem",
	    "p50_ns", "64 memfd shmem 2 MiB", "torch64_unmap", "memfd_shmem",
	    "p50_ns", "ns", "time", "", 0, "")

	section("share 2 MiB with a second process: export, whitelist, import, map, first read (memory allocated beforehand)")
	cmp("token (EXPORT, SET_PIDS, IMPORT, mmap, first read), p50", "share",
	    "aclmem_token", "p50_ns", "memfd hugetlb 2 MiB: SCM_RIGHTS, mmap, first read",
	    "share", "memfd_hugetlb", "p50_ns", "ns", "time", ">=", 1.5,
	    "share token\\nvs memfd hugetlb")
	cmp("dma-buf fd (EXPORT_FD, SCM_RIGHTS, IMPORT_FD, mmap, first read), p50",
	    "share", "aclmem_fd", "p50_ns",
	    "memfd hugetlb 2 MiB: SCM_RIGHTS, mmap, first read", "share",
	    "memfd_hugetlb", "p50_ns", "ns", "time", ">=", 1.5,
	    "share dma-buf\\nvs memfd hugetlb")
	cmp("token, p50", "share", "aclmem_token", "p50_ns",
	    "memfd shmem 2 MiB over SCM_RIGHTS", "share", "memfd_shmem",
	    "p50_ns", "ns", "time", "", 0, "")
	cmp("dma-buf fd, p50", "share", "aclmem_fd", "p50_ns",
	    "memfd shmem 2 MiB over SCM_RIGHTS", "share", "memfd_shmem",
	    "p50_ns", "ns", "time", "", 0, "")

	section("sustained allocate + free 2 MiB for 2 s, both CPUs (the pool worker zeroes on the idle one; the page is not written; see churn for one CPU and a busy CPU)")
	cmp("sustained alloc + free 2 MiB", "sustained_2m", "aclmem", "gbps",
	    "memset of 1 GiB, one thread (interleaved)", "sustained_2m",
	    "memset", "gbps", "GB/s", "rate", ">=", 0.8,
	    "sustained alloc+free\\nvs memset")
	cmp("sustained alloc + free 2 MiB", "sustained_2m", "aclmem", "gbps",
	    "memfd hugetlb 2 MiB + fallocate, same loop", "sustained_2m",
	    "memfd_hugetlb", "gbps", "GB/s", "rate", "", 0, "")

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
			"%d B | | handle %d B, buf %d B, pfn array 8 B, as kmalloc " \
			"sizes, + 1/64 of an xarray node | | | | | ≤ 256 B | %s |\n", \
			est, INFO["layout_aclmem_handle"], \
			INFO["layout_aclmem_buf"], est <= 256 ? "met" : \
			"**MISSED** (" est " B)" >> md
		printf "%s,aclmem,%d,,,,,bytes,,,,,,%s,%s\n", \
			csvq("slab bytes per 2 MiB handle, from the struct sizes"), \
			est, csvq("<= 256"), est <= 256 ? "met" : "MISSED" >> csv
	}

	print "" >> md
	print "How each row is measured (`bench/*.c`, one file per family): the " \
		"contenders of a comparison take turns, round after round, in " \
		"one process and one boot. **What each row leaves out** is in " \
		"the title of its section and below." >> md
	print "" >> md
	print "- *warm alloc + free 2 MiB* (`alloc2m.c`): ALLOC + FREE ioctls " \
		"from a warm pool in batches of 64, the pools left to finish " \
		"zeroing before each batch: ALLOC hands out a page zeroed " \
		"earlier and FREE leaves the zeroing to the pool worker, so " \
		"neither is in the time, and nothing maps or writes the page. " \
		"The peers zero inside their time: `memfd_create` + " \
		"`fallocate` + `close`; anonymous `MAP_HUGETLB` + a write fault " \
		"+ `munmap`; THP; `DMA_HEAP_IOCTL_ALLOC` + `close`. The noise " \
		"floor: after each aclmem sample, a loop that calls nothing " \
		"and touches no memory, as long as the median alloc + free " \
		"(calibrated at the start), timed alike while the pool worker " \
		"zeroes the freed pages on the other CPU; its p99 ÷ p50 is what " \
		"the host and TCG take from any sample of that length, so a warm " \
		"path tail near the floor comes from the host, not from aclmem." >> md
	print "- *churn* (`churn.c`): allocate, `mmap`, `memset` all 2 MiB, " \
		"unmap, free; 8 in a row per batch with no pause, and the " \
		"clock of the batch runs until its own background zeroing is done " \
		"(aclmem: the dirty count of the pool back to 0; the zeroing-thread " \
		"peer: its dirty list empty), so the zeroing is paid inside. " \
		"Per-operation time = batch time / 8. The caching-allocator " \
		"peer (what torch does: keep faulted hugetlb mappings and hand " \
		"them out again) zeroes nothing, so the next user reads the " \
		"data of the last one; the zeroing-thread peer is the same with a " \
		"thread that zeroes freed blocks (and a get() that zeroes one " \
		"itself when none is clean), like for like with the pool of aclmem. " \
		"`1cpu`: CPU 1 offline (`/sys/devices/system/cpu/cpu1/online`); " \
		"`busy`: a spinning thread pinned to CPU 1, the benchmark to " \
		"CPU 0." >> md
	print "- *burst* (`burst.c`): 64 more ALLOC + `mmap` + first write " \
		"than the pool keeps, back to back from a warm pool (the rest " \
		"come from the kernel, zeroed then), the total time of the burst; " \
		"the peer as many `MAP_HUGETLB` + first write from the reserved " \
		"pool. *After a free*: with every other page of the pool held, " \
		"write a page, free it and at once allocate + map + first " \
		"write: the only free page is the dirty one just freed." >> md
	print "- *allocate 1 GiB* (`alloc1g.c`): ALLOC of a 1 GiB handle from " \
		"the pool (zeroed beforehand: not in the time), or beyond it " \
		"while the pool page is held (the module takes a free range " \
		"with `alloc_contig_range` and zeroes it, inside the time); the " \
		"peers: `fallocate` of a `MFD_HUGE_1GB` memfd from the reserved " \
		"page, and the same after raising `nr_hugepages` by one (the " \
		"kernel finds the GiB at run time), lowered again afterwards" \
		(INFO["peer_soft_lockups"] + 0 > 0 ? sprintf("; while it " \
		"grew, the soft-lockup watchdog of the guest fired %d times " \
		"(the kernel clears the new GiB without rescheduling; the " \
		"bench does not fail on it)", INFO["peer_soft_lockups"]) : "") \
		"." >> md
	print "- *map + touch* (`touch1g.c`): `mmap` of memory allocated " \
		"beforehand, then a write to every 4 KiB, timed to the last " \
		"write; faults from QUERY `out_faults_*` (aclmem) and " \
		"`getrusage` minflt. Against hugetlb 1 GiB both do the same " \
		"work (one PUD fault, then the same stores), so \"no slower\" " \
		"is parity within 5%." >> md
	print "- *torch_npu* (`torch.c`): one `aclrtReserveMemAddress`, then " \
		"64 × (`aclrtMallocPhysical` + `aclrtMapMem`) from a warm pool, " \
		"touched, then 64 × (`aclrtUnmapMem` + `aclrtFreePhysical`); " \
		"the peers use one memfd per 2 MiB, `MAP_FIXED | " \
		"MAP_POPULATE`, and a `PROT_NONE` placeholder on unmap." >> md
	print "- *share* (`share.c`): from the exporter before EXPORT to the " \
		"importer after its first read of the mapping, over a unix " \
		"socket; the memory is allocated beforehand (not timed); " \
		"batches of 20, paired round by round" share_parts() "." >> md
	print "- *sustained* (`sustained.c`): ALLOC + FREE of 2 MiB in a loop " \
		"for 2 s after 0.5 s not counted, both CPUs online, the page " \
		"never written: pages go out as fast as the worker zeroes them " \
		"on the other CPU (and ALLOC when nothing zeroed is left); " \
		"median of the stretches (n), taking turns with 1 GiB " \
		"`memset` passes. The churn rows are the one-CPU and " \
		"busy-CPU runs." >> md
	print "- *kernel memory* (`meta.c`): `/proc/slabinfo` active objects × " \
		"size of the kmalloc and xarray caches while the handles are " \
		"held (their number in the row), and what FREE gives back " \
		"(the larger counts), per-CPU partial lists off and caches " \
		"shrunk before each snapshot; median of 5 rounds." >> md
}' "$OUT/$KVER.log"

if [ ! -s "$PLOT" ]; then
	echo "no ratios to chart: no $OUT/$KVER.png" >&2
elif command -v gnuplot > /dev/null; then
	gnuplot <<EOF
set terminal pngcairo size 1700,850 font ",10"
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
     "" using 0:2:(stringcolumn(5) eq "-" ? \$2 : \$5):(stringcolumn(6) eq "-" ? \$2 : \$6) with yerrorbars pt 0 lc rgb "black" title "paired p10-p90", \
     "" using 0:(stringcolumn(3) eq "-" ? 1/0 : \$3) with points pt 9 ps 2 lc rgb "black" title "target", \
     "" using 0:2:(sprintf("%.3g", \$2)) with labels offset 0,0.8 font ",8" notitle, \
     1 with lines dt 2 lc rgb "gray40" title "parity (1×)"
EOF
else
	echo "gnuplot not installed: no $OUT/$KVER.png (apt-get install gnuplot-nox)" >&2
fi
echo "  REPORT  ${OUT#"$TOP"/}/$KVER.{md,csv,png,log}"
