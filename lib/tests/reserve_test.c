// SPDX-License-Identifier: MIT
/*
 * Description: aclrtReserveMemAddress and aclrtReleaseMemAddress, checked
 * against CANN (hicann/runtime memory.cpp, hicann/driver devmm_svm.c and
 * the heaps behind it).
 *
 * Reserve: a NULL virPtr, size 0 and flags other than 0/1 are 100000 (acl
 * checks, before anything else); a non-zero alignment is 107000; an
 * expectPtr that is not 2 MiB-aligned, not aligned to the power of two at
 * or above the size (sizes between 2 MiB and 512 MiB) or not 1 GiB-aligned
 * (above 512 MiB) is 107000; an expectPtr inside a reservation is 507899;
 * more than the 8 TiB a reservation may span is 207001. The output is left
 * alone by the argument checks. expectPtr is strict: a free one is the
 * answer, exactly. Without one the address is 2 MiB-aligned, 1 GiB-aligned
 * above 512 MiB. Sizes below 2 MiB reserve 2 MiB, other sizes are rounded
 * up to a multiple of 2 MiB (a handle of the rounded size maps there).
 * flags 0 and 1 behave the same. No page is taken, the range is PROT_NONE
 * until mapped, no context is needed.
 *
 * Release: NULL is 100000; anything but the start of a live reservation
 * (inside one, twice, an aclrtMalloc pointer, the inside of a reservation
 * above 512 MiB) is 107000; a reservation with a mapping in it is 507899
 * and stays as it was. Released space is given back to the process.
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

#define POISON	((void *)(uintptr_t)0x5a5a)

/*
 * Reserve fails an argument check with @code: the output is not written
 * (hicann/driver devmm_svm.c halMemAddressReserve checks its arguments
 * before it stores expectPtr in *ptr).
 */
#define EXPECT_RESERVE_FAILS(code, size, align, expect, flags) do {	\
	void *__p = POISON;						\
	aclError __rc = aclrtReserveMemAddress(&__p, size, align,	\
					       expect, flags);		\
	EXPECT_EQ(code, __rc) {						\
		TH_LOG("size %zu alignment %zu expectPtr %p flags %llu", \
		       (size_t)(size), (size_t)(align), (void *)(expect), \
		       (unsigned long long)(flags));			\
	}								\
	if (__rc == ACL_SUCCESS)					\
		aclrtReleaseMemAddress(__p);				\
	else								\
		EXPECT_EQ(POISON, __p);					\
} while (0)

/* Reserve is refused by the heap with @code (the output is not looked at). */
#define EXPECT_RESERVE_REFUSED(code, size, expect, flags) do {		\
	void *__p = NULL;						\
	aclError __rc = aclrtReserveMemAddress(&__p, size, 0, expect,	\
					       flags);			\
	EXPECT_EQ(code, __rc) {						\
		TH_LOG("size %zu expectPtr %p flags %llu",		\
		       (size_t)(size), (void *)(expect),		\
		       (unsigned long long)(flags));			\
	}								\
	if (__rc == ACL_SUCCESS)					\
		aclrtReleaseMemAddress(__p);				\
} while (0)

/* Reserve at @want must give exactly @want. */
static void reserve_exactly(struct __test_metadata *_metadata, void *want,
			    size_t size, uint64_t flags)
{
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, size, 0, want, flags)) {
		TH_LOG("size %zu at %p", size, want);
	}
	EXPECT_EQ(want, p) {
		TH_LOG("size %zu: asked for %p, got %p", size, want, p);
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

static bool overlap(void *a, size_t alen, void *b, size_t blen)
{
	uintptr_t as = (uintptr_t)a, bs = (uintptr_t)b;

	return as < bs + blen && bs < as + alen;
}

/* ---- argument checks ----------------------------------------------------- */

TEST_F(res, null_virptr_is_100000)
{
	/* hicann/runtime memory.cpp aclrtReserveMemAddressImpl: virPtr first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddress(NULL, SZ_2M, 0, NULL, 0));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	/* before the size, flags and driver checks */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddress(NULL, 0, SZ_2M, NULL, 7));
}

