// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemGetAllocationGranularity, checked against CANN
 * (hicann/runtime memory.cpp, api_error.cc; hicann/driver devmm_svm.c
 * halMemGetAllocationGranularity).
 *
 * A NULL prop or output, a DDR attribute on a DEVICE and an attribute
 * without a handler are 100000 (acl; unlike aclrtMallocPhysical the handle
 * type, allocation type and locations UNREGISTERED/MANAGED are not looked
 * at there); a DEVICE id outside [0, count) is 107001 (runtime); an option
 * other than MINIMUM/RECOMMENDED is 207000, before the prop is checked;
 * location MANAGED or from 5 up, a HOST id past the host's and a non-zero
 * reserve are 107000; a HUGE1G attribute on the host other than
 * ACL_MEM_P2P_HUGE1G is 207000 (driver library). A failure leaves the
 * output alone. The answer is 1 GiB for the HUGE1G attributes and 2 MiB
 * for every other, with both options, on every location (HOST ids 1..63
 * and UNREGISTERED included), without a context; it is a size
 * aclrtMallocPhysical accepts, and half of it is not (507899).
 */
#include "acl_test_utils.h"

#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE
#define HOST	ACL_MEM_LOCATION_TYPE_HOST
#define NUMA	ACL_MEM_LOCATION_TYPE_HOST_NUMA
#define UNSET	((size_t)12345)

static const aclrtMemGranularityOptions options[] = {
	ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM,
	ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED,
};

/* The granularity of (@attr, @type, @id) must be @want, for both options. */
static void expect_granularity(struct __test_metadata *_metadata,
			       aclrtMemAttr attr, aclrtMemLocationType type,
			       uint32_t id, size_t want)
{
	aclrtPhysicalMemProp prop = acl_prop(attr, type, id);
	size_t o;

	for (o = 0; o < ACL_ARRAY_SIZE(options); o++) {
		size_t g = UNSET;

		EXPECT_EQ(ACL_SUCCESS, aclrtMemGetAllocationGranularity(&prop,
							options[o], &g)) {
			TH_LOG("memAttr %d location %d/%u option %d", attr,
			       type, id, options[o]);
		}
		EXPECT_EQ(want, g) {
			TH_LOG("memAttr %d location %d/%u option %d", attr,
			       type, id, options[o]);
		}
	}
}

/* @prop with @option must fail with @code and leave the output alone. */
#define EXPECT_GRANULARITY_FAILS(code, prop, option) do {		\
	size_t __g = UNSET;						\
	EXPECT_EQ(code, aclrtMemGetAllocationGranularity(prop, option,	\
							 &__g)) {	\
		TH_LOG("memAttr %d location %d/%u reserve %llu option %d", \
		       (prop)->memAttr, (prop)->location.type,		\
		       (prop)->location.id,				\
		       (unsigned long long)(prop)->reserve, (int)(option)); \
	}								\
	EXPECT_EQ(UNSET, __g);						\
} while (0)

/* ---- the answers --------------------------------------------------------- */

TEST(non_1g_attrs_are_2m)
{
	static const aclrtMemAttr dev[] = {
		ACL_HBM_MEM_HUGE, ACL_HBM_MEM_NORMAL, ACL_MEM_NORMAL,
		ACL_MEM_HUGE, ACL_MEM_P2P_NORMAL, ACL_MEM_P2P_HUGE,
	};
	static const aclrtMemAttr host[] = {
		ACL_DDR_MEM_HUGE, ACL_DDR_MEM_NORMAL, ACL_HBM_MEM_HUGE,
		ACL_HBM_MEM_NORMAL, ACL_DDR_MEM_P2P_HUGE,
		ACL_DDR_MEM_P2P_NORMAL, ACL_MEM_NORMAL, ACL_MEM_HUGE,
		ACL_MEM_P2P_NORMAL, ACL_MEM_P2P_HUGE,
	};
	size_t i;

	/*
	 * hicann/driver devmm_svm.c halMemGetAllocationGranularity:
	 * DEVMM_MEM_ALLOC_RECOMMENDED_GRANULARITY for every page type but
	 * GIANT (the getpagesize() case needs module RUNTIME; acl sends 33)
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(dev); i++)
		expect_granularity(_metadata, dev[i], DEV, 0, SZ_2M);
	for (i = 0; i < ACL_ARRAY_SIZE(host); i++) {
		expect_granularity(_metadata, host[i], HOST, 0, SZ_2M);
		expect_granularity(_metadata, host[i], NUMA, 0, SZ_2M);
	}
}

TEST(huge1g_attrs_are_1g)
{
	/*
	 * hicann/driver devmm_svm.c halMemGetAllocationGranularity:
	 * DEVMM_GIANT_PAGE_SIZE for GIANT pages
	 */
	expect_granularity(_metadata, ACL_HBM_MEM_HUGE1G, DEV, 0, SZ_1G);
	expect_granularity(_metadata, ACL_MEM_HUGE1G, DEV, 0, SZ_1G);
	expect_granularity(_metadata, ACL_MEM_P2P_HUGE1G, DEV, 0, SZ_1G);
	expect_granularity(_metadata, ACL_MEM_P2P_HUGE1G, HOST, 0, SZ_1G);
	expect_granularity(_metadata, ACL_MEM_P2P_HUGE1G, NUMA, 0, SZ_1G);
}

