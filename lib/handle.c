// SPDX-License-Identifier: MIT
/*
 * Physical-memory handles: aclrtMallocPhysical and friends.
 *
 * Live handles sit in a table of 64 shards hashed by address, so a freed or
 * made-up handle is recognised (107017) without ever being dereferenced, and
 * threads working on different handles rarely share a lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HANDLE_SHARDS 64

static struct handle_shard {
	pthread_mutex_t lock;
	struct acl_handle *head;
} handle_shards[HANDLE_SHARDS] = {
	[0 ... HANDLE_SHARDS - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};

static struct handle_shard *handle_shard(const void *h)
{
	uintptr_t v = (uintptr_t)h;

	return &handle_shards[(v >> 6 ^ v >> 12) % HANDLE_SHARDS];
}

/* Under the shard lock: is @h a live handle of @shard? */
static struct acl_handle *handle_find(struct handle_shard *shard, const void *h)
{
	struct acl_handle *it;

	for (it = shard->head; it; it = it->next)
		if (it == h)
			return it;
	return NULL;
}

static void handle_unlink(struct handle_shard *shard, struct acl_handle *handle)
{
	struct acl_handle **pp;

	for (pp = &shard->head; *pp; pp = &(*pp)->next) {
		if (*pp == handle) {
			*pp = handle->next;
			return;
		}
	}
}

static void handle_destroy(struct acl_handle *handle)
{
	struct aclmem_free cmd = { .handle = handle->kid };

	aclmem_ioctl(ACLMEM_IOC_FREE, &cmd);
	free(handle);
}

/* A handle the caller may name: live, with a user reference left. */
static struct acl_handle *handle_find_live(struct handle_shard *shard,
					   const void *h)
{
	struct acl_handle *handle = handle_find(shard, h);

	return handle && handle->user_refs ? handle : NULL;
}

aclError acl_handle_map_get(aclrtDrvMemHandle h, struct acl_handle **out)
{
	struct handle_shard *shard = handle_shard(h);
	struct acl_handle *handle;

	if (!h)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	pthread_mutex_lock(&shard->lock);
	handle = handle_find_live(shard, h);
	if (handle)
		handle->map_refs++;
	pthread_mutex_unlock(&shard->lock);
	if (!handle)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a live handle", h);
	*out = handle;
	return ACL_SUCCESS;
}

/* Drop a mapping's reference; the last reference frees the kernel handle. */
void acl_handle_map_put(struct acl_handle *handle)
{
	struct handle_shard *shard = handle_shard(handle);
	bool last;

	pthread_mutex_lock(&shard->lock);
	handle->map_refs--;
	last = !handle->user_refs && !handle->map_refs;
	if (last)
		handle_unlink(shard, handle);
	pthread_mutex_unlock(&shard->lock);
	if (last)
		handle_destroy(handle);
}

/* One more user reference on a handle that a mapping keeps alive. */
aclError acl_handle_retain(struct acl_handle *handle)
{
	struct handle_shard *shard = handle_shard(handle);

	pthread_mutex_lock(&shard->lock);
	handle->user_refs++;
	pthread_mutex_unlock(&shard->lock);
	return ACL_SUCCESS;
}

/*
 * A new handle for kernel handle @kid, with one user reference. On error
 * the kernel handle is freed.
 */
aclError acl_handle_publish(uint32_t kid, uint64_t size, uint64_t page_size,
			    uint64_t offset, const aclrtPhysicalMemProp *prop,
			    aclrtDrvMemHandle *out)
{
	struct aclmem_free cmd = { .handle = kid };
	struct handle_shard *shard;
	struct acl_handle *handle;

	handle = calloc(1, sizeof(*handle));
	if (!handle) {
		aclmem_ioctl(ACLMEM_IOC_FREE, &cmd);
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	}
	handle->user_refs = 1;
	handle->kid = kid;
	handle->size = size;
	handle->page_size = page_size;
	handle->offset = offset;
	handle->prop = *prop;

	shard = handle_shard(handle);
	pthread_mutex_lock(&shard->lock);
	handle->next = shard->head;
	shard->head = handle;
	pthread_mutex_unlock(&shard->lock);
	*out = handle;
	return ACL_SUCCESS;
}

/* The page size that serves @attr, or 0 when aclmem does not serve it. */
static uint64_t attr_page_size(aclrtMemAttr attr)
{
	switch (attr) {
	case ACL_HBM_MEM_HUGE:
	case ACL_HBM_MEM_NORMAL:
	case ACL_HBM_MEM_P2P_HUGE:
	case ACL_HBM_MEM_P2P_NORMAL:
	case ACL_MEM_NORMAL:
	case ACL_MEM_HUGE:
	case ACL_MEM_P2P_NORMAL:
	case ACL_MEM_P2P_HUGE:
		return SZ_2M;
	case ACL_HBM_MEM_HUGE1G:
	case ACL_HBM_MEM_P2P_HUGE1G:
	case ACL_MEM_HUGE1G:
	case ACL_MEM_P2P_HUGE1G:
		return SZ_1G;
	default:
		return 0;
	}
}

