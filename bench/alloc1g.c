// SPDX-License-Identifier: MIT
/*
 * alloc1g: allocate 1 GiB: aclmem from the pool, aclmem growing on
 * demand, memfd hugetlb 1 GiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

enum { A1G_POOL, A1G_GROW, A1G_HUGETLB };

/*
 * One 1 GiB allocation, timed, and its free. Growing on demand: hold the
 * pool's page(s), then allocate one more, which the module takes from the
 * kernel (scan + alloc_contig_range + zero). Freeing the pool's pages
 * first makes the extra page go back to the kernel, so every round grows
 * again.
 */
static int alloc1g_op(struct contender *c, const char **why)
{
	uint64_t t0, t1, target;
	uint32_t held[8], h;
	unsigned long k;
	int fd, err = 0;

	switch (c->kind) {
	case A1G_POOL:
		t0 = now_ns();
		err = acl_alloc(acl_fd, GiB, ACLMEM_PAGE_SIZE_1G, &h, NULL);
		t1 = now_ns();
		if (err) {
			*why = "ALLOC";
			return err;
		}
		acl_free(acl_fd, h);
		sample_add(&c->s2, now_ns() - t1);
		sample_add(&c->s, t1 - t0);
		return 0;
	case A1G_GROW:
		target = pool_target(acl_fd, ACLMEM_POOL_1G);
		if (target > 8) {
			*why = "pool_1g_above_8";
			return E2BIG;
		}
		for (k = 0; k < target; k++) {
			err = acl_alloc(acl_fd, GiB, ACLMEM_PAGE_SIZE_1G,
					&held[k], NULL);
			if (err) {
				*why = "ALLOC_from_the_pool";
				while (k--)
					acl_free(acl_fd, held[k]);
				return err;
			}
		}
		t0 = now_ns();
		err = acl_alloc(acl_fd, GiB, ACLMEM_PAGE_SIZE_1G, &h, NULL);
		t1 = now_ns();
		for (k = 0; k < target; k++)
			acl_free(acl_fd, held[k]);
		if (err) {
			*why = "ALLOC_beyond_the_pool";
			return err;
		}
		acl_free(acl_fd, h);
		sample_add(&c->s2, now_ns() - t1);
		sample_add(&c->s, t1 - t0);
		return 0;
	case A1G_HUGETLB:
		t0 = now_ns();
		fd = memfd_sized("aclbench", MFD_HUGETLB | MFD_HUGE_1GB, GiB);
		t1 = now_ns();
		if (fd < 0) {
			*why = "memfd_create+fallocate";
			return -fd;
		}
		close(fd);
		sample_add(&c->s2, now_ns() - t1);
		sample_add(&c->s, t1 - t0);
		return 0;
	}
	return EINVAL;
}

void bench_alloc1g(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem_pool", .kind = A1G_POOL },
		{ .impl = "aclmem_grow", .kind = A1G_GROW },
		{ .impl = "hugetlb_1g", .kind = A1G_HUGETLB },
	};
	int nc = sizeof(cs) / sizeof(cs[0]), i, err;
	unsigned long rounds = iters(4, 2), r;
	const char *why = "?";

	if (acl_open() < 0) {
		contender_fail("alloc_1g", &cs[0], "fail", "open", errno);
		contender_fail("alloc_1g", &cs[1], "fail", "open", errno);
	} else if (pool_target(acl_fd, ACLMEM_POOL_1G) < 1) {
		contender_fail("alloc_1g", &cs[0], "na", "pool_1g=0", 0);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			quiesce();
			err = alloc1g_op(&cs[i], &why);
			if (err)
				contender_fail("alloc_1g", &cs[i], "fail", why,
					       err);
		}
	}
	for (i = 0; i < nc; i++)
		if (!cs[i].off)
			result_lat("alloc_1g", cs[i].impl, &cs[i].s,
				   "free_p50_ns=%llu",
				   (unsigned long long)pct(&cs[i].s2, 50));
	contenders_free(cs, nc);
}
