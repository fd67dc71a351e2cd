// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMallocPhysical, aclrtFreePhysical and
 * aclrtMemGetAllocationPropertiesFromHandle.
 *
 * Every bad field of the call is its own code: flags, handleType,
 * allocationType, reserve, size 0 or not a multiple of the granularity,
 * a location type outside HOST/DEVICE/HOST_NUMA and a HOST_NUMA node that
 * is not online are 107000; a DEVICE id outside [0, count) is 107001; the
 * DDR attributes are 207000; NULL pointers are 100000. Locations HOST,
 * HOST_NUMA(0) and DEVICE(0) work; every NORMAL/HUGE attribute is served
 * with 2 MiB pages and every HUGE1G one with 1 GiB pages (pool counters);
 * memory is zero; properties round-trip exactly; a freed, never allocated
 * or garbage handle is 107017 (double free too); out of memory is 207001,
 * quickly, and leaves nothing behind.
 */
#include "acl_test_utils.h"

/* Allocating with @prop must fail with @code and leave @h alone. */
#define EXPECT_ALLOC_FAILS(code, size, prop, flags) do {		\
	aclrtDrvMemHandle __h = (aclrtDrvMemHandle)(uintptr_t)0x5a5a;	\
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
		EXPECT_EQ((aclrtDrvMemHandle)(uintptr_t)0x5a5a, __h);	\
} while (0)

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

TEST_F(mp, null_pointers)
{
	aclrtPhysicalMemProp prop = acl_prop_2m(), out;
	aclrtDrvMemHandle h = NULL;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocPhysical(NULL, SZ_2M, &prop, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocPhysical(&h, SZ_2M, NULL, 0));
	EXPECT_EQ(NULL, h);
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationPropertiesFromHandle(h, NULL));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_flags)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 1);
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 2);
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop,
			   1ULL << 63);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_handle_type)
{
	static const int bad[] = { 1, 3, 4, 0x7fffffff, -1 };
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		prop.handleType = (aclrtMemHandleType)bad[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_allocation_type)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	prop.allocationType = (aclrtMemAllocationType)1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	prop.allocationType = (aclrtMemAllocationType)-1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Older vllm-ascend put the size in reserve: not accepted. */
TEST_F(mp, bad_reserve)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	prop.reserve = 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	prop.reserve = SZ_2M;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	prop.reserve = 1ULL << 63;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_size_2m)
{
	static const size_t bad[] = {
		0, 1, SZ_4K, SZ_1M, SZ_2M - SZ_4K, SZ_2M + SZ_4K, 3 * SZ_1M,
		SZ_2M + 1,
	};
	static const aclrtMemAttr attrs[] = {
		ACL_HBM_MEM_HUGE, ACL_HBM_MEM_NORMAL, ACL_MEM_NORMAL,
		ACL_MEM_HUGE,
	};
	size_t i, a;

	for (a = 0; a < ACL_ARRAY_SIZE(attrs); a++) {
		aclrtPhysicalMemProp prop = acl_prop(attrs[a],
					ACL_MEM_LOCATION_TYPE_DEVICE, 0);

		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, bad[i],
					   &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* No 1 GiB page is taken for these: the size is refused first. */
TEST_F(mp, bad_size_1g)
{
	static const size_t bad[] = {
		0, SZ_4K, SZ_2M, SZ_1G - SZ_2M, SZ_1G + SZ_2M, SZ_1G + 1,
	};
	static const aclrtMemAttr attrs[] = {
		ACL_HBM_MEM_HUGE1G, ACL_MEM_HUGE1G, ACL_MEM_P2P_HUGE1G,
	};
	size_t i, a;

	for (a = 0; a < ACL_ARRAY_SIZE(attrs); a++) {
		aclrtPhysicalMemProp prop = acl_prop(attrs[a],
					ACL_MEM_LOCATION_TYPE_DEVICE, 0);

		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
			EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, bad[i],
					   &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, ddr_attrs_not_supported)
{
	static const aclrtMemAttr ddr[] = {
		ACL_DDR_MEM, ACL_DDR_MEM_HUGE, ACL_DDR_MEM_NORMAL,
		ACL_DDR_MEM_P2P_HUGE, ACL_DDR_MEM_P2P_NORMAL,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(ddr); i++) {
		aclrtPhysicalMemProp prop = acl_prop(ddr[i],
					ACL_MEM_LOCATION_TYPE_DEVICE, 0);

		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, SZ_2M,
				   &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* ACL_HBM_MEM is a memory kind (aclrtGetMemInfo), not a served attr. */
TEST_F(mp, hbm_mem_kind_not_supported)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM,
					     ACL_MEM_LOCATION_TYPE_DEVICE, 0);

	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_device_id)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	uint32_t count = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	ASSERT_LE(1U, count);
	prop.location.id = count;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	prop.location.id = count + 1;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	prop.location.id = 64;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	prop.location.id = 0x7fffffff;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	prop.location.id = 0xffffffff;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* With ACLMEM_DEVICE_COUNT=2 device 1 exists (on node 1 % nodes). */
TEST_F(mp, second_device)
{
	aclrtPhysicalMemProp prop = acl_prop_2m(), out;
	aclrtDrvMemHandle h = NULL;
	uint32_t count = 0;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	ASSERT_EQ(2U, count);

	prop.location.id = 1;
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	EXPECT_EQ(ACL_MEM_LOCATION_TYPE_DEVICE, (int)out.location.type);
	EXPECT_EQ(1U, out.location.id);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));

	prop.location.id = 2;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, host_numa_offline_node)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST_NUMA, 0);

	prop.location.id = acl_first_offline_node();
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	prop.location.id = 4096;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	/* the kernel's "any node" value is not a node */
	prop.location.id = 0xffffffff;
	EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, bad_location_type)
{
	static const int bad[] = {
		ACL_MEM_LOCATION_TYPE_UNREGISTERED,
		ACL_MEM_LOCATION_TYPE_MANAGED, 5, 99, -1,
	};
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		prop.location.type = (aclrtMemLocationType)bad[i];
		EXPECT_ALLOC_FAILS(ACL_ERROR_RT_PARAM_INVALID, SZ_2M, &prop, 0);
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Allocate, map, check zero, write, read back, tear down. */
static void alloc_map_check(struct __test_metadata *_metadata,
			    const aclrtPhysicalMemProp *prop, size_t size,
			    uint64_t seed)
{
	aclrtDrvMemHandle h = NULL;
	void *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, size, prop, 0)) {
		TH_LOG("memAttr %d location %d/%u", prop->memAttr,
		       prop->location.type, prop->location.id);
	}
	ASSERT_NE(NULL, h);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&va, size, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, size, 0, h, 0));
	ACL_ASSERT_ZERO(va, size);
	acl_fill(va, size, seed);
	ACL_ASSERT_PATTERN(va, size, seed);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
}

