// SPDX-License-Identifier: MIT
/*
 * Description: aclrtReserveMemAddress, aclrtReleaseMemAddress and
 * aclrtMemGetAddressRange.
 *
 * Reservations are 2 MiB-aligned, 1 GiB-aligned from 1 GiB up, never
 * overlap, and are PROT_NONE until mapped. alignment != 0, flags other
 * than 0/1, size 0 or not a multiple of 2 MiB are 107000; NULL output is
 * 100000; an impossible size is 207001. expectPtr is honoured when that
 * range is free (reserve, release, reserve again at the old address) and
 * ignored when it is taken or unaligned. Release wants the start of a
 * live reservation with nothing mapped inside (107000 otherwise, twice
 * too). GetAddressRange finds the reservation from any address inside,
 * 107000 outside, 100000 for a NULL output or address.
 */
#include "acl_test_utils.h"

FIXTURE(res) {
	struct acl_pools base;
};

FIXTURE_SETUP(res)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(res)
{
}

/* Reserve must fail with @code and leave the output alone. */
#define EXPECT_RESERVE_FAILS(code, size, align, expect, flags) do {	\
	void *__p = (void *)(uintptr_t)0x5a5a;				\
	aclError __rc = aclrtReserveMemAddress(&__p, size, align,	\
					       expect, flags);		\
	EXPECT_EQ(code, __rc) {						\
		TH_LOG("size %zu alignment %zu flags %llu",		\
		       (size_t)(size), (size_t)(align),			\
		       (unsigned long long)(flags));			\
	}								\
	if (__rc == ACL_SUCCESS)					\
		aclrtReleaseMemAddress(__p);				\
	else								\
		EXPECT_EQ((void *)(uintptr_t)0x5a5a, __p);		\
} while (0)

static bool overlap(void *a, size_t alen, void *b, size_t blen)
{
	uintptr_t as = (uintptr_t)a, bs = (uintptr_t)b;

	return as < bs + blen && bs < as + alen;
}

TEST_F(res, alignment_2m)
{
	static const size_t sizes[] = {
		SZ_2M, 2 * SZ_2M, 3 * SZ_2M, 64 * SZ_1M, SZ_1G - SZ_2M,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, sizes[i], 0, NULL, 0));
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(acl_aligned(p, SZ_2M)) {
			TH_LOG("size %zu at %p", sizes[i], p);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
}

/* Address space only: no page is taken for a large reservation. */
TEST_F(res, alignment_1g)
{
	static const size_t sizes[] = {
		SZ_1G, SZ_1G + SZ_2M, 2 * SZ_1G, 64 * SZ_1G,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, sizes[i], 0, NULL, 1));
		EXPECT_TRUE(acl_aligned(p, SZ_1G)) {
			TH_LOG("size %zu at %p", sizes[i], p);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(res, flags)
{
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));

	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0, NULL, 2);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0, NULL, 3);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0, NULL,
			     1ULL << 32);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0, NULL,
			     1ULL << 63);
}

TEST_F(res, alignment_must_be_zero)
{
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, SZ_2M, NULL, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, SZ_4K, NULL, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_1G, SZ_1G, NULL, 1);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 1, NULL, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 3, NULL, 0);
}

TEST_F(res, bad_size)
{
	static const size_t bad[] = {
		0, 1, SZ_4K, SZ_1M, SZ_2M - SZ_4K, SZ_2M + SZ_4K, 3 * SZ_1M,
		SZ_1G + SZ_4K, SIZE_MAX,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, bad[i], 0,
				     NULL, 0);
}

TEST_F(res, null_output)
{
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddress(NULL, SZ_2M, 0, NULL, 0));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

/* More than the 128 TiB of user address space there is. */
TEST_F(res, address_space_exhausted)
{
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_MEMORY_ALLOCATION, (size_t)1 << 50,
			     0, NULL, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_MEMORY_ALLOCATION, (size_t)1 << 50,
			     0, NULL, 1);
}

