// SPDX-License-Identifier: MIT
/*
 * Description: events. Where CANN defines a code the comment names the
 * hicann/runtime file and function; "aclmem" marks the library's own
 * behaviour where CANN's has no counterpart here.
 *
 * NULL arguments are 100000 (the acl layer, before anything else, except
 * aclrtSynchronizeEventWithTimeout's timeout below -1, 107000, first);
 * creation flags are checked (107000) before the
 * current context (107002); a destroyed or made-up event, or stream, fails
 * the runtime's handle check (107017) everywhere, before the event's own
 * refusals: DEVICE_USE_ONLY events are not recorded, reset or waited on
 * (107000), events without SYNC not reset or waited on (207000), Ex events
 * not queried with aclrtQueryEvent or aclrtQueryEventWaitStatus nor reset
 * (207000), EXTERNAL events not queried, synchronised or timed (207000).
 * Record, reset and wait want a current context (107002) and a stream of
 * it (107003). A record completes at once: queries say complete (before a
 * record aclrtQueryEventStatus says not ready, complete for an Ex event),
 * synchronising returns at once (a timeout of 0 is 107000), the elapsed
 * time between two records is the time that passed (lower bounds only),
 * from either side; an event never recorded is 507000, one without
 * ACL_EVENT_TIME_LINE 107006. Reset keeps the last record. Events go with
 * their context (aclmem). Events work across threads.
 */
#include "acl_test_utils.h"

/* aclrtQueryEvent is ACL_DEPRECATED_MESSAGE, as in CANN: it is tested. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SENTINEL	0x5a5a

static aclrtEvent new_event(struct __test_metadata *_metadata, uint32_t flag)
{
	aclrtEvent e = NULL;

	ASSERT_EQ(ACL_SUCCESS, flag ? aclrtCreateEventWithFlag(&e, flag) :
				      aclrtCreateEvent(&e)) {
		TH_LOG("flag 0x%x", flag);
	}
	ASSERT_NE(NULL, e);
	return e;
}

/* aclrtQueryEvent, aclrtQueryEventStatus, aclrtQueryEventWaitStatus say @want. */
static void expect_query(struct __test_metadata *_metadata, aclrtEvent e,
			 aclrtEventStatus want)
{
	aclrtEventStatus st = (aclrtEventStatus)SENTINEL;

	ASSERT_EQ(ACL_SUCCESS, aclrtQueryEvent(e, &st));
	EXPECT_EQ(want, st);
}

static void expect_recorded(struct __test_metadata *_metadata, aclrtEvent e,
			    aclrtEventRecordedStatus want)
{
	aclrtEventRecordedStatus rs = (aclrtEventRecordedStatus)SENTINEL;

	ASSERT_EQ(ACL_SUCCESS, aclrtQueryEventStatus(e, &rs));
	EXPECT_EQ(want, rs);
}

