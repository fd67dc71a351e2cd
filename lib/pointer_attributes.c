// SPDX-License-Identifier: MIT
/*
 * aclrtPointerGetAttributes: where an address's memory is and its page
 * size, as CANN's layers answer it (memory.cpp
 * aclrtPointerGetAttributesImpl, the runtime's NpuDriver::PtrGetAttributes
 * and ApiImpl::PtrGetAttributes, the driver library's devmm_svm.c
 * drvMemGetAttribute):
 *
 * - aclrtMalloc memory: the device, 2 MiB (the device heap's huge page);
 * - aclrtMallocHost memory: the host, the host's page size;
 * - a mapping in a reservation: its handle's device with 2 MiB, or the
 *   host with the host's page size (2 MiB in a NoUCMemory reservation:
 *   devmm_get_dyn_reserve_addr_attr);
 * - a reservation with nothing mapped there: no side, DRV_ERROR_INVALID_HANDLE
 *   (107017);
 * - anything else is the process's own memory: the host when
 *   aclrtHostRegister holds it, UNREGISTERED otherwise, with the host's
 *   page size.
 *
 * The id is 0 for the host, the device otherwise; rsv is left as it was.
 */
#include <unistd.h>

#include "internal.h"

static uint32_t host_page_size(void)
{
	return (uint32_t)sysconf(_SC_PAGESIZE);
}

aclError acl_ptr_attributes(const void *ptr, aclrtPtrAttributes *attr)
{
	struct acl_va_info info;
	bool on_device;

	acl_va_query((uintptr_t)ptr, &info);
	switch (info.kind) {
	case ACL_VA_UNMAPPED:
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"nothing is mapped at %p", ptr);
	case ACL_VA_NONE:
		attr->location.type = acl_host_registered((uintptr_t)ptr) ?
				      ACL_MEM_LOCATION_TYPE_HOST :
				      ACL_MEM_LOCATION_TYPE_UNREGISTERED;
		attr->location.id = 0;
		attr->pageSize = host_page_size();
		return ACL_SUCCESS;
	case ACL_VA_HOST:
		attr->location.type = ACL_MEM_LOCATION_TYPE_HOST;
		attr->location.id = 0;
		attr->pageSize = host_page_size();
		return ACL_SUCCESS;
	default:
		break;
	}
	on_device = info.home != ACL_HOME_HOST;
	attr->location.type = on_device ? ACL_MEM_LOCATION_TYPE_DEVICE :
					  ACL_MEM_LOCATION_TYPE_HOST;
	attr->location.id = on_device ? (uint32_t)info.home : 0;
	attr->pageSize = on_device || info.remote_only ? SZ_2M :
						       host_page_size();
	return ACL_SUCCESS;
}

ACL_API aclError aclrtPointerGetAttributes(const void *ptr,
					   aclrtPtrAttributes *attributes)
{
	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	if (!attributes)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "attributes is NULL");
	return acl_ptr_attributes(ptr, attributes);
}
