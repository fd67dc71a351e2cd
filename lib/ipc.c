// SPDX-License-Identifier: MIT
/*
 * IPC memory sharing: aclrtMalloc memory (or a mapping of a physical
 * handle) exported under a string key that another process imports as a
 * pointer into its own address space.
 *
 * The key names a kernel token (ACLMEM_IOC_EXPORT) of the handle behind
 * the memory: the kernel keeps the whitelist (or, with
 * ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION, admits anyone), and
 * the token's cookie carries the exported range within the handle. The
 * importer maps the handle in a reservation of its own. aclrtIpcMemClose
 * in the exporter revokes the token (ACLMEM_IOC_UNEXPORT); importers keep
 * what they mapped.
 *
 * The checks and their codes follow hicann/runtime's acl layer
 * (memory.cpp: aclrtIpcMemGetExportKeyImpl and its neighbours), its
 * runtime (api_c_memory.cc rtsIpcMem*, api_error.cc ApiErrorDecorator::
 * IpcSetMemoryName, IpcOpenMemory, SetIpcMemPid, IpcSetMemoryAttr;
 * api_impl_standard_soc.cc ApiImpl::IpcOpenMemory, IpcCloseMemoryByName)
 * and hicann/driver's library (devmm_svm.c halShmemCreateHandle,
 * halShmemSetPid, halShmemOpenHandleByDevId, halShmemDestroyHandle: 107000)
 * and kernel (svm_shmem_interprocess.c, svm_shmem_node.c: what it refuses
 * is 507899, a list on a DISABLE_PID_VALIDATION key 207006).
 *
 * Like CANN's driver library, this process remembers what it imported:
 * importing a key again on the same device gives the same pointer, and
 * each import takes one aclrtIpcMemClose.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* DEVMM_MAX_NAME_SIZE: a key and its NUL fit in 65 bytes */
#define IPC_KEY_SIZE		65U
/* DEVMM_SECONDARY_PROCESS_NUM - 1: pids in one halShmemSetPid */
#define IPC_MAX_SET_PIDS	31
/* RT_ATTR_TYPE_MAX and RT_IPC_MEM_ATTR_MAX of CANN's runtime */
#define IPC_ATTR_TYPES		1U
#define IPC_ATTR_VALUES		4U

/* The key: the token in 16 hex digits. */
#define IPC_KEY_DIGITS		16
#define IPC_TOKEN_LIMIT		(1ULL << 53)

/*
 * The EXPORT cookie of an IPC key: a tag (bit 63 stays clear, it marks
 * prop.c's cookies) and the exported range, in 2 MiB units: its offset in
 * the handle and its length, rounded up to the handle's pages.
 */
#define IPC_COOKIE_TAG		(1ULL << 62)
#define IPC_COOKIE_FIELD	((1ULL << 21) - 1)
#define IPC_COOKIE_LEN_SHIFT	21

struct ipc_key {
	struct ipc_key *next;	/* oldest first */
	uint64_t token;
	bool exported;		/* ours, else an import of it */
	int32_t device;		/* an import's device */
	uint32_t refs;		/* imports not yet closed */
	void *base;		/* an import's reservation and mapping */
	void *ptr;		/* what the importer got: base + offset */
};

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ipc_key *keys;

/* Under keys_lock: the first record of @token (an import if @import). */
static struct ipc_key **key_find(uint64_t token, bool import,
				 int32_t device, bool any_device)
{
	struct ipc_key **pp;

	for (pp = &keys; *pp; pp = &(*pp)->next) {
		if ((*pp)->token != token || (*pp)->exported == import)
			continue;
		if (!import || any_device || (*pp)->device == device)
			return pp;
	}
	return NULL;
}

