// SPDX-License-Identifier: MIT
/*
 * Events, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/event.cpp aclrtCreateEventImpl,
 * aclrtCreateEventWithFlagImpl, aclrtCreateEventExWithFlagImpl,
 * aclrtDestroyEventImpl, aclrtRecordEventImpl, aclrtResetEventImpl,
 * aclrtQueryEventImpl, aclrtQueryEventStatusImpl,
 * aclrtQueryEventWaitStatusImpl, aclrtSynchronizeEventImpl,
 * aclrtSynchronizeEventWithTimeoutImpl, aclrtEventElapsedTimeImpl,
 * aclrtEventGetTimestampImpl; stream.cpp aclrtStreamWaitEventImpl), the
 * runtime's entry points (src/runtime/api/api_c.cc rtEventCreateWithFlag
 * ... rtEventGetTimeStamp, api_c_stream.cc rtStreamWaitEvent: the handle
 * check, 107017), its checks (api/impl/api_error.cc
 * ApiErrorDecorator::EventCreate, EventCreateEx, EventRecord, EventReset,
 * EventSynchronize, StreamWaitEvent; api_impl_event_common.cc
 * ApiImplEvent::EventQuery ... EventGetTimeStamp) and what it does
 * (api_impl.cc ApiImpl::EventCreate, EventRecord, EventReset,
 * StreamWaitEvent; core/src/event/event.cc Event::Query,
 * QueryEventStatus, Synchronize, ElapsedTime, GetTimeStamp): the same
 * checks, in the same order, with the same codes.
 *
 * Stream work is done before the call that queued it returns (stream.c),
 * so a record completes at once and takes the time then, from
 * CLOCK_MONOTONIC; nothing is ever pending to wait for. Events live in a
 * table of their own, so that a destroyed or made-up handle is found
 * missing (107017) rather than dereferenced; they go with their context.
 * An IPC event keeps its records in a page other processes map too
 * (ipc_event.c); ApiErrorDecorator refuses it what it refuses (207000).
 */
#include <stdlib.h>
#include <time.h>

#include "internal.h"

/* The runtime's flag bits (runtime/event.h RT_EVENT_*) without an acl name. */
#define EVENT_DDSYNC	0x04U
#define EVENT_DEFAULT	(EVENT_DDSYNC | ACL_EVENT_TIME_LINE | \
			 ACL_EVENT_CAPTURE_STREAM_PROGRESS)
/* What ApiErrorDecorator::EventCreate and EventCreateEx accept. */
#define EVENT_FLAGS	(ACL_EVENT_SYNC | ACL_EVENT_CAPTURE_STREAM_PROGRESS | \
			 EVENT_DDSYNC | ACL_EVENT_TIME_LINE | \
			 ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_EXTERNAL)
#define EVENT_FLAGS_EX	(ACL_EVENT_SYNC | ACL_EVENT_CAPTURE_STREAM_PROGRESS | \
			 EVENT_DDSYNC | ACL_EVENT_TIME_LINE | ACL_EVENT_IPC)
/* Event::IsEventWithoutWaitTask: no bit of these, nothing to wait for. */
#define EVENT_WAITABLE	(EVENT_DDSYNC | ACL_EVENT_SYNC | ACL_EVENT_EXTERNAL | \
			 ACL_EVENT_IPC)

#define EVENT_BUCKETS	256

struct acl_event {
	struct acl_event *next;		/* in its bucket */
	uint64_t ctx_id;
	uint32_t flag;
	bool ex;			/* aclrtCreateEventExWithFlag ("new mode") */
	bool recorded;
	uint64_t ns;			/* CLOCK_MONOTONIC at the last record */
	struct acl_ipc_event *ipc;	/* an IPC event's shared state */
};

static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static struct acl_event *events[EVENT_BUCKETS];

static struct acl_event **event_bucket(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	return &events[(v >> 4 ^ v >> 12) % EVENT_BUCKETS];
}

