// SPDX-License-Identifier: MIT
/*
 * Device features by type, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/device.cpp aclrtGetDeviceCapabilityImpl: NULL is
 * 100000), the runtime's entry point (api_c_device.cc
 * rtsDeviceGetCapability: a type outside [0, RT_DEV_FEATURE_MAX) or one
 * it has no branch for is 107000), its checks
 * (ApiErrorDecorator::GetDeviceCapability: a device from the count on is
 * 107001; the stub device RT_MAX_DEV_NUM answers the task-update question
 * from the chip alone) and what it does (ApiImpl::GetDeviceCapability,
 * GetModelTaskUpdateIsSupport: the thread's context, else 107002).
 *
 * The answers: no task scheduler updates AI Core or vector tasks (there
 * are none), and no memory queues raise events across devices, so both
 * public features are ACL_DEV_FEATURE_NOT_SUPPORT. The runtime's own
 * types (AI CPU scheduling, task id width) have no AI CPU and no task
 * scheduler to answer for: 207000.
 */
#include "internal.h"

/* rtDevFeatureType values beyond CANN's public aclrtDevFeatureType */
#define RT_FEATURE_AICPU_SCHEDULE_TYPE		10001
#define RT_FEATURE_SYSTEM_TASKID_BIT_WIDTH	20001
#define RT_DEV_FEATURE_MAX			20002
/* STUB_DEVICE_ID: RT_MAX_DEV_NUM */
#define RT_STUB_DEVICE_ID			64

ACL_API aclError aclrtGetDeviceCapability(int32_t deviceId,
					  aclrtDevFeatureType devFeatureType,
					  int32_t *value)
{
	int type = (int)devFeatureType;
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	if (type < 0 || type >= RT_DEV_FEATURE_MAX)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"devFeatureType %d: [0, %d)", type,
				RT_DEV_FEATURE_MAX);
	if (type != ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV &&
	    type != ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV &&
	    type != RT_FEATURE_AICPU_SCHEDULE_TYPE &&
	    type != RT_FEATURE_SYSTEM_TASKID_BIT_WIDTH)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"devFeatureType %d: not a feature", type);
	if (type == ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV &&
	    deviceId == RT_STUB_DEVICE_ID) {
		*value = ACL_DEV_FEATURE_NOT_SUPPORT;
		return ACL_SUCCESS;
	}
	if ((uint32_t)deviceId >= (uint32_t)acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %u: [0, %d)", (uint32_t)deviceId,
				acl_device_count());
	switch (type) {
	case ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV:
		/* asked of the thread's context, whatever its device */
		acl_current_context(&ret);
		if (ret)
			return ret;
		*value = ACL_DEV_FEATURE_NOT_SUPPORT;
		return ACL_SUCCESS;
	case ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV:
		*value = ACL_DEV_FEATURE_NOT_SUPPORT;
		return ACL_SUCCESS;
	default:
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"devFeatureType %d: no AI CPU or task scheduler",
				type);
	}
}
