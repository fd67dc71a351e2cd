// SPDX-License-Identifier: MIT
/*
 * Description: host functions (hicann/runtime callback.cpp
 * aclrtLaunchHostFuncImpl; api_c.cc rtsLaunchHostFunc;
 * ApiErrorDecorator::LaunchHostFunc; ApiImpl::LaunchHostFunc), stopping a
 * stream (stream.cpp aclrtStreamStopImpl; rtsStreamStop;
 * ApiErrorDecorator::StreamStop; ApiImpl::StreamClear) and aborting a
 * device's tasks (device.cpp aclrtDeviceTaskAbortImpl;
 * ApiErrorDecorator::DeviceTaskAbort). "aclmem": stream work is done when
 * issued, so a host function runs before aclrtLaunchHostFunc returns, on
 * the calling thread, after the stream's BLOCK callbacks.
 */
#include "acl_test_utils.h"

static const aclrtStream dead = (aclrtStream)(uintptr_t)0xdead0;

struct ran {
	int count;
	pthread_t thread;
};

static void host_fn(void *arg)
{
	struct ran *r = arg;

	r->count++;
	r->thread = pthread_self();
}

TEST(launch_host_func)
{
	struct ran r = { 0 };
	aclrtStream s;

	/* the handle check, then fn (107000), then a context (107002) */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtLaunchHostFunc(dead, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtLaunchHostFunc(NULL, NULL, &r));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtLaunchHostFunc(NULL, host_fn, &r));
	EXPECT_EQ(0, r.count);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchHostFunc(s, host_fn, &r));
	EXPECT_EQ(1, r.count);
	EXPECT_TRUE(pthread_equal(pthread_self(), r.thread));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchHostFunc(NULL, host_fn, &r));
	EXPECT_EQ(2, r.count);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	/* a stream a thread subscribed to: 107011 */
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(4242, s));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SUBSCRIBE, aclrtLaunchHostFunc(s, host_fn, &r));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(4242, s));
	EXPECT_EQ(2, r.count);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtLaunchHostFunc(s, host_fn, &r));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(launch_host_func_other_context)
{
	struct ran r = { 0 };
	aclrtContext c1, c2;
	aclrtStream s1;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtLaunchHostFunc(s1, host_fn, &r));
	EXPECT_EQ(0, r.count);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchHostFunc(s1, host_fn, &r));
	EXPECT_EQ(1, r.count);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
}

static void count_up(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

struct value_host {
	volatile uint64_t *word;
	uint64_t seen;
};

static void read_word(void *arg)
{
	struct value_host *v = arg;

	v->seen = *v->word;
}

static void *write_later(void *arg)
{
	volatile uint64_t *word = arg;

	usleep(200 * 1000);
	__atomic_store_n(word, 7, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * In stream order: a host function queued after a value wait runs once
 * the wait is met (here by another thread's store).
 */
TEST(launch_host_func_in_stream_order)
{
	struct value_host v;
	aclrtStream s;
	pthread_t t;
	void *dev;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&dev, 4096, ACL_MEM_MALLOC_HUGE_FIRST));
	v.word = dev;
	*v.word = 0;
	v.seen = 0;
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(dev, 7, ACL_STREAM_WAIT_VALUE_EQ, s));
	ASSERT_EQ(0, pthread_create(&t, NULL, write_later, dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchHostFunc(s, read_word, &v));
	EXPECT_EQ(7, v.seen);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(stream_stop)
{
	aclrtContext c1, c2;
	aclrtStream s;

	/* the handle, then NULL (107000), then a context, then the stream's */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamStop(dead));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtStreamStop(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtStreamStop(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamStop(s));
	/* the stream is still there: it syncs and takes work */
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtStreamStop(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamStop(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
}

/* Stopping drops the stream's callbacks not yet run (ApiImpl::StreamClear). */
TEST(stream_stop_drops_callbacks)
{
	aclrtStream s;
	int n = 0;

	acl_stream_blocked(_metadata, &s, 777, count_up, &n);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamStop(s));
	/* nothing blocks the stream any more */
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(s, 1000));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(777, s));
	EXPECT_EQ(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(device_task_abort)
{
	uint32_t n = acl_device_count();

	/* no context needed; the timeout first (36 min at most, 107000) */
	EXPECT_EQ(ACL_SUCCESS, aclrtDeviceTaskAbort(0, 0));
	EXPECT_EQ(ACL_SUCCESS, aclrtDeviceTaskAbort((int32_t)n - 1, 36 * 60 * 1000));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDeviceTaskAbort(0, 36 * 60 * 1000 + 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDeviceTaskAbort(-1, 36 * 60 * 1000 + 1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceTaskAbort(-1, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtDeviceTaskAbort((int32_t)n, 0));
}

TEST_HARNESS_MAIN
