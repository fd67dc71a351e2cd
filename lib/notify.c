/* SPDX-License-Identifier: MIT */
/*
 * Notifies, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/notify.cpp: NULL notify or id, 100000), the
 * runtime's entry points (api_c_event.cc rtsNotifyCreate: the flag, then
 * the current device; rtsNotifyWaitAndReset, rtsNotifyBatchReset: NULL or
 * a count of 0 is 107000; api_c.cc rtNotifyDestroy, rtNotifyRecord,
 * rtNotifyWait, rtGetNotifyID: the handle checks, 107017), its checks
 * (api/impl/api_error.cc ApiErrorDecorator::Notify*: a NULL notify is
 * 107000) and what it does (api_impl.cc ApiImpl::NotifyCreate,
 * NotifyDestroy, NotifyRecord, NotifyReset, NotifyWait, GetNotifyID: the
 * current context, 107002, and a stream of it, 107003).
 *
 * A notify is a flag of its device: a record sets it; a wait holds its
 * stream until it is set, then clears it. Stream work is done when it is
 * issued, so a record sets the flag at once, and a wait holds the calling
 * thread until the flag is set (by another thread, or already), up to
 * @timeout seconds (0: no limit); past it, 107019.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* RT_NOTIFY_FLAG_DEFAULT, RT_NOTIFY_FLAG_DOWNLOAD_TO_DEV */
#define NOTIFY_FLAGS_MAX	ACL_NOTIFY_DEVICE_USE_ONLY

struct acl_notify {
	struct acl_notify *next;
	uint32_t id;
	int32_t device;
	uint64_t flag;
	bool set;
};

static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notify_cond = PTHREAD_COND_INITIALIZER;
static struct acl_notify *notifies;
static uint32_t next_id;

/* Under notify_lock: @handle, or NULL when it is not a notify. */
static struct acl_notify *notify_find(const void *handle)
{
	struct acl_notify *n;

	for (n = notifies; n; n = n->next)
		if (n == handle)
			return n;
	return NULL;
}

/* @handle with notify_lock held, or NULL (unlocked) and 107017. */
static struct acl_notify *notify_lock_get(const void *handle, aclError *ret)
{
	struct acl_notify *n;

	pthread_mutex_lock(&notify_lock);
	n = notify_find(handle);
	if (!n) {
		pthread_mutex_unlock(&notify_lock);
		*ret = acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a notify", handle);
	}
	return n;
}

/*
 * RT_VALIDATE_AND_UNWRAP_OBJECT on the notify (107017; NULL passes to
 * the decorator's check, 107000), then on the stream (NULL is the
 * default stream), then the current context.
 */
static aclError notify_checks(aclrtNotify notify, aclrtStream stream,
			      bool with_stream, uint64_t *ctx_id)
{
	uint64_t stream_ctx = 0;
	aclError ret;

	if (notify) {
		if (!notify_lock_get(notify, &ret))
			return ret;
		pthread_mutex_unlock(&notify_lock);
	}
	if (with_stream) {
		ret = acl_stream_context(stream, &stream_ctx);
		if (ret)
			return ret;
	}
	if (!notify)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "notify is NULL");
	*ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	if (!with_stream)
		return ACL_SUCCESS;
	return acl_stream_in_context(stream, stream_ctx, *ctx_id);
}

