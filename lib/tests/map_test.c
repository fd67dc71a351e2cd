// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMapMem, aclrtMemMapNoAccess, aclrtUnmapMem,
 * aclrtMemRetainAllocationHandle, aclrtMemSetAccess and aclrtMemGetAccess,
 * checked against CANN (hicann/runtime memory.cpp, api_error.cc;
 * hicann/driver devmm_svm.c halMemMap and friends, the kernel's
 * svm_master_mem_map.c and svm_mem_map.c).
 *
 * MapMem, and MemMapNoAccess with the same checks: a NULL virPtr or
 * handle, size 0 and flags are 100000; an offset other than 0 is 107000;
 * a handle that is not live is 107017 (aclmem decision). In the kernel,
 * 507899: an address or size that is not a multiple of 2 MiB, an address
 * outside a reservation (never reserved, released, aclrtMalloc memory),
 * a range running past its reservation or into the next one, over a
 * mapping, a 2 MiB handle in a reservation made below 2 MiB, a 1 GiB
 * handle at an address or size that is not a multiple of 1 GiB. A size
 * above the handle's is 207001. Any 2 MiB-aligned address of a reservation
 * takes a mapping, and a size below the handle's maps its first bytes. A
 * reservation takes handles of one device, or of the host (HOST and
 * HOST_NUMA), from its first mapping on; others are 507899. A refused
 * call maps nothing. Data is zero at first, shared by every
 * mapping of a handle, kept across unmap and map; free while mapped keeps
 * the memory until the last unmap (a second free then is 107000).
 *
 * Unmap and Retain take only the start of a mapping (507899 otherwise, an
 * unmapped or twice unmapped one too); NULLs are 100000. Retain returns
 * the same handle with a reference that takes its own FreePhysical.
 *
 * SetAccess: a NULL virPtr or desc and count 0 are 107000; flags NONE and
 * READ are 207000, other values but READWRITE 107000; a HOST location
 * with id != 0, a DEVICE id from 64 up, any other type are 107000; every
 * desc is checked before any is applied. An address that is not in a
 * mapping, a range past the mapping, a device that is not there, a new
 * location on less than the whole mapping and the owner on less than the
 * whole mapping are 507899; the owner on the whole mapping is a no-op;
 * another device gets access (GetAccess 3) until the unmap; a HOST
 * location for a DEVICE handle is 207000. The descs are applied in order,
 * a later failure undoes none; count 2 sets both (aclmem decision).
 * MapNoAccess memory faults until its owner is set READWRITE on the whole
 * mapping.
 *
 * GetAccess: NULLs are 100000, a bad location 107000, an address outside
 * any mapping or a device that is not there 507899; the owner reads 3
 * (0 for MapNoAccess memory not set yet), other locations 0 until set.
 */
#include "acl_test_utils.h"

#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE
#define HOST	ACL_MEM_LOCATION_TYPE_HOST
#define NUMA	ACL_MEM_LOCATION_TYPE_HOST_NUMA
#define RW	ACL_RT_MEM_ACCESS_FLAGS_READWRITE
#define POISON_HANDLE	((aclrtDrvMemHandle)(uintptr_t)0x5a5a)
#define NO_FLAGS	((uint64_t)0xdead)

FIXTURE(map) {
	struct acl_pools base;
};

FIXTURE_SETUP(map)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(map)
{
}

typedef aclError (*map_fn)(void *, size_t, size_t, aclrtDrvMemHandle,
			   uint64_t);

static const struct {
	map_fn fn;
	const char *name;
} map_fns[] = {
	{ aclrtMapMem, "aclrtMapMem" },
	/* aclmem decision: MemMapNoAccess works, with MapMem's checks */
	{ aclrtMemMapNoAccess, "aclrtMemMapNoAccess" },
};

/* MapMem and MemMapNoAccess both fail with @code (a mapping made is undone). */
#define EXPECT_MAP_FAILS(code, va, size, offset, h, flags) do {	\
	size_t __m;							\
	for (__m = 0; __m < ACL_ARRAY_SIZE(map_fns); __m++) {		\
		aclError __rc = map_fns[__m].fn((void *)(va), size,	\
						offset, h, flags);	\
		EXPECT_EQ(code, __rc) {					\
			TH_LOG("%s(%p, %zu, %zu, %p, %llu)",		\
			       map_fns[__m].name, (void *)(va),		\
			       (size_t)(size), (size_t)(offset),	\
			       (void *)(h), (unsigned long long)(flags)); \
		}							\
		if (__rc == ACL_SUCCESS)				\
			aclrtUnmapMem((void *)(va));			\
	}								\
} while (0)

/* The access flags of @p for {@type, @id}; NO_FLAGS if the call failed. */
static uint64_t access_of(struct __test_metadata *_metadata, void *p,
			  aclrtMemLocationType type, uint32_t id)
{
	uint64_t flags = NO_FLAGS;

	EXPECT_EQ(ACL_SUCCESS, acl_get_access(p, type, id, &flags)) {
		TH_LOG("at %p for %d/%u", p, type, id);
	}
	return flags;
}

/* ---- map: success -------------------------------------------------------- */

