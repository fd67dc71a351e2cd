// SPDX-License-Identifier: MIT
/*
 * Streams. Work on a stream runs in the order it was issued; this host
 * implementation runs it before the issuing call returns, so synchronising
 * only has to check that the stream exists.
 */
#include <stdlib.h>

#include "internal.h"

struct acl_stream {
	struct acl_stream *next;
	uint64_t ctx_id;
};

static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;
static struct acl_stream *streams;

/* Under stream_lock. */
static struct acl_stream *stream_find(const void *p)
{
	struct acl_stream *s;

	for (s = streams; s; s = s->next)
		if (s == p)
			return s;
	return NULL;
}

/* Under stream_lock. */
static void stream_unlink(struct acl_stream *stream)
{
	struct acl_stream **pp;

	for (pp = &streams; *pp; pp = &(*pp)->next) {
		if (*pp == stream) {
			*pp = stream->next;
			return;
		}
	}
}

/* A context is going: so are its streams. */
void acl_streams_drop_context(uint64_t ctx_id)
{
	struct acl_stream **pp, *s;

	pthread_mutex_lock(&stream_lock);
	for (pp = &streams; (s = *pp);) {
		if (s->ctx_id == ctx_id) {
			*pp = s->next;
			free(s);
		} else {
			pp = &s->next;
		}
	}
	pthread_mutex_unlock(&stream_lock);
}

/*
 * NULL is the current context's default stream; a stream that does not
 * exist fails the runtime's handle check (runtime_handle_guard.cc
 * ValidateInnerObject): 107017.
 */
aclError acl_stream_check(aclrtStream stream)
{
	aclError ret = ACL_SUCCESS;
	uint64_t ctx_id;

	if (!stream) {
		acl_current_context(&ret);
		return ret;
	}
	return acl_stream_context(stream, &ctx_id);
}

/*
 * The context a stream belongs to, 0 for NULL (whose context is the
 * caller's to check), or 107017 for one that does not exist.
 */
aclError acl_stream_context(aclrtStream stream, uint64_t *ctx_id)
{
	struct acl_stream *s;

	*ctx_id = 0;
	if (!stream)
		return ACL_SUCCESS;
	pthread_mutex_lock(&stream_lock);
	s = stream_find(stream);
	if (s)
		*ctx_id = s->ctx_id;
	pthread_mutex_unlock(&stream_lock);
	if (!s)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a stream", stream);
	return ACL_SUCCESS;
}

/* Every stream of the current context has finished by construction. */
aclError acl_context_sync(void)
{
	aclError ret;

	acl_current_context(&ret);
	return ret;
}

ACL_API aclError aclrtCreateStream(aclrtStream *stream)
{
	struct acl_stream *s;
	uint64_t ctx_id;
	aclError ret;

	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	s->ctx_id = ctx_id;
	pthread_mutex_lock(&stream_lock);
	s->next = streams;
	streams = s;
	pthread_mutex_unlock(&stream_lock);
	*stream = s;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtDestroyStream(aclrtStream stream)
{
	struct acl_stream *s;

	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	pthread_mutex_lock(&stream_lock);
	s = stream_find(stream);
	if (s)
		stream_unlink(s);
	pthread_mutex_unlock(&stream_lock);
	if (!s)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a stream", stream);
	free(s);
	return ACL_SUCCESS;
}

/* Nothing is ever pending, so forcing changes nothing. */
ACL_API aclError aclrtDestroyStreamForce(aclrtStream stream)
{
	return aclrtDestroyStream(stream);
}

ACL_API aclError aclrtSynchronizeStream(aclrtStream stream)
{
	return acl_stream_check(stream);
}