static aclError key_remember(uint64_t token, bool exported, int32_t device,
			     void *base, void *ptr)
{
	struct ipc_key *rec = calloc(1, sizeof(*rec)), **pp;

	if (!rec)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	rec->token = token;
	rec->exported = exported;
	rec->device = device;
	rec->refs = 1;
	rec->base = base;
	rec->ptr = ptr;
	pthread_mutex_lock(&keys_lock);
	for (pp = &keys; *pp; pp = &(*pp)->next)
		;
	*pp = rec;
	pthread_mutex_unlock(&keys_lock);
	return ACL_SUCCESS;
}

/* The driver library's check of a key's length (halShmem*: 107000). */
static aclError key_check_len(const char *key)
{
	size_t n = strnlen(key, IPC_KEY_SIZE);

	if (!n || n >= IPC_KEY_SIZE)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"key of %zu characters: 1 to %u", n,
				IPC_KEY_SIZE - 1);
	return ACL_SUCCESS;
}

/*
 * The token a key names, after the length check; a key we never made is
 * unknown to the driver.
 */
static aclError key_parse(const char *key, uint64_t *token)
{
	aclError ret = key_check_len(key);
	uint64_t v = 0;
	int i;

	if (ret)
		return ret;
	for (i = 0; i < IPC_KEY_DIGITS; i++) {
		char c = key[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			break;
	}
	if (i != IPC_KEY_DIGITS || key[i] || !v || v >= IPC_TOKEN_LIMIT)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"\"%.64s\" is not an IPC key", key);
	*token = v;
	return ACL_SUCCESS;
}

/*
 * What CANN's kernel driver answers for a key it refuses (EINVAL, EACCES,
 * EPERM there), or does not know: 507899.
 */
static const struct acl_share_errors key_errors = {
	.gone = ACL_ERROR_RT_DRV_INTERNAL_ERROR,
	.enoent = "no such IPC key (or closed by its exporter)",
	.eacces = "not admitted (not on the whitelist, started after its entry was set, or not the exporter)",
	.eexist = "refused by the driver",
	.eperm = "refused by the driver",
	.refused = "refused by the driver",
};

static aclError key_refused(int err, const char *what)
{
	return acl_share_fail(err, what, &key_errors);
}

/* The acl layer's ACL_REQUIRES_NOT_NULL of two arguments: 100000. */
static aclError check_not_null(const void *a, const char *a_name,
			       const void *b, const char *b_name)
{
	if (!a || !b)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "%s is NULL",
				a ? b_name : a_name);
	return ACL_SUCCESS;
}

/*
 * The runtime's check of an export or import's flags (ApiErrorDecorator:
 * 107000), then of a current context (ApiImpl: 107002).
 */
static aclError check_flags(uint64_t flags, uint64_t max, const char *allowed,
			    int32_t *device)
{
	if (flags > max)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags %#" PRIx64 ": only 0 and %s", flags,
				allowed);
	return acl_current_device(device);
}

/* ---- export ----------------------------------------------------------- */

/*
 * The handle behind [@ptr, @ptr + @size) of an aclrtMalloc allocation or
 * a mapping, with a user reference, and @ptr's offset in it. The
 * driver's svm_shmem_interprocess.c devmm_ipc_mem_create_para_check: not
 * device memory, not at a page boundary, past its end: EINVAL, 507899.
 */
static aclError export_handle(void *ptr, size_t size, aclrtDrvMemHandle *h,
			      uint64_t *offset)
{
	struct acl_handle *handle;
	uint64_t off = 0, len = 0;

	if (!acl_va_mapped_handle(ptr, &handle, &off, &len))
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%p is not device memory", ptr);
	*h = handle;
	if (off % handle->page_size || size > len - off) {
		aclrtFreePhysical(*h);
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"[%p, +%zu) is not page-aligned device memory of one allocation",
				ptr, size);
	}
	*offset = off;
	return ACL_SUCCESS;
}

