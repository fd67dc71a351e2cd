// SPDX-License-Identifier: MIT
/*
 * alloc1g: allocate 1 GiB: aclmem from the pool (a page zeroed
 * beforehand), aclmem growing on demand (zeroing inside), memfd hugetlb
 * 1 GiB from the reserved pool (fallocate zeroes it), and hugetlb grown at
 * run time: nr_hugepages + 1, then the same memfd (for the on-demand row).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

enum { A1G_POOL, A1G_GROW, A1G_HUGETLB, A1G_HUGETLB_GROW };

#define NR_1G "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"

/* A line in the kernel log (scripts/bench.sh reads the brackets). */
static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, msg, strlen(msg)) < 0)
		(void)0;
	close(fd);
}

static long nr_1g(long set)
{
	char buf[32];
	long v = -1;
	int fd = open(NR_1G, O_RDWR | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	if (set >= 0) {
		len = snprintf(buf, sizeof(buf), "%ld", set);
		if (write(fd, buf, len) != len) {
			close(fd);
			return -1;
		}
	}
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	if (len > 0) {
		buf[len] = 0;
		v = atol(buf);
	}
	close(fd);
	return v;
}

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
	case A1G_HUGETLB_GROW:
		target = nr_1g(-1);
		if ((long)target < 0) {
			*why = "no_1_GiB_hugetlb_sysfs";
			return ENOENT;
		}
		/*
		 * 6.12 clears the new GiB in one go (init_on_alloc) and
		 * can trip the soft-lockup watchdog under TCG: bracketed.
		 */
		kmsg("<3>aclbench: peer hugetlb_1g_grow begin\n");
		t0 = now_ns();
		if (nr_1g(target + 1) != (long)target + 1) {
			nr_1g(target);
			kmsg("<3>aclbench: peer hugetlb_1g_grow end\n");
			*why = "nr_hugepages_+1_refused";
			return ENOMEM;
		}
		fd = memfd_sized("aclbench", MFD_HUGETLB | MFD_HUGE_1GB, GiB);
		t1 = now_ns();
		kmsg("<3>aclbench: peer hugetlb_1g_grow end\n");
		if (fd < 0) {
			nr_1g(target);
			*why = "memfd_create+fallocate";
			return -fd;
		}
		close(fd);
		nr_1g(target);
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
		{ .impl = "hugetlb_1g_grow", .kind = A1G_HUGETLB_GROW },
	};
	char extra[2][256] = { "", "" };
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
	for (i = 0; i < 2; i++) {
		if (cs[i].off)
			continue;
		if (!cs[2].off)
			paired(extra[i], sizeof(extra[i]), cs[2].impl,
			       &cs[i].s, 1, &cs[2].s, 1, false);
		if (!cs[3].off)
			paired(extra[i], sizeof(extra[i]), cs[3].impl,
			       &cs[i].s, 1, &cs[3].s, 1, false);
	}
	for (i = 0; i < nc; i++)
		if (!cs[i].off)
			result_lat("alloc_1g", cs[i].impl, &cs[i].s,
				   "free_p50_ns=%llu%s",
				   (unsigned long long)pct(&cs[i].s2, 50),
				   i < 2 ? extra[i] : "");
	contenders_free(cs, nc);
}
