// SPDX-License-Identifier: MIT
/*
 * Description: host callbacks (aclrtSubscribeReport, aclrtLaunchCallback,
 * aclrtProcessReport, aclrtUnSubscribeReport). Where CANN defines a code
 * the comment names the hicann/runtime function; "aclmem" marks the
 * library's own behaviour.
 *
 * Launch: a blockType other than BLOCK/NO_BLOCK is 100000 (first), a dead
 * stream 107017, a NULL fn 107000, no context 107002, a stream of another
 * context 107003, a stream without a thread 107015. Subscribe: a dead
 * stream 107017, NULL without a context 107002, a stream with a thread
 * already 107011, a thread already on another device 107012; unsubscribe:
 * a stream without a thread 107011, another thread's 107012. Process:
 * a timeout below -1 or of 0 is 100000, a thread subscribed to nothing
 * 107012, no default context of the device nor a current one 107002,
 * nothing to run within the timeout 507012. Callbacks run on the
 * subscribed thread, in stream order; work issued after a BLOCK callback
 * waits for it, after a NO_BLOCK one does not; a synchronisation waits for
 * BLOCK callbacks; the subscribed thread waiting on its own stream runs
 * them itself; unsubscribing or destroying the context drops the ones not
 * yet run, a plain destroy waits for them.
 */
#include <semaphore.h>

#include "acl_test_utils.h"

static void count_up(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

TEST(launch_checks)
{
	aclrtContext c = NULL;
	aclrtStream s = NULL;
	int n = 0;

	/* callback.cpp aclrtLaunchCallbackImpl: blockType, before anything */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtLaunchCallback(NULL, NULL, (aclrtCallbackBlockType)2,
				      (aclrtStream)(uintptr_t)0xdead0));
	/* rtCallbackLaunch: the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtLaunchCallback(NULL, &n, ACL_CALLBACK_BLOCK,
				      (aclrtStream)(uintptr_t)0xdead0));
	/* ApiErrorDecorator::CallbackLaunch: fn NULL */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtLaunchCallback(NULL, &n, ACL_CALLBACK_BLOCK, NULL));
	/* ApiImpl::CallbackLaunch: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	/* ApiImpl::CallbackLaunch: no thread subscribed (RT_ERROR_STREAM_NO_CB_REG) */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_NO_CB_REG,
		  aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_NO_BLOCK, s));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_NO_CB_REG,
		  aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(777, s));
	/* a stream of another context */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT,
		  aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_NO_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(777, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	EXPECT_EQ(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(subscribe_checks)
{
	aclrtStream s = NULL, t = NULL, u = NULL;
	aclrtContext c1 = NULL;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	/* rtSubscribeReport: the handle check; ApiImpl::SubscribeReport: NULL without a context */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtSubscribeReport(1, (aclrtStream)(uintptr_t)0xdead0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSubscribeReport(1, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtUnSubscribeReport(1, (aclrtStream)(uintptr_t)0xdead0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtUnSubscribeReport(1, NULL));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&t));
	/* CbSubscribe::Delete: a stream without a thread */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SUBSCRIBE, aclrtUnSubscribeReport(1, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(1, s));
	/* CbSubscribe::CheckForInsert: the stream has a thread already, any thread */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SUBSCRIBE, aclrtSubscribeReport(1, s));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SUBSCRIBE, aclrtSubscribeReport(2, s));
	/* one thread, many streams of a device (the default one too) */
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(1, t));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(1, NULL));
	/* ...but not another device's: the thread key does not match */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&u));
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtSubscribeReport(1, u));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(2, u));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* CbSubscribe::Delete: another thread's stream */
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtUnSubscribeReport(2, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(1, s));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SUBSCRIBE, aclrtUnSubscribeReport(1, s));
	/* free again: another thread may take it */
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(2, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(1, t));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(1, NULL));
	/* with device 1's stream gone, thread 2 is on no device: device 0 is fine */
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(2, t));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

