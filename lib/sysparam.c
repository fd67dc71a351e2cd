/* SPDX-License-Identifier: MIT */
/*
 * Options a CANN client sets, as hicann/runtime serves them: system
 * parameters (src/acl/aclrt_impl/context.cpp SetSysParamOpt,
 * GetSysParamOpt; api_c.cc rtSetSysParamOpt, rtGetSysParamOpt,
 * rtCtxSetSysParamOpt; api/impl/api_error.cc
 * ApiErrorDecorator::CtxSetSysParamOpt, CtxGetSysParamOpt; context.cc
 * Context::CtxGetSysParamOpt), the saturation mode (device.cpp,
 * api_c.cc rtSetDeviceSatMode), operator timeouts (event.cpp,
 * api_c.cc rtSetOpExecuteTimeOutV2, ApiImpl::SetOpExecuteTimeOutV2) and
 * stream attributes (stream.cpp aclrtSetStreamAttributeImpl;
 * api_c_stream.cc rtsStreamSetAttribute, rtsStreamGetAttribute; the
 * ApiErrorDecorator's StreamSetMode, SetStreamOverflowSwitch,
 * SetStreamCacheOpInfoSwitch, SetStreamPriorityValue), as on A2/A3.
 *
 * No kernel runs here, so what they set changes no work: they are kept
 * and told back.
 */
#include <stdlib.h>

#include "internal.h"

#define SYS_OPT_COUNT	4	/* SYS_OPT_RESERVED */
#define SYS_OPT_MAX	2	/* SYS_OPT_ENABLE + 1 */
#define DETERMINISTIC_MAX 4	/* SYS_OPT_DETERMINISTIC_LEVEL_MAX */

/* rtSetSysParamOpt's process-wide values, which the context ones set too */
static _Atomic int64_t sys_opts[SYS_OPT_COUNT];

/* Context::sysParamOpt_: what each context was set, and what not. */
struct ctx_opts {
	struct ctx_opts *next;
	uint64_t ctx_id;
	bool set[SYS_OPT_COUNT];
	int64_t value[SYS_OPT_COUNT];
};

static pthread_mutex_t opts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ctx_opts *ctx_opts_list;

static struct ctx_opts *ctx_opts_find(uint64_t ctx_id, bool create)
{
	struct ctx_opts *o;

	for (o = ctx_opts_list; o; o = o->next)
		if (o->ctx_id == ctx_id)
			return o;
	if (!create)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (o) {
		o->ctx_id = ctx_id;
		o->next = ctx_opts_list;
		ctx_opts_list = o;
	}
	return o;
}

/* The acl layer's check: the context ones know 0..2, the others 0..3. */
static aclError check_opt(aclSysParamOpt opt, bool ctx)
{
	if ((int)opt < 0 || (int)opt > (ctx ? 2 : 3))
		return acl_fail(ACL_ERROR_INVALID_PARAM, "opt %d: %s", (int)opt,
				ctx ? "0, 1 or 2" : "0, 1, 2 or 3");
	return ACL_SUCCESS;
}

static aclError check_value(aclSysParamOpt opt, int64_t value)
{
	int64_t max = opt == ACL_OPT_DETERMINISTIC ? DETERMINISTIC_MAX :
						     SYS_OPT_MAX;

	if (value < 0 || value >= max)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"value %lld: [0, %lld)", (long long)value,
				(long long)max);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtSetSysParamOpt(aclSysParamOpt opt, int64_t value)
{
	aclError ret = check_opt(opt, false);

	if (!ret)
		ret = check_value(opt, value);
	if (!ret)
		sys_opts[opt] = value;
	return ret;
}

/* rtGetSysParamOpt: 0 for what was never set. */
ACL_API aclError aclrtGetSysParamOpt(aclSysParamOpt opt, int64_t *value)
{
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	ret = check_opt(opt, false);
	if (!ret)
		*value = sys_opts[opt];
	return ret;
}

