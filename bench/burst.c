// SPDX-License-Identifier: MIT
/*
 * burst: what a warm pool does not hide.
 *   burst_2m          allocate + map + first write of 2 MiB, 64 more
 *                     times than the pool keeps, back to back (the rest
 *                     comes from the kernel and is zeroed then); the peer:
 *                     anonymous MAP_HUGETLB + first write, as many times,
 *                     from the reserved pool (zeroed at the fault).
 *   after_free_2m     allocate + map + first write of 2 MiB right after a
 *                     free, with every other page of the pool held, so
 *                     the only free page is the dirty one just freed; the
 *                     peers: anonymous MAP_HUGETLB right after munmap, and
 *                     the hugetlb pool with a zeroing thread (hpool.c)
 *                     with every other block held.
 * Rounds alternate aclmem and the peers; the ratios are paired.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

#define BURST_EXTRA 64

static long hugetlb_free_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
			"r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* ALLOC + mmap + one write; the handle and mapping in @h / @p. */
static int acl_get(uint32_t *h, char **p)
{
	uint64_t off;
	int err = acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, h, &off);

	if (err)
		return err;
	*p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, acl_fd,
		  off);
	if (*p == MAP_FAILED) {
		err = errno;
		acl_free(acl_fd, *h);
		return err;
	}
	**(volatile char **)p = 1;
	return 0;
}

static void acl_put(uint32_t h, char *p)
{
	munmap(p, SZ_2M);
	acl_free(acl_fd, h);
}

static void bench_burst_2m(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem" },
		{ .impl = "anon_hugetlb" },
	};
	unsigned long rounds = iters(5, 2), r, k, n;
	uint64_t target, t0, t1, tb;
	char extra[256] = "";
	uint32_t *h;
	char **p;
	int err = 0;

	if (acl_open() < 0) {
		contender_fail("burst_2m", &cs[0], "fail", "open", errno);
		return;
	}
	target = pool_target(acl_fd, ACLMEM_POOL_2M);
	n = target + BURST_EXTRA;
	if (hugetlb_free_2m() < (long)n)
		contender_fail("burst_2m", &cs[1], "na",
			       "fewer free hugetlb 2 MiB pages than the burst",
			       0);
	h = calloc(n, sizeof(*h));
	p = calloc(n, sizeof(*p));
	if (!h || !p) {
		contender_fail("burst_2m", &cs[0], "fail", "calloc", ENOMEM);
		goto out;
	}
	for (r = 0; r < rounds && !cs[0].off; r++) {
		quiesce();
		tb = now_ns();
		for (k = 0; k < n; k++) {
			t0 = now_ns();
			err = acl_get(&h[k], &p[k]);
			if (err)
				break;
			sample_add(&cs[0].s2, now_ns() - t0);
		}
		t1 = now_ns();
		if (err)
			contender_fail("burst_2m", &cs[0], "fail", "ALLOC", err);
		else
			sample_add(&cs[0].s, t1 - tb);
		while (k--)
			acl_put(h[k], p[k]);
		if (cs[1].off)
			continue;
		quiesce();
		tb = now_ns();
		for (k = 0; k < n; k++) {
			t0 = now_ns();
			p[k] = hugetlb_map_2m();
			if (!p[k]) {
				err = errno;
				break;
			}
			*(volatile char *)p[k] = 1;
			sample_add(&cs[1].s2, now_ns() - t0);
		}
		t1 = now_ns();
		if (k < n)
			contender_fail("burst_2m", &cs[1], "fail",
				       "mmap_MAP_HUGETLB", err);
		else
			sample_add(&cs[1].s, t1 - tb);
		while (k--)
			munmap(p[k], SZ_2M);
	}
	if (!cs[0].off && !cs[1].off)
		paired(extra, sizeof(extra), cs[1].impl, &cs[0].s, 1,
		       &cs[1].s, 1, false);
	for (k = 0; k < 2; k++)
		if (!cs[k].off)
			result_lat("burst_2m", cs[k].impl, &cs[k].s,
				   "pages=%lu pool_target=%llu one_p50_ns=%llu "
				   "one_p99_ns=%llu one_n=%zu%s", n,
				   (unsigned long long)target,
				   (unsigned long long)pct(&cs[k].s2, 50),
				   (unsigned long long)pct(&cs[k].s2, 99),
				   cs[k].s2.n, k ? "" : extra);