static void expect_wait(struct __test_metadata *_metadata, aclrtEvent e,
			aclrtEventWaitStatus want)
{
	aclrtEventWaitStatus ws = (aclrtEventWaitStatus)SENTINEL;

	ASSERT_EQ(ACL_SUCCESS, aclrtQueryEventWaitStatus(e, &ws));
	EXPECT_EQ(want, ws);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- creation --------------------------------------------------------- */

TEST(create_without_context)
{
	aclrtEvent e = (aclrtEvent)(uintptr_t)SENTINEL;

	/* hicann/runtime event.cpp aclrtCreateEventImpl: event NULL, first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateEvent(NULL));
	/* hicann/runtime event.cpp aclrtCreateEventWithFlagImpl, aclrtCreateEventExWithFlagImpl: event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateEventWithFlag(NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateEventExWithFlag(NULL, 0));
	/* hicann/runtime api_impl.cc ApiImpl::EventCreate: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateEvent(&e));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC));
	/* hicann/runtime api_impl.cc ApiImpl::EventCreateEx: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtCreateEventExWithFlag(&e, ACL_EVENT_SYNC));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreate, EventCreateEx: the flag before the context */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCreateEventWithFlag(&e, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCreateEventExWithFlag(&e, 0));
	/* hicann/runtime api_impl.cc ApiImpl::EventCreateEx: IPC alone passes the flag checks, then no context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtCreateEventExWithFlag(&e, ACL_EVENT_IPC));
	EXPECT_EQ((aclrtEvent)(uintptr_t)SENTINEL, e);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

/* @create accepts each flag of @good and refuses each of @bad (107000). */
static void check_flags(struct __test_metadata *_metadata,
			aclError (*create)(aclrtEvent *, uint32_t),
			const uint32_t *good, size_t ngood,
			const uint32_t *bad, size_t nbad)
{
	aclrtEvent e;
	size_t i;

	for (i = 0; i < ngood; i++) {
		e = NULL;
		ASSERT_EQ(ACL_SUCCESS, create(&e, good[i])) {
			TH_LOG("flag 0x%x", good[i]);
		}
		ASSERT_NE(NULL, e);
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	}
	for (i = 0; i < nbad; i++) {
		e = (aclrtEvent)(uintptr_t)SENTINEL;
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, create(&e, bad[i])) {
			TH_LOG("flag 0x%x", bad[i]);
		}
		EXPECT_EQ((aclrtEvent)(uintptr_t)SENTINEL, e);
	}
}

TEST(create_with_flag)
{
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreate: an OR of 0x1-0x8, or 0x10 or 0x20 alone */
	static const uint32_t good[] = {
		ACL_EVENT_SYNC, ACL_EVENT_CAPTURE_STREAM_PROGRESS, 0x4,
		ACL_EVENT_TIME_LINE, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE, 0xf,
		ACL_EVENT_DEVICE_USE_ONLY, ACL_EVENT_EXTERNAL,
	};
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreate: anything else, IPC too */
	static const uint32_t bad[] = {
		0, ACL_EVENT_IPC, 0x80, 0x40000000, 0xffffffff,
		ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_SYNC,
		ACL_EVENT_EXTERNAL | ACL_EVENT_TIME_LINE,
		ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_EXTERNAL, 0x3f,
	};

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	check_flags(_metadata, aclrtCreateEventWithFlag, good,
		    ACL_ARRAY_SIZE(good), bad, ACL_ARRAY_SIZE(bad));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(create_ex_with_flag)
{
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreateEx: an OR of 0x1-0x8, or IPC alone */
	static const uint32_t good[] = {
		ACL_EVENT_SYNC, ACL_EVENT_CAPTURE_STREAM_PROGRESS, 0x4,
		ACL_EVENT_TIME_LINE, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE, 0xf,
		ACL_EVENT_IPC,
	};
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreateEx: 0x10, 0x20, 0x40 combined, or outside 0x4f */
	static const uint32_t bad[] = {
		0, 0x80, 0xffffffff, ACL_EVENT_DEVICE_USE_ONLY,
		ACL_EVENT_EXTERNAL, ACL_EVENT_IPC | ACL_EVENT_SYNC,
		ACL_EVENT_IPC | ACL_EVENT_DEVICE_USE_ONLY,
		ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_SYNC, 0x4f,
	};
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	check_flags(_metadata, aclrtCreateEventExWithFlag, good,
		    ACL_ARRAY_SIZE(good), bad, ACL_ARRAY_SIZE(bad));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- NULL arguments, and the order of the checks ---------------------- */

TEST(null_arguments)
{
	aclrtEventRecordedStatus rs;
	aclrtEventWaitStatus ws;
	aclrtEventStatus st;
	aclrtEvent e, dead;
	uint64_t ts;
	float ms;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = new_event(_metadata, 0);
	dead = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(dead));

	/* hicann/runtime event.cpp aclrtDestroyEventImpl, aclrtRecordEventImpl, aclrtResetEventImpl, aclrtSynchronizeEventImpl: event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyEvent(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtRecordEvent(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtResetEvent(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSynchronizeEvent(NULL));
	/* hicann/runtime stream.cpp aclrtStreamWaitEventImpl: event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtStreamWaitEvent(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtStreamWaitEvent((aclrtStream)(uintptr_t)0xdead000, NULL));

	/* hicann/runtime event.cpp aclrtQueryEventImpl, aclrtQueryEventStatusImpl, aclrtQueryEventWaitStatusImpl: event, then status, NULL before the handle check */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEvent(NULL, &st));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEvent(e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEvent(dead, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventStatus(NULL, &rs));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventStatus(e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventStatus(dead, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventWaitStatus(NULL, &ws));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventWaitStatus(e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtQueryEventWaitStatus(dead, NULL));

	/* hicann/runtime event.cpp aclrtSynchronizeEventWithTimeoutImpl: timeout below -1 first, then event NULL */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeEventWithTimeout(NULL, -2));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeEventWithTimeout(NULL, INT32_MIN));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtSynchronizeEventWithTimeout(NULL, -1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtSynchronizeEventWithTimeout(NULL, 0));

	/* hicann/runtime event.cpp aclrtEventElapsedTimeImpl: ms, startEvent, endEvent NULL, in that order */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(NULL, e, e));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(NULL, dead, dead));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(&ms, NULL, e));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(&ms, NULL, dead));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(&ms, e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventElapsedTime(&ms, dead, NULL));

	/* hicann/runtime event.cpp aclrtEventGetTimestampImpl: timestamp NULL, then event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventGetTimestamp(e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventGetTimestamp(dead, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtEventGetTimestamp(NULL, &ts));

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- record, query, synchronise, wait ---------------------------------- */

