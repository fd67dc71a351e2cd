// SPDX-License-Identifier: MIT
/*
 * Sharing a physical handle between processes, as CANN does it: a token
 * (the shareable handle) with a pid whitelist, enforced by the kernel; and
 * aclmem's extension, a dma-buf file descriptor (acl/aclmem_ext.h).
 *
 * The checks and their codes follow hicann/runtime's acl layer
 * (memory.cpp: aclrtMemExportToShareableHandleImpl and its neighbours),
 * its runtime (api_error.cc: ApiErrorDecorator::*ShareableHandle*) and the
 * driver (devmm_svm.c: halMemImportFromShareableHandle and the kernel's
 * svm_master_mem_share.c), where kernel refusals reach the caller as
 * 507899 and an unknown token as 107017.
 *
 * The library remembers the tokens this process exported and imported
 * (share records), as CANN's driver library does: importing a token again
 * on the same device gives the same handle with one more reference, and
 * the exporter importing its own token on the handle's device is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "acl/aclmem_ext.h"
#include "internal.h"

/* Export flags CANN's runtime accepts (ApiErrorDecorator). */
#define SHARE_EXPORT_FLAGS	ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION

#define RECORD_BUCKETS	64

struct share_record {
	struct share_record *next;
	uint64_t token;
	int32_t device;		/* the importing device, or the exporter's */
	bool exported;
	struct acl_handle *handle;
};

static pthread_mutex_t records_lock = PTHREAD_MUTEX_INITIALIZER;
static struct share_record *records[RECORD_BUCKETS];

static struct share_record **record_bucket(uint64_t token)
{
	return &records[(token ^ token >> 17) % RECORD_BUCKETS];
}

static struct share_record *record_new(uint64_t token, int32_t device,
				       bool exported)
{
	struct share_record *rec = calloc(1, sizeof(*rec));

	if (!rec) {
		acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "out of host memory");
		return NULL;
	}
	rec->token = token;
	rec->device = device;
	rec->exported = exported;
	return rec;
}

static void record_insert(struct share_record *rec, struct acl_handle *handle)
{
	struct share_record **bucket = record_bucket(rec->token);

	rec->handle = handle;
	pthread_mutex_lock(&records_lock);
	rec->next = *bucket;
	*bucket = rec;
	handle->token = rec->token;
	pthread_mutex_unlock(&records_lock);
}

/* handle.c calls this before the handle's memory goes. */
void acl_share_forget(struct acl_handle *handle)
{
	struct share_record **pp, *rec;

	pthread_mutex_lock(&records_lock);
	for (pp = record_bucket(handle->token); (rec = *pp);) {
		if (rec->handle == handle) {
			*pp = rec->next;
			free(rec);
		} else {
			pp = &rec->next;
		}
	}
	pthread_mutex_unlock(&records_lock);
}

/*
 * This process's earlier import of @token on @device, with one more user
 * reference, or NULL. *@own_device is set when this process exported
 * @token from a handle on @device.
 */
static struct acl_handle *record_lookup(uint64_t token, int32_t device,
					bool *own_device)
{
	struct acl_handle *found = NULL;
	struct share_record *rec;

	*own_device = false;
	pthread_mutex_lock(&records_lock);
	for (rec = *record_bucket(token); rec; rec = rec->next) {
		if (rec->token != token || rec->device != device)
			continue;
		if (rec->exported) {
			*own_device = true;
			break;
		}
		if (acl_handle_retain_live(rec->handle)) {
			found = rec->handle;
			break;
		}
	}
	pthread_mutex_unlock(&records_lock);
	return found;
}

/* The kernel's sharing errors, as CANN's driver reports them. */
static aclError share_fail(int err, const char *what)
{
	switch (err) {
	case ENOENT:
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"%s: no such shareable handle (or revoked)",
				what);
	case EACCES:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%s: refused: not on the whitelist, started after its entry was set, or not the exporter",
				what);
	case EEXIST:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%s: the handle is exported already", what);
	case EPERM:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%s: an imported handle cannot be exported",
				what);
	case EINVAL:
	case ENOSPC:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%s: refused by the driver", what);
	default:
		return acl_fail_errno(err, what);
	}
}

