// SPDX-License-Identifier: MIT
/*
 * Description: aclrtPointerGetAttributes, with the answers CANN gives
 * (hicann/runtime memory.cpp aclrtPointerGetAttributesImpl, npu_driver_mem.cc
 * NpuDriver::PtrGetAttributes, api_impl.cc ApiImpl::PtrGetAttributes;
 * hicann/driver devmm_svm.c drvMemGetAttribute).
 *
 * aclrtMalloc memory is DEVICE with its device's id and 2 MiB pages, at
 * any byte of it; aclrtMallocHost memory HOST, id 0, the host page size;
 * a VMM mapping of device memory DEVICE with 2 MiB, of host memory (HOST
 * and HOST_NUMA handles) HOST with the host page size, 2 MiB in a
 * NoUCMemory reservation; a reservation with nothing mapped there is
 * 107017; the process's own memory is UNREGISTERED, HOST while
 * aclrtHostRegister holds it, with the host page size. rsv is not
 * written. NULL arguments are 100000. No context is needed.
 */
#include "acl_test_utils.h"

#define POISON 0xa5a5a5a5U

/* The attributes of @p, rsv poisoned first to show it is left alone. */
static aclError attrs_of(const void *p, aclrtPtrAttributes *a)
{
	memset(a, 0xa5, sizeof(*a));
	return aclrtPointerGetAttributes(p, a);
}

#define EXPECT_ATTRS(p, want_type, want_id, want_page) do {		\
	aclrtPtrAttributes a_;						\
	unsigned int i_;						\
									\
	ASSERT_EQ(ACL_SUCCESS, attrs_of((p), &a_));			\
	EXPECT_EQ((want_type), a_.location.type);			\
	EXPECT_EQ((uint32_t)(want_id), a_.location.id);			\
	EXPECT_EQ((uint32_t)(want_page), a_.pageSize);			\
	for (i_ = 0; i_ < 4; i_++)					\
		EXPECT_EQ(POISON, a_.rsv[i_]);				\
} while (0)

#define HOST	ACL_MEM_LOCATION_TYPE_HOST
#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE
#define UNREG	ACL_MEM_LOCATION_TYPE_UNREGISTERED

FIXTURE(pa) {
	size_t page;
};

FIXTURE_SETUP(pa)
{
	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	self->page = (size_t)sysconf(_SC_PAGESIZE);
}

FIXTURE_TEARDOWN(pa)
{
	aclrtResetDevice(1);
	aclrtResetDevice(0);
}

/* drvMemGetAttribute: device heap, DV_MEM_LOCK_DEV, the huge page size */
TEST_F(pa, malloc_is_device_memory)
{
	char *p = NULL, *q = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&p, 3 * SZ_1M,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_ATTRS(p, DEV, 0, SZ_2M);
	EXPECT_ATTRS(p + SZ_1M + 5, DEV, 0, SZ_2M);
	EXPECT_ATTRS(p + 4 * SZ_1M - 1, DEV, 0, SZ_2M);
	/* the memory is still usable as such */
	acl_fill(p, 3 * SZ_1M, 11);
	ACL_ASSERT_PATTERN(p, 3 * SZ_1M, 11);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&q, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_ONLY));
	EXPECT_ATTRS(q, DEV, 1, SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
}

/* drvMemGetAttribute: the pinned host heap, DV_MEM_LOCK_HOST, id 0 */
TEST_F(pa, malloc_host_is_host_memory)
{
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&p, 10000));
	EXPECT_ATTRS(p, HOST, 0, self->page);
	EXPECT_ATTRS(p + 9999, HOST, 0, self->page);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(p));
}