TEST(record_query_synchronize)
{
	aclrtStream s = NULL;
	aclrtEvent e;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	e = new_event(_metadata, 0);

	/* before a record */
	/* hicann/runtime event.cc Event::Query: only a record still running is not ready */
	expect_query(_metadata, e, ACL_EVENT_STATUS_COMPLETE);
	/* hicann/runtime event.cc Event::QueryEventStatus: no record, RT_EVENT_INIT */
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	/* hicann/runtime event.cc Event::QueryEventWaitStatus: no wait task */
	expect_wait(_metadata, e, ACL_EVENT_WAIT_STATUS_COMPLETE);
	/* hicann/runtime event.cc Event::Synchronize: no record, nothing to wait for */
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, -1));

	/* hicann/runtime api_impl.cc ApiImpl::EventRecord: NULL is the default stream */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s));
	/* aclmem: stream work is done at once, so is the record */
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	expect_query(_metadata, e, ACL_EVENT_STATUS_COMPLETE);
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, -1));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, 1));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, INT32_MAX));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventSynchronize: timeout 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeEventWithTimeout(e, 0));
	/* hicann/runtime event.cpp aclrtSynchronizeEventWithTimeoutImpl: below -1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeEventWithTimeout(e, -2));

	/* hicann/runtime api_impl.cc ApiImpl::StreamWaitEvent: NULL is the default stream */
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(s, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, e));
	/* aclmem: the wait is done too */
	expect_wait(_metadata, e, ACL_EVENT_WAIT_STATUS_COMPLETE);
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Two streams, one waiting for the other's work through an event. */
TEST(stream_waits_for_another)
{
	aclrtStream s1 = NULL, s2 = NULL;
	char src[4096], mid[4096], dst[4096];
	aclrtEvent e;

	memset(src, 0x3c, sizeof(src));
	memset(mid, 0, sizeof(mid));
	memset(dst, 0, sizeof(dst));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s2));
	e = new_event(_metadata, ACL_EVENT_SYNC);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(mid, sizeof(mid), src,
						sizeof(src),
						ACL_MEMCPY_HOST_TO_DEVICE, s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(s2, e));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(dst, sizeof(dst), mid,
						sizeof(mid),
						ACL_MEMCPY_DEVICE_TO_HOST, s2));
	/* the SYNC event's usual cycle: reset on the waiting stream */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetEvent(e, s2));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s2));
	EXPECT_EQ(0, memcmp(src, dst, sizeof(dst)));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s2));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- elapsed time and timestamps ---------------------------------------- */

static float elapsed(struct __test_metadata *_metadata, aclrtEvent a,
		     aclrtEvent b)
{
	float ms = -12345.0f;

	ASSERT_EQ(ACL_SUCCESS, aclrtEventElapsedTime(&ms, a, b));
	return ms;
}

