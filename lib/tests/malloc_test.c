// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMalloc, aclrtFree, aclrtMallocHost and aclrtFreeHost,
 * with the codes CANN gives (each names the hicann/runtime or
 * hicann/driver function that defines it).
 *
 * aclrtMalloc takes pool pages (2 MiB; 1 GiB with
 * ACL_MEM_MALLOC_HUGE1G_ONLY), the size rounded up to the page size (pool
 * counters), for every 2 MiB policy; a policy CANN does not know is its
 * default (2 MiB pages), not an error; the memory is zero and usable;
 * aclrtFree gives the pages back. aclrtMallocHost memory is usable and
 * freed by aclrtFreeHost, and takes no pool page. NULL outputs and size 0
 * are 100000, a size that overflows with CANN's padding 100000; without a
 * current context both mallocs are 107002. aclrtFree(NULL) and
 * aclrtFreeHost(NULL) are 100000; aclrtFree of a reservation is 107000,
 * and so (aclmem's choice) of any address it did not allocate: inside an
 * allocation, freed, not device memory. aclrtMallocAlign32 and
 * aclrtMallocCached allocate the same way, with their own padding rules
 * (Align32 none, Cached none for the 1 GiB policies) and 1 GiB pages for
 * their own policies; aclrtFree frees them.
 */
#include "acl_test_utils.h"

FIXTURE(am) {
	struct acl_pools base;
};

FIXTURE_SETUP(am)
{
	ACL_POOLS_BASE(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
}

FIXTURE_TEARDOWN(am)
{
	aclrtResetDevice(0);
}

TEST_F(am, sizes_round_up_to_2m_pages)
{
	static const struct {
		size_t size;
		size_t pages;
	} cases[] = {
		{ 1, 1 }, { 4096, 1 }, { SZ_2M, 1 }, { SZ_2M + 1, 2 },
		{ 5 * SZ_1M, 3 }, { 8 * SZ_2M, 8 },
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(cases); i++) {
		size_t rounded = cases[i].pages * SZ_2M;
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&p, cases[i].size,
						   ACL_MEM_MALLOC_HUGE_FIRST));
		ASSERT_NE(NULL, p);
		/* aclmem: device memory is pool pages */
		ACL_EXPECT_IN_USE(&self->base, cases[i].pages, 0);
		/* all of the rounded-up size is there, zero */
		ACL_ASSERT_ZERO(p, rounded);
		acl_fill(p, rounded, i);
		ACL_ASSERT_PATTERN(p, rounded, i);
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
		ACL_EXPECT_POOLS_BACK(&self->base);
	}
}

