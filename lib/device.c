// SPDX-License-Identifier: MIT
/*
 * Device queries, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/device.cpp aclrtGetRunModeImpl,
 * aclrtQueryDeviceStatusImpl, aclrtGetDeviceInfoImpl,
 * aclrtDeviceGetStreamPriorityRangeImpl, aclrtGetLogicDevIdByPhyDevIdImpl,
 * aclrtGetPhyDevIdByLogicDevIdImpl, aclrtGetLogicDevIdByUserDevIdImpl,
 * aclrtGetPhyDevIdByUserDevIdImpl; memory.cpp
 * aclrtDeviceCanAccessPeerImpl, aclrtDeviceEnablePeerAccessImpl,
 * aclrtDeviceDisablePeerAccessImpl; acl_rt_impl_base.cpp
 * aclrtGetSocNameImpl, aclrtGetVersionImpl), the runtime's entry points
 * (api_c_device.cc rtsGetLogicDevIdByPhyDevId, rtsGetPhyDevIdByLogicDevId,
 * rtsGetLogicDevIdByUserDevId: a negative id is 107000), its checks
 * (api/impl/api_error.cc ApiErrorDecorator::DeviceCanAccessPeer,
 * EnableP2P, DisableP2P, DeviceStatusQuery, GetDeviceInfoByAttr) and what
 * it does (api_impl.cc ApiImpl::GetDeviceInfoByAttr,
 * DeviceGetStreamPriorityRange), as on A2/A3, whose runtime has
 * RT_FEATURE_DEVICE_P2P. The driver knows no device from the device count
 * on (107001: acl_device_check()).
 *
 * Devices are numbered as given (no ASCEND_RT_VISIBLE_DEVICES), so a
 * logical id is its physical id. Every device reaches all memory, so peers
 * can always access each other; enabling and disabling succeed and change
 * nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* RT_MAX_DEV_NUM: the runtime's bound on device ids in P2P calls */
#define RT_MAX_DEV_NUM		64

/* The chip whose CANN behaviour the library follows. */
#define DEFAULT_SOC_NAME	"Ascend910B1"

ACL_API aclError aclrtGetRunMode(aclrtRunMode *runMode)
{
	if (!runMode)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "runMode is NULL");
	/* the program runs on the host, not on the device's AI CPU */
	*runMode = ACL_HOST;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtQueryDeviceStatus(int32_t deviceId,
					aclrtDeviceStatus *deviceStatus)
{
	aclError ret;

	if (!deviceStatus)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "deviceStatus is NULL");
	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	*deviceStatus = ACL_RT_DEVICE_STATUS_NORMAL;
	return ACL_SUCCESS;
}

/* MemTotal of a NUMA node, from sysfs; 0 when unreadable. */
static int64_t node_total(int node)
{
	unsigned long long kb = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "MemTotal:") &&
		    sscanf(strstr(line, "MemTotal:") + 9, "%llu", &kb) == 1)
			break;
	fclose(f);
	return (int64_t)kb * 1024;
}

/*
 * ApiErrorDecorator::GetDeviceInfoByAttr: a device from the count on is
 * 107000; ApiImpl::GetDeviceInfoByAttr(Misc): an attribute it has no entry
 * for is 107000. A device here has no AI CPU, AI Core or vector core;
 * what the driver cannot tell (the super pod, the board, SIMT limits, the
 * L2 cache, the architecture) is 207000.
 */
ACL_API aclError aclrtGetDeviceInfo(uint32_t deviceId, aclrtDevAttr attr,
				    int64_t *value)
{
	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	if (deviceId >= (uint32_t)acl_device_count())
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"device %u: [0, %d)", deviceId,
				acl_device_count());
	switch ((int)attr) {
	case ACL_DEV_ATTR_AICPU_CORE_NUM:
	case ACL_DEV_ATTR_AICORE_CORE_NUM:
	case ACL_DEV_ATTR_CUBE_CORE_NUM:
	case ACL_DEV_ATTR_VECTOR_CORE_NUM:
	case ACL_DEV_ATTR_SMP_ID:		/* all on the host's OS */
	case ACL_DEV_ATTR_IS_VIRTUAL:
		*value = 0;
		return ACL_SUCCESS;
	case ACL_DEV_ATTR_PHY_CHIP_ID:
		*value = deviceId;
		return ACL_SUCCESS;
	case ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE:
		*value = node_total(acl_device_node((int32_t)deviceId));
		if (!*value)
			return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					"cannot read the node's meminfo");
		return ACL_SUCCESS;
	case ACL_DEV_ATTR_WARP_SIZE:
	case ACL_DEV_ATTR_MAX_THREAD_PER_VECTOR_CORE:
	case ACL_DEV_ATTR_UBUF_PER_VECTOR_CORE:
	case ACL_DEV_ATTR_MAX_GRID_DIM_X:
	case ACL_DEV_ATTR_MAX_GRID_DIM_Y:
	case ACL_DEV_ATTR_MAX_GRID_DIM_Z:
	case ACL_DEV_ATTR_MAX_BLOCK_PER_GRID:
	case ACL_DEV_ATTR_MAX_THREADS_PER_BLOCK:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_X:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_Y:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_Z:
	case ACL_DEV_ATTR_L2_CACHE_SIZE:
	case ACL_DEV_ATTR_SUPER_POD_DEVICE_ID:
	case ACL_DEV_ATTR_SUPER_POD_SERVER_ID:
	case ACL_DEV_ATTR_SUPER_POD_ID:
	case ACL_DEV_ATTR_CUST_OP_PRIVILEGE:
	case ACL_DEV_ATTR_MAINBOARD_ID:
	case ACL_DEV_ATTR_HD_CONNECT_TYPE:
	case ACL_DEV_ATTR_DEVICE_FORM_FACTOR:
	case ACL_DEV_ATTR_NPU_ARCH:
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"attribute %d: not known for a host-memory device",
				(int)attr);
	default:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown device attribute %d", (int)attr);
	}
}