static void check_elapsed(struct __test_metadata *_metadata, aclrtEvent a,
			  aclrtEvent b)
{
	uint64_t ta = 0, tb = 0, before, after;
	float t1, t2;

	before = mono_us();
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(a, NULL));
	after = mono_us();
	sleep_ms(20);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(b, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(b));

	/* hicann/runtime event.cc Event::ElapsedTime: end minus start, in ms */
	t1 = elapsed(_metadata, a, b);
	EXPECT_LE(15.0f, t1) {
		TH_LOG("%.3f ms over a 20 ms sleep", t1);
	}
	/* the other way round: negative */
	EXPECT_GE(-15.0f, elapsed(_metadata, b, a));
	EXPECT_EQ(0.0f, elapsed(_metadata, a, a));

	/* hicann/runtime event.cc Event::GetTimeStamp: microseconds */
	ASSERT_EQ(ACL_SUCCESS, aclrtEventGetTimestamp(a, &ta));
	ASSERT_EQ(ACL_SUCCESS, aclrtEventGetTimestamp(b, &tb));
	EXPECT_LE(15000, tb - ta);
	/* aclmem: on CLOCK_MONOTONIC, taken during the record */
	EXPECT_LE(before, ta);
	EXPECT_GE(after, ta);

	/* a record again takes the time again */
	sleep_ms(20);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(b, NULL));
	t2 = elapsed(_metadata, a, b);
	EXPECT_LE(t1 + 15.0f, t2) {
		TH_LOG("%.3f ms, then %.3f ms", t1, t2);
	}
}

TEST(elapsed_time_default_events)
{
	aclrtEvent a, b;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* hicann/runtime api_c_event.cc rtEventCreate: RT_EVENT_DEFAULT has TIME_LINE */
	a = new_event(_metadata, 0);
	b = new_event(_metadata, 0);
	check_elapsed(_metadata, a, b);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(elapsed_time_time_line_events)
{
	aclrtEvent a = NULL, b = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	a = new_event(_metadata, ACL_EVENT_TIME_LINE);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&b, ACL_EVENT_SYNC |
							  ACL_EVENT_TIME_LINE));
	check_elapsed(_metadata, a, b);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(elapsed_time_errors)
{
	aclrtEvent a, b, untimed, fresh;
	float ms = -1.0f;
	uint64_t ts = 7;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	a = new_event(_metadata, 0);
	b = new_event(_metadata, 0);
	untimed = new_event(_metadata, ACL_EVENT_SYNC);
	fresh = new_event(_metadata, ACL_EVENT_SYNC);

	/* hicann/runtime event.cc Event::ElapsedTime, Event::GetTimeStamp: never recorded (errcode_manage.cc: RT_ERROR_EVENT_RECORDER_NULL is 507000) */
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR, aclrtEventElapsedTime(&ms, a, b));
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR, aclrtEventGetTimestamp(a, &ts));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(a, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR, aclrtEventElapsedTime(&ms, a, b));
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR, aclrtEventElapsedTime(&ms, b, a));
	/* ... before the timestamp check */
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR,
		  aclrtEventElapsedTime(&ms, a, fresh));

	/* hicann/runtime event.cc Event::ElapsedTime, Event::GetTimeStamp: no timestamp without TIME_LINE */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(untimed, NULL));
	EXPECT_EQ(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
		  aclrtEventElapsedTime(&ms, a, untimed));
	EXPECT_EQ(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
		  aclrtEventElapsedTime(&ms, untimed, a));
	EXPECT_EQ(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
		  aclrtEventGetTimestamp(untimed, &ts));
	EXPECT_EQ(-1.0f, ms);
	EXPECT_EQ(7, ts);

	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(b, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtEventElapsedTime(&ms, a, b));
	EXPECT_LE(0.0f, ms);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(untimed));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(fresh));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- reset ------------------------------------------------------------------ */