TEST_F(map, map_write_read_unmap)
{
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_vmma_info_pack: the
	 * owner has READWRITE
	 */
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	ACL_ASSERT_ZERO(m.p, SZ_2M);
	acl_fill(m.p, SZ_2M, 11);
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 11);
	/* a child shares the mapping */
	EXPECT_EQ(0, acl_probe(m.p + 4096, ACL_PROBE_READ));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	/* unmapped: PROT_NONE again, still reserved */
	EXPECT_EQ(SIGSEGV, acl_probe(m.p, ACL_PROBE_READ));
	EXPECT_TRUE(acl_va_held(m.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p, SZ_2M, 0, m.h, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 11);
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Any 2 MiB-aligned address of a reservation takes a mapping. */
TEST_F(map, any_2m_aligned_address_in_a_reservation)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;
	size_t off;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 8 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	for (off = 0; off < 8 * SZ_2M; off += SZ_2M) {
		/*
		 * hicann/driver svm_master_mem_map.c
		 * devmm_ioctl_mem_map_para_check: any chunk-aligned va
		 * inside the reserved range
		 */
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + off, SZ_2M, 0, h, 0)) {
			TH_LOG("offset %zu", off);
		}
		*(volatile uint64_t *)(p + off + 8) = off + 1;
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + off));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + 3 * SZ_2M, SZ_2M, 0, h, 0));
	EXPECT_EQ(7 * SZ_2M + 1, *(volatile uint64_t *)(p + 3 * SZ_2M + 8));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + 3 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* A size below the handle's maps the handle's first bytes. */
TEST_F(map, smaller_size_maps_the_first_bytes)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL, *q = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 3 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&q, 3 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 3 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q, 3 * SZ_2M, 0, h, 0));
	acl_fill(q, 3 * SZ_2M, 3);

	/*
	 * hicann/driver svm_mem_map.c _devmm_mem_map: size / page pages of
	 * the handle, from its first
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 3);
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M, ACL_PROBE_READ));
	ACL_EXPECT_IN_USE(&self->base, 3, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, 2 * SZ_2M, 0, h, 0));
	ACL_ASSERT_PATTERN(p + SZ_2M, 2 * SZ_2M, 3);
	/* written there, read through the full mapping */
	acl_fill(p + SZ_2M, 2 * SZ_2M, 4);
	ACL_ASSERT_PATTERN(q, 2 * SZ_2M, 4);
	ACL_ASSERT_PATTERN_AT(q + 2 * SZ_2M, SZ_2M, 3, 2 * SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- map: argument checks ------------------------------------------------ */

TEST_F(map, null_args_size_0_and_flags_are_100000)
{
	aclrtDrvMemHandle h = NULL, dead = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&dead, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(dead));
	/*
	 * hicann/runtime memory.cpp aclrtMapMemImpl, aclrtMemMapNoAccessImpl:
	 * virPtr, handle, size, flags
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, NULL, SZ_2M, 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, SZ_2M, 0, NULL, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, 0, 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, SZ_2M, 0, h, 1);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, SZ_2M, 0, h, 2);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, SZ_2M, 0, h, 1ULL << 63);
	/* before the driver's offset and handle checks */
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, SZ_2M, SZ_2M, h, 1);
	EXPECT_MAP_FAILS(ACL_ERROR_INVALID_PARAM, p, 0, 0, dead, 0);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, offset_nonzero_is_107000)
{
	aclrtDrvMemHandle h = NULL, dead = NULL;
	char *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&dead, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(dead));
	/*
	 * hicann/driver devmm_svm.c devmm_mem_map_para_check: offset is
	 * reserved, only 0 (DRV_ERROR_INVALID_VALUE)
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p, 2 * SZ_2M, SZ_2M, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p, SZ_2M, SZ_2M, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p, 2 * SZ_2M, SZ_4K, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p, 2 * SZ_2M, 1, h, 0);
	/* before the handle check and the kernel's */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p, SZ_2M, SZ_2M, dead, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, p + SZ_4K, SZ_2M, SZ_2M,
			 h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_PARAM_INVALID, &local, SZ_2M, SZ_2M, h, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* aclmem decision: a handle that is not live is 107017 (CANN: undefined). */
TEST_F(map, dead_handle_is_107017)
{
	struct acl_mapped m;
	aclrtDrvMemHandle h;
	char *p;
	int local;

	acl_resv_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	p = m.resv;
	h = m.h;
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, p, SZ_2M, 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, p, SZ_2M, 0,
			 (aclrtDrvMemHandle)&local, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, p, SZ_2M, 0,
			 (aclrtDrvMemHandle)(uintptr_t)0xdead000, 0);
	/*
	 * hicann/driver devmm_svm.c devmm_mem_map_para_check: the handle is
	 * checked before the kernel sees the address
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, p + SZ_4K, SZ_2M, 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, &local, SZ_2M, 0, h, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, misaligned_address_is_507899)
{
	struct acl_mapped m;
	aclrtDrvMemHandle h;
	char *p;

	acl_resv_new(_metadata, &m, 4 * SZ_2M, 0, SZ_2M, NULL);
	p = m.resv;
	h = m.h;
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_map_para_check:
	 * va not a multiple of the heap's 2 MiB chunk, -EINVAL
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_4K, SZ_2M, 0,
			 h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_1M, SZ_2M, 0,
			 h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + 1, SZ_2M, 0, h, 0);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	acl_resv_done(_metadata, &m);
}

TEST_F(map, size_not_2m_multiple_is_507899)
{
	static const size_t bad[] = {
		1, SZ_4K, SZ_1M, SZ_2M - SZ_4K, SZ_2M + SZ_4K, 3 * SZ_1M,
	};
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_map_para_check:
	 * size not a multiple of the heap's 2 MiB chunk, -EINVAL
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, bad[i], 0,
				 h, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, outside_any_reservation_is_507899)
{
	static char local[4 * 1024 * 1024];
	aclrtDrvMemHandle h = NULL;
	char *p = NULL, *gone = NULL, *anon, *d = NULL;
	uintptr_t a;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_map_para_check:
	 * va not in an allocated heap, or past the reserved range, -EINVAL
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + 2 * SZ_2M, SZ_2M,
			 0, h, 0);
	/* a released reservation */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&gone, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(gone));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, gone, SZ_2M, 0, h, 0);
	/* plain process memory, 2 MiB-aligned */
	a = ((uintptr_t)local + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	if (a + SZ_2M <= (uintptr_t)local + sizeof(local))
		EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, a, SZ_2M, 0,
				 h, 0);
	anon = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	a = ((uintptr_t)anon + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, a, SZ_2M, 0, h, 0);
	munmap(anon, 2 * SZ_2M);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M, SZ_2M, 0, h, 0);
	/* aclrtMalloc memory: the heap's sub-type is not SUB_RESERVE_TYPE */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&d, 2 * SZ_2M,
					   ACL_MEM_MALLOC_HUGE_ONLY));
	a = ((uintptr_t)d + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, a, SZ_2M, 0, h, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, past_the_reservation_end_is_507899)
{
	struct acl_mapped m;
	aclrtDrvMemHandle h;
	char *p;

	acl_resv_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	p = m.resv;
	h = m.h;
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_map_para_check:
	 * size above the bytes reserved from va, -EINVAL (before the
	 * handle's size is looked at)
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_2M, 2 * SZ_2M,
			 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, 4 * SZ_2M, 0, h, 0);
	/* nothing was mapped, not even the part inside */
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	acl_resv_done(_metadata, &m);
}

