// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMallocPhysical, aclrtFreePhysical and
 * aclrtMemGetAllocationPropertiesFromHandle, checked against CANN
 * (hicann/runtime memory.cpp, api_error.cc; hicann/driver devmm_svm.c
 * halMemCreate and the kernel's svm_master_mem_create.c).
 *
 * MallocPhysical, in CANN's order: a NULL handle or prop, size 0, flags,
 * a handle type other than NONE, an allocation type other than PINNED,
 * location UNREGISTERED/MANAGED, a DDR attribute on a DEVICE and an
 * attribute without a handler are 100000 (acl); a DEVICE id outside
 * [0, count) is 107001 and HOST_NUMA without a current context 107002
 * (runtime); a location type from 5 up, a HOST id from 64 up and a
 * non-zero reserve are 107000, a HUGE1G attribute on the host other than
 * ACL_MEM_P2P_HUGE1G and a HOST id 1..63 are 207000 (driver library); a
 * size that is not a multiple of 2 MiB and a HOST_NUMA node that is not
 * online are 507899 (kernel); out of memory is 207001, quickly, leaving
 * nothing behind; so is going over RLIMIT_MEMLOCK (a process of another
 * uid without CAP_IPC_LOCK, the limit 2 x 2 MiB: the third 2 MiB handle),
 * and a FREE makes room again. The output is not written by a failure.
 *
 * What is served: every attribute without 1G, NORMAL ones too and the DDR
 * ones on HOST/HOST_NUMA, takes size / 2 MiB pages of 2 MiB; the HUGE1G
 * ones 1 GiB pages, the size rounded up to 1 GiB. HOST_NUMA id -1 is any
 * node. Memory is zero and what is written through one mapping is read
 * through another. The properties come back as acl rebuilds them:
 * handle type NONE, PINNED, the location, reserve 0 and memAttr
 * normalised by memory.cpp's mapping[] (ACL_MEM_HUGE on a DEVICE is
 * ACL_HBM_MEM_HUGE, ACL_DDR_MEM_HUGE on the HOST is ACL_MEM_HUGE, ...).
 *
 * FreePhysical: NULL is 100000, a handle that is not live (freed, never
 * allocated, garbage) is 107017 (aclmem decision: CANN dereferences it);
 * GetAllocationPropertiesFromHandle likewise, and 100000 for NULLs.
 */
#include "acl_test_utils.h"

#define POISON_HANDLE	((aclrtDrvMemHandle)(uintptr_t)0x5a5a)

/* Allocating with @prop must fail with @code and leave the output alone. */
#define EXPECT_ALLOC_FAILS(code, size, prop, flags) do {		\
	aclrtDrvMemHandle __h = POISON_HANDLE;				\
	aclError __rc = aclrtMallocPhysical(&__h, size, prop, flags);	\
	EXPECT_EQ(code, __rc) {						\
		TH_LOG("size %zu memAttr %d handleType %d alloc %d "	\
		       "loc %d/%u reserve %llu flags %llu",		\
		       (size_t)(size), (prop)->memAttr,			\
		       (prop)->handleType, (prop)->allocationType,	\
		       (prop)->location.type, (prop)->location.id,	\
		       (unsigned long long)(prop)->reserve,		\
		       (unsigned long long)(flags));			\
	}								\
	if (__rc == ACL_SUCCESS)					\
		aclrtFreePhysical(__h);					\
	else								\
		EXPECT_EQ(POISON_HANDLE, __h);				\
} while (0)

/* What each served (location, memAttr) gives, per memory.cpp mapping[]. */
struct served {
	aclrtMemLocationType type;
	aclrtMemAttr attr;
	aclrtMemAttr normalised;
	bool giant;
};

#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE
#define HOST	ACL_MEM_LOCATION_TYPE_HOST
#define NUMA	ACL_MEM_LOCATION_TYPE_HOST_NUMA

