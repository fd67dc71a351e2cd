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

/*
 * What is kept of a context or a stream, found by its key (a context's
 * id, a stream's serial): the first member of what is kept.
 */
struct keyed {
	struct keyed *next;
	uint64_t key;
};

/*
 * Under the list's lock: the record of @key in *@list, else with @create
 * a new one of @size bytes, zeroed (NULL without memory).
 */
static void *keyed_find(struct keyed **list, uint64_t key, size_t size,
			bool create)
{
	struct keyed *k;

	for (k = *list; k; k = k->next)
		if (k->key == key)
			return k;
	if (!create)
		return NULL;
	k = calloc(1, size);
	if (k) {
		k->key = key;
		k->next = *list;
		*list = k;
	}
	return k;
}

/* rtSetSysParamOpt's process-wide values, which the context ones set too */
static _Atomic int64_t sys_opts[SYS_OPT_COUNT];

/* Context::sysParamOpt_: what each context was set, and what not. */
struct ctx_opts {
	struct keyed link;		/* the context's id */
	bool set[SYS_OPT_COUNT];
	int64_t value[SYS_OPT_COUNT];
};

static pthread_mutex_t opts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct keyed *ctx_opts_list;

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

/*
 * The current context's @opt (107002 without one): with @set, *@value
 * becomes it, and the process-wide value too; else *@value is told it,
 * 107021 (Context::CtxGetSysParamOpt) if this context was not set it.
 */
static aclError ctx_opt(aclSysParamOpt opt, int64_t *value, bool set)
{
	struct ctx_opts *o;
	uint64_t ctx_id;
	aclError ret;

	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	pthread_mutex_lock(&opts_lock);
	o = keyed_find(&ctx_opts_list, ctx_id, sizeof(*o), set);
	if (o && set) {
		o->set[opt] = true;
		o->value[opt] = *value;
		sys_opts[opt] = *value;
	} else if (o && o->set[opt]) {
		*value = o->value[opt];
	} else {
		ret = set ? ACL_ERROR_RT_MEMORY_ALLOCATION :
			    ACL_ERROR_RT_SYSPARAMOPT_NOT_SET;
	}
	pthread_mutex_unlock(&opts_lock);
	if (ret == ACL_ERROR_RT_MEMORY_ALLOCATION)
		return acl_fail(ret, "out of memory");
	if (ret)
		return acl_fail(ret, "option %d was not set in this context",
				(int)opt);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtCtxSetSysParamOpt(aclSysParamOpt opt, int64_t value)
{
	aclError ret;

	ret = check_opt(opt, true);
	if (!ret)
		ret = check_value(opt, value);
	if (!ret)
		ret = ctx_opt(opt, &value, true);
	return ret;
}

ACL_API aclError aclrtCtxGetSysParamOpt(aclSysParamOpt opt, int64_t *value)
{
	aclError ret;

	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	ret = check_opt(opt, true);
	if (!ret)
		ret = ctx_opt(opt, value, false);
	return ret;
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
	struct keyed link;		/* the stream's serial */
	uint32_t overflow;
	uint32_t cache_op_info;
};

static struct keyed *switches_list;	/* under acl_stream_lock */

static struct stream_switches *switches_of(uint64_t serial, bool create)
{
	return keyed_find(&switches_list, serial,
			  sizeof(struct stream_switches), create);
}

/* RT_STREAM_GREATEST_PRIORITY .. RT_STREAM_LEAST_PRIORITY */
#define PRIORITY_GREATEST	0
#define PRIORITY_LEAST		7

static aclError unknown_attr(aclrtStreamAttr attr)
{
	return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			"stream attribute %d: [1, 6)", (int)attr);
}

/*
 * The stream whose @attr is set or told, with acl_stream_lock held: for
 * the overflow switch @stream as it is (NULL: the default stream); for
 * the failure mode and the cache switch GetCurStream's (107000 without a
 * current context); the priority wants a stream given (107000 for NULL).
 */
static struct acl_stream *attr_stream(aclrtStream stream,
				      aclrtStreamAttr attr, aclError *ret)
{
	switch (attr) {
	case ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK:
		return acl_stream_lock_get(stream, ret);
	case ACL_STREAM_ATTR_FAILURE_MODE:
	case ACL_STREAM_ATTR_CACHE_OP_INFO:
		return acl_cur_stream_lock_get(stream, ret);
	case ACL_STREAM_ATTR_PRIORITY:
		if (stream)
			return acl_stream_lock_get(stream, ret);
		*ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the priority is not for the default stream");
		return NULL;
	default:
		*ret = unknown_attr(attr);
		return NULL;
	}
}

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
	s = attr_stream(stream, attr, &ret);
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

	s = attr_stream(stream, ACL_STREAM_ATTR_PRIORITY, &ret);
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

/* What both calls check first: value (100000), the handle check (107017). */
static aclError attr_checks(aclrtStream stream,
			    const aclrtStreamAttrValue *value)
{
	if (!value)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "value is NULL");
	return acl_stream_context(stream, NULL);
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
	aclError ret;

	ret = attr_checks(stream, value);
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
		return unknown_attr(stmAttrType);
	}
}

ACL_API aclError aclrtGetStreamAttribute(aclrtStream stream,
					 aclrtStreamAttr stmAttrType,
					 aclrtStreamAttrValue *value)
{
	struct stream_switches *sw;
	struct acl_stream *s;
	aclError ret;

	ret = attr_checks(stream, value);
	if (ret)
		return ret;
	if (stmAttrType == ACL_STREAM_ATTR_USER_CUSTOM_TAG)
		return ACL_SUCCESS;
	s = attr_stream(stream, stmAttrType, &ret);
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