TEST(reset)
{
	aclrtEvent e, a, plain, dd;
	aclrtStream s = NULL;
	float ms;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	e = new_event(_metadata, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE);
	a = new_event(_metadata, 0);

	/* hicann/runtime api_impl.cc ApiImpl::EventReset: before a record, on either stream */
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(e, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(e, s));

	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(a, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(e, NULL));
	/* hicann/runtime event.cc Event::Reset: the device-side flag only; the last record stays */
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	EXPECT_EQ(ACL_SUCCESS, aclrtEventElapsedTime(&ms, a, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	/* and it records again */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(e, s));

	/* hicann/runtime api_error.cc ApiErrorDecorator::EventReset: RT_EVENT_DEFAULT has DDSYNC, so aclrtCreateEvent's events reset */
	plain = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(plain, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(plain, NULL));
	/* ... as do those with 0x4 (RT_EVENT_DDSYNC) */
	dd = new_event(_metadata, 0x4);
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(dd, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, dd));

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(plain));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(dd));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- what each kind of event refuses ------------------------------------ */

TEST(events_without_sync)
{
	static const uint32_t flags[] = {
		ACL_EVENT_TIME_LINE, ACL_EVENT_CAPTURE_STREAM_PROGRESS,
		ACL_EVENT_TIME_LINE | ACL_EVENT_CAPTURE_STREAM_PROGRESS,
	};
	aclrtEvent e;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (i = 0; i < ACL_ARRAY_SIZE(flags); i++) {
		e = new_event(_metadata, flags[i]);
		ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
		/* hicann/runtime api_error.cc ApiErrorDecorator::EventReset, StreamWaitEvent: IsEventWithoutWaitTask */
		EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			  aclrtResetEvent(e, NULL));
		EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			  aclrtStreamWaitEvent(NULL, e));
		/* hicann/runtime event.cc Event::QueryEventWaitStatus: without wait tasks, complete */
		expect_wait(_metadata, e, ACL_EVENT_WAIT_STATUS_COMPLETE);
		EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(ex_events)
{
	aclrtEventWaitStatus ws;
	aclrtEventStatus st;
	aclrtEvent e = NULL, t = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&e, ACL_EVENT_SYNC));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtCreateEventExWithFlag(&t, ACL_EVENT_TIME_LINE));

	/* hicann/runtime event.cc Event::QueryEventStatus: before a record an Ex event is complete */
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	/* hicann/runtime api_impl_event_common.cc ApiImplEvent::EventQuery, EventQueryWaitStatus: not in the new mode */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtQueryEvent(e, &st));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtQueryEventWaitStatus(e, &ws));
	/* hicann/runtime api_impl.cc ApiImpl::EventReset: not in the new mode */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtResetEvent(e, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventReset: no SYNC, before that */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtResetEvent(t, NULL));

	/* hicann/runtime api_impl.cc ApiImpl::EventRecord, StreamWaitEvent: records and waits like any */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	/* hicann/runtime api_error.cc ApiErrorDecorator::StreamWaitEvent: no SYNC */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtStreamWaitEvent(NULL, t));

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(t));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* aclrtRecordEvent, aclrtResetEvent and aclrtStreamWaitEvent of @e on @s return @code. */
static void expect_on_stream(struct __test_metadata *_metadata, aclrtEvent e,
			     aclrtStream s, aclError code)
{
	EXPECT_EQ(code, aclrtRecordEvent(e, s));
	EXPECT_EQ(code, aclrtResetEvent(e, s));
	EXPECT_EQ(code, aclrtStreamWaitEvent(s, e));
}

/*
 * Every query of @e, its synchronisation and its timing (against @live,
 * recorded) fail with @code, and write nothing.
 */
