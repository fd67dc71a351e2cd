/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: free memory as /proc tells it, for the tests that check
 * memory goes back to the kernel (a killed growth, an unload).
 */
#ifndef __SELFTESTS_MEMINFO_H
#define __SELFTESTS_MEMINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MemFree of /proc/meminfo in KiB, or -1. */
static inline long long mem_free_kb(void)
{
	long long v = -1;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "MemFree:", 8))
			v = strtoll(line + 8, NULL, 10);
	fclose(f);
	return v;
}

/*
 * Free memory in KiB, or -1: MemFree with the per-cpu counter deltas
 * folded in first (vm/stat_refresh, root only: skipped without it), plus
 * the pages on the per-cpu free lists, which MemFree does not count
 * (each "count:" of /proc/zoneinfo, in 4 KiB pages).
 */
static inline long long mem_free_all_kb(void)
{
	long long v, pcp = 0;
	char line[128];
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");

	if (f) {
		fputs("1", f);
		fclose(f);
	}
	v = mem_free_kb();
	f = fopen("/proc/zoneinfo", "r");
	if (!f || v < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c = strstr(line, "count:");

		if (c)
			pcp += strtoll(c + 6, NULL, 10);
	}
	fclose(f);
	return v + pcp * 4;
}

#endif /* __SELFTESTS_MEMINFO_H */
