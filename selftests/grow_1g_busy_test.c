// SPDX-License-Identifier: GPL-2.0
/*
 * Description: on-demand growth of the 1 GiB pool while every CPU is
 * busy: one CPU hog per online CPU at our own nice and one more doing
 * memory traffic. The ALLOC that needs the growth succeeds with zeroed
 * memory, every hog got the CPU while it ran (each one's count moved),
 * and the kernel log shows no soft lockup, RCU stall or hung task. No time
 * limit is asserted: a slow host only makes it slower. The runner loads
 * aclmem with pool_1g=1 movable_1g=1, so the growth is beyond the page
 * taken at load, from ZONE_MOVABLE. A binary of its own: place_1g_test
 * already fills most of a binary's time budget under TCG.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "aclmem_utils.h"
#include "aclmem_kmsg.h"

#define MAX_HOGS	64
/* Bytes the memory hog keeps rewriting. */
#define MEM_HOG_LEN	(64ULL << 20)

/*
 * A hog: counts its rounds in @counter (shared), each round a stretch of
 * busy looping or, with @mem, a pass over MEM_HOG_LEN bytes; forever.
 */
static void __attribute__((noreturn)) hog(volatile __u64 *counter, bool mem)
{
	volatile __u64 spin = 0;
	char *buf = NULL;
	__u64 i;

	if (mem) {
		buf = mmap(NULL, MEM_HOG_LEN, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			_exit(1);
	}
	for (;;) {
		if (mem)
			memset(buf, (int)*counter, MEM_HOG_LEN);
		else
			for (i = 0; i < 100000; i++)
				spin++;
		(*counter)++;
	}
}

FIXTURE(grow_1g_busy) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(grow_1g_busy)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(grow_1g_busy)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

TEST_F_TIMEOUT(grow_1g_busy, hogs_on_every_cpu, ACLMEM_1G_TIMEOUT)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct aclmem_pool_stats st0, st1;
	__u64 before[MAX_HOGS], size, off = 0;
	int i, n, kmsg, rc, status;
	volatile __u64 *counts;
	pid_t pids[MAX_HOGS];
	char first[256];
	char *p = NULL;
	__u32 h = 0;

	if (geteuid())
		SKIP(return, "needs root: unbounded 1 GiB growth, /dev/kmsg");
	ASSERT_LT(0, cpus);
	n = cpus + 1 < MAX_HOGS ? (int)cpus + 1 : MAX_HOGS;
	counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)counts);
	kmsg = aclmem_kmsg_open();
	ASSERT_LE(0, kmsg);

	for (i = 0; i < n; i++) {
		pids[i] = aclmem_fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			hog(&counts[i], i == n - 1);
	}
	/* every hog has started */
	for (i = 0; i < n; i++)
		while (!counts[i])
			sched_yield();

	/* one more GiB than the pool holds free: it must grow */
	aclmem_pool(self->fd, SZ_1G, &st0);
	size = (st0.free + 1) * SZ_1G;
	for (i = 0; i < n; i++)
		before[i] = counts[i];
	rc = _aclmem_alloc(self->fd, size, SZ_1G, ACLMEM_NODE_ANY, &h, &off);
	for (i = 0; i < n; i++) {
		EXPECT_LT(before[i], counts[i]) {
			TH_LOG("hog %d (%s) did not run during the growth", i,
			       i == n - 1 ? "memory" : "cpu");
		}
		EXPECT_EQ(0, waitpid(pids[i], &status, WNOHANG)) {
			TH_LOG("hog %d ended", i);
		}
	}
	for (i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		aclmem_reap(pids[i]);
	}
	ASSERT_EQ(0, rc) {
		TH_LOG("ALLOC growing the 1 GiB pool: %s", strerror(-rc));
	}

	aclmem_pool(self->fd, SZ_1G, &st1);
	EXPECT_EQ(st0.grown + 1, st1.grown);
	EXPECT_EQ(st0.in_use + st0.free + 1, st1.in_use);
	aclmem_mmap(self->fd, size, off, &p);
	aclmem_assert_zero(p, size, 12);
	aclmem_munmap(p, size);
	aclmem_free(self->fd, h);

	EXPECT_EQ(0, aclmem_kmsg_scan(kmsg, first, sizeof(first))) {
		TH_LOG("kernel log: %s", first);
	}
	close(kmsg);
	munmap((void *)counts, 4096);
}

TEST_HARNESS_MAIN
