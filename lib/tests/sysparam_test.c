// SPDX-License-Identifier: MIT
/*
 * Description: options a client sets: system parameters (hicann/runtime
 * src/acl/aclrt_impl/context.cpp SetSysParamOpt, GetSysParamOpt; api_c.cc
 * rtSetSysParamOpt, rtGetSysParamOpt, rtCtxSetSysParamOpt;
 * ApiErrorDecorator::CtxSetSysParamOpt; Context::CtxGetSysParamOpt), the
 * saturation mode (api_c.cc rtSetDeviceSatMode), operator timeouts
 * (event.cpp; ApiImpl::SetOpExecuteTimeOutV2) and stream attributes
 * (stream.cpp aclrtSetStreamAttributeImpl; api_c_stream.cc
 * rtsStreamSetAttribute, rtsStreamGetAttribute; ApiErrorDecorator's
 * StreamSetMode, SetStreamOverflowSwitch, SetStreamCacheOpInfoSwitch,
 * SetStreamPriorityValue), as on A2/A3.
 */
#include "acl_test_utils.h"

TEST(sys_param_opt)
{
	int64_t v = -1;

	/* rtGetSysParamOpt: 0 for what was never set */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetSysParamOpt(ACL_OPT_DETERMINISTIC, 3));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(3, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetSysParamOpt(ACL_OPT_ENABLE_KERNEL_EARLY_START, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetSysParamOpt(ACL_OPT_ENABLE_KERNEL_EARLY_START, &v));
	EXPECT_EQ(1, v);
	/* no context needed */
	/* values: DETERMINISTIC [0, 4), the others [0, 2): 107000 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetSysParamOpt(ACL_OPT_DETERMINISTIC, 4));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetSysParamOpt(ACL_OPT_DETERMINISTIC, -1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetSysParamOpt(ACL_OPT_ENABLE_DEBUG_KERNEL, 2));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(3, v);
	/* the acl layer: opt 0..3, NULL: 100000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetSysParamOpt((aclSysParamOpt)4, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetSysParamOpt((aclSysParamOpt)-1, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetSysParamOpt((aclSysParamOpt)4, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetSysParamOpt(ACL_OPT_DETERMINISTIC, NULL));
}

TEST(ctx_sys_param_opt)
{
	aclrtContext c1, c2;
	int64_t v = -1;

	/* the opt first (100000), then the value (107000), then a context */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtCtxSetSysParamOpt(ACL_OPT_ENABLE_KERNEL_EARLY_START, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCtxSetSysParamOpt(ACL_OPT_DETERMINISTIC, 9));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCtxSetSysParamOpt(ACL_OPT_DETERMINISTIC, 1));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	/* Context::CtxGetSysParamOpt: never set in this context, 107021 */
	EXPECT_EQ(ACL_ERROR_RT_SYSPARAMOPT_NOT_SET,
		  aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxSetSysParamOpt(ACL_OPT_DETERMINISTIC, 2));
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(2, v);
	/* rtCtxSetSysParamOpt stores the process-wide value too */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(2, v);
	/* another context has its own */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	EXPECT_EQ(ACL_ERROR_RT_SYSPARAMOPT_NOT_SET,
		  aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, &v));
	EXPECT_EQ(2, v);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCtxGetSysParamOpt(ACL_OPT_DETERMINISTIC, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtCtxGetSysParamOpt(ACL_OPT_ENABLE_KERNEL_EARLY_START, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
}

TEST(sat_mode_and_timeouts)
{
	uint64_t actual = 0;

	/* rtSetDeviceSatMode: both modes on A2/A3; no context needed */
	EXPECT_EQ(ACL_SUCCESS, aclrtSetDeviceSatMode(ACL_RT_OVERFLOW_MODE_SATURATION));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetDeviceSatMode(ACL_RT_OVERFLOW_MODE_INFNAN));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetOpExecuteTimeOut(10));
	/* V2: NULL 100000, then a current context (107002) */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetOpExecuteTimeOutV2(1000, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSetOpExecuteTimeOutV2(1000, &actual));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetOpExecuteTimeOutV2(2500000, &actual));
	/* no task credits to round to here: the timeout as given (aclmem) */
	EXPECT_EQ(2500000, actual);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(stream_attributes)
{
	aclrtStreamAttrValue v;
	aclrtStream s;
	aclrtStream dead = (aclrtStream)(uintptr_t)0xdead0;

	memset(&v, 0, sizeof(v));
	/* NULL value 100000; a stream that does not exist 107017 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtSetStreamAttribute(NULL, ACL_STREAM_ATTR_PRIORITY, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtGetStreamAttribute(NULL, ACL_STREAM_ATTR_PRIORITY, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtSetStreamAttribute(dead, ACL_STREAM_ATTR_PRIORITY, &v));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtGetStreamAttribute(dead, ACL_STREAM_ATTR_PRIORITY, &v));
	/* the default stream without a context: 107000 (GetCurStream) */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetStreamAttribute(NULL, ACL_STREAM_ATTR_FAILURE_MODE, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSetStreamAttribute(NULL, ACL_STREAM_ATTR_CACHE_OP_INFO, &v));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	/* an attribute outside [1, 6): 107000 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetStreamAttribute(s, (aclrtStreamAttr)0, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetStreamAttribute(s, (aclrtStreamAttr)6, &v));

	/* failure mode: aclrtSetStreamFailureMode's path */
	v.failureMode = ACL_STOP_ON_FAILURE;
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FAILURE_MODE, &v));
	memset(&v, 0, sizeof(v));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_FAILURE_MODE, &v));
	EXPECT_EQ(ACL_STOP_ON_FAILURE, v.failureMode);
	v.failureMode = ACL_CONTINUE_ON_FAILURE;
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FAILURE_MODE, &v));

	/* overflow switch: 0 or 1, else 107000 */
	v.overflowSwitch = 1;
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &v));
	v.overflowSwitch = 2;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &v));
	v.overflowSwitch = 7;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &v));
	EXPECT_EQ(1, v.overflowSwitch);

	/* cache op info: 0 or 1, else 107000; the default stream has its own */
	v.cacheOpInfoSwitch = 1;
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_CACHE_OP_INFO, &v));
	v.cacheOpInfoSwitch = 2;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_CACHE_OP_INFO, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_CACHE_OP_INFO, &v));
	EXPECT_EQ(1, v.cacheOpInfoSwitch);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(NULL, ACL_STREAM_ATTR_CACHE_OP_INFO, &v));
	EXPECT_EQ(0, v.cacheOpInfoSwitch);

	/* priority: clamped to [0, 7], aclrtStreamGetPriority sees it; NULL 107000 */
	v.streamPriority = 3;
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_PRIORITY, &v));
	{
		uint32_t p = 99;

		ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(s, &p));
		EXPECT_EQ(3, p);
	}
	v.streamPriority = 100;
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_PRIORITY, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_PRIORITY, &v));
	EXPECT_EQ(7, v.streamPriority);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSetStreamAttribute(NULL, ACL_STREAM_ATTR_PRIORITY, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetStreamAttribute(NULL, ACL_STREAM_ATTR_PRIORITY, &v));

	/* custom tags: not on A2/A3; success and nothing kept or told */
	v.userCustomTag = 5;
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_USER_CUSTOM_TAG, &v));
	v.userCustomTag = 9;
	EXPECT_EQ(ACL_SUCCESS, aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_USER_CUSTOM_TAG, &v));
	EXPECT_EQ(9, v.userCustomTag);

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_PRIORITY, &v));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
