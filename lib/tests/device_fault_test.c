// SPDX-License-Identifier: MIT
/*
 * Description: a device's fault report, its features by type and the
 * architecture check: aclrtGetErrorVerbose (hicann/runtime
 * src/acl/aclrt_impl/event.cpp aclrtGetErrorVerboseImpl; api_c_device.cc
 * rtsGetErrorVerbose; ApiErrorDecorator::GetErrorVerbose,
 * ApiImpl::GetErrorVerbose), aclrtGetDeviceCapability (device.cpp
 * aclrtGetDeviceCapabilityImpl; rtsDeviceGetCapability;
 * ApiErrorDecorator::GetDeviceCapability, ApiImpl::GetDeviceCapability)
 * and aclrtCheckArchCompatibility (rtCheckArchCompatibility;
 * ApiErrorDecorator::CheckArchCompatibility,
 * ApiImpl::CheckArchCompatibility; the NpuArch of CANN's platform
 * descriptions). A runtime code (107xxx, 207xxx) is the thread's last
 * error, the acl layer's 100000 is not.
 */
#include "acl_test_utils.h"

TEST(error_verbose)
{
	int32_t n = acl_device_count();
	aclrtErrorInfo info;

	ASSERT_LT(0, n);
	/* no context needed: no device faults here */
	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetErrorVerbose(0, &info));
	EXPECT_EQ(0, info.tryRepair);
	EXPECT_EQ(0, info.hasDetail);
	EXPECT_EQ(ACL_RT_NO_ERROR, info.errorType);
	EXPECT_EQ(ACL_RT_AICORE_ERROR_UNKNOWN, info.detail.aicoreErrType);
	/* what the acl layer does not copy is left alone */
	EXPECT_EQ(0xa5, info.reserved[0]);
	EXPECT_EQ(0xa5, info.reserved[1]);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(n - 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetErrorVerbose(n - 1, &info));
	EXPECT_EQ(ACL_RT_NO_ERROR, info.errorType);
	EXPECT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(n - 1));

	/* NULL first (100000, not recorded), then the device (107001) */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetErrorVerbose(n, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetErrorVerbose(n, &info));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetErrorVerbose(-1, &info));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
}

TEST(device_capability_feature)
{
	int32_t n = acl_device_count();
	int32_t v;

	ASSERT_LT(0, n);
	/* the task-update question needs the thread's context (107002) */
	v = -1;
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtGetDeviceCapability(0, ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &v));
	EXPECT_EQ(-1, v);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	/* ... but not on the stub device (RT_MAX_DEV_NUM), nor for memory queues */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtGetDeviceCapability(64, ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &v));
	EXPECT_EQ(ACL_DEV_FEATURE_NOT_SUPPORT, v);
	v = -1;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtGetDeviceCapability(0, ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, &v));
	EXPECT_EQ(ACL_DEV_FEATURE_NOT_SUPPORT, v);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	v = -1;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtGetDeviceCapability(0, ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &v));
	EXPECT_EQ(ACL_DEV_FEATURE_NOT_SUPPORT, v);
	/* the current context answers, whichever device is asked about */
	v = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCapability(n - 1,
			ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &v));
	EXPECT_EQ(ACL_DEV_FEATURE_NOT_SUPPORT, v);

	/* NULL 100000 before everything, not recorded */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtGetDeviceCapability(n, (aclrtDevFeatureType)-1, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	/* the type before the device: outside [0, 20002) or no branch 107000 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetDeviceCapability(n, (aclrtDevFeatureType)-1, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetDeviceCapability(0, (aclrtDevFeatureType)20002, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetDeviceCapability(0, (aclrtDevFeatureType)0, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetDeviceCapability(n, (aclrtDevFeatureType)2, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	/* a device from the count on, a negative one: 107001 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetDeviceCapability(n, ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, &v));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetDeviceCapability(-1, ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &v));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	/* the runtime's own types: no AI CPU, no task scheduler (aclmem) */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtGetDeviceCapability(0, (aclrtDevFeatureType)10001, &v));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtGetDeviceCapability(0, (aclrtDevFeatureType)20001, &v));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(0));
}

TEST(arch_compatibility)
{
	int32_t c;

	/* the device is an Ascend910B1 (NpuArch 2201) unless ACLMEM_SOC_NAME */
	ASSERT_EQ(0, unsetenv("ACLMEM_SOC_NAME"));
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility(aclrtGetSocName(), &c));
	EXPECT_EQ(1, c);
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend910_9392", &c));
	EXPECT_EQ(1, c);
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend910B4-1", &c));
	EXPECT_EQ(1, c);
	/* Ascend910B is the first generation's (1001), not the B series' */
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend910B", &c));
	EXPECT_EQ(0, c);
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend310P3", &c));
	EXPECT_EQ(0, c);
	/* another device SoC, another answer */
	ASSERT_EQ(0, setenv("ACLMEM_SOC_NAME", "Ascend310P1", 1));
	c = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend310P7", &c));
	EXPECT_EQ(1, c);
	ASSERT_EQ(ACL_SUCCESS, aclrtCheckArchCompatibility("Ascend910B1", &c));
	EXPECT_EQ(0, c);

	/* all 107000, in CANN's order, and recorded */
	c = -1;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility("Ascend910B1", NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility("", &c));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility("Ascend910b1", &c));
	/* Ascend310 has no NpuArch in CANN's description */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility("Ascend310", &c));
	/* a device SoC without an architecture fails after a good argument */
	ASSERT_EQ(0, setenv("ACLMEM_SOC_NAME", "NoSuchSoc", 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCheckArchCompatibility("Ascend910B1", &c));
	EXPECT_EQ(-1, c);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	ASSERT_EQ(0, unsetenv("ACLMEM_SOC_NAME"));
}

TEST_HARNESS_MAIN
