// SPDX-License-Identifier: GPL-2.0
/*
 * Description: INFO and the page pools: ABI version, page sizes, per-pool
 * page_size and counters that add up (total == grown - shrunk -
 * poisoned); once the zeroing worker is done (dirty 0) a pool holds its
 * target free, every free page reads zero and can be had without growth;
 * the pool grows past its reserve on demand and shrinks back to
 * it on free; many alloc/free cycles keep the counters right; node 0 and
 * ACLMEM_NODE_ANY both work; out_handles counts per open file.
 */
#include "aclmem_utils.h"

FIXTURE(pool) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(pool)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(pool)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

static __u64 pages_poisoned(int fd, __u64 page_size);

/*
 * What one set of pool counters must hold whenever it is read: the pages
 * the pool owns are those it took from the kernel less those it gave back
 * or quarantined. (in_use is total - free in the kernel: comparing them
 * would test nothing.)
 */
#define expect_consistent(st, ps) do {					\
	EXPECT_EQ((__u64)(ps), (st)->page_size);			\
	EXPECT_EQ((st)->total, (st)->grown - (st)->shrunk -		\
		  pages_poisoned(self->fd, ps)) {			\
		TH_LOG("%s: total %llu grown %llu shrunk %llu",		\
		       aclmem_ps_name(ps),				\
		       (unsigned long long)(st)->total,			\
		       (unsigned long long)(st)->grown,			\
		       (unsigned long long)(st)->shrunk);		\
	}								\
} while (0)

/* Pages taken out for poison (hwpoison_test leaves one behind). */
static __u64 pages_poisoned(int fd, __u64 page_size)
{
	struct aclmem_info info;

	if (_aclmem_info(fd, 0, &info))
		return 0;
	return info.out_poisoned[aclmem_pool_index(page_size)];
}

/* A module parameter from sysfs, or -1 if it is not there. */
static long module_param(const char *name)
{
	char path[128];
	long long v;

	snprintf(path, sizeof(path), "/sys/module/aclmem/parameters/%s",
		 name);
	v = aclmem_read_number(path);
	return v < 0 ? -1 : (long)v;
}

TEST_F(pool, info)
{
	struct aclmem_info info;
	long param;

	aclmem_info(self->fd, &info);
	EXPECT_EQ((__u32)ACLMEM_ABI_VERSION, info.out_abi_version);
	EXPECT_EQ(SZ_2M | SZ_1G, info.out_page_sizes);
	EXPECT_EQ(0U, info.out_handles);
	EXPECT_EQ(0U, info.flags);
	expect_consistent(&info.out_pools[ACLMEM_POOL_2M], SZ_2M);
	expect_consistent(&info.out_pools[ACLMEM_POOL_1G], SZ_1G);
	/* a quiet pool keeps no more than its reserve free */
	EXPECT_GE(info.out_pools[ACLMEM_POOL_2M].target,
		  info.out_pools[ACLMEM_POOL_2M].free);
	EXPECT_GE(info.out_pools[ACLMEM_POOL_1G].target,
		  info.out_pools[ACLMEM_POOL_1G].free);

	param = module_param("pool_2m");
	if (param >= 0) {
		EXPECT_EQ((__u64)param, info.out_pools[ACLMEM_POOL_2M].target);
	}
	param = module_param("pool_1g");
	if (param >= 0) {
		EXPECT_EQ((__u64)param, info.out_pools[ACLMEM_POOL_1G].target);
	}
	TH_LOG("2M: total %llu free %llu target %llu grown %llu shrunk %llu failed %llu",
	       (unsigned long long)info.out_pools[0].total,
	       (unsigned long long)info.out_pools[0].free,
	       (unsigned long long)info.out_pools[0].target,
	       (unsigned long long)info.out_pools[0].grown,
	       (unsigned long long)info.out_pools[0].shrunk,
	       (unsigned long long)info.out_pools[0].failed);
	TH_LOG("1G: total %llu free %llu target %llu grown %llu shrunk %llu failed %llu",
	       (unsigned long long)info.out_pools[1].total,
	       (unsigned long long)info.out_pools[1].free,
	       (unsigned long long)info.out_pools[1].target,
	       (unsigned long long)info.out_pools[1].grown,
	       (unsigned long long)info.out_pools[1].shrunk,
	       (unsigned long long)info.out_pools[1].failed);
}

/* Seconds the zeroing worker may take over a handful of 2 MiB pages. */
#define QUIET_SECS	30

/*
 * Reads the pool of @page_size into @st until its zeroing worker has
 * nothing left (dirty 0) or QUIET_SECS passed; returns 0 once quiet.
 */
static int wait_quiet(int fd, __u64 page_size, struct aclmem_pool_stats *st)
{
	int ms;

	for (ms = 0; ms < QUIET_SECS * 1000; ms += 10) {
		if (_aclmem_pool(fd, page_size, st))
			return -EIO;
		if (!st->dirty)
			return 0;
		aclmem_msleep(10);
	}
	return -ETIMEDOUT;
}

