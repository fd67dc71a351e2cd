// SPDX-License-Identifier: MIT
/*
 * Host callbacks, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/callback.cpp aclrtSubscribeReportImpl,
 * aclrtLaunchCallbackImpl, aclrtProcessReportImpl,
 * aclrtUnSubscribeReportImpl), the runtime's entry points (api_c.cc
 * rtSubscribeReport ... rtUnSubscribeReport: the handle check, 107017),
 * its checks (api/impl/api_error.cc ApiErrorDecorator::CallbackLaunch,
 * ProcessReport), what it does (api_impl.cc ApiImpl::SubscribeReport,
 * CallbackLaunch, ProcessReport, UnSubscribeReport) and its subscription
 * table (core/src/utils/subscribe.cc CbSubscribe::CheckForInsert, Delete,
 * GetGroupIdByThreadId).
 *
 * A thread subscribes to streams (one thread per stream, one device per
 * thread); aclrtLaunchCallback queues a report for the stream's thread,
 * which runs it in aclrtProcessReport. Reports are kept in issue order and
 * a stream has one thread, so a stream's callbacks run in its order. A
 * BLOCK callback holds back the stream's later work until it has run
 * (stream.c). Thread ids are what pthread_self() returns, as the runtime's
 * PidTidFetcher::GetCurrentUserTid takes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

struct acl_report {
	struct acl_report *next;
	uint64_t thread;
	uint64_t stream;		/* the stream's serial */
	uint32_t epoch;			/* the stream's, when launched */
	bool block;
	aclrtCallback fn;
	void *user_data;
};

/* In issue order, under acl_stream_lock. */
static struct acl_report *reports;

static uint64_t self(void)
{
	return (uint64_t)pthread_self();
}

/*
 * Under the lock: the stream's reports not yet run are forgotten, and
 * whoever waits for its BLOCK callbacks stops waiting.
 */