static const struct served served[] = {
	{ DEV, ACL_HBM_MEM_HUGE, ACL_HBM_MEM_HUGE, false },
	{ DEV, ACL_HBM_MEM_NORMAL, ACL_HBM_MEM_NORMAL, false },
	{ DEV, ACL_MEM_NORMAL, ACL_HBM_MEM_NORMAL, false },
	{ DEV, ACL_MEM_HUGE, ACL_HBM_MEM_HUGE, false },
	{ DEV, ACL_MEM_P2P_NORMAL, ACL_MEM_P2P_NORMAL, false },
	{ DEV, ACL_MEM_P2P_HUGE, ACL_MEM_P2P_HUGE, false },
	{ DEV, ACL_HBM_MEM_HUGE1G, ACL_HBM_MEM_HUGE1G, true },
	{ DEV, ACL_MEM_HUGE1G, ACL_HBM_MEM_HUGE1G, true },
	{ DEV, ACL_MEM_P2P_HUGE1G, ACL_MEM_P2P_HUGE1G, true },
#define HOST_SIDE(t)							\
	{ t, ACL_DDR_MEM_HUGE, ACL_MEM_HUGE, false },			\
	{ t, ACL_DDR_MEM_NORMAL, ACL_MEM_NORMAL, false },		\
	{ t, ACL_HBM_MEM_HUGE, ACL_HBM_MEM_HUGE, false },		\
	{ t, ACL_HBM_MEM_NORMAL, ACL_HBM_MEM_NORMAL, false },		\
	{ t, ACL_DDR_MEM_P2P_HUGE, ACL_MEM_P2P_HUGE, false },		\
	{ t, ACL_DDR_MEM_P2P_NORMAL, ACL_DDR_MEM_P2P_NORMAL, false },	\
	{ t, ACL_MEM_NORMAL, ACL_MEM_NORMAL, false },			\
	{ t, ACL_MEM_HUGE, ACL_MEM_HUGE, false },			\
	{ t, ACL_MEM_P2P_NORMAL, ACL_DDR_MEM_P2P_NORMAL, false },	\
	{ t, ACL_MEM_P2P_HUGE, ACL_MEM_P2P_HUGE, false },		\
	{ t, ACL_MEM_P2P_HUGE1G, ACL_MEM_P2P_HUGE1G, true }
	HOST_SIDE(HOST),
	HOST_SIDE(NUMA),
#undef HOST_SIDE
};

FIXTURE(mp) {
	struct acl_pools base;
};

FIXTURE_SETUP(mp)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(mp)
{
}

/*
 * The properties of @h are what acl rebuilds (hicann/runtime memory.cpp
 * aclrtMemGetAllocationPropertiesFromHandleImpl): constants for the handle
 * and allocation types, the location, reserve 0, memAttr from mapping[].
 */
static void expect_props(struct __test_metadata *_metadata,
			 aclrtDrvMemHandle h, aclrtMemLocationType type,
			 uint32_t id, aclrtMemAttr attr)
{
	aclrtPhysicalMemProp out;

	memset(&out, 0xa5, sizeof(out));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	EXPECT_EQ(ACL_MEM_HANDLE_TYPE_NONE, (int)out.handleType);
	EXPECT_EQ(ACL_MEM_ALLOCATION_TYPE_PINNED, (int)out.allocationType);
	EXPECT_EQ((int)type, (int)out.location.type);
	EXPECT_EQ(id, out.location.id);
	EXPECT_EQ(0ULL, (unsigned long long)out.reserve);
	EXPECT_EQ((int)attr, (int)out.memAttr) {
		TH_LOG("location %d/%u", type, id);
	}
}

/* ---- acl checks: 100000 -------------------------------------------------- */

TEST_F(mp, null_handle_or_prop_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	aclrtDrvMemHandle h = POISON_HANDLE;

	/* hicann/runtime memory.cpp aclrtMallocPhysicalImpl: handle, prop */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocPhysical(NULL, SZ_2M, &prop, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocPhysical(&h, SZ_2M, NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocPhysical(NULL, 0, NULL, 1));
	EXPECT_EQ(POISON_HANDLE, h);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, size_zero_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	/* hicann/runtime memory.cpp aclrtMallocPhysicalImpl: size positive */
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, 0, &prop, 0);
	prop = acl_prop(ACL_MEM_P2P_HUGE1G, HOST, 0);
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, 0, &prop, 0);
}