static void expect_queries_fail(struct __test_metadata *_metadata,
				aclrtEvent e, aclrtEvent live, aclError code)
{
	aclrtEventRecordedStatus rs = (aclrtEventRecordedStatus)SENTINEL;
	aclrtEventWaitStatus ws = (aclrtEventWaitStatus)SENTINEL;
	aclrtEventStatus st = (aclrtEventStatus)SENTINEL;
	uint64_t ts = 7;
	float ms = -1.0f;

	EXPECT_EQ(code, aclrtQueryEvent(e, &st));
	EXPECT_EQ(code, aclrtQueryEventStatus(e, &rs));
	EXPECT_EQ(code, aclrtQueryEventWaitStatus(e, &ws));
	EXPECT_EQ(code, aclrtSynchronizeEvent(e));
	EXPECT_EQ(code, aclrtSynchronizeEventWithTimeout(e, -1));
	EXPECT_EQ(code, aclrtEventElapsedTime(&ms, e, live));
	EXPECT_EQ(code, aclrtEventElapsedTime(&ms, live, e));
	EXPECT_EQ(code, aclrtEventGetTimestamp(e, &ts));
	EXPECT_EQ(SENTINEL, (int)st);
	EXPECT_EQ(SENTINEL, (int)rs);
	EXPECT_EQ(SENTINEL, (int)ws);
	EXPECT_EQ(7, ts);
	EXPECT_EQ(-1.0f, ms);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST(external_events)
{
	aclrtEvent x, a;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	x = new_event(_metadata, ACL_EVENT_EXTERNAL);
	a = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(a, NULL));
	/* hicann/runtime api_impl.cc ApiImpl::EventRecord, EventReset, StreamWaitEvent: an EXTERNAL event is served */
	expect_on_stream(_metadata, x, NULL, ACL_SUCCESS);
	/*
	 * hicann/runtime api_impl_event_common.cc ApiImplEvent::EventQuery,
	 * EventQueryStatus, EventQueryWaitStatus, EventElapsedTime,
	 * EventGetTimeStamp; api_error.cc ApiErrorDecorator::EventSynchronize:
	 * not for an EXTERNAL event
	 */
	expect_queries_fail(_metadata, x, a, ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventSynchronize: after its timeout check */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSynchronizeEventWithTimeout(x, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(x));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(device_use_only_events)
{
	aclrtEvent d, a;
	float ms;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	d = new_event(_metadata, ACL_EVENT_DEVICE_USE_ONLY);
	a = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(a, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventRecord, EventReset, StreamWaitEvent: device-only events */
	expect_on_stream(_metadata, d, NULL, ACL_ERROR_RT_PARAM_INVALID);
	/* hicann/runtime event.cc Event::Query, QueryEventStatus, QueryEventWaitStatus, Synchronize: never recorded */
	expect_query(_metadata, d, ACL_EVENT_STATUS_COMPLETE);
	expect_recorded(_metadata, d, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	expect_wait(_metadata, d, ACL_EVENT_WAIT_STATUS_COMPLETE);
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(d));
	/* hicann/runtime event.cc Event::ElapsedTime: never recorded */
	EXPECT_EQ(ACL_ERROR_RT_INTERNAL_ERROR, aclrtEventElapsedTime(&ms, a, d));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- handles that do not exist ------------------------------------------ */

/* Every call on @e fails the runtime's handle check (107017). */
static void expect_dead_event(struct __test_metadata *_metadata, aclrtEvent e)
{
	aclrtEvent live;

	live = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(live, NULL));
	/*
	 * hicann/runtime api_handle_guard.cc ValidateEventHandleForApi
	 * (runtime_handle_guard.cc ValidateInnerObject), which every event
	 * entry point runs first (api_c.cc rtEventDestroy, rtEventRecord,
	 * rtEventReset, rtEventSynchronize, rtEventSynchronizeWithTimeout,
	 * rtEventQuery, rtEventQueryStatus, rtEventQueryWaitStatus,
	 * rtEventElapsedTime, rtEventGetTimeStamp; api_c_stream.cc
	 * rtStreamWaitEvent): not a live event
	 */
	expect_on_stream(_metadata, e, NULL, ACL_ERROR_RT_INVALID_HANDLE);
	expect_queries_fail(_metadata, e, live, ACL_ERROR_RT_INVALID_HANDLE);
	/* ... before ApiErrorDecorator::EventSynchronize's timeout check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtSynchronizeEventWithTimeout(e, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(live));
}

TEST(destroyed_event)
{
	aclrtEvent e, other;
	aclrtEventRecordedStatus rs;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = new_event(_metadata, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE);
	other = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	/* hicann/runtime api_c.cc rtEventDestroy: destroyed twice */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyEvent(e));
	expect_dead_event(_metadata, e);
	/* the other event is fine */
	EXPECT_EQ(ACL_SUCCESS, aclrtQueryEventStatus(other, &rs));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(other));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(never_created_event)
{
	int local;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	expect_dead_event(_metadata, (aclrtEvent)&local);
	expect_dead_event(_metadata, (aclrtEvent)(uintptr_t)0xdead000);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* The stream's handle check comes before the event's own refusals. */
TEST(dead_stream)
{
	aclrtStream s = NULL;
	aclrtEvent e, d, t;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	e = new_event(_metadata, ACL_EVENT_SYNC);
	d = new_event(_metadata, ACL_EVENT_DEVICE_USE_ONLY);
	t = new_event(_metadata, ACL_EVENT_TIME_LINE);
	/* hicann/runtime api_c.cc rtEventRecord, rtEventReset; api_c_stream.cc rtStreamWaitEvent: not a live stream */
	expect_on_stream(_metadata, e, s, ACL_ERROR_RT_INVALID_HANDLE);
	/* ... before ApiErrorDecorator::EventRecord, EventReset, StreamWaitEvent */
	expect_on_stream(_metadata, d, s, ACL_ERROR_RT_INVALID_HANDLE);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtResetEvent(t, s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtStreamWaitEvent(s, t));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtStreamWaitEvent((aclrtStream)(uintptr_t)0xdead000, e));
	/* the event was not recorded */
	expect_recorded(_metadata, e, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(t));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- contexts -------------------------------------------------------------- */

TEST(stream_of_another_context)
{
	aclrtContext c1 = NULL, c2 = NULL;
	aclrtStream s1 = NULL, s2 = NULL;
	aclrtEvent e, x = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s1));
	e = new_event(_metadata, ACL_EVENT_SYNC);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&x, ACL_EVENT_SYNC));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s2));

	/* hicann/runtime api_impl.cc ApiImpl::EventRecord, EventReset, StreamWaitEvent: the stream is not in the current context */
	expect_on_stream(_metadata, e, s1, ACL_ERROR_RT_STREAM_CONTEXT);
	/* hicann/runtime api_impl.cc ApiImpl::EventReset: the Ex refusal comes first */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtResetEvent(x, s1));
	/* ... the event may be another context's (no check in ApiImpl::EventRecord) */
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s2));
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(s2, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtResetEvent(e, s2));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s1));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtRecordEvent(e, s2));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(x));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s2));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
}

