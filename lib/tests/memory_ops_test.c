// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMallocHostWithCfg (hicann/runtime memory.cpp
 * aclrtMallocHostWithCfgImpl; rtsMallocHost; ApiImpl::HostMallocWithCfg,
 * GetMallocHostConfigAttr), aclrtMemcpyAsyncWithCondition
 * (aclrtMemcpyAsyncWithConditionImpl; rtMemcpyAsyncEx), aclrtCmoAsync
 * (aclrtCmoAsyncImpl; rtCmoAsync) and aclrtMemMapSelectedLink
 * (aclrtMemMapSelectedLinkImpl; ApiErrorDecorator::MemMapSelectedLink;
 * ApiImpl::MemMapSelectedLink: mapping by mapping, the source's handle
 * mapped at the destination).
 */
#include "acl_test_utils.h"

TEST(malloc_host_with_cfg)
{
	aclrtMallocAttribute attrs[2];
	aclrtMallocConfig cfg = { attrs, 2 };
	void *p = NULL;

	memset(attrs, 0, sizeof(attrs));
	attrs[0].attr = ACL_RT_MEM_ATTR_MODULE_ID;
	attrs[0].value.moduleId = 3;
	attrs[1].attr = ACL_RT_MEM_ATTR_VA_FLAG;
	attrs[1].value.vaFlag = 1;
	/* the acl layer: NULL ptr, size 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHostWithCfg(NULL, 64, &cfg));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMallocHostWithCfg(&p, 0, &cfg));
	/* GetMallocHostConfigAttr before the context */
	attrs[1].attr = ACL_RT_MEM_ATTR_DEVICE_ID;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMallocHostWithCfg(&p, 64, &cfg));
	attrs[1].attr = ACL_RT_MEM_ATTR_RSV;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMallocHostWithCfg(&p, 64, &cfg));
	attrs[1].attr = ACL_RT_MEM_ATTR_VA_FLAG;
	cfg.attrs = NULL;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMallocHostWithCfg(&p, 64, &cfg));
	cfg.attrs = attrs;
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtMallocHostWithCfg(&p, 64, &cfg));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHostWithCfg(&p, 3 * SZ_4K + 1, &cfg));
	ASSERT_NE(NULL, p);
	acl_fill(p, 3 * SZ_4K + 1, 11);
	ACL_ASSERT_PATTERN(p, 3 * SZ_4K + 1, 11);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(p));
	/* no cfg: as aclrtMallocHost */
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHostWithCfg(&p, 64, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(memcpy_async_with_condition)
{
	char src[256], dst[256];
	aclrtStream s;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	/* a count of 0 succeeds before anything is checked */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyAsyncWithCondition(NULL, 0, NULL, 0,
							     (aclrtMemcpyKind)99, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyAsyncWithCondition(NULL, 8, src, 8, ACL_MEMCPY_HOST_TO_HOST, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyAsyncWithCondition(dst, 8, NULL, 8, ACL_MEMCPY_HOST_TO_HOST, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyAsyncWithCondition(dst, 8, src, 8, (aclrtMemcpyKind)99, s));
	acl_fill(src, sizeof(src), 5);
	memset(dst, 0, sizeof(dst));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpyAsyncWithCondition(dst, sizeof(dst), src, sizeof(src),
							     ACL_MEMCPY_HOST_TO_HOST, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ACL_ASSERT_PATTERN(dst, sizeof(dst), 5);
	/* count above destMax: 107000, as aclrtMemcpyAsync */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpyAsyncWithCondition(dst, 8, src, 16, ACL_MEMCPY_HOST_TO_HOST, s));
#pragma GCC diagnostic pop
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(cmo_async)
{
	aclrtStream s;
	void *dev;

	/* the acl layer: NULL src, size 0; then the type (207000) */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtCmoAsync(NULL, 64, ACL_RT_CMO_TYPE_PREFETCH, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtCmoAsync((void *)&s, 0, ACL_RT_CMO_TYPE_PREFETCH, NULL));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtCmoAsync((void *)&s, 64, (aclrtCmoType)4, NULL));
	/* the stream's checks: no context, a stream that does not exist */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtCmoAsync((void *)&s, 64, ACL_RT_CMO_TYPE_PREFETCH, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtCmoAsync((void *)&s, 64, ACL_RT_CMO_TYPE_FLUSH,
				(aclrtStream)(uintptr_t)0xdead0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	acl_fill(dev, SZ_2M, 9);
	for (int t = ACL_RT_CMO_TYPE_PREFETCH; t <= ACL_RT_CMO_TYPE_FLUSH; t++)
		EXPECT_EQ(ACL_SUCCESS, aclrtCmoAsync(dev, SZ_2M, (aclrtCmoType)t, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	/* cache operations leave the data as it was (coherent host memory) */
	ACL_ASSERT_PATTERN(dev, SZ_2M, 9);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(mem_map_selected_link)
{
	struct acl_mapped a, b;
	char *dst;

	/* the acl layer: NULLs, size 0, a link other than 0 or 1 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemMapSelectedLink(NULL, SZ_2M, (void *)&a, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemMapSelectedLink((void *)&a, SZ_2M, NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemMapSelectedLink((void *)&a, 0, (void *)&b, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemMapSelectedLink((void *)&a, SZ_2M, (void *)&b, 2));

	/* two 2 MiB mappings back to back in one reservation */
	acl_map_new(_metadata, &a, 8 * SZ_2M, 0, SZ_2M, NULL);
	b.resv = NULL;
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&b.h, SZ_2M));
	b.p = a.p + SZ_2M;
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(b.p, SZ_2M, 0, b.h, 0));
	acl_fill(a.p, 2 * SZ_2M, 21);

	/* the same memory at a second place, over link 1, both mappings */
	dst = a.resv + 4 * SZ_2M;
	ASSERT_EQ(ACL_SUCCESS, aclrtMemMapSelectedLink(dst, 2 * SZ_2M, a.p,
						       ACL_RT_MEM_LINK_IDX_1));
	ACL_ASSERT_PATTERN(dst, 2 * SZ_2M, 21);
	dst[5] = 'x';
	EXPECT_EQ('x', a.p[5]);
	/* not the start of a mapping: 107000; unmapped space: 107000 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapSelectedLink(a.resv + 6 * SZ_2M, SZ_2M, a.p + 4096, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapSelectedLink(a.resv + 6 * SZ_2M, SZ_2M, a.resv + 7 * SZ_2M, 0));
	/* over a mapping: what aclrtMapMem says (507899) */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemMapSelectedLink(b.p, SZ_2M, a.p, 0));
	/* the references it took are dropped: the handles free as usual */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(dst));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(dst + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(b.p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(b.h));
	acl_map_done(_metadata, &a);
}

TEST_HARNESS_MAIN
