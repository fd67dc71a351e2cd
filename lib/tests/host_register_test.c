// SPDX-License-Identifier: MIT
/*
 * Description: aclrtHostRegister and aclrtHostUnregister, with the codes
 * CANN gives on Atlas A2/A3 (each names the hicann/runtime or
 * hicann/driver function that defines it).
 *
 * Registering page-aligned process memory or aclrtMallocHost memory gives
 * a device pointer that is the host address (aclmem's device is this
 * host; CANN gives the same address for aclrtMallocHost memory): data
 * written through either is seen through the other, device copies reach
 * it, and aclrtPointerGetAttributes says HOST until aclrtHostUnregister.
 * Registrations are per device. Errors: NULL ptr or devPtr and size 0
 * 100000; a type outside IOMEMORY|READONLY 207000, then no context
 * 107002, then READONLY 207000; device memory (aclrtMalloc, a device
 * mapping), a misaligned pointer, an overlapping registration on the same
 * device, a range past an aclrtMallocHost allocation and IOMEMORY on RAM
 * 507899; a host mapping of a reservation or a reservation with nothing
 * there 207000; a hole or read-only memory 107017. Unregistering: NULL
 * 100000, no context 107002, anything but a registration's start on the
 * current device 507911.
 */
#include "acl_test_utils.h"

FIXTURE(hr) {
	size_t page;
	char *buf;		/* 16 pages of anonymous memory */
	size_t len;
};

FIXTURE_SETUP(hr)
{
	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	self->page = (size_t)sysconf(_SC_PAGESIZE);
	self->len = 16 * self->page;
	self->buf = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
}

FIXTURE_TEARDOWN(hr)
{
	munmap(self->buf, self->len);
	aclrtResetDevice(1);
	aclrtResetDevice(0);
}

static aclrtMemLocationType location_of(const void *p)
{
	aclrtPtrAttributes a;

	if (aclrtPointerGetAttributes(p, &a))
		return (aclrtMemLocationType)-1;
	return a.location.type;
}

/* devmm_mem_remote_map_of_local_mem: the pages, seen from the device */
TEST_F(hr, process_memory_is_shared)
{
	void *dev = NULL, *d = NULL;

	acl_fill(self->buf, self->len, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(self->buf, self->len,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	ASSERT_EQ((void *)self->buf, dev);
	ACL_ASSERT_PATTERN(dev, self->len, 1);
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(self->buf));

	/* a device copy into and out of the registered memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&d, self->len,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(d, self->len, dev, self->len,
					   ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_PATTERN(d, self->len, 1);
	acl_fill(d, self->len, 2);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(dev, self->len, d, self->len,
					   ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_PATTERN(self->buf, self->len, 2);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));

	/* api_impl.cc ApiImpl::HostUnregister, then it is plain again */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(self->buf));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(self->buf));
	/* npu_driver_mem.cc NpuDriver::HostUnregister: DRV_ERROR_NOT_EXIST */
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(self->buf));
	ACL_ASSERT_PATTERN(self->buf, self->len, 2);
}

/* devmm_svm.c devmm_mem_remote_map: a pinned range keeps its address */
TEST_F(hr, malloc_host_memory)
{
	void *dev = NULL, *dev2 = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&p, 4 * self->page));
	acl_fill(p, 4 * self->page, 3);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(p, 4 * self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	ASSERT_EQ((void *)p, dev);
	ACL_ASSERT_PATTERN(dev, 4 * self->page, 3);
	/*
	 * svm_master_remote_map.c devmm_check_and_set_remote_map_state: a
	 * page already remote mapped, for any device
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(p + self->page, self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev2));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(p, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev2));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(NULL, dev2);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(p));
	/* devmm_check_va_add_size_by_heap: past the allocation */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(p, 5 * self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev2));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(p));
}

/*
 * svm_master_remote_map.c devmm_judge_shm_node_overlap: per device, over
 * the size rounded up to pages; the record, and so the attributes, keep
 * the size asked (npu_driver_mem.cc NpuDriver::PtrGetAttributes)
 */
TEST_F(hr, overlaps_and_devices)
{
	char *b = self->buf;
	void *dev = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, 100,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(b + 99));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b + 100));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(b, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	/* the next page is free */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b + self->page,
						 2 * self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(b + 2 * self->page, self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev));
	/* only a registration's start unregisters it */
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b + 2 * self->page));

	/* on device 1 the same pages are free */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, 3 * self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ((void *)b, dev);
	/* device 0's registrations are not device 1's to drop */
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b + self->page));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b + self->page));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
}