TEST_F(am, policies)
{
	static const aclrtMemMallocPolicy policies[] = {
		ACL_MEM_MALLOC_HUGE_FIRST, ACL_MEM_MALLOC_HUGE_ONLY,
		ACL_MEM_MALLOC_NORMAL_ONLY, ACL_MEM_MALLOC_HUGE_FIRST_P2P,
		ACL_MEM_MALLOC_HUGE_ONLY_P2P, ACL_MEM_MALLOC_NORMAL_ONLY_P2P,
	};
	void *p[ACL_ARRAY_SIZE(policies)];
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(policies); i++) {
		p[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&p[i], SZ_1M, policies[i])) {
			TH_LOG("policy %d", policies[i]);
		}
		ACL_EXPECT_IN_USE(&self->base, i + 1, 0);
		memset(p[i], (int)i + 1, SZ_1M);
	}
	for (i = 0; i < ACL_ARRAY_SIZE(policies); i++) {
		EXPECT_EQ((char)(i + 1), ((char *)p[i])[SZ_1M - 1]);
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(p[i]));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(am, huge1g_only, ACL_1G_TIMEOUT)
{
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&p, SZ_2M,
					   ACL_MEM_MALLOC_HUGE1G_ONLY));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ACL_ASSERT_ZERO(p, SZ_1G);
	acl_fill(p, SZ_1G, 5);
	ACL_ASSERT_PATTERN(p, SZ_1G, 5);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(am, null_output)
{
	void *p = NULL;

	/* hicann/runtime memory.cpp aclMallocMemInner: devPtr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(NULL, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(NULL, 0, (aclrtMemMallocPolicy)99));
	/* hicann/runtime memory.cpp aclrtMallocHostImpl: hostPtr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHost(NULL, 4096));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHost(NULL, 0));
	/* hicann/runtime memory.cpp aclrtFreeImpl, aclrtFreeHostImpl: NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtFree(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtFreeHost(NULL));
	EXPECT_EQ(NULL, p);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(am, bad_sizes)
{
	void *p = NULL;

	/* hicann/runtime memory.cpp aclMallocMemInner: size 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE1G_ONLY));
	/* hicann/runtime memory.cpp GetAlignedAndPaddingSize: size + padding overflows */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(&p, SIZE_MAX, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(&p, SIZE_MAX - 16, ACL_MEM_MALLOC_HUGE_ONLY));
	/* hicann/runtime memory.cpp aclrtMallocHostImpl: size 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHost(&p, 0));
	EXPECT_EQ(NULL, p);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* hicann/runtime memory.cpp aclMallocMemInner: an unknown policy is RT_MEMORY_DEFAULT */
TEST_F(am, unknown_policy_is_default)
{
	static const unsigned int policies[] = {
		8, 99, 0x7777,
		ACL_MEM_MALLOC_HUGE1G_ONLY | ACL_MEM_TYPE_HIGH_BAND_WIDTH,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(policies); i++) {
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMalloc(&p, SZ_1M,
				      (aclrtMemMallocPolicy)policies[i])) {
			TH_LOG("policy %#x", policies[i]);
		}
		/* the default: 2 MiB pages */
		ACL_EXPECT_IN_USE(&self->base, 1, 0);
		memset(p, 0x3a, SZ_1M);
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
		ACL_EXPECT_POOLS_BACK(&self->base);
	}
}

TEST_F(am, free_what_malloc_did_not_give)
{
	void *p = NULL, *va = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&p, SZ_2M, ACL_MEM_MALLOC_HUGE_ONLY));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&va, SZ_2M, 0, NULL, 0));
	/* hicann/driver devmm_svm.c devmm_free_managed_nomal: a reservation is freed otherwise */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFree(va));
	/* aclmem: any other address it did not allocate (CANN: its heap's say) */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFree(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFree((char *)p + 4096));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFree(p));
	/* the reservation is intact */
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(am, many_at_once)
{
	void *p[12];
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(p); i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMalloc(&p[i], SZ_2M, ACL_MEM_MALLOC_HUGE_ONLY));
		acl_fill(p[i], SZ_2M, 100 + i);
	}
	ACL_EXPECT_IN_USE(&self->base, ACL_ARRAY_SIZE(p), 0);
	for (i = 0; i < ACL_ARRAY_SIZE(p); i++)
		ACL_ASSERT_PATTERN(p[i], SZ_2M, 100 + i);
	for (i = 0; i < ACL_ARRAY_SIZE(p); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(p[i]));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(am, malloc_host)
{
	static const size_t sizes[] = { 1, 100, 4096, 3 * SZ_1M };
	void *p[ACL_ARRAY_SIZE(sizes)];
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		p[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost(&p[i], sizes[i]));
		ASSERT_NE(NULL, p[i]);
		memset(p[i], 0x5c, sizes[i]);
	}
	/* host memory is not pool memory */
	ACL_EXPECT_POOLS_BACK(&self->base);
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		EXPECT_EQ(0x5c, ((unsigned char *)p[i])[sizes[i] - 1]);
		ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(p[i]));
	}
}

