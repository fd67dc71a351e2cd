// SPDX-License-Identifier: MIT
/*
 * IPC events, as hicann/runtime serves them: the acl layer
 * (src/acl/aclrt_impl/event.cpp aclrtIpcGetEventHandleImpl: handle NULL,
 * then event NULL, 100000; aclrtIpcOpenEventHandleImpl: event NULL,
 * 100000), the runtime's entry points (api_c_standard_soc.cc
 * rtIpcGetEventHandle: the handle check, 107017), its checks
 * (api/impl/api_impl_event.cc ApiImplEvent::IpcGetEventHandle: an event
 * not created with ACL_EVENT_IPC alone, 107000; IpcOpenEventHandle: a
 * current context, 107002) and what it does (core/src/event/ipc_event.cc:
 * the event's state lives in memory exported to other processes; the
 * handle names that memory; an opened event records, is waited on, queried
 * with aclrtQueryEventStatus and synchronised like the exporter's own).
 *
 * Here the state is a page of a memfd the exporter keeps open. The handle
 * carries the exporter's pid and descriptor number, which name the memfd
 * as /proc/<pid>/fd/<fd>, and a random 128-bit id, the host's boot and a
 * check word, which the page must repeat: a forged handle, one of a
 * destroyed event (the number may be reused), of a process gone or of an
 * earlier boot fails to open, 107017, as an unknown shareable handle does
 * (share.c). No pointer travels. Destroying the exporter's event closes the
 * memfd and marks the page closed: new opens fail, opened events keep
 * their mapping and work on; destroying an opened event unmaps it.
 *
 * A record counts as issued when called, then as done once the stream's
 * earlier work is (a BLOCK callback or a value wait can hold it, stream.c);
 * until then other processes see it pending. A wait, a synchronisation or a query of
 * either process looks at the counts, and a wait sleeps on the done count
 * (a futex on the shared page, in slices of 10 ms, so that a timeout holds
 * however the count is written).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/random.h>
#include <unistd.h>

#include "internal.h"

#define IPC_EV_MAGIC	0x56454941U	/* "AIEV" */
#define IPC_EV_VERSION	1U
#define IPC_EV_PAGE	4096U
#define IPC_EV_SLICE_MS	10

/* The shared page. */
struct ipc_page {
	uint32_t magic;
	uint32_t version;
	uint64_t id[2];
	uint64_t boot;
	int32_t pid;
	_Atomic uint32_t closed;	/* the exporter's event is destroyed */
	_Atomic uint32_t issued;	/* records issued */
	_Atomic uint32_t done;		/* records done: the futex word */
	_Atomic uint64_t records;	/* for reports */
};

/* What aclrtIpcEventHandle holds (64 bytes, the rest zero). */
struct ipc_wire {
	uint32_t magic;
	uint32_t version;
	int32_t pid;
	int32_t fd;
	uint64_t id[2];
	uint64_t boot;
	uint64_t check;
};

_Static_assert(sizeof(struct ipc_wire) <= ACL_IPC_EVENT_HANDLE_SIZE,
	       "the handle holds the wire form");
_Static_assert(sizeof(struct ipc_page) <= IPC_EV_PAGE, "one page");

struct acl_ipc_event {
	_Atomic uint32_t refs;
	bool exporter;
	int fd;				/* the exporter's memfd, or -1 */
	struct ipc_page *page;
	struct ipc_wire wire;		/* the handle, as exported */
};

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

/* The host's boot, from its boot id (0 where it cannot be read). */
static uint64_t boot_hash(void)
{
	static uint64_t boot;
	char buf[64];
	ssize_t n;
	int fd;

	if (boot)
		return boot;
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	boot = fnv(buf, (size_t)n, 0xcbf29ce484222325ULL) | 1;
	return boot;
}

static uint64_t wire_check(const struct ipc_wire *w)
{
	return fnv(w, offsetof(struct ipc_wire, check), 0x84222325cbf29ce4ULL);
}