TEST_F(mp, flags_nonzero_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	/* hicann/runtime memory.cpp aclrtMallocPhysicalImpl: flags reserved */
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 1);
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 2);
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 1ULL << 63);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, handle_type_not_none_is_100000)
{
	static const int bad[] = {
		ACL_MEM_HANDLE_TYPE_POSIX, 1, 3, 4, 0x7fffffff, -1,
	};
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t i;

	/*
	 * hicann/runtime memory.cpp aclrtMallocPhysicalImpl: handleType must
	 * be ACL_MEM_HANDLE_TYPE_NONE (POSIX too: aclmem's dma-buf fds come
	 * from aclmemExportToFd)
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		prop.handleType = (aclrtMemHandleType)bad[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, allocation_type_not_pinned_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	/* hicann/runtime memory.cpp aclrtMallocPhysicalImpl: PINNED only */
	prop.allocationType = (aclrtMemAllocationType)1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	prop.allocationType = (aclrtMemAllocationType)-1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, location_unregistered_or_managed_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	/*
	 * hicann/runtime memory.cpp aclrtMallocPhysicalImpl: location types
	 * UNREGISTERED and MANAGED are refused by acl
	 */
	prop.location.type = ACL_MEM_LOCATION_TYPE_UNREGISTERED;
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	prop.location.type = ACL_MEM_LOCATION_TYPE_MANAGED;
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, ddr_attrs_on_a_device_are_100000)
{
	static const aclrtMemAttr ddr[] = {
		ACL_DDR_MEM_HUGE, ACL_DDR_MEM_NORMAL, ACL_DDR_MEM_P2P_HUGE,
		ACL_DDR_MEM_P2P_NORMAL,
	};
	size_t i;

	/*
	 * hicann/runtime memory.cpp aclrtMallocPhysicalImpl: the DDR
	 * attributes are for HOST or HOST_NUMA only
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(ddr); i++) {
		aclrtPhysicalMemProp prop = acl_prop(ddr[i], DEV, 0);

		EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, attrs_without_a_handler_are_100000)
{
	static const int bad[] = {
		ACL_DDR_MEM, ACL_HBM_MEM, ACL_HBM_MEM_P2P_HUGE,
		ACL_HBM_MEM_P2P_NORMAL, ACL_HBM_MEM_P2P_HUGE1G, 18, 0x7fffffff,
		-1,
	};
	static const aclrtMemLocationType types[] = { DEV, HOST };
	size_t i, t;

	/*
	 * hicann/runtime memory.cpp aclrtMallocPhysicalImpl: memAttr is not a
	 * key of memAttrHandlers
	 */
	for (t = 0; t < ACL_ARRAY_SIZE(types); t++) {
		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
			aclrtPhysicalMemProp prop =
				acl_prop((aclrtMemAttr)bad[i], types[t], 0);

			EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M,
					   &prop, 0);
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- runtime checks: 107001, 107002 -------------------------------------- */

TEST_F(mp, device_id_out_of_range_is_107001)
{
	static const uint32_t extra[] = { 64, 0x7fffffff, 0xffffffff };
	aclrtPhysicalMemProp prop = acl_prop_2m();
	uint32_t count = acl_device_count();
	size_t i;

	ASSERT_LE(1U, count);
	/*
	 * hicann/runtime api_error.cc ApiErrorDecorator::MallocPhysical:
	 * CheckDeviceIdIsValid, RT_ERROR_DEVICE_ID
	 */
	prop.location.id = count;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	prop.location.id = count + 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	for (i = 0; i < ACL_ARRAY_SIZE(extra); i++) {
		prop.location.id = extra[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop,
				   0);
	}
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* With ACLMEM_DEVICE_COUNT=2 device 1 exists (on node 1 % nodes). */
TEST_F(mp, second_device)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	aclrtDrvMemHandle h = NULL;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(2U, acl_device_count());

	prop.location.id = 1;
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	expect_props(_metadata, h, DEV, 1, ACL_HBM_MEM_HUGE);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));

	/* hicann/runtime api_error.cc ApiErrorDecorator::MallocPhysical */
	prop.location.id = 2;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, host_numa_needs_a_context_107002)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_HUGE, NUMA, 0);
	aclrtDrvMemHandle h = NULL;

	/*
	 * hicann/runtime api_error.cc ApiErrorDecorator::MallocPhysical:
	 * HOST_NUMA checks the current context (RT_ERROR_CONTEXT_NULL)
	 */
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_CONTEXT_NULL, SZ_2M, &prop, 0);
	prop.location.id = 0xffffffff;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_CONTEXT_NULL, SZ_2M, &prop, 0);
	/* no context needed for the other locations */
	prop = acl_prop(ACL_MEM_HUGE, HOST, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	prop = acl_prop(ACL_MEM_HUGE, NUMA, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_CONTEXT_NULL, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- driver library checks: 107000, 207000 ------------------------------- */

TEST_F(mp, location_type_5_and_up_is_107000)
{
	static const uint32_t bad[] = { 5, 6, 99, 0xffffffff };
	static const aclrtMemAttr attrs[] = {
		ACL_HBM_MEM_HUGE, ACL_MEM_HUGE, ACL_DDR_MEM_NORMAL,
	};
	size_t i, a;

	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check: side >= MEM_MAX_SIDE
	 * (acl passes these types on)
	 */
	for (a = 0; a < ACL_ARRAY_SIZE(attrs); a++) {
		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
			aclrtPhysicalMemProp prop = acl_prop(attrs[a],
					(aclrtMemLocationType)bad[i], 0);

			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M,
					   &prop, 0);
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, host_id_not_0)
{
	static const uint32_t not_supported[] = { 1, 2, 63 };
	static const uint32_t invalid[] = { 64, 65, 1000, 0xffffffff };
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_HUGE, HOST, 0);
	size_t i;

	/*
	 * hicann/driver devmm_svm.c devmm_mem_create_para_check: devid must
	 * be 0 on the host side (DRV_ERROR_NOT_SUPPORT)
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(not_supported); i++) {
		prop.location.id = not_supported[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, SZ_2M,
				   &prop, 0);
	}
	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check: devid >=
	 * DEVMM_MAX_PHY_DEVICE_NUM is DRV_ERROR_INVALID_VALUE, checked first
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(invalid); i++) {
		prop.location.id = invalid[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Older vllm-ascend put the size in reserve: not accepted. */
TEST_F(mp, reserve_nonzero_is_107000)
{
	static const uint64_t bad[] = { 1, SZ_2M, 1ULL << 63 };
	static const aclrtMemLocationType types[] = { DEV, HOST };
	size_t i, t;

	/*
	 * hicann/runtime memory.cpp aclrtMallocPhysicalImpl passes reserve
	 * on; hicann/driver devmm_svm.c devmm_mem_prop_check: reserve != 0
	 */
	for (t = 0; t < ACL_ARRAY_SIZE(types); t++) {
		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
			aclrtPhysicalMemProp prop =
				acl_prop(ACL_MEM_HUGE, types[t], 0);

			prop.reserve = bad[i];
			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M,
					   &prop, 0);
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* On the host only P2P DDR takes 1 GiB pages. */
TEST_F(mp, host_huge1g_other_than_p2p_is_207000)
{
	static const aclrtMemAttr bad[] = { ACL_MEM_HUGE1G, ACL_HBM_MEM_HUGE1G };
	static const aclrtMemLocationType types[] = { HOST, NUMA };
	size_t i, t;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/*
	 * hicann/driver devmm_svm.c devmm_giant_page_para_check: a host or
	 * NUMA side giant page needs MEM_P2P_DDR_TYPE
	 */
	for (t = 0; t < ACL_ARRAY_SIZE(types); t++) {
		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
			aclrtPhysicalMemProp prop = acl_prop(bad[i], types[t],
							     0);

			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
					   SZ_1G, &prop, 0);
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- kernel checks: 507899 ----------------------------------------------- */

TEST_F(mp, size_not_2m_multiple_is_507899)
{
	static const size_t bad[] = {
		1, SZ_4K, SZ_1M, SZ_2M - SZ_4K, SZ_2M + SZ_4K, 3 * SZ_1M,
		SZ_2M + 1, SZ_1G + SZ_1M,
	};
	static const struct {
		aclrtMemLocationType type;
		aclrtMemAttr attr;
	} c[] = {
		{ DEV, ACL_HBM_MEM_HUGE }, { DEV, ACL_HBM_MEM_NORMAL },
		{ DEV, ACL_MEM_NORMAL }, { HOST, ACL_MEM_HUGE },
		{ HOST, ACL_DDR_MEM_NORMAL }, { NUMA, ACL_MEM_P2P_NORMAL },
	};
	size_t i, k;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/*
	 * hicann/driver svm_master_mem_create.c
	 * devmm_ioctl_mem_create_para_check: the size is a multiple of the 2
	 * MiB page (NORMAL attributes are sent as HUGE, devmm_svm.c
	 * devmm_vmm_mem_create), -EINVAL
	 */
	for (k = 0; k < ACL_ARRAY_SIZE(c); k++) {
		aclrtPhysicalMemProp prop = acl_prop(c[k].attr, c[k].type, 0);

		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					   bad[i], &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_F(mp, host_numa_node_not_online_is_507899)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_HUGE, NUMA, 0);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/*
	 * hicann/driver svm_master_mem_create.c devmm_host_numa_id_check: a
	 * node that is not online, or past the last one, is -EINVAL
	 */
	prop.location.id = acl_first_offline_node();
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M, &prop, 0);
	prop.location.id = 4096;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M, &prop, 0);
	prop.location.id = 0x7fffffff;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_DRV_INTERNAL_ERROR, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Each layer's checks come before the next layer's. */
TEST_F(mp, check_order)
{
	aclrtPhysicalMemProp prop;

	/* acl before the runtime: a DDR attr on a bad device */
	prop = acl_prop(ACL_DDR_MEM_HUGE, DEV, 1000);
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 0);
	/* acl before the runtime: HOST_NUMA without a context, bad flags */
	prop = acl_prop(ACL_MEM_HUGE, NUMA, 0);
	EXPECT_ALLOC_FAILS(ACL_ERROR_INVALID_PARAM, SZ_2M, &prop, 1);
	/* the runtime before the driver: bad device, reserve set, odd size */
	prop = acl_prop(ACL_MEM_HUGE, DEV, 1000);
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_1M, &prop, 0);
	/* the runtime before the driver: no context, reserve set, odd size */
	prop = acl_prop(ACL_MEM_HUGE, NUMA, acl_first_offline_node());
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_CONTEXT_NULL, SZ_1M, &prop, 0);

	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check: side, devid, page
	 * and memory type, giant page, reserve, in that order; then
	 * devmm_mem_create_para_check's host id; then the kernel
	 */
	prop = acl_prop(ACL_MEM_HUGE, (aclrtMemLocationType)5, 0);
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_1M, &prop, 0);
	prop = acl_prop(ACL_MEM_HUGE1G, HOST, 64);
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_1G, &prop, 0);
	prop = acl_prop(ACL_MEM_HUGE1G, HOST, 0);
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, SZ_1G, &prop, 0);
	prop = acl_prop(ACL_MEM_HUGE, HOST, 1);
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	prop = acl_prop(ACL_MEM_HUGE, HOST, 1);
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, SZ_1M, &prop, 0);
	prop = acl_prop(ACL_MEM_HUGE, DEV, 0);
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_1M, &prop, 0);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	prop = acl_prop(ACL_MEM_HUGE, NUMA, acl_first_offline_node());
	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- what is served ------------------------------------------------------ */

