// SPDX-License-Identifier: MIT
/*
 * torch: 64 handles of 2 MiB mapped into one reservation and unmapped,
 * through libascendcl (the torch_npu pattern); the same with memfds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "acl/acl.h"
#include "aclbench.h"

#define TORCH_HANDLES 64

enum { TORCH_ACL, TORCH_MEMFD };

/*
 * aclrtMallocPhysical + aclrtMapMem 64 times into one reservation (c->s),
 * touch every 4 KiB (faults into c->count), then aclrtUnmapMem +
 * aclrtFreePhysical 64 times (c->s2; c->s3 one aclrtUnmapMem). The memfd
 * contenders do the same with a memfd of 2 MiB each, mapped with
 * MAP_POPULATE (aclrtMapMem populates) and unmapped to a PROT_NONE
 * placeholder (as aclrtUnmapMem does).
 */
static int torch_op(struct contender *c, char *va, const char **why)
{
	static const aclrtPhysicalMemProp prop = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = ACL_HBM_MEM_HUGE,
		.location = { .id = 0, .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};
	aclrtDrvMemHandle h[TORCH_HANDLES];
	int fds[TORCH_HANDLES], i, err = 0;
	uint64_t t0, t1, t2, a, b;
	long f0;
	char *p;

	t0 = now_ns();
	for (i = 0; i < TORCH_HANDLES; i++) {
		if (c->kind == TORCH_ACL) {
			if (aclrtMallocPhysical(&h[i], SZ_2M, &prop, 0)) {
				*why = "aclrtMallocPhysical";
				err = EIO;
				break;
			}
			if (aclrtMapMem(va + i * SZ_2M, SZ_2M, 0, h[i], 0)) {
				aclrtFreePhysical(h[i]);
				*why = "aclrtMapMem";
				err = EIO;
				break;
			}
			continue;
		}
		fds[i] = memfd_sized("aclbench", c->flags, SZ_2M);
		if (fds[i] < 0) {
			*why = "memfd_create+fallocate";
			err = -fds[i];
			break;
		}
		p = mmap(va + i * SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, fds[i], 0);
		if (p == MAP_FAILED) {
			*why = "mmap";
			err = errno;
			close(fds[i]);
			break;
		}
	}
	t1 = now_ns();
	if (!err) {
		f0 = minflt();
		touch(va, TORCH_HANDLES * SZ_2M);
		c->count += minflt() - f0;
	}
	t2 = now_ns();
	while (i--) {
		a = now_ns();
		if (c->kind == TORCH_ACL) {
			aclrtUnmapMem(va + i * SZ_2M);
			b = now_ns();
			aclrtFreePhysical(h[i]);
		} else {
			mmap(va + i * SZ_2M, SZ_2M, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			     MAP_NORESERVE, -1, 0);
			b = now_ns();
			close(fds[i]);
		}
		sample_add(&c->s3, b - a);
		sample_add(&c->s4, now_ns() - b);
	}
	if (err)
		return err;
	sample_add(&c->s2, now_ns() - t2);
	sample_add(&c->s, t1 - t0);
	return 0;
}

void bench_torch(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = TORCH_ACL },
		{ .impl = "memfd_hugetlb", .kind = TORCH_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = TORCH_MEMFD },
	};
	char extra[2][256] = { "", "" };
	int nc = sizeof(cs) / sizeof(cs[0]), i, err;
	unsigned long rounds = iters(30, 3), r, n;
	char *va[3] = { NULL, NULL, NULL };
	const char *why = "?";
	void *vp;

	if (acl_open() < 0) {
		contender_fail("torch64_map", &cs[0], "fail", "open", errno);
	} else {
		if (pool_target(acl_fd, ACLMEM_POOL_2M) < TORCH_HANDLES)
			note("torch: the 2 MiB pool keeps fewer than %d pages: "
			     "some allocations grow it", TORCH_HANDLES);
		aclInit(NULL);
		if (aclrtSetDevice(0))
			contender_fail("torch64_map", &cs[0], "fail",
				       "aclrtSetDevice", EIO);
		else if (aclrtReserveMemAddress(&vp, TORCH_HANDLES * SZ_2M, 0,
						NULL, 0))
			contender_fail("torch64_map", &cs[0], "fail",
				       "aclrtReserveMemAddress", EIO);
		else
			va[0] = vp;
	}
	for (i = 1; i < nc; i++) {
		va[i] = reserve_aligned(TORCH_HANDLES * SZ_2M, SZ_2M);
		if (!va[i])
			contender_fail("torch64_map", &cs[i], "fail", "mmap",
				       errno);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			/* 4 KiB shmem is slow: fewer rounds. */
			if (i == 2 && r >= iters(10, 3))
				continue;
			quiesce();
			err = torch_op(&cs[i], va[i], &why);
			if (err)
				contender_fail("torch64_map", &cs[i], "fail",
					       why, err);
		}
	}
	for (i = 1; i < nc; i++) {
		if (cs[0].off || cs[i].off)
			continue;
		paired(extra[0], sizeof(extra[0]), cs[i].impl, &cs[0].s, 1,
		       &cs[i].s, 1, false);
		paired(extra[1], sizeof(extra[1]), cs[i].impl, &cs[0].s2, 1,
		       &cs[i].s2, 1, false);
	}
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		n = cs[i].s.n;
		result_lat("torch64_map", cs[i].impl, &cs[i].s,
			   "handles=%d touch_faults=%ld%s", TORCH_HANDLES,
			   cs[i].count / (long)n, i ? "" : extra[0]);
		result_lat("torch64_unmap", cs[i].impl, &cs[i].s2,
			   "handles=%d unmap_one_p50_ns=%llu "
			   "unmap_one_mean_ns=%llu free_one_p50_ns=%llu "
			   "free_one_mean_ns=%llu%s", TORCH_HANDLES,
			   (unsigned long long)pct(&cs[i].s3, 50),
			   (unsigned long long)mean(&cs[i].s3),
			   (unsigned long long)pct(&cs[i].s4, 50),
			   (unsigned long long)mean(&cs[i].s4),
			   i ? "" : extra[1]);
	}
	if (va[0])
		aclrtReleaseMemAddress(va[0]);
	for (i = 1; i < nc; i++)
		if (va[i])
			munmap(va[i], TORCH_HANDLES * SZ_2M);
	contenders_free(cs, nc);
}
