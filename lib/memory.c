// SPDX-License-Identifier: MIT
/*
 * Copies, fills, plain allocations and memory information. Device memory
 * is host memory mapped from /dev/aclmem, so copies are host copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * The checks of hicann/runtime memory.cpp aclrtMemcpyImpl (count 0 first,
 * then the pointers and MemcpyKindTranslate: 100000) and of the runtime's
 * ApiErrorDecorator::MemCopySync (destMax, count: 107000).
 */
ACL_API aclError aclrtMemcpy(void *dst, size_t destMax, const void *src,
			     size_t count, aclrtMemcpyKind kind)
{
	int32_t device;
	aclError ret;

	if (!count)
		return ACL_SUCCESS;
	if (!dst || !src)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if ((unsigned int)kind > ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"unknown copy kind %d", kind);
	if (!destMax || count > destMax)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"count %zu, destMax %zu", count, destMax);
	/* ApiErrorDecorator::MemCopySync: a copy onto itself is done */
	if (dst == src)
		return ACL_SUCCESS;
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	memmove(dst, src, count);
	return ACL_SUCCESS;
}

/* memory.cpp aclrtMemsetImpl; the driver's drvMemsetD8Inner: 107000. */
ACL_API aclError aclrtMemset(void *devPtr, size_t maxCount, int32_t value,
			     size_t count)
{
	int32_t device;
	aclError ret;

	if (!count)
		return ACL_SUCCESS;
	if (!devPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devPtr is NULL");
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	if (count > maxCount)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"count %zu exceeds maxCount %zu", count,
				maxCount);
	memset(devPtr, value, count);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src,
				  size_t count, aclrtMemcpyKind kind,
				  aclrtStream stream)
{
	aclError ret;

	/* memory.cpp aclrtMemcpyAsyncImpl: a count of 0 is done at once */
	if (!count)
		return ACL_SUCCESS;
	ret = acl_stream_check(stream);
	return ret ? ret : aclrtMemcpy(dst, destMax, src, count, kind);
}

ACL_API aclError aclrtMemsetAsync(void *devPtr, size_t maxCount,
				  int32_t value, size_t count,
				  aclrtStream stream)
{
	aclError ret;

	if (!count)
		return ACL_SUCCESS;
	ret = acl_stream_check(stream);
	return ret ? ret : aclrtMemset(devPtr, maxCount, value, count);
}

/*
 * memory.cpp aclMallocMemInner and aclrtMallocCachedImpl: devPtr, a size of
 * 0, and a size that does not survive CANN's 32-byte alignment plus
 * @append bytes are 100000; then the runtime wants a context. aclmem
 * rounds the size up to the page size, without CANN's padding.
 */
static aclError malloc_device(void **devPtr, size_t size, size_t append,
			      uint64_t page_size)
{
	int32_t device;
	aclError ret;

	if (!devPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devPtr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (size + append < size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size %zu is too large",
				size);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	return acl_va_malloc(devPtr, size, page_size, device);
}

#define MALLOC_ALIGN	32	/* DATA_MEMORY_ALIGN_SIZE */
#define MALLOC_PADDING	32	/* the SoC's padding_size */

static bool huge1g_policy(aclrtMemMallocPolicy policy)
{
	return policy == ACL_MEM_MALLOC_HUGE1G_ONLY ||
	       policy == ACL_MEM_MALLOC_HUGE1G_ONLY_P2P;
}

/*
 * A policy is one of the values exactly (anything else is the default
 * one); the 1 GiB policies get no padding.
 */
ACL_API aclError aclrtMalloc(void **devPtr, size_t size,
			     aclrtMemMallocPolicy policy)
{
	bool huge1g = huge1g_policy(policy);

	return malloc_device(devPtr, size,
			     MALLOC_ALIGN + (huge1g ? 0 : MALLOC_PADDING),
			     huge1g ? SZ_1G : SZ_2M);
}

/* memory.cpp aclrtMallocAlign32Impl: aclMallocMemInner without padding. */
ACL_API aclError aclrtMallocAlign32(void **devPtr, size_t size,
				    aclrtMemMallocPolicy policy)
{
	return malloc_device(devPtr, size, MALLOC_ALIGN,
			     huge1g_policy(policy) ? SZ_1G : SZ_2M);
}

/*
 * memory.cpp aclrtMallocCachedImpl: padded like aclrtMalloc, but only
 * ACL_MEM_MALLOC_HUGE1G_ONLY asks for 1 GiB pages (the P2P policies fall
 * to the default flags). Memory is coherent here: cached memory is plain
 * device memory.
 */
ACL_API aclError aclrtMallocCached(void **devPtr, size_t size,
				   aclrtMemMallocPolicy policy)
{
	bool huge1g = huge1g_policy(policy);

	return malloc_device(devPtr, size,
			     MALLOC_ALIGN + (huge1g ? 0 : MALLOC_PADDING),
			     policy == ACL_MEM_MALLOC_HUGE1G_ONLY ? SZ_1G :
								   SZ_2M);
}

ACL_API aclError aclrtFree(void *devPtr)
{
	if (!devPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devPtr is NULL");
	return acl_va_free(devPtr);
}

/* memory.cpp aclrtMallocHostImpl; the runtime's ApiImpl::HostMalloc. */
ACL_API aclError aclrtMallocHost(void **hostPtr, size_t size)
{
	int32_t device;
	aclError ret;

	if (!hostPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "hostPtr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	return acl_va_malloc_host(hostPtr, size);
}

ACL_API aclError aclrtFreeHost(void *hostPtr)
{
	if (!hostPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "hostPtr is NULL");
	return acl_va_free_host(hostPtr);
}

/* "MemTotal" and "MemFree" of a node's meminfo, in bytes. */
static int node_meminfo(int node, size_t *total, size_t *free_bytes)
{
	unsigned long long kb;
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "re");
	if (!f)
		f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "MemTotal:");
		const char *q = strstr(line, "MemFree:");

		if (p && sscanf(p + 9, "%llu", &kb) == 1) {
			*total = kb << 10;
			found |= 1;
		} else if (q && sscanf(q + 8, "%llu", &kb) == 1) {
			*free_bytes = kb << 10;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

ACL_API aclError aclrtGetMemInfo(aclrtMemAttr attr, size_t *freeBytes,
				 size_t *totalBytes)
{
	struct aclmem_info info = { 0 };
	size_t total, free_bytes;
	int32_t device;
	aclError ret;
	unsigned int i;

	if (!freeBytes || !totalBytes)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	/* the runtime's ApiErrorDecorator::MemGetInfoEx */
	if ((unsigned int)attr > ACL_MEM_P2P_HUGE1G)
		return acl_fail(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
				"unknown memory attribute %d", attr);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	if (node_meminfo(acl_device_node(device), &total, &free_bytes))
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"cannot read the node's meminfo");
	/* Free pages held by the pools are free for us too. */
	if (!aclmem_ioctl(ACLMEM_IOC_INFO, &info))
		for (i = 0; i < ACLMEM_NR_POOLS; i++)
			free_bytes += info.out_pools[i].free *
				      info.out_pools[i].page_size;
	*freeBytes = free_bytes < total ? free_bytes : total;
	*totalBytes = total;
	return ACL_SUCCESS;
}
