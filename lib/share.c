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
 * The V2 calls take the token behind a pointer (DEFAULT) or inside a
 * 128-byte FABRIC handle of aclmem's layout (struct fabric_handle, below),
 * served on one host.
 *
 * The library remembers the tokens this process exported and imported
 * (share records), as CANN's driver library does: importing a token again
 * on the same device gives the same handle with one more reference, and
 * the exporter importing its own token on the handle's device is refused.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
static const struct acl_share_errors share_errors = {
	.gone = ACL_ERROR_RT_INVALID_HANDLE,
	.enoent = "no such shareable handle (or revoked)",
	.eacces = "refused: not on the whitelist, started after its entry was set, or not the exporter",
	.eexist = "the handle is exported already",
	.eperm = "an imported handle cannot be exported",
	.refused = "refused by the driver",
};

static aclError share_fail(int err, const char *what)
{
	return acl_share_fail(err, what, &share_errors);
}

static aclError check_export_flags(uint64_t flags)
{
	if (flags & ~(uint64_t)SHARE_EXPORT_FLAGS)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags %#llx: only 0 and DISABLE_PID_VALIDATION",
				(unsigned long long)flags);
	return ACL_SUCCESS;
}

/* EXPORT of @handle, which the caller holds (acl_handle_map_get). */
static aclError export_kernel(struct acl_handle *handle, uint64_t flags,
			      uint64_t *token)
{
	struct aclmem_export cmd = { 0 };
	struct share_record *rec;
	int err;

	rec = record_new(0, handle->home, true);
	if (!rec)
		return ACL_ERROR_RT_MEMORY_ALLOCATION;
	cmd.handle = handle->kid;
	cmd.cookie = acl_prop_pack(&handle->prop);
	/*
	 * CANN's whitelists name bare tgids (aclrtDeviceGetBareTgid, the
	 * driver's current->tgid), whatever namespace the exporter is in
	 */
	cmd.flags = ACLMEM_EXPORT_INIT_PID_NS;
	if (flags & ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION)
		cmd.flags |= ACLMEM_EXPORT_ANY_PID;
	err = aclmem_ioctl(ACLMEM_IOC_EXPORT, &cmd);
	if (err) {
		free(rec);
		return share_fail(-err, "exporting");
	}
	rec->token = cmd.out_token;
	record_insert(rec, handle);
	*token = cmd.out_token;
	return ACL_SUCCESS;
}