/*
 * One handle bigger than the free pages: growth, then shrink to target.
 * Once quiet, no page waits to be zeroed, the pool holds exactly its
 * target free and owns what it grew less what it gave back. Then every
 * free page is taken in one handle, with no growth (so these are the
 * pool's own free pages, the ones just written), and each 4 KiB of them
 * reads zero.
 */
TEST_F_TIMEOUT(pool, grow_and_shrink_2m, 120)
{
	struct aclmem_pool_stats st0, st1, st2;
	unsigned int n;
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_pool(self->fd, SZ_2M, &st0);
	/* 4 more than the reserve, and than what is free */
	n = (st0.free > st0.target ? st0.free : st0.target) + 4;
	aclmem_alloc(self->fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_pool(self->fd, SZ_2M, &st1);
	expect_consistent(&st1, SZ_2M);
	EXPECT_EQ(st0.in_use + n, st1.in_use);
	EXPECT_LE(st0.grown + (n - st0.free), st1.grown);
	EXPECT_EQ(st0.shrunk, st1.shrunk);
	EXPECT_EQ(st0.failed, st1.failed);

	/* the grown pages are as good as the others */
	aclmem_mmap(self->fd, n * SZ_2M, off, &p);
	aclmem_assert_zero(p, n * SZ_2M, 0);
	aclmem_fill(p, n * SZ_2M, 1);
	aclmem_assert_pattern(p, n * SZ_2M, 1);
	aclmem_munmap(p, n * SZ_2M);

	aclmem_free(self->fd, h);
	aclmem_pool(self->fd, SZ_2M, &st2);
	expect_consistent(&st2, SZ_2M);
	EXPECT_EQ(st0.in_use, st2.in_use);
	/* back to the reserve, the rest given back */
	EXPECT_EQ(st2.target, st2.free);
	EXPECT_EQ(st1.free + n - st2.free, st2.shrunk - st1.shrunk);
	EXPECT_LE(st1.shrunk + 4, st2.shrunk);

	ASSERT_EQ(0, wait_quiet(self->fd, SZ_2M, &st2)) {
		TH_LOG("%llu pages still dirty after %d s",
		       (unsigned long long)st2.dirty, QUIET_SECS);
	}
	EXPECT_EQ(st2.target, st2.free);
	EXPECT_EQ(st0.in_use, st2.in_use);
	expect_consistent(&st2, SZ_2M);

	/* every free page, no growth: each reads zero */
	n = st2.free;
	ASSERT_LT(0U, n);
	aclmem_alloc(self->fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_pool(self->fd, SZ_2M, &st1);
	EXPECT_EQ(st2.grown, st1.grown);
	EXPECT_EQ(0U, st1.free);
	aclmem_mmap(self->fd, n * SZ_2M, off, &p);
	aclmem_assert_zero(p, n * SZ_2M, 0);
	aclmem_munmap(p, n * SZ_2M);
	aclmem_free(self->fd, h);
}

/* Many one-page handles beyond the reserve, freed one by one. */
TEST_F_TIMEOUT(pool, grow_and_shrink_by_handles, 120)
{
	struct aclmem_pool_stats st0, st;
	__u32 h[32];
	unsigned int n, i;

	aclmem_pool(self->fd, SZ_2M, &st0);
	n = st0.target + 6;
	ASSERT_GE(ARRAY_SIZE(h), n);
	for (i = 0; i < n; i++)
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
			     NULL);
	aclmem_pool(self->fd, SZ_2M, &st);
	expect_consistent(&st, SZ_2M);
	EXPECT_EQ(st0.in_use + n, st.in_use);
	EXPECT_EQ((__u64)n, aclmem_nr_handles(self->fd));
	EXPECT_LE(st0.grown + (n - st0.free), st.grown);

	for (i = 0; i < n; i++) {
		struct aclmem_pool_stats prev = st;

		aclmem_free(self->fd, h[i]);
		aclmem_pool(self->fd, SZ_2M, &st);
		expect_consistent(&st, SZ_2M);
		EXPECT_EQ(prev.in_use - 1, st.in_use);
		/* kept while under the reserve, given back above it */
		if (prev.free < prev.target) {
			EXPECT_EQ(prev.free + 1, st.free);
			EXPECT_EQ(prev.shrunk, st.shrunk);
		} else {
			EXPECT_EQ(prev.free, st.free);
			EXPECT_EQ(prev.shrunk + 1, st.shrunk);
		}
	}
	EXPECT_EQ(st.target, st.free);
	EXPECT_EQ(st0.in_use, st.in_use);
}

/* Alloc/free cycles within the reserve: no growth, counters right. */
TEST_F_TIMEOUT(pool, many_cycles, 180)
{
	struct aclmem_pool_stats st0, st;
	unsigned int i, maxn;

	aclmem_pool(self->fd, SZ_2M, &st0);
	maxn = 3;
	for (i = 0; i < 200; i++) {
		unsigned int n = 1 + aclmem_mix(i) % maxn;
		__u32 h = 0;
		__u64 off = 0;
		void *p = NULL;

		aclmem_alloc(self->fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
			     &off);
		if (i % 5 == 0) {
			aclmem_mmap(self->fd, n * SZ_2M, off, &p);
			*(volatile __u64 *)p = i;
			ASSERT_EQ((__u64)i, *(volatile __u64 *)p);
			if (i % 10 == 0)
				aclmem_free(self->fd, h);
			aclmem_munmap(p, n * SZ_2M);
			if (i % 10 != 0)
				aclmem_free(self->fd, h);
		} else {
			aclmem_free(self->fd, h);
		}
		aclmem_pool(self->fd, SZ_2M, &st);
		ASSERT_EQ(st0.in_use, st.in_use) {
			TH_LOG("cycle %u (%u pages)", i, n);
		}
		ASSERT_EQ(st.total, st.grown - st.shrunk -
			  pages_poisoned(self->fd, SZ_2M));
	}
	expect_consistent(&st, SZ_2M);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	if (st0.free >= maxn) {
		/* all served from the reserve */
		EXPECT_EQ(st0.grown, st.grown);
		EXPECT_EQ(st0.shrunk, st.shrunk);
	}
}

TEST_F_TIMEOUT(pool, nodes, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_alloc(self->fd, 2 * SZ_2M, SZ_2M, 0, &h, &off);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_node);
	EXPECT_EQ(2 * SZ_2M, q.out_size);
	aclmem_mmap(self->fd, 2 * SZ_2M, off, &p);
	aclmem_fill(p, 2 * SZ_2M, 3);
	aclmem_assert_pattern(p, 2 * SZ_2M, 3);
	aclmem_munmap(p, 2 * SZ_2M);
	aclmem_free(self->fd, h);

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(ACLMEM_NODE_ANY, q.out_node);
	aclmem_free(self->fd, h);

	/* one 1 GiB page on node 0 (the reserve's, normally) */
	aclmem_alloc(self->fd, SZ_1G, SZ_1G, 0, &h, &off);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_node);
	EXPECT_EQ(SZ_1G, q.out_page_size);
	aclmem_expect_in_use(self->fd, SZ_1G,
			     self->base.out_pools[ACLMEM_POOL_1G].in_use + 1);
	aclmem_free(self->fd, h);
}

