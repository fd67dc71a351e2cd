// SPDX-License-Identifier: MIT
/*
 * Description: device queries. Where CANN defines a code the comment names
 * the hicann/runtime function; "aclmem" marks the library's own behaviour.
 *
 * Logical and physical device ids are the same here: a NULL output is
 * 100000, a negative id 107000, one from the device count on 107001.
 * aclrtDeviceCanAccessPeer: a device its own peer is 100000 (first), a
 * peer that does not exist 107001, a device from 64 or a NULL output
 * 107000, a device that does not exist 107001; else 1. Enable and disable
 * want a current context (107002), flags 0 (200006), a peer other than the
 * current device (100000) that exists (107001). aclrtQueryDeviceStatus:
 * NULL 100000, a bad device 107001, else NORMAL. aclrtGetDeviceInfo: NULL
 * 100000, a bad device 107000, an unknown attribute 107000, the ones a
 * host-memory device cannot tell 207000, else the value (core counts 0,
 * the memory of the device's node). aclrtGetRunMode is ACL_HOST,
 * aclrtGetVersion 1.17.0, aclrtGetSocName a name, the stream priority
 * range [0, 7] with either pointer NULL. aclrtCtxGetCurrentDefaultStream:
 * NULL 100000, 107002 without a context, else the same handle for a
 * context every time, usable as a stream, another for another context.
 * aclrtGetResInCurrentThread: NULL 100000, a type from 2 107000, 107002
 * without a context, else 0 cores.
 */
#include "acl_test_utils.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TEST(logic_phys_ids)
{
	int32_t out = -7;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "3", 1));
	/* hicann/runtime device.cpp aclrtGetPhyDevIdByLogicDevIdImpl: output NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetPhyDevIdByLogicDevId(0, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetLogicDevIdByPhyDevId(0, NULL));
	/* api_c_device.cc rtsGetPhyDevIdByLogicDevId, rtsGetLogicDevIdByPhyDevId: below 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetPhyDevIdByLogicDevId(-1, &out));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetLogicDevIdByPhyDevId(-1, &out));
	/* npu_driver.cc GetDevicePhyIdByIndex, GetDeviceIndexByPhyId: the driver's invalid device */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetPhyDevIdByLogicDevId(3, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetLogicDevIdByPhyDevId(3, &out));
	EXPECT_EQ(-7, out);
	/* aclmem: devices are numbered as given; no context needed */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetPhyDevIdByLogicDevId(2, &out));
	EXPECT_EQ(2, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetLogicDevIdByPhyDevId(1, &out));
	EXPECT_EQ(1, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetLogicDevIdByPhyDevId(0, &out));
	EXPECT_EQ(0, out);
}