static aclError export_token(aclrtDrvMemHandle h, uint64_t flags,
			     uint64_t *token)
{
	struct acl_handle *handle;
	aclError ret;

	ret = check_export_flags(flags);
	if (ret)
		return ret;
	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	ret = export_kernel(handle, flags, token);
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

/*
 * FABRIC: an aclrtMemFabricHandle, 128 bytes that CANN's header leaves
 * opaque. CANN's driver keeps its handle type in the first four bytes
 * (svm_share_handle, devmm_share_handle) and refuses another there as a
 * bad value; what follows is aclmem's own. Today one transport is served:
 * the token of this host's /dev/aclmem, which the handle carries with
 * enough to tell a handle of another host or of an earlier boot (107017,
 * an invalid handle) from one to import. A transport between hosts later
 * fills the region fields and gets a transport number of its own.
 *
 * Little-endian, whatever the host.
 */
#define FABRIC_DRV_TYPE		1U	/* CANN's MEM_HANDLE_TYPE_FABRIC */
#define FABRIC_MAGIC		0x464c4341U	/* "ACLF" */
#define FABRIC_VERSION		1U
#define FABRIC_TRANSPORT_LOCAL	0U	/* a token of this kernel */
#define HOST_ID_LEN		16

struct fabric_handle {
	uint32_t drv_type;		/* FABRIC_DRV_TYPE */
	uint32_t magic;			/* FABRIC_MAGIC */
	uint16_t version;		/* FABRIC_VERSION */
	uint16_t transport;		/* FABRIC_TRANSPORT_* */
	uint32_t exporter;		/* its bare tgid */
	uint8_t boot_id[HOST_ID_LEN];	/* the kernel that made the token */
	uint8_t machine_id[HOST_ID_LEN];	/* its host, or 0 */
	uint64_t token;			/* ACLMEM_IOC_EXPORT's */
	uint64_t size;
	uint64_t page_size;
	uint64_t cookie;		/* the exporter's acl_prop_pack() */
	uint32_t export_flags;		/* ACL_RT_VMM_EXPORT_FLAG_* */
	uint32_t reserved;
	/* where another host reaches the memory: 0 with TRANSPORT_LOCAL */
	uint64_t region_addr;
	uint64_t region_key;
	uint8_t endpoint[20];
	uint32_t check;			/* FNV-1a of the bytes before it */
} __attribute__((packed));

_Static_assert(sizeof(struct fabric_handle) == sizeof(aclrtMemFabricHandle),
	       "the fabric handle fills aclrtMemFabricHandle");
_Static_assert(sizeof(struct fabric_handle) == 128,
	       "CANN's MEM_SHARE_HANDLE_LEN");

struct host_identity {
	uint8_t boot_id[HOST_ID_LEN];
	uint8_t machine_id[HOST_ID_LEN];
	bool known;			/* boot_id could be read */
};

static pthread_once_t identity_once = PTHREAD_ONCE_INIT;
static struct host_identity identity;

/* 32 hex digits of @path (dashes skipped) into @id: 0 or -1. */
static int read_hex_id(const char *path, uint8_t id[HOST_ID_LEN])
{
	char text[64];
	unsigned int digits = 0, nibble;
	ssize_t n;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	memset(id, 0, HOST_ID_LEN);
	for (i = 0; i < n && digits < 2 * HOST_ID_LEN; i++) {
		char c = text[i];

		if (c == '-')
			continue;
		if (c >= '0' && c <= '9')
			nibble = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			nibble = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			nibble = (unsigned int)(c - 'A' + 10);
		else
			break;
		id[digits / 2] |= (uint8_t)(nibble << (digits % 2 ? 0 : 4));
		digits++;
	}
	return digits == 2 * HOST_ID_LEN ? 0 : -1;
}

/*
 * The boot id names the running kernel, and so the tokens it knows; the
 * machine id (if any) only tells another host from an earlier boot in a
 * message. Containers on one kernel share the boot id.
 */
static void identity_read(void)
{
	identity.known = !read_hex_id("/proc/sys/kernel/random/boot_id",
				      identity.boot_id);
	if (read_hex_id("/etc/machine-id", identity.machine_id))
		(void)read_hex_id("/var/lib/dbus/machine-id",
				  identity.machine_id);
}

static const struct host_identity *host_identity(void)
{
	pthread_once(&identity_once, identity_read);
	return &identity;
}

static uint32_t fabric_check(const struct fabric_handle *fh)
{
	const uint8_t *byte = (const uint8_t *)fh;
	uint32_t hash = 2166136261U;
	size_t i;

	for (i = 0; i < offsetof(struct fabric_handle, check); i++)
		hash = (hash ^ byte[i]) * 16777619U;
	return hash;
}

static void fabric_fill(struct fabric_handle *fh,
			const struct acl_handle *handle, uint64_t token,
			uint64_t flags)
{
	const struct host_identity *id = host_identity();
	struct fabric_handle out = { 0 };
	int32_t tgid = 0;

	aclrtDeviceGetBareTgid(&tgid);
	out.drv_type = htole32(FABRIC_DRV_TYPE);
	out.magic = htole32(FABRIC_MAGIC);
	out.version = htole16(FABRIC_VERSION);
	out.transport = htole16(FABRIC_TRANSPORT_LOCAL);
	out.exporter = htole32((uint32_t)tgid);
	memcpy(out.boot_id, id->boot_id, HOST_ID_LEN);
	memcpy(out.machine_id, id->machine_id, HOST_ID_LEN);
	out.token = htole64(token);
	out.size = htole64(handle->size);
	out.page_size = htole64(handle->page_size);
	out.cookie = htole64(acl_prop_pack(&handle->prop));
	out.export_flags = htole32((uint32_t)flags);
	out.check = htole32(fabric_check(&out));
	memcpy(fh, &out, sizeof(out));
}

/*
 * What a fabric handle names, checked as far as it can be without the
 * kernel: CANN's type field (107000, halMemTransShareableHandle), then
 * aclmem's header and host (107017, an invalid handle).
 */
static aclError fabric_parse(const void *shareable, struct fabric_handle *fh)
{
	const struct host_identity *id = host_identity();

	memcpy(fh, shareable, sizeof(*fh));
	if (le32toh(fh->drv_type) != FABRIC_DRV_TYPE)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the handle's type %u is not FABRIC",
				le32toh(fh->drv_type));
	if (le32toh(fh->magic) != FABRIC_MAGIC ||
	    le32toh(fh->check) != fabric_check(fh))
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"not an aclmem fabric handle, or a corrupted one");
	if (le16toh(fh->version) != FABRIC_VERSION)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"fabric handle version %u: only %u",
				le16toh(fh->version), FABRIC_VERSION);
	if (le16toh(fh->transport) != FABRIC_TRANSPORT_LOCAL)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"fabric transport %u is not served (only the local one)",
				le16toh(fh->transport));
	if (!id->known || memcmp(fh->boot_id, id->boot_id, HOST_ID_LEN)) {
		bool same_machine = id->known &&
			!memcmp(fh->machine_id, id->machine_id, HOST_ID_LEN);

		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				same_machine ?
				"the fabric handle was made before this host's last boot" :
				"the fabric handle was made on another host (exporter pid %u): not reachable from here",
				le32toh(fh->exporter));
	}
	return ACL_SUCCESS;
}