/* Two adjacent reservations are still two: no mapping across both. */
TEST_F(map, across_two_reservations_is_507899)
{
	char *base = acl_free_range(2 * SZ_2M, 2 * SZ_2M), *p = NULL, *q = NULL;
	aclrtDrvMemHandle h = NULL;

	ASSERT_NE(NULL, base);
	/* expectPtr is strict: side by side */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, SZ_2M, 0, base, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&q, SZ_2M, 0,
						      base + SZ_2M, 0));
	ASSERT_EQ(base, p);
	ASSERT_EQ(base + SZ_2M, q);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_map_para_check:
	 * the mapping stays inside one reservation
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, 2 * SZ_2M, 0, h, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(q, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, over_a_mapping_is_507899)
{
	aclrtDrvMemHandle h2 = NULL, h3 = NULL;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 8 * SZ_2M, 0, 2 * SZ_2M, NULL);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h3, 2 * SZ_2M));
	acl_fill(m.p, 2 * SZ_2M, 21);

	/*
	 * hicann/driver svm_master_mem_map.c devmm_mem_map_pg_bitmap_state_set:
	 * pages already mapped, -EADDRINUSE
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, m.p, 2 * SZ_2M, 0,
			 m.h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, m.p, SZ_2M, 0, h2, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, m.p + SZ_2M, SZ_2M, 0,
			 h2, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, m.p + SZ_2M,
			 2 * SZ_2M, 0, h3, 0);
	/* the mapped data is untouched by the refusals */
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 21);
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p + SZ_2M, DEV, 0));
	/* and the part it overlapped is still free */
	EXPECT_EQ(SIGSEGV, acl_probe(m.p + 2 * SZ_2M, ACL_PROBE_READ));

	/* right after it is fine */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p + 2 * SZ_2M, SZ_2M, 0, h2, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem(m.p + 4 * SZ_2M, 2 * SZ_2M, 0, h3, 0));
	ACL_ASSERT_ZERO(m.p + 2 * SZ_2M, SZ_2M);
	ACL_ASSERT_ZERO(m.p + 4 * SZ_2M, 2 * SZ_2M);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 21);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p + 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p + 4 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h3));
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* A reservation takes handles of one device, or of the host, for good. */
TEST_F(map, one_device_or_host_per_reservation)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE, HOST, 0);
	aclrtPhysicalMemProp numa = acl_prop(ACL_DDR_MEM_HUGE, NUMA, 0);
	aclrtPhysicalMemProp dev1 = acl_prop(ACL_MEM_HUGE, DEV, 1);
	aclrtDrvMemHandle hd = NULL, hh = NULL, hn = NULL, h1 = NULL;
	char *p = NULL, *q = NULL;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&hd, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&hh, SZ_2M, &host, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&hn, SZ_2M, &numa, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h1, SZ_2M, &dev1, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&q, 4 * SZ_2M, 0, NULL, 0));

	/*
	 * hicann/driver svm_master_mem_map.c
	 * devmm_page_bitmap_mem_mapped_state_set: the reservation's first
	 * page keeps the devid of its first mapping, "Could only mem mapped
	 * by one side", -EINVAL
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, hd, 0));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_2M, SZ_2M, 0,
			 hh, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_2M, SZ_2M, 0,
			 hn, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_2M, SZ_2M, 0,
			 h1, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M, ACL_PROBE_READ));
	/* devmm_ioctl_mem_unmap leaves that devid: still only device 0 */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, SZ_2M, 0, hh, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + 3 * SZ_2M, SZ_2M, 0, hd, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + 3 * SZ_2M));

	/* host and HOST_NUMA handles are the host's: they share one */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q, SZ_2M, 0, hh, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q + SZ_2M, SZ_2M, 0, hn, 0));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, q + 2 * SZ_2M, SZ_2M,
			 0, hd, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q + SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hd));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hh));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hn));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* A reservation made below 2 MiB has normal pages: no 2 MiB handle. */
