// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemGetAddressRange, checked against CANN
 * (hicann/runtime memory.cpp, api_error.cc, npu_driver.cc; hicann/driver
 * devmm_svm.c halMemGetAddressRange).
 *
 * A NULL ptr is 100000; pbase and psize both NULL is 107000, either one
 * alone may be NULL. In reserved address space the answer is the mapping
 * (one aclrtMapMem call) that holds ptr, found from any address inside it,
 * with the size that was mapped; a reservation's unmapped part, a released
 * reservation and any other address are 107000, and a failure still
 * writes NULL to *pbase. aclrtMalloc and aclrtMallocHost memory gives the
 * allocation: its start, and a size that covers what was asked for (for
 * aclrtMalloc with acl's 32 bytes of padding; above 512 MiB a 1 GiB-aligned
 * heap of whole GiB).
 */
#include "acl_test_utils.h"

#define POISON_PTR	((void *)(uintptr_t)0x5a5a)
#define POISON_SIZE	((size_t)0x5a5a)

FIXTURE(range) {
	struct acl_pools base;
};

FIXTURE_SETUP(range)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(range)
{
}

/* The range at @p is [@want, @want + @size). */
#define EXPECT_RANGE(p, want, want_size) do {				\
	void *__b = POISON_PTR;						\
	size_t __s = POISON_SIZE;					\
	EXPECT_EQ(ACL_SUCCESS,						\
		  aclrtMemGetAddressRange((void *)(p), &__b, &__s)) {	\
		TH_LOG("at %p", (void *)(p));				\
	}								\
	EXPECT_EQ((void *)(want), __b) {				\
		TH_LOG("at %p", (void *)(p));				\
	}								\
	EXPECT_EQ((size_t)(want_size), __s) {				\
		TH_LOG("at %p", (void *)(p));				\
	}								\
} while (0)

/*
 * No range at @p: 107000; hicann/runtime npu_driver.cc
 * NpuDriver::MemGetAddressRange writes the driver's 0 to *pbase even then,
 * *psize is left alone.
 */
#define EXPECT_NO_RANGE(p) do {						\
	void *__b = POISON_PTR;						\
	size_t __s = POISON_SIZE;					\
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,				\
		  aclrtMemGetAddressRange((void *)(p), &__b, &__s)) {	\
		TH_LOG("at %p", (void *)(p));				\
	}								\
	EXPECT_EQ(NULL, __b);						\
	EXPECT_EQ(POISON_SIZE, __s);					\
} while (0)

