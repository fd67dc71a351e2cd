// SPDX-License-Identifier: MIT
/*
 * Description: what the library tells of its devices: capabilities
 * (hicann/runtime src/acl/aclrt_impl/acl.cpp aclGetDeviceCapabilityImpl),
 * UUIDs (device.cpp aclrtDeviceGetUuidImpl, ApiErrorDecorator::GetDeviceUuid),
 * utilization (aclrtGetDeviceUtilizationRateImpl), memory usage per
 * component (memory.cpp aclrtGetMemUsageInfoImpl,
 * ApiErrorDecorator::GetMemUsageInfo, ApiImpl::GetMemUsageInfo), user,
 * logical and physical ids (rtsGetLogicDevIdByUserDevId,
 * rtsGetPhyDevIdByLogicDevId), the primary context's state (context.cpp
 * aclrtGetPrimaryCtxStateImpl, ApiErrorDecorator::GetPrimaryCtxState) and
 * the thread's last runtime error (context.cpp aclrtGetLastErrorImpl,
 * aclrtPeekAtLastErrorImpl; api_c.cc rtGetLastError, rtPeekAtLastError;
 * InnerThreadLocalContainer::GetGlobalErr clears it, PeekGlobalErr not).
 */
#include "acl_test_utils.h"

TEST(device_capability)
{
	uint32_t n = acl_device_count();
	int64_t v = -1;

	ASSERT_LT(0, n);
	/* no AI Core or vector core on a host-memory device (aclmem) */
	ASSERT_EQ(ACL_SUCCESS, aclGetDeviceCapability(0, ACL_DEVICE_INFO_AI_CORE_NUM, &v));
	EXPECT_EQ(0, v);
	v = -1;
	ASSERT_EQ(ACL_SUCCESS,
		  aclGetDeviceCapability(n - 1, ACL_DEVICE_INFO_VECTOR_CORE_NUM, &v));
	EXPECT_EQ(0, v);
	/* the L2 size is not known (aclmem, as aclrtGetDeviceInfo) */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclGetDeviceCapability(0, ACL_DEVICE_INFO_L2_SIZE, &v));
	/* a device from the count on, an unknown info type, NULL: 100000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetDeviceCapability(n, ACL_DEVICE_INFO_AI_CORE_NUM, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetDeviceCapability(0, ACL_DEVICE_INFO_UNDEFINED, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetDeviceCapability(0, (aclDeviceInfo)3, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetDeviceCapability(0, ACL_DEVICE_INFO_AI_CORE_NUM, NULL));
}

TEST(device_uuid)
{
	uint32_t n = acl_device_count();
	aclrtUuid a, b;

	ASSERT_LT(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetUuid(0, &a));
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetUuid(0, &b));
	/* the same device, the same UUID; RFC 4122 variant, version 8 */
	EXPECT_EQ(0, memcmp(a.bytes, b.bytes, sizeof(a.bytes)));
	EXPECT_EQ(0x80, a.bytes[6] & 0xf0);
	EXPECT_EQ(0x80, a.bytes[8] & 0xc0);
	if (n > 1) {
		ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetUuid(1, &b));
		EXPECT_NE(0, memcmp(a.bytes, b.bytes, sizeof(a.bytes)));
	}
	/* no context needed; a negative or unknown device 107001; NULL 100000 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceGetUuid(-1, &a));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceGetUuid((int32_t)n, &a));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceGetUuid(0, NULL));
}

/* The UUID of device 0 from another process is the same. */
TEST(device_uuid_stable)
{
	aclrtUuid here, there;
	int fds[2], status;
	pid_t pid;

	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetUuid(0, &here));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		aclrtUuid u;

		memset(&u, 0, sizeof(u));
		(void)aclrtDeviceGetUuid(0, &u);
		_exit(write(fds[1], &u, sizeof(u)) == sizeof(u) ? 0 : 1);
	}
	ASSERT_EQ(sizeof(there), read(fds[0], &there, sizeof(there)));
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, memcmp(here.bytes, there.bytes, sizeof(here.bytes)));
	close(fds[0]);
	close(fds[1]);
}

