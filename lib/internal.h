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
#include <time.h>

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

/* What the kernel's refusals of a shared token say, for acl_share_fail(). */
struct acl_share_errors {
	aclError gone;		/* ENOENT's code */
	const char *enoent;	/* no such token */
	const char *eacces;	/* not admitted */
	const char *eexist;	/* exported already */
	const char *eperm;	/* not to be exported, or set */
	const char *refused;	/* EINVAL, ENOSPC */
};

aclError acl_share_fail(int err, const char *what,
			const struct acl_share_errors *why);

/* driver.c: the one path from the library to the kernel. */
int aclmem_fd(void);
int aclmem_ioctl(unsigned long cmd, void *arg);

/* runtime.c: devices and contexts. */
int acl_device_count(void);
int acl_device_node(int32_t device);
bool acl_node_online(uint32_t node);
aclError acl_device_check(int64_t device);
aclError acl_current_device(int32_t *device);
uint64_t acl_current_context(aclError *ret);
uint64_t acl_current_context_device(int32_t *device, aclError *ret);
bool acl_device_has_primary(int32_t device);

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

/* vaspace.c: what the library holds at an address. */
enum acl_va_kind {
	ACL_VA_NONE,		/* nothing of ours: plain process memory */
	ACL_VA_MALLOC,		/* aclrtMalloc memory */
	ACL_VA_HOST,		/* aclrtMallocHost memory */
	ACL_VA_MAPPED,		/* a mapping inside a reservation */
	ACL_VA_UNMAPPED,	/* a reservation with nothing mapped there */
};

struct acl_va_info {
	enum acl_va_kind kind;
	int32_t home;		/* the memory's device, or ACL_HOME_HOST */
	bool remote_only;	/* a reservation of ...NoUCMemory */
	uintptr_t base;		/* the allocation or mapping */
	uint64_t size;
};

void acl_va_query(uintptr_t addr, struct acl_va_info *info);

/* vaspace.c, for ipc.c: the handle mapped at an address, retained. */
bool acl_va_mapped_handle(void *ptr, struct acl_handle **handle,
			  uint64_t *offset, uint64_t *len);

/* pointer_attributes.c: aclrtPointerGetAttributes after its NULL checks. */
aclError acl_ptr_attributes(const void *ptr, aclrtPtrAttributes *attr);

/* host_register.c: whether aclrtHostRegister holds @addr on any device. */
bool acl_host_registered(uintptr_t addr);

/*
 * stream.c: a stream, and what callback.c keeps on it. Work on a stream
 * is done when it is issued, except host callbacks, which wait for the
 * thread subscribed to the stream; a BLOCK one holds back the stream's
 * later work until it has run. Everything here is under acl_stream_lock;
 * acl_stream_cond is broadcast when a callback is queued or has run.
 */
struct acl_stream {
	struct acl_stream *next;
	uint64_t serial;		/* never reused: reports name it */
	uint64_t ctx_id;
	int32_t device;
	int32_t id;			/* aclrtStreamGetId */
	uint32_t priority;
	uint32_t flags;			/* ACL_STREAM_* */
	uint64_t failure_mode;
	bool is_default;		/* its context's default stream */
	bool subscribed;
	uint64_t thread;		/* the subscribed thread */
	uint32_t blocking;		/* BLOCK callbacks not yet run */
	uint32_t epoch;			/* counts drops of its callbacks */
	struct acl_value_wait *value_waits;	/* stream_value.c */
};

extern pthread_mutex_t acl_stream_lock;
extern pthread_cond_t acl_stream_cond;

/* The stream flags the acl layer passes on to the runtime. */
#define ACL_STREAM_FLAGS (ACL_STREAM_FAST_LAUNCH | ACL_STREAM_FAST_SYNC | \
			  ACL_STREAM_PERSISTENT | ACL_STREAM_HUGE | \
			  ACL_STREAM_CPU_SCHEDULE | ACL_STREAM_DEVICE_USE_ONLY)

aclError acl_stream_create(aclrtStream *stream, int64_t priority,
			   uint32_t flags);
struct acl_stream *acl_stream_lock_get(aclrtStream stream, aclError *ret);
struct acl_stream *acl_cur_stream_lock_get(aclrtStream stream, aclError *ret);
struct acl_stream *acl_stream_by_serial(uint64_t serial);
int32_t acl_stream_thread_device(uint64_t thread);
struct timespec acl_deadline_in(int32_t timeout);
aclError acl_stream_settle_values(uint64_t serial);
aclError acl_stream_check(aclrtStream stream);
aclError acl_stream_context(aclrtStream stream, uint64_t *ctx_id);
aclError acl_stream_in_context(aclrtStream stream, uint64_t stream_ctx,
			       uint64_t ctx_id);
void acl_streams_drop_context(uint64_t ctx_id);
aclError acl_context_sync(int32_t timeout);

/* callback.c, under acl_stream_lock */
void acl_reports_drop(struct acl_stream *stream);
bool acl_reports_run_mine(void);

/* stream_value.c, under acl_stream_lock */
bool acl_value_waits_pending(struct acl_stream *stream);
void acl_value_waits_drop(struct acl_stream *stream);

/* event.c: a context is going, and its events with it. */
void acl_events_drop_context(uint64_t ctx_id);

/*
 * ipc_event.c: the state of an IPC event, in a page both processes map;
 * a reference for the event that holds it and one for each call using it.
 */
struct acl_ipc_event;

aclError acl_ipc_event_new(struct acl_ipc_event **out);
void acl_ipc_event_hold(struct acl_ipc_event *ipc);
void acl_ipc_event_put(struct acl_ipc_event *ipc);
uint32_t acl_ipc_event_issue(struct acl_ipc_event *ipc);
void acl_ipc_event_complete(struct acl_ipc_event *ipc, uint32_t seq);
bool acl_ipc_event_done(struct acl_ipc_event *ipc);
aclError acl_ipc_event_sync(struct acl_ipc_event *ipc, int32_t timeout);

/* event.c, for ipc_event.c: an IPC event's state, held; a new event of one. */
aclError acl_event_ipc(aclrtEvent event, struct acl_ipc_event **ipc);
aclError acl_event_adopt_ipc(aclrtEvent *event, struct acl_ipc_event *ipc);

#endif /* ACLMEM_LIB_INTERNAL_H */