TEST_F(range, null_ptr_is_100000)
{
	void *b = POISON_PTR;
	size_t s = POISON_SIZE;

	/* hicann/runtime memory.cpp aclrtMemGetAddressRangeImpl: ptr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAddressRange(NULL, &b, &s));
	/* before the output checks of the runtime */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAddressRange(NULL, NULL, NULL));
	EXPECT_EQ(POISON_PTR, b);
	EXPECT_EQ(POISON_SIZE, s);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST_F(range, both_outputs_null_is_107000)
{
	struct acl_mapped m;
	int local;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/runtime api_error.cc ApiErrorDecorator::MemGetAddressRange:
	 * pbase and psize cannot both be NULL (RT_ERROR_INVALID_VALUE)
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(m.p, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(m.p + SZ_2M, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(&local, NULL, NULL));
	acl_map_done(_metadata, &m);
}

TEST_F(range, either_output_may_be_null)
{
	void *b = POISON_PTR;
	size_t s = POISON_SIZE;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 4 * SZ_2M, 2 * SZ_2M, 2 * SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c halMemGetAddressRange: each output is
	 * written when it is there
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAddressRange(m.p + SZ_2M, &b, NULL));
	EXPECT_EQ(m.p, b);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAddressRange(m.p + SZ_2M, NULL, &s));
	EXPECT_EQ(2 * SZ_2M, s);
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The mapping, not the reservation, from any address inside it. */
TEST_F(range, mapping_found_from_any_address_inside)
{
	static const size_t off[] = { 0, 1, SZ_4K, SZ_2M, 2 * SZ_2M - 1 };
	struct acl_mapped m;
	size_t i;

	acl_map_new(_metadata, &m, 8 * SZ_2M, 2 * SZ_2M, 2 * SZ_2M, NULL);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_resv_addr_info_query:
	 * the vmma that holds the address
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(off); i++)
		EXPECT_RANGE(m.p + off[i], m.p, 2 * SZ_2M);
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Adjacent mappings, and one handle at two places, are separate ranges. */
TEST_F(range, each_mapping_is_its_own_range)
{
	aclrtDrvMemHandle h1 = NULL, h2 = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 6 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h1, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, 2 * SZ_2M, 0, h2, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + 3 * SZ_2M, 2 * SZ_2M, 0, h2, 0));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_resv_addr_info_query:
	 * the vmma that holds the address
	 */
	EXPECT_RANGE(p + SZ_2M - 1, p, SZ_2M);
	EXPECT_RANGE(p + SZ_2M, p + SZ_2M, 2 * SZ_2M);
	EXPECT_RANGE(p + 3 * SZ_2M - 1, p + SZ_2M, 2 * SZ_2M);
	EXPECT_RANGE(p + 3 * SZ_2M, p + 3 * SZ_2M, 2 * SZ_2M);
	EXPECT_NO_RANGE(p + 5 * SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	EXPECT_NO_RANGE(p + SZ_2M);
	EXPECT_RANGE(p + 4 * SZ_2M, p + 3 * SZ_2M, 2 * SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + 3 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* A mapping of the first bytes of a handle is as long as it was made. */
TEST_F(range, partial_mapping_has_the_mapped_size)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 3 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_vmma_info_pack: the
	 * vmma is as long as the map call made it
	 */
	EXPECT_RANGE(p + 100, p, SZ_2M);
	EXPECT_NO_RANGE(p + SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* In a reservation above 512 MiB (1 GiB heap) too. */
TEST_F(range, mapping_in_a_large_reservation)
{
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 2 * SZ_1G, SZ_1G + SZ_2M, SZ_2M, NULL);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_resv_addr_info_query:
	 * the vmma that holds the address
	 */
	EXPECT_RANGE(m.p + 4 * SZ_4K, m.p, SZ_2M);
	EXPECT_NO_RANGE(m.resv);
	EXPECT_NO_RANGE(m.resv + SZ_1G);
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(range, unmapped_reserved_space_is_107000)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_resv_addr_info_query:
	 * no vmma there, start 0; devmm_svm.c halMemGetAddressRange:
	 * DRV_ERROR_INVALID_VALUE
	 */
	EXPECT_NO_RANGE(p);
	EXPECT_NO_RANGE(p + 4 * SZ_2M - 1);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, SZ_2M, 0, h, 0));
	EXPECT_NO_RANGE(p + SZ_2M - 1);
	EXPECT_NO_RANGE(p + 2 * SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	EXPECT_NO_RANGE(p + SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_NO_RANGE(p);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(range, other_addresses_are_107000)
{
	void *heap = malloc(64);
	int local;

	ASSERT_NE(NULL, heap);
	/* hicann/driver devmm_virt_com_heap.c devmm_get_svm_va_info: not SVM */
	EXPECT_NO_RANGE(&local);
	EXPECT_NO_RANGE(heap);
	EXPECT_NO_RANGE((void *)(uintptr_t)SZ_4K);
	EXPECT_NO_RANGE((void *)(uintptr_t)-SZ_4K);
	free(heap);
}

/* aclrtMalloc memory: the allocation. */
TEST_F(range, aclrt_malloc_gives_the_allocation)
{
	static const size_t sizes[] = { 100, SZ_1M, SZ_2M, 3 * SZ_2M + 5 };
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *b = NULL;
		size_t s = 0;
		char *d = NULL;

		ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&d, sizes[i],
						   ACL_MEM_MALLOC_HUGE_FIRST));
		/*
		 * hicann/driver devmm_virt_com_heap.c devmm_get_addr_info:
		 * the allocation's node start and size
		 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAddressRange(d + sizes[i] / 2, &b, &s));
		EXPECT_EQ(d, b);
		/*
		 * aclmem: the size rounded up to the 2 MiB page, without
		 * the padding of hicann/runtime memory.cpp
		 * GetAlignedAndPaddingSize (lib/README.md, differences)
		 */
		EXPECT_EQ((sizes[i] + SZ_2M - 1) / SZ_2M * SZ_2M, s) {
			TH_LOG("aclrtMalloc(%zu): %zu", sizes[i], s);
		}
		EXPECT_RANGE(d, d, s);
		EXPECT_RANGE(d + sizes[i] - 1, d, s);
		ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
		EXPECT_NO_RANGE(d);
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Above 512 MiB aclrtMalloc memory is a heap of its own, of whole GiB. */
TEST_F_TIMEOUT(range, aclrt_malloc_above_512m_is_a_1g_heap, 120)
{
	void *b = NULL;
	size_t s = 0;
	char *d = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&d, 600 * SZ_1M,
					   ACL_MEM_MALLOC_HUGE_ONLY));
	/*
	 * hicann/driver devmm_virt_com_heap.c devmm_get_addr_info: a primary
	 * heap answers with its start and end; devmm_virt_base_heap.c
	 * devmm_virt_set_alloced_mem_struct rounds it up to 1 GiB
	 */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAddressRange(d + 300 * SZ_1M, &b, &s));
	EXPECT_EQ(d, b);
	EXPECT_EQ(SZ_1G, s);
	EXPECT_TRUE(acl_aligned(d, SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	EXPECT_NO_RANGE(d);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* aclrtMallocHost memory: the allocation (aclmem decision, lib/README.md). */
TEST_F(range, aclrt_malloc_host_gives_the_allocation)
{
	static const size_t sizes[] = { 100, 100000, SZ_2M };
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		void *b = NULL;
		size_t s = 0;
		char *hp = NULL;

		/*
		 * hicann/runtime api_impl.cc ApiImpl::HostMalloc: halMemAlloc
		 * of host memory, found by devmm_svm.c halMemGetAddressRange
		 */
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&hp, sizes[i]));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAddressRange(hp + sizes[i] - 1, &b, &s));
		EXPECT_EQ(hp, b);
		EXPECT_LE(sizes[i], s);
		EXPECT_RANGE(hp, hp, s);
		ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(hp));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