ACL_API aclError aclrtCreateNotify(aclrtNotify *notify, uint64_t flag)
{
	struct acl_notify *n;
	int32_t device;
	aclError ret;

	if (!notify)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "notify is NULL");
	if (flag > NOTIFY_FLAGS_MAX)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag %llu: ACL_NOTIFY_DEFAULT or ACL_NOTIFY_DEVICE_USE_ONLY",
				(unsigned long long)flag);
	(void)acl_current_context_device(&device, &ret);
	if (ret)
		return ret;
	n = calloc(1, sizeof(*n));
	if (!n)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "out of memory");
	n->device = device;
	n->flag = flag;
	pthread_mutex_lock(&notify_lock);
	n->id = next_id++;
	n->next = notifies;
	notifies = n;
	pthread_mutex_unlock(&notify_lock);
	*notify = n;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtDestroyNotify(aclrtNotify notify)
{
	struct acl_notify **pp;
	uint64_t ctx_id;
	aclError ret;
	bool found;

	if (!notify)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "notify is NULL");
	ret = notify_checks(notify, NULL, false, &ctx_id);
	if (ret)
		return ret;
	pthread_mutex_lock(&notify_lock);
	for (pp = &notifies; *pp && *pp != notify; pp = &(*pp)->next)
		;
	found = *pp != NULL;
	if (found)
		*pp = ((struct acl_notify *)notify)->next;
	/* a thread waiting on it finds it gone: 107017 */
	pthread_cond_broadcast(&notify_cond);
	pthread_mutex_unlock(&notify_lock);
	if (!found)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a notify", notify);
	free(notify);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtRecordNotify(aclrtNotify notify, aclrtStream stream)
{
	struct acl_notify *n;
	uint64_t ctx_id;
	aclError ret;

	if (!notify)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "notify is NULL");
	ret = notify_checks(notify, stream, true, &ctx_id);
	if (!ret)
		ret = acl_stream_check(stream);	/* after the stream's work */
	if (ret)
		return ret;
	n = notify_lock_get(notify, &ret);
	if (!n)
		return ret;
	n->set = true;
	pthread_cond_broadcast(&notify_cond);
	pthread_mutex_unlock(&notify_lock);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtWaitAndResetNotify(aclrtNotify notify,
					 aclrtStream stream, uint32_t timeout)
{
	struct timespec deadline;
	struct acl_notify *n;
	uint64_t ctx_id;
	aclError ret;
	int rc = 0;

	if (!notify)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "notify is NULL");
	ret = notify_checks(notify, stream, true, &ctx_id);
	if (!ret)
		ret = acl_stream_check(stream);
	if (ret)
		return ret;
	/* UINT32_MAX is rtNotifyWait's: no timeout on A2/A3, as 0 */
	if (timeout && timeout != UINT32_MAX) {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += timeout;
	}
	pthread_mutex_lock(&notify_lock);
	while ((n = notify_find(notify)) && !n->set && rc != ETIMEDOUT) {
		if (timeout && timeout != UINT32_MAX)
			rc = pthread_cond_timedwait(&notify_cond, &notify_lock,
						    &deadline);
		else
			pthread_cond_wait(&notify_cond, &notify_lock);
	}
	if (n && n->set)
		n->set = false;
	else if (n)
		ret = ACL_ERROR_RT_WAIT_TIMEOUT;
	else
		ret = ACL_ERROR_RT_INVALID_HANDLE;
	pthread_mutex_unlock(&notify_lock);
	if (ret == ACL_ERROR_RT_WAIT_TIMEOUT)
		return acl_fail(ret, "notify %p not recorded within %u s",
				notify, timeout);
	if (ret)
		return acl_fail(ret, "notify %p was destroyed", notify);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtGetNotifyId(aclrtNotify notify, uint32_t *notifyId)
{
	struct acl_notify *n;
	uint64_t ctx_id;
	aclError ret;

	if (!notify || !notifyId)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = notify_checks(notify, NULL, false, &ctx_id);
	if (ret)
		return ret;
	n = notify_lock_get(notify, &ret);
	if (!n)
		return ret;
	*notifyId = n->id;
	pthread_mutex_unlock(&notify_lock);
	return ACL_SUCCESS;
}

/*
 * rtsNotifyBatchReset: each in turn (rtNotifyReset, ApiImpl::NotifyReset:
 * the current context and its default stream); the first that fails ends
 * the batch, the ones before it stay reset.
 */
ACL_API aclError aclrtNotifyBatchReset(aclrtNotify *notifies_in, size_t num)
{
	struct acl_notify *n;
	uint64_t ctx_id;
	uint32_t i, count = (uint32_t)num;	/* the runtime takes 32 bits */
	aclError ret;

	if (!notifies_in)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "notifies is NULL");
	if (!count)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "num %zu: (0, %u]",
				num, UINT32_MAX);
	for (i = 0; i < count; i++) {
		ret = notify_checks(notifies_in[i], NULL, false, &ctx_id);
		if (ret)
			return ret;
		n = notify_lock_get(notifies_in[i], &ret);
		if (!n)
			return ret;
		n->set = false;
		pthread_mutex_unlock(&notify_lock);
	}
	return ACL_SUCCESS;
}