TEST(events_go_with_their_context)
{
	aclrtContext c = NULL;
	aclrtEvent e, kept;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	kept = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 1));
	e = new_event(_metadata, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* aclmem: a destroyed context's events are gone, like its streams */
	expect_dead_event(_metadata, e);
	/* the default context's event is not */
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(kept, NULL));

	/* the last aclrtResetDevice ends the default context, and its events */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	expect_dead_event(_metadata, kept);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- threads ---------------------------------------------------------------- */

struct no_ctx {
	aclrtEvent e, sync_ex, timed_ex;
	aclError create, record, reset, wait, reset_ex, reset_timed_ex;
	aclError query, status, wait_status, sync, elapsed, stamp, destroy;
	aclrtEventRecordedStatus rs;
};

/* A thread without a current context. */
static void *no_context(void *arg)
{
	struct no_ctx *r = arg;
	aclrtEventWaitStatus ws;
	aclrtEventStatus st;
	aclrtEvent e = NULL;
	uint64_t ts;
	float ms;

	r->create = aclrtCreateEvent(&e);
	r->record = aclrtRecordEvent(r->e, NULL);
	r->reset = aclrtResetEvent(r->e, NULL);
	r->wait = aclrtStreamWaitEvent(NULL, r->e);
	r->reset_ex = aclrtResetEvent(r->sync_ex, NULL);
	r->reset_timed_ex = aclrtResetEvent(r->timed_ex, NULL);
	r->query = aclrtQueryEvent(r->e, &st);
	r->status = aclrtQueryEventStatus(r->e, &r->rs);
	r->wait_status = aclrtQueryEventWaitStatus(r->e, &ws);
	r->sync = aclrtSynchronizeEventWithTimeout(r->e, 100);
	r->elapsed = aclrtEventElapsedTime(&ms, r->e, r->e);
	r->stamp = aclrtEventGetTimestamp(r->e, &ts);
	r->destroy = aclrtDestroyEvent(r->e);
	return NULL;
}