void acl_ipc_event_hold(struct acl_ipc_event *ipc)
{
	atomic_fetch_add(&ipc->refs, 1);
}

void acl_ipc_event_put(struct acl_ipc_event *ipc)
{
	if (atomic_fetch_sub(&ipc->refs, 1) != 1)
		return;
	if (ipc->exporter) {
		/* no new opens: the number may name another file next */
		atomic_store(&ipc->page->closed, 1);
		close(ipc->fd);
	}
	munmap(ipc->page, IPC_EV_PAGE);
	free(ipc);
}

static aclError ipc_alloc(struct acl_ipc_event **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	(*out)->fd = -1;
	(*out)->refs = 1;
	return ACL_SUCCESS;
}

/* IpcEvent::Setup: the page, its id, the handle naming it. */
aclError acl_ipc_event_new(struct acl_ipc_event **out)
{
	struct acl_ipc_event *ipc;
	struct ipc_page *pg;
	aclError ret;
	int err;

	ret = ipc_alloc(&ipc);
	if (ret)
		return ret;
	ipc->exporter = true;
	ipc->fd = memfd_create("aclmem-ipc-event", MFD_CLOEXEC);
	if (ipc->fd < 0 || ftruncate(ipc->fd, IPC_EV_PAGE)) {
		err = errno;
		goto fail;
	}
	pg = mmap(NULL, IPC_EV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		  ipc->fd, 0);
	if (pg == MAP_FAILED) {
		err = errno;
		goto fail;
	}
	ipc->page = pg;
	if (getrandom(pg->id, sizeof(pg->id), 0) != sizeof(pg->id)) {
		err = errno ? errno : EIO;
		munmap(pg, IPC_EV_PAGE);
		goto fail;
	}
	pg->boot = boot_hash();
	pg->pid = getpid();
	pg->version = IPC_EV_VERSION;
	__atomic_store_n(&pg->magic, IPC_EV_MAGIC, __ATOMIC_RELEASE);

	ipc->wire.magic = IPC_EV_MAGIC;
	ipc->wire.version = IPC_EV_VERSION;
	ipc->wire.pid = pg->pid;
	ipc->wire.fd = ipc->fd;
	memcpy(ipc->wire.id, pg->id, sizeof(pg->id));
	ipc->wire.boot = pg->boot;
	ipc->wire.check = wire_check(&ipc->wire);
	*out = ipc;
	return ACL_SUCCESS;
fail:
	if (ipc->fd >= 0)
		close(ipc->fd);
	free(ipc);
	if (err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOSPC)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"IPC event page: %s", strerror(err));
	return acl_fail_errno(err, "IPC event page");
}

/* ApiImpl::EventRecord of an IPC event: the record's number, pending. */
uint32_t acl_ipc_event_issue(struct acl_ipc_event *ipc)
{
	atomic_fetch_add(&ipc->page->records, 1);
	return atomic_fetch_add(&ipc->page->issued, 1) + 1;
}

/*
 * Record @seq is done, once the stream's earlier work is (or the stream
 * failed): the done count only grows, and the last record is what waits
 * wait for (IpcEvent keeps one slot current, too).
 */