TEST_F(res, prot_none_until_mapped)
{
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe((char *)p + SZ_2M + 123, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_WRITE));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(res, reservations_do_not_overlap)
{
	void *p[8];
	size_t size[8];
	size_t i, j;

	for (i = 0; i < ACL_ARRAY_SIZE(p); i++) {
		size[i] = (i + 1) * SZ_2M;
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p[i], size[i], 0, NULL,
						 i & 1));
		for (j = 0; j < i; j++)
			ASSERT_FALSE(overlap(p[i], size[i], p[j], size[j])) {
				TH_LOG("%p+%zu overlaps %p+%zu", p[i], size[i],
				       p[j], size[j]);
			}
	}
	for (i = 0; i < ACL_ARRAY_SIZE(p); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p[i]));
}

TEST_F(res, expect_ptr_honoured_when_free)
{
	static const size_t sizes[] = { SZ_2M, 8 * SZ_2M, SZ_1G, 2 * SZ_1G };
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *p = NULL, *q = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, sizes[i], 0, NULL, 0));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&q, sizes[i], 0, p, 0));
		EXPECT_EQ(p, q) {
			TH_LOG("size %zu: asked for %p, got %p", sizes[i], p, q);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	}
}

/* A free hint in the middle of an old, larger reservation. */
TEST_F(res, expect_ptr_inside_old_range)
{
	void *p = NULL, *q = NULL, *want;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 16 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	want = (char *)p + 4 * SZ_2M;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, 2 * SZ_2M, 0, want, 1));
	EXPECT_EQ(want, q);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
}

TEST_F(res, expect_ptr_ignored_when_taken)
{
	void *p = NULL, *q = NULL, *r = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));

	/* exactly the taken range */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, 4 * SZ_2M, 0, p, 0));
	EXPECT_NE(p, q);
	EXPECT_TRUE(acl_aligned(q, SZ_2M));
	EXPECT_FALSE(overlap(p, 4 * SZ_2M, q, 4 * SZ_2M));

	/* a range that starts inside the taken one */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&r, 4 * SZ_2M, 0,
					 (char *)p + 2 * SZ_2M, 0));
	EXPECT_TRUE(acl_aligned(r, SZ_2M));
	EXPECT_FALSE(overlap(p, 4 * SZ_2M, r, 4 * SZ_2M)) {
		TH_LOG("%p overlaps %p", r, p);
	}
	EXPECT_FALSE(overlap(q, 4 * SZ_2M, r, 4 * SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(r));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* A hint that is not aligned is not taken literally. */
TEST_F(res, expect_ptr_unaligned)
{
	void *p = NULL, *q = NULL, *hint;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	hint = (char *)p + SZ_4K;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, 2 * SZ_2M, 0, hint, 0));
	EXPECT_NE(hint, q);
	EXPECT_TRUE(acl_aligned(q, SZ_2M)) {
		TH_LOG("got %p", q);
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));

	/* a 2 MiB-aligned hint for a 1 GiB reservation: 1 GiB-aligned */
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_1G, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	hint = (char *)p + SZ_2M;
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&q, SZ_1G, 0, hint, 0));
	EXPECT_TRUE(acl_aligned(q, SZ_1G)) {
		TH_LOG("got %p", q);
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
}

TEST_F(res, release_errors)
{
	void *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress((char *)p + SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress((char *)p + 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress((char *)p + 4 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress((void *)(uintptr_t)0x200000));
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	/* the failed calls did not touch the reservation */
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p));
}

TEST_F(res, release_while_mapped)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *base = NULL;
	size_t size = 0;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	/* mapped in the middle, not at the start */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem((char *)p + SZ_2M, SZ_2M, 0, h, 0));
	acl_fill((char *)p + SZ_2M, SZ_2M, 5);

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p));
	/* still reserved, still mapped, data intact */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAddressRange(p, &base, &size));
	EXPECT_EQ(p, base);
	EXPECT_EQ(4 * SZ_2M, size);
	ACL_ASSERT_PATTERN((char *)p + SZ_2M, SZ_2M, 5);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* After release the range can be reserved again (and is fresh). */
