// SPDX-License-Identifier: MIT
/*
 * Description: stream configuration, synchronisation with a timeout,
 * query, failure mode and abort. Where CANN defines a code the comment
 * names the hicann/runtime function; "aclmem" marks the library's own
 * behaviour.
 *
 * aclrtCreateStreamWithConfig: NULL 100000; ACL_STREAM_DEVICE_USE_ONLY
 * with another flag 107000; unknown flag bits dropped; the priority
 * brought into [0, 7]; 107002 without a context; GetPriority, GetFlags
 * and GetId report it (NULL outputs 100000, a dead stream 107017, 107002
 * without a context except GetId of a live stream). Synchronising with a
 * timeout: below -1 107000 (before the handle check), 0 107000 (after
 * it), 107002 without a context; PERSISTENT and DEVICE_USE_ONLY streams
 * are done at once. aclrtStreamQuery: NULL 100000, complete on an idle
 * stream. A stream is only busy while a BLOCK callback is still to run:
 * then the query says NOT_READY, a synchronisation with a timeout runs out
 * (507046, after the time), a device synchronisation too, and
 * aclrtStreamAbort drops the callback, leaving the stream complete.
 * aclrtSetStreamFailureMode: a dead stream 107017, NULL without a context
 * 107000, a DEVICE_USE_ONLY stream 207000, STOP back to CONTINUE 207000,
 * a stream of another context 107003. Config handles: every bad argument
 * 100000, a priority above 7 refused; aclrtCreateStreamV2 makes a stream
 * with the handle's priority and flags (107002 without a context).
 */
#include "acl_test_utils.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

TEST(create_with_config)
{
	aclrtStream s = (aclrtStream)(uintptr_t)0x99, t = NULL;
	uint32_t prio = 99, flags = 99;
	int32_t id = -1, id2 = -1;

	/* stream.cpp aclrtCreateStreamWithConfigImpl: NULL, first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateStreamWithConfig(NULL, 0, 0));
	/* ApiErrorDecorator::CheckStreamFlags: CP_PROCESS_USE stands alone, before the context */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtCreateStreamWithConfig(&s, 0, ACL_STREAM_DEVICE_USE_ONLY |
						    ACL_STREAM_FAST_LAUNCH));
	/* ApiImpl::StreamCreate: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStreamWithConfig(&s, 0, 0));
	EXPECT_EQ((aclrtStream)(uintptr_t)0x99, s);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* ApiErrorDecorator::StreamCreate: above the least priority becomes 7 */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamWithConfig(&s, 9,
			ACL_STREAM_FAST_LAUNCH | ACL_STREAM_HUGE | 0x100));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(s, &prio));
	EXPECT_EQ(7, prio);
	/* aclrtStreamGetFlagsImpl: the acl flags, the unknown 0x100 dropped */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetFlags(s, &flags));
	EXPECT_EQ(ACL_STREAM_FAST_LAUNCH | ACL_STREAM_HUGE, flags);
	/* the priority is an int32_t in the runtime: 0x80000000 is below 0 */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamWithConfig(&t, 0x80000000U,
							   ACL_STREAM_DEVICE_USE_ONLY));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(t, &prio));
	EXPECT_EQ(0, prio);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetFlags(t, &flags));
	EXPECT_EQ(ACL_STREAM_DEVICE_USE_ONLY, flags);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetId(s, &id));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetId(t, &id2));
	EXPECT_NE(id, id2);
	/* a plain stream: priority 0, no flags */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(NULL, &prio));
	EXPECT_EQ(0, prio);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetFlags(NULL, &flags));
	EXPECT_EQ(0, flags);

	/* stream.cpp aclrtStreamGetPriorityImpl, ...GetFlagsImpl, ...GetIdImpl: NULL outputs */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtStreamGetPriority(s, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtStreamGetFlags(s, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtStreamGetId(s, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(t));
	/* the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamGetPriority(t, &prio));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamGetFlags(t, &flags));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamGetId(t, &id2));

	/* ApiImpl::StreamGetPriority, StreamGetFlags: a current context; GetStreamId only for NULL */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetId(s, &id));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamGetPriority(NULL, &prio));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamGetFlags(NULL, &flags));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamGetId(NULL, &id2));
}