void acl_reports_drop(struct acl_stream *stream)
{
	struct acl_report **pp, *r;

	for (pp = &reports; (r = *pp);) {
		if (r->stream == stream->serial) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
	stream->blocking = 0;
	stream->epoch++;
	pthread_cond_broadcast(&acl_stream_cond);
}

/* Under the lock: the calling thread's oldest report, taken off. */
static struct acl_report *take_mine(void)
{
	struct acl_report **pp, *r;

	for (pp = &reports; (r = *pp); pp = &r->next) {
		if (r->thread == self()) {
			*pp = r->next;
			return r;
		}
	}
	return NULL;
}

/* Under the lock, dropped while the callback runs. */
static void run(struct acl_report *r)
{
	struct acl_stream *s;

	pthread_mutex_unlock(&acl_stream_lock);
	r->fn(r->user_data);
	pthread_mutex_lock(&acl_stream_lock);
	s = acl_stream_by_serial(r->stream);
	if (r->block && s && s->epoch == r->epoch && s->blocking)
		s->blocking--;
	pthread_cond_broadcast(&acl_stream_cond);
	free(r);
}

/* Under the lock: run the calling thread's reports; whether there were any. */
bool acl_reports_run_mine(void)
{
	struct acl_report *r;
	bool ran = false;

	while ((r = take_mine())) {
		run(r);
		ran = true;
	}
	return ran;
}

/*
 * CbSubscribe::CheckForInsert: a stream with a thread already is 107011,
 * a thread already handling another device's streams 107012.
 */
ACL_API aclError aclrtSubscribeReport(uint64_t threadId, aclrtStream stream)
{
	struct acl_stream *s;
	int32_t device;
	aclError ret;

	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	device = acl_stream_thread_device(threadId);
	if (s->subscribed)
		ret = acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE,
			       "stream %d has a thread already", s->id);
	else if (device >= 0 && device != s->device)
		ret = acl_fail(ACL_ERROR_RT_THREAD_SUBSCRIBE,
			       "thread %llu handles device %d's streams",
			       (unsigned long long)threadId, device);
	else
		s->subscribed = true;
	if (!ret)
		s->thread = threadId;
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

/*
 * CbSubscribe::Delete: a stream without a thread is 107011, one of
 * another thread 107012. Its callbacks not yet run are dropped.
 */
ACL_API aclError aclrtUnSubscribeReport(uint64_t threadId, aclrtStream stream)
{
	struct acl_stream *s;
	aclError ret;

	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	if (!s->subscribed)
		ret = acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE,
			       "stream %d has no thread", s->id);
	else if (s->thread != threadId)
		ret = acl_fail(ACL_ERROR_RT_THREAD_SUBSCRIBE,
			       "stream %d is another thread's", s->id);
	else
		s->subscribed = false;
	if (!ret)
		acl_reports_drop(s);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

/*
 * The acl layer checks blockType (100000); the handle check (107017);
 * ApiErrorDecorator::CallbackLaunch a NULL fn (107000); ApiImpl::
 * CallbackLaunch the current context (107002), the stream's (107003) and
 * a thread subscribed to it (107015).
 */
ACL_API aclError aclrtLaunchCallback(aclrtCallback fn, void *userData,
				     aclrtCallbackBlockType blockType,
				     aclrtStream stream)
{
	struct acl_report *r, **pp;
	struct acl_stream *s;
	uint64_t ctx_id, serial;
	aclError ret;

	if (blockType != ACL_CALLBACK_NO_BLOCK && blockType != ACL_CALLBACK_BLOCK)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"blockType %d: ACL_CALLBACK_BLOCK or ACL_CALLBACK_NO_BLOCK",
				blockType);
	ret = acl_stream_context(stream, NULL);	/* the handle check */
	if (ret)
		return ret;
	if (!fn)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "fn is NULL");
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	s = acl_stream_lock_get(stream, &ret);
	if (!s) {
		free(r);
		return ret;
	}
	ret = acl_stream_in_context(stream, s->ctx_id, ctx_id);
	if (!ret && !s->subscribed)
		ret = acl_fail(ACL_ERROR_RT_STREAM_NO_CB_REG,
			       "stream %d has no thread: call aclrtSubscribeReport",
			       s->id);
	if (!ret) {
		/* a callback comes after the stream's value waits */
		serial = s->serial;
		ret = acl_stream_settle_values(serial);
		s = acl_stream_by_serial(serial);
		if (!ret && (!s || !s->subscribed))
			ret = acl_fail(ACL_ERROR_RT_STREAM_NO_CB_REG,
				       "the stream went, or its thread");
	}
	if (ret) {
		pthread_mutex_unlock(&acl_stream_lock);
		free(r);
		return ret;
	}
	r->thread = s->thread;
	r->stream = s->serial;
	r->epoch = s->epoch;
	r->block = blockType == ACL_CALLBACK_BLOCK;
	r->fn = fn;
	r->user_data = userData;
	for (pp = &reports; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	if (r->block)
		s->blocking++;
	pthread_cond_broadcast(&acl_stream_cond);
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

/*
 * The acl layer refuses a timeout below -1 or of 0 (100000); a thread
 * subscribed to no stream is 107012 (GetGroupIdByThreadId); then the
 * device's default context or else the current one (107002). It waits up
 * to @timeout ms (-1: no limit) for a report, 507012 when none came, and
 * runs every report the thread has.
 */
ACL_API aclError aclrtProcessReport(int32_t timeout)
{
	struct timespec deadline;
	struct acl_report *r;
	int32_t device;
	aclError ret;
	int err = 0;

	if (timeout < -1 || !timeout)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"timeout %d: -1 or more than 0", timeout);
	pthread_mutex_lock(&acl_stream_lock);
	device = acl_stream_thread_device(self());
	pthread_mutex_unlock(&acl_stream_lock);
	if (device < 0)
		return acl_fail(ACL_ERROR_RT_THREAD_SUBSCRIBE,
				"this thread is subscribed to no stream");
	if (!acl_device_has_primary(device)) {
		acl_current_context(&ret);
		if (ret)
			return ret;
	}
	if (timeout > 0)
		deadline = acl_deadline_in(timeout);
	pthread_mutex_lock(&acl_stream_lock);
	while (!(r = take_mine()) && err != ETIMEDOUT) {
		if (timeout > 0)
			err = pthread_cond_timedwait(&acl_stream_cond,
						     &acl_stream_lock, &deadline);
		else
			pthread_cond_wait(&acl_stream_cond, &acl_stream_lock);
	}
	if (r) {
		run(r);
		acl_reports_run_mine();
	}
	pthread_mutex_unlock(&acl_stream_lock);
	if (!r)
		return acl_fail(ACL_ERROR_RT_REPORT_TIMEOUT,
				"no callback to run within %d ms", timeout);
	return ACL_SUCCESS;
}
