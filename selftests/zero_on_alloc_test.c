// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ALLOC hands out zeroed memory even when the pages come back
 * from the pool dirty: written through a mapping, freed, allocated again
 * (the pool counters show no growth, so the very same pages), every 4 KiB
 * page reads zero. Also after writes made through a mapping that outlived
 * FREE, and for pages taken fresh from the kernel after the pool shrank,
 * of both sizes.
 */
#include "aclmem_utils.h"

FIXTURE(zero_on_alloc) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(zero_on_alloc) {
	__u64 page_size;
	unsigned int rounds;
};

FIXTURE_VARIANT_ADD(zero_on_alloc, page_2m) {
	.page_size = SZ_2M,
	.rounds = 5,
};

FIXTURE_VARIANT_ADD(zero_on_alloc, page_1g) {
	.page_size = SZ_1G,
	.rounds = 2,
};

FIXTURE_SETUP(zero_on_alloc)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(zero_on_alloc)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/*
 * As many pages as the pool keeps (at most 16): after the first round has
 * dirtied them all, every page the pool holds is dirty, whatever order it
 * hands them out in.
 */
static unsigned int reserve_pages(const struct aclmem_info *base, __u64 ps)
{
	__u64 target = base->out_pools[aclmem_pool_index(ps)].target;

	return target > 16 ? 16 : (unsigned int)target;
}

TEST_F_TIMEOUT(zero_on_alloc, reuse_from_pool, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = reserve_pages(&self->base, ps);
	const size_t len = ps * n;
	struct aclmem_pool_stats before, after;
	unsigned int round;

	if (!n)
		SKIP(return, "the %s pool keeps no reserve", aclmem_ps_name(ps));

	for (round = 0; round < variant->rounds; round++) {
		__u32 h = 0;
		__u64 off = 0;
		void *p = NULL;

		aclmem_pool(self->fd, ps, &before);
		aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
		aclmem_pool(self->fd, ps, &after);
		EXPECT_EQ(before.in_use + n, after.in_use);
		if (round) {
			/* the pages came from the pool, dirty from last round */
			EXPECT_EQ(before.total, after.total);
			EXPECT_EQ(before.grown, after.grown);
			EXPECT_EQ(before.free - n, after.free);
		}

		aclmem_mmap(self->fd, len, off, &p);
		aclmem_assert_zero(p, len, 1000 + round - 1);
		aclmem_fill(p, len, 1000 + round);
		aclmem_assert_pattern(p, len, 1000 + round);
		aclmem_munmap(p, len);
		aclmem_free(self->fd, h);

		/* all n pages are back on the free list */
		aclmem_pool(self->fd, ps, &after);
		EXPECT_LE((__u64)n, after.free);
		EXPECT_EQ(self->base.out_pools[aclmem_pool_index(ps)].in_use,
			  after.in_use);
	}
}

/* Pages written through a mapping after FREE are zero at the next ALLOC. */
TEST_F_TIMEOUT(zero_on_alloc, written_after_free, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = reserve_pages(&self->base, ps);
	const size_t len = ps * n;
	struct aclmem_pool_stats before, after;
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	if (!n)
		SKIP(return, "the %s pool keeps no reserve", aclmem_ps_name(ps));

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_free(self->fd, h);
	/* the handle is gone; the mapping dirties the pages now */
	aclmem_fill(p, len, 2000);
	aclmem_munmap(p, len);

	aclmem_pool(self->fd, ps, &before);
	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_pool(self->fd, ps, &after);
	EXPECT_EQ(before.grown, after.grown);
	EXPECT_EQ(before.total, after.total);

	aclmem_mmap(self->fd, len, off, &p);
	aclmem_assert_zero(p, len, 2000);
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

/*
 * More pages than the pool keeps, dirtied and freed (the surplus goes back
 * to the kernel), then as many again: the pool grows anew, and every page,
 * from the pool or new from the kernel, is zero. The kernel tends to hand
 * the surplus straight back (the buddy allocator's free lists; the top-down
 * range scan for 1 GiB), dirty unless someone clears it: with
 * init_on_alloc=0 (the debug kernel, the 6.12 leg) that someone is the
 * module, or the __GFP_ZERO it asks the kernel for.
 */
FIXTURE(zero_on_grow) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(zero_on_grow) {
	__u64 page_size;
	unsigned int extra;
	unsigned int rounds;
};

FIXTURE_VARIANT_ADD(zero_on_grow, page_2m) {
	.page_size = SZ_2M,
	.extra = 4,
	.rounds = 3,
};

FIXTURE_VARIANT_ADD(zero_on_grow, page_1g) {
	.page_size = SZ_1G,
	.extra = 1,
	.rounds = 2,
};

FIXTURE_SETUP(zero_on_grow)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(zero_on_grow)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

TEST_F_TIMEOUT(zero_on_grow, after_grow_and_shrink, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	struct aclmem_pool_stats st0, st1;
	unsigned int round, n;
	size_t len;

	aclmem_pool(self->fd, ps, &st0);
	n = st0.target + variant->extra;
	len = ps * n;
	for (round = 0; round < variant->rounds; round++) {
		__u32 h = 0;
		__u64 off = 0;
		void *p = NULL;
		int rc;

		rc = _aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
		if (rc == -ENOMEM && ps == SZ_1G)
			SKIP(return, "no %u GiB to be had in this guest", n);
		ASSERT_EQ(0, rc);
		aclmem_mmap(self->fd, len, off, &p);
		aclmem_assert_zero(p, len, 4000 + round);
		aclmem_fill(p, len, 4000 + round);
		aclmem_munmap(p, len);
		aclmem_free(self->fd, h);
	}
	aclmem_pool(self->fd, ps, &st1);
	/* each round took the extra pages from the kernel, and gave them back */
	EXPECT_LE(st0.grown + variant->rounds * variant->extra, st1.grown);
	EXPECT_LE(st0.shrunk + variant->rounds * variant->extra, st1.shrunk);
}

TEST_HARNESS_MAIN