TEST(context_needed_for_live_stream)
{
	aclrtContext c = NULL;
	aclrtStream s = NULL;
	uint32_t prio = 9;
	int32_t id = -1;

	/* a stream of a created context, then no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* ApiImpl::StreamGetPriority: the current context first */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamGetPriority(s, &prio));
	EXPECT_EQ(9, prio);
	/* ApiImpl::StreamSynchronize, StreamQuery: so do these */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeStream(s));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeStreamWithTimeout(s, 5));
	/* ApiImpl::GetStreamId: not for a stream given */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetId(s, &id));
	EXPECT_GE(id, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

TEST(synchronize_with_timeout_checks)
{
	aclrtStream s = NULL;
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;

	/* stream.cpp aclrtSynchronizeStreamWithTimeoutImpl: below -1 first */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeStreamWithTimeout((aclrtStream)(uintptr_t)0xdead0, -2));
	/* the handle check, then ApiErrorDecorator::StreamSynchronize: 0 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtSynchronizeStreamWithTimeout((aclrtStream)(uintptr_t)0xdead0, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeStreamWithTimeout(NULL, 0));
	/* ApiImpl::StreamSynchronize: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeStreamWithTimeout(NULL, -1));
	/* stream.cpp aclrtStreamQueryImpl: status NULL, first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtStreamQuery(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamQuery(NULL, &st));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtStreamQuery((aclrtStream)(uintptr_t)0xdead0, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_RESERVED, st);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeStreamWithTimeout(s, 0));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(s, -1));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(s, 1));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(NULL, 100));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	st = ACL_STREAM_STATUS_RESERVED;
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(NULL, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	/* the handle check comes before the timeout's 0 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtSynchronizeStreamWithTimeout(s, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtSynchronizeStreamWithTimeout(s, 10));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(persistent_stream_needs_no_context)
{
	aclrtContext c = NULL;
	aclrtStream p = NULL;
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamWithConfig(&p, 0, ACL_STREAM_PERSISTENT));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* ApiErrorDecorator::StreamSynchronize, StreamQuery return before ApiImpl's context check */
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(p));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(p, 3));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(p, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

static void never_runs(void *arg)
{
	(*(int *)arg)++;
}

/* A BLOCK callback nobody processes keeps the stream busy until aborted. */
TEST(busy_stream_times_out_until_aborted)
{
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
	aclrtStream s = NULL;
	uint64_t t0, ms;
	int ran = 0;

	/* subscribed to a thread that never calls aclrtProcessReport */
	acl_stream_blocked(_metadata, &s, 12345, never_runs, &ran);
	/* the default stream is not busy */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(NULL, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	/* stream.cpp aclrtSynchronizeStreamWithTimeoutImpl: ACL_ERROR_RT_STREAM_SYNC_TIMEOUT */
	t0 = now_ms();
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, aclrtSynchronizeStreamWithTimeout(s, 200));
	ms = now_ms() - t0;
	EXPECT_GE(ms, 190);
	EXPECT_LT(ms, 5000);
	/* device.cpp aclrtSynchronizeDeviceWithTimeoutImpl: the same */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, aclrtSynchronizeDeviceWithTimeout(50));
	/* ApiImpl::StreamAbort: the work not yet done goes */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamAbort(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(s, 10));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeDeviceWithTimeout(10));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	EXPECT_EQ(0, ran);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(12345, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(abort_checks)
{
	aclrtContext c = NULL;
	aclrtStream s = NULL;

	/* ApiErrorDecorator::StreamAbort: no context, so no default stream */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtStreamAbort(NULL));
	/* the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamAbort((aclrtStream)(uintptr_t)0xdead0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamAbort(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamAbort(NULL));
	/* ApiImpl::StreamAbort: a stream of another context */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtStreamAbort(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	/* ApiImpl::StreamAbort: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtStreamAbort(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(failure_mode)
{
	aclrtContext c = NULL;
	aclrtStream s = NULL, d = NULL;

	/* rtStreamSetMode: the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtSetStreamFailureMode((aclrtStream)(uintptr_t)0xdead0, ACL_STOP_ON_FAILURE));
	/* ApiErrorDecorator::StreamSetMode: no context, so no default stream */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetStreamFailureMode(NULL, ACL_STOP_ON_FAILURE));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	/* ApiErrorDecorator::StreamSetMode: a coprocessor (DEVICE_USE_ONLY) stream */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamWithConfig(&d, 0, ACL_STREAM_DEVICE_USE_ONLY));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtSetStreamFailureMode(d, ACL_STOP_ON_FAILURE));
	/* ApiImpl::StreamSetMode: the mode it has already, then STOP */
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(s, ACL_CONTINUE_ON_FAILURE));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE));
	/* only bit 0 counts: 3 is STOP again */
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(s, 3));
	/* STOP back to CONTINUE */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtSetStreamFailureMode(s, ACL_CONTINUE_ON_FAILURE));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtSetStreamFailureMode(s, 2));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(NULL, ACL_STOP_ON_FAILURE));
	/* a stream of another context: the same mode succeeds before the check */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	EXPECT_EQ(ACL_SUCCESS, aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&d));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtSetStreamFailureMode(d, ACL_STOP_ON_FAILURE));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(0));
	/* ApiImpl::StreamSetMode: no current context for a stream given */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

