// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the pools per node, told apart by their per-node counters
 * (generic netlink POOL_GET; INFO and sysfs only give sums). Needs a guest
 * with two NUMA nodes (scripts/qemu-test.sh QEMU_NODES=2; the one-node runs
 * leave it out). An ALLOC on node 1 takes node 1's free pages, then grows
 * node 1's pool, and QUERY says node 1; node 0's counters do not move, and
 * freeing gives node 1 its pages back. ACLMEM_NODE_ANY on a CPU of node 0
 * whose pool is empty (target 0) takes node 1's free pages rather than
 * growing node 0. With node 0's memory used up (ALLOCs on node 0 until
 * ENOMEM), an ALLOC on node 0 is ENOMEM and counted in node 0's failed,
 * while ACLMEM_NODE_ANY from node 0 still succeeds: node 1's free pages,
 * then new pages grown on node 1.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "aclmem_utils.h"
#include "common/node_pools.h"

/*
 * Handles the exhaustion of node 0 may take (64 MiB, then 2 MiB ones):
 * about 4 GiB, half a minute under TCG on a quiet host, hence the
 * timeouts of ACLMEM_1G_TIMEOUT.
 */
#define MAX_HOG		4096

FIXTURE(pools) {
	int fd;
	struct aclmem_info base;
	struct aclmem_pool_stats st[ACLMEM_TEST_MAX_NODES];
	__u64 target0;
	bool restore0;
};

/* Run this thread on the first CPU of node @nid. */
static int run_on_node(int nid)
{
	int cpu = aclmem_node_first_cpu(nid);
	cpu_set_t set;

	if (cpu < 0)
		return -ENOENT;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return sched_getcpu() == cpu ? 0 : -EAGAIN;
}

static int nodes_now(struct aclmem_pool_stats *st)
{
	return aclmem_node_pools(ACLMEM_PAGE_SIZE_2M, st, ACLMEM_TEST_MAX_NODES);
}

FIXTURE_SETUP(pools)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	ASSERT_LE(2, nodes_now(self->st)) {
		TH_LOG("one NUMA node: boot with QEMU_NODES=2");
	}
	ASSERT_EQ(ACLMEM_PAGE_SIZE_2M, self->st[1].page_size);
	self->target0 = self->st[0].target;
}

FIXTURE_TEARDOWN(pools)
{
	if (self->restore0) {
		EXPECT_EQ(0, aclmem_node_pool_set(ACLMEM_PAGE_SIZE_2M, 0,
						  self->target0));
		EXPECT_EQ(0, aclmem_node_pool_wait_free(ACLMEM_PAGE_SIZE_2M, 0,
							self->target0, 60));
	}
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* Node 0's pool is as it was: nothing taken from it, nothing grown. */
#define EXPECT_NODE_SAME(a, b) do {					\
	EXPECT_EQ((a).total, (b).total);				\
	EXPECT_EQ((a).in_use, (b).in_use);				\
	EXPECT_EQ((a).grown, (b).grown);				\
	EXPECT_EQ((a).failed, (b).failed);				\
} while (0)

TEST_F_TIMEOUT(pools, alloc_on_node_1, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats mid[ACLMEM_TEST_MAX_NODES];
	struct aclmem_pool_stats end[ACLMEM_TEST_MAX_NODES];
	const struct aclmem_pool_stats *b = self->st;
	__u64 n = b[1].free + 3, size = n * SZ_2M;
	struct aclmem_query q;
	__u32 h;

	ASSERT_EQ(0, _aclmem_alloc(self->fd, size, SZ_2M, 1, &h, NULL));
	ASSERT_EQ(0, _aclmem_query(self->fd, h, 0, &q));
	EXPECT_EQ(1U, q.out_node);
	ASSERT_LE(2, nodes_now(mid));
	TH_LOG("node 1: free %llu, in use %llu, grown %llu -> free %llu, in use %llu, grown %llu",
	       b[1].free, b[1].in_use, b[1].grown, mid[1].free, mid[1].in_use,
	       mid[1].grown);
	/* node 1's free pages went first, then 3 new ones from node 1 */
	EXPECT_EQ(b[1].in_use + n, mid[1].in_use);
	EXPECT_EQ(0U, mid[1].free);
	EXPECT_EQ(b[1].grown + 3, mid[1].grown);
	EXPECT_NODE_SAME(b[0], mid[0]);

	ASSERT_EQ(0, _aclmem_free(self->fd, h));
	ASSERT_LE(2, nodes_now(end));
	/* back to node 1's pool up to its target, the rest to the kernel */
	EXPECT_EQ(b[1].in_use, end[1].in_use);
	EXPECT_EQ(b[1].free, end[1].free);
	EXPECT_EQ(b[1].shrunk + 3, end[1].shrunk);
	EXPECT_NODE_SAME(b[0], end[0]);
}