TEST_F(pool, handles_per_file)
{
	__u32 h[3] = { 0 };
	int fd2;

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[0], NULL);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[1], NULL);
	aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[2], NULL);
	EXPECT_EQ(2U, aclmem_nr_handles(self->fd));
	EXPECT_EQ(1U, aclmem_nr_handles(fd2));
	/* in_use is global */
	aclmem_expect_in_use(fd2, SZ_2M,
			     self->base.out_pools[ACLMEM_POOL_2M].in_use + 3);
	aclmem_free(self->fd, h[0]);
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	close(fd2);
	aclmem_expect_in_use(self->fd, SZ_2M,
			     self->base.out_pools[ACLMEM_POOL_2M].in_use + 1);
	aclmem_free(self->fd, h[1]);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
}

/* 1 GiB beyond the reserve: the pool grows by one page and gives it back. */
TEST_F_TIMEOUT(pool, grow_and_shrink_1g, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats st0, st1, st2;
	unsigned int n;
	__u32 h = 0;
	int rc;

	aclmem_pool(self->fd, SZ_1G, &st0);
	n = st0.free + 1;
	rc = _aclmem_alloc(self->fd, n * SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &h,
			   NULL);
	aclmem_pool(self->fd, SZ_1G, &st1);
	expect_consistent(&st1, SZ_1G);
	if (rc == -ENOMEM) {
		/* refused: counted, and nothing taken */
		EXPECT_EQ(st0.failed + 1, st1.failed);
		EXPECT_EQ(st0.in_use, st1.in_use);
		EXPECT_GE(st1.target, st1.free);
		SKIP(return, "no %u GiB to be had in this guest", n);
	}
	ASSERT_EQ(0, rc);
	EXPECT_EQ(st0.in_use + n, st1.in_use);
	EXPECT_EQ(st0.grown + 1, st1.grown);
	EXPECT_EQ(st0.failed, st1.failed);

	aclmem_free(self->fd, h);
	aclmem_pool(self->fd, SZ_1G, &st2);
	expect_consistent(&st2, SZ_1G);
	EXPECT_EQ(st0.in_use, st2.in_use);
	EXPECT_EQ(st2.target, st2.free);
	EXPECT_EQ(st1.shrunk + 1, st2.shrunk);
}

TEST_HARNESS_MAIN