/*
 * Allocates each served[] entry with @giant pages at @size, one after the
 * other: the pages it takes, its properties; frees it.
 */
static void check_served(struct __test_metadata *_metadata,
			 const struct acl_pools *base, bool giant, size_t size)
{
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(served); i++) {
		aclrtPhysicalMemProp prop;
		aclrtDrvMemHandle h = NULL;

		if (served[i].giant != giant)
			continue;
		prop = acl_prop(served[i].attr, served[i].type, 0);
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, size, &prop,
							   0)) {
			TH_LOG("memAttr %d location %d", served[i].attr,
			       served[i].type);
		}
		if (giant)
			ACL_EXPECT_IN_USE(base, 0, size / SZ_1G);
		else
			ACL_EXPECT_IN_USE(base, size / SZ_2M, 0);
		/* hicann/runtime memory.cpp mapping[] */
		expect_props(_metadata, h, served[i].type, 0,
			     served[i].normalised);
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
		ACL_EXPECT_POOLS_BACK(base);
	}
}

/*
 * Every attribute without 1G takes size / 2 MiB pages of 2 MiB, on every
 * location, and reports its memAttr normalised.
 */
TEST_F(mp, non_1g_attrs_take_2m_pages)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/*
	 * hicann/driver devmm_svm.c devmm_vmm_mem_create: every page type but
	 * GIANT is sent as HUGE (module 33, not RUNTIME)
	 */
	check_served(_metadata, &self->base, false, 3 * SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* The HUGE1G attributes take 1 GiB pages, one at a time here. */
TEST_F_TIMEOUT(mp, huge1g_attrs_take_1g_pages, ACL_1G_TIMEOUT)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* hicann/driver devmm_svm.c devmm_vmm_mem_create: GIANT stays GIANT */
	check_served(_metadata, &self->base, true, SZ_1G);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Any size of a HUGE1G attribute: rounded up to 1 GiB. */
TEST_F_TIMEOUT(mp, huge1g_size_rounded_up_to_1g, ACL_1G_TIMEOUT)
{
	static const size_t sizes[] = { 1, SZ_4K, SZ_2M, SZ_1G - SZ_2M };
	aclrtPhysicalMemProp prop = acl_prop_1g();
	char *va = NULL;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va, SZ_1G, 0, NULL, 0));
	for (i = 0; i < ACL_ARRAY_SIZE(sizes); i++) {
		aclrtDrvMemHandle h = NULL;

		/*
		 * hicann/driver devmm_svm.c devmm_vmm_mem_create: real_size
		 * is align_up(size, DEVMM_GIANT_PAGE_SIZE)
		 */
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, sizes[i], &prop,
							   0)) {
			TH_LOG("size %zu", sizes[i]);
		}
		ACL_EXPECT_IN_USE(&self->base, 0, 1);
		/* the handle is 1 GiB: it maps 1 GiB */
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, SZ_1G, 0, h, 0));
		va[SZ_1G - 1] = 1;
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* HOST_NUMA id -1: no preferred node. */
TEST_F(mp, host_numa_any_node)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_DDR_MEM_HUGE, NUMA, 0xffffffff);
	aclrtDrvMemHandle h = NULL;
	char *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/*
	 * hicann/driver svm_master_mem_create.c devmm_host_numa_id_check and
	 * devmm_mem_create_phy_addr_attr_pack: -1 is any node
	 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, 2 * SZ_2M, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	/* the id is given back as it was stored */
	expect_props(_metadata, h, NUMA, 0xffffffff, ACL_MEM_HUGE);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, 2 * SZ_2M, 0, h, 0));
	ACL_ASSERT_ZERO(va, 2 * SZ_2M);
	acl_fill(va, 2 * SZ_2M, 9);
	ACL_ASSERT_PATTERN(va, 2 * SZ_2M, 9);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/*
 * Allocate, map twice: zero, written through one mapping, read through
 * the other; tear down.
 */