TEST_F(res, reserve_release_cycles)
{
	int i;

	for (i = 0; i < 64; i++) {
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, (1 + i % 5) * SZ_2M, 0,
						 NULL, i & 1));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
		ASSERT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtReleaseMemAddress(p));
	}
}

TEST_F(res, address_range)
{
	void *p = NULL, *q = NULL, *base = NULL;
	size_t size = 0;
	const size_t off[] = { 0, 1, SZ_4K, SZ_2M, 6 * SZ_2M - 1 };
	size_t i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 6 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, SZ_2M, 0, NULL, 1));
	for (i = 0; i < ACL_ARRAY_SIZE(off); i++) {
		base = NULL;
		size = 0;
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAddressRange((char *)p + off[i], &base,
						  &size)) {
			TH_LOG("offset %zu", off[i]);
		}
		EXPECT_EQ(p, base);
		EXPECT_EQ(6 * SZ_2M, size);
	}
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAddressRange((char *)q + 100, &base, &size));
	EXPECT_EQ(q, base);
	EXPECT_EQ(SZ_2M, size);

	/* both outputs are required */
	base = (void *)(uintptr_t)0x5a5a;
	size = 0x5a5a;
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAddressRange(p, NULL, &size));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAddressRange(p, &base, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAddressRange(p, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAddressRange(NULL, &base, &size));
	EXPECT_EQ((void *)(uintptr_t)0x5a5a, base);
	EXPECT_EQ((size_t)0x5a5a, size);

	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(q, &base, &size));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange((char *)p + SZ_2M, &base, &size));
}

TEST_F(res, address_range_outside)
{
	void *p = NULL, *base = (void *)(uintptr_t)0x5a5a;
	size_t size = 0x5a5a;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange((char *)p + 2 * SZ_2M, &base, &size));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange((char *)p - 1, &base, &size));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(&local, &base, &size));
	EXPECT_EQ((void *)(uintptr_t)0x5a5a, base);
	EXPECT_EQ((size_t)0x5a5a, size);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* Inside a mapping, the answer is still the whole reservation. */
TEST_F(res, address_range_of_mapped_memory)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *base = NULL;
	size_t size = 0;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 8 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem((char *)p + 2 * SZ_2M, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAddressRange((char *)p + 3 * SZ_2M + 8, &base,
					  &size));
	EXPECT_EQ(p, base);
	EXPECT_EQ(8 * SZ_2M, size);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Released space is gone from the process (no longer PROT_NONE-held). */
TEST_F(res, release_returns_address_space)
{
	void *p = NULL, *m;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	/* the kernel hands the exact range to someone else */
	m = mmap(p, 4 * SZ_2M, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(p, m) {
		TH_LOG("mmap at %p: %s", p, strerror(errno));
	}
	munmap(m, 4 * SZ_2M);
}

/* Many reservations at once: each is found, and released, on its own. */
TEST_F(res, many_reservations)
{
	enum { N = 1000 };
	void **p = calloc(N, sizeof(*p));
	size_t i, k;

	ASSERT_NE(NULL, p);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p[i], (1 + i % 3) * SZ_2M, 0,
						 NULL, i & 1)) {
			TH_LOG("reservation %zu", i);
		}
	}
	for (i = 0; i < N; i++) {
		void *base = NULL;
		size_t size = 0;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAddressRange((char *)p[i] + SZ_2M - 8,
						  &base, &size));
		ASSERT_EQ(p[i], base);
		ASSERT_EQ((1 + i % 3) * SZ_2M, size);
	}
	/* release in a scattered order, checking a neighbour each time */
	for (k = 0; k < N; k++) {
		void *base = NULL;
		size_t size = 0;

		i = (k * 379) % N;
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p[i]));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemGetAddressRange(p[i], &base, &size));
		if (k + 1 < N) {
			size_t j = ((k + 1) * 379) % N;

			ASSERT_EQ(ACL_SUCCESS,
				  aclrtMemGetAddressRange(p[j], &base, &size));
			ASSERT_EQ(p[j], base);
		}
	}
	free(p);
}

TEST_HARNESS_MAIN
