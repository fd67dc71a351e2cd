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

	if (handle->token)
		acl_share_forget(handle);
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

/* One more user reference, unless the caller's have all been dropped. */
bool acl_handle_retain_live(struct acl_handle *handle)
{
	struct handle_shard *shard = handle_shard(handle);
	bool live;

	pthread_mutex_lock(&shard->lock);
	live = handle->user_refs;
	if (live)
		handle->user_refs++;
	pthread_mutex_unlock(&shard->lock);
	return live;
}

/*
 * A new handle for kernel handle @kid, with one user reference: @home is
 * where it is mapped from (its device, or the host), @prop what it reports.
 * On error the kernel handle is freed.
 */
aclError acl_handle_publish(uint32_t kid, uint64_t size, uint64_t page_size,
			    uint64_t offset, int32_t home,
			    const struct acl_drv_prop *prop,
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
	handle->home = home;
	handle->prop = *prop;

	shard = handle_shard(handle);
	pthread_mutex_lock(&shard->lock);
	handle->next = shard->head;
	shard->head = handle;
	pthread_mutex_unlock(&shard->lock);
	*out = handle;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMemGetAllocationGranularity(aclrtPhysicalMemProp *prop,
						  aclrtMemGranularityOptions option,
						  size_t *granularity)
{
	struct acl_drv_prop drv;
	aclError ret;

	/* memory.cpp aclrtMemGetAllocationGranularityImpl, then the runtime */
	if (!prop || !granularity)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = acl_prop_attr(prop, &drv);
	if (!ret)
		ret = acl_prop_side(&drv, false);
	if (ret)
		return ret;
	/* devmm_svm.c halMemGetAllocationGranularity: option first */
	if (option != ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM &&
	    option != ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"granularity option %d is not supported",
				option);
	ret = acl_prop_check(&drv, false);
	if (ret)
		return ret;
	*granularity = acl_prop_page_size(&drv);
	return ACL_SUCCESS;
}

/* The acl layer's own checks of aclrtMallocPhysical (aclrtMallocPhysicalImpl). */
static aclError malloc_physical_args(const aclrtPhysicalMemProp *prop,
				     size_t size, uint64_t flags)
{
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (flags)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"flags is reserved and must be 0");
	if (prop->handleType != ACL_MEM_HANDLE_TYPE_NONE)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"handleType %d: only ACL_MEM_HANDLE_TYPE_NONE",
				prop->handleType);
	if (prop->allocationType != ACL_MEM_ALLOCATION_TYPE_PINNED)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"allocationType must be PINNED");
	if (prop->location.type == ACL_MEM_LOCATION_TYPE_UNREGISTERED ||
	    prop->location.type == ACL_MEM_LOCATION_TYPE_MANAGED)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"location type %d is not supported",
				prop->location.type);
	return ACL_SUCCESS;
}

/* The NUMA node the pages of @drv come from, 507899 for a bad one. */
static aclError prop_node(const struct acl_drv_prop *drv, uint32_t *node)
{
	switch (drv->side) {
	case ACL_DRV_SIDE_DEVICE:
		*node = acl_device_node(drv->devid);
		return ACL_SUCCESS;
	case ACL_DRV_SIDE_NUMA:
		/* svm_master_mem_create.c devmm_host_numa_id_check */
		if (drv->devid != ACLMEM_NODE_ANY &&
		    !acl_node_online(drv->devid))
			return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					"NUMA node %u is not online",
					drv->devid);
		*node = drv->devid;
		return ACL_SUCCESS;
	default:
		*node = ACLMEM_NODE_ANY;
		return ACL_SUCCESS;
	}
}

ACL_API aclError aclrtMallocPhysical(aclrtDrvMemHandle *h, size_t size,
				     const aclrtPhysicalMemProp *prop,
				     uint64_t flags)
{
	struct aclmem_alloc cmd = { 0 };
	struct acl_drv_prop drv;
	uint64_t page_size;
	uint32_t node = ACLMEM_NODE_ANY;
	aclError ret;
	int err;

	if (!h || !prop)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = malloc_physical_args(prop, size, flags);
	if (!ret)
		ret = acl_prop_attr(prop, &drv);
	if (!ret)
		ret = acl_prop_side(&drv, true);
	if (!ret)
		ret = acl_prop_check(&drv, true);
	if (ret)
		return ret;

	/* devmm_svm.c devmm_vmm_mem_create: 1 GiB sizes round up */
	page_size = acl_prop_page_size(&drv);
	if (page_size == SZ_1G) {
		if (size > SIZE_MAX - (SZ_1G - 1))
			return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
					"size %zu is too large", size);
		size = (size + SZ_1G - 1) & ~(SZ_1G - 1);
	}
	/* svm_master_mem_create.c devmm_ioctl_mem_create_para_check */
	if (size % SZ_2M)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"size %zu is not a multiple of 2 MiB", size);
	ret = prop_node(&drv, &node);
	if (ret)
		return ret;

	cmd.size = size;
	cmd.page_size = page_size;
	cmd.node = node;
	err = aclmem_ioctl(ACLMEM_IOC_ALLOC, &cmd);
	if (err)
		return acl_fail_errno(-err, "allocating physical memory");
	return acl_handle_publish(cmd.out_handle, size, page_size,
				  cmd.out_offset,
				  drv.side == ACL_DRV_SIDE_DEVICE ?
				  (int32_t)drv.devid : ACL_HOME_HOST, &drv, h);
}

ACL_API aclError aclrtFreePhysical(aclrtDrvMemHandle h)
{
	struct handle_shard *shard = handle_shard(h);
	struct acl_handle *handle;
	bool last;

	if (!h)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	pthread_mutex_lock(&shard->lock);
	handle = handle_find(shard, h);
	if (!handle) {
		pthread_mutex_unlock(&shard->lock);
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a live handle", h);
	}
	if (!handle->user_refs) {
		/* devmm_svm.c devmm_vmm_handle_ref_check: freed once already */
		pthread_mutex_unlock(&shard->lock);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p was freed already; its mappings hold it", h);
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
	struct acl_drv_prop drv;

	if (!h || !prop)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	pthread_mutex_lock(&shard->lock);
	handle = handle_find_live(shard, h);
	if (handle)
		drv = handle->prop;
	pthread_mutex_unlock(&shard->lock);
	if (!handle)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%p is not a live handle", h);
	return acl_prop_rebuild(&drv, prop);
}