TEST(process_report_checks)
{
	aclrtStream s = NULL;
	uint64_t t0, ms;

	/* callback.cpp aclrtProcessReportImpl: the timeout first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtProcessReport(0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtProcessReport(-2));
	/* ApiImpl::ProcessReport, CbSubscribe::GetGroupIdByThreadId: not subscribed */
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtProcessReport(10));
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtProcessReport(-1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)pthread_self(), s));
	/* api_c.cc: RT_ERROR_REPORT_TIMEOUT is ACL_ERROR_RT_REPORT_TIMEOUT */
	t0 = now_ms();
	EXPECT_EQ(ACL_ERROR_RT_REPORT_TIMEOUT, aclrtProcessReport(150));
	ms = now_ms() - t0;
	EXPECT_GE(ms, 140);
	EXPECT_LT(ms, 5000);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)pthread_self(), s));
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtProcessReport(10));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* A thread that runs reports until told to stop (the samples' pattern). */
struct worker {
	pthread_t th;
	aclrtContext ctx;		/* to make current, or NULL */
	volatile int stop;
	aclError last;			/* the last code but timeout, unsubscribed */
	int runs;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	aclError ret;

	if (w->ctx)
		aclrtSetCurrentContext(w->ctx);
	while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
		ret = aclrtProcessReport(20);
		if (ret == ACL_SUCCESS)
			w->runs++;
		else if (ret == ACL_ERROR_RT_THREAD_SUBSCRIBE)
			usleep(1000);	/* not yet, or no longer */
		else if (ret != ACL_ERROR_RT_REPORT_TIMEOUT)
			w->last = ret;
	}
	return NULL;
}

static int worker_start(struct worker *w, aclrtContext ctx)
{
	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	return pthread_create(&w->th, NULL, worker_main, w);
}

static void worker_stop(struct worker *w)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(w->th, NULL);
}

#define NCB 32

/* which callback ran when, and on which thread */
static struct {
	int next;
	int order[NCB + 1];
	pthread_t by[NCB + 1];
	int slot[NCB];
} trace;

static void record(void *arg)
{
	int i = __atomic_fetch_add(&trace.next, 1, __ATOMIC_SEQ_CST);

	trace.order[i] = *(int *)arg;
	trace.by[i] = pthread_self();
}

TEST(callbacks_run_in_order_on_the_subscribed_thread)
{
	struct worker w;
	aclrtStream s = NULL;
	int i;

	memset(&trace, 0, sizeof(trace));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(0, worker_start(&w, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)w.th, s));
	for (i = 0; i < NCB; i++)
		trace.slot[i] = i;
	for (i = 0; i < NCB; i++)
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtLaunchCallback(record, &trace.slot[i],
					      i % 3 ? ACL_CALLBACK_NO_BLOCK :
						      ACL_CALLBACK_BLOCK, s));
	/* the last is BLOCK: synchronising waits for it, so for all */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtLaunchCallback(record, &trace.slot[NCB - 1], ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(NCB + 1, __atomic_load_n(&trace.next, __ATOMIC_SEQ_CST));
	for (i = 0; i < NCB; i++) {
		EXPECT_EQ(i, trace.order[i]);
		EXPECT_TRUE(pthread_equal(w.th, trace.by[i]));
	}
	EXPECT_EQ(NCB - 1, trace.order[NCB]);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)w.th, s));
	worker_stop(&w);
	EXPECT_EQ(ACL_SUCCESS, w.last);
	EXPECT_GE(w.runs, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

struct slow {
	int ran;
	sem_t go;
};

static void slow_block(void *arg)
{
	struct slow *sl = arg;

	usleep(100 * 1000);
	__atomic_store_n(&sl->ran, 1, __ATOMIC_SEQ_CST);
}

static void wait_for_go(void *arg)
{
	struct slow *sl = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	sem_timedwait(&sl->go, &ts);
	__atomic_store_n(&sl->ran, 1, __ATOMIC_SEQ_CST);
}

/* Work after a BLOCK callback waits for it; after a NO_BLOCK one, not. */
TEST(block_holds_back_later_work)
{
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
	aclrtEventRecordedStatus es = ACL_EVENT_RECORDED_STATUS_NOT_READY;
	aclrtStream s = NULL;
	aclrtEvent e = NULL;
	struct worker w;
	struct slow sl;
	char buf[256];

	memset(&sl, 0, sizeof(sl));
	ASSERT_EQ(0, sem_init(&sl.go, 0, 0));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEvent(&e));
	ASSERT_EQ(0, worker_start(&w, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)w.th, s));

	/* aclmem: the memset issued after the BLOCK callback ran after it */
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(slow_block, &sl, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 0x6b, sizeof(buf), s));
	EXPECT_EQ(1, __atomic_load_n(&sl.ran, __ATOMIC_SEQ_CST));
	EXPECT_EQ(0x6b, buf[255]);

	/* a record too */
	sl.ran = 0;
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(slow_block, &sl, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, s));
	EXPECT_EQ(1, __atomic_load_n(&sl.ran, __ATOMIC_SEQ_CST));
	ASSERT_EQ(ACL_SUCCESS, aclrtQueryEventStatus(e, &es));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, es);

	/* a NO_BLOCK callback still waiting does not hold the stream */
	sl.ran = 0;
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(wait_for_go, &sl, ACL_CALLBACK_NO_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 0x2d, sizeof(buf), s));
	EXPECT_EQ(0x2d, buf[0]);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	EXPECT_EQ(0, __atomic_load_n(&sl.ran, __ATOMIC_SEQ_CST));
	ASSERT_EQ(0, sem_post(&sl.go));
	/* a BLOCK one behind it runs after it, and the sync waits for both */
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &sl.ran, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(s, 10000));
	EXPECT_EQ(2, __atomic_load_n(&sl.ran, __ATOMIC_SEQ_CST));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)w.th, s));
	worker_stop(&w);
	EXPECT_EQ(ACL_SUCCESS, w.last);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	sem_destroy(&sl.go);
}