/* memory.cpp aclrtHostRegisterImpl, then ApiErrorDecorator::HostRegister */
TEST_F(hr, argument_checks)
{
	void *dev = NULL;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegister(NULL, self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegister(self->buf, self->page,
				    ACL_HOST_REGISTER_MAPPED, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegister(self->buf, 0, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	/* the acl layer's checks come before the type */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegister(self->buf, 0, (aclrtHostRegisterType)1,
				    &dev));
	/* valid types: combinations of IOMEMORY and READONLY, or 0 */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(self->buf, self->page,
				    (aclrtHostRegisterType)0x1, &dev));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(self->buf, self->page,
				    (aclrtHostRegisterType)0x2, &dev));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(self->buf, self->page,
				    (aclrtHostRegisterType)0x10000000, &dev));
	/*
	 * devmm_svm.c devmm_remote_map_input_check: no read-only mapping
	 * through PCIe or of IO memory
	 */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(self->buf, self->page,
				    ACL_HOST_REGISTER_READONLY, &dev));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(self->buf, self->page,
				    (aclrtHostRegisterType)
				    (ACL_HOST_REGISTER_READONLY |
				     ACL_HOST_REGISTER_IOMEMORY), &dev));
	/* memory.cpp aclrtHostUnregisterImpl */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtHostUnregister(NULL));
	EXPECT_EQ(NULL, dev);
	/* nothing was registered */
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(self->buf));
}

/* The kernel's checks of the memory (svm_master_remote_map.c). */
TEST_F(hr, memory_checks)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST, 0);
	struct acl_mapped dm, hm;
	char *ro, *hole;
	void *dev = NULL, *d = NULL;

	/* devmm_local_host_map_para_check: page aligned */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(self->buf + 8, self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev));
	/* devmm_io_va_to_pages_list: RAM is not IO memory */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(self->buf, self->page,
				    ACL_HOST_REGISTER_IOMEMORY, &dev));

	/* devmm_svm_mem_map_para_check: device memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&d, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(d, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	acl_map_new(_metadata, &dm, 2 * SZ_2M, 0, SZ_2M, NULL);
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(dm.p, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	/* devmm_check_map_para: no memory there */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(dm.p + SZ_2M, self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev));
	acl_map_done(_metadata, &dm);
	/* devmm_check_and_set_remote_map_state: no VMM host memory */
	acl_map_new(_metadata, &hm, SZ_2M, 0, SZ_2M, &host);
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(hm.p, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	acl_map_done(_metadata, &hm);

	/* devmm_local_va_to_pages_list: no vma, or pages not writable: EFAULT */
	hole = self->buf + 4 * self->page;
	ASSERT_EQ(0, munmap(hole + self->page, self->page));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtHostRegister(hole, 2 * self->page,
				    ACL_HOST_REGISTER_MAPPED, &dev));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtHostRegister(hole, 2 * self->page,
				    ACL_HOST_REGISTER_IOMEMORY, &dev));
	ro = self->buf + 8 * self->page;
	ASSERT_EQ(0, mprotect(ro, self->page, PROT_READ));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtHostRegister(ro, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	EXPECT_EQ(NULL, dev);
	/* none of these registered anything */
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(self->buf));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(hole));
	/* the hole's neighbour alone registers */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(hole, self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(hole));
}

static void *unregister_in_thread(void *arg)
{
	return (void *)(intptr_t)aclrtHostUnregister(arg);
}

/* api_impl.cc ApiImpl::HostRegister / HostUnregister: CurrentContext */
TEST(host_register_without_context)
{
	char buf_storage[3 * 4096];
	char *buf = (char *)(((uintptr_t)buf_storage + 4095) & ~4095UL);
	void *dev = NULL, *ret = NULL;
	pthread_t t;

	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtHostRegister(buf, 4096, ACL_HOST_REGISTER_MAPPED, &dev));
	/* the type is checked before the context, READONLY after it */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegister(buf, 4096, (aclrtHostRegisterType)1, &dev));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtHostRegister(buf, 4096, ACL_HOST_REGISTER_READONLY,
				    &dev));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegister(buf, 0, ACL_HOST_REGISTER_MAPPED, &dev));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtHostUnregister(buf));
	EXPECT_EQ(NULL, dev);

	/* a registration lives on; a thread without a context cannot drop it */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(buf, 4096,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	ASSERT_EQ(0, pthread_create(&t, NULL, unregister_in_thread, buf));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, (aclError)(intptr_t)ret);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(buf));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
