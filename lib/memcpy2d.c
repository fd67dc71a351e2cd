// SPDX-License-Identifier: MIT
/*
 * aclrtMemcpy2d and aclrtMemcpy2dAsync: height rows of width bytes, rows
 * dpitch and spitch bytes apart, as CANN checks them: the acl layer
 * (memory.cpp CheckMemcpy2dParam: 100000), the runtime's decorator
 * (api_error.cc MemCopy2DCheckParam, MemCopy2DSync, MemCopy2DAsync:
 * 107000, 207000) with its copy-kind correction from where the memory is
 * (MemcpyKindAutoCorrect over PtrGetRealLocation), and the kernel's
 * devmm_ioctl_memcpy2d_proc (507899). Memory is host memory, so a row is a
 * memmove.
 */
#include <string.h>

#include "internal.h"

#define MAX_2D_HEIGHT	5242880UL	/* RT_MAX_MEMCPY2D_HEIGHT */
#define MAX_2D_WIDTH	5000000UL	/* RT_MAX_MEMCPY2D_WIDTH */

static bool kind_is(aclrtMemcpyKind kind, aclrtMemcpyKind a, aclrtMemcpyKind b,
		    aclrtMemcpyKind c)
{
	return kind == a || kind == b || kind == c;
}

/*
 * memory.cpp CheckMemcpy2dParam: false when there is nothing to copy (a
 * width or height of 0: success) or the acl layer refuses (*ret).
 */
static bool acl_accepts(const void *dst, size_t dpitch, const void *src,
			size_t spitch, size_t width, size_t height,
			aclrtMemcpyKind kind, aclError *ret)
{
	*ret = ACL_SUCCESS;
	if (!width || !height)
		return false;
	if (!dst || !src)
		*ret = acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	else if (width > spitch || width > dpitch)
		*ret = acl_fail(ACL_ERROR_INVALID_PARAM,
				"width %zu is above spitch %zu or dpitch %zu",
				width, spitch, dpitch);
	else if (!kind_is(kind, ACL_MEMCPY_HOST_TO_DEVICE,
			  ACL_MEMCPY_DEVICE_TO_HOST,
			  ACL_MEMCPY_DEVICE_TO_DEVICE) &&
		 kind != ACL_MEMCPY_DEFAULT)
		*ret = acl_fail(ACL_ERROR_INVALID_PARAM,
				"copy kind %d is not served in 2D", kind);
	return !*ret;
}

/* api_error.cc MemCopy2DCheckParam: what the acl layer left */
static aclError check_limits(size_t width, size_t height)
{
	if (height > MAX_2D_HEIGHT || width > MAX_2D_WIDTH)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"width %zu or height %zu is above the limit",
				width, height);
	return ACL_SUCCESS;
}

/*
 * api_error.cc MemcpyKindReviseMap: a pair of host and device memory
 * fixes the kind; with unregistered memory on a side, DEFAULT takes the
 * rule's kind and the others must be among those it allows.
 */
static aclError correct_kind(aclrtMemLocationType src,
			     aclrtMemLocationType dst, aclrtMemcpyKind *kind)
{
	const aclrtMemLocationType H = ACL_MEM_LOCATION_TYPE_HOST,
				   D = ACL_MEM_LOCATION_TYPE_DEVICE;
	bool src_known = src == H || src == D, dst_known = dst == H || dst == D;
	aclrtMemcpyKind dflt;
	bool allowed;

	if (src_known && dst_known) {
		*kind = src == H ? (dst == H ? ACL_MEMCPY_HOST_TO_HOST :
					       ACL_MEMCPY_HOST_TO_DEVICE) :
				   (dst == H ? ACL_MEMCPY_DEVICE_TO_HOST :
					       ACL_MEMCPY_DEVICE_TO_DEVICE);
		return ACL_SUCCESS;
	}
	if (src == D) {		/* device -> unregistered */
		dflt = ACL_MEMCPY_DEVICE_TO_HOST;
		allowed = *kind == ACL_MEMCPY_DEVICE_TO_HOST ||
			  *kind == ACL_MEMCPY_DEVICE_TO_DEVICE;
	} else if (dst == D) {	/* unregistered -> device */
		dflt = ACL_MEMCPY_HOST_TO_DEVICE;
		allowed = *kind == ACL_MEMCPY_HOST_TO_DEVICE ||
			  *kind == ACL_MEMCPY_DEVICE_TO_DEVICE;
	} else if (src == H) {	/* host -> unregistered */
		dflt = ACL_MEMCPY_HOST_TO_HOST;
		allowed = *kind == ACL_MEMCPY_HOST_TO_HOST ||
			  *kind == ACL_MEMCPY_HOST_TO_DEVICE;
	} else if (dst == H) {	/* unregistered -> host */
		dflt = ACL_MEMCPY_HOST_TO_HOST;
		allowed = *kind == ACL_MEMCPY_HOST_TO_HOST ||
			  *kind == ACL_MEMCPY_DEVICE_TO_HOST;
	} else {		/* unregistered on both sides */
		dflt = ACL_MEMCPY_HOST_TO_HOST;
		allowed = true;
	}
	if (*kind == ACL_MEMCPY_DEFAULT)
		*kind = dflt;
	else if (!allowed)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"copy kind %d does not fit where the memory is",
				*kind);
	return ACL_SUCCESS;
}