static aclError export_token(aclrtDrvMemHandle h, uint64_t flags,
			     uint64_t *token)
{
	struct aclmem_export cmd = { 0 };
	struct acl_handle *handle;
	struct share_record *rec;
	aclError ret;
	int err;

	if (flags & ~(uint64_t)SHARE_EXPORT_FLAGS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags %#llx: only 0 and DISABLE_PID_VALIDATION",
				(unsigned long long)flags);
	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	rec = record_new(0, handle->home, true);
	if (!rec) {
		acl_handle_map_put(handle);
		return ACL_ERROR_RT_MEMORY_ALLOCATION;
	}
	cmd.handle = handle->kid;
	cmd.cookie = acl_prop_pack(&handle->prop);
	if (flags & ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION)
		cmd.flags |= ACLMEM_EXPORT_ANY_PID;
	err = aclmem_ioctl(ACLMEM_IOC_EXPORT, &cmd);
	if (err) {
		free(rec);
		ret = share_fail(-err, "exporting");
	} else {
		rec->token = cmd.out_token;
		record_insert(rec, handle);
		*token = cmd.out_token;
	}
	acl_handle_map_put(handle);
	return ret;
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
static aclError import_kernel(unsigned long ioc, uint64_t what, int32_t device,
			      struct acl_handle **out)
{
	struct aclmem_import cmd = { .token = what };
	struct acl_drv_prop prop;
	aclrtDrvMemHandle h;
	aclError ret;
	int err;

	err = aclmem_ioctl(ioc, &cmd);
	if (err == -EINVAL && ioc == ACLMEM_IOC_IMPORT_FD)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"fd %d is not an aclmem dma-buf", (int)what);
	if (err)
		return share_fail(-err, "importing");
	prop = acl_prop_imported(cmd.out_cookie, device, cmd.out_page_size);
	ret = acl_handle_publish(cmd.out_handle, cmd.out_size,
				 cmd.out_page_size, cmd.out_offset, device,
				 &prop, &h);
	if (!ret)
		*out = h;
	return ret;
}

/*
 * CANN's runtime looks the token up before it checks for a current
 * context: an unknown token is 107017 even without one.
 */
static aclError import_without_context(uint64_t token, aclError no_context)
{
	struct aclmem_import cmd = { .token = token };
	struct aclmem_free free_cmd;
	int err;

	err = aclmem_ioctl(ACLMEM_IOC_IMPORT, &cmd);
	if (err == -ENOENT)
		return share_fail(ENOENT, "importing");
	if (!err) {
		free_cmd = (struct aclmem_free) { .handle = cmd.out_handle };
		aclmem_ioctl(ACLMEM_IOC_FREE, &free_cmd);
	}
	return acl_fail(no_context, "importing: no current context");
}

static aclError import_token(uint64_t token, int32_t device,
			     aclrtDrvMemHandle *h)
{
	struct share_record *rec;
	struct acl_handle *handle;
	int32_t current;
	bool own_device;
	aclError ret;

	ret = acl_current_device(&current);
	if (ret)
		return import_without_context(token, ret);
	handle = record_lookup(token, device, &own_device);
	if (handle) {
		*h = handle;
		return ACL_SUCCESS;
	}
	if (own_device)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the exporting process cannot import its token on the handle's device %d",
				device);
	rec = record_new(token, device, false);
	if (!rec)
		return ACL_ERROR_RT_MEMORY_ALLOCATION;
	ret = import_kernel(ACLMEM_IOC_IMPORT, token, device, &handle);
	if (ret) {
		free(rec);
		return ret;
	}
	record_insert(rec, handle);
	*h = handle;
	return ACL_SUCCESS;
}

static aclError check_device_id(int32_t device)
{
	if (device < 0 || device >= acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %d does not exist", device);
	return ACL_SUCCESS;
}

static aclError set_pids(uint64_t token, const int32_t *pid, size_t n)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)pid,
		.nr_pids = (uint32_t)n,
	};
	int err;

	/* The runtime hands the driver a uint32_t count. */
	if (!(uint32_t)n || (uint32_t)n > ACLMEM_MAX_SHARE_PIDS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"pidNum %zu is not in 1..%u", n,
				ACLMEM_MAX_SHARE_PIDS);
	err = aclmem_ioctl(ACLMEM_IOC_SET_PIDS, &cmd);
	switch (-err) {
	case 0:
		return ACL_SUCCESS;
	case EPERM:
		return acl_fail(ACL_ERROR_RT_NO_PERMISSION,
				"setting pids: the handle was exported with DISABLE_PID_VALIDATION");
	case EACCES:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"setting pids: not the exporting process");
	case EINVAL:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"setting pids: every pid is 0");
	case ENOSPC:
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"setting pids: more than %u pids for one handle",
				ACLMEM_MAX_SHARE_PIDS);
	default:
		return share_fail(-err, "setting pids");
	}
}