TEST_F(map, reservation_below_2m_takes_no_handle_507899)
{
	static const size_t sizes[] = { 512, SZ_4K, SZ_1M };
	aclrtDrvMemHandle h = NULL;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		char *p = NULL;

		ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&p,
						sizes[i], 0, NULL, i & 1));
		/*
		 * hicann/driver svm_mem_map.c devmm_mem_map_info_check: the
		 * VA's page type (normal) is not the handle's (huge), -EINVAL
		 */
		EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, SZ_2M, 0,
				 h, 0);
		EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
		ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, size_above_the_handle_is_207001)
{
	struct acl_mapped m;
	aclrtDrvMemHandle h;
	char *p;

	acl_resv_new(_metadata, &m, 8 * SZ_2M, 0, 2 * SZ_2M, NULL);
	p = m.resv;
	h = m.h;
	/*
	 * hicann/driver svm_phy_addr_blk_mng.c devmm_phy_addr_blk_get_pages:
	 * fewer pages than the size wants, -ENOMEM
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_MEMORY_ALLOCATION, p, 3 * SZ_2M, 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_MEMORY_ALLOCATION, p + 2 * SZ_2M,
			 6 * SZ_2M, 0, h, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p + 4 * SZ_2M, ACL_PROBE_READ));
	/* nothing was left behind: the whole handle maps there now */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	acl_resv_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(map, handle_1g_needs_1g_alignment, ACL_1G_TIMEOUT)
{
	aclrtPhysicalMemProp prop = acl_prop_1g();
	aclrtDrvMemHandle h = NULL, small = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_1G, 0, NULL, 1));
	ASSERT_TRUE(acl_aligned(p, SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_1G, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);

	/*
	 * hicann/driver svm_mem_map.c devmm_mem_map_info_check: a giant
	 * handle wants va and size 1 GiB-aligned, -EINVAL
	 */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_2M, SZ_1G, 0,
			 h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_1G / 2, SZ_1G,
			 0, h, 0);
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, SZ_2M, 0, h, 0);
	/* past the reservation: devmm_ioctl_mem_map_para_check */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p + SZ_1G, 2 * SZ_1G,
			 0, h, 0);
	/* more than the handle: devmm_phy_addr_blk_get_pages (207001) */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_MEMORY_ALLOCATION, p, 2 * SZ_1G, 0, h, 0);

	/* at both 1 GiB slots at once: one page, two mappings */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_1G, SZ_1G, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_1G, 0, h, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ACL_ASSERT_ZERO(p + SZ_1G, SZ_1G);
	acl_fill(p, SZ_1G, 131);
	ACL_ASSERT_PATTERN(p + SZ_1G, SZ_1G, 131);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_1G));

	/* a 2 MiB handle only needs 2 MiB alignment, even in there */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&small, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, SZ_2M, 0, small, 0));
	acl_fill(p + SZ_2M, SZ_2M, 132);
	ACL_ASSERT_PATTERN(p + SZ_2M, SZ_2M, 132);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(small));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- unmap --------------------------------------------------------------- */

TEST_F(map, unmap_null_is_100000)
{
	/* hicann/runtime memory.cpp aclrtUnmapMemImpl: virPtr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtUnmapMem(NULL));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST_F(map, unmap_not_a_mapping_start_is_507899)
{
	struct acl_mapped m;
	char *d = NULL;
	int local;

	acl_map_new(_metadata, &m, 4 * SZ_2M, 0, 2 * SZ_2M, NULL);
	acl_fill(m.p, 2 * SZ_2M, 31);
	/*
	 * hicann/driver devmm_svm.c halMemUnmap: its
	 * halMemRetainAllocationHandle finds no map record at the address,
	 * DRV_ERROR_PARA_ERROR
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(m.p + SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(m.p + SZ_4K));
	/* reserved but not mapped */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtUnmapMem(m.p + 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtUnmapMem(m.p + 3 * SZ_2M));
	/* outside */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(&local));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtUnmapMem((void *)(uintptr_t)SZ_2M));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	/* aclrtMalloc memory has no map record */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&d, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_ONLY));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(d));
	d[0] = 1;
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 31);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	/* twice */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(m.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtUnmapMem(m.p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, new_handle_after_unmap_reads_zero)
{
	aclrtDrvMemHandle h2 = NULL;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	acl_fill(m.p, 2 * SZ_2M, 41);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	ACL_EXPECT_POOLS_BACK(&self->base);

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p, 2 * SZ_2M, 0, h2, 0));
	ACL_ASSERT_ZERO(m.p, 2 * SZ_2M);
	acl_fill(m.p, 2 * SZ_2M, 42);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 42);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, same_handle_keeps_data_across_unmap)
{
	struct acl_mapped m;
	char *q = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&q, 4 * SZ_2M, 0, NULL, 1));
	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	acl_fill(m.p, SZ_2M, 51);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	/* the pages stay with the handle */
	ACL_EXPECT_IN_USE(&self->base, 1, 0);

	/* elsewhere, at an offset of another reservation */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q + 3 * SZ_2M, SZ_2M, 0, m.h, 0));
	ACL_ASSERT_PATTERN(q + 3 * SZ_2M, SZ_2M, 51);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q + 3 * SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p, SZ_2M, 0, m.h, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 51);
	acl_map_done(_metadata, &m);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, many_handles_one_reservation)
{
	enum { N = 8 };
	aclrtDrvMemHandle h[N];
	char *p = NULL;
	int i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, N * SZ_2M, 0, NULL, 1));
	for (i = 0; i < N; i++) {
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0));
		acl_fill(p + i * SZ_2M, SZ_2M, 100 + i);
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	/* one contiguous buffer made of N handles */
	for (i = 0; i < N; i++)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M, 100 + i);

	/* replace the odd ones */
	for (i = 1; i < N; i += 2) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
		EXPECT_EQ(SIGSEGV, acl_probe(p + i * SZ_2M, ACL_PROBE_READ));
	}
	ACL_EXPECT_IN_USE(&self->base, N / 2, 0);
	for (i = 0; i < N; i += 2)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M, 100 + i);
	for (i = 1; i < N; i += 2) {
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0));
		ACL_ASSERT_ZERO(p + i * SZ_2M, SZ_2M);
		acl_fill(p + i * SZ_2M, SZ_2M, 200 + i);
	}
	for (i = 0; i < N; i++)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M,
				   (i & 1 ? 200 : 100) + i);

	/* hicann/driver svm_heap_mng.c devmm_set_page_ref_free: -EBUSY */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtReleaseMemAddress(p));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Handles of different sizes side by side. */