TEST(can_access_peer)
{
	int32_t can = -1;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	/* memory.cpp aclrtDeviceCanAccessPeerImpl: its own peer, before the NULL check */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceCanAccessPeer(NULL, 1, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceCanAccessPeer(&can, 0, 0));
	/* rtGetDevicePhyIdByIndex(peer): the driver's invalid device */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceCanAccessPeer(&can, 0, 2));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceCanAccessPeer(&can, 0, -1));
	/* ApiErrorDecorator::DeviceCanAccessPeer: device from RT_MAX_DEV_NUM, then NULL */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDeviceCanAccessPeer(&can, 64, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDeviceCanAccessPeer(&can, -1, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDeviceCanAccessPeer(NULL, 0, 1));
	/* halDeviceCanAccessPeer: a device below 64 that does not exist */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceCanAccessPeer(&can, 5, 1));
	EXPECT_EQ(-1, can);
	/* aclmem: every device reaches all memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceCanAccessPeer(&can, 0, 1));
	EXPECT_EQ(1, can);
	can = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceCanAccessPeer(&can, 1, 0));
	EXPECT_EQ(1, can);
}

TEST(enable_disable_peer_access)
{
	char *p = NULL, *q = NULL;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	/* memory.cpp aclrtDeviceEnablePeerAccessImpl: flags first (ACL_ERROR_FEATURE_UNSUPPORTED) */
	EXPECT_EQ(ACL_ERROR_FEATURE_UNSUPPORTED, aclrtDeviceEnablePeerAccess(1, 1));
	/* then rtGetDevice: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtDeviceEnablePeerAccess(1, 0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtDeviceDisablePeerAccess(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_FEATURE_UNSUPPORTED, aclrtDeviceEnablePeerAccess(0, 2));
	/* the current device as its own peer */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceEnablePeerAccess(0, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceDisablePeerAccess(0));
	/* rtGetDevicePhyIdByIndex(peer) */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceEnablePeerAccess(2, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceDisablePeerAccess(-3));
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceEnablePeerAccess(1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceEnablePeerAccess(1, 0));

	/* as device/2_device_P2P does: copy device 1's memory from device 0 */
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&p, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&q, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(q, SZ_2M, 0x5c, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(p, SZ_2M, q, SZ_2M, ACL_MEMCPY_DEVICE_TO_DEVICE));
	EXPECT_EQ(0x5c, p[0]);
	EXPECT_EQ(0x5c, p[SZ_2M - 1]);
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceDisablePeerAccess(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(device_status)
{
	aclrtDeviceStatus st = ACL_RT_DEVICE_STATUS_END;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	/* device.cpp aclrtQueryDeviceStatusImpl: NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryDeviceStatus(0, NULL));
	/* ApiErrorDecorator::DeviceStatusQuery: CheckDeviceIdIsValid */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtQueryDeviceStatus(2, &st));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtQueryDeviceStatus(-1, &st));
	EXPECT_EQ(ACL_RT_DEVICE_STATUS_END, st);
	ASSERT_EQ(ACL_SUCCESS, aclrtQueryDeviceStatus(1, &st));
	EXPECT_EQ(ACL_RT_DEVICE_STATUS_NORMAL, st);
}

/* MemTotal of the node in sysfs, in bytes */
static int64_t node_mem_total(int node)
{
	char path[80], line[256];
	long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *m = strstr(line, "MemTotal:");

		if (m) {
			kb = atoll(m + strlen("MemTotal:"));
			break;
		}
	}
	fclose(f);
	return kb * 1024;
}

TEST(device_info)
{
	static const aclrtDevAttr unknown_to_host[] = {
		ACL_DEV_ATTR_WARP_SIZE, ACL_DEV_ATTR_MAX_BLOCK_DIM_Z,
		ACL_DEV_ATTR_L2_CACHE_SIZE, ACL_DEV_ATTR_SUPER_POD_ID,
		ACL_DEV_ATTR_DEVICE_FORM_FACTOR, ACL_DEV_ATTR_NPU_ARCH,
	};
	int64_t v = -5;
	size_t i;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "1", 1));
	/* device.cpp aclrtGetDeviceInfoImpl: NULL first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetDeviceInfo(9, (aclrtDevAttr)0, NULL));
	/* ApiErrorDecorator::GetDeviceInfoByAttr: device from the count on */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetDeviceInfo(1, ACL_DEV_ATTR_AICORE_CORE_NUM, &v));
	/* ApiImpl::GetDeviceInfoByAttrMisc: no entry for the attribute */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetDeviceInfo(0, (aclrtDevAttr)0, &v));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetDeviceInfo(0, (aclrtDevAttr)103, &v));
	/* aclmem: what a host-memory device cannot tell */
	for (i = 0; i < ACL_ARRAY_SIZE(unknown_to_host); i++)
		EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			  aclrtGetDeviceInfo(0, unknown_to_host[i], &v));
	EXPECT_EQ(-5, v);
	/* aclmem: no compute cores; no context needed */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceInfo(0, ACL_DEV_ATTR_AICORE_CORE_NUM, &v));
	EXPECT_EQ(0, v);
	v = -5;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceInfo(0, ACL_DEV_ATTR_VECTOR_CORE_NUM, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceInfo(0, ACL_DEV_ATTR_PHY_CHIP_ID, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceInfo(0, ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE, &v));
	EXPECT_EQ(node_mem_total(0), v);
	EXPECT_GT(v, 0);
}

