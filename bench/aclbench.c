// SPDX-License-Identifier: MIT
/*
 * aclbench: the same operations through aclmem and through its peers
 * (hugetlb and shmem memfds, anonymous THP, the dma-buf system heap), in
 * one process, one boot. scripts/bench.sh runs "aclbench all" in a QEMU
 * guest and turns the output into bench/results/KVER.{csv,md,png}.
 *
 * Usage: aclbench [--scale=X] [all | SUBCOMMAND...]
 *   memset     memset bandwidth of a 1 GiB buffer, one thread and all CPUs
 *   alloc2m    allocate + free 2 MiB from a warm pool: aclmem, memfd
 *              hugetlb, memfd shmem, anonymous THP, dma-buf system heap,
 *              anonymous MAP_HUGETLB
 *   alloc1g    allocate 1 GiB: aclmem from the pool, aclmem growing on
 *              demand, memfd hugetlb 1 GiB, hugetlb grown at run time
 *   touch1g    map + write every 4 KiB of 1 GiB: aclmem (faulted, and
 *              populated), memfd hugetlb 1 GiB, memfd shmem; fault counts
 *   torch      64 handles of 2 MiB mapped into one reservation and
 *              unmapped, through libascendcl; the same with memfds
 *   share      export -> import -> map in a second process: aclmem token,
 *              aclmem dma-buf fd, memfd (hugetlb and shmem) over a socket
 *   sustained  allocate + free 2 MiB in a loop for seconds: GB/s handed out
 *   meta       kernel memory per aclmem handle (/proc/slabinfo deltas)
 *   churn      allocate + write all 2 MiB + free back to back, zeroing
 *              paid inside; both CPUs, CPU 1 offline, CPU 1 busy; against
 *              hugetlb memfd, MAP_HUGETLB, a caching allocator and one
 *              with a zeroing thread
 *   burst      64 allocations more than the pool keeps, back to back; an
 *              allocation right after a free with the rest of the pool held
 *
 * Every result is one line on stdout,
 *   RESULT name=NAME impl=IMPL key=value ...
 * with latencies in ns (p50_ns, p99_ns, mean_ns, min_ns, max_ns, n),
 * paired ratios against a peer as pr_PEER=P50:P10:P90:PAIRS (timing.c),
 * bandwidths in gbps (10^9 bytes per second), fault counts in faults, and
 * status=ok, status=na (with reason=) or status=fail (with reason=, its
 * words joined by "~").
 * Each subcommand is one file (alloc2m.c, share.c, ...); timing.c holds
 * the clock, the samples and the RESULT lines, mem.c the aclmem ioctls,
 * memfds and contenders they share (aclbench.h).
 * Comment lines start with "#". --scale multiplies the iteration counts
 * and durations (0.1 for a quick look). Needs root, /dev/aclmem, hugetlb
 * pages (1 GiB: 1, 2 MiB: 256) and, for "torch", libascendcl.so.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aclbench.h"

double scale = 1.0;
int acl_fd = -1;

static const struct {
	const char *name;
	void (*fn)(void);
} benches[] = {
	{ "memset", bench_memset },
	{ "alloc2m", bench_alloc2m },
	{ "alloc1g", bench_alloc1g },
	{ "touch1g", bench_touch1g },
	{ "torch", bench_torch },
	{ "share", bench_share },
	{ "sustained", bench_sustained },
	{ "meta", bench_meta },
	{ "churn", bench_churn },
	{ "burst", bench_burst },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void run(const char *name)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < NBENCH; i++) {
		if (!strcmp(name, "all") || !strcmp(name, benches[i].name)) {
			/* Nothing left over from the last one may run. */
			if (acl_open() >= 0) {
				pool_wait_warm(acl_fd, ACLMEM_POOL_2M);
				pool_wait_warm(acl_fd, ACLMEM_POOL_1G);
			}
			t0 = now_ns();
			note("bench %s", benches[i].name);
			benches[i].fn();
			note("bench %s took %.1f s", benches[i].name,
			     (now_ns() - t0) / 1e9);
		}
	}
}

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: aclbench [--scale=X] [all");
	for (i = 0; i < NBENCH; i++)
		fprintf(stderr, " | %s", benches[i].name);
	fprintf(stderr, "]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i, ran = 0;
	size_t k;
	bool known;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--scale=", 8)) {
			scale = atof(argv[i] + 8);
			if (scale <= 0)
				usage();
			continue;
		}
		known = !strcmp(argv[i], "all");
		for (k = 0; k < NBENCH; k++)
			known |= !strcmp(argv[i], benches[k].name);
		if (!known)
			usage();
	}
	printf("# aclbench scale=%g cpus=%ld\n", scale,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2))
			continue;
		run(argv[i]);
		ran = 1;
	}
	if (!ran)
		run("all");
	printf("# aclbench done\n");
	return 0;
}