static void alloc_map_check(struct __test_metadata *_metadata,
			    const aclrtPhysicalMemProp *prop, size_t size,
			    uint64_t seed)
{
	aclrtDrvMemHandle h = NULL;
	char *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, size, prop, 0)) {
		TH_LOG("memAttr %d location %d/%u", prop->memAttr,
		       prop->location.type, prop->location.id);
	}
	ASSERT_NE(NULL, h);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va, 2 * size, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, size, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va + size, size, 0, h, 0));
	ACL_ASSERT_ZERO(va, size);
	acl_fill(va, size, seed);
	ACL_ASSERT_PATTERN(va + size, size, seed);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va + size));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
}

TEST_F(mp, memory_is_zero_and_shared_by_mappings)
{
	aclrtPhysicalMemProp prop;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	prop = acl_prop(ACL_HBM_MEM_HUGE, DEV, 0);
	alloc_map_check(_metadata, &prop, SZ_2M, 1);
	prop = acl_prop(ACL_MEM_NORMAL, DEV, 0);
	alloc_map_check(_metadata, &prop, 2 * SZ_2M, 2);
	prop = acl_prop(ACL_DDR_MEM_NORMAL, HOST, 0);
	alloc_map_check(_metadata, &prop, 2 * SZ_2M, 3);
	prop = acl_prop(ACL_HBM_MEM_HUGE, HOST, 0);
	alloc_map_check(_metadata, &prop, SZ_2M, 4);
	prop = acl_prop(ACL_DDR_MEM_P2P_HUGE, NUMA, 0);
	alloc_map_check(_metadata, &prop, 3 * SZ_2M, 5);
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_F_TIMEOUT(mp, handle_1g_zero_and_data, ACL_1G_TIMEOUT)
{
	aclrtPhysicalMemProp prop = acl_prop_1g();
	aclrtDrvMemHandle h = NULL;
	void *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_1G, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	expect_props(_metadata, h, DEV, 0, ACL_HBM_MEM_HUGE1G);

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&va, SZ_1G, 0, NULL, 0));
	ASSERT_TRUE(acl_aligned(va, SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, SZ_1G, 0, h, 0));
	ACL_ASSERT_ZERO(va, SZ_1G);
	acl_fill(va, SZ_1G, 77);
	ACL_ASSERT_PATTERN(va, SZ_1G, 77);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Nothing but HOST_NUMA needs aclInit or a current context. */