TEST_F(map, mixed_sizes_side_by_side)
{
	static const size_t sizes[] = { SZ_2M, 3 * SZ_2M, SZ_2M, 2 * SZ_2M };
	aclrtDrvMemHandle h[4];
	char *p = NULL;
	size_t i, off;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 7 * SZ_2M, 0, NULL, 0));
	for (i = 0, off = 0; i < 4; off += sizes[i], i++) {
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], sizes[i]));
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + off, sizes[i], 0, h[i], 0));
	}
	/* one pattern over the whole range, across the handle boundaries */
	acl_fill(p, 7 * SZ_2M, 61);
	ACL_ASSERT_PATTERN(p, 7 * SZ_2M, 61);
	for (i = 0, off = 0; i < 4; off += sizes[i], i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + off));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, one_handle_two_places)
{
	aclrtDrvMemHandle h = NULL;
	char *a = NULL, *b = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&a, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&b, 4 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(a, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(b + 2 * SZ_2M, 2 * SZ_2M, 0, h, 0));
	/* two mappings, one set of pages */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	acl_fill(a, 2 * SZ_2M, 71);
	ACL_ASSERT_PATTERN(b + 2 * SZ_2M, 2 * SZ_2M, 71);
	acl_fill(b + 2 * SZ_2M + SZ_2M, SZ_2M, 72);
	ACL_ASSERT_PATTERN(a + SZ_2M, SZ_2M, 72);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(a));
	ACL_ASSERT_PATTERN(b + 2 * SZ_2M, SZ_2M, 71);
	ACL_ASSERT_PATTERN(b + 3 * SZ_2M, SZ_2M, 72);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/* still mapped at b: the pages stay */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_ASSERT_PATTERN(b + 3 * SZ_2M, SZ_2M, 72);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(b + 2 * SZ_2M));
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(b));
}

TEST_F(map, free_while_mapped_frees_at_the_last_unmap)
{
	aclrtPhysicalMemProp prop;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	acl_fill(m.p, 2 * SZ_2M, 81);

	/*
	 * hicann/driver devmm_svm.c svm_mem_release: ref above 1 (the map
	 * holds one), ref-- and success
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	/*
	 * devmm_svm.c devmm_vmm_handle_ref_check: ref <= map_ref, "Call
	 * halMemRelease too many times", DRV_ERROR_INVALID_VALUE
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFreePhysical(m.h));
	/* aclmem decision: every other call on it is 107017 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(m.h, &prop));
	EXPECT_MAP_FAILS(ACL_ERROR_RT_INVALID_HANDLE, m.resv + SZ_2M, SZ_2M, 0,
			 m.h, 0);
	/* the memory is still there */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 81);
	acl_fill(m.p, 2 * SZ_2M, 82);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 82);
	EXPECT_EQ(0, acl_probe(m.p + SZ_2M, ACL_PROBE_WRITE));

	/* devmm_svm.c halMemUnmap: the last reference goes with the map */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ACL_EXPECT_POOLS_BACK(&self->base);
	EXPECT_EQ(SIGSEGV, acl_probe(m.p, ACL_PROBE_READ));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(m.h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
}

/* ---- retain -------------------------------------------------------------- */