static aclError export_key(void *ptr, size_t size, char *key, uint64_t flags)
{
	struct aclmem_export cmd = { 0 };
	struct acl_handle *handle;
	aclrtDrvMemHandle h = NULL;
	uint64_t off = 0, end;
	aclError ret;
	int err;

	ret = export_handle(ptr, size, &h, &off);
	if (ret)
		return ret;
	handle = h;
	end = (off + size + handle->page_size - 1) & ~(handle->page_size - 1);
	cmd.handle = handle->kid;
	cmd.cookie = IPC_COOKIE_TAG | off / SZ_2M |
		     ((end - off) / SZ_2M) << IPC_COOKIE_LEN_SHIFT;
	/* the pids are bare tgids (aclrtDeviceGetBareTgid), as CANN's */
	cmd.flags = ACLMEM_EXPORT_INIT_PID_NS;
	if (flags & ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION)
		cmd.flags |= ACLMEM_EXPORT_ANY_PID;
	err = aclmem_ioctl(ACLMEM_IOC_EXPORT, &cmd);
	aclrtFreePhysical(h);
	if (err == -EEXIST)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the memory at %p is exported already (close that key first)",
				ptr);
	if (err)
		return key_refused(-err, "exporting");
	ret = key_remember(cmd.out_token, true, 0, NULL, NULL);
	if (ret) {
		struct aclmem_unexport undo = { .token = cmd.out_token };

		aclmem_ioctl(ACLMEM_IOC_UNEXPORT, &undo);
		return ret;
	}
	/* as the driver library does: all 65 bytes, the key NUL-padded */
	memset(key, 0, IPC_KEY_SIZE);
	snprintf(key, IPC_KEY_SIZE, "%0*" PRIx64, IPC_KEY_DIGITS,
		 (uint64_t)cmd.out_token);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtIpcMemGetExportKey(void *devPtr, size_t size, char *key,
					 size_t len, uint64_t flags)
{
	int32_t device;
	aclError ret;

	ret = check_not_null(devPtr, "devPtr", key, "key");
	if (ret)
		return ret;
	/* ApiErrorDecorator::IpcSetMemoryName; len reaches it as uint32_t */
	if (!size)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "size is 0");
	if (!(uint32_t)len)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "len is 0");
	ret = check_flags(flags, ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
			  "DISABLE_PID_VALIDATION", &device);
	if (ret)
		return ret;
	/* halShmemCreateHandle */
	if ((uint32_t)len < IPC_KEY_SIZE)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"len %zu: the key takes %u bytes", len,
				IPC_KEY_SIZE);
	return export_key(devPtr, size, key, flags);
}

/* ---- whitelist -------------------------------------------------------- */

static aclError set_pids(uint64_t token, const int32_t *pid, size_t num)
{
	struct aclmem_set_pids cmd = { .token = token, .nr_pids = (uint32_t)num };
	uint32_t pids[IPC_MAX_SET_PIDS];
	int32_t self = 0;
	size_t i;
	int err;

	/* the driver leaves the exporter itself off the list */
	aclrtDeviceGetBareTgid(&self);
	for (i = 0; i < num; i++)
		pids[i] = pid[i] == self ? 0 : (uint32_t)pid[i];
	cmd.pids = (uintptr_t)pids;
	err = aclmem_ioctl(ACLMEM_IOC_SET_PIDS, &cmd);
	if (err == -EPERM)
		return acl_fail(ACL_ERROR_RT_NO_PERMISSION,
				"the key was exported with DISABLE_PID_VALIDATION: it has no whitelist");
	if (err == -EINVAL)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"no pid to set (0, or the exporter's own)");
	return err ? key_refused(-err, "setting pids") : ACL_SUCCESS;
}

ACL_API aclError aclrtIpcMemSetImportPid(const char *key, int32_t *pid,
					 size_t num)
{
	uint64_t token;
	int32_t device;
	aclError ret;

	ret = check_not_null(key, "key", pid, "pid");
	if (ret)
		return ret;
	/* the runtime takes num as int32_t (ApiErrorDecorator::SetIpcMemPid) */
	if ((int32_t)num <= 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"num %zu is not in 1..%d", num, INT32_MAX);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	/* halShmemSetPid */
	if ((int32_t)num > IPC_MAX_SET_PIDS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"num %zu: at most %d pids at a time", num,
				IPC_MAX_SET_PIDS);
	ret = key_parse(key, &token);
	return ret ? ret : set_pids(token, pid, (size_t)(int32_t)num);
}