TEST_F(mp, no_context_needed)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_DDR_MEM_HUGE, HOST, 0);
	aclrtDrvMemHandle h = NULL;
	int32_t dev;

	ASSERT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	expect_props(_metadata, h, DEV, 0, ACL_HBM_MEM_HUGE);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- out of memory ------------------------------------------------------- */

/* 64 GiB in a 6 GiB guest: 207001 without grinding, nothing kept. */
static void expect_oom(struct __test_metadata *_metadata,
		       const struct acl_pools *base,
		       const aclrtPhysicalMemProp *prop, size_t size)
{
	aclrtDrvMemHandle h = POISON_HANDLE;
	double t0 = acl_now(), dt;

	/*
	 * hicann/driver svm_master_mem_create.c devmm_master_mem_create:
	 * -ENOMEM, DRV_ERROR_OUT_OF_MEMORY
	 */
	EXPECT_EQ(ACL_ERROR_RT_MEMORY_ALLOCATION,
		  aclrtMallocPhysical(&h, size, prop, 0));
	dt = acl_now() - t0;
	EXPECT_LT(dt, 30.0) {
		TH_LOG("failing took %.1f s", dt);
	}
	EXPECT_EQ(POISON_HANDLE, h);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(base);
}

TEST_F_TIMEOUT(mp, out_of_memory_1g, ACL_1G_TIMEOUT)
{
	aclrtPhysicalMemProp prop = acl_prop_1g();
	aclrtDrvMemHandle h = NULL;

	expect_oom(_metadata, &self->base, &prop, 64 * SZ_1G);
	/* the library still works afterwards */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(mp, out_of_memory_2m, 120)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	aclrtDrvMemHandle h = NULL;

	expect_oom(_metadata, &self->base, &prop, 64 * SZ_1G);
	prop = acl_prop(ACL_DDR_MEM_HUGE, HOST, 0);
	expect_oom(_metadata, &self->base, &prop, 64 * SZ_1G);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Child of memlock_limit: the library opens /dev/aclmem as root (one
 * allocation), then under RLIMIT_MEMLOCK of 4 MiB and as another user with no
 * capabilities it gets two 2 MiB handles, and 207001 for a third. Returns
 * the number of the step that went wrong, 0 if none.
 */
static int memlock_kid(void)
{
	struct rlimit rl = { .rlim_cur = 2 * SZ_2M, .rlim_max = 2 * SZ_2M };
	aclrtDrvMemHandle h[3] = { NULL, NULL, NULL };

	if (acl_alloc_2m(&h[0], SZ_2M) || aclrtFreePhysical(h[0]))
		return 1;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 1;
	if (setresgid(65531, 65531, 65531) || setresuid(65531, 65531, 65531))
		return 2;
	if (acl_alloc_2m(&h[0], SZ_2M) || acl_alloc_2m(&h[1], SZ_2M))
		return 3;
	if (acl_alloc_2m(&h[2], SZ_2M) != ACL_ERROR_RT_MEMORY_ALLOCATION ||
	    h[2])
		return 4;
	if (aclrtFreePhysical(h[1]) || acl_alloc_2m(&h[1], SZ_2M))
		return 5;
	if (acl_alloc_2m(&h[2], SZ_2M) != ACL_ERROR_RT_MEMORY_ALLOCATION)
		return 6;
	if (aclrtFreePhysical(h[0]) || aclrtFreePhysical(h[1]))
		return 7;
	return 0;
}

TEST_F(mp, memlock_limit)
{
	int status = 0;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(memlock_kid());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("the child failed at step %d", WEXITSTATUS(status));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ---- FreePhysical, GetAllocationPropertiesFromHandle --------------------- */

TEST_F(mp, free_null_is_100000)
{
	/* hicann/runtime memory.cpp aclrtFreePhysicalImpl: handle NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtFreePhysical(NULL));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST_F(mp, get_properties_null_is_100000)
{
	aclrtPhysicalMemProp out;
	aclrtDrvMemHandle h = NULL;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	/*
	 * hicann/runtime memory.cpp
	 * aclrtMemGetAllocationPropertiesFromHandleImpl: handle, prop NULL
	 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationPropertiesFromHandle(h, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationPropertiesFromHandle(NULL, &out));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationPropertiesFromHandle(NULL, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* aclmem decision: a handle that is not live is 107017 (CANN: undefined). */
TEST_F(mp, freed_handle_is_107017)
{
	aclrtPhysicalMemProp out;
	aclrtDrvMemHandle h = NULL;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, garbage_handle_is_107017)
{
	aclrtPhysicalMemProp out;
	aclrtDrvMemHandle h = NULL;
	uint64_t local = 0;
	void *heap = malloc(64);
	void *garbage[] = {
		(void *)(uintptr_t)0x1234, (void *)(uintptr_t)0xdeadbeef000,
		&local, heap, (void *)(uintptr_t)-1,
	};
	size_t i;

	ASSERT_NE(NULL, heap);
	/* a live handle must not make a wrong pointer look valid */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	for (i = 0; i < ACL_ARRAY_SIZE(garbage); i++) {
		/* aclmem decision: not live, 107017 */
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
			  aclrtFreePhysical(garbage[i])) {
			TH_LOG("pointer %p", garbage[i]);
		}
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
			  aclrtMemGetAllocationPropertiesFromHandle(
					garbage[i], &out)) {
			TH_LOG("pointer %p", garbage[i]);
		}
	}
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtFreePhysical((char *)h + 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	free(heap);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Many live handles are distinct and each frees once. */
TEST_F(mp, many_handles)
{
	aclrtDrvMemHandle h[16];
	size_t i, j;

	for (i = 0; i < ACL_ARRAY_SIZE(h); i++) {
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		for (j = 0; j < i; j++)
			ASSERT_NE(h[j], h[i]);
	}
	ACL_EXPECT_IN_USE(&self->base, ACL_ARRAY_SIZE(h), 0);
	for (i = 0; i < ACL_ARRAY_SIZE(h); i += 2)
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	for (i = 0; i < ACL_ARRAY_SIZE(h); i += 2)
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h[i]));
	ACL_EXPECT_IN_USE(&self->base, ACL_ARRAY_SIZE(h) / 2, 0);
	for (i = 1; i < ACL_ARRAY_SIZE(h); i += 2)
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Hundreds of live handles: each one found, each freed once. */
TEST_F_TIMEOUT(mp, hundreds_of_handles, 120)
{
	enum { N = 256 };
	aclrtDrvMemHandle *h = calloc(N, sizeof(*h));
	aclrtPhysicalMemProp prop;
	int i, k;

	ASSERT_NE(NULL, h);
	for (i = 0; i < N; i++) {
		prop = acl_prop(i & 1 ? ACL_DDR_MEM_HUGE : ACL_MEM_HUGE,
				i & 1 ? HOST : DEV, 0);
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h[i], SZ_2M, &prop,
							   0)) {
			TH_LOG("handle %d", i);
		}
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAllocationPropertiesFromHandle(h[i], &prop));
		EXPECT_EQ(i & 1 ? HOST : DEV, (int)prop.location.type);
		EXPECT_EQ(i & 1 ? ACL_MEM_HUGE : ACL_HBM_MEM_HUGE,
			  (int)prop.memAttr);
	}
	for (k = 0; k < N; k++) {
		i = (k * 97) % N;
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
			  aclrtMemGetAllocationPropertiesFromHandle(h[i], &prop));
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
	free(h);
}

TEST_HARNESS_MAIN