TEST(run_mode_version_soc)
{
	int32_t major = -1, minor = -1, patch = -1, least = -1, greatest = -1;
	aclrtRunMode mode = ACL_DEVICE;
	const char *soc;

	/* device.cpp aclrtGetRunModeImpl */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetRunMode(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetRunMode(&mode));
	EXPECT_EQ(ACL_HOST, mode);
	/* acl_rt_impl_base.cpp aclrtGetVersionImpl */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetVersion(NULL, &minor, &patch));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetVersion(&major, NULL, &patch));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetVersion(&major, &minor, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetVersion(&major, &minor, &patch));
	EXPECT_EQ(ACL_MAJOR_VERSION, major);
	EXPECT_EQ(ACL_MINOR_VERSION, minor);
	EXPECT_EQ(ACL_PATCH_VERSION, patch);
	/* aclmem: the chip the library follows, or ACLMEM_SOC_NAME */
	ASSERT_EQ(0, unsetenv("ACLMEM_SOC_NAME"));
	soc = aclrtGetSocName();
	ASSERT_NE(NULL, soc);
	EXPECT_STREQ("Ascend910B1", soc);
	ASSERT_EQ(0, setenv("ACLMEM_SOC_NAME", "Ascend910_9391", 1));
	EXPECT_STREQ("Ascend910_9391", aclrtGetSocName());
	/* ApiImpl::DeviceGetStreamPriorityRange: either may be NULL */
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetStreamPriorityRange(&least, &greatest));
	EXPECT_EQ(7, least);
	EXPECT_EQ(0, greatest);
	least = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetStreamPriorityRange(&least, NULL));
	EXPECT_EQ(7, least);
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetStreamPriorityRange(NULL, NULL));
}

TEST(current_default_stream)
{
	aclrtStream s = (aclrtStream)(uintptr_t)0x77, again = NULL, other = NULL;
	aclrtContext c = NULL;
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
	char buf[64];

	/* context.cpp aclrtCtxGetCurrentDefaultStreamImpl: NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCtxGetCurrentDefaultStream(NULL));
	/* ApiImpl::CtxGetCurrentDefaultStream: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCtxGetCurrentDefaultStream(&s));
	EXPECT_EQ((aclrtStream)(uintptr_t)0x77, s);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxGetCurrentDefaultStream(&s));
	ASSERT_NE(NULL, s);
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxGetCurrentDefaultStream(&again));
	EXPECT_EQ(s, again);
	/* a stream like any other */
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 0x31, sizeof(buf), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	EXPECT_EQ(0x31, buf[63]);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	/* aclmem: it goes with its context, not with aclrtDestroyStream */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCtxGetCurrentDefaultStream(&other));
	EXPECT_NE(s, other);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	/* the default context's default stream is still there */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* gone with the default context */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(res_in_current_thread)
{
	uint32_t v = 77;

	/* device.cpp aclrtGetResInCurrentThreadImpl: NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetResInCurrentThread(ACL_RT_DEV_RES_CUBE_CORE, NULL));
	/* ApiErrorDecorator::GetResInCurrentThread: the type */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtGetResInCurrentThread((aclrtDevResLimitType)2, &v));
	/* ApiImpl::GetResInCurrentThread: the current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetResInCurrentThread(ACL_RT_DEV_RES_CUBE_CORE, &v));
	EXPECT_EQ(77, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* aclmem: a host-memory device has no cores */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetResInCurrentThread(ACL_RT_DEV_RES_CUBE_CORE, &v));
	EXPECT_EQ(0, v);
	v = 77;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetResInCurrentThread(ACL_RT_DEV_RES_VECTOR_CORE, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(synchronize_device_with_timeout)
{
	/* device.cpp aclrtSynchronizeDeviceWithTimeoutImpl: below -1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeDeviceWithTimeout(-2));
	/* ApiErrorDecorator::DeviceSynchronize: 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeDeviceWithTimeout(0));
	/* ApiImpl::DeviceSynchronize: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeDeviceWithTimeout(-1));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeDeviceWithTimeout(10));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeDeviceWithTimeout(0));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeDeviceWithTimeout(-1));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeDeviceWithTimeout(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