/*
 * api_error.cc GetLocationType (a context first), then the correction;
 * @unregistered says whether either side is unregistered memory.
 */
static aclError locate(const void *dst, const void *src, aclrtMemcpyKind *kind,
		       bool *unregistered)
{
	aclrtPtrAttributes s, d;
	int32_t device;
	aclError ret;

	ret = acl_current_device(&device);
	if (!ret)
		ret = acl_ptr_attributes(src, &s);
	if (!ret)
		ret = acl_ptr_attributes(dst, &d);
	if (ret)
		return ret;
	*unregistered = s.location.type == ACL_MEM_LOCATION_TYPE_UNREGISTERED ||
			d.location.type == ACL_MEM_LOCATION_TYPE_UNREGISTERED;
	return correct_kind(s.location.type, d.location.type, kind);
}

/* devmm_ioctl_memcpy2d_proc: rows must not wrap, then row by row */
static aclError copy_rows(void *dst, size_t dpitch, const void *src,
			  size_t spitch, size_t width, size_t height)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	size_t row;

	if (height != 1 && (d + dpitch < d || s + spitch < s))
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"a pitch runs past the end of the address space");
	for (row = 0; row < height; row++)
		memmove((char *)dst + row * dpitch,
			(const char *)src + row * spitch, width);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMemcpy2d(void *dst, size_t dpitch, const void *src,
			       size_t spitch, size_t width, size_t height,
			       aclrtMemcpyKind kind)
{
	bool unregistered;
	aclError ret;

	if (!acl_accepts(dst, dpitch, src, spitch, width, height, kind, &ret))
		return ret;
	ret = check_limits(width, height);
	if (ret)
		return ret;
	/* ApiErrorDecorator::MemCopy2DSync */
	if (kind == ACL_MEMCPY_DEVICE_TO_DEVICE)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"a synchronous 2D copy is H2D or D2H");
	ret = locate(dst, src, &kind, &unregistered);
	if (!ret && kind != ACL_MEMCPY_HOST_TO_DEVICE &&
	    kind != ACL_MEMCPY_DEVICE_TO_HOST)
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "a synchronous 2D copy is H2D or D2H, this is kind %d",
			       kind);
	return ret ? ret : copy_rows(dst, dpitch, src, spitch, width, height);
}

/*
 * rtMemcpy2dAsync checks the stream handle; the decorator's GetCurStream
 * turns NULL into the current context's default stream, and without a
 * context there is none (107000). Copies that touch unregistered memory
 * become synchronous copies (MemCopy2DSync, no stream check); the others
 * go to the stream, which must be the current context's (107003).
 */
ACL_API aclError aclrtMemcpy2dAsync(void *dst, size_t dpitch, const void *src,
				    size_t spitch, size_t width, size_t height,
				    aclrtMemcpyKind kind, aclrtStream stream)
{
	uint64_t ctx_id, cur_id;
	bool unregistered;
	aclError ret;

	if (!acl_accepts(dst, dpitch, src, spitch, width, height, kind, &ret))
		return ret;
	ret = acl_stream_context(stream, &ctx_id);
	if (ret)
		return ret;
	cur_id = acl_current_context(&ret);
	if (!stream && ret)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"no current context, so no default stream");
	ret = check_limits(width, height);
	if (!ret)
		ret = locate(dst, src, &kind, &unregistered);
	if (!ret && !kind_is(kind, ACL_MEMCPY_HOST_TO_DEVICE,
			     ACL_MEMCPY_DEVICE_TO_HOST,
			     ACL_MEMCPY_DEVICE_TO_DEVICE))
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "an asynchronous 2D copy is H2D, D2H or D2D, this is kind %d",
			       kind);
	if (ret)
		return ret;
	/* JudgeIsInvolvePageableMemory: D2D is never pageable */
	if (!(unregistered && kind != ACL_MEMCPY_DEVICE_TO_DEVICE) && stream &&
	    ctx_id != cur_id)
		return acl_fail(ACL_ERROR_RT_STREAM_CONTEXT,
				"the stream is not of the current context");
	/* in stream order: after the stream's earlier work */
	ret = acl_stream_check(stream);
	return ret ? ret : copy_rows(dst, dpitch, src, spitch, width, height);
}