ACL_API aclError aclrtCtxSetSysParamOpt(aclSysParamOpt opt, int64_t value)
{
	struct ctx_opts *o;
	uint64_t ctx_id;
	aclError ret;

	ret = check_opt(opt, true);
	if (!ret)
		ret = check_value(opt, value);
	if (ret)
		return ret;
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	pthread_mutex_lock(&opts_lock);
	o = ctx_opts_find(ctx_id, true);
	if (o) {
		o->set[opt] = true;
		o->value[opt] = value;
		sys_opts[opt] = value;
	}
	pthread_mutex_unlock(&opts_lock);
	if (!o)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "out of memory");
	return ACL_SUCCESS;
}

/* Context::CtxGetSysParamOpt: 107021 for what this context was not set. */
ACL_API aclError aclrtCtxGetSysParamOpt(aclSysParamOpt opt, int64_t *value)
{
	struct ctx_opts *o;
	uint64_t ctx_id;
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	ret = check_opt(opt, true);
	if (ret)
		return ret;
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	pthread_mutex_lock(&opts_lock);
	o = ctx_opts_find(ctx_id, false);
	if (o && o->set[opt])
		*value = o->value[opt];
	else
		ret = ACL_ERROR_RT_SYSPARAMOPT_NOT_SET;
	pthread_mutex_unlock(&opts_lock);
	if (ret)
		return acl_fail(ret, "option %d was not set in this context",
				(int)opt);
	return ACL_SUCCESS;
}

static _Atomic int sat_mode = ACL_RT_OVERFLOW_MODE_INFNAN;

/*
 * rtSetDeviceSatMode: A2/A3 have both modes; a value past them is kept
 * without a check, as there (ApiImpl::SetDeviceSatMode).
 */
ACL_API aclError aclrtSetDeviceSatMode(aclrtFloatOverflowMode mode)
{
	sat_mode = mode;
	return ACL_SUCCESS;
}

static _Atomic uint64_t op_timeout_us;

/* Runtime::SetTimeoutConfig, in seconds; 0 is the runtime's default. */
ACL_API aclError aclrtSetOpExecuteTimeOut(uint32_t timeout)
{
	op_timeout_us = (uint64_t)timeout * 1000000;
	return ACL_SUCCESS;
}

/*
 * ApiImpl::SetOpExecuteTimeOutV2: a current context (107002). CANN rounds
 * the timeout to what the chip's task credits can count and tells that;
 * with no chip, it is kept as given.
 */
ACL_API aclError aclrtSetOpExecuteTimeOutV2(uint64_t timeout,
					    uint64_t *actualTimeout)
{
	aclError ret;

	if (!actualTimeout)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "actualTimeout is NULL");
	(void)acl_current_context(&ret);
	if (ret)
		return ret;
	op_timeout_us = timeout;
	*actualTimeout = timeout;
	return ACL_SUCCESS;
}

/* What a stream keeps that struct acl_stream has no field for. */
struct stream_switches {
	struct stream_switches *next;
	uint64_t serial;
	uint32_t overflow;
	uint32_t cache_op_info;
};

static struct stream_switches *switches_list;	/* under acl_stream_lock */

static struct stream_switches *switches_of(uint64_t serial, bool create)
{
	struct stream_switches *sw;

	for (sw = switches_list; sw; sw = sw->next)
		if (sw->serial == serial)
			return sw;
	if (!create)
		return NULL;
	sw = calloc(1, sizeof(*sw));
	if (sw) {
		sw->serial = serial;
		sw->next = switches_list;
		switches_list = sw;
	}
	return sw;
}

/*
 * Runtime::GetCurStream: @stream, or without it the current context's
 * default stream; none is 107000. Returns it with acl_stream_lock held.
 */
static struct acl_stream *cur_stream(aclrtStream stream, aclError *ret)
{
	struct acl_stream *s = acl_stream_lock_get(stream, ret);

	if (!s && !stream)
		*ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"no current context, so no default stream");
	return s;
}

/* RT_STREAM_GREATEST_PRIORITY .. RT_STREAM_LEAST_PRIORITY */
#define PRIORITY_GREATEST	0
#define PRIORITY_LEAST		7

