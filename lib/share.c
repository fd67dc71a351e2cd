// SPDX-License-Identifier: MIT
/*
 * Sharing a physical handle between processes, enforced by the kernel:
 * tokens with a pid whitelist (ACL_MEM_HANDLE_TYPE_NONE) and dma-buf file
 * descriptors (ACL_MEM_HANDLE_TYPE_POSIX, and the aclmem extension in
 * acl/aclmem_ext.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "acl/aclmem_ext.h"
#include "internal.h"

/* The kernel's sharing errors, as CANN clients expect them. */
static aclError share_fail(int err, const char *what)
{
	switch (err) {
	case ENOENT:
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%s: no such shareable handle (or revoked)",
				what);
	case EACCES:
		return acl_fail(ACL_ERROR_RT_NO_PERMISSION,
				"%s: this process is not on the whitelist",
				what);
	case EEXIST:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%s: the handle is exported already", what);
	case EPERM:
		return acl_fail(ACL_ERROR_RT_NO_PERMISSION,
				"%s: not the exporting process's handle", what);
	case EINVAL:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%s: refused (importing into the exporting process?)",
				what);
	default:
		return acl_fail_errno(err, what);
	}
}

/* The prop an imported handle reports. */
static aclrtPhysicalMemProp import_prop(uint64_t page_size, int32_t device,
					aclrtMemHandleType type)
{
	aclrtPhysicalMemProp prop = {
		.handleType = type,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = page_size == SZ_1G ? ACL_HBM_MEM_HUGE1G :
						ACL_HBM_MEM_HUGE,
		.location = { .id = (uint32_t)device,
			      .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};

	return prop;
}

static aclError export_token(aclrtDrvMemHandle h, uint64_t flags,
			     uint64_t *token)
{
	struct aclmem_export cmd = { 0 };
	struct acl_handle *handle;
	aclError ret;
	int err;

	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	cmd.handle = handle->kid;
	if (flags & ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION)
		cmd.flags |= ACLMEM_EXPORT_ANY_PID;
	err = aclmem_ioctl(ACLMEM_IOC_EXPORT, &cmd);
	acl_handle_map_put(handle);
	if (err)
		return share_fail(-err, "exporting");
	*token = cmd.out_token;
	return ACL_SUCCESS;
}

static aclError export_fd(aclrtDrvMemHandle h, int *fd)
{
	struct aclmem_export_fd cmd = { .flags = ACLMEM_EXPORT_FD_CLOEXEC };
	struct acl_handle *handle;
	aclError ret;
	int err;

	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	cmd.handle = handle->kid;
	err = aclmem_ioctl(ACLMEM_IOC_EXPORT_FD, &cmd);
	acl_handle_map_put(handle);
	if (err)
		return share_fail(-err, "exporting as a file descriptor");
	*fd = cmd.out_fd;
	return ACL_SUCCESS;
}

/* IMPORT or IMPORT_FD into a new handle on @device. */
static aclError import(unsigned long ioc, uint64_t what, int32_t device,
		       aclrtMemHandleType type, aclrtDrvMemHandle *h)
{
	struct aclmem_import cmd = { .token = what };
	aclrtPhysicalMemProp prop;
	int err;

	if (device < 0 || device >= acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %d does not exist", device);
	err = aclmem_ioctl(ioc, &cmd);
	if (err)
		return share_fail(-err, "importing");
	prop = import_prop(cmd.out_page_size, device, type);
	return acl_handle_publish(cmd.out_handle, cmd.out_size,
				  cmd.out_page_size, cmd.out_offset, &prop, h);
}

static aclError set_pids(uint64_t token, const int32_t *pid, size_t n)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)pid,
		.nr_pids = (uint32_t)n,
	};
	int err;

	if (!n || n > ACLMEM_MAX_SHARE_PIDS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"pidNum %zu is not in 1..%u", n,
				ACLMEM_MAX_SHARE_PIDS);
	err = aclmem_ioctl(ACLMEM_IOC_SET_PIDS, &cmd);
	if (err == -ENOSPC)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"more than %u pids for one handle",
				ACLMEM_MAX_SHARE_PIDS);
	return err ? share_fail(-err, "setting pids") : ACL_SUCCESS;
}