/* HOST ids are not held to 0 here (aclrtMallocPhysical: 207000). */
TEST(host_ids_up_to_63_are_accepted)
{
	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check(prop, true): only a
	 * devid past DEVMM_MAX_PHY_DEVICE_NUM that is not the host's is
	 * refused
	 */
	expect_granularity(_metadata, ACL_MEM_HUGE, HOST, 1, SZ_2M);
	expect_granularity(_metadata, ACL_MEM_HUGE, HOST, 63, SZ_2M);
	expect_granularity(_metadata, ACL_MEM_P2P_HUGE1G, HOST, 7, SZ_1G);
	/* HOST_NUMA ids are not checked at all */
	expect_granularity(_metadata, ACL_MEM_HUGE, NUMA, 1000, SZ_2M);
}

/* UNREGISTERED is the driver's NUMA side: accepted. */
TEST(location_unregistered_is_accepted)
{
	aclrtMemLocationType unreg = ACL_MEM_LOCATION_TYPE_UNREGISTERED;

	/*
	 * hicann/runtime memory.cpp aclrtMemGetAllocationGranularityImpl
	 * does not refuse it; hicann/driver devmm_svm.c devmm_mem_prop_check
	 * takes side 2 as MEM_HOST_NUMA_SIDE
	 */
	expect_granularity(_metadata, ACL_HBM_MEM_HUGE, unreg, 0, SZ_2M);
	/*
	 * memory.cpp memAttrHandlers: the generic attributes set no page
	 * type on a location that is neither host nor device: a normal page
	 */
	expect_granularity(_metadata, ACL_MEM_HUGE1G, unreg, 0, SZ_2M);
}

/* The fields aclrtMallocPhysical insists on are not looked at here. */
TEST(handle_and_allocation_type_not_checked)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t g = UNSET;

	/* hicann/runtime memory.cpp aclrtMemGetAllocationGranularityImpl */
	prop.handleType = ACL_MEM_HANDLE_TYPE_POSIX;
	prop.allocationType = (aclrtMemAllocationType)1;
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	EXPECT_EQ(SZ_2M, g);
}

/* No aclInit, no device, no context is needed, not even for HOST_NUMA. */
TEST(no_context_needed)
{
	int32_t dev;

	ASSERT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	/*
	 * hicann/runtime api_error.cc ApiErrorDecorator::
	 * GetAllocationGranularity: no context check
	 */
	expect_granularity(_metadata, ACL_HBM_MEM_HUGE1G, DEV, 0, SZ_1G);
	expect_granularity(_metadata, ACL_MEM_HUGE, NUMA, 0, SZ_2M);
}

/* ---- argument checks ----------------------------------------------------- */

TEST(null_prop_or_output_is_100000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t g = UNSET;

	/*
	 * hicann/runtime memory.cpp aclrtMemGetAllocationGranularityImpl:
	 * prop, then granularity
	 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAllocationGranularity(
			NULL, ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	EXPECT_EQ(UNSET, g);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAllocationGranularity(
			&prop, ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAllocationGranularity(
			&prop, ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED, NULL));
	/* before the option */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAllocationGranularity(
			&prop, ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF, NULL));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST(ddr_attrs_on_a_device_are_100000)
{
	static const aclrtMemAttr ddr[] = {
		ACL_DDR_MEM_HUGE, ACL_DDR_MEM_NORMAL, ACL_DDR_MEM_P2P_HUGE,
		ACL_DDR_MEM_P2P_NORMAL,
	};
	size_t i, o;

	/*
	 * hicann/runtime memory.cpp aclrtMemGetAllocationGranularityImpl:
	 * the DDR attributes are for HOST or HOST_NUMA only
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(ddr); i++) {
		aclrtPhysicalMemProp prop = acl_prop(ddr[i], DEV, 0);

		for (o = 0; o < ACL_ARRAY_SIZE(options); o++)
			EXPECT_GRANULARITY_FAILS(ACL_ERROR_INVALID_PARAM,
						 &prop, options[o]);
		/* before the option check */
		EXPECT_GRANULARITY_FAILS(ACL_ERROR_INVALID_PARAM, &prop,
					 ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF);
	}
}