void acl_ipc_event_complete(struct acl_ipc_event *ipc, uint32_t seq)
{
	struct ipc_page *pg = ipc->page;
	uint32_t done = atomic_load(&pg->done);

	while ((int32_t)(seq - done) > 0 &&
	       !atomic_compare_exchange_weak(&pg->done, &done, seq))
		;
	syscall(SYS_futex, &pg->done, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* IpcEvent::IpcEventQuery: no record pending, the last one done. */
bool acl_ipc_event_done(struct acl_ipc_event *ipc)
{
	uint32_t issued = atomic_load(&ipc->page->issued);

	return (int32_t)(atomic_load(&ipc->page->done) - issued) >= 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * IpcEvent::IpcEventSync: until the records issued so far are done, or
 * @timeout milliseconds (-1: no limit) have passed, 507047.
 */
aclError acl_ipc_event_sync(struct acl_ipc_event *ipc, int32_t timeout)
{
	struct ipc_page *pg = ipc->page;
	uint32_t want = atomic_load(&pg->issued), done;
	int64_t end = timeout > 0 ? mono_ms() + timeout : 0;
	struct timespec slice = { 0, IPC_EV_SLICE_MS * 1000000L };

	for (;;) {
		done = atomic_load(&pg->done);
		if ((int32_t)(done - want) >= 0)
			return ACL_SUCCESS;
		if (timeout > 0 && mono_ms() >= end)
			return acl_fail(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT,
					"IPC event: a record is still to finish after %d ms",
					timeout);
		syscall(SYS_futex, &pg->done, FUTEX_WAIT, done, &slice,
			NULL, 0);
	}
}

/* The page a handle names, mapped; 107017 for anything else. */
static aclError ipc_open_page(const struct ipc_wire *w, struct ipc_page **out)
{
	char path[64];
	struct ipc_page *pg;
	struct stat st;
	int fd, rw;

	if (w->magic != IPC_EV_MAGIC || w->version != IPC_EV_VERSION ||
	    w->check != wire_check(w) || w->pid <= 0 || w->fd < 0)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"not an IPC event handle");
	if (w->boot != boot_hash())
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"an IPC event handle of another host or boot");
	/* O_PATH opens nothing: no device or fifo behind a reused number */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", w->pid, w->fd);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"IPC event of pid %d: %s (destroyed, or its process is gone)",
				w->pid, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size != IPC_EV_PAGE) {
		close(fd);
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"IPC event of pid %d: destroyed", w->pid);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR | O_CLOEXEC);
	close(fd);
	if (rw < 0)
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"IPC event of pid %d: %s", w->pid,
				strerror(errno));
	pg = mmap(NULL, IPC_EV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	close(rw);
	if (pg == MAP_FAILED)
		return acl_fail_errno(errno, "IPC event page");
	if (__atomic_load_n(&pg->magic, __ATOMIC_ACQUIRE) != IPC_EV_MAGIC ||
	    pg->version != IPC_EV_VERSION || pg->pid != w->pid ||
	    pg->boot != w->boot || memcmp(pg->id, w->id, sizeof(pg->id)) ||
	    atomic_load(&pg->closed)) {
		munmap(pg, IPC_EV_PAGE);
		return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
				"IPC event of pid %d: destroyed", w->pid);
	}
	*out = pg;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtIpcGetEventHandle(aclrtEvent event,
					aclrtIpcEventHandle *handle)
{
	struct acl_ipc_event *ipc;
	aclError ret;

	if (!handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "handle is NULL");
	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	ret = acl_event_ipc(event, &ipc);
	if (ret)
		return ret;
	/* an opened event gives the handle it was opened with */
	memset(handle, 0, sizeof(*handle));
	memcpy(handle->reserved, &ipc->wire, sizeof(ipc->wire));
	acl_ipc_event_put(ipc);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtIpcOpenEventHandle(aclrtIpcEventHandle handle,
					 aclrtEvent *event)
{
	struct acl_ipc_event *ipc;
	struct ipc_wire w;
	size_t i;
	aclError ret;

	if (!event)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "event is NULL");
	acl_current_context(&ret);
	if (ret)
		return ret;
	memcpy(&w, handle.reserved, sizeof(w));
	for (i = sizeof(w); i < sizeof(handle.reserved); i++)
		if (handle.reserved[i])
			return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
					"not an IPC event handle");
	ret = ipc_alloc(&ipc);
	if (ret)
		return ret;
	ret = ipc_open_page(&w, &ipc->page);
	if (ret) {
		free(ipc);
		return ret;
	}
	ipc->wire = w;
	ret = acl_event_adopt_ipc(event, ipc);
	if (ret)
		acl_ipc_event_put(ipc);
	return ret;
}
