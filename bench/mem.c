// SPDX-License-Identifier: MIT
/*
 * aclmem ioctls, memfds, aligned reservations, and the contenders of a
 * comparison with the pause that lets the pools finish zeroing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

int acl_open(void)
{
	if (acl_fd < 0)
		acl_fd = open("/dev/aclmem", O_RDWR | O_CLOEXEC);
	return acl_fd;
}

int acl_alloc(int fd, uint64_t size, uint64_t psize, uint32_t *handle,
	      uint64_t *offset)
{
	struct aclmem_alloc a = {
		.size = size, .page_size = psize, .node = ACLMEM_NODE_ANY,
	};

	*handle = 0;
	if (offset)
		*offset = 0;
	if (ioctl(fd, ACLMEM_IOC_ALLOC, &a))
		return errno;
	*handle = a.out_handle;
	if (offset)
		*offset = a.out_offset;
	return 0;
}

int acl_free(int fd, uint32_t handle)
{
	struct aclmem_free f = { .handle = handle };

	return ioctl(fd, ACLMEM_IOC_FREE, &f) ? errno : 0;
}

int acl_info(int fd, struct aclmem_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, ACLMEM_IOC_INFO, info) ? errno : 0;
}

/* Faults served for @handle so far, all entry sizes. */
uint64_t acl_faults(int fd, uint32_t handle)
{
	struct aclmem_query q = { .handle = handle };

	if (ioctl(fd, ACLMEM_IOC_QUERY, &q))
		return 0;
	return q.out_faults_pte + q.out_faults_pmd + q.out_faults_pud;
}

/*
 * Wait until the pool of @idx has no dirty page left: every free page is
 * zeroed, the state "warm" means. Gives up after 120 s.
 */
void pool_wait_warm(int fd, int idx)
{
	struct aclmem_info info;
	uint64_t start = now_ns();

	for (;;) {
		if (acl_info(fd, &info))
			return;
		if (!info.out_pools[idx].dirty)
			return;
		if (now_ns() - start > 120ULL * 1000000000ULL) {
			note("pool %d still has %llu dirty pages after 120 s",
			     idx,
			     (unsigned long long)info.out_pools[idx].dirty);
			return;
		}
		usleep(2000);
	}
}

/*
 * The same, polled every 200 µs, for timings that include the zeroing
 * a batch left behind. The poller runs as SCHED_IDLE meanwhile: its
 * wakeups do not preempt the pool worker, and it gets a CPU the worker
 * needs only once the worker sleeps, as a peer's thread blocked on a
 * condition variable (hpool_wait_idle()) costs its zeroing thread
 * nothing. Without it, with one CPU every poll took the CPU from the
 * worker (a wakeup, a context switch and INFO each 200 µs), time the
 * peers were not charged.
 */
void pool_wait_clean(int fd, int idx)
{
	struct sched_param idle = { 0 }, old_param;
	struct aclmem_info info;
	uint64_t start = now_ns();
	int old = sched_getscheduler(0);
	bool lowered;

	sched_getparam(0, &old_param);
	lowered = old >= 0 && !sched_setscheduler(0, SCHED_IDLE, &idle);
	while (!acl_info(fd, &info) && info.out_pools[idx].dirty &&
	       now_ns() - start < 120ULL * 1000000000ULL)
		usleep(200);
	if (lowered)
		sched_setscheduler(0, old, &old_param);
}

uint64_t pool_target(int fd, int idx)
{
	struct aclmem_info info;

	if (acl_info(fd, &info))
		return 0;
	return info.out_pools[idx].target;
}

/* ------------------------------------------------------------------ */
/* memfds */

int memfd_sized(const char *name, unsigned int flags, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | flags);

	if (fd < 0)
		return -errno;
	if (fallocate(fd, 0, 0, size)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* A @size-aligned, inaccessible range of @len bytes, or NULL. */
void *reserve_aligned(size_t len, size_t align)
{
	char *p = mmap(NULL, len + align, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + len, (uintptr_t)p + align - a);
	return (void *)a;
}

/*
 * Every comparison interleaves its contenders: round after round,
 * each runs a batch in turn, so that whatever else the host does (QEMU
 * shares it) weighs on all of them alike. Before each batch the pools
 * are left to finish zeroing, so no contender pays for another's
 * background work.
 */

void contender_fail(const char *name, struct contender *c,
		    const char *status, const char *why, int err)
{
	result_status(name, c->impl, status, why, err);
	c->off = true;
}

void contenders_free(struct contender *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(c[i].s.v);
		free(c[i].s2.v);
		free(c[i].s3.v);
		free(c[i].s4.v);
		free(c[i].s5.v);
	}
}

/* Let both pools finish zeroing: nothing runs in the background. */
void quiesce(void)
{
	if (acl_fd >= 0) {
		pool_wait_warm(acl_fd, ACLMEM_POOL_2M);
		pool_wait_warm(acl_fd, ACLMEM_POOL_1G);
	}
}
