// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemGetAllocationGranularity.
 *
 * 2 MiB for every NORMAL and HUGE attribute (HBM and generic, P2P forms
 * too), 1 GiB for every HUGE1G attribute, with both options and whatever
 * the location; the DDR attributes and ACL_HBM_MEM (not served) are
 * 207000 and leave the output alone; a NULL prop or output is 100000; an
 * option outside the enum is 107000. The granularity is what
 * aclrtMallocPhysical then accepts.
 */
#include "acl_test_utils.h"

static const aclrtMemAttr attrs_2m[] = {
	ACL_HBM_MEM_HUGE, ACL_HBM_MEM_NORMAL,
	ACL_HBM_MEM_P2P_HUGE, ACL_HBM_MEM_P2P_NORMAL,
	ACL_MEM_NORMAL, ACL_MEM_HUGE,
	ACL_MEM_P2P_NORMAL, ACL_MEM_P2P_HUGE,
};

static const aclrtMemAttr attrs_1g[] = {
	ACL_HBM_MEM_HUGE1G, ACL_HBM_MEM_P2P_HUGE1G,
	ACL_MEM_HUGE1G, ACL_MEM_P2P_HUGE1G,
};

static const aclrtMemAttr attrs_ddr[] = {
	ACL_DDR_MEM, ACL_DDR_MEM_HUGE, ACL_DDR_MEM_NORMAL,
	ACL_DDR_MEM_P2P_HUGE, ACL_DDR_MEM_P2P_NORMAL,
};

static const aclrtMemGranularityOptions options[] = {
	ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM,
	ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED,
};

static const aclrtMemLocationType loc_types[] = {
	ACL_MEM_LOCATION_TYPE_DEVICE,
	ACL_MEM_LOCATION_TYPE_HOST,
	ACL_MEM_LOCATION_TYPE_HOST_NUMA,
};

static void check_attrs(struct __test_metadata *_metadata,
			const aclrtMemAttr *attrs, size_t n, size_t want)
{
	size_t i, o, l;

	for (i = 0; i < n; i++) {
		for (o = 0; o < ACL_ARRAY_SIZE(options); o++) {
			for (l = 0; l < ACL_ARRAY_SIZE(loc_types); l++) {
				aclrtPhysicalMemProp prop =
					acl_prop(attrs[i], loc_types[l], 0);
				size_t g = 12345;

				EXPECT_EQ(ACL_SUCCESS,
					  aclrtMemGetAllocationGranularity(
						&prop, options[o], &g)) {
					TH_LOG("memAttr %d option %d location %d",
					       attrs[i], options[o],
					       loc_types[l]);
				}
				EXPECT_EQ(want, g) {
					TH_LOG("memAttr %d option %d location %d",
					       attrs[i], options[o],
					       loc_types[l]);
				}
			}
		}
	}
}

TEST(huge_and_normal_are_2m)
{
	check_attrs(_metadata, attrs_2m, ACL_ARRAY_SIZE(attrs_2m), SZ_2M);
}

TEST(huge1g_is_1g)
{
	check_attrs(_metadata, attrs_1g, ACL_ARRAY_SIZE(attrs_1g), SZ_1G);
}

TEST(ddr_not_supported)
{
	size_t i, o;

	for (i = 0; i < ACL_ARRAY_SIZE(attrs_ddr); i++) {
		for (o = 0; o < ACL_ARRAY_SIZE(options); o++) {
			aclrtPhysicalMemProp prop = acl_prop(attrs_ddr[i],
				ACL_MEM_LOCATION_TYPE_DEVICE, 0);
			size_t g = 12345;

			EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				  aclrtMemGetAllocationGranularity(&prop,
							options[o], &g)) {
				TH_LOG("memAttr %d option %d", attrs_ddr[i],
				       options[o]);
			}
			EXPECT_EQ((size_t)12345, g);
		}
	}
}

/* ACL_HBM_MEM is a memory kind for aclrtGetMemInfo, not a served attr. */
TEST(hbm_mem_kind_not_supported)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM,
					     ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	size_t g = 12345;

	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	EXPECT_EQ((size_t)12345, g);
}

TEST(null_args)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t g = 12345;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationGranularity(NULL,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	EXPECT_EQ((size_t)12345, g);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED, NULL));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

/* An option outside the enum is a bad value (107000). */
TEST(bad_option)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	size_t g = 12345;

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF, &g));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAllocationGranularity(&prop,
			(aclrtMemGranularityOptions)2, &g));
	EXPECT_EQ((size_t)12345, g);
}

/* No aclInit, no device, no context is needed. */
TEST(no_init_no_context_needed)
{
	aclrtPhysicalMemProp prop = acl_prop_1g();
	int32_t dev;
	size_t g = 0;

	ASSERT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED, &g));
	EXPECT_EQ(SZ_1G, g);
}

/* The granularity is an allocation size aclrtMallocPhysical accepts. */
TEST(granularity_is_allocatable)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_MEM_NORMAL,
					     ACL_MEM_LOCATION_TYPE_DEVICE, 0);
	aclrtDrvMemHandle h = NULL, h2 = NULL;
	struct acl_pools base;
	size_t g = 0;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAllocationGranularity(&prop,
			ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &g));
	ASSERT_EQ(SZ_2M, g);
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, g, &prop, 0));
	ASSERT_NE(NULL, h);
	ACL_EXPECT_IN_USE(&base, 1, 0);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMallocPhysical(&h2, g / 2, &prop, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&base);
}

TEST_HARNESS_MAIN