TEST_F(map, retain_null_is_100000)
{
	aclrtDrvMemHandle r = POISON_HANDLE;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/runtime memory.cpp aclrtMemRetainAllocationHandleImpl:
	 * virPtr, handle NULL
	 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemRetainAllocationHandle(NULL,
									  &r));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemRetainAllocationHandle(m.p, NULL));
	EXPECT_EQ(POISON_HANDLE, r);
	/* no reference was taken: one free is enough */
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, retain_only_at_a_mapping_start)
{
	aclrtDrvMemHandle r = POISON_HANDLE;
	struct acl_mapped m;
	char *d = NULL;
	int local;

	acl_map_new(_metadata, &m, 4 * SZ_2M, SZ_2M, 2 * SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c halMemRetainAllocationHandle: the map
	 * record is looked up by the exact address, DRV_ERROR_NOT_EXIST
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.p + SZ_4K, &r));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.p + SZ_2M, &r));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.p + 2 * SZ_2M - 1, &r));
	/* reserved, not mapped */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.resv, &r));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.resv + 3 * SZ_2M, &r));
	/* devmm_svm.c drvMemGetAttribute: not in an allocated heap */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(&local, &r));
	/* aclrtMalloc memory has no map record */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&d, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_ONLY));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(d, &r));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(POISON_HANDLE, r);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemRetainAllocationHandle(m.p, &r));
	EXPECT_EQ(POISON_HANDLE, r);
	/* no reference was taken by the failures: one free is enough */
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(m.h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, retain_gives_the_handle_with_a_reference)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_DDR_MEM_HUGE, HOST, 0);
	aclrtDrvMemHandle r1 = NULL, r2 = NULL;
	aclrtPhysicalMemProp out;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 4 * SZ_2M, 2 * SZ_2M, 2 * SZ_2M, &prop);
	acl_fill(m.p, 2 * SZ_2M, 121);

	/*
	 * hicann/driver devmm_svm.c halMemRetainAllocationHandle: the handle
	 * of the map record, devmm_vmm_handle_ref_inc
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemRetainAllocationHandle(m.p, &r1));
	EXPECT_EQ(m.h, r1);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemRetainAllocationHandle(m.p, &r2));
	EXPECT_EQ(m.h, r2);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(r2, &out));
	/* hicann/runtime memory.cpp mapping[]: host HUGE DDR */
	EXPECT_EQ(ACL_MEM_HUGE, (int)out.memAttr);
	EXPECT_EQ(HOST, (int)out.location.type);

	/* three references now: unmap, then three frees */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	/* one reference left: still a handle, still its data */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(m.h, &out));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.resv, 2 * SZ_2M, 0, m.h, 0));
	ACL_ASSERT_PATTERN(m.resv, 2 * SZ_2M, 121);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.resv));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r2));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(m.h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(m.h, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* A handle freed while mapped is retained again through its mapping. */
TEST_F(map, retain_after_free_while_mapped)
{
	aclrtPhysicalMemProp out;
	aclrtDrvMemHandle r = NULL;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	/*
	 * hicann/driver devmm_svm.c halMemRetainAllocationHandle: the map
	 * still holds a reference, devmm_vmm_handle_ref_inc takes another
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemRetainAllocationHandle(m.p, &r));
	EXPECT_EQ(m.h, r);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(r, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
}

/* Many mappings in one reservation, made and removed in scattered orders. */
TEST_F(map, many_mappings_scattered)
{
	enum { N = 64 };
	aclrtDrvMemHandle h[N];
	char *p = NULL;
	int k, i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, N * SZ_2M, 0, NULL, 1));
	for (k = 0; k < N; k++) {
		i = (k * 37) % N;
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0)) {
			TH_LOG("slot %d", i);
		}
		/* a word at each end of the slot */
		*(volatile uint64_t *)(p + i * SZ_2M) = acl_word(i, 0);
		*(volatile uint64_t *)(p + (i + 1) * SZ_2M - 8) =
			acl_word(i, SZ_2M - 8);
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	for (i = 0; i < N; i++) {
		aclrtDrvMemHandle r = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemRetainAllocationHandle(p + i * SZ_2M, &r));
		EXPECT_EQ(h[i], r);
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r));
		EXPECT_EQ(acl_word(i, 0), *(volatile uint64_t *)(p + i * SZ_2M));
		EXPECT_EQ(acl_word(i, SZ_2M - 8),
			  *(volatile uint64_t *)(p + (i + 1) * SZ_2M - 8));
	}
	for (k = 0; k < N; k++) {
		i = (k * 23 + 5) % N;
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M)) {
			TH_LOG("slot %d", i);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
		EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			  aclrtUnmapMem(p + i * SZ_2M));
		/* the next one to go is still there */
		if (k + 1 < N) {
			int j = ((k + 1) * 23 + 5) % N;

			EXPECT_EQ(acl_word(j, 0),
				  *(volatile uint64_t *)(p + j * SZ_2M));
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* ---- MapNoAccess and SetAccess ------------------------------------------- */

/* aclmem decision: MemMapNoAccess maps without access until READWRITE. */
TEST_F(map, map_no_access_faults_until_set_readwrite)
{
	struct acl_mapped m;
	aclrtDrvMemHandle h;
	char *p;

	acl_resv_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	p = m.resv;
	h = m.h;
	ASSERT_EQ(ACL_SUCCESS, aclrtMemMapNoAccess(p, 2 * SZ_2M, 0, h, 0));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_NONE,
		  access_of(_metadata, p, DEV, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M + 64, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_WRITE));
	/* it is a mapping: a second map there is refused */
	EXPECT_MAP_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, p, 2 * SZ_2M, 0, h, 0);

	/*
	 * without access the owner is a new location: hicann/driver
	 * svm_master_mem_map.c devmm_ioctl_mem_query_owner wants the whole
	 * mapping, -EINVAL
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(p, SZ_2M, RW, DEV, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(p, 2 * SZ_2M, RW, DEV, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, p + SZ_2M, DEV, 0));
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_READ));
	ACL_ASSERT_ZERO(p, 2 * SZ_2M);
	acl_fill(p, 2 * SZ_2M, 91);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 91);
	EXPECT_EQ(0, acl_probe(p + SZ_2M, ACL_PROBE_WRITE));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	acl_resv_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, set_access_null_or_count_0_is_107000)
{
	aclrtMemAccessDesc d = acl_access(RW, DEV, 0);
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/runtime memory.cpp aclrtMemSetAccessImpl checks nothing;
	 * api_error.cc ApiErrorDecorator::MemSetAccess: virPtr, desc NULL
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(NULL, SZ_2M, &d, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(m.p, SZ_2M, NULL, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(NULL, 0, NULL,
								0));
	/* hicann/driver devmm_svm.c devmm_access_desc_check: count 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(m.p, SZ_2M, &d,
								0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	acl_map_done(_metadata, &m);
}

TEST_F(map, set_access_flags_none_read_207000_others_107000)
{
	static const int other[] = { 2, 4, 7, 0xff, -1 };
	aclrtMemAccessDesc d;
	struct acl_mapped m;
	size_t i;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c devmm_access_desc_check: NONE and READ
	 * are DRV_ERROR_NOT_SUPPORT
	 */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  acl_set_access(m.p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_NONE, DEV,
				 0));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  acl_set_access(m.p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READ, DEV,
				 0));
	/* before the location check and the mapping lookup */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  acl_set_access(m.p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READ, NUMA,
				 0));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  acl_set_access(m.p + SZ_2M, SZ_2M,
				 ACL_RT_MEM_ACCESS_FLAGS_NONE, DEV, 0));
	/* devmm_access_desc_check: any other type but READWRITE */
	for (i = 0; i < ACL_ARRAY_SIZE(other); i++) {
		d = acl_access((aclrtMemAccessFlags)other[i], DEV, 0);
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemSetAccess(m.p, SZ_2M, &d, 1)) {
			TH_LOG("flags %d", other[i]);
		}
	}
	/* none of it changed the access */
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	EXPECT_EQ(0, acl_probe(m.p, ACL_PROBE_WRITE));
	acl_map_done(_metadata, &m);
}