static aclError export_fabric(aclrtDrvMemHandle h, uint64_t flags,
			      void *shareable)
{
	struct acl_handle *handle;
	uint64_t token = 0;
	aclError ret;

	if (!host_identity()->known)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"cannot read /proc/sys/kernel/random/boot_id: this host has no identity to put in a fabric handle");
	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	ret = export_kernel(handle, flags, &token);
	if (!ret)
		fabric_fill(shareable, handle, token, flags);
	acl_handle_map_put(handle);
	return ret;
}

/* The handle that came is the memory the fabric handle describes. */
static bool fabric_matches(const struct fabric_handle *fh,
			   const struct acl_handle *handle)
{
	return handle->size == le64toh(fh->size) &&
	       handle->page_size == le64toh(fh->page_size) &&
	       acl_prop_pack(&handle->prop) == le64toh(fh->cookie);
}

static aclError import_fabric(const void *shareable, int32_t device,
			      aclrtDrvMemHandle *h)
{
	struct fabric_handle fh;
	aclrtDrvMemHandle out;
	aclError ret;

	ret = fabric_parse(shareable, &fh);
	if (ret)
		return ret;
	ret = import_token(le64toh(fh.token), device, &out);
	if (ret)
		return ret;
	if (!fabric_matches(&fh, out)) {
		aclrtFreePhysical(out);
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"the fabric handle's token names other memory than it describes");
	}
	*h = out;
	return ACL_SUCCESS;
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
	if (!ret)
		ret = check_export_flags(flags);
	if (ret)
		return ret;
	if (shareType == ACL_MEM_SHARE_HANDLE_TYPE_FABRIC) {
		/* ApiImpl::ExportToShareableHandleV2 asks the context's device */
		ret = acl_current_device(&device);
		return ret ? ret : export_fabric(handle, flags,
						 shareableHandle);
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
		return import_fabric(shareableHandle, device, handle);
	return import_token(*(uint64_t *)shareableHandle, device, handle);
}

ACL_API aclError
aclrtMemSetPidToShareableHandleV2(void *shareableHandle,
				  aclrtMemSharedHandleType shareType,
				  int32_t *pid, size_t pidNum)
{
	struct fabric_handle fh;
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
	if (shareType == ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT)
		return set_pids(*(uint64_t *)shareableHandle, pid, pidNum);
	/* ApiImpl::SetPidToShareableHandleV2: the token inside, no context */
	ret = fabric_parse(shareableHandle, &fh);
	return ret ? ret : set_pids(le64toh(fh.token), pid, pidNum);
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