/* Under event_lock: the link that points to @p's event, or NULL. */
static struct acl_event **event_link(const void *p)
{
	struct acl_event **pp;

	for (pp = event_bucket(p); *pp; pp = &(*pp)->next)
		if (*pp == p)
			return pp;
	return NULL;
}

static aclError not_an_event(const void *p)
{
	return acl_fail(ACL_ERROR_RT_INVALID_HANDLE, "%p is not an event", p);
}

/* A copy of a live event (the runtime's handle check), or 107017. */
static aclError event_get(aclrtEvent event, struct acl_event *copy)
{
	struct acl_event **pp;

	pthread_mutex_lock(&event_lock);
	pp = event_link(event);
	if (pp)
		*copy = **pp;
	pthread_mutex_unlock(&event_lock);
	return pp ? ACL_SUCCESS : not_an_event(event);
}

void acl_events_drop_context(uint64_t ctx_id)
{
	struct acl_event **pp, *e;
	size_t i;

	pthread_mutex_lock(&event_lock);
	for (i = 0; i < EVENT_BUCKETS; i++) {
		for (pp = &events[i]; (e = *pp);) {
			if (e->ctx_id == ctx_id) {
				*pp = e->next;
				if (e->ipc)
					acl_ipc_event_put(e->ipc);
				free(e);
			} else {
				pp = &e->next;
			}
		}
	}
	pthread_mutex_unlock(&event_lock);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Whether a flag stays clear of a bit that must stand alone. */
static bool alone_ok(uint32_t flag, uint32_t bit)
{
	return !(flag & bit) || flag == bit;
}

/*
 * ApiImpl::EventCreate, EventCreateEx: in the current context (107002); an
 * IPC event sets up its shared state (IpcEvent::Setup) unless it brings it.
 */
static aclError event_create(aclrtEvent *event, uint32_t flag, bool ex,
			     struct acl_ipc_event *ipc)
{
	struct acl_event *e, **bucket;
	uint64_t ctx_id;
	aclError ret;

	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	e = calloc(1, sizeof(*e));
	if (!e)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	e->ctx_id = ctx_id;
	e->flag = flag;
	e->ex = ex;
	e->ipc = ipc;
	if (flag == ACL_EVENT_IPC && !ipc) {
		ret = acl_ipc_event_new(&e->ipc);
		if (ret) {
			free(e);
			return ret;
		}
	}
	pthread_mutex_lock(&event_lock);
	bucket = event_bucket(e);
	e->next = *bucket;
	*bucket = e;
	pthread_mutex_unlock(&event_lock);
	*event = e;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtCreateEvent(aclrtEvent *event)
{
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	/* rtEventCreate: rtEventCreateWithFlag(RT_EVENT_DEFAULT) */
	return event_create(event, EVENT_DEFAULT, false, NULL);
}

ACL_API aclError aclrtCreateEventWithFlag(aclrtEvent *event, uint32_t flag)
{
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	if (!(flag & EVENT_FLAGS) || flag > EVENT_FLAGS ||
	    !alone_ok(flag, ACL_EVENT_DEVICE_USE_ONLY) ||
	    !alone_ok(flag, ACL_EVENT_EXTERNAL))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag 0x%x: an OR of SYNC, CAPTURE_STREAM_PROGRESS, 0x4 and TIME_LINE, or DEVICE_USE_ONLY or EXTERNAL alone",
				flag);
	return event_create(event, flag, false, NULL);
}

ACL_API aclError aclrtCreateEventExWithFlag(aclrtEvent *event, uint32_t flag)
{
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	if (!alone_ok(flag, ACL_EVENT_DEVICE_USE_ONLY) ||
	    !alone_ok(flag, ACL_EVENT_EXTERNAL) || !alone_ok(flag, ACL_EVENT_IPC))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag 0x%x: DEVICE_USE_ONLY, EXTERNAL and IPC stand alone",
				flag);
	if (!(flag & EVENT_FLAGS_EX) || flag > EVENT_FLAGS_EX)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag 0x%x: an OR of SYNC, CAPTURE_STREAM_PROGRESS, 0x4 and TIME_LINE, or IPC alone",
				flag);
	return event_create(event, flag, true, NULL);
}

