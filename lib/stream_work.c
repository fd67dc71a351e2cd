/* SPDX-License-Identifier: MIT */
/*
 * Stream work a CANN client issues besides copies and events, as
 * hicann/runtime serves it: host functions (src/acl/aclrt_impl/callback.cpp
 * aclrtLaunchHostFuncImpl; api_c.cc rtsLaunchHostFunc; api/impl/api_error.cc
 * ApiErrorDecorator::LaunchHostFunc; api_impl.cc ApiImpl::LaunchHostFunc),
 * stopping a stream (stream.cpp aclrtStreamStopImpl; rtsStreamStop;
 * ApiErrorDecorator::StreamStop; ApiImpl::StreamClear) and aborting a
 * device's tasks (device.cpp aclrtDeviceTaskAbortImpl; api_c_device.cc
 * rtDeviceTaskAbort; ApiErrorDecorator::DeviceTaskAbort), as on A2/A3.
 */
#include "internal.h"

/* ApiErrorDecorator::DeviceTaskAbort: TASK_ABORT_TIMEOUT_MAX, 36 min */
#define TASK_ABORT_TIMEOUT_MAX	(36U * 60 * 1000)

/*
 * The stream's handle (107017), fn (107000), a stream a thread subscribed
 * to with aclrtSubscribeReport (107011), the current context (107002), a
 * stream of it (107003). CANN runs fn on its context's callback thread
 * once the stream's earlier work is done; that work is done when issued
 * here, so fn runs now, on the calling thread, after the stream's BLOCK
 * callbacks.
 */
ACL_API aclError aclrtLaunchHostFunc(aclrtStream stream, aclrtHostFunc fn,
				     void *args)
{
	struct acl_stream *s;
	uint64_t ctx_id, stream_ctx;
	bool subscribed = false;
	aclError ret;

	ret = acl_stream_context(stream, &stream_ctx);
	if (ret)
		return ret;
	if (!fn)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "fn is NULL");
	if (stream) {
		s = acl_stream_lock_get(stream, &ret);
		if (!s)
			return ret;
		subscribed = s->subscribed;
		pthread_mutex_unlock(&acl_stream_lock);
	}
	if (subscribed)
		return acl_fail(ACL_ERROR_RT_STREAM_SUBSCRIBE,
				"stream %p has a thread subscribed with aclrtSubscribeReport",
				stream);
	ctx_id = acl_current_context(&ret);
	if (ret)
		return ret;
	ret = acl_stream_in_context(stream, stream_ctx, ctx_id);
	if (!ret)
		ret = acl_stream_check(stream);
	if (ret)
		return ret;
	fn(args);
	return ACL_SUCCESS;
}

/*
 * rtsStreamStop: the handle (107017), then NULL is 107000 (no default
 * stream here); ApiImpl::StreamClear: the current context (107002), a
 * stream of it (107003); its work not yet done is dropped, which
 * aclrtStreamAbort does after the same checks.
 */
ACL_API aclError aclrtStreamStop(aclrtStream stream)
{
	uint64_t ctx_id;
	aclError ret;

	ret = acl_stream_context(stream, &ctx_id);
	if (ret)
		return ret;
	if (!stream)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "stream is NULL");
	return aclrtStreamAbort(stream);
}

/*
 * A timeout above 36 minutes is 107000, then a device that does not exist
 * 107001. The device's tasks are done when issued here; none is left to
 * abort.
 */
ACL_API aclError aclrtDeviceTaskAbort(int32_t deviceId, uint32_t timeout)
{
	if (timeout > TASK_ABORT_TIMEOUT_MAX)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout %u ms: [0, %u]", timeout,
				TASK_ABORT_TIMEOUT_MAX);
	return acl_device_check(deviceId);
}