ACL_API aclError aclrtMemExportToShareableHandle(aclrtDrvMemHandle handle,
						 aclrtMemHandleType handleType,
						 uint64_t flags,
						 uint64_t *shareableHandle)
{
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (handleType != ACL_MEM_HANDLE_TYPE_NONE)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"handleType %d: only ACL_MEM_HANDLE_TYPE_NONE",
				handleType);
	if (!shareableHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"shareableHandle is NULL");
	return export_token(handle, flags, shareableHandle);
}

ACL_API aclError aclrtMemImportFromShareableHandle(uint64_t shareableHandle,
						   int32_t deviceId,
						   aclrtDrvMemHandle *handle)
{
	aclError ret;

	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	ret = check_device_id(deviceId);
	if (ret)
		return ret;
	return import_token(shareableHandle, deviceId, handle);
}

ACL_API aclError aclrtMemSetPidToShareableHandle(uint64_t shareableHandle,
						 int32_t *pid, size_t pidNum)
{
	if (!pid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pid is NULL");
	if (!pidNum)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pidNum is 0");
	return set_pids(shareableHandle, pid, pidNum);
}

/* V2: DEFAULT is the uint64_t token behind the pointer. */
static aclError check_share_type(aclrtMemSharedHandleType type)
{
	if (type != ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT &&
	    type != ACL_MEM_SHARE_HANDLE_TYPE_FABRIC)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown shareType %d", type);
	return ACL_SUCCESS;
}

/* FABRIC handles need a fabric: CANN says so where no server id exists. */
static aclError fabric_unsupported(void)
{
	return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			"FABRIC shareable handles are not served");
}

ACL_API aclError
aclrtMemExportToShareableHandleV2(aclrtDrvMemHandle handle, uint64_t flags,
				  aclrtMemSharedHandleType shareType,
				  void *shareableHandle)
{
	int32_t device;
	aclError ret;

	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (!shareableHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"shareableHandle is NULL");
	ret = check_share_type(shareType);
	if (ret)
		return ret;
	if (flags & ~(uint64_t)SHARE_EXPORT_FLAGS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags %#llx: only 0 and DISABLE_PID_VALIDATION",
				(unsigned long long)flags);
	if (shareType == ACL_MEM_SHARE_HANDLE_TYPE_FABRIC) {
		ret = acl_current_device(&device);
		return ret ? ret : fabric_unsupported();
	}
	return export_token(handle, flags, shareableHandle);
}

ACL_API aclError
aclrtMemImportFromShareableHandleV2(void *shareableHandle,
				    aclrtMemSharedHandleType shareType,
				    uint64_t flags, aclrtDrvMemHandle *handle)
{
	int32_t device;
	aclError ret;

	if (!shareableHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"shareableHandle is NULL");
	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (flags)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "flags must be 0");
	/* V2 names no device: the current one (107002 without). */
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	ret = check_share_type(shareType);
	if (ret)
		return ret;
	if (shareType == ACL_MEM_SHARE_HANDLE_TYPE_FABRIC)
		return fabric_unsupported();
	return import_token(*(uint64_t *)shareableHandle, device, handle);
}

ACL_API aclError
aclrtMemSetPidToShareableHandleV2(void *shareableHandle,
				  aclrtMemSharedHandleType shareType,
				  int32_t *pid, size_t pidNum)
{
	aclError ret;

	if (!shareableHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"shareableHandle is NULL");
	if (!pid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pid is NULL");
	if (!pidNum)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pidNum is 0");
	ret = check_share_type(shareType);
	if (ret)
		return ret;
	if (shareType == ACL_MEM_SHARE_HANDLE_TYPE_FABRIC)
		return fabric_unsupported();
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
	struct acl_handle *imported;
	aclError ret;

	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (fd < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "bad fd %d", fd);
	ret = check_device_id(deviceId);
	if (ret)
		return ret;
	ret = import_kernel(ACLMEM_IOC_IMPORT_FD, (uint64_t)fd, deviceId,
			    &imported);
	if (!ret)
		*handle = imported;
	return ret;
}