/* An event of aclrtIpcOpenEventHandle, which takes @ipc's reference. */
aclError acl_event_adopt_ipc(aclrtEvent *event, struct acl_ipc_event *ipc)
{
	return event_create(event, ACL_EVENT_IPC, true, ipc);
}

/* @event's IPC state, held: 107017 for no event, 107000 for another kind. */
aclError acl_event_ipc(aclrtEvent event, struct acl_ipc_event **ipc)
{
	struct acl_event **pp;

	pthread_mutex_lock(&event_lock);
	pp = event_link(event);
	*ipc = pp ? (*pp)->ipc : NULL;
	if (*ipc)
		acl_ipc_event_hold(*ipc);
	pthread_mutex_unlock(&event_lock);
	if (!pp)
		return not_an_event(event);
	if (!*ipc)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"event %p was not created with ACL_EVENT_IPC",
				event);
	return ACL_SUCCESS;
}

/* Synchronise with an IPC event's last record, if @e is one. */
static aclError ipc_sync(aclrtEvent event, const struct acl_event *e,
			 int32_t timeout)
{
	struct acl_ipc_event *ipc;
	aclError ret;

	if (!e->ipc)
		return ACL_SUCCESS;
	ret = acl_event_ipc(event, &ipc);
	if (ret)
		return ret;
	ret = acl_ipc_event_sync(ipc, timeout);
	acl_ipc_event_put(ipc);
	return ret;
}

ACL_API aclError aclrtDestroyEvent(aclrtEvent event)
{
	struct acl_event **pp, *e = NULL;

	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	pthread_mutex_lock(&event_lock);
	pp = event_link(event);
	if (pp) {
		e = *pp;
		*pp = e->next;
	}
	pthread_mutex_unlock(&event_lock);
	if (!e)
		return not_an_event(event);
	if (e->ipc)
		acl_ipc_event_put(e->ipc);
	free(e);
	return ACL_SUCCESS;
}

enum event_op { EVENT_RECORD, EVENT_RESET, EVENT_WAIT };

/*
 * What record, reset and wait check: the event and the stream pass the
 * handle check (107017; rtStreamWaitEvent checks the stream first), a
 * device-only event is refused (107000), reset and wait want one with a
 * wait task (SYNC, 207000); then ApiImpl wants a current context (107002)
 * and a stream of it (107003), NULL being its default stream, and
 * between the two EventReset refuses an Ex event (207000).
 */
static aclError event_on_stream(enum event_op op, aclrtEvent event,
				aclrtStream stream)
{
	uint64_t stream_ctx, ctx_id;
	struct acl_event e;
	aclError ret;

	if (op == EVENT_WAIT) {
		ret = acl_stream_context(stream, &stream_ctx);
		if (!ret)
			ret = event_get(event, &e);
	} else {
		ret = event_get(event, &e);
		if (!ret)
			ret = acl_stream_context(stream, &stream_ctx);
	}
	if (ret)
		return ret;
	if (e.flag & ACL_EVENT_DEVICE_USE_ONLY)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"a DEVICE_USE_ONLY event is for the device alone");
	if (op == EVENT_RESET && e.flag == ACL_EVENT_IPC)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"an IPC event cannot be reset");
	if (op != EVENT_RECORD && !(e.flag & EVENT_WAITABLE))
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"event flag 0x%x has no SYNC: nothing to wait for or reset",
				e.flag);
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	if (op == EVENT_RESET && e.ex)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"an event of aclrtCreateEventExWithFlag cannot be reset");
	return acl_stream_in_context(stream, stream_ctx, ctx_id);
}