TEST_F(res, size_zero_is_100000)
{
	/* hicann/runtime memory.cpp aclrtReserveMemAddressImpl: size > 0 */
	EXPECT_RESERVE_FAILS(ACL_ERROR_INVALID_PARAM, 0, 0, NULL, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_INVALID_PARAM, 0, 0, NULL, 1);
	/* acl checks come before the driver's alignment check */
	EXPECT_RESERVE_FAILS(ACL_ERROR_INVALID_PARAM, 0, SZ_2M, NULL, 0);
}

TEST_F(res, flags_other_than_0_and_1_are_100000)
{
	static const uint64_t bad[] = {
		2, 3, 0xff, 0x100, 0x200, 0x201, 1ULL << 32, 1ULL << 63,
	};
	size_t i;

	/* hicann/runtime memory.cpp aclrtReserveMemAddressImpl: flags 0 or 1 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_RESERVE_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, 0, NULL,
				     bad[i]);
	/* acl checks come before the driver's alignment check */
	EXPECT_RESERVE_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, SZ_2M, NULL, 2);
}

TEST_F(res, alignment_nonzero_is_107000)
{
	static const size_t bad[] = { 1, 3, SZ_4K, SZ_2M, SZ_1G, SIZE_MAX };
	size_t i;

	/*
	 * hicann/driver devmm_svm.c devmm_mem_address_reserve_para_check:
	 * alignment is reserved, only 0 (DRV_ERROR_INVALID_VALUE)
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, bad[i],
				     NULL, 0);
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_1G, bad[i],
				     NULL, 1);
	}
	/* checked before expectPtr */
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, SZ_2M,
			     (void *)(uintptr_t)(SZ_2M + SZ_4K), 0);
}

/* More than a reservation may span (8 TiB), or than there is at all. */
TEST_F(res, beyond_8t_is_207001)
{
	static const size_t big[] = {
		((size_t)8 << 40) + SZ_2M, (size_t)1 << 50, SIZE_MAX,
	};
	size_t i;

	/*
	 * hicann/driver devmm_svm.c devmm_alloc_managed: bytesize above
	 * max_conti_size is DRV_ERROR_OUT_OF_MEMORY
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(big); i++) {
		EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_MEMORY_ALLOCATION, big[i],
				       NULL, 0);
		EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_MEMORY_ALLOCATION, big[i],
				       NULL, 1);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- expectPtr alignment ------------------------------------------------- */

TEST_F(res, expect_ptr_not_2m_aligned_is_107000)
{
	char *base = acl_free_range(SZ_1G, SZ_1G);

	ASSERT_NE(NULL, base);
	/*
	 * hicann/driver devmm_svm.c devmm_mem_address_reserve_addr_size_check:
	 * up to 512 MiB expectPtr must be 2 MiB-aligned
	 */
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0, base + 1, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0,
			     base + SZ_4K, 1);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, 0,
			     base + SZ_1M, 0);
	/* the size below 2 MiB does not lower the alignment needed */
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_4K, 0,
			     base + SZ_4K, 0);
	EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, 512, 0,
			     base + SZ_1M, 1);
}