ACL_API aclError aclrtMemExportToShareableHandle(aclrtDrvMemHandle handle,
						 aclrtMemHandleType handleType,
						 uint64_t flags,
						 uint64_t *shareableHandle)
{
	aclError ret;
	int fd;

	if (!handle || !shareableHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (flags & ~ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown flags %#llx",
				(unsigned long long)flags);
	switch (handleType) {
	case ACL_MEM_HANDLE_TYPE_NONE:
		return export_token(handle, flags, shareableHandle);
	case ACL_MEM_HANDLE_TYPE_POSIX:
		ret = export_fd(handle, &fd);
		if (!ret)
			*shareableHandle = (uint64_t)fd;
		return ret;
	default:
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown handleType %d", handleType);
	}
}

ACL_API aclError aclrtMemImportFromShareableHandle(uint64_t shareableHandle,
						   int32_t deviceId,
						   aclrtDrvMemHandle *handle)
{
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	return import(ACLMEM_IOC_IMPORT, shareableHandle, deviceId,
		      ACL_MEM_HANDLE_TYPE_NONE, handle);
}

ACL_API aclError aclrtMemSetPidToShareableHandle(uint64_t shareableHandle,
						 int32_t *pid, size_t pidNum)
{
	if (!pid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pid is NULL");
	return set_pids(shareableHandle, pid, pidNum);
}

/* V2: the shareable handle is a uint64_t behind a pointer (DEFAULT). */
static aclError check_share_type(const void *p, aclrtMemSharedHandleType type)
{
	if (!p)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"shareableHandle is NULL");
	if (type == ACL_MEM_SHARE_HANDLE_TYPE_FABRIC)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"fabric handles need a fabric");
	if (type != ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown shareType %d", type);
	return ACL_SUCCESS;
}

ACL_API aclError
aclrtMemExportToShareableHandleV2(aclrtDrvMemHandle handle, uint64_t flags,
				  aclrtMemSharedHandleType shareType,
				  void *shareableHandle)
{
	aclError ret = check_share_type(shareableHandle, shareType);

	if (ret)
		return ret;
	return aclrtMemExportToShareableHandle(handle,
					       ACL_MEM_HANDLE_TYPE_NONE,
					       flags, shareableHandle);
}

ACL_API aclError
aclrtMemImportFromShareableHandleV2(void *shareableHandle,
				    aclrtMemSharedHandleType shareType,
				    uint64_t flags, aclrtDrvMemHandle *handle)
{
	int32_t device = 0;
	aclError ret = check_share_type(shareableHandle, shareType);

	if (ret)
		return ret;
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (flags)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags must be 0");
	/* V2 names no device: the current one, else device 0. */
	if (acl_current_device(&device))
		device = 0;
	return import(ACLMEM_IOC_IMPORT, *(uint64_t *)shareableHandle, device,
		      ACL_MEM_HANDLE_TYPE_NONE, handle);
}

ACL_API aclError
aclrtMemSetPidToShareableHandleV2(void *shareableHandle,
				  aclrtMemSharedHandleType shareType,
				  int32_t *pid, size_t pidNum)
{
	aclError ret = check_share_type(shareableHandle, shareType);

	if (ret)
		return ret;
	if (!pid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pid is NULL");
	return set_pids(*(uint64_t *)shareableHandle, pid, pidNum);
}

ACL_API aclError aclmemExportToFd(aclrtDrvMemHandle handle, int *fd)
{
	if (!handle || !fd)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return export_fd(handle, fd);
}

ACL_API aclError aclmemImportFromFd(int fd, int32_t deviceId,
				    aclrtDrvMemHandle *handle)
{
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (fd < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "bad fd %d", fd);
	return import(ACLMEM_IOC_IMPORT_FD, (uint64_t)fd, deviceId,
		      ACL_MEM_HANDLE_TYPE_POSIX, handle);
}