TEST_F(map, set_access_bad_location_is_107000)
{
	static const struct {
		uint32_t type, id;
	} bad[] = {
		{ HOST, 1 }, { HOST, 0xffffffff }, { DEV, 64 },
		{ DEV, 0xffffffff }, { NUMA, 0 },
		{ ACL_MEM_LOCATION_TYPE_UNREGISTERED, 0 },
		{ ACL_MEM_LOCATION_TYPE_MANAGED, 0 }, { 5, 0 },
	};
	struct acl_mapped m;
	size_t i;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c devmm_access_location_check: HOST id 0,
	 * DEVICE id below DEVMM_MAX_PHY_DEVICE_NUM, no other type
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  acl_set_access(m.p, SZ_2M, RW,
					 (aclrtMemLocationType)bad[i].type,
					 bad[i].id)) {
			TH_LOG("location %u/%u", bad[i].type, bad[i].id);
		}
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	acl_map_done(_metadata, &m);
}

/* Every desc is checked before any is applied. */
TEST_F(map, set_access_checks_every_desc_first)
{
	aclrtMemAccessDesc d[2];
	struct acl_mapped m;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/* hicann/driver devmm_svm.c devmm_access_desc_check: all, then work */
	d[0] = acl_access(RW, DEV, 1);
	d[1] = acl_access(ACL_RT_MEM_ACCESS_FLAGS_READ, DEV, 0);
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemSetAccess(m.p, SZ_2M, d, 2));
	d[1] = acl_access(RW, NUMA, 0);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(m.p, SZ_2M, d,
								2));
	/* device 1 did not get access from either */
	EXPECT_EQ(0ULL, access_of(_metadata, m.p, DEV, 1));
	acl_map_done(_metadata, &m);
}

/* aclmem decision: count 2 sets both (CANN misreads desc[1]). */
TEST_F(map, set_access_count_2_sets_both)
{
	aclrtMemAccessDesc d[2];
	struct acl_mapped m;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	d[0] = acl_access(RW, DEV, 0);
	d[1] = acl_access(RW, DEV, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetAccess(m.p, 2 * SZ_2M, d, 2));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p + SZ_2M, DEV, 1));
	acl_fill(m.p, 2 * SZ_2M, 5);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 5);
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The descs are applied in order; a later failure undoes none. */
TEST_F(map, set_access_keeps_what_was_set_before_a_failure)
{
	aclrtMemAccessDesc d[2];
	struct acl_mapped m;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	d[0] = acl_access(RW, DEV, 1);
	d[1] = acl_access(RW, DEV, 2);	/* valid, but not there */
	/*
	 * hicann/driver devmm_svm.c halMemSetAccess: desc 1 fails in
	 * devmm_mem_get_access (-EINVAL), "not need rollback" of desc 0
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetAccess(m.p, SZ_2M, d, 2));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 1));
	acl_map_done(_metadata, &m);
}

TEST_F(map, set_access_outside_a_mapping_is_507899)
{
	aclrtDrvMemHandle h2 = NULL;
	struct acl_mapped m;
	int local;

	acl_map_new(_metadata, &m, 4 * SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_get_access
	 * (halMemSetAccess asks it first): va not in a mapping, or va + size
	 * past its end, -EINVAL
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p + 2 * SZ_2M, SZ_2M, RW, DEV, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(&local, SZ_2M, RW, DEV, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access((void *)(uintptr_t)SZ_2M, SZ_2M, RW, DEV, 0));
	/* one call over two adjacent mappings */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p + SZ_2M, SZ_2M, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	/* still the owner's READWRITE, still writable; the rest PROT_NONE */
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	EXPECT_EQ(0, acl_probe(m.p, ACL_PROBE_WRITE));
	EXPECT_EQ(SIGSEGV, acl_probe(m.p + 2 * SZ_2M, ACL_PROBE_READ));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	/* after unmap the range is not mapped any more */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, SZ_2M, RW, DEV, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The owner already has READWRITE: only the whole mapping is a no-op. */
TEST_F(map, set_access_owner_whole_mapping_only)
{
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c halMemSetAccess: a location with access,
	 * same type and size: skipped
	 */
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 0));
	/* "Repeat set with diff type or size": DRV_ERROR_BUSY */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, SZ_2M, RW, DEV, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	acl_fill(m.p, 2 * SZ_2M, 6);
	ACL_ASSERT_PATTERN(m.p, 2 * SZ_2M, 6);
	acl_map_done(_metadata, &m);
}