/* ---- import ----------------------------------------------------------- */

/* Maps @len bytes of @h in a reservation of its own at *@base. */
static aclError import_map(aclrtDrvMemHandle h, uint64_t len, void **base)
{
	aclError ret;

	ret = aclrtReserveMemAddress(base, len, 0, NULL, 0);
	if (ret)
		return ret;
	ret = aclrtMapMem(*base, len, 0, h, 0);
	if (ret)
		aclrtReleaseMemAddress(*base);
	return ret;
}

/*
 * IMPORT of @token on @device, mapped: *@base the reservation, *@ptr the
 * exported bytes in it.
 */
static aclError import_token(uint64_t token, int32_t device, void **base,
			     void **ptr)
{
	struct aclmem_import cmd = { .token = token };
	struct acl_drv_prop prop;
	uint64_t off, len;
	aclrtDrvMemHandle h;
	aclError ret;
	int err;

	err = aclmem_ioctl(ACLMEM_IOC_IMPORT, &cmd);
	if (err)
		return key_refused(-err, "importing");
	off = (cmd.out_cookie & IPC_COOKIE_FIELD) * SZ_2M;
	len = (cmd.out_cookie >> IPC_COOKIE_LEN_SHIFT & IPC_COOKIE_FIELD) *
	      SZ_2M;
	prop = acl_prop_imported(0, device, cmd.out_page_size);
	ret = acl_handle_publish(cmd.out_handle, cmd.out_size,
				 cmd.out_page_size, cmd.out_offset, device,
				 &prop, &h);
	if (ret)
		return ret;
	if (!(cmd.out_cookie & IPC_COOKIE_TAG) || !len ||
	    off + len > cmd.out_size) {
		aclrtFreePhysical(h);
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%016" PRIx64 " is not an IPC key", token);
	}
	/* the mapping keeps the handle */
	ret = import_map(h, off + len, base);
	aclrtFreePhysical(h);
	if (!ret)
		*ptr = (char *)*base + off;
	return ret;
}

static void import_unmap(void *base)
{
	aclrtUnmapMem(base);
	aclrtReleaseMemAddress(base);
}