/* Between 2 MiB and 512 MiB: aligned to the next power of two. */
TEST_F(res, expect_ptr_needs_power_of_two_alignment)
{
	static const struct {
		size_t size, align;
	} c[] = {
		{ 2 * SZ_2M, 2 * SZ_2M },
		{ SZ_2M + SZ_4K, 2 * SZ_2M },
		{ 3 * SZ_2M, 4 * SZ_2M },
		{ 5 * SZ_2M, 8 * SZ_2M },
		{ 64 * SZ_1M, 64 * SZ_1M },
		{ 300 * SZ_1M, 512 * SZ_1M },
		{ 512 * SZ_1M, 512 * SZ_1M },
	};
	char *base = acl_free_range(SZ_1G, SZ_1G);
	size_t i;

	ASSERT_NE(NULL, base);
	for (i = 0; i < ACL_ARRAY_SIZE(c); i++) {
		/*
		 * hicann/driver devmm_svm.c
		 * devmm_mem_address_reserve_addr_size_check: above 2 MiB
		 * expectPtr is aligned to 1 << order of the size
		 */
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, c[i].size, 0,
				     base + c[i].align / 2, i & 1);
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, c[i].size, 0,
				     base + SZ_2M, 0);
		/* at that alignment it is taken, exactly */
		reserve_exactly(_metadata, base + c[i].align, c[i].size, i & 1);
		if (c[i].align < SZ_1G / 2)
			reserve_exactly(_metadata, base + 3 * c[i].align,
					c[i].size, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Above 512 MiB: 1 GiB-aligned. */
TEST_F(res, expect_ptr_above_512m_needs_1g_alignment)
{
	static const size_t sizes[] = {
		512 * SZ_1M + SZ_2M, SZ_1G - SZ_2M, SZ_1G, SZ_1G + SZ_2M,
	};
	char *base = acl_free_range(4 * SZ_1G, SZ_1G);
	size_t i;

	ASSERT_NE(NULL, base);
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		/*
		 * hicann/driver devmm_svm.c
		 * devmm_mem_address_reserve_addr_size_check: above
		 * DEVMM_LARGE_MEM_THRESHOLD_SIZE expectPtr is 1 GiB-aligned
		 */
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, sizes[i], 0,
				     base + SZ_2M, 0);
		EXPECT_RESERVE_FAILS(ACL_ERROR_RT_PARAM_INVALID, sizes[i], 0,
				     base + SZ_1G / 2, 1);
		reserve_exactly(_metadata, base + SZ_1G, sizes[i], i & 1);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- expectPtr is strict ------------------------------------------------- */

TEST_F(res, expect_ptr_free_is_the_answer)
{
	static const size_t sizes[] = { 1, SZ_1M, SZ_2M, 8 * SZ_2M, SZ_1G,
					2 * SZ_1G };
	size_t i;

	/*
	 * hicann/driver devmm_svm.c halMemAddressReserve: expectPtr is the
	 * start of the allocation from the heap, not a hint
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		size_t align = sizes[i] < SZ_2M ? SZ_2M : sizes[i];
		char *want = acl_free_range(2 * align, align);

		ASSERT_NE(NULL, want);
		reserve_exactly(_metadata, want, sizes[i], 0);
		reserve_exactly(_metadata, want + align, sizes[i], 1);
	}
}

TEST_F(res, expect_ptr_in_a_reservation_is_507899)
{
	char *base = acl_free_range(16 * SZ_2M, 16 * SZ_2M), *a = NULL;

	ASSERT_NE(NULL, base);
	/* a = [base + 8 MiB, base + 16 MiB) */
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&a, 4 * SZ_2M,
						      0, base + 4 * SZ_2M, 0));
	ASSERT_EQ(base + 4 * SZ_2M, a);

	/*
	 * hicann/driver devmm_virt_interface.c devmm_alloc_from_normal_heap:
	 * a taken range is DEVMM_ADDR_BUSY, DRV_ERROR_BUSY
	 */
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M, a, 0);
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M,
			       a + 3 * SZ_2M, 1);
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_1M,
			       a + SZ_2M, 0);
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, 2 * SZ_2M,
			       a + 2 * SZ_2M, 0);
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, 4 * SZ_2M, a,
			       1);
	/* a range that starts free and runs into it */
	EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, 8 * SZ_2M,
			       base, 0);
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	/* the reservation is as it was; nothing new was reserved */
	EXPECT_EQ(SIGSEGV, acl_probe(a, ACL_PROBE_READ));
	EXPECT_FALSE(acl_va_held(base));
	EXPECT_FALSE(acl_va_held(base + 4 * SZ_2M - SZ_4K));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(a));
	/* and free again afterwards */
	reserve_exactly(_metadata, base, 8 * SZ_2M, 0);
}

/* ---- what is reserved ---------------------------------------------------- */

