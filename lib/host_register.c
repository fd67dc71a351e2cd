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
 *
 * aclrtHostRegisterV2 / aclrtHostGetDevicePointer / aclrtHostMemMapCapabilities
 * (memory.cpp; ApiErrorDecorator and ApiImpl of the same names;
 * register_memory.cc; NpuDriver::HostGetDevPointer, the driver library's
 * halMemHostGetDevPointer and halHostRegisterCapabilities). The driver
 * mirrored has no FEATURE_SVM_MEM_REGISTER_HOST_PINNED (its halSupportFeature
 * stops at 12), so the runtime takes its own path: it keeps a process-wide
 * table of registered ranges, refuses a V2 range that meets any of them
 * (507910), hands MAPPED (and IOMEMORY, READONLY) to the driver as
 * aclrtHostRegister does, and records PINNED in its table only, pinning
 * nothing. Each struct host_reg here is a row of that table: a driver
 * registration of one device (mapped), the runtime's PINNED record
 * (pinned), or both.
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
	bool mapped;		/* a driver registration on @device */
	bool pinned;		/* aclrtHostRegisterV2's PINNED record */
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
		if (!r->mapped)
			continue;
		if (r->device != device && !(pinned_host && r->pinned_host))
			continue;
		if (addr < r->addr + r->span && r->addr < addr + span)
			return true;
	}
	return false;
}

/*
 * Under reg_lock: register_memory.cc CheckMemoryRangeRegistered, whether
 * [addr, addr + size - 1] meets a row of the runtime's table, whatever its
 * device or kind.
 */
static bool rt_overlaps(uintptr_t addr, uint64_t size)
{
	const uint64_t end = addr + size - 1;
	struct host_reg *r;

	for (r = regs; r; r = r->next)
		if (r->addr <= end && r->addr + r->size - 1 >= addr)
			return true;
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

/*
 * NpuDriver::HostRegister and what lies below it, for @type, an OR of
 * IOMEMORY and READONLY, on @device. With @v2, first the V2 runtime's
 * check of its table (507910), and @pinned is recorded with the row.
 */
static aclError driver_register(void *ptr, uint64_t size, uint32_t type,
				int32_t device, bool v2, bool pinned)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uintptr_t addr = (uintptr_t)ptr;
	struct acl_va_info info;
	struct host_reg *reg;
	uint64_t span;
	aclError ret;

	if (v2) {
		bool taken;

		pthread_mutex_lock(&reg_lock);
		taken = rt_overlaps(addr, size);
		pthread_mutex_unlock(&reg_lock);
		if (taken)
			return acl_fail(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
					"the range is registered already");
	}
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
				  .pinned_host = info.kind == ACL_VA_HOST,
				  .mapped = true, .pinned = pinned };
	pthread_mutex_lock(&reg_lock);
	if (reg_overlaps(addr, span, device, reg->pinned_host))
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "the range is registered already");
	else if (v2 && rt_overlaps(addr, size))
		/* another thread's V2 registration came in between */
		ret = acl_fail(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
			       "the range is registered already");
	else
		ret = take_pages(addr, span, (aclrtHostRegisterType)type);
	if (!ret) {
		reg->next = regs;
		regs = reg;
	}
	pthread_mutex_unlock(&reg_lock);
	if (ret)
		free(reg);
	return ret;
}

ACL_API aclError aclrtHostRegister(void *ptr, uint64_t size,
				   aclrtHostRegisterType type, void **devPtr)
{
	int32_t device;
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
	ret = driver_register(ptr, size, (uint32_t)type, device, false, false);
	if (ret)
		return ret;
	*devPtr = ptr;
	return ACL_SUCCESS;
}

#define HOST_REG_V2_FLAGS (ACL_HOST_REG_MAPPED | ACL_HOST_REG_IOMEMORY | \
			   ACL_HOST_REG_READONLY | ACL_HOST_REG_PINNED)

/*
 * memory.cpp aclrtHostRegisterV2Impl: ptr, size; ApiErrorDecorator: a
 * non-empty OR of the four flags (107000); ApiImpl::HostRegisterV2:
 * the context (107002), the table (507910); MAPPED, IOMEMORY or READONLY
 * register with the driver as aclrtHostRegister does (PINNED left out,
 * MAPPED meaning the driver's default); PINNED alone touches nothing.
 */