TEST(utilization_rate)
{
	aclrtUtilizationInfo info;

	memset(&info, 0x55, sizeof(info));
	info.utilizationExtend = NULL;
	/* no AI Core, vector core or AI CPU: -1 (not supported), memory -1 */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceUtilizationRate(0, &info));
	EXPECT_EQ(-1, info.cubeUtilization);
	EXPECT_EQ(-1, info.vectorUtilization);
	EXPECT_EQ(-1, info.aicpuUtilization);
	EXPECT_EQ(-1, info.memoryUtilization);
	/* a rate the runtime cannot read is -1 for any device, still 0 */
	EXPECT_EQ(ACL_SUCCESS, aclrtGetDeviceUtilizationRate(1000, &info));
	/* the reserved pointer must be NULL; NULL info: 100000 */
	info.utilizationExtend = (aclrtUtilizationExtendInfo *)&info;
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetDeviceUtilizationRate(0, &info));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetDeviceUtilizationRate(0, NULL));
}

TEST(mem_usage_info)
{
	uint32_t n = acl_device_count();
	aclrtMemUsageInfo info[4];
	size_t out = 99;

	/* acl layer: NULLs 100000 (out untouched when info is NULL) */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetMemUsageInfo(0, NULL, 4, &out));
	EXPECT_EQ(99, out);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetMemUsageInfo(0, info, 4, NULL));
	/* ApiErrorDecorator: out 0 first, then inputNum 0 107000, device 107001 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetMemUsageInfo(0, info, 0, &out));
	EXPECT_EQ(0, out);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetMemUsageInfo((int32_t)n, info, 4, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetMemUsageInfo(-1, info, 4, &out));
	/* ApiImpl: a current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetMemUsageInfo(0, info, 4, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* no component of the device's software runs here: none listed */
	out = 99;
	EXPECT_EQ(ACL_SUCCESS, aclrtGetMemUsageInfo(0, info, 4, &out));
	EXPECT_EQ(0, out);
	EXPECT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(user_device_ids)
{
	uint32_t n = acl_device_count();
	int32_t id = -5;

	/* devices are numbered as given: the user id is the logical one */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetLogicDevIdByUserDevId((int32_t)n - 1, &id));
	EXPECT_EQ((int32_t)n - 1, id);
	id = -5;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetPhyDevIdByUserDevId(0, &id));
	EXPECT_EQ(0, id);
	/* rtsGetLogicDevIdByUserDevId: below 0 107000; past the count 107001 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetLogicDevIdByUserDevId(-1, &id));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetPhyDevIdByUserDevId(-1, &id));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetLogicDevIdByUserDevId((int32_t)n, &id));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetPhyDevIdByUserDevId((int32_t)n, &id));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetLogicDevIdByUserDevId(0, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetPhyDevIdByUserDevId(0, NULL));
}

TEST(primary_ctx_state)
{
	uint32_t n = acl_device_count(), flags = 0;
	int32_t active = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtGetPrimaryCtxState(0, NULL, &active));
	EXPECT_EQ(0, active);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetPrimaryCtxState(0, NULL, &active));
	EXPECT_EQ(1, active);
	/* only aclrtSetDevice makes the primary context, not a context of one's own */
	if (n > 1) {
		aclrtContext c;

		ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 1));
		ASSERT_EQ(ACL_SUCCESS, aclrtGetPrimaryCtxState(1, NULL, &active));
		EXPECT_EQ(0, active);
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetPrimaryCtxState(0, NULL, &active));
	EXPECT_EQ(0, active);
	/* active NULL, flags not NULL (reserved): 100000; a bad device 107001 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetPrimaryCtxState(0, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetPrimaryCtxState(0, &flags, &active));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetPrimaryCtxState((int32_t)n, NULL, &active));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtGetPrimaryCtxState(-1, NULL, &active));
}

TEST(last_error)
{
	aclrtStream s = NULL;
	aclrtEvent e = NULL;

	EXPECT_EQ(ACL_SUCCESS, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	/* a runtime error is recorded: peek keeps it, get clears it */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStream(&s));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_SUCCESS, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	/* the last one wins; a success does not clear it */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStream(&s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(-1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	/* the acl layer's own checks (100000) never reach the runtime's record */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateEvent(NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL));
	/* a level other than the thread's: 100000, and not recorded */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyEvent((aclrtEvent)&e));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetLastError((aclrtLastErrLevel)1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtPeekAtLastError((aclrtLastErrLevel)1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

static void *other_thread_error(void *arg)
{
	*(aclError *)arg = aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL);
	return NULL;
}

/* Per thread: another thread does not see this one's last error. */
TEST(last_error_per_thread)
{
	aclError seen = -1;
	aclrtStream s;
	pthread_t t;

	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStream(&s));
	ASSERT_EQ(0, pthread_create(&t, NULL, other_thread_error, &seen));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_SUCCESS, seen);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetLastError(ACL_RT_THREAD_LEVEL));
}

TEST_HARNESS_MAIN
