// SPDX-License-Identifier: MIT
/*
 * A device's fault report, as hicann/runtime serves it: the acl layer
 * (src/acl/aclrt_impl/event.cpp aclrtGetErrorVerboseImpl: NULL is
 * 100000), the runtime's entry point (api_c_device.cc rtsGetErrorVerbose:
 * A2/A3 have RT_FEATURE_DFX_ERR_GET_AND_REPAIR), its checks
 * (ApiErrorDecorator::GetErrorVerbose: a device from the count on, a
 * negative one as unsigned, is 107001) and what it does
 * (ApiImpl::GetErrorVerbose: no context or no fault is ACL_RT_NO_ERROR).
 *
 * A device here never faults: its memory is the host's, whose errors the
 * kernel handles (memory-failure) and no device records. So the report
 * always says no error, nothing to repair, no detail.
 */
#include "internal.h"

ACL_API aclError aclrtGetErrorVerbose(int32_t deviceId,
				      aclrtErrorInfo *errorInfo)
{
	if (!errorInfo)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "errorInfo is NULL");
	if ((uint32_t)deviceId >= (uint32_t)acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %u: [0, %d)", (uint32_t)deviceId,
				acl_device_count());
	/* the fields the acl layer copies; reserved and the rest stay */
	errorInfo->tryRepair = 0;
	errorInfo->hasDetail = 0;
	errorInfo->errorType = ACL_RT_NO_ERROR;
	errorInfo->detail.aicoreErrType = ACL_RT_AICORE_ERROR_UNKNOWN;
	return ACL_SUCCESS;
}
