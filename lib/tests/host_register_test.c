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
 *
 * aclrtHostRegisterV2 (the runtime's own path: the mirrored driver cannot
 * pin): NULL ptr, size 0 100000; a flag that is 0 or has a bit outside
 * MAPPED|IOMEMORY|READONLY|PINNED 107000; no context 107002; a range that
 * meets any registration, V1 or V2, of any device 507910; MAPPED,
 * IOMEMORY or READONLY then register with the driver as aclrtHostRegister
 * does (and fail as it does); PINNED alone is recorded only, unchecked.
 * aclrtHostUnregister drops the current device's driver registration and
 * the PINNED record at ptr. aclrtHostGetDevicePointer: NULLs, flag not 0
 * 100000, no context 107002, an address outside the current device's
 * driver registrations 107000; else the address itself.
 * aclrtHostMemMapCapabilities: NULL 100000, unknown device 107001, hacType
 * past CCU 107000, no context 107002; else SUPPORTED.
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

static void *dev_pointer(void *p)
{
	void *d = (void *)0x1;

	if (aclrtHostGetDevicePointer(p, &d, 0))
		return (void *)0x1;
	return d;
}

/* ApiImpl::HostRegisterV2 with MAPPED: the driver's registration */
TEST_F(hr, v2_mapped)
{
	char *b = self->buf;
	void *d = NULL, *dev = (void *)0x1;

	acl_fill(b, self->len, 4);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b, 4 * self->page,
						   ACL_HOST_REG_MAPPED));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(b));
	/* halMemHostGetDevPointer: the record holding pHost, plus offset */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostGetDevicePointer(b, &dev, 0));
	EXPECT_EQ((void *)b, dev);
	EXPECT_EQ((void *)(b + 100), dev_pointer(b + 100));
	EXPECT_EQ((void *)(b + 4 * self->page - 1),
		  dev_pointer(b + 4 * self->page - 1));
	/* past the registration: DRV_ERROR_NOT_EXIST, pDevice untouched */
	dev = (void *)0x1;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostGetDevicePointer(b + 4 * self->page, &dev, 0));
	EXPECT_EQ((void *)0x1, dev);
	/* the pages seen from the device */
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&d, self->page,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(d, self->page, dev_pointer(b),
					   self->page,
					   ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_PATTERN(d, self->page, 4);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	/* the record is per device */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostGetDevicePointer(b, &dev, 0));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(b));

	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostGetDevicePointer(b, &dev, 0));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
	/* a V1 registration has its device pointer too */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ((void *)((char *)dev + 8), dev_pointer(b + 8));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
}

/* PINNED alone: InsertPinnedMemory, nothing asked of the driver */
TEST_F(hr, v2_pinned)
{
	char *b = self->buf;
	void *d = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b, 2 * self->page,
						   ACL_HOST_REG_PINNED));
	/* IsRegisteredMemory counts the pinned table */
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(b + self->page));
	/* not the driver's: no device pointer */
	EXPECT_EQ((void *)0x1, dev_pointer(b));
	/* no memory checks: unaligned, and even device memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b + 8 * self->page + 8,
						   100, ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&d, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(d, self->page,
						   ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(d));
	/* the table is the process's: any device unregisters a PINNED row */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b + 8 * self->page + 8));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* only a row's start */
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b + self->page));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
}

/* PINNED | MAPPED: both rows; the driver's part first on unregister */
TEST_F(hr, v2_pinned_mapped)
{
	char *b = self->buf;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtHostRegisterV2(b, self->page,
				      ACL_HOST_REG_PINNED | ACL_HOST_REG_MAPPED));
	EXPECT_EQ((void *)b, dev_pointer(b));
	/* device 1 has no driver registration: 507911, the PINNED row stays */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_HOST, location_of(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
		  aclrtHostRegisterV2(b, self->page, ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b));
	EXPECT_EQ((void *)0x1, dev_pointer(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b, self->page,
						   ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
}

/* memory.cpp, ApiErrorDecorator::HostRegisterV2, then the driver's checks */
TEST_F(hr, v2_argument_checks)
{
	char *b = self->buf;
	aclrtPhysicalMemProp host = acl_prop(ACL_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST, 0);
	struct acl_mapped hm;
	char *hole;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegisterV2(NULL, self->page, ACL_HOST_REG_MAPPED));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostRegisterV2(b, 0, ACL_HOST_REG_MAPPED));
	/* the acl layer's checks come before the flag */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtHostRegisterV2(b, 0, 0));
	/* a non-empty OR of the four flags: RT_ERROR_INVALID_VALUE */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostRegisterV2(b, self->page, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostRegisterV2(b, self->page, 0x1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostRegisterV2(b, self->page,
				      ACL_HOST_REG_MAPPED | 0x1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostRegisterV2(b, self->page,
				      ACL_HOST_REG_PINNED | 0x20000000));
	/* devmm_remote_map_input_check, as for aclrtHostRegister */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegisterV2(b, self->page, ACL_HOST_REG_READONLY));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegisterV2(b, self->page,
				      ACL_HOST_REG_READONLY |
				      ACL_HOST_REG_PINNED));
	/* RAM is not IO memory */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegisterV2(b, self->page,
				      ACL_HOST_REG_IOMEMORY |
				      ACL_HOST_REG_MAPPED));
	/* page aligned */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegisterV2(b + 8, self->page,
				      ACL_HOST_REG_MAPPED |
				      ACL_HOST_REG_PINNED));
	/* no VMM host memory */
	acl_map_new(_metadata, &hm, SZ_2M, 0, SZ_2M, &host);
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtHostRegisterV2(hm.p, self->page, ACL_HOST_REG_MAPPED));
	acl_map_done(_metadata, &hm);
	/* a hole */
	hole = b + 4 * self->page;
	ASSERT_EQ(0, munmap(hole + self->page, self->page));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtHostRegisterV2(hole, 2 * self->page,
				      ACL_HOST_REG_MAPPED));
	/* none of them registered anything, the PINNED part neither */
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b + 8));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(hole));
}

