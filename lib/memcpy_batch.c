// SPDX-License-Identifier: MIT
/*
 * aclrtMemcpyBatch, aclrtMemcpyBatchAsync and their V2 forms (no
 * failIndex), as CANN serves them on Atlas A2/A3: the acl layer
 * (memory.cpp MemcpyBatchImpl, ValidateMemcpyBatchParams: 100000), the
 * runtime's rtsMemcpyBatch{,Async}, ApiErrorDecorator::MemcpyBatch{,Async}
 * (107000, with *failIndex set to SIZE_MAX first) and ApiImpl::MemcpyBatch,
 * LoopMemcpyAsync and CheckMemCpyAttr, which check each copy's attribute
 * against where its memory is and set *failIndex to the copy that failed.
 *
 * attrs[n] describes copies attrsIndexes[n] up to attrsIndexes[n + 1] - 1
 * (the last one up to the end). A copy goes between host memory (HOST or
 * HOST_NUMA in the attribute: aclrtMallocHost, registered or plain process
 * memory) and device memory (DEVICE with the device's id). The synchronous
 * form checks every copy before it makes any; the asynchronous one checks
 * and makes them one by one, as LoopMemcpyAsync does.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define BATCH_MAX	4096	/* DEVMM_MEMCPY_BATCH_MAX_COUNT */

static void set_fail(size_t *failIndex, size_t i)
{
	if (failIndex)
		*failIndex = i;
}

static bool all_zero(const size_t *sizes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sizes[i])
			return false;
	return true;
}

/* memory.cpp ValidateMemcpyBatchParams */
static aclError check_acl(void **dsts, size_t *destMaxs, void **srcs,
			  size_t *sizes, size_t n, aclrtMemcpyBatchAttr *attrs,
			  size_t *attrsIndexes, size_t numAttrs)
{
	size_t i, b;

	if (!dsts || !destMaxs || !srcs || !sizes || !attrs || !attrsIndexes)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	for (i = 0; i < n; i++)
		if (destMaxs[i] < sizes[i])
			return acl_fail(ACL_ERROR_INVALID_PARAM,
					"copy %zu: size %zu is above destMax %zu",
					i, sizes[i], destMaxs[i]);
	for (i = 0; i < numAttrs; i++)
		for (b = 0; b < sizeof(attrs[i].rsv); b++)
			if (attrs[i].rsv[b])
				return acl_fail(ACL_ERROR_INVALID_PARAM,
						"attrs[%zu].rsv must be 0", i);
	return ACL_SUCCESS;
}

/* ApiErrorDecorator::MemcpyBatch{,Async}: the attribute indexes */
static aclError check_indexes(size_t n, const size_t *attrsIndexes,
			      size_t numAttrs, size_t max)
{
	size_t i;

	if (!numAttrs || numAttrs > n)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"numAttrs %zu is not in [1, %zu]", numAttrs, n);
	if (n > max)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%zu copies, at most %zu", n, max);
	if (attrsIndexes[0])
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"attrsIndexes[0] must be 0");
	for (i = 1; i < numAttrs; i++)
		if (attrsIndexes[i] <= attrsIndexes[i - 1] ||
		    attrsIndexes[i] >= n)
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"attrsIndexes[%zu] %zu is out of order",
					i, attrsIndexes[i]);
	return ACL_SUCCESS;
}

/* Unregistered memory is host memory. */
static aclrtMemLocationType side_of(aclrtMemLocationType type)
{
	return type == ACL_MEM_LOCATION_TYPE_UNREGISTERED ?
	       ACL_MEM_LOCATION_TYPE_HOST : type;
}

/* An attribute's HOST_NUMA is HOST; its UNREGISTERED stays what it is. */
static aclrtMemLocationType side_asked(aclrtMemLocationType type)
{
	return type == ACL_MEM_LOCATION_TYPE_HOST_NUMA ?
	       ACL_MEM_LOCATION_TYPE_HOST : type;
}

/* ApiImpl::CheckMemCpyAttr for one side: what the attribute says it is */
static aclError check_side(const void *p, aclrtMemLocation want,
			   aclrtPtrAttributes *got, const char *which)
{
	aclrtMemLocationType side;
	aclError ret;

	/* drvMemGetAttribute: DRV_ERROR_INVALID_VALUE for NULL */
	if (!p)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "%s is NULL",
				which);
	ret = acl_ptr_attributes(p, got);
	if (ret)
		return ret;
	side = side_of(got->location.type);
	if (side != side_asked(want.type) ||
	    (side == ACL_MEM_LOCATION_TYPE_DEVICE &&
	     got->location.id != want.id))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%s is memory of type %d id %u, the attribute says type %d id %u",
				which, got->location.type, got->location.id,
				want.type, want.id);
	return ACL_SUCCESS;
}

