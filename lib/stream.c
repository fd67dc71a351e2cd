// SPDX-License-Identifier: MIT
/*
 * Streams, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/stream.cpp aclrtCreateStreamImpl,
 * aclrtCreateStreamWithConfigImpl, aclrtSynchronizeStreamWithTimeoutImpl,
 * aclrtStreamQueryImpl, aclrtStreamGetPriorityImpl, aclrtStreamGetFlagsImpl,
 * aclrtSetStreamFailureModeImpl, aclrtStreamAbortImpl, aclrtStreamGetIdImpl;
 * context.cpp aclrtCtxGetCurrentDefaultStreamImpl), the runtime's entry
 * points (src/runtime/api/api_c_stream.cc: the handle check, 107017), its
 * checks (api/impl/api_error.cc ApiErrorDecorator::StreamCreate,
 * CheckStreamFlags, StreamSynchronize, StreamQuery, StreamSetMode,
 * StreamAbort) and what it does (api_impl.cc ApiImpl::StreamSynchronize,
 * StreamQuery, StreamGetPriority, StreamGetFlags, GetStreamId,
 * StreamSetMode, StreamAbort, CtxGetCurrentDefaultStream).
 *
 * Work on a stream runs in the order it was issued; this host
 * implementation runs it before the issuing call returns. Two kinds of
 * work wait instead: host callbacks (callback.c), run on the stream's
 * subscribed thread, of which a BLOCK one holds back the stream's later
 * work, its synchronisation and its query until it has run; and value
 * waits (stream_value.c), which hold them back until the memory they
 * watch meets their condition.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

/* RT_STREAM_GREATEST_PRIORITY, RT_STREAM_LEAST_PRIORITY (base_info.hpp) */
#define PRIORITY_GREATEST	0
#define PRIORITY_LEAST		7

/* Streams the runtime's synchronise and query return at once for. */
#define STREAM_NO_SYNC	(ACL_STREAM_PERSISTENT | ACL_STREAM_DEVICE_USE_ONLY)

pthread_mutex_t acl_stream_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t acl_stream_cond = PTHREAD_COND_INITIALIZER;
static struct acl_stream *streams;
static uint64_t next_serial = 1;
static int32_t next_id;

/* Under the lock. */
static struct acl_stream *stream_find(const void *p)
{
	struct acl_stream *s;

	for (s = streams; s; s = s->next)
		if (s == p)
			return s;
	return NULL;
}

struct acl_stream *acl_stream_by_serial(uint64_t serial)
{
	struct acl_stream *s;

	for (s = streams; s; s = s->next)
		if (s->serial == serial)
			return s;
	return NULL;
}

/* Under the lock: the device a thread has subscribed streams on, or -1. */
int32_t acl_stream_thread_device(uint64_t thread)
{
	struct acl_stream *s;

	for (s = streams; s; s = s->next)
		if (s->subscribed && s->thread == thread)
			return s->device;
	return -1;
}

/* Under the lock: the work still queued on the stream is dropped. */
static void stream_drop_work(struct acl_stream *s)
{
	acl_reports_drop(s);
	acl_value_waits_drop(s);
}

/* Under the lock: out of the table, its work dropped, freed. */
static void stream_free(struct acl_stream *stream)
{
	struct acl_stream **pp;

	for (pp = &streams; *pp; pp = &(*pp)->next) {
		if (*pp == stream) {
			*pp = stream->next;
			break;
		}
	}
	stream_drop_work(stream);
	free(stream);
}

/* Under the lock. */
static struct acl_stream *stream_new(uint64_t ctx_id, int32_t device,
				     uint32_t priority, uint32_t flags,
				     bool is_default)
{
	struct acl_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->serial = next_serial++;
	s->ctx_id = ctx_id;
	s->device = device;
	s->id = next_id++;
	s->priority = priority;
	s->flags = flags;
	s->is_default = is_default;
	s->next = streams;
	streams = s;
	return s;
}

/* A context is going: so are its streams. */
void acl_streams_drop_context(uint64_t ctx_id)
{
	struct acl_stream *s, *next;

	pthread_mutex_lock(&acl_stream_lock);
	for (s = streams; s; s = next) {
		next = s->next;
		if (s->ctx_id == ctx_id)
			stream_free(s);
	}
	pthread_mutex_unlock(&acl_stream_lock);
}

