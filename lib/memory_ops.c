/* SPDX-License-Identifier: MIT */
/*
 * Memory calls served on top of the others, as hicann/runtime serves them:
 * the acl layer (src/acl/aclrt_impl/memory.cpp aclrtMallocHostWithCfgImpl,
 * aclrtMemcpyAsyncWithConditionImpl, aclrtCmoAsyncImpl,
 * aclrtMemMapSelectedLinkImpl), the runtime's entry points
 * (api_c_memory.cc rtsMallocHost, rtMemMapSelectedLink;
 * api_c_standard_soc.cc rtCmoAsync; api_c.cc rtMemcpyAsyncEx) and what it
 * does (api_impl.cc ApiImpl::HostMallocWithCfg, GetMallocHostConfigAttr,
 * MemMapSelectedLink), as on A2/A3.
 */
#include "internal.h"

/* RT_CMO_PREFETCH: the runtime's code of ACL_RT_CMO_TYPE_PREFETCH */
#define RT_CMO_PREFETCH	6

/*
 * NULL ptr, size 0: 100000; cfg without attrs, an attribute other than
 * the module id or the VA flag: 107000; then aclrtMallocHost (a current
 * context, 107002). The module id only labels the memory for the driver's
 * accounting; the VA flag asks for host memory the device reaches at the
 * same address, which all memory here is.
 */
ACL_API aclError aclrtMallocHostWithCfg(void **ptr, uint64_t size,
					aclrtMallocConfig *cfg)
{
	size_t i;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (cfg && !cfg->attrs)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"cfg->attrs is NULL");
	for (i = 0; cfg && i < (uint32_t)cfg->numAttrs; i++)
		if (cfg->attrs[i].attr != ACL_RT_MEM_ATTR_MODULE_ID &&
		    cfg->attrs[i].attr != ACL_RT_MEM_ATTR_VA_FLAG)
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"attribute %d: MODULE_ID or VA_FLAG",
					(int)cfg->attrs[i].attr);
	return aclrtMallocHost(ptr, size);
}

/* Deprecated in CANN for aclrtMemcpyAsync, which it is here. */
ACL_API aclError aclrtMemcpyAsyncWithCondition(void *dst, size_t destMax,
					       const void *src, size_t count,
					       aclrtMemcpyKind kind,
					       aclrtStream stream)
{
	if (!count)
		return ACL_SUCCESS;
	if (!dst || !src)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return aclrtMemcpyAsync(dst, destMax, src, count, kind, stream);
}

/*
 * NULL src, size 0: 100000; a type past FLUSH 207000 (rtCmoAsync); then
 * the stream (107017, 107002). A cache operation on the device's L2 has
 * nothing to do on host memory, which the CPU keeps coherent: it is done
 * in stream order.
 */
ACL_API aclError aclrtCmoAsync(void *src, size_t size, aclrtCmoType cmoType,
			       aclrtStream stream)
{
	if (!src)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "src is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if ((uint32_t)cmoType > ACL_RT_CMO_TYPE_FLUSH)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"cmo type %u (runtime %u): PREFETCH, WRITEBACK, INVALID or FLUSH",
				(uint32_t)cmoType,
				(uint32_t)cmoType + RT_CMO_PREFETCH);
	return acl_stream_check(stream);
}

/*
 * NULLs, size 0, a link other than 0 or 1: 100000. Then, mapping by
 * mapping from virPtrSrc until size is covered, as ApiImpl::MemMapSelectedLink:
 * the mapping there (aclrtMemGetAddressRange; not its start: 107000), its
 * handle (aclrtMemRetainAllocationHandle), mapped whole at virPtrDst
 * (aclrtMapMem), the reference dropped (aclrtFreePhysical). The link a
 * mapping goes over is the driver's route attribute; every route here is
 * the same memory bus.
 */
ACL_API aclError aclrtMemMapSelectedLink(void *virPtrDst, size_t size,
					 void *virPtrSrc, uint32_t linkIdx)
{
	char *dst = virPtrDst, *src = virPtrSrc;
	aclrtDrvMemHandle handle;
	size_t done = 0, base_size;
	void *base;
	aclError ret;

	if (!virPtrDst || !virPtrSrc)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL address");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (linkIdx > ACL_RT_MEM_LINK_IDX_1)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"linkIdx %u: 0 or 1", linkIdx);
	while (done < size) {
		ret = aclrtMemGetAddressRange(src, &base, &base_size);
		if (ret)
			return ret;
		if (base != src)
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"%p is not the start of its mapping (%p)",
					(void *)src, base);
		ret = aclrtMemRetainAllocationHandle(base, &handle);
		if (ret)
			return ret;
		ret = aclrtMapMem(dst, base_size, 0, handle, 0);
		if (ret) {
			(void)aclrtFreePhysical(handle);
			return ret;
		}
		ret = aclrtFreePhysical(handle);
		if (ret)
			return ret;
		src += base_size;
		dst += base_size;
		done += base_size;
	}
	return ACL_SUCCESS;
}