ACL_API aclError aclrtRecordEvent(aclrtEvent event, aclrtStream stream)
{
	struct acl_ipc_event *ipc = NULL;
	struct acl_event **pp, e;
	uint32_t seq = 0;
	aclError ret;

	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = event_on_stream(EVENT_RECORD, event, stream);
	/* other processes see an IPC record pending while the stream is busy */
	if (!ret && !event_get(event, &e) && e.ipc && !acl_event_ipc(event, &ipc))
		seq = acl_ipc_event_issue(ipc);
	if (!ret)
		ret = acl_stream_check(stream);	/* after its BLOCK callbacks */
	if (ipc) {
		acl_ipc_event_complete(ipc, seq);
		acl_ipc_event_put(ipc);
	}
	if (ret)
		return ret;
	/* the stream's work so far is done: the record completes now */
	pthread_mutex_lock(&event_lock);
	pp = event_link(event);
	if (pp) {
		(*pp)->recorded = true;
		(*pp)->ns = now_ns();
	}
	pthread_mutex_unlock(&event_lock);
	return pp ? ACL_SUCCESS : not_an_event(event);
}

/*
 * CANN's reset only clears the device-side flag that a later wait would
 * wait on (Event::Reset): what the host sees of the last record stays.
 * Nothing ever waits here, so there is nothing to clear.
 */
ACL_API aclError aclrtResetEvent(aclrtEvent event, aclrtStream stream)
{
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	return event_on_stream(EVENT_RESET, event, stream);
}

/*
 * The stream's later work would wait for the record: it is done, or for
 * an IPC event another process's, which the call waits for.
 */
ACL_API aclError aclrtStreamWaitEvent(aclrtStream stream, aclrtEvent event)
{
	struct acl_event e;
	aclError ret;

	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = event_on_stream(EVENT_WAIT, event, stream);
	if (!ret)
		ret = event_get(event, &e);
	return ret ? ret : ipc_sync(event, &e, -1);
}

/* What the queries refuse: an Ex event (some of them), an EXTERNAL one. */
static aclError event_refuse(const struct acl_event *e, bool refuse_ex)
{
	if (refuse_ex && e->ex)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"not for an event of aclrtCreateEventExWithFlag");
	if (e->flag == ACL_EVENT_EXTERNAL)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"not for an EXTERNAL event");
	return ACL_SUCCESS;
}

/* The handle check (107017), then event_refuse(). */
static aclError event_query(aclrtEvent event, struct acl_event *e,
			    bool refuse_ex)
{
	aclError ret = event_get(event, e);

	return ret ? ret : event_refuse(e, refuse_ex);
}

/* The acl layer's NULL checks of the status queries, then event_query(). */
static aclError event_status(aclrtEvent event, const void *status,
			     struct acl_event *e, bool refuse_ex)
{
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	if (!status)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "status is NULL");
	return event_query(event, e, refuse_ex);
}

ACL_API aclError aclrtQueryEvent(aclrtEvent event, aclrtEventStatus *status)
{
	struct acl_event e;
	aclError ret = event_status(event, status, &e, true);

	/* Event::Query: only a record still running is not ready */
	if (!ret)
		*status = ACL_EVENT_STATUS_COMPLETE;
	return ret;
}

ACL_API aclError aclrtQueryEventStatus(aclrtEvent event,
				       aclrtEventRecordedStatus *status)
{
	struct acl_event e;
	aclError ret = event_status(event, status, &e, false);

	/* Event::QueryEventStatus: before a record, an Ex event is complete */
	if (!ret && e.ipc) {
		struct acl_ipc_event *ipc;

		ret = acl_event_ipc(event, &ipc);
		if (!ret) {
			*status = acl_ipc_event_done(ipc) ?
				  ACL_EVENT_RECORDED_STATUS_COMPLETE :
				  ACL_EVENT_RECORDED_STATUS_NOT_READY;
			acl_ipc_event_put(ipc);
		}
	} else if (!ret)
		*status = e.recorded || e.ex ?
			  ACL_EVENT_RECORDED_STATUS_COMPLETE :
			  ACL_EVENT_RECORDED_STATUS_NOT_READY;
	return ret;
}

