/* SPDX-License-Identifier: MIT */
/*
 * libascendcl internals: the CANN runtime API over /dev/aclmem.
 */
#ifndef ACLMEM_LIB_INTERNAL_H
#define ACLMEM_LIB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl/acl.h"
#include <linux/aclmem.h>

#define ACL_API ACL_FUNC_VISIBILITY

#define SZ_2M	(1UL << 21)
#define SZ_1G	(1UL << 30)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* error.c: record why a call failed, for aclGetRecentErrMsg(). */
aclError acl_fail(aclError code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
aclError acl_fail_errno(int err, const char *what);

/* driver.c: the one path from the library to the kernel. */
int aclmem_fd(void);
int aclmem_ioctl(unsigned long cmd, void *arg);

/* runtime.c: devices and contexts. */
int acl_device_count(void);
int acl_device_node(int32_t device);
bool acl_node_online(uint32_t node);
aclError acl_current_device(int32_t *device);
uint64_t acl_current_context(aclError *ret);

/*
 * prop.c: the driver's view of an aclrtPhysicalMemProp, as CANN's layers
 * build and check it.
 */
#define ACL_DRV_SIDE_HOST	0U
#define ACL_DRV_SIDE_DEVICE	1U
#define ACL_DRV_SIDE_NUMA	2U

struct acl_drv_prop {
	uint32_t side;		/* ACL_DRV_SIDE_*, or a bad location type */
	uint32_t devid;		/* device, NUMA node (-1: any) or 0 */
	uint8_t pg;		/* page type */
	uint8_t mem;		/* memory type */
	uint64_t reserve;
};

aclError acl_prop_attr(const aclrtPhysicalMemProp *prop,
		       struct acl_drv_prop *drv);
aclError acl_prop_side(struct acl_drv_prop *drv, bool alloc);
aclError acl_prop_check(const struct acl_drv_prop *drv, bool alloc);
uint64_t acl_prop_page_size(const struct acl_drv_prop *drv);
aclError acl_prop_rebuild(const struct acl_drv_prop *drv,
			  aclrtPhysicalMemProp *prop);
uint64_t acl_prop_pack(const struct acl_drv_prop *drv);
struct acl_drv_prop acl_prop_imported(uint64_t cookie, int32_t device,
				      uint64_t page_size);

/*
 * handle.c: a physical allocation. A handle lives while the caller holds
 * references to it (aclrtMallocPhysical, aclrtMemRetainAllocationHandle)
 * or mappings use it; the kernel handle is freed with the last of both.
 */
struct acl_handle {
	struct acl_handle *next;	/* in its shard's list */
	uint32_t user_refs;		/* under the shard lock */
	uint32_t map_refs;		/* under the shard lock */
	uint32_t kid;			/* the kernel's handle id */
	uint64_t size;
	uint64_t page_size;
	uint64_t offset;		/* mmap offset on the device fd */
	uint64_t token;			/* exported or imported as, or 0 */
	int32_t home;			/* its device, or ACL_HOME_HOST */
	struct acl_drv_prop prop;	/* what GetAllocationProperties says */
};

/* The home of host memory; a device's is its id. */
#define ACL_HOME_HOST	(-1)

aclError acl_handle_publish(uint32_t kid, uint64_t size, uint64_t page_size,
			    uint64_t offset, int32_t home,
			    const struct acl_drv_prop *prop,
			    aclrtDrvMemHandle *out);
aclError acl_handle_map_get(aclrtDrvMemHandle h, struct acl_handle **out);
void acl_handle_map_put(struct acl_handle *handle);
aclError acl_handle_retain(struct acl_handle *handle);
bool acl_handle_retain_live(struct acl_handle *handle);

/* share.c: the handle is going; forget the tokens it was shared as. */
void acl_share_forget(struct acl_handle *handle);

/* vaspace.c */
aclError acl_va_malloc(void **ptr, uint64_t size, uint64_t page_size,
		       int32_t device);
aclError acl_va_free(void *ptr);
aclError acl_va_malloc_host(void **ptr, uint64_t size);
aclError acl_va_free_host(void *ptr);

/* stream.c */
aclError acl_stream_check(aclrtStream stream);
aclError acl_stream_context(aclrtStream stream, uint64_t *ctx_id);
void acl_streams_drop_context(uint64_t ctx_id);
aclError acl_context_sync(void);

/* event.c: a context is going, and its events with it. */
void acl_events_drop_context(uint64_t ctx_id);

#endif /* ACLMEM_LIB_INTERNAL_H */