/* hicann/runtime aclrt_c/runtime/stream.c: config handles, aclrtCreateStreamV2 */
TEST(config_handle)
{
	aclrtStreamConfigHandle *h;
	aclrtStream s = NULL;
	uint32_t prio = 3, bad = 8, got = 99, flags = 99;
	size_t flag = ACL_STREAM_FAST_SYNC, work = 4096;
	void *ptr = &work;

	h = aclrtCreateStreamConfigHandle();
	ASSERT_NE(NULL, h);
	/* zeroed */
	EXPECT_EQ(NULL, h->workptr);
	EXPECT_EQ(0, h->workSize);
	EXPECT_EQ(0, h->flag);
	EXPECT_EQ(0, h->priority);
	/* aclrtSetStreamConfigOpt: NULLs, attr, value sizes, priority range */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(NULL, ACL_RT_STREAM_PRIORITY, &prio, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, NULL, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtSetStreamConfigOpt(h, (aclrtStreamConfigAttr)4, &prio, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &prio, 8));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &bad, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_FLAG, &flag, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_SIZE, &work, 4));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_ADDR_PTR, &ptr, 4));
	EXPECT_EQ(0, h->priority);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &prio, sizeof(prio)));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_FLAG, &flag, sizeof(flag)));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_SIZE, &work, sizeof(work)));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_ADDR_PTR, &ptr, sizeof(ptr)));
	EXPECT_EQ(3, h->priority);
	EXPECT_EQ(ACL_STREAM_FAST_SYNC, h->flag);
	EXPECT_EQ(4096, h->workSize);
	EXPECT_EQ(ptr, h->workptr);

	/* aclrtCreateStreamV2: NULL stream, then the current context */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateStreamV2(NULL, h));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStreamV2(&s, h));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamV2(&s, h));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(s, &got));
	EXPECT_EQ(3, got);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetFlags(s, &flags));
	EXPECT_EQ(ACL_STREAM_FAST_SYNC, flags);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	/* a NULL handle: the defaults */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStreamV2(&s, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamGetPriority(s, &got));
	EXPECT_EQ(0, got);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyStreamConfigHandle(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStreamConfigHandle(h));
}

TEST_HARNESS_MAIN