TEST_F_TIMEOUT(pools, node_any_takes_other_pool_when_own_is_empty, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats e[ACLMEM_TEST_MAX_NODES];
	struct aclmem_pool_stats a[ACLMEM_TEST_MAX_NODES];
	__u64 n;
	__u32 h;

	ASSERT_EQ(0, run_on_node(0));
	self->restore0 = true;
	ASSERT_EQ(0, aclmem_node_pool_set(ACLMEM_PAGE_SIZE_2M, 0, 0));
	ASSERT_LE(2, nodes_now(e));
	ASSERT_EQ(0U, e[0].free);
	ASSERT_LT(2U, e[1].free);
	n = e[1].free - 2;

	ASSERT_EQ(0, _aclmem_alloc(self->fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
				   &h, NULL));
	ASSERT_LE(2, nodes_now(a));
	TH_LOG("%llu pages, node 0's pool empty: node 1 in use %llu -> %llu",
	       n, e[1].in_use, a[1].in_use);
	EXPECT_EQ(e[1].in_use + n, a[1].in_use);
	EXPECT_EQ(e[1].grown, a[1].grown);
	EXPECT_NODE_SAME(e[0], a[0]);
	ASSERT_EQ(0, _aclmem_free(self->fd, h));
}

TEST_F_TIMEOUT(pools, node_any_falls_back_when_node_0_is_full, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats full[ACLMEM_TEST_MAX_NODES];
	struct aclmem_pool_stats a[ACLMEM_TEST_MAX_NODES];
	static __u32 hog[MAX_HOG];
	__u64 chunk = 64ULL << 20, n, hogged = 0, grew0, grew1;
	unsigned int nr = 0, i;
	__u32 h;
	int rc;

	ASSERT_EQ(0, run_on_node(0));
	/* Node 0's memory, taken by handles on node 0 until ENOMEM */
	while (nr < MAX_HOG) {
		rc = _aclmem_alloc(self->fd, chunk, SZ_2M, 0, &hog[nr], NULL);
		if (rc == -ENOMEM && chunk > SZ_2M) {
			chunk = SZ_2M;
			continue;
		}
		if (rc)
			break;
		hogged += chunk;
		nr++;
	}
	ASSERT_EQ(-ENOMEM, rc);
	TH_LOG("node 0 full after %llu MiB in %u handles", hogged >> 20, nr);
	ASSERT_LE(2, nodes_now(full));
	EXPECT_EQ(0U, full[0].free);
	/* the refused 64 MiB and 2 MiB ALLOCs, both on node 0 */
	EXPECT_EQ(self->st[0].failed + 2, full[0].failed);
	EXPECT_EQ(self->st[1].failed, full[1].failed);

	/* NODE_ANY from node 0: node 1's free pages, then new ones there */
	n = full[1].free + 8;
	ASSERT_EQ(0, _aclmem_alloc(self->fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
				   &h, NULL));
	ASSERT_LE(2, nodes_now(a));
	grew0 = a[0].grown - full[0].grown;
	grew1 = a[1].grown - full[1].grown;
	TH_LOG("NODE_ANY %llu pages from node 0's CPU: node 0 grew %llu, node 1 grew %llu",
	       n, grew0, grew1);
	EXPECT_EQ(8U, grew0 + grew1);
	/* compaction may find node 0 a stray page meanwhile, no more */
	EXPECT_GE(2U, grew0);
	EXPECT_EQ(full[1].in_use + n - grew0, a[1].in_use);
	EXPECT_EQ(0U, a[1].free);
	EXPECT_EQ(full[0].failed, a[0].failed);
	EXPECT_EQ(full[1].failed, a[1].failed);

	/* node 0 itself is still full: ENOMEM, counted on node 0 */
	EXPECT_EQ(-ENOMEM, _aclmem_alloc(self->fd, 16 * SZ_2M, SZ_2M, 0, NULL,
					 NULL));
	ASSERT_LE(2, nodes_now(a));
	EXPECT_EQ(full[0].failed + 1, a[0].failed);
	EXPECT_EQ(full[1].failed, a[1].failed);

	EXPECT_EQ(0, _aclmem_free(self->fd, h));
	for (i = 0; i < nr; i++)
		EXPECT_EQ(0, _aclmem_free(self->fd, hog[i]));
}

TEST_HARNESS_MAIN