TEST(attrs_without_a_handler_are_100000)
{
	static const int bad[] = {
		ACL_DDR_MEM, ACL_HBM_MEM, ACL_HBM_MEM_P2P_HUGE,
		ACL_HBM_MEM_P2P_NORMAL, ACL_HBM_MEM_P2P_HUGE1G, 18, -1,
	};
	size_t i;

	/*
	 * hicann/runtime memory.cpp aclrtMemGetAllocationGranularityImpl:
	 * memAttr is not a key of memAttrHandlers
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		aclrtPhysicalMemProp prop =
			acl_prop((aclrtMemAttr)bad[i], DEV, 0);

		EXPECT_GRANULARITY_FAILS(ACL_ERROR_INVALID_PARAM, &prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
		prop.location.type = HOST;
		EXPECT_GRANULARITY_FAILS(ACL_ERROR_INVALID_PARAM, &prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED);
	}
}

TEST(device_id_out_of_range_is_107001)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	uint32_t count = acl_device_count();

	ASSERT_LE(1U, count);
	/*
	 * hicann/runtime api_error.cc ApiErrorDecorator::
	 * GetAllocationGranularity: CheckDeviceIdIsValid, RT_ERROR_DEVICE_ID
	 */
	prop.location.id = count;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
	prop.location.id = 64;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED);
	prop.location.id = 0xffffffff;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
	/* before the driver's option check */
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_INVALID_DEVICEID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF);
}

TEST(option_other_than_minimum_recommended_is_207000)
{
	static const int bad[] = {
		2, 3, ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF, 0x7fffffff, -1,
	};
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t i;

	/*
	 * hicann/driver devmm_svm.c halMemGetAllocationGranularity: option
	 * >= MEM_ALLOC_GRANULARITY_INVALID is DRV_ERROR_NOT_SUPPORT
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			&prop, (aclrtMemGranularityOptions)bad[i]);
	/* before the prop check */
	prop.location.type = ACL_MEM_LOCATION_TYPE_MANAGED;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, &prop,
				 (aclrtMemGranularityOptions)2);
	prop = acl_prop_2m();
	prop.reserve = 1;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF);
}

TEST(location_managed_or_5_and_up_is_107000)
{
	static const uint32_t bad[] = {
		ACL_MEM_LOCATION_TYPE_MANAGED, 5, 99, 0xffffffff,
	};
	size_t i;

	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check: side >=
	 * MEM_MAX_SIDE (acl and the runtime pass these on)
	 */
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM_HUGE,
					(aclrtMemLocationType)bad[i], 0);

		EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_PARAM_INVALID, &prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
	}
}

TEST(host_id_past_the_host_is_107000)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_HUGE, HOST, 100);

	/*
	 * hicann/driver devmm_svm.c devmm_mem_prop_check(prop, true): devid
	 * >= DEVMM_MAX_PHY_DEVICE_NUM and not the host id
	 */
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_PARAM_INVALID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
	prop.location.id = 0xffffffff;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_PARAM_INVALID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED);
}

TEST(reserve_nonzero_is_107000)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	/* hicann/driver devmm_svm.c devmm_mem_prop_check: reserve != 0 */
	prop.reserve = 1;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_PARAM_INVALID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
	prop = acl_prop(ACL_MEM_P2P_HUGE1G, HOST, 0);
	prop.reserve = SZ_2M;
	EXPECT_GRANULARITY_FAILS(ACL_ERROR_RT_PARAM_INVALID, &prop,
				 ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED);
}

TEST(host_huge1g_other_than_p2p_is_207000)
{
	static const aclrtMemAttr bad[] = { ACL_MEM_HUGE1G, ACL_HBM_MEM_HUGE1G };
	static const aclrtMemLocationType types[] = { HOST, NUMA };
	size_t i, t;

	/*
	 * hicann/driver devmm_svm.c devmm_giant_page_para_check: a host or
	 * NUMA side giant page needs MEM_P2P_DDR_TYPE
	 */
	for (t = 0; t < ACL_ARRAY_SIZE(types); t++) {
		for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
			aclrtPhysicalMemProp prop = acl_prop(bad[i], types[t],
							     0);

			EXPECT_GRANULARITY_FAILS(
				ACL_ERROR_RT_FEATURE_NOT_SUPPORT, &prop,
				ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED);
			/* before the reserve check */
			prop.reserve = 1;
			EXPECT_GRANULARITY_FAILS(
				ACL_ERROR_RT_FEATURE_NOT_SUPPORT, &prop,
				ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM);
		}
	}
}

/* ---- the granularity is what aclrtMallocPhysical takes ------------------- */

TEST(granularity_is_allocatable)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_NORMAL, DEV, 0);
	aclrtDrvMemHandle h = NULL, h2 = (aclrtDrvMemHandle)(uintptr_t)0x5a5a;
	struct acl_pools base;
	size_t g = 0;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	ASSERT_EQ(SZ_2M, g);
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, g, &prop, 0));
	ASSERT_NE(NULL, h);
	ACL_EXPECT_IN_USE(&base, 1, 0);
	/*
	 * hicann/driver svm_master_mem_create.c
	 * devmm_ioctl_mem_create_para_check: not a multiple of 2 MiB
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMallocPhysical(&h2, g / 2, &prop, 0));
	EXPECT_EQ((aclrtDrvMemHandle)(uintptr_t)0x5a5a, h2);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&base);
}

TEST_HARNESS_MAIN
