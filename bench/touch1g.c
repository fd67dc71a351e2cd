// SPDX-License-Identifier: MIT
/*
 * touch1g: map + write every 4 KiB of 1 GiB: aclmem (faulted, and
 * populated), memfd hugetlb 1 GiB, memfd shmem; fault counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

enum { T1G_ACLMEM, T1G_POPULATE, T1G_MEMFD };

struct touch_target {
	int fd;
	uint64_t off;
	uint32_t handle;	/* aclmem */
};

/*
 * mmap 1 GiB, (POPULATE,) write a byte in every 4 KiB page: timed; then
 * munmap. c->s: map + touch; c->s2: munmap; c->count: faults served
 * (aclmem: QUERY out_faults_*; memfds: minflt); c->count2: faults taken
 * by the touch, after mmap; after POPULATE both counts, aclmem's and
 * minflt, added up (they must stay 0).
 */
static int touch1g_op(struct contender *c, struct touch_target *t,
		      const char **why)
{
	uint64_t t0, t1, q0 = 0, qm = 0, q1 = 0;
	long f0, fm, f1;
	char *p;

	if (c->kind != T1G_MEMFD)
		q0 = acl_faults(t->fd, t->handle);
	f0 = minflt();
	t0 = now_ns();
	p = mmap(NULL, GiB, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, t->off);
	if (p == MAP_FAILED) {
		*why = "mmap";
		return errno;
	}
	if (c->kind == T1G_POPULATE) {
		struct aclmem_populate pop = { .addr = (uintptr_t)p, .len = GiB };

		if (ioctl(t->fd, ACLMEM_IOC_POPULATE, &pop)) {
			int err = errno;

			munmap(p, GiB);
			*why = "POPULATE";
			return err;
		}
	}
	if (c->kind != T1G_MEMFD)
		qm = acl_faults(t->fd, t->handle);
	fm = minflt();
	touch(p, GiB);
	t1 = now_ns();
	if (c->kind != T1G_MEMFD)
		q1 = acl_faults(t->fd, t->handle);
	f1 = minflt();
	munmap(p, GiB);
	sample_add(&c->s2, now_ns() - t1);
	sample_add(&c->s, t1 - t0);
	c->count += c->kind == T1G_MEMFD ? f1 - f0 : (long)(q1 - q0);
	c->count2 += c->kind == T1G_MEMFD ? f1 - fm :
		     c->kind == T1G_POPULATE ? (long)(q1 - qm) + (f1 - fm) :
		     (long)(q1 - qm);
	if (c->kind == T1G_POPULATE && (q1 != qm || f1 != fm))
		note("map_touch_1g: %llu aclmem faults and %ld minor faults "
		     "after POPULATE: expected none",
		     (unsigned long long)(q1 - qm), f1 - fm);
	return 0;
}

void bench_touch1g(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = T1G_ACLMEM },
		{ .impl = "aclmem_populate", .kind = T1G_POPULATE },
		{ .impl = "hugetlb_1g", .kind = T1G_MEMFD },
		{ .impl = "shmem_4k", .kind = T1G_MEMFD },
	};
	struct touch_target tt[4];
	uint64_t fall[4] = { 0 }, t0;
	char extra[2][256];
	int nc = sizeof(cs) / sizeof(cs[0]), i, k, err;
	unsigned long rounds = iters(15, 3), r, n;
	const char *why = "?";

	memset(tt, 0, sizeof(tt));
	tt[2].fd = tt[3].fd = -1;
	if (acl_open() < 0) {
		contender_fail("map_touch_1g", &cs[0], "fail", "open", errno);
		contender_fail("map_touch_1g", &cs[1], "fail", "open", errno);
	} else {
		quiesce();
		err = acl_alloc(acl_fd, GiB, ACLMEM_PAGE_SIZE_1G,
				&tt[0].handle, &tt[0].off);
		if (err) {
			contender_fail("map_touch_1g", &cs[0], "fail", "ALLOC",
				       err);
			contender_fail("map_touch_1g", &cs[1], "fail", "ALLOC",
				       err);
		}
		tt[0].fd = acl_fd;
		tt[1] = tt[0];
	}
	/* The peers' memory exists before the clock starts, as aclmem's. */
	for (i = 2; i < 4; i++) {
		t0 = now_ns();
		tt[i].fd = memfd_sized("aclbench", i == 2 ?
				       MFD_HUGETLB | MFD_HUGE_1GB : 0, GiB);
		fall[i] = now_ns() - t0;
		if (tt[i].fd < 0)
			contender_fail("map_touch_1g", &cs[i], "fail",
				       "memfd_create+fallocate", -tt[i].fd);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			/* 4 KiB shmem is slow: fewer rounds. */
			if (i == 3 && r >= iters(5, 2))
				continue;
			quiesce();
			err = touch1g_op(&cs[i], &tt[i], &why);
			if (err)
				contender_fail("map_touch_1g", &cs[i], "fail",
					       why, err);
		}
	}
	/*
	 * Round by round, hugetlb's time over aclmem's: the two run back to
	 * back, so this ratio is free of the host's slow swings.
	 */
	for (i = 0; i < 2; i++) {
		extra[i][0] = 0;
		if (cs[i].off)
			continue;
		for (k = 2; k < nc; k++)
			if (!cs[k].off)
				paired(extra[i], sizeof(extra[i]), cs[k].impl,
				       &cs[i].s, 1, &cs[k].s, 1, false);
	}
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		n = cs[i].s.n;
		result_lat("map_touch_1g", cs[i].impl, &cs[i].s,
			   "faults=%ld touch_faults=%ld unmap_p50_ns=%llu "
			   "fallocate_ns=%llu%s", cs[i].count / (long)n,
			   cs[i].count2 / (long)n,
			   (unsigned long long)pct(&cs[i].s2, 50),
			   (unsigned long long)fall[i], i < 2 ? extra[i] : "");
	}
	if (tt[0].handle)
		acl_free(acl_fd, tt[0].handle);
	for (i = 2; i < 4; i++)
		if (tt[i].fd >= 0)
			close(tt[i].fd);
	contenders_free(cs, nc);
}