ACL_API aclError aclrtQueryEventWaitStatus(aclrtEvent event,
					   aclrtEventWaitStatus *status)
{
	struct acl_event e;
	aclError ret = event_status(event, status, &e, true);

	/* every wait on it has been done */
	if (!ret)
		*status = ACL_EVENT_WAIT_STATUS_COMPLETE;
	return ret;
}

ACL_API aclError aclrtSynchronizeEvent(aclrtEvent event)
{
	struct acl_event e;

	aclError ret;

	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = event_query(event, &e, false);
	return ret ? ret : ipc_sync(event, &e, -1);
}

ACL_API aclError aclrtSynchronizeEventWithTimeout(aclrtEvent event,
						  int32_t timeout)
{
	struct acl_event e;
	aclError ret;

	/* the acl layer's timeout check comes before its NULL check */
	if (timeout < -1)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout %d: -1 or more", timeout);
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = event_get(event, &e);
	if (ret)
		return ret;
	/* ApiErrorDecorator::EventSynchronize refuses 0 */
	if (!timeout)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout 0: -1 or more than 0");
	ret = event_refuse(&e, false);
	return ret ? ret : ipc_sync(event, &e, timeout);
}

/* ApiErrorDecorator::EventElapsedTime, EventGetTimeStamp: no IPC event. */
static aclError ipc_untimed(const struct acl_event *a,
			    const struct acl_event *b)
{
	if (a->flag == ACL_EVENT_IPC || b->flag == ACL_EVENT_IPC)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"an IPC event keeps no time");
	return ACL_SUCCESS;
}

/*
 * Event::ElapsedTime, GetTimeStamp: an event never recorded is 507000,
 * then one without a timestamp (no TIME_LINE) 107006.
 */
static aclError event_times(aclrtEvent a, const struct acl_event *ea,
			    aclrtEvent b, const struct acl_event *eb)
{
	if (!ea->recorded || !eb->recorded)
		return acl_fail(ACL_ERROR_RT_INTERNAL_ERROR,
				"event %p was never recorded",
				ea->recorded ? b : a);
	if (!(ea->flag & eb->flag & ACL_EVENT_TIME_LINE))
		return acl_fail(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
				"event %p keeps no time (no ACL_EVENT_TIME_LINE)",
				ea->flag & ACL_EVENT_TIME_LINE ? b : a);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtEventElapsedTime(float *ms, aclrtEvent startEvent,
				       aclrtEvent endEvent)
{
	struct acl_event start, end;
	aclError ret;

	if (!ms)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ms is NULL");
	if (!startEvent)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "startEvent is NULL");
	if (!endEvent)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "endEvent is NULL");
	ret = event_get(startEvent, &start);
	if (!ret)
		ret = event_get(endEvent, &end);
	if (ret)
		return ret;
	if (start.flag == ACL_EVENT_EXTERNAL || end.flag == ACL_EVENT_EXTERNAL)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"not for an EXTERNAL event");
	ret = ipc_untimed(&start, &end);
	if (!ret)
		ret = event_times(endEvent, &end, startEvent, &start);
	if (ret)
		return ret;
	*ms = (float)(((double)end.ns - (double)start.ns) / 1e6);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtEventGetTimestamp(aclrtEvent event, uint64_t *timestamp)
{
	struct acl_event e;
	aclError ret;

	if (!timestamp)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "timestamp is NULL");
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = event_query(event, &e, false);
	if (!ret)
		ret = ipc_untimed(&e, &e);
	if (!ret)
		ret = event_times(event, &e, event, &e);
	if (ret)
		return ret;
	/* microseconds, from CLOCK_MONOTONIC's start (the host's boot) */
	*timestamp = e.ns / 1000;
	return ACL_SUCCESS;
}