/* Below 2 MiB: a 2 MiB reservation (torch_npu's probe reserves 512 bytes). */
TEST_F(res, below_2m_reserves_2m)
{
	static const size_t sizes[] = { 1, 512, SZ_4K, SZ_1M, SZ_2M - SZ_4K };
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		char *p = NULL;

		/*
		 * hicann/driver devmm_svm.c halMemAddressReserve: below
		 * DEVMM_MEM_ALLOC_MINIMUN_GRANULARITY real_size is 2 MiB
		 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress((void **)&p, sizes[i], 0,
						 NULL, i & 1));
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(acl_aligned(p, SZ_2M)) {
			TH_LOG("size %zu at %p", sizes[i], p);
		}
		EXPECT_TRUE(acl_va_held(p + SZ_2M - SZ_4K)) {
			TH_LOG("size %zu: the end of 2 MiB at %p is not held",
			       sizes[i], p);
		}
		/* the whole 2 MiB is a reservation: no expectPtr in it */
		EXPECT_RESERVE_REFUSED(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M,
				       p, 0);
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
		EXPECT_FALSE(acl_va_held(p));
	}
}

/* Sizes are rounded up to 2 MiB: a handle of the rounded size maps there. */
TEST_F(res, size_rounded_up_to_2m)
{
	static const size_t sizes[] = {
		SZ_2M + 1, SZ_2M + SZ_4K, 3 * SZ_1M, 5 * SZ_1M + 123,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		size_t rounded = (sizes[i] + SZ_2M - 1) & ~(SZ_2M - 1);
		aclrtDrvMemHandle h = NULL;
		char *p = NULL;

		/*
		 * hicann/driver devmm_virt_com_heap.c devmm_alloc_from_tree:
		 * the size is aligned up to the reserve heap's 2 MiB chunk
		 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress((void **)&p, sizes[i], 0,
						 NULL, i & 1));
		EXPECT_TRUE(acl_aligned(p, SZ_2M));
		EXPECT_TRUE(acl_va_held(p + rounded - SZ_4K));
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, rounded));
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, rounded, 0, h, 0)) {
			TH_LOG("size %zu: %zu do not map", sizes[i], rounded);
		}
		acl_fill(p, rounded, i + 1);
		ACL_ASSERT_PATTERN(p, rounded, i + 1);
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(res, up_to_512m_is_2m_aligned)
{
	static const size_t sizes[] = {
		SZ_2M, 2 * SZ_2M, 3 * SZ_2M, 64 * SZ_1M, 512 * SZ_1M,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *p = NULL;

		/*
		 * hicann/driver devmm_virt_interface.c
		 * devmm_alloc_from_normal_heap: 2 MiB chunks of a 1 GiB heap
		 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, sizes[i], 0, NULL, i & 1));
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(acl_aligned(p, SZ_2M)) {
			TH_LOG("size %zu at %p", sizes[i], p);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
}

/* Address space only: no page is taken for a large reservation. */
TEST_F(res, above_512m_is_1g_aligned)
{
	static const size_t sizes[] = {
		512 * SZ_1M + SZ_2M, SZ_1G, SZ_1G + SZ_2M, 2 * SZ_1G,
		64 * SZ_1G,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *p = NULL;

		/*
		 * hicann/driver devmm_virt_base_heap.c
		 * devmm_virt_set_alloced_mem_struct: above 512 MiB the base
		 * heap hands out 1 GiB-aligned VA
		 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, sizes[i], 0, NULL, i & 1));
		EXPECT_TRUE(acl_aligned(p, SZ_1G)) {
			TH_LOG("size %zu at %p", sizes[i], p);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* flags 1 is kept for compatibility: the page size comes from the size. */
TEST_F(res, flags_0_and_1_reserve_alike)
{
	static const size_t sizes[] = { 512, SZ_2M, 3 * SZ_1M, SZ_1G };
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		size_t align = sizes[i] >= SZ_1G ? SZ_1G : SZ_2M;
		size_t held = sizes[i] < SZ_2M ? SZ_2M :
			      (sizes[i] + SZ_2M - 1) & ~(SZ_2M - 1);
		char *p0 = NULL, *p1 = NULL;

		/*
		 * hicann/driver devmm_svm.c halMemAddressReserve: the heap
		 * (DV_ADVISE_HUGEPAGE) follows the size, flags only pass
		 * devmm_mem_address_reserve_para_check
		 */
		ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&p0,
						sizes[i], 0, NULL, 0));
		ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&p1,
						sizes[i], 0, NULL, 1));
		EXPECT_TRUE(acl_aligned(p0, align));
		EXPECT_TRUE(acl_aligned(p1, align));
		EXPECT_TRUE(acl_va_held(p0 + held - SZ_4K));
		EXPECT_TRUE(acl_va_held(p1 + held - SZ_4K));
		EXPECT_FALSE(overlap(p0, held, p1, held));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p0));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p1));
	}
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
	ACL_EXPECT_POOLS_BACK(&self->base);
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