static aclError import_key(const char *key, int32_t device, void **devPtr)
{
	struct ipc_key **pp;
	void *base = NULL, *ptr = NULL;
	uint64_t token;
	aclError ret;

	ret = key_parse(key, &token);
	if (ret)
		return ret;
	/* halShmemOpenHandleByDevId: the same key again, the same address */
	pthread_mutex_lock(&keys_lock);
	pp = key_find(token, true, device, false);
	if (pp) {
		(*pp)->refs++;
		*devPtr = (*pp)->ptr;
	}
	pthread_mutex_unlock(&keys_lock);
	if (pp)
		return ACL_SUCCESS;

	ret = import_token(token, device, &base, &ptr);
	if (ret)
		return ret;
	ret = key_remember(token, false, device, base, ptr);
	if (ret) {
		import_unmap(base);
		return ret;
	}
	*devPtr = ptr;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtIpcMemImportByKey(void **devPtr, const char *key,
					uint64_t flags)
{
	int32_t device;
	aclError ret;

	ret = check_not_null(devPtr, "devPtr", key, "key");
	if (ret)
		return ret;
	/* ApiErrorDecorator::IpcOpenMemory, ApiImpl::IpcOpenMemory */
	ret = check_flags(flags, ACL_RT_IPC_MEM_IMPORT_FLAG_ENABLE_PEER_ACCESS,
			  "ENABLE_PEER_ACCESS", &device);
	/* every device reaches every other's memory: peer access is on */
	return ret ? ret : import_key(key, device, devPtr);
}

/* ---- close ------------------------------------------------------------ */

/* One import of @token closed (the oldest, on any device): 1, or 0. */
static int close_import(uint64_t token)
{
	struct ipc_key **pp, *rec = NULL;

	pthread_mutex_lock(&keys_lock);
	pp = key_find(token, true, 0, true);
	if (pp && !--(*pp)->refs) {
		rec = *pp;
		*pp = rec->next;
	}
	pthread_mutex_unlock(&keys_lock);
	if (rec) {
		import_unmap(rec->base);
		free(rec);
	}
	return pp != NULL;
}

/* Forgets our export of @token: whether we had one. */
static bool forget_export(uint64_t token)
{
	struct ipc_key **pp, *rec = NULL;

	pthread_mutex_lock(&keys_lock);
	pp = key_find(token, false, 0, true);
	if (pp) {
		rec = *pp;
		*pp = rec->next;
	}
	pthread_mutex_unlock(&keys_lock);
	free(rec);
	return rec != NULL;
}

static aclError close_key(const char *key)
{
	struct aclmem_unexport cmd = { 0 };
	uint64_t token = 0;
	aclError ret;
	int err;

	ret = key_parse(key, &token);
	if (ret)
		return ret;
	cmd.token = token;
	/* ApiImpl::IpcCloseMemoryByName: an import of ours first */
	if (close_import(token))
		return ACL_SUCCESS;
	err = aclmem_ioctl(ACLMEM_IOC_UNEXPORT, &cmd);
	/*
	 * ENOENT for a key of ours: freeing the memory revoked it already;
	 * CANN's driver keeps the key until it is closed.
	 */
	if (forget_export(token) && (!err || err == -ENOENT))
		return ACL_SUCCESS;
	return err ? key_refused(-err, "closing") : ACL_SUCCESS;
}

ACL_API aclError aclrtIpcMemClose(const char *key)
{
	int32_t device;
	aclError ret;

	if (!key)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "key is NULL");
	ret = acl_current_device(&device);
	return ret ? ret : close_key(key);
}

/* ---- attributes, super pods ------------------------------------------- */

/*
 * ApiErrorDecorator::IpcSetMemoryAttr checks the arguments; ApiImpl::
 * IpcSetMemoryAttr serves the call only on address-flat devices (not
 * A2/A3): 207000 otherwise. The link has no meaning on one host.
 */
ACL_API aclError aclrtIpcMemSetAttr(const char *key, aclrtIpcMemAttrType type,
				    uint64_t attr)
{
	int32_t device;
	aclError ret;

	if (!key)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "key is NULL");
	if ((uint32_t)type >= IPC_ATTR_TYPES)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown type %d", (int)type);
	if (attr >= IPC_ATTR_VALUES)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown attr %" PRIu64, attr);
	ret = acl_current_device(&device);
	if (ret)
		return ret;
	return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			"IPC memory attributes are not served on this device");
}

/*
 * api_c_standard_soc.cc rtIpcMemImportPidInterServer checks the arguments
 * and sets each server's pids with halShmemSetPodPid (halShmemSetPid's
 * checks): there is no super pod here, so the first one is 207000.
 */
ACL_API aclError aclrtIpcMemImportPidInterServer(const char *key,
						 aclrtServerPid *serverPids,
						 size_t num)
{
	int32_t n;
	aclError ret;

	if (!key || !serverPids || !num)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"key, serverPids or num is NULL or 0");
	if (!serverPids[0].pid)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"serverPids[0].pid is NULL");
	n = (int32_t)(serverPids[0].num & INT32_MAX);
	if (n <= 0 || n > IPC_MAX_SET_PIDS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"serverPids[0].num %zu is not in 1..%d",
				serverPids[0].num, IPC_MAX_SET_PIDS);
	ret = key_check_len(key);
	if (ret)
		return ret;
	return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			"no super pod: whitelists of other servers are not served");
}