ACL_API aclError aclrtHostRegisterV2(void *ptr, uint64_t size, uint32_t flag)
{
	const uint32_t driver_flags = ACL_HOST_REG_MAPPED |
				      ACL_HOST_REG_IOMEMORY |
				      ACL_HOST_REG_READONLY;
	const bool pinned = flag & ACL_HOST_REG_PINNED;
	struct host_reg *reg;
	int32_t device;
	aclError ret;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (!(flag & HOST_REG_V2_FLAGS) || (flag & ~HOST_REG_V2_FLAGS))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flag %#x is not an OR of ACL_HOST_REG_*",
				(unsigned int)flag);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	if (flag & driver_flags)
		/* the V2 flags IOMEMORY and READONLY are the V1 types */
		return driver_register(ptr, size,
				       flag & (ACL_HOST_REG_IOMEMORY |
					       ACL_HOST_REG_READONLY),
				       device, true, pinned);

	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	*reg = (struct host_reg){ .addr = (uintptr_t)ptr, .size = size,
				  .device = device, .pinned = true };
	pthread_mutex_lock(&reg_lock);
	if (rt_overlaps(reg->addr, size)) {
		ret = acl_fail(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
			       "the range is registered already");
	} else {
		reg->next = regs;
		regs = reg;
	}
	pthread_mutex_unlock(&reg_lock);
	if (ret)
		free(reg);
	return ret;
}

/*
 * memory.cpp aclrtHostGetDevicePointerImpl: NULLs, flag not 0 (100000);
 * ApiErrorDecorator repeats them; ApiImpl: the context (107002); the
 * driver library's halMemHostGetDevPointer finds the current device's
 * registration holding pHost ([ptr, ptr + size) as asked) and gives its
 * device address plus the offset, else DRV_ERROR_NOT_EXIST: 107000. A
 * PINNED-only registration is not the driver's: 107000 too.
 */
ACL_API aclError aclrtHostGetDevicePointer(void *pHost, void **pDevice,
					   uint32_t flag)
{
	uintptr_t addr = (uintptr_t)pHost;
	struct host_reg *r;
	int32_t device;
	bool found = false;
	aclError ret;

	if (!pHost)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pHost is NULL");
	if (!pDevice)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pDevice is NULL");
	if (flag)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "flag %u is not 0",
				(unsigned int)flag);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	pthread_mutex_lock(&reg_lock);
	for (r = regs; r && !found; r = r->next)
		found = r->mapped && r->device == device &&
			addr >= r->addr && addr - r->addr < r->size;
	pthread_mutex_unlock(&reg_lock);
	if (!found)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not registered on device %d", pHost,
				device);
	/* the device address is the host address, offset and all */
	*pDevice = pHost;
	return ACL_SUCCESS;
}

/*
 * memory.cpp aclrtHostMemMapCapabilitiesImpl: capabilities NULL (100000);
 * ApiErrorDecorator: the device (107001), hacType (107000); ApiImpl: the
 * context (107002); then the device's own answer, which CANN's kernel
 * reads from the device's capability bits. Here every engine the device
 * has is this host's CPU, which reaches registered memory: SUPPORTED.
 */
ACL_API aclError aclrtHostMemMapCapabilities(uint32_t deviceId,
					     aclrtHacType hacType,
					     aclrtHostMemMapCapability *capabilities)
{
	int32_t device;
	aclError ret;

	if (!capabilities)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"capabilities is NULL");
	if (deviceId >= (uint32_t)acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %u does not exist (%d devices)",
				(unsigned int)deviceId, acl_device_count());
	if ((uint32_t)hacType > (uint32_t)ACL_RT_HAC_TYPE_CCU)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"hacType %u is unknown",
				(unsigned int)hacType);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	*capabilities = ACL_RT_HOST_MEM_MAP_SUPPORTED;
	return ACL_SUCCESS;
}

/*
 * ApiImpl::HostUnregister without driver pinning: a row of the table
 * starting at ptr and mapped (on any device) goes to the driver, which
 * drops the current device's registration starting there, else
 * DRV_ERROR_NOT_EXIST: 507911, and the PINNED record stays; then the
 * PINNED record starting at ptr goes; neither: 507911.
 */
ACL_API aclError aclrtHostUnregister(void *ptr)
{
	const uintptr_t addr = (uintptr_t)ptr;
	struct host_reg **pp, *r, *gone = NULL;
	bool is_mapped = false, is_pinned = false, dropped = false;
	int32_t device;
	aclError ret;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	pthread_mutex_lock(&reg_lock);
	for (r = regs; r; r = r->next) {
		is_mapped |= r->mapped && r->addr == addr;
		is_pinned |= r->pinned && r->addr == addr;
	}
	if (is_mapped) {
		for (r = regs; r && !dropped; r = r->next) {
			if (r->mapped && r->addr == addr &&
			    r->device == device) {
				r->mapped = false;
				dropped = true;
			}
		}
		if (!dropped)
			ret = acl_fail(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
				       "%p is not registered on device %d",
				       ptr, device);
	}
	if (!ret && is_pinned)
		for (r = regs; r; r = r->next)
			if (r->addr == addr)
				r->pinned = false;
	if (!is_mapped && !is_pinned)
		ret = acl_fail(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED,
			       "%p is not registered", ptr);
	/* rows neither mapped nor pinned are gone */
	for (pp = &regs; *pp;) {
		r = *pp;
		if (!r->mapped && !r->pinned) {
			*pp = r->next;
			r->next = gone;
			gone = r;
		} else {
			pp = &r->next;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	while (gone) {
		r = gone->next;
		free(gone);
		gone = r;
	}
	return ret;
}