/* Nothing here needs aclInit, a device or a context. */
TEST_F(res, no_context_needed)
{
	int32_t dev;
	void *p = NULL;

	ASSERT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* ---- release ------------------------------------------------------------- */

TEST_F(res, release_null_is_100000)
{
	/* hicann/runtime memory.cpp aclrtReleaseMemAddressImpl: virPtr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtReleaseMemAddress(NULL));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST_F(res, release_not_a_reservation_start_is_107000)
{
	char *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	/*
	 * hicann/driver devmm_virt_com_heap.c
	 * devmm_get_and_erase_alloced_mem_node: only the exact start of a
	 * reservation is freed
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p + SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p + 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress(p + 4 * SZ_2M - SZ_4K));
	/* hicann/driver devmm_svm.c halMemAddressFree: not an allocated heap */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress((void *)(uintptr_t)SZ_2M));
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	/* the failed calls did not touch the reservation */
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_TRUE(acl_va_held(p + 3 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(res, release_twice_is_107000)
{
	int i;

	for (i = 0; i < 64; i++) {
		void *p = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress(&p, (1 + i % 5) * SZ_2M, 0,
						 NULL, i & 1));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
		/*
		 * hicann/driver devmm_virt_com_heap.c devmm_free_mem: no
		 * allocated node there any more
		 */
		ASSERT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtReleaseMemAddress(p));
	}
}

TEST_F(res, release_of_aclrt_malloc_memory_is_107000)
{
	void *d = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&d, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	/*
	 * hicann/driver devmm_svm.c halMemAddressFree: the heap's sub-type
	 * is not SUB_RESERVE_TYPE
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Above 512 MiB the reservation is a heap of its own: only its start. */
TEST_F(res, release_inside_above_512m_is_107000)
{
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_1G, 0, NULL, 0));
	/*
	 * hicann/driver devmm_virt_base_heap.c devmm_free_to_base_heap: ptr
	 * is not the heap start
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p + SZ_1G));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p + SZ_2M));
	EXPECT_TRUE(acl_va_held(p + SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* Above 512 MiB as well (the base heap's free_ops fail). */
TEST_F(res, release_while_mapped_above_512m_is_507899)
{
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_1G, SZ_1G - SZ_2M, SZ_2M, NULL);
	/*
	 * hicann/driver devmm_virt_base_heap.c devmm_free_to_base_heap: the
	 * mapped page's reference fails the free, DRV_ERROR_IOCRL_FAIL
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtReleaseMemAddress(m.resv));
	EXPECT_TRUE(acl_va_held(m.resv));
	EXPECT_EQ(0, acl_probe(m.p + SZ_2M - 8, ACL_PROBE_WRITE));
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(res, release_while_mapped_is_507899)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	/* mapped in the middle, not at the start */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, SZ_2M, 0, h, 0));
	acl_fill(p + SZ_2M, SZ_2M, 5);

	/*
	 * hicann/driver svm_heap_mng.c devmm_set_page_ref_free: a mapped page
	 * is -EBUSY, DRV_ERROR_BUSY; devmm_virt_com_heap.c
	 * devmm_free_nocache_mem_process puts the node back
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtReleaseMemAddress(p));
	/* the handle freed, still mapped: the same */
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtReleaseMemAddress(p));

	/* still reserved and mapped, data intact; the rest takes maps */
	ACL_ASSERT_PATTERN(p + SZ_2M, SZ_2M, 5);
	EXPECT_TRUE(acl_va_held(p));
	EXPECT_TRUE(acl_va_held(p + 4 * SZ_2M - SZ_4K));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + 3 * SZ_2M, SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + 3 * SZ_2M));
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

