// SPDX-License-Identifier: MIT
/*
 * Stream value writes and waits, as hicann/runtime serves them: the acl
 * layer (src/acl/aclrt_impl/memory.cpp aclrtValueWriteImpl,
 * aclrtValueWaitImpl: devAddr NULL, 100000), the runtime's entry points
 * (api_c_memory.cc rtsValueWrite, rtsValueWait: A2/A3 have
 * RT_FEATURE_TASK_VALUE_WAIT; the handle check, 107017), its checks
 * (api/impl/api_error.cc ApiErrorDecorator::MemWriteValue, MemWaitValue:
 * the flag, then device memory only, 107000) and what it does (api_impl.cc
 * ApiImpl::MemWriteValue, MemWaitValue: the current context, 107002, and
 * a stream of it, 107003; launch/memory_stars.cc: a 64-bit value, the
 * comparisons of stars_cond_isa_define.hpp MEM_WAIT_VALUE_TYPE_*).
 *
 * A write is stream work like a copy: done, after the stream's earlier
 * work, before the call returns. A wait is queued on the stream: its later
 * work, its synchronisation and its query (stream.c) wait until the 64
 * bits at the address meet the condition, however they come to be written.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct acl_value_wait {
	struct acl_value_wait *next;
	const void *addr;
	uint64_t value;
	uint32_t flag;
};

static uint64_t load(const void *addr)
{
	uint64_t v;

	if (!((uintptr_t)addr & 7))
		return __atomic_load_n((const uint64_t *)addr, __ATOMIC_ACQUIRE);
	memcpy(&v, addr, sizeof(v));
	return v;
}

static void store(void *addr, uint64_t v)
{
	if (!((uintptr_t)addr & 7))
		__atomic_store_n((uint64_t *)addr, v, __ATOMIC_RELEASE);
	else
		memcpy(addr, &v, sizeof(v));
}

static bool met(const struct acl_value_wait *w)
{
	uint64_t v = load(w->addr);

	switch (w->flag) {
	case ACL_STREAM_WAIT_VALUE_GEQ:
		return v >= w->value;
	case ACL_STREAM_WAIT_VALUE_EQ:
		return v == w->value;
	case ACL_STREAM_WAIT_VALUE_AND:
		return (v & w->value) != 0;
	default:	/* ACL_STREAM_WAIT_VALUE_NOR */
		return ~(v | w->value) != 0;
	}
}

/* Under the lock: forget the waits met (in order); whether one is left. */
bool acl_value_waits_pending(struct acl_stream *stream)
{
	struct acl_value_wait *w;

	while ((w = stream->value_waits) && met(w)) {
		stream->value_waits = w->next;
		free(w);
	}
	return stream->value_waits != NULL;
}

void acl_value_waits_drop(struct acl_stream *stream)
{
	struct acl_value_wait *w;

	while ((w = stream->value_waits)) {
		stream->value_waits = w->next;
		free(w);
	}
}

enum value_op { VALUE_WRITE, VALUE_WAIT };

/*
 * The checks both share, after the acl layer's NULL check: the handle
 * check, the flag, device memory, the current context and the stream's.
 * Returns with the lock held and the stream, or NULL.
 */
static struct acl_stream *value_stream(enum value_op op, void *devAddr,
				       uint32_t flag, aclrtStream stream,
				       aclError *ret)
{
	aclrtPtrAttributes attr;
	struct acl_stream *s;
	uint64_t ctx_id;

	*ret = acl_stream_context(stream, NULL);	/* the handle check */
	if (*ret)
		return NULL;
	if (op == VALUE_WRITE ? flag != 0 : flag > ACL_STREAM_WAIT_VALUE_NOR) {
		*ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID, op == VALUE_WRITE ?
				"flag %u: 0" : "flag %u: ACL_STREAM_WAIT_VALUE_*",
				flag);
		return NULL;
	}
	*ret = acl_ptr_attributes(devAddr, &attr);
	if (*ret)
		return NULL;
	if (attr.location.type != ACL_MEM_LOCATION_TYPE_DEVICE) {
		*ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not device memory", devAddr);
		return NULL;
	}
	ctx_id = acl_current_context(ret);
	if (*ret)
		return NULL;
	s = acl_stream_lock_get(stream, ret);
	if (s)
		*ret = acl_stream_in_context(stream, s->ctx_id, ctx_id);
	if (s && *ret) {
		pthread_mutex_unlock(&acl_stream_lock);
		return NULL;
	}
	return s;
}

ACL_API aclError aclrtValueWrite(void *devAddr, uint64_t value, uint32_t flag,
				 aclrtStream stream)
{
	struct acl_stream *s;
	aclError ret;

	if (!devAddr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devAddr is NULL");
	s = value_stream(VALUE_WRITE, devAddr, flag, stream, &ret);
	if (!s)
		return ret;
	pthread_mutex_unlock(&acl_stream_lock);
	/* after the stream's earlier work */
	ret = acl_stream_check(stream);
	if (ret)
		return ret;
	store(devAddr, value);
	/* waiters poll, but need not wait for the next poll */
	pthread_mutex_lock(&acl_stream_lock);
	pthread_cond_broadcast(&acl_stream_cond);
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtValueWait(void *devAddr, uint64_t value, uint32_t flag,
				aclrtStream stream)
{
	struct acl_value_wait *w, **pp;
	struct acl_stream *s;
	aclError ret;

	if (!devAddr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devAddr is NULL");
	w = calloc(1, sizeof(*w));
	if (!w)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	s = value_stream(VALUE_WAIT, devAddr, flag, stream, &ret);
	if (!s) {
		free(w);
		return ret;
	}
	w->addr = devAddr;
	w->value = value;
	w->flag = flag;
	for (pp = &s->value_waits; *pp; pp = &(*pp)->next)
		;
	*pp = w;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}
