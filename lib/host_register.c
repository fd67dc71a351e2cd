// SPDX-License-Identifier: MIT
/*
 * aclrtHostRegister / aclrtHostUnregister: host memory made reachable from
 * a device, as CANN serves it on Atlas A2/A3 (memory.cpp
 * aclrtHostRegisterImpl; the runtime's ApiErrorDecorator::HostRegister,
 * ApiImpl::HostRegister, NpuDriver::HostRegister, which asks the driver for
 * a PCIe-through mapping; the driver library's devmm_svm.c halHostRegister
 * and the kernel's svm_master_remote_map.c devmm_ioctl_mem_remote_map).
 *
 * The device pointer is the host address itself. CANN gives the host
 * address back too for aclrtMallocHost memory (devmm_mem_remote_map: the
 * pinned range maps at the same address on the device); for other memory
 * its device builds a second mapping because it cannot see the host's page
 * tables. Here the device is this host, and every host address is already
 * a device address, so a second mapping would only add a second name for
 * the same pages.
 *
 * CANN pins the pages (devmm_pin_user_pages_fast, for writing); aclmem
 * faults them in for writing instead (MADV_POPULATE_WRITE), which fails
 * where the pinning fails: on a hole or on memory that cannot be written.
 * Registrations are per device, as the driver keeps them
 * (devmm_judge_shm_node_overlap); aclrtMallocHost pages once registered
 * are taken for every device (devmm_check_and_set_remote_map_state marks
 * the page itself).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

struct host_reg {
	struct host_reg *next;
	uintptr_t addr;
	uint64_t size;		/* as asked */
	uint64_t span;		/* rounded up to pages: what the driver maps */
	int32_t device;
	bool pinned_host;	/* aclrtMallocHost memory */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_reg *regs;

bool acl_host_registered(uintptr_t addr)
{
	struct host_reg *r;
	bool found = false;

	/* the runtime's IsRegisteredMemory: [ptr, ptr + size) as registered */
	pthread_mutex_lock(&reg_lock);
	for (r = regs; r && !found; r = r->next)
		found = addr >= r->addr && addr - r->addr < r->size;
	pthread_mutex_unlock(&reg_lock);
	return found;
}

/* Under reg_lock: whether [addr, +span) is registered for @device already. */
static bool reg_overlaps(uintptr_t addr, uint64_t span, int32_t device,
			 bool pinned_host)
{
	struct host_reg *r;

	for (r = regs; r; r = r->next) {
		if (r->device != device && !(pinned_host && r->pinned_host))
			continue;
		if (addr < r->addr + r->span && r->addr < addr + span)
			return true;
	}
	return false;
}

/*
 * The kernel's checks of the memory behind a registration
 * (devmm_check_map_para and what follows it), in its order.
 */
static aclError check_memory(uintptr_t addr, uint64_t span,
			     const struct acl_va_info *info)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	switch (info->kind) {
	case ACL_VA_MALLOC:
		/* devmm_svm_mem_map_para_check: locked device memory */
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%#lx is device memory", (unsigned long)addr);
	case ACL_VA_MAPPED:
		if (info->home != ACL_HOME_HOST)
			return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					"%#lx is device memory",
					(unsigned long)addr);
		/* devmm_check_and_set_remote_map_state */
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"host memory of a reservation cannot be registered");
	case ACL_VA_UNMAPPED:
		/* devmm_check_map_para: no memory type */
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"nothing is mapped at %#lx",
				(unsigned long)addr);
	case ACL_VA_HOST:
		if (span > info->base + info->size - addr)
			return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					"the range runs past the aclrtMallocHost allocation");
		break;
	case ACL_VA_NONE:
		break;
	}
	/* devmm_local_host_map_para_check: page aligned */
	if (addr % page)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%#lx is not page aligned",
				(unsigned long)addr);
	return ACL_SUCCESS;
}

/*
 * devmm_local_va_to_pages_list pins the pages for writing, -EFAULT when
 * there is no vma or a page cannot be had (107017);
 * devmm_io_va_to_pages_list wants a PFN map that is not RAM, and this
 * process has no IO memory to give it (-EINVAL: 507899).
 */
static aclError take_pages(uintptr_t addr, uint64_t span,
			   aclrtHostRegisterType type)
{
	if (type & ACL_HOST_REGISTER_IOMEMORY) {
		/* MS_ASYNC does nothing but tell a hole (ENOMEM) */
		if (msync((void *)addr, span, MS_ASYNC))
			return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
					"[%#lx, +%lu) is not all mapped",
					(unsigned long)addr,
					(unsigned long)span);
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the range is RAM, not IO memory");
	}
	if (madvise((void *)addr, span, MADV_POPULATE_WRITE))
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"[%#lx, +%lu) is not writable memory (%s)",
				(unsigned long)addr, (unsigned long)span,
				strerror(errno));
	return ACL_SUCCESS;
}

ACL_API aclError aclrtHostRegister(void *ptr, uint64_t size,
				   aclrtHostRegisterType type, void **devPtr)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uintptr_t addr = (uintptr_t)ptr;
	struct acl_va_info info;
	struct host_reg *reg;
	int32_t device;
	uint64_t span;
	aclError ret;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	if (!devPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "devPtr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	/* ApiErrorDecorator::HostRegister: an OR of IOMEMORY and READONLY */
	if ((uint32_t)type & ~(uint32_t)(ACL_HOST_REGISTER_IOMEMORY |
					 ACL_HOST_REGISTER_READONLY))
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"unknown register type %#x", (unsigned int)type);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	/* devmm_remote_map_input_check: no read-only PCIe-through or IO map */
	if (type & ACL_HOST_REGISTER_READONLY)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"read-only registration is not supported");
	if (size > UINT64_MAX - addr - page)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"size %lu is too large", (unsigned long)size);
	span = (size + page - 1) & ~(page - 1);
	acl_va_query(addr, &info);
	ret = check_memory(addr, span, &info);
	if (ret)
		return ret;

	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	*reg = (struct host_reg){ .addr = addr, .size = size, .span = span,
				  .device = device,
				  .pinned_host = info.kind == ACL_VA_HOST };
	pthread_mutex_lock(&reg_lock);
	if (reg_overlaps(addr, span, device, reg->pinned_host))
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "the range is registered already");
	else
		ret = take_pages(addr, span, type);
	if (!ret) {
		reg->next = regs;
		regs = reg;
	}
	pthread_mutex_unlock(&reg_lock);
	if (ret) {
		free(reg);
		return ret;
	}
	*devPtr = ptr;
	return ACL_SUCCESS;
}

/*
 * ApiImpl::HostUnregister; devmm_svm.c halHostUnregister finds the
 * registration by its start on the current device, else
 * DRV_ERROR_NOT_EXIST: ACL_ERROR_HOST_MEMORY_NOT_REGISTERED.
 */
ACL_API aclError aclrtHostUnregister(void *ptr)
{
	struct host_reg **pp, *found = NULL;
	int32_t device;
	aclError ret;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	pthread_mutex_lock(&reg_lock);
	for (pp = &regs; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == (uintptr_t)ptr && (*pp)->device == device) {
			found = *pp;
			*pp = found->next;
			break;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	if (!found)
		return acl_fail(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
				"%p is not registered on device %d", ptr,
				device);
	free(found);
	return ACL_SUCCESS;
}