/*
 * Many reservations at once: each is held, and released, on its own. A few
 * thousand mmap calls: slow under a KASAN kernel in TCG, hence the time.
 */
TEST_F_TIMEOUT(res, many_reservations, 180)
{
	enum { N = 500 };
	char **p = calloc(N, sizeof(*p));
	size_t i, k;

	ASSERT_NE(NULL, p);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtReserveMemAddress((void **)&p[i],
						 (1 + i % 3) * SZ_2M, 0, NULL,
						 i & 1)) {
			TH_LOG("reservation %zu", i);
		}
	}
	for (i = 0; i < N; i++)
		ASSERT_TRUE(acl_va_held(p[i] + (1 + i % 3) * SZ_2M - SZ_4K));
	/* release in a scattered order, checking a neighbour each time */
	for (k = 0; k < N; k++) {
		i = (k * 379) % N;
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p[i]));
		EXPECT_FALSE(acl_va_held(p[i]));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtReleaseMemAddress(p[i]));
		if (k + 1 < N)
			ASSERT_TRUE(acl_va_held(p[((k + 1) * 379) % N]));
	}
	free(p);
}

/*
 * aclrtReserveMemAddressNoUCMemory: memory.cpp
 * aclrtReserveMemAddressNoUCMemoryImpl asks for MEM_RSV_TYPE_REMOTE_MAP;
 * devmm_svm.c halMemAddressReserve serves it at expectPtr only, in whole
 * GiB (svm_da_alloc, svm_da_fixed_va_mmap). It maps like any reservation
 * and is released by aclrtReleaseMemAddress.
 */
TEST_F(res, nouc_reserves_at_expect_ptr)
{
	void *want = acl_free_range(2 * SZ_1G, SZ_1G);
	aclrtDrvMemHandle h;
	char *p = POISON;

	ASSERT_NE(NULL, want);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddressNoUCMemory((void **)&p,
							       2 * SZ_1G, 0,
							       want, 1));
	ASSERT_EQ(want, (void *)p);
	EXPECT_TRUE(acl_va_held(p + 2 * SZ_1G - SZ_4K));
	/* PROT_NONE until mapped, and no page taken */
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ACL_EXPECT_IN_USE(&self->base, 0, 0);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_1G, SZ_2M, 0, h, 0));
	acl_fill(p + SZ_1G, SZ_2M, 9);
	ACL_ASSERT_PATTERN(p + SZ_1G, SZ_2M, 9);
	/* svm_master_mem_map.c: still no releasing while mapped */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReleaseMemAddress(p + SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_FALSE(acl_va_held(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(res, nouc_errors)
{
	void *want = acl_free_range(SZ_1G, SZ_1G);
	char *other = NULL;
	char *p = POISON;

	ASSERT_NE(NULL, want);
	/* memory.cpp: the acl layer's checks */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddressNoUCMemory(NULL, SZ_1G, 0, want, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, 0, 0, want,
						   0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 0, want,
						   2));
	/* ... before the driver's: a bad alignment with size 0 is 100000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, 0, 1, NULL, 0));
	/* devmm_mem_address_reserve_para_check */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 1, want,
						   0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 0,
						   (char *)want + SZ_2M, 0));
	/* MEM_RSV_TYPE_REMOTE_MAP needs a given address */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 0, NULL,
						   0));
	/* svm_da_alloc: whole GiB, also for sizes below 2 MiB */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_2M, 0, want,
						   0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, 4096, 0, want,
						   0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtReserveMemAddressNoUCMemory((void **)&p,
						   SZ_1G + SZ_2M, 0, want, 0));
	EXPECT_EQ(POISON, p);
	EXPECT_FALSE(acl_va_held(want));
	/* svm_da_fixed_va_mmap: a taken range, DRV_ERROR_OUT_OF_MEMORY */
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&other, SZ_1G,
						      0, want, 0));
	EXPECT_EQ(ACL_ERROR_RT_MEMORY_ALLOCATION,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 0, want,
						   0));
	EXPECT_EQ(POISON, p);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(other));
}

TEST_HARNESS_MAIN