/*
 * register_memory.cc CheckMemoryRangeRegistered: V2 meets the whole table
 * ([ptr, ptr + size - 1] as asked), of every device; V1 does not look.
 */
TEST_F(hr, v2_and_v1)
{
	char *b = self->buf;
	void *dev = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, 100,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
		  aclrtHostRegisterV2(b + 99, 1, ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
		  aclrtHostRegisterV2(b, self->page, ACL_HOST_REG_MAPPED));
	/* the driver's check would have let device 1 have it */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* past the size asked, not past the page */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b + 100, 50,
						   ACL_HOST_REG_PINNED));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
		  aclrtHostRegisterV2(b + 120, 1, ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b + 100));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));

	/* V2 MAPPED, then V1 on the same device: the driver's overlap */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b, self->page,
						   ACL_HOST_REG_MAPPED));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtHostRegister(b, self->page, ACL_HOST_REGISTER_MAPPED,
				    &dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));

	/*
	 * V2 PINNED, then V1: the driver knows nothing of the first; one
	 * unregister takes both (ApiImpl::HostUnregister: mapped, pinned)
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(b, self->page,
						   ACL_HOST_REG_PINNED));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegister(b, self->page,
						 ACL_HOST_REGISTER_MAPPED,
						 &dev));
	EXPECT_EQ((void *)b, dev_pointer(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(b));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_UNREGISTERED, location_of(b));
	EXPECT_EQ(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
		  aclrtHostUnregister(b));
}

/* memory.cpp aclrtHostGetDevicePointerImpl, ApiErrorDecorator */
TEST_F(hr, get_device_pointer_checks)
{
	void *dev = (void *)0x1;

	ASSERT_EQ(ACL_SUCCESS, aclrtHostRegisterV2(self->buf, self->page,
						   ACL_HOST_REG_MAPPED));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostGetDevicePointer(NULL, &dev, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostGetDevicePointer(self->buf, NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostGetDevicePointer(self->buf, &dev, 1));
	EXPECT_EQ((void *)0x1, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostGetDevicePointer(self->buf, &dev, 0));
	EXPECT_EQ((void *)self->buf, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtHostUnregister(self->buf));
}

/* ApiErrorDecorator::HostMemMapCapabilities, then the device's answer */
TEST_F(hr, mem_map_capabilities)
{
	aclrtHostMemMapCapability cap;
	uint32_t dev, hac;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostMemMapCapabilities(0, ACL_RT_HAC_TYPE_AICPU, NULL));
	cap = (aclrtHostMemMapCapability)7;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtHostMemMapCapabilities(2, ACL_RT_HAC_TYPE_AICPU, &cap));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtHostMemMapCapabilities(UINT32_MAX, (aclrtHacType)99,
					      &cap));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtHostMemMapCapabilities(0, (aclrtHacType)10, &cap));
	EXPECT_EQ(7, (int)cap);
	for (dev = 0; dev < 2; dev++) {
		for (hac = ACL_RT_HAC_TYPE_STARS; hac <= ACL_RT_HAC_TYPE_CCU;
		     hac++) {
			cap = (aclrtHostMemMapCapability)7;
			ASSERT_EQ(ACL_SUCCESS,
				  aclrtHostMemMapCapabilities(dev,
							      (aclrtHacType)hac,
							      &cap));
			EXPECT_EQ(ACL_RT_HOST_MEM_MAP_SUPPORTED, cap);
		}
	}
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
	/* V2: the flag before the context, the table after it */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtHostRegisterV2(buf, 4096, 0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtHostRegisterV2(buf, 4096, ACL_HOST_REG_PINNED));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtHostRegisterV2(buf, 4096, ACL_HOST_REG_READONLY));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtHostGetDevicePointer(buf, &dev, 1));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtHostGetDevicePointer(buf, &dev, 0));
	EXPECT_EQ(NULL, dev);
	{
		aclrtHostMemMapCapability cap = ACL_RT_HOST_MEM_MAP_NOT_SUPPORTED;

		EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
			  aclrtHostMemMapCapabilities(1U << 20,
						      ACL_RT_HAC_TYPE_AIC,
						      &cap));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtHostMemMapCapabilities(0, (aclrtHacType)10,
						      &cap));
		EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
			  aclrtHostMemMapCapabilities(0, ACL_RT_HAC_TYPE_AIC,
						      &cap));
		EXPECT_EQ(ACL_RT_HOST_MEM_MAP_NOT_SUPPORTED, cap);
	}

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