static aclError set_switch(aclrtStream stream, aclrtStreamAttr attr,
			   uint32_t value)
{
	struct stream_switches *sw;
	struct acl_stream *s;
	aclError ret;

	if (attr == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK &&
	    value >= ACL_RT_OVERFLOW_MODE_UNDEF)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"overflowSwitch %u: 0 or 1", value);
	s = attr == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK ?
		acl_stream_lock_get(stream, &ret) : cur_stream(stream, &ret);
	if (!s)
		return ret;
	if (attr == ACL_STREAM_ATTR_CACHE_OP_INFO && value > 1) {
		pthread_mutex_unlock(&acl_stream_lock);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"cacheOpInfoSwitch %u: 0 or 1", value);
	}
	sw = switches_of(s->serial, true);
	if (sw && attr == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK)
		sw->overflow = value;
	else if (sw)
		sw->cache_op_info = value;
	pthread_mutex_unlock(&acl_stream_lock);
	if (!sw)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "out of memory");
	return ACL_SUCCESS;
}

static aclError set_priority(aclrtStream stream, uint32_t priority)
{
	struct acl_stream *s;
	aclError ret;

	if (!stream)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the priority is not for the default stream");
	s = acl_stream_lock_get(stream, &ret);
	if (!s)
		return ret;
	if ((int32_t)priority < PRIORITY_GREATEST)
		priority = PRIORITY_GREATEST;
	else if ((int32_t)priority > PRIORITY_LEAST)
		priority = PRIORITY_LEAST;
	s->priority = priority;
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}

/*
 * A stream that does not exist is 107017 first; an attribute from 6 on
 * (or 0) is 107000. A2/A3 have no custom tags: setting one succeeds and
 * keeps nothing, as there.
 */
ACL_API aclError aclrtSetStreamAttribute(aclrtStream stream,
					 aclrtStreamAttr stmAttrType,
					 aclrtStreamAttrValue *value)
{
	uint64_t ctx_id;
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	ret = acl_stream_context(stream, &ctx_id);	/* the handle check */
	if (ret)
		return ret;
	switch (stmAttrType) {
	case ACL_STREAM_ATTR_FAILURE_MODE:
		return aclrtSetStreamFailureMode(stream, value->failureMode);
	case ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK:
		return set_switch(stream, stmAttrType, value->overflowSwitch);
	case ACL_STREAM_ATTR_USER_CUSTOM_TAG:
		return ACL_SUCCESS;
	case ACL_STREAM_ATTR_CACHE_OP_INFO:
		return set_switch(stream, stmAttrType, value->cacheOpInfoSwitch);
	case ACL_STREAM_ATTR_PRIORITY:
		return set_priority(stream, value->streamPriority);
	default:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"stream attribute %d: [1, 6)", (int)stmAttrType);
	}
}

ACL_API aclError aclrtGetStreamAttribute(aclrtStream stream,
					 aclrtStreamAttr stmAttrType,
					 aclrtStreamAttrValue *value)
{
	struct stream_switches *sw;
	struct acl_stream *s;
	uint64_t ctx_id;
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	ret = acl_stream_context(stream, &ctx_id);	/* the handle check */
	if (ret)
		return ret;
	switch (stmAttrType) {
	case ACL_STREAM_ATTR_USER_CUSTOM_TAG:
		return ACL_SUCCESS;
	case ACL_STREAM_ATTR_PRIORITY:
		if (!stream)
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"the priority is not for the default stream");
		s = acl_stream_lock_get(stream, &ret);
		break;
	case ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK:
		s = acl_stream_lock_get(stream, &ret);
		break;
	case ACL_STREAM_ATTR_FAILURE_MODE:
	case ACL_STREAM_ATTR_CACHE_OP_INFO:
		s = cur_stream(stream, &ret);
		break;
	default:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"stream attribute %d: [1, 6)", (int)stmAttrType);
	}
	if (!s)
		return ret;
	sw = switches_of(s->serial, false);
	switch (stmAttrType) {
	case ACL_STREAM_ATTR_FAILURE_MODE:
		value->failureMode = s->failure_mode;
		break;
	case ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK:
		value->overflowSwitch = sw ? sw->overflow : 0;
		break;
	case ACL_STREAM_ATTR_CACHE_OP_INFO:
		value->cacheOpInfoSwitch = sw ? sw->cache_op_info : 0;
		break;
	default:
		value->streamPriority = s->priority;
		break;
	}
	pthread_mutex_unlock(&acl_stream_lock);
	return ACL_SUCCESS;
}