/* ApiImpl::DeviceGetStreamPriorityRange: either pointer may be NULL. */
ACL_API aclError aclrtDeviceGetStreamPriorityRange(int32_t *leastPriority,
						   int32_t *greatestPriority)
{
	if (leastPriority)
		*leastPriority = 7;
	if (greatestPriority)
		*greatestPriority = 0;
	return ACL_SUCCESS;
}

/*
 * ApiErrorDecorator::GetResInCurrentThread: a type from 2 on (107000);
 * ApiImpl::GetResInCurrentThread: the current context's device (107002),
 * whose cores number 0 here.
 */
ACL_API aclError aclrtGetResInCurrentThread(aclrtDevResLimitType type,
					    uint32_t *value)
{
	int32_t device;
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	if ((uint32_t)type > ACL_RT_DEV_RES_VECTOR_CORE)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"type %d: [0, 2)", (int)type);
	ret = acl_current_device(&device);
	if (!ret)
		*value = 0;
	return ret;
}

/* A device id the P2P calls take: the acl layer's, then the runtime's. */
static aclError peer_pair(int32_t device, int32_t peer)
{
	if (device == peer)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"deviceId %d cannot be its own peer", device);
	/* rtGetDevicePhyIdByIndex(peer) */
	return acl_device_check((uint32_t)peer);
}

/*
 * After peer_pair(): ApiErrorDecorator::DeviceCanAccessPeer wants a device
 * below RT_MAX_DEV_NUM and the pointer (107000), then the driver a device
 * that exists (107001).
 */
ACL_API aclError aclrtDeviceCanAccessPeer(int32_t *canAccessPeer,
					  int32_t deviceId, int32_t peerDeviceId)
{
	aclError ret = peer_pair(deviceId, peerDeviceId);

	if (ret)
		return ret;
	if ((uint32_t)deviceId >= RT_MAX_DEV_NUM)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"deviceId %d: [0, %d)", deviceId, RT_MAX_DEV_NUM);
	if (!canAccessPeer)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"canAccessPeer is NULL");
	ret = acl_device_check((uint32_t)deviceId);
	if (ret)
		return ret;
	*canAccessPeer = 1;
	return ACL_SUCCESS;
}

/* Enable and disable: the current device (107002), then peer_pair(). */
static aclError peer_access(int32_t peerDeviceId)
{
	int32_t device;
	aclError ret;

	ret = acl_current_device(&device);
	if (ret)
		return ret;
	return peer_pair(device, peerDeviceId);
}

ACL_API aclError aclrtDeviceEnablePeerAccess(int32_t peerDeviceId,
					     uint32_t flags)
{
	/* ACL_CHECK_RESERVED_PARAM_REPORT_RET(flags, 0, FEATURE_UNSUPPORTED) */
	if (flags)
		return acl_fail(ACL_ERROR_FEATURE_UNSUPPORTED,
				"flags 0x%x: reserved, must be 0", flags);
	return peer_access(peerDeviceId);
}

ACL_API aclError aclrtDeviceDisablePeerAccess(int32_t peerDeviceId)
{
	return peer_access(peerDeviceId);
}

/* rtsGetLogicDevIdByPhyDevId and the reverse: 107000 below 0, 107001 past. */
static aclError same_id(int32_t in, int32_t *out)
{
	aclError ret;

	if (!out)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "output is NULL");
	if (in < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"device id %d: 0 or more", in);
	ret = acl_device_check(in);
	if (!ret)
		*out = in;
	return ret;
}

ACL_API aclError aclrtGetLogicDevIdByPhyDevId(const int32_t phyDevId,
					      int32_t *const logicDevId)
{
	return same_id(phyDevId, logicDevId);
}

ACL_API aclError aclrtGetPhyDevIdByLogicDevId(const int32_t logicDevId,
					      int32_t *const phyDevId)
{
	return same_id(logicDevId, phyDevId);
}

/*
 * rtsGetLogicDevIdByUserDevId and rtsGetPhyDevIdByLogicDevId (which
 * aclrtGetPhyDevIdByUserDevId calls): all three ids are one, with the
 * same checks.
 */
ACL_API aclError aclrtGetLogicDevIdByUserDevId(const int32_t userDevid,
					       int32_t *const logicDevId)
{
	return same_id(userDevid, logicDevId);
}

ACL_API aclError aclrtGetPhyDevIdByUserDevId(const int32_t userDevId,
					     int32_t *const phyDevId)
{
	return same_id(userDevId, phyDevId);
}

/* ACLMEM_SOC_NAME, or the chip whose behaviour the library follows. */
ACL_API const char *aclrtGetSocName(void)
{
	const char *name = getenv("ACLMEM_SOC_NAME");

	return name && *name ? name : DEFAULT_SOC_NAME;
}

ACL_API aclError aclrtGetVersion(int32_t *majorVersion, int32_t *minorVersion,
				 int32_t *patchVersion)
{
	if (!majorVersion || !minorVersion || !patchVersion)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	*majorVersion = ACL_MAJOR_VERSION;
	*minorVersion = ACL_MINOR_VERSION;
	*patchVersion = ACL_PATCH_VERSION;
	return ACL_SUCCESS;
}