/* devmm_get_reserve_addr_attr: the mapping's side and device */
TEST_F(pa, vmm_mappings)
{
	aclrtPhysicalMemProp dev1 = acl_prop(ACL_HBM_MEM_HUGE, DEV, 1);
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE, HOST, 0);
	aclrtPhysicalMemProp numa = acl_prop(ACL_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST_NUMA,
					     0);
	struct acl_mapped d0, d1, h, n;
	aclrtPtrAttributes a;

	acl_map_new(_metadata, &d0, 2 * SZ_2M, 0, SZ_2M, NULL);
	acl_map_new(_metadata, &d1, SZ_2M, 0, SZ_2M, &dev1);
	acl_map_new(_metadata, &h, SZ_2M, 0, SZ_2M, &host);
	acl_map_new(_metadata, &n, SZ_2M, 0, SZ_2M, &numa);

	EXPECT_ATTRS(d0.p, DEV, 0, SZ_2M);
	EXPECT_ATTRS(d0.p + SZ_2M - 1, DEV, 0, SZ_2M);
	EXPECT_ATTRS(d1.p + 100, DEV, 1, SZ_2M);
	EXPECT_ATTRS(h.p + 4096, HOST, 0, self->page);
	EXPECT_ATTRS(n.p, HOST, 0, self->page);

	/* devmm_get_map_info: not mapped, DRV_ERROR_INVALID_HANDLE */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, attrs_of(d0.p + SZ_2M, &a));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(d0.p));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, attrs_of(d0.p, &a));
	acl_resv_done(_metadata, &d0);
	acl_map_done(_metadata, &d1);
	acl_map_done(_metadata, &h);
	acl_map_done(_metadata, &n);
}

/* devmm_get_dyn_reserve_addr_attr: 2 MiB for host memory too */
TEST_F(pa, nouc_reservation)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE, HOST, 0);
	char *want = acl_free_range(2 * SZ_1G, SZ_1G);
	aclrtDrvMemHandle hd, hh;
	aclrtPtrAttributes a;
	char *p = NULL, *q = NULL;

	/* one reservation for device memory, one for host memory */
	ASSERT_NE(NULL, want);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddressNoUCMemory((void **)&p, SZ_1G, 0,
						   want, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddressNoUCMemory((void **)&q, SZ_1G, 0,
						   want + SZ_1G, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&hd, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&hh, SZ_2M, &host, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, hd, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q + SZ_2M, SZ_2M, 0, hh, 0));
	EXPECT_ATTRS(p + 1, DEV, 0, SZ_2M);
	EXPECT_ATTRS(q + SZ_2M + 1, HOST, 0, SZ_2M);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, attrs_of(p + 2 * SZ_2M, &a));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, attrs_of(q, &a));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hd));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hh));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
}

/*
 * drvMemGetAttribute: no heap, DV_MEM_USER_MALLOC, or DV_MEM_USER_REGISTER
 * while registered; NpuDriver::PtrGetAttributes: UNREGISTERED or HOST
 */
TEST_F(pa, process_memory)
{
	char *buf = mmap(NULL, 4 * self->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int on_stack = 0;
	void *dev = NULL;
	char *heap = malloc(100);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_NE(NULL, heap);
	EXPECT_ATTRS(&on_stack, UNREG, 0, self->page);
	EXPECT_ATTRS(heap, UNREG, 0, self->page);
	EXPECT_ATTRS(buf, UNREG, 0, self->page);

	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(buf, 2 * self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_ATTRS(buf, HOST, 0, self->page);
	EXPECT_ATTRS(buf + 2 * self->page - 1, HOST, 0, self->page);
	EXPECT_ATTRS(buf + 2 * self->page, UNREG, 0, self->page);
	/* another device sees it registered too */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	EXPECT_ATTRS(buf + 1, HOST, 0, self->page);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(buf));
	EXPECT_ATTRS(buf, UNREG, 0, self->page);
	free(heap);
	munmap(buf, 4 * self->page);
}

/* memory.cpp aclrtPointerGetAttributesImpl: ACL_REQUIRES_NOT_NULL */
TEST_F(pa, null_arguments)
{
	aclrtPtrAttributes a;
	int x;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtPointerGetAttributes(NULL, &a));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtPointerGetAttributes(&x, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtPointerGetAttributes(NULL, NULL));
}

/* ApiImpl::PtrGetAttributes: without a context, the default driver */
TEST(pointer_attributes_without_context)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct acl_mapped m;
	int x;

	EXPECT_ATTRS(&x, UNREG, 0, page);
	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, NULL);
	EXPECT_ATTRS(m.p + 7, DEV, 0, SZ_2M);
	acl_map_done(_metadata, &m);
}

TEST_HARNESS_MAIN