/* aclmem: the subscribed thread runs its own BLOCK callbacks, not deadlock. */
TEST(subscribed_thread_waiting_on_itself)
{
	aclrtStream s = NULL;
	char buf[64];
	int n = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)pthread_self(), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_NO_BLOCK, s));
	EXPECT_EQ(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 1, sizeof(buf), s));
	EXPECT_EQ(2, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	EXPECT_EQ(3, n);
	/* and aclrtProcessReport runs what is queued */
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_NO_BLOCK, s));
	/* the default stream has no thread */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_NO_CB_REG,
		  aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_NO_BLOCK, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtProcessReport(1000));
	EXPECT_EQ(4, n);
	EXPECT_EQ(ACL_ERROR_RT_REPORT_TIMEOUT, aclrtProcessReport(20));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)pthread_self(), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* aclmem: callbacks not yet run go with the subscription or the context. */
TEST(unsubscribe_and_context_drop_pending)
{
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
	aclrtContext c = NULL;
	aclrtStream s = NULL;
	int n = 0;

	acl_stream_blocked(_metadata, &s, 4242, count_up, &n);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport(4242, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(ACL_STREAM_STATUS_COMPLETE, st);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	/* a new thread starts afresh: nothing of the old callback */
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)pthread_self(), s));
	EXPECT_EQ(ACL_ERROR_RT_REPORT_TIMEOUT, aclrtProcessReport(20));
	EXPECT_EQ(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)pthread_self(), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));

	/* a context with a BLOCK callback pending can go */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)pthread_self(), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
	/* and with its stream the subscription */
	EXPECT_EQ(ACL_ERROR_RT_THREAD_SUBSCRIBE, aclrtProcessReport(20));
	EXPECT_EQ(0, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* aclrtDestroyStream lets a BLOCK callback run first; Force does not. */
TEST(destroy_waits_force_drops)
{
	aclrtStream s = NULL;
	struct worker w;
	struct slow sl;
	int n = 0;

	memset(&sl, 0, sizeof(sl));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(0, worker_start(&w, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)w.th, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(slow_block, &sl, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	EXPECT_EQ(1, __atomic_load_n(&sl.ran, __ATOMIC_SEQ_CST));
	worker_stop(&w);

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(99, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStreamForce(s));
	EXPECT_EQ(0, n);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtUnSubscribeReport(99, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/*
 * ApiImpl::ProcessReport: the device's default context, else the
 * thread's current one.
 */
TEST(process_report_needs_a_context)
{
	struct worker w;
	aclrtContext c = NULL;
	aclrtStream s = NULL;
	int n = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	/* a thread with no context, device 0 without its default context */
	ASSERT_EQ(0, worker_start(&w, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)w.th, s));
	usleep(100 * 1000);
	worker_stop(&w);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, w.last);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)w.th, s));
	/* with the context current it runs the callbacks */
	ASSERT_EQ(0, worker_start(&w, c));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport((uint64_t)w.th, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtLaunchCallback(count_up, &n, ACL_CALLBACK_BLOCK, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	EXPECT_EQ(1, n);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnSubscribeReport((uint64_t)w.th, s));
	worker_stop(&w);
	EXPECT_EQ(ACL_SUCCESS, w.last);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

TEST_HARNESS_MAIN