/* Under the lock: the context's default stream, made on first use. */
static struct acl_stream *default_stream(uint64_t ctx_id, int32_t device)
{
	struct acl_stream *s;

	for (s = streams; s; s = s->next)
		if (s->is_default && s->ctx_id == ctx_id)
			return s;
	return stream_new(ctx_id, device, PRIORITY_GREATEST, 0, true);
}

/*
 * The stream @stream names, NULL being the current context's default
 * stream (107002 without one); with the lock held, or NULL and 107017 for
 * one that does not exist (the runtime's handle check,
 * runtime_handle_guard.cc ValidateInnerObject).
 */
struct acl_stream *acl_stream_lock_get(aclrtStream stream, aclError *ret)
{
	struct acl_stream *s;
	uint64_t ctx_id = 0;
	int32_t device = 0;

	if (!stream) {
		ctx_id = acl_current_context_device(&device, ret);
		if (*ret)
			return NULL;
	}
	pthread_mutex_lock(&acl_stream_lock);
	s = stream ? stream_find(stream) : default_stream(ctx_id, device);
	if (s) {
		*ret = ACL_SUCCESS;
		return s;
	}
	pthread_mutex_unlock(&acl_stream_lock);
	*ret = stream ? acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				 "%p is not a stream", stream) :
			acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				 "out of host memory");
	return NULL;
}

