// SPDX-License-Identifier: MIT
/*
 * Stream configuration handles, as hicann/runtime serves them (its C acl
 * layer, src/acl/aclrt_c/runtime/stream.c aclrtCreateStreamConfigHandle,
 * aclrtDestroyStreamConfigHandle, aclrtSetStreamConfigOpt with
 * SetStreamPriority, SetStreamFlag, SetStreamWorkPtr, SetStreamWorkSize,
 * and aclrtCreateStreamV2): every bad argument is 100000; a priority above
 * 7 is refused here, not brought into range. The stream is made as
 * aclrtCreateStreamWithConfig makes one (stream.c), with the handle's
 * priority and the flags the acl layer knows; the work area is kept in
 * the handle and not used (no model runs here).
 */
#include <stdlib.h>

#include "internal.h"

ACL_API aclrtStreamConfigHandle *aclrtCreateStreamConfigHandle(void)
{
	aclrtStreamConfigHandle *handle = calloc(1, sizeof(*handle));

	if (!handle)
		acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "out of host memory");
	return handle;
}

ACL_API aclError aclrtDestroyStreamConfigHandle(aclrtStreamConfigHandle *handle)
{
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	free(handle);
	return ACL_SUCCESS;
}

static aclError value_size(size_t got, size_t want)
{
	if (got != want)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"valueSize %zu: it should be %zu", got, want);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtSetStreamConfigOpt(aclrtStreamConfigHandle *handle,
					 aclrtStreamConfigAttr attr,
					 const void *attrValue, size_t valueSize)
{
	aclError ret;

	if (!handle || !attrValue)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "%s is NULL",
				handle ? "attrValue" : "handle");
	switch ((unsigned int)attr) {
	case ACL_RT_STREAM_WORK_ADDR_PTR:
		ret = value_size(valueSize, sizeof(void *));
		if (!ret)
			handle->workptr = *(void *const *)attrValue;
		return ret;
	case ACL_RT_STREAM_WORK_SIZE:
		ret = value_size(valueSize, sizeof(size_t));
		if (!ret)
			handle->workSize = *(const size_t *)attrValue;
		return ret;
	case ACL_RT_STREAM_FLAG:
		ret = value_size(valueSize, sizeof(size_t));
		if (!ret)
			handle->flag = *(const size_t *)attrValue;
		return ret;
	case ACL_RT_STREAM_PRIORITY:
		ret = value_size(valueSize, sizeof(uint32_t));
		if (ret)
			return ret;
		if (*(const uint32_t *)attrValue > 7)
			return acl_fail(ACL_ERROR_INVALID_PARAM,
					"priority %u: [0, 7]",
					*(const uint32_t *)attrValue);
		handle->priority = *(const uint32_t *)attrValue;
		return ACL_SUCCESS;
	default:
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"unknown stream attribute %u", (unsigned int)attr);
	}
}

/* A NULL handle is a default stream: priority 0, no flags. */
ACL_API aclError aclrtCreateStreamV2(aclrtStream *stream,
				     const aclrtStreamConfigHandle *handle)
{
	if (!stream)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "stream is NULL");
	if (!handle)
		return acl_stream_create(stream, 0, 0);
	return acl_stream_create(stream, handle->priority,
				 (uint32_t)handle->flag & ACL_STREAM_FLAGS);
}
