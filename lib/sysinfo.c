/* SPDX-License-Identifier: MIT */
/*
 * What the library tells of its devices and its software, as hicann/runtime
 * serves it: the acl layer (src/acl/aclrt_impl/acl.cpp
 * aclGetCannAttributeListImpl, aclGetCannAttributeImpl,
 * aclGetDeviceCapabilityImpl; device.cpp aclrtDeviceGetUuidImpl,
 * aclrtGetDeviceUtilizationRateImpl; context.cpp
 * aclrtGetPrimaryCtxStateImpl; memory.cpp aclrtGetMemUsageInfoImpl) and
 * the runtime's checks (api/impl/api_error.cc
 * ApiErrorDecorator::GetDeviceUuid, GetPrimaryCtxState, GetMemUsageInfo:
 * the driver's device check, acl_device_check()). The device ids of
 * aclrtGetLogicDevIdByUserDevId and aclrtGetPhyDevIdByUserDevId are
 * device.c's.
 *
 * A device here has no AI Core, vector core or AI CPU, and no software
 * feature of the operator stack (INF_NAN, BF16, JIT_COMPILE) is there.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* CannInfoUtils: the attributes of this environment: none. */
static const aclCannAttr no_attrs[1] = { ACL_CANN_ATTR_UNDEFINED };

ACL_API aclError aclGetCannAttributeList(const aclCannAttr **cannAttrList,
					 size_t *num)
{
	if (!cannAttrList || !num)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	*cannAttrList = no_attrs;
	*num = 0;
	return ACL_SUCCESS;
}

/* CannInfoUtils::GetAttribute: an attribute it has no entry for is 100000. */
ACL_API aclError aclGetCannAttribute(aclCannAttr cannAttr, int32_t *value)
{
	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	switch (cannAttr) {
	case ACL_CANN_ATTR_INF_NAN:
	case ACL_CANN_ATTR_BF16:
	case ACL_CANN_ATTR_JIT_COMPILE:
		*value = 0;
		return ACL_SUCCESS;
	default:
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"CANN attribute %d is unknown", (int)cannAttr);
	}
}

/*
 * aclGetDeviceCapabilityImpl: a device from the count on is 100000, an
 * info type without a platform key 100000. No cores here (0, as
 * aclrtGetDeviceInfo says); the L2 size is not known (207000, as there).
 */
ACL_API aclError aclGetDeviceCapability(uint32_t deviceId,
					aclDeviceInfo deviceInfo, int64_t *value)
{
	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	if (deviceId > (uint32_t)(acl_device_count() - 1))
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"deviceId %u greater than deviceNum %d",
				deviceId, acl_device_count());
	switch (deviceInfo) {
	case ACL_DEVICE_INFO_AI_CORE_NUM:
	case ACL_DEVICE_INFO_VECTOR_CORE_NUM:
		*value = 0;
		return ACL_SUCCESS;
	case ACL_DEVICE_INFO_L2_SIZE:
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"the L2 size is not known for a host-memory device");
	default:
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"device info %d is unknown", (int)deviceInfo);
	}
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The host's machine id (systemd's, or D-Bus's), folded to 64 bits. */
static uint64_t host_seed(void)
{
	static const char *const paths[] = { "/etc/machine-id",
					     "/var/lib/dbus/machine-id" };
	char text[64];
	uint64_t seed = 0;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		FILE *f = fopen(paths[i], "re");

		if (!f)
			continue;
		if (fgets(text, sizeof(text), f))
			for (j = 0; text[j] && text[j] != '\n'; j++)
				seed = mix64(seed ^ (unsigned char)text[j]);
		fclose(f);
		if (seed)
			break;
	}
	return seed;
}

/*
 * ApiErrorDecorator::GetDeviceUuid: a negative or unknown device is
 * 107001. The UUID is the host's machine id and the device number hashed,
 * so each device keeps it from run to run on one host (RFC 4122 layout,
 * version 8: vendor-defined).
 */
ACL_API aclError aclrtDeviceGetUuid(int32_t deviceId, aclrtUuid *uuid)
{
	uint64_t seed, halves[2];
	aclError ret;

	if (!uuid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "uuid is NULL");
	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	seed = host_seed() ^ 0x61636c6d656d5555ULL;	/* "aclmemUU" */
	halves[0] = mix64(seed ^ (uint64_t)deviceId);
	halves[1] = mix64(halves[0] ^ seed);
	memcpy(uuid->bytes, halves, sizeof(uuid->bytes));
	uuid->bytes[6] = (char)((uuid->bytes[6] & 0x0f) | 0x80);
	uuid->bytes[8] = (char)((uuid->bytes[8] & 0x3f) | 0x80);
	return ACL_SUCCESS;
}

/*
 * aclrtGetDeviceUtilizationRateImpl: utilizationExtend must be NULL
 * (100000); a rate the runtime cannot read is -1 and the call still
 * succeeds, whatever the device. No AI Core, vector core or AI CPU here:
 * all -1, as is memory in CANN.
 */
ACL_API aclError aclrtGetDeviceUtilizationRate(int32_t deviceId,
					       aclrtUtilizationInfo *info)
{
	(void)deviceId;
	if (!info)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "utilizationInfo is NULL");
	if (info->utilizationExtend)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"utilizationExtend is reserved and must be NULL");
	info->cubeUtilization = -1;
	info->vectorUtilization = -1;
	info->aicpuUtilization = -1;
	info->memoryUtilization = -1;
	return ACL_SUCCESS;
}

/*
 * ApiErrorDecorator::GetMemUsageInfo: outputNum is 0 first, inputNum 0 is
 * 107000, an unknown device 107001; ApiImpl: a context on it (107002). The
 * driver's halGetMemUsageInfo counts memory per component of the device's
 * software (HCCL, the runtime, ...); none runs here, so none is listed.
 */
ACL_API aclError aclrtGetMemUsageInfo(int32_t deviceId,
				      aclrtMemUsageInfo *memUsageInfo,
				      size_t inputNum, size_t *outputNum)
{
	aclError ret;

	if (!memUsageInfo || !outputNum)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	*outputNum = 0;
	if (!inputNum)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "inputNum is 0");
	ret = acl_device_check((uint32_t)deviceId);
	if (ret)
		return ret;
	(void)acl_current_context(&ret);
	return ret;
}

/*
 * aclrtGetPrimaryCtxStateImpl: active NULL or flags not NULL (reserved)
 * is 100000; ApiErrorDecorator::GetPrimaryCtxState: an unknown device
 * 107001. Active: whether aclrtSetDevice made the device's default
 * context (and the last aclrtResetDevice has not taken it).
 */
ACL_API aclError aclrtGetPrimaryCtxState(int32_t deviceId, uint32_t *flags,
					 int32_t *active)
{
	aclError ret;

	if (!active)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "active is NULL");
	if (flags)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"flags is reserved and must be NULL");
	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	*active = acl_device_has_primary(deviceId);
	return ACL_SUCCESS;
}