TEST(thread_without_context)
{
	struct no_ctx r;
	pthread_t t;

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	r.e = new_event(_metadata, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&r.sync_ex,
							  ACL_EVENT_SYNC));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&r.timed_ex,
							  ACL_EVENT_TIME_LINE));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(r.e, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, no_context, &r));
	ASSERT_EQ(0, pthread_join(t, NULL));

	/* hicann/runtime api_impl.cc ApiImpl::EventCreate, EventRecord, EventReset, StreamWaitEvent: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r.create);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r.record);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r.reset);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r.wait);
	/* hicann/runtime api_impl.cc ApiImpl::EventReset: the context before the Ex refusal */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r.reset_ex);
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventReset: no SYNC, before the context */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, r.reset_timed_ex);
	/* hicann/runtime api_impl_event_common.cc ApiImplEvent::EventQuery ... EventGetTimeStamp, api_impl.cc ApiImpl::EventSynchronize, EventDestroy: no context needed */
	EXPECT_EQ(ACL_SUCCESS, r.query);
	EXPECT_EQ(ACL_SUCCESS, r.status);
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, r.rs);
	EXPECT_EQ(ACL_SUCCESS, r.wait_status);
	EXPECT_EQ(ACL_SUCCESS, r.sync);
	EXPECT_EQ(ACL_SUCCESS, r.elapsed);
	EXPECT_EQ(ACL_SUCCESS, r.stamp);
	EXPECT_EQ(ACL_SUCCESS, r.destroy);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyEvent(r.e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(r.sync_ex));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(r.timed_ex));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

#define CHURN_THREADS	4
#define CHURN_ROUNDS	500

struct churn {
	aclrtContext ctx;
	aclrtEvent shared;
	int failures;
	aclError first_failure;
	int destroyed;		/* of the shared event, by this thread */
};

/* Many threads create, record, time and destroy events at once. */
static void *churn_main(void *arg)
{
	struct churn *c = arg;
	aclrtEvent a, b;
	aclError ret;
	float ms;
	int i;

	ret = aclrtSetCurrentContext(c->ctx);
	for (i = 0; !ret && i < CHURN_ROUNDS; i++) {
		a = b = NULL;
		ret = aclrtCreateEvent(&a);
		if (!ret)
			ret = aclrtCreateEventWithFlag(&b, ACL_EVENT_SYNC |
							   ACL_EVENT_TIME_LINE);
		if (!ret)
			ret = aclrtRecordEvent(a, NULL);
		if (!ret)
			ret = aclrtRecordEvent(c->shared, NULL);
		if (!ret)
			ret = aclrtRecordEvent(b, NULL);
		if (!ret)
			ret = aclrtEventElapsedTime(&ms, a, b);
		if (!ret && ms < 0.0f)
			ret = -1;
		if (!ret)
			ret = aclrtStreamWaitEvent(NULL, b);
		if (!ret)
			ret = aclrtDestroyEvent(a);
		if (!ret)
			ret = aclrtDestroyEvent(b);
	}
	if (ret) {
		c->failures++;
		c->first_failure = ret;
	}
	return NULL;
}

static void *destroy_shared(void *arg)
{
	struct churn *c = arg;

	c->destroyed = aclrtDestroyEvent(c->shared) == ACL_SUCCESS;
	return NULL;
}

TEST(threads)
{
	struct churn c[CHURN_THREADS];
	pthread_t t[CHURN_THREADS];
	aclrtContext ctx = NULL;
	aclrtEvent shared;
	int i, destroyed = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ctx));
	shared = new_event(_metadata, 0);
	memset(c, 0, sizeof(c));
	for (i = 0; i < CHURN_THREADS; i++) {
		c[i].ctx = ctx;
		c[i].shared = shared;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, churn_main, &c[i]));
	}
	for (i = 0; i < CHURN_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, c[i].failures) {
			TH_LOG("thread %d failed with %d", i,
			       c[i].first_failure);
		}
	}
	/* aclmem: of threads destroying one event at once, one does */
	for (i = 0; i < CHURN_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, destroy_shared, &c[i]));
	for (i = 0; i < CHURN_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		destroyed += c[i].destroyed;
	}
	EXPECT_EQ(1, destroyed);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyEvent(shared));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