/*
 * Copy @i with attribute @attr: dst and src where it says, and one on the
 * host, one on a device (ApiImpl::MemcpyBatch, ValidateMemCpyParamsAndAttributes).
 * @unregistered: whether either side is unregistered memory.
 */
static aclError check_copy(void *dst, void *src,
			   const aclrtMemcpyBatchAttr *attr,
			   bool *unregistered)
{
	aclrtPtrAttributes d, s;
	aclError ret;

	ret = check_side(dst, attr->dstLoc, &d, "dst");
	if (!ret)
		ret = check_side(src, attr->srcLoc, &s, "src");
	if (ret)
		return ret;
	if (side_of(d.location.type) == side_of(s.location.type))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"only host to device and device to host copies");
	*unregistered = d.location.type == ACL_MEM_LOCATION_TYPE_UNREGISTERED ||
			s.location.type == ACL_MEM_LOCATION_TYPE_UNREGISTERED;
	return ACL_SUCCESS;
}

/* The attribute of copy @i, stepping *@a along attrsIndexes. */
static const aclrtMemcpyBatchAttr *attr_of(size_t i, size_t *a,
					   const aclrtMemcpyBatchAttr *attrs,
					   const size_t *attrsIndexes,
					   size_t numAttrs)
{
	if (*a + 1 < numAttrs && i >= attrsIndexes[*a + 1])
		(*a)++;
	return &attrs[*a];
}

/* memory.cpp MemcpyBatchImpl up to the runtime; *nothing: all sizes are 0 */
static aclError batch_front(void **dsts, size_t *destMaxs, void **srcs,
			    size_t *sizes, size_t n,
			    aclrtMemcpyBatchAttr *attrs, size_t *attrsIndexes,
			    size_t numAttrs, size_t *failIndex, bool *nothing)
{
	*nothing = false;
	if (!sizes)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "sizes is NULL");
	if (!n)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "numBatches is 0");
	if (all_zero(sizes, n)) {
		set_fail(failIndex, SIZE_MAX);
		*nothing = true;
		return ACL_SUCCESS;
	}
	return check_acl(dsts, destMaxs, srcs, sizes, n, attrs, attrsIndexes,
			 numAttrs);
}

static aclError batch_sync(void **dsts, size_t *destMaxs, void **srcs,
			   size_t *sizes, size_t n,
			   aclrtMemcpyBatchAttr *attrs, size_t *attrsIndexes,
			   size_t numAttrs, size_t *failIndex)
{
	bool nothing, unregistered;
	size_t i, a = 0;
	aclError ret;

	ret = batch_front(dsts, destMaxs, srcs, sizes, n, attrs, attrsIndexes,
			  numAttrs, failIndex, &nothing);
	if (ret || nothing)
		return ret;
	set_fail(failIndex, SIZE_MAX);
	ret = check_indexes(n, attrsIndexes, numAttrs, BATCH_MAX);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = check_copy(dsts[i], srcs[i],
				 attr_of(i, &a, attrs, attrsIndexes, numAttrs),
				 &unregistered);
		if (ret) {
			set_fail(failIndex, i);
			return ret;
		}
	}
	/* NpuDriver::MemcpyBatch: the driver makes them all */
	for (i = 0; i < n; i++)
		memmove(dsts[i], srcs[i], sizes[i]);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMemcpyBatch(void **dsts, size_t *destMaxs, void **srcs,
				  size_t *sizes, size_t numBatches,
				  aclrtMemcpyBatchAttr *attrs,
				  size_t *attrsIndexes, size_t numAttrs,
				  size_t *failIndex)
{
	if (!failIndex)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "failIndex is NULL");
	return batch_sync(dsts, destMaxs, srcs, sizes, numBatches, attrs,
			  attrsIndexes, numAttrs, failIndex);
}

ACL_API aclError aclrtMemcpyBatchV2(void **dsts, size_t *destMaxs,
				    void **srcs, size_t *sizes,
				    size_t numBatches,
				    aclrtMemcpyBatchAttr *attrs,
				    size_t *attrsIndexes, size_t numAttrs)
{
	return batch_sync(dsts, destMaxs, srcs, sizes, numBatches, attrs,
			  attrsIndexes, numAttrs, NULL);
}