out:
	free(h);
	free(p);
	contenders_free(cs, 2);
}

static void bench_after_free_2m(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem" },
		{ .impl = "anon_hugetlb" },
		{ .impl = "prezero_hugetlb" },
	};
	unsigned long ops = iters(60, 10), r, k, held_n = 0;
	void *blocks[HPOOL_MAX], *v;
	char extra[512] = "";
	uint32_t *held = NULL, h;
	struct hpool hp;
	uint64_t target, t0;
	int err, nb = 0, i;
	bool have_hp;
	char *p = NULL, *q;

	if (acl_open() < 0) {
		contender_fail("after_free_2m", &cs[0], "fail", "open", errno);
	} else {
		/* Hold all of the pool but one page. */
		quiesce();
		target = pool_target(acl_fd, ACLMEM_POOL_2M);
		held = calloc(target ? target : 1, sizeof(*held));
		for (k = 0; held && k + 1 < target; k++) {
			if (acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M,
				      &held[k], NULL))
				break;
			held_n++;
		}
		err = acl_get(&h, &p);
		if (err || held_n + 1 < target)
			contender_fail("after_free_2m", &cs[0], "fail",
				       "ALLOC", err ? err : ENOMEM);
	}
	err = hpool_init(&hp, HPOOL_MAX, true);
	have_hp = !err;
	if (err) {
		contender_fail("after_free_2m", &cs[2], "fail", "hugetlb_pool",
			       err);
	} else {
		/* Hold all of its blocks but one. */
		while (nb < HPOOL_MAX - 1)
			blocks[nb++] = hpool_get(&hp);
	}
	v = have_hp ? hpool_get(&hp) : NULL;
	q = hugetlb_map_2m();
	if (!q)
		contender_fail("after_free_2m", &cs[1], "fail",
			       "mmap_MAP_HUGETLB", errno);
	for (r = 0; r < ops; r++) {
		if (!cs[0].off) {
			memset(p, 0xa5, SZ_2M);
			acl_put(h, p);
			t0 = now_ns();
			err = acl_get(&h, &p);
			if (err) {
				contender_fail("after_free_2m", &cs[0], "fail",
					       "ALLOC", err);
				p = NULL;
			} else {
				sample_add(&cs[0].s, now_ns() - t0);
			}
		}
		if (!cs[1].off) {
			memset(q, 0xa5, SZ_2M);
			munmap(q, SZ_2M);
			t0 = now_ns();
			q = hugetlb_map_2m();
			if (!q) {
				contender_fail("after_free_2m", &cs[1], "fail",
					       "mmap_MAP_HUGETLB", errno);
			} else {
				*(volatile char *)q = 1;
				sample_add(&cs[1].s, now_ns() - t0);
			}
		}
		if (!cs[2].off) {
			memset(v, 0xa5, SZ_2M);
			hpool_put(&hp, v);
			t0 = now_ns();
			v = hpool_get(&hp);
			*(volatile char *)v = 1;
			sample_add(&cs[2].s, now_ns() - t0);
		}
	}
	for (i = 1; i < 3; i++)
		if (!cs[0].off && !cs[i].off)
			paired(extra, sizeof(extra), cs[i].impl, &cs[0].s, 1,
			       &cs[i].s, 1, false);
	for (i = 0; i < 3; i++)
		if (!cs[i].off)
			result_lat("after_free_2m", cs[i].impl, &cs[i].s,
				   i || !*extra ? NULL : "%s", extra + 1);
	if (p && !cs[0].off)
		acl_put(h, p);
	while (held_n)
		acl_free(acl_fd, held[--held_n]);
	free(held);
	if (q)
		munmap(q, SZ_2M);
	if (have_hp) {
		if (v)
			hpool_put(&hp, v);
		while (nb)
			hpool_put(&hp, blocks[--nb]);
		hpool_destroy(&hp);
	}
	contenders_free(cs, 3);
}

void bench_burst(void)
{
	bench_burst_2m();
	bench_after_free_2m();
}