TEST_F(mp, locations)
{
	aclrtPhysicalMemProp prop;

	prop = acl_prop(ACL_HBM_MEM_HUGE, ACL_MEM_LOCATION_TYPE_HOST, 0);
	alloc_map_check(_metadata, &prop, SZ_2M, 1);
	prop = acl_prop(ACL_HBM_MEM_HUGE, ACL_MEM_LOCATION_TYPE_HOST_NUMA, 0);
	alloc_map_check(_metadata, &prop, SZ_2M, 2);
	prop = acl_prop(ACL_HBM_MEM_HUGE, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	alloc_map_check(_metadata, &prop, SZ_2M, 3);
	prop = acl_prop(ACL_MEM_NORMAL, ACL_MEM_LOCATION_TYPE_HOST, 0);
	alloc_map_check(_metadata, &prop, 2 * SZ_2M, 4);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Every 2 MiB attribute takes 2 MiB pages: size / 2 MiB of them. */
TEST_F(mp, normal_and_huge_use_2m_pages)
{
	static const aclrtMemAttr attrs[] = {
		ACL_HBM_MEM_HUGE, ACL_HBM_MEM_NORMAL,
		ACL_HBM_MEM_P2P_HUGE, ACL_HBM_MEM_P2P_NORMAL,
		ACL_MEM_NORMAL, ACL_MEM_HUGE,
		ACL_MEM_P2P_NORMAL, ACL_MEM_P2P_HUGE,
	};
	aclrtDrvMemHandle h[ACL_ARRAY_SIZE(attrs)];
	aclrtDrvMemHandle big = NULL;
	aclrtPhysicalMemProp prop;
	size_t i, j;

	for (i = 0; i < ACL_ARRAY_SIZE(attrs); i++) {
		prop = acl_prop(attrs[i], ACL_MEM_LOCATION_TYPE_DEVICE, 0);
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMallocPhysical(&h[i], SZ_2M, &prop, 0)) {
			TH_LOG("memAttr %d", attrs[i]);
		}
		ACL_EXPECT_IN_USE(&self->base, i + 1, 0);
		for (j = 0; j < i; j++)
			EXPECT_NE(h[j], h[i]);
	}
	prop = acl_prop(ACL_MEM_NORMAL, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&big, 3 * SZ_2M, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, ACL_ARRAY_SIZE(attrs) + 3, 0);

	for (i = 0; i < ACL_ARRAY_SIZE(attrs); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	ACL_EXPECT_IN_USE(&self->base, 3, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(big));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

static void expect_props_equal(struct __test_metadata *_metadata,
			       const aclrtPhysicalMemProp *want,
			       const aclrtPhysicalMemProp *got)
{
	EXPECT_EQ(want->handleType, got->handleType);
	EXPECT_EQ(want->allocationType, got->allocationType);
	EXPECT_EQ(want->memAttr, got->memAttr);
	EXPECT_EQ(want->location.type, got->location.type);
	EXPECT_EQ(want->location.id, got->location.id);
	EXPECT_EQ(want->reserve, got->reserve);
}

TEST_F(mp, properties_round_trip)
{
	aclrtPhysicalMemProp props[5];
	aclrtDrvMemHandle h[5];
	size_t i;

	props[0] = acl_prop(ACL_HBM_MEM_HUGE, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	props[1] = acl_prop(ACL_MEM_NORMAL, ACL_MEM_LOCATION_TYPE_HOST, 0);
	props[1].handleType = ACL_MEM_HANDLE_TYPE_POSIX;
	props[2] = acl_prop(ACL_MEM_P2P_HUGE, ACL_MEM_LOCATION_TYPE_HOST_NUMA,
			    0);
	props[3] = acl_prop(ACL_HBM_MEM_P2P_NORMAL,
			    ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	props[3].handleType = ACL_MEM_HANDLE_TYPE_POSIX;
	props[4] = acl_prop(ACL_HBM_MEM_NORMAL, ACL_MEM_LOCATION_TYPE_HOST, 0);

	for (i = 0; i < ACL_ARRAY_SIZE(props); i++) {
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMallocPhysical(&h[i], (i + 1) * SZ_2M,
					      &props[i], 0));
	}
	for (i = 0; i < ACL_ARRAY_SIZE(props); i++) {
		aclrtPhysicalMemProp out;

		memset(&out, 0xa5, sizeof(out));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAllocationPropertiesFromHandle(h[i],
								    &out));
		expect_props_equal(_metadata, &props[i], &out);
	}
	for (i = 0; i < ACL_ARRAY_SIZE(props); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(mp, handle_1g, ACL_1G_TIMEOUT)
{
	aclrtPhysicalMemProp prop = acl_prop_1g(), out;
	aclrtDrvMemHandle h = NULL;
	void *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_1G, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	expect_props_equal(_metadata, &prop, &out);

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

TEST_F(mp, double_free)
{
	aclrtPhysicalMemProp out;
	aclrtDrvMemHandle h = NULL;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &out));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(mp, free_garbage)
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

/* 64 GiB in a 6 GiB guest: 207001 without grinding, nothing kept. */
static void expect_oom(struct __test_metadata *_metadata,
		       const struct acl_pools *base,
		       const aclrtPhysicalMemProp *prop, size_t size)
{
	aclrtDrvMemHandle h = (aclrtDrvMemHandle)(uintptr_t)0x5a5a;
	double t0 = acl_now(), dt;

	EXPECT_EQ(ACL_ERROR_RT_MEMORY_ALLOCATION,
		  aclrtMallocPhysical(&h, size, prop, 0));
	dt = acl_now() - t0;
	EXPECT_LT(dt, 30.0) {
		TH_LOG("failing took %.1f s", dt);
	}
	EXPECT_EQ((aclrtDrvMemHandle)(uintptr_t)0x5a5a, h);
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
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Nothing here needs aclInit or a current context. */
TEST_F(mp, no_context_needed)
{
	aclrtDrvMemHandle h = NULL;
	int32_t dev;

	ASSERT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
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
		prop = acl_prop(ACL_MEM_HUGE, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
		prop.handleType = i & 1 ? ACL_MEM_HANDLE_TYPE_POSIX :
					  ACL_MEM_HANDLE_TYPE_NONE;
		ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h[i], SZ_2M, &prop,
							   0)) {
			TH_LOG("handle %d", i);
		}
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAllocationPropertiesFromHandle(h[i], &prop));
		EXPECT_EQ(i & 1 ? ACL_MEM_HANDLE_TYPE_POSIX :
				  ACL_MEM_HANDLE_TYPE_NONE, (int)prop.handleType);
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