/*
 * ApiImpl::LoopMemcpyAsync, copy by copy: size 0 or above destMax, a NULL
 * src or dst, an attribute that does not fit: 107000 with *failIndex at
 * the copy (those before it are made). A copy with unregistered memory
 * waits for the stream and is made at once; the others go to the stream,
 * which must be the current context's (107003, *failIndex SIZE_MAX).
 */
static aclError loop_async(void **dsts, size_t *destMaxs, void **srcs,
			   size_t *sizes, size_t n,
			   const aclrtMemcpyBatchAttr *attrs,
			   const size_t *attrsIndexes, size_t numAttrs,
			   size_t *failIndex, aclrtStream stream,
			   uint64_t stream_ctx, uint64_t cur_ctx)
{
	bool unregistered, waited = false;
	size_t i, a = 0;
	aclError ret;

	for (i = 0; i < n; i++) {
		const aclrtMemcpyBatchAttr *attr =
			attr_of(i, &a, attrs, attrsIndexes, numAttrs);

		if (!sizes[i] || sizes[i] > destMaxs[i])
			ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				       "copy %zu: size %zu, destMax %zu", i,
				       sizes[i], destMaxs[i]);
		else if (!srcs[i] || !dsts[i])
			ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				       "copy %zu: NULL address", i);
		else
			ret = check_copy(dsts[i], srcs[i], attr,
					 &unregistered);
		if (ret) {
			set_fail(failIndex, i);
			return ret;
		}
		if (!unregistered && stream && stream_ctx != cur_ctx)
			return acl_fail(ACL_ERROR_RT_STREAM_CONTEXT,
					"the stream is not of the current context");
		if (!waited) {
			ret = acl_stream_check(stream);
			if (ret)
				return ret;
			waited = true;
		}
		memmove(dsts[i], srcs[i], sizes[i]);
	}
	return ACL_SUCCESS;
}

static aclError batch_async(void **dsts, size_t *destMaxs, void **srcs,
			    size_t *sizes, size_t n,
			    aclrtMemcpyBatchAttr *attrs, size_t *attrsIndexes,
			    size_t numAttrs, size_t *failIndex,
			    aclrtStream stream)
{
	uint64_t stream_ctx, cur_ctx;
	bool nothing;
	aclError ret;

	ret = batch_front(dsts, destMaxs, srcs, sizes, n, attrs, attrsIndexes,
			  numAttrs, failIndex, &nothing);
	if (ret || nothing)
		return ret;
	/* rtsMemcpyBatchAsync: RT_VALIDATE_AND_UNWRAP_OBJECT */
	ret = acl_stream_context(stream, &stream_ctx);
	if (ret)
		return ret;
	set_fail(failIndex, SIZE_MAX);
	ret = check_indexes(n, attrsIndexes, numAttrs, SIZE_MAX);
	if (ret)
		return ret;
	/* ApiImpl::MemcpyBatchAsync */
	cur_ctx = acl_current_context(&ret);
	if (ret)
		return ret;
	return loop_async(dsts, destMaxs, srcs, sizes, n, attrs, attrsIndexes,
			  numAttrs, failIndex, stream, stream_ctx, cur_ctx);
}

ACL_API aclError aclrtMemcpyBatchAsync(void **dsts, size_t *destMaxs,
				       void **srcs, size_t *sizes,
				       size_t numBatches,
				       aclrtMemcpyBatchAttr *attrs,
				       size_t *attrsIndexes, size_t numAttrs,
				       size_t *failIndex, aclrtStream stream)
{
	if (!failIndex)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "failIndex is NULL");
	return batch_async(dsts, destMaxs, srcs, sizes, numBatches, attrs,
			   attrsIndexes, numAttrs, failIndex, stream);
}

ACL_API aclError aclrtMemcpyBatchAsyncV2(void **dsts, size_t *destMaxs,
					 void **srcs, size_t *sizes,
					 size_t numBatches,
					 aclrtMemcpyBatchAttr *attrs,
					 size_t *attrsIndexes, size_t numAttrs,
					 aclrtStream stream)
{
	return batch_async(dsts, destMaxs, srcs, sizes, numBatches, attrs,
			   attrsIndexes, numAttrs, NULL, stream);
}
