// SPDX-License-Identifier: MIT
/*
 * churn: back-to-back allocate + write all 2 MiB + free, with no pause
 * between operations, so that the zeroing is paid inside the time: a
 * batch's time runs until its own background zeroing is done (aclmem's
 * pool worker, the peer's zeroing thread). Once with both CPUs, once with
 * CPU 1 offline and once with CPU 1 busy (cpu.c). The peers: a hugetlb
 * memfd (memfd_create + fallocate + mmap), anonymous MAP_HUGETLB from the
 * reserved pool, a caching allocator over faulted hugetlb mappings (no
 * zeroing at all: it hands back the last user's data) and the same with a
 * background zeroing thread (hpool.c). The contenders take turns batch by
 * batch, in a rotating order; the ratios are paired round by round.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

enum { CH_ACLMEM, CH_MEMFD, CH_ANON, CH_CACHE, CH_PREZERO };

#define CH_BATCH 8

static struct hpool cache, prezero;

/* One allocate + write + free; 0 or an errno (with *why set). */
static int churn_op(struct contender *c, const char **why)
{
	uint64_t off;
	uint32_t h;
	char *p;
	int fd, err;

	switch (c->kind) {
	case CH_ACLMEM:
		err = acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h, &off);
		if (err) {
			*why = "ALLOC";
			return err;
		}
		p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED,
			 acl_fd, off);
		if (p == MAP_FAILED) {
			err = errno;
			acl_free(acl_fd, h);
			*why = "mmap";
			return err;
		}
		memset(p, 0xa5, SZ_2M);
		munmap(p, SZ_2M);
		acl_free(acl_fd, h);
		return 0;
	case CH_MEMFD:
		fd = memfd_sized("aclbench", MFD_HUGETLB | MFD_HUGE_2MB, SZ_2M);
		if (fd < 0) {
			*why = "memfd_create+fallocate";
			return -fd;
		}
		p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			err = errno;
			close(fd);
			*why = "mmap";
			return err;
		}
		memset(p, 0xa5, SZ_2M);
		munmap(p, SZ_2M);
		close(fd);
		return 0;
	case CH_ANON:
		p = hugetlb_map_2m();
		if (!p) {
			*why = "mmap_MAP_HUGETLB";
			return errno;
		}
		memset(p, 0xa5, SZ_2M);
		munmap(p, SZ_2M);
		return 0;
	default:
		p = hpool_get(c->kind == CH_CACHE ? &cache : &prezero);
		if (!p) {
			*why = "mmap_MAP_HUGETLB";
			return errno;
		}
		memset(p, 0xa5, SZ_2M);
		hpool_put(c->kind == CH_CACHE ? &cache : &prezero, p);
		return 0;
	}
}

/* The background work a batch left behind, done before its clock stops. */
static void churn_drain(struct contender *c)
{
	if (c->kind == CH_ACLMEM)
		pool_wait_clean(acl_fd, ACLMEM_POOL_2M);
	else if (c->kind == CH_PREZERO)
		hpool_wait_idle(&prezero);
}

static void churn_mode(enum cpu_mode mode)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = CH_ACLMEM },
		{ .impl = "memfd_hugetlb", .kind = CH_MEMFD },
		{ .impl = "anon_hugetlb", .kind = CH_ANON },
		{ .impl = "cache_hugetlb", .kind = CH_CACHE },
		{ .impl = "prezero_hugetlb", .kind = CH_PREZERO },
	};
	int nc = ARRAY_SIZE(cs), i, k, err;
	unsigned long rounds = iters(24, 4), r, b;
	struct aclmem_info a, z;
	char name[32], extra[512] = "";
	const char *why = "?";
	bool have_cache, have_prezero;
	uint64_t t0, t1;

	snprintf(name, sizeof(name), "churn_2m_%s", cpu_mode_name(mode));
	if (acl_open() < 0)
		contender_fail(name, &cs[0], "fail", "open", errno);
	err = hpool_init(&cache, HPOOL_MAX, false);
	have_cache = !err;
	if (err)
		contender_fail(name, &cs[3], "fail", "hugetlb_pool", err);
	err = hpool_init(&prezero, HPOOL_MAX, true);
	have_prezero = !err;
	if (err)
		contender_fail(name, &cs[4], "fail", "hugetlb_pool", err);
	quiesce();
	err = cpu_mode_enter(mode, &why);
	if (err) {
		for (i = 0; i < nc; i++)
			if (!cs[i].off)
				contender_fail(name, &cs[i], "na", why, err);
		goto out;
	}
	if (acl_fd >= 0)
		acl_info(acl_fd, &a);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < nc; k++) {
			i = (k + r) % nc;
			if (cs[i].off)
				continue;
			t0 = now_ns();
			for (b = 0; b < CH_BATCH; b++) {
				t1 = now_ns();
				err = churn_op(&cs[i], &why);
				if (err) {
					contender_fail(name, &cs[i], "fail",
						       why, err);
					break;
				}
				sample_add(&cs[i].s2, now_ns() - t1);
			}
			churn_drain(&cs[i]);
			sample_add(&cs[i].s, (now_ns() - t0) / CH_BATCH);
		}
	}
	if (acl_fd >= 0)
		acl_info(acl_fd, &z);
	cpu_mode_leave();
	for (i = 1; i < nc; i++)
		if (!cs[0].off && !cs[i].off)
			paired(extra, sizeof(extra), cs[i].impl, &cs[0].s, 1,
			       &cs[i].s, 1, false);
	/*
	 * p50_ns etc.: per operation, a batch's time (drain included) over
	 * its size; op_p50_ns and op_p99_ns: single operations, drain not
	 * included.
	 */
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		result_lat(name, cs[i].impl, &cs[i].s,
			   "cpus=%s batch=%d ops=%zu op_p50_ns=%llu "
			   "op_p99_ns=%llu%s", cpu_mode_name(mode), CH_BATCH,
			   cs[i].s2.n, (unsigned long long)pct(&cs[i].s2, 50),
			   (unsigned long long)pct(&cs[i].s2, 99),
			   i ? "" : extra);
	}
	if (!cs[0].off)
		note("%s: the 2 MiB pool grew by %llu, shrank by %llu", name,
		     (unsigned long long)(z.out_pools[0].grown -
					  a.out_pools[0].grown),
		     (unsigned long long)(z.out_pools[0].shrunk -
					  a.out_pools[0].shrunk));
out:
	if (have_cache)
		hpool_destroy(&cache);
	if (have_prezero)
		hpool_destroy(&prezero);
	contenders_free(cs, nc);
}

void bench_churn(void)
{
	int m;

	for (m = 0; m < CPU_NR_MODES; m++)
		churn_mode(m);
}