/* The CLOCK_REALTIME time @timeout ms (> 0) from now. */
struct timespec acl_deadline_in(int32_t timeout)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout / 1000;
	ts.tv_nsec += (long)(timeout % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Under the lock: whether work queued on the stream is still to finish. */
static bool stream_busy(struct acl_stream *s, bool callbacks)
{
	return (callbacks && s->blocking) || acl_value_waits_pending(s);
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Under the lock: until the stream's value waits are met and, with
 * @callbacks, its BLOCK callbacks have run, or it is gone. Its subscribed
 * thread runs its reports itself rather than wait on itself; value waits
 * are polled each millisecond (a store to memory wakes nobody). 507046
 * when @deadline (NULL: none) passes first.
 */
static aclError stream_wait_for(uint64_t serial, const struct timespec *deadline,
				bool callbacks)
{
	const struct timespec *until;
	struct timespec poll;
	struct acl_stream *s;
	int err;

	while ((s = acl_stream_by_serial(serial)) && stream_busy(s, callbacks)) {
		if (callbacks && s->blocking && s->subscribed &&
		    s->thread == (uint64_t)pthread_self() &&
		    acl_reports_run_mine())
			continue;
		until = deadline;
		if (s->value_waits) {
			poll = acl_deadline_in(1);
			if (!deadline || before(&poll, deadline))
				until = &poll;
		}
		if (!until) {
			pthread_cond_wait(&acl_stream_cond, &acl_stream_lock);
			continue;
		}
		err = pthread_cond_timedwait(&acl_stream_cond, &acl_stream_lock,
					     until);
		s = acl_stream_by_serial(serial);
		if (err == ETIMEDOUT && until == deadline && s &&
		    stream_busy(s, callbacks))
			return acl_fail(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT,
					"stream %d: its work is still to finish",
					s->id);
	}
	return ACL_SUCCESS;
}

static aclError stream_wait(uint64_t serial, const struct timespec *deadline)
{
	return stream_wait_for(serial, deadline, true);
}

/* Under the lock: until the stream's value waits are met (no deadline). */
aclError acl_stream_settle_values(uint64_t serial)
{
	return stream_wait_for(serial, NULL, false);
}

/*
 * Work issued on @stream from now on comes after what was queued before:
 * wait for its BLOCK callbacks. NULL is the current context's default
 * stream (107002 without one); a stream that does not exist is 107017.
 */
aclError acl_stream_check(aclrtStream stream)
{
	struct acl_stream *s;
	aclError ret;

	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	ret = stream_wait(s->serial, NULL);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

/*
 * The runtime's handle check: 107017 for a stream that does not exist.
 * With @ctx_id (may be NULL), the context the stream belongs to, 0 for
 * NULL (whose context is the caller's to check).
 */
aclError acl_stream_context(aclrtStream stream, uint64_t *ctx_id)
{
	struct acl_stream *s;

	if (ctx_id)
		*ctx_id = 0;
	if (!stream)
		return ACL_SUCCESS;
	pthread_mutex_lock(&acl_stream_lock);
	s = stream_find(stream);
	if (s && ctx_id)
		*ctx_id = s->ctx_id;
	pthread_mutex_unlock(&acl_stream_lock);
	if (!s)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a stream", stream);
	return ACL_SUCCESS;
}

/*
 * ApiImpl's check that a stream given (not NULL: that is the current
 * context's default stream) belongs to the current context: 107003 when
 * @stream_ctx, its context, is not @ctx_id.
 */
aclError acl_stream_in_context(aclrtStream stream, uint64_t stream_ctx,
			       uint64_t ctx_id)
{
	if (stream && stream_ctx != ctx_id)
		return acl_fail(ACL_ERROR_RT_STREAM_CONTEXT,
				"stream %p is not in the current context", stream);
	return ACL_SUCCESS;
}

/*
 * Runtime::GetCurStream: @stream, or without it the current context's
 * default stream; none is 107000. Returns it with the lock held.
 */
struct acl_stream *acl_cur_stream_lock_get(aclrtStream stream, aclError *ret)
{
	struct acl_stream *s = acl_stream_lock_get(stream, ret);

	if (!s && !stream)
		*ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"no current context, so no default stream");
	return s;
}

/*
 * Context::Synchronize: every stream of the current context (107002
 * without one), within @timeout ms (-1: no limit), else 507046.
 */
aclError acl_context_sync(int32_t timeout)
{
	struct timespec deadline;
	struct acl_stream *s;
	uint64_t ctx_id;
	aclError ret;

	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	if (timeout > 0)
		deadline = acl_deadline_in(timeout);
	pthread_mutex_lock(&acl_stream_lock);
	do {
		for (s = streams; s; s = s->next)
			if (s->ctx_id == ctx_id && stream_busy(s, true))
				break;
		if (s)
			ret = stream_wait(s->serial,
					  timeout > 0 ? &deadline : NULL);
	} while (s && !ret);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

/* ApiErrorDecorator::StreamCreate, CheckStreamFlags; ApiImpl::StreamCreate */
aclError acl_stream_create(aclrtStream *stream, int64_t priority,
			   uint32_t flags)
{
	struct acl_stream *s;
	uint64_t ctx_id;
	int32_t device;
	aclError ret;

	/* RT_STREAM_CP_PROCESS_USE goes with nothing but RT_STREAM_ACSQ_LOCK */
	if ((flags & ACL_STREAM_DEVICE_USE_ONLY) &&
	    flags != ACL_STREAM_DEVICE_USE_ONLY)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag 0x%x: ACL_STREAM_DEVICE_USE_ONLY stands alone",
				flags);
	/* out of range is brought into it, not refused */
	if (priority < PRIORITY_GREATEST)
		priority = PRIORITY_GREATEST;
	if (priority > PRIORITY_LEAST)
		priority = PRIORITY_LEAST;
	ctx_id = acl_current_context_device(&device, &ret);
	if (ret)
		return ret;
	pthread_mutex_lock(&acl_stream_lock);
	s = stream_new(ctx_id, device, (uint32_t)priority, flags, false);
	pthread_mutex_unlock(&acl_stream_lock);
	if (!s)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	*stream = s;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtCreateStream(aclrtStream *stream)
{
	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	return acl_stream_create(stream, 0, 0);
}

ACL_API aclError aclrtCreateStreamWithConfig(aclrtStream *stream,
					     uint32_t priority, uint32_t flag)
{
	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	/* the acl layer passes the flags it knows and drops the rest; the
	 * priority reaches the runtime as an int32_t */
	return acl_stream_create(stream, (int32_t)priority,
				 flag & ACL_STREAM_FLAGS);
}

static aclError stream_destroy(aclrtStream stream, bool force)
{
	struct acl_stream *s;
	uint64_t serial;
	aclError ret;

	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	if (s->is_default) {
		pthread_mutex_unlock(&acl_stream_lock);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is a default stream: it goes with its context",
				stream);
	}
	/* a plain destroy lets the stream's work finish first */
	serial = s->serial;
	if (!force)
		ret = stream_wait(serial, NULL);
	s = acl_stream_by_serial(serial);
	if (s)
		stream_free(s);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

ACL_API aclError aclrtDestroyStream(aclrtStream stream)
{
	return stream_destroy(stream, false);
}

ACL_API aclError aclrtDestroyStreamForce(aclrtStream stream)
{
	return stream_destroy(stream, true);
}

/*
 * The handle check (107017) of a stream given, and whether it is one the
 * runtime's synchronise and query return at once for; NULL, the default
 * stream, is not.
 */
static aclError stream_no_sync(aclrtStream stream, bool *at_once)
{
	struct acl_stream *s;
	aclError ret;

	*at_once = false;
	if (!stream)
		return ACL_SUCCESS;
	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	*at_once = s->flags & STREAM_NO_SYNC;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

/*
 * rtStreamSynchronizeWithTimeout: the handle check (107017),
 * ApiErrorDecorator::StreamSynchronize (a timeout of 0: 107000;
 * PERSISTENT and DEVICE_USE_ONLY streams return at once), then
 * ApiImpl::StreamSynchronize wants a current context (107002).
 */
static aclError stream_sync(aclrtStream stream, int32_t timeout)
{
	struct timespec deadline;
	struct acl_stream *s;
	uint64_t serial;
	bool at_once;
	aclError ret;

	ret = stream_no_sync(stream, &at_once);
	if (ret)
		return ret;
	if (!timeout)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout 0: -1 or more than 0");
	if (at_once)
		return ACL_SUCCESS;
	if (stream) {
		acl_current_context(&ret);
		if (ret)
			return ret;
	}
	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	serial = s->serial;
	if (timeout > 0)
		deadline = acl_deadline_in(timeout);
	ret = stream_wait(serial, timeout > 0 ? &deadline : NULL);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

ACL_API aclError aclrtSynchronizeStream(aclrtStream stream)
{
	return stream_sync(stream, -1);
}

ACL_API aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream,
						   int32_t timeout)
{
	/* the acl layer's own check, before the runtime's */
	if (timeout < -1)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout %d: -1 or more", timeout);
	return stream_sync(stream, timeout);
}

/*
 * What the getters and the query do first: the handle check (107017),
 * then ApiImpl's current context (107002), NULL being its default stream.
 * Returns with the lock held.
 */
static struct acl_stream *stream_in_context(aclrtStream stream, aclError *ret)
{
	if (stream) {
		*ret = acl_stream_context(stream, NULL);
		if (*ret)
			return NULL;
		acl_current_context(ret);
		if (*ret)
			return NULL;
	}
	return acl_stream_lock_get(stream, ret);
}

ACL_API aclError aclrtStreamQuery(aclrtStream stream, aclrtStreamStatus *status)
{
	struct acl_stream *s;
	bool at_once;
	aclError ret;

	if (!status)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "status is NULL");
	ret = stream_no_sync(stream, &at_once);
	if (ret)
		return ret;
	/* ApiErrorDecorator::StreamQuery: these are always done */
	if (at_once) {
		*status = ACL_STREAM_STATUS_COMPLETE;
		return ACL_SUCCESS;
	}
	s = stream_in_context(stream, &ret);
	if (!s)
		return ret;
	/* only a BLOCK callback still to run or a value wait not yet met
	 * keep a stream busy */
	*status = stream_busy(s, true) ? ACL_STREAM_STATUS_NOT_READY :
					 ACL_STREAM_STATUS_COMPLETE;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

enum stream_field { FIELD_PRIORITY, FIELD_FLAGS, FIELD_ID };

/*
 * The getters: a NULL output is 100000, then stream_in_context(), but
 * ApiImpl::GetStreamId wants a current context only for NULL.
 */
static aclError stream_get(aclrtStream stream, void *out, const char *name,
			   enum stream_field field)
{
	struct acl_stream *s;
	aclError ret;

	if (!out)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "%s is NULL", name);
	s = field == FIELD_ID ? acl_stream_lock_get(stream, &ret) :
				stream_in_context(stream, &ret);
	if (!s)
		return ret;
	if (field == FIELD_PRIORITY)
		*(uint32_t *)out = s->priority;
	else if (field == FIELD_FLAGS)
		*(uint32_t *)out = s->flags;
	else
		*(int32_t *)out = s->id;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtStreamGetPriority(aclrtStream stream, uint32_t *priority)
{
	return stream_get(stream, priority, "priority", FIELD_PRIORITY);
}

ACL_API aclError aclrtStreamGetFlags(aclrtStream stream, uint32_t *flags)
{
	return stream_get(stream, flags, "flags", FIELD_FLAGS);
}

ACL_API aclError aclrtStreamGetId(aclrtStream stream, int32_t *streamId)
{
	return stream_get(stream, streamId, "streamId", FIELD_ID);
}

/*
 * What setting the failure mode and aborting check first, as on A2/A3:
 * the handle check (107017); ApiErrorDecorator's GetCurStream, for which
 * NULL is the default stream (RT_FEATURE_DEVICE_CTRL_SQ), and without a
 * current context there is none (107000); a stream with a flag of
 * @refuse (207000); then ApiImpl's current context (107002), given in
 * @ctx_id. Returns with the lock held.
 */
static struct acl_stream *stream_to_control(aclrtStream stream,
					    uint32_t refuse, uint64_t *ctx_id,
					    aclError *ret)
{
	struct acl_stream *s;
	uint32_t flags;

	s = acl_cur_stream_lock_get(stream, ret);
	if (!s)
		return NULL;
	flags = s->flags;
	pthread_mutex_unlock(&acl_stream_lock);
	if (flags & refuse) {
		*ret = acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"not for an ACL_STREAM_DEVICE_USE_ONLY stream");
		return NULL;
	}
	*ctx_id = acl_current_context(ret);
	if (*ret)
		return NULL;
	return acl_stream_lock_get(stream, ret);
}

/*
 * rtStreamSetMode, ApiErrorDecorator::StreamSetMode and
 * ApiImpl::StreamSetMode: stream_to_control() refusing a DEVICE_USE_ONLY
 * (coprocessor) stream; the same mode again succeeds; STOP back to
 * CONTINUE is 207000; a stream of another context 107003. Only bit 0 of
 * the mode counts.
 */
ACL_API aclError aclrtSetStreamFailureMode(aclrtStream stream, uint64_t mode)
{
	struct acl_stream *s;
	uint64_t ctx_id;
	aclError ret;

	s = stream_to_control(stream, ACL_STREAM_DEVICE_USE_ONLY, &ctx_id, &ret);
	if (!s)
		return ret;
	mode &= ACL_STOP_ON_FAILURE;
	if (s->failure_mode == mode)
		ret = ACL_SUCCESS;
	else if (s->failure_mode == ACL_STOP_ON_FAILURE)
		ret = acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			       "a stream stopping on failure cannot go back to continuing");
	else
		ret = acl_stream_in_context(stream, s->ctx_id, ctx_id);
	if (!ret)
		s->failure_mode = mode;
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

/*
 * rtStreamAbort, ApiErrorDecorator::StreamAbort, ApiImpl::StreamAbort:
 * stream_to_control(), then a stream of another context is 107003. The
 * stream's work not yet done is dropped: here its callbacks still to run
 * and its value waits.
 */
ACL_API aclError aclrtStreamAbort(aclrtStream stream)
{
	struct acl_stream *s;
	uint64_t ctx_id;
	aclError ret;

	s = stream_to_control(stream, 0, &ctx_id, &ret);
	if (!s)
		return ret;
	ret = acl_stream_in_context(stream, s->ctx_id, ctx_id);
	if (!ret)
		stream_drop_work(s);
	pthread_mutex_unlock(&acl_stream_lock);
	return ret;
}

ACL_API aclError aclrtCtxGetCurrentDefaultStream(aclrtStream *stream)
{
	struct acl_stream *s;
	aclError ret;

	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	s = acl_stream_lock_get(NULL, &ret);
	if (!s)
		return ret;
	*stream = s;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}