/* No current context: the runtime has no device to allocate on. */
TEST(malloc_without_context)
{
	struct acl_pools base;
	void *p = NULL;

	ACL_POOLS_BASE(&base);
	/* hicann/runtime api_impl.cc ApiImpl::DevMalloc: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMalloc(&p, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	/* hicann/runtime api_impl.cc ApiImpl::HostMalloc: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtMallocHost(&p, 4096));
	/* hicann/runtime memory.cpp aclMallocMemInner: the acl checks come first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHost(&p, 0));
	EXPECT_EQ(NULL, p);
	ACL_EXPECT_POOLS_BACK(&base);
}

/*
 * memory.cpp aclrtMallocAlign32Impl (aclMallocMemInner without padding)
 * and aclrtMallocCachedImpl: device memory like aclrtMalloc's, freed by
 * aclrtFree; only ACL_MEM_MALLOC_HUGE1G_ONLY gives aclrtMallocCached 1 GiB
 * pages, the P2P 1 GiB policy falls to the default flags.
 */
TEST_F(am, align32_and_cached)
{
	static const aclrtMemMallocPolicy policies[] = {
		ACL_MEM_MALLOC_HUGE_FIRST, ACL_MEM_MALLOC_HUGE_ONLY,
		ACL_MEM_MALLOC_NORMAL_ONLY, ACL_MEM_MALLOC_HUGE_FIRST_P2P,
		ACL_MEM_MALLOC_HUGE_ONLY_P2P, ACL_MEM_MALLOC_NORMAL_ONLY_P2P,
		(aclrtMemMallocPolicy)99,
	};
	void *a = NULL, *c = NULL;
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(policies); i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMallocAlign32(&a, SZ_2M + 1, policies[i]));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMallocCached(&c, SZ_2M - 3, policies[i]));
		ACL_EXPECT_IN_USE(&self->base, 3, 0);
		acl_fill(a, 2 * SZ_2M, 30 + i);
		acl_fill(c, SZ_2M, 20 + i);
		ACL_ASSERT_PATTERN(a, 2 * SZ_2M, 30 + i);
		ACL_ASSERT_PATTERN(c, SZ_2M, 20 + i);
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(a));
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(c));
		ACL_EXPECT_POOLS_BACK(&self->base);
	}
	/* aclrtMallocCachedImpl: HUGE1G_ONLY_P2P has the default flags */
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocCached(&c, SZ_2M,
						 ACL_MEM_MALLOC_HUGE1G_ONLY_P2P));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(c));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(am, align32_and_cached_huge1g, ACL_1G_TIMEOUT)
{
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocAlign32(&p, SZ_2M,
						  ACL_MEM_MALLOC_HUGE1G_ONLY_P2P));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocCached(&p, SZ_2M,
						 ACL_MEM_MALLOC_HUGE1G_ONLY));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* memory.cpp GetAlignedAndPaddingSize: 32 bytes of alignment, 32 of padding */
TEST_F(am, align32_and_cached_bad_arguments)
{
	void *p = NULL;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocAlign32(NULL, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocCached(NULL, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocAlign32(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocCached(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocAlign32(&p, SIZE_MAX - 16,
				     ACL_MEM_MALLOC_HUGE_FIRST));
	/* no padding for Align32: 40 bytes below the top survive */
	EXPECT_EQ(ACL_ERROR_RT_MEMORY_ALLOCATION,
		  aclrtMallocAlign32(&p, SIZE_MAX - 40,
				     ACL_MEM_MALLOC_HUGE_FIRST));
	/* Cached pads, except for the 1 GiB policies */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocCached(&p, SIZE_MAX - 40,
				    ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_RT_MEMORY_ALLOCATION,
		  aclrtMallocCached(&p, SIZE_MAX - 40,
				    ACL_MEM_MALLOC_HUGE1G_ONLY_P2P));
	EXPECT_EQ(NULL, p);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* api_impl.cc ApiImpl::DevMalloc: no current context, after the acl checks */
TEST(align32_and_cached_without_context)
{
	void *p = NULL;

	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMallocAlign32(&p, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMallocCached(&p, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocAlign32(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocCached(&p, SIZE_MAX, ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(NULL, p);
}

TEST_HARNESS_MAIN