static aclError prop_page_size(const aclrtPhysicalMemProp *prop,
			       uint64_t *page_size)
{
	if ((unsigned int)prop->memAttr > ACL_MEM_P2P_HUGE1G)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown memAttr %d", prop->memAttr);
	*page_size = attr_page_size(prop->memAttr);
	if (!*page_size)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"memAttr %d (DDR) is not served",
				prop->memAttr);
	return ACL_SUCCESS;
}

/* The NUMA node the pages of @prop come from. */
static aclError prop_node(const aclrtPhysicalMemProp *prop, uint32_t *node)
{
	switch (prop->location.type) {
	case ACL_MEM_LOCATION_TYPE_DEVICE:
		if (prop->location.id >= (uint32_t)acl_device_count())
			return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
					"device %u does not exist",
					prop->location.id);
		*node = acl_device_node(prop->location.id);
		return ACL_SUCCESS;
	case ACL_MEM_LOCATION_TYPE_HOST:
		*node = ACLMEM_NODE_ANY;
		return ACL_SUCCESS;
	case ACL_MEM_LOCATION_TYPE_HOST_NUMA:
		if (!acl_node_online(prop->location.id))
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"NUMA node %u is not online",
					prop->location.id);
		*node = prop->location.id;
		return ACL_SUCCESS;
	default:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"location type %d is not served",
				prop->location.type);
	}
}

ACL_API aclError aclrtMemGetAllocationGranularity(aclrtPhysicalMemProp *prop,
						  aclrtMemGranularityOptions option,
						  size_t *granularity)
{
	uint64_t page_size;
	aclError ret;

	if (!prop || !granularity)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (option != ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM &&
	    option != ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown granularity option %d", option);
	ret = prop_page_size(prop, &page_size);
	if (ret)
		return ret;
	*granularity = page_size;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMallocPhysical(aclrtDrvMemHandle *h, size_t size,
				     const aclrtPhysicalMemProp *prop,
				     uint64_t flags)
{
	struct aclmem_alloc cmd = { 0 };
	uint32_t node = ACLMEM_NODE_ANY;
	uint64_t page_size;
	aclError ret;
	int err;

	if (!h || !prop)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (flags)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags must be 0");
	if (prop->handleType != ACL_MEM_HANDLE_TYPE_NONE &&
	    prop->handleType != ACL_MEM_HANDLE_TYPE_POSIX)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown handleType %d", prop->handleType);
	if (prop->allocationType != ACL_MEM_ALLOCATION_TYPE_PINNED)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"allocationType must be PINNED");
	if (prop->reserve)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"reserve must be 0");
	ret = prop_page_size(prop, &page_size);
	if (ret)
		return ret;
	if (!size || size % page_size)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"size %zu is not a multiple of %lu", size,
				(unsigned long)page_size);
	ret = prop_node(prop, &node);
	if (ret)
		return ret;

	cmd.size = size;
	cmd.page_size = page_size;
	cmd.node = node;
	err = aclmem_ioctl(ACLMEM_IOC_ALLOC, &cmd);
	if (err)
		return acl_fail_errno(-err, "allocating physical memory");
	return acl_handle_publish(cmd.out_handle, size, page_size,
				  cmd.out_offset, prop, h);
}

ACL_API aclError aclrtFreePhysical(aclrtDrvMemHandle h)
{
	struct handle_shard *shard = handle_shard(h);
	struct acl_handle *handle;
	bool last;

	if (!h)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	pthread_mutex_lock(&shard->lock);
	handle = handle_find_live(shard, h);
	if (!handle) {
		pthread_mutex_unlock(&shard->lock);
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a live handle", h);
	}
	handle->user_refs--;
	last = !handle->user_refs && !handle->map_refs;
	if (last)
		handle_unlink(shard, handle);
	pthread_mutex_unlock(&shard->lock);
	if (last)
		handle_destroy(handle);
	return ACL_SUCCESS;
}

ACL_API aclError
aclrtMemGetAllocationPropertiesFromHandle(aclrtDrvMemHandle h,
					  aclrtPhysicalMemProp *prop)
{
	struct handle_shard *shard = handle_shard(h);
	struct acl_handle *handle;

	if (!h || !prop)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	pthread_mutex_lock(&shard->lock);
	handle = handle_find_live(shard, h);
	if (handle)
		*prop = handle->prop;
	pthread_mutex_unlock(&shard->lock);
	if (!handle)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a live handle", h);
	return ACL_SUCCESS;
}