/* Another device (ACLMEM_DEVICE_COUNT=2): access on the whole mapping. */
TEST_F(map, set_access_another_device)
{
	struct acl_mapped m;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(2U, acl_device_count());
	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	EXPECT_EQ(0ULL, access_of(_metadata, m.p, DEV, 1));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_query_owner: a
	 * new location needs the mapping's start and its whole size, -EINVAL
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, SZ_2M, RW, DEV, 1));
	EXPECT_EQ(0ULL, access_of(_metadata, m.p, DEV, 1));
	/* devmm_ioctl_mem_set_access: granted (aclmem records it) */
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 1));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p + SZ_2M, DEV, 1));
	/* devmm_svm.c halMemSetAccess: the same again is skipped */
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 1));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, SZ_2M, RW, DEV, 1));
	/* a device that is not there: devmm_ioctl_mem_get_access, -EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 2));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_set_access(m.p, 2 * SZ_2M, RW, DEV, 63));
	/*
	 * hicann/driver devmm_svm.c halMemUnmap: devmm_mem_cancle_all_access;
	 * a new mapping starts with no peer (devmm_ioctl_vmma_info_pack)
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m.p, 2 * SZ_2M, 0, m.h, 0));
	EXPECT_EQ(0ULL, access_of(_metadata, m.p, DEV, 1));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, m.p, DEV, 0));
	acl_map_done(_metadata, &m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* HOST locations: the owner of host memory; no d2h access here. */
TEST_F(map, set_access_host_location)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE, HOST, 0);
	aclrtPhysicalMemProp numa = acl_prop(ACL_MEM_HUGE, NUMA, 0);
	struct acl_mapped d, h, n;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	acl_map_new(_metadata, &d, SZ_2M, 0, SZ_2M, NULL);
	acl_map_new(_metadata, &h, SZ_2M, 0, SZ_2M, &host);
	acl_map_new(_metadata, &n, SZ_2M, 0, SZ_2M, &numa);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_set_access: d2h
	 * without an HCCS link, -EOPNOTSUPP
	 */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  acl_set_access(d.p, SZ_2M, RW, HOST, 0));
	EXPECT_EQ(0ULL, access_of(_metadata, d.p, HOST, 0));
	/* aclmem decision: a host handle's owner is {HOST, 0}: a no-op */
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(h.p, SZ_2M, RW, HOST, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(n.p, SZ_2M, RW, HOST, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, h.p, HOST, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, n.p, HOST, 0));
	/* h2d: the device gets access to host memory */
	EXPECT_EQ(0ULL, access_of(_metadata, h.p, DEV, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_set_access(h.p, SZ_2M, RW, DEV, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, h.p, DEV, 0));
	acl_map_done(_metadata, &n);
	acl_map_done(_metadata, &h);
	acl_map_done(_metadata, &d);
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- GetAccess ----------------------------------------------------------- */

TEST_F(map, get_access_null_args_are_100000)
{
	aclrtMemLocation loc = acl_loc(DEV, 0);
	uint64_t flags = NO_FLAGS;
	struct acl_mapped m;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/runtime memory.cpp aclrtMemGetAccessImpl: virPtr, location,
	 * flag NULL
	 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAccess(NULL, &loc, &flags));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAccess(m.p, NULL, &flags));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAccess(m.p, &loc, NULL));
	EXPECT_EQ(NO_FLAGS, flags);
	acl_map_done(_metadata, &m);
}

TEST_F(map, get_access_bad_location_is_107000)
{
	static const struct {
		uint32_t type, id;
	} bad[] = {
		{ HOST, 1 }, { DEV, 64 }, { DEV, 0xffffffff }, { NUMA, 0 },
		{ ACL_MEM_LOCATION_TYPE_UNREGISTERED, 0 }, { 5, 0 },
	};
	struct acl_mapped m;
	size_t i;

	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/driver devmm_svm.c halMemGetAccess: the location is an
	 * input, devmm_access_location_check
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		uint64_t flags = NO_FLAGS;

		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  acl_get_access(m.p, (aclrtMemLocationType)bad[i].type,
					 bad[i].id, &flags)) {
			TH_LOG("location %u/%u", bad[i].type, bad[i].id);
		}
		EXPECT_EQ(NO_FLAGS, flags);
	}
	acl_map_done(_metadata, &m);
}

TEST_F(map, get_access_outside_a_mapping_is_507899)
{
	uint64_t flags = NO_FLAGS;
	struct acl_mapped m;
	int local;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, SZ_2M, NULL);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_get_access: no
	 * mapping at va, or an accessor device that is not there, -EINVAL
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_get_access(m.p + SZ_2M, DEV, 0, &flags));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_get_access(&local, DEV, 0, &flags));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_get_access(m.p, DEV, acl_device_count(), &flags));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_get_access(m.p, DEV, 63, &flags));
	EXPECT_EQ(NO_FLAGS, flags);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m.p));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  acl_get_access(m.p, DEV, 0, &flags));
	EXPECT_EQ(NO_FLAGS, flags);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m.h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m.resv));
}

/* The owner reads READWRITE anywhere in the mapping, others NONE. */
TEST_F(map, get_access_owner_3_others_0)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_DDR_MEM_NORMAL, HOST, 0);
	struct acl_mapped d, h;

	acl_map_new(_metadata, &d, 2 * SZ_2M, 0, 2 * SZ_2M, NULL);
	acl_map_new(_metadata, &h, SZ_2M, 0, SZ_2M, &host);
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_mem_get_access: the
	 * owner has the vmma's type (READWRITE), others their
	 * device_access_type entry, 0 unless set
	 */
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, d.p, DEV, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, d.p + 2 * SZ_2M - 1, DEV,
					  0));
	EXPECT_EQ(0ULL, access_of(_metadata, d.p + SZ_2M, HOST, 0));
	EXPECT_EQ((uint64_t)RW, access_of(_metadata, h.p + 12345, HOST, 0));
	EXPECT_EQ(0ULL, access_of(_metadata, h.p, DEV, 0));
	acl_map_done(_metadata, &h);
	acl_map_done(_metadata, &d);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_HARNESS_MAIN
