// SPDX-License-Identifier: MIT
/*
 * alloc2m: allocate + free 2 MiB: aclmem from a warm pool (the page was
 * zeroed beforehand, the zeroing of the freed one is left to the pool
 * worker, outside the time, and nothing writes the page), memfd hugetlb,
 * memfd shmem, anonymous THP, the dma-buf system heap, anonymous
 * MAP_HUGETLB (first write faults it in). After each aclmem sample, the
 * noise floor: a CPU loop as long as one warm alloc + free, timed alike,
 * while the pool worker zeroes on the other CPU as it does during the
 * samples. The loop calls nothing, so its tail (p99 ÷ p50) is what the
 * host and the emulator take from any sample that long.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

enum { A2M_ACLMEM, A2M_MEMFD, A2M_THP, A2M_DMAHEAP, A2M_ANON };

static char *thp_va;
static int dma_heap = -1;
static unsigned long floor_iters;

/* @n turns of a loop that touches no memory. */
static void spin(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
}

/*
 * The loop turns as long as a warm alloc + free: the median of 64 of
 * them against the fastest of 5 runs of a million turns.
 */
static void floor_calibrate(void)
{
	struct samples op = { 0 };
	uint64_t t0, d, best = UINT64_MAX;
	uint32_t h;
	int i;

	quiesce();
	for (i = 0; i < 64; i++) {
		t0 = now_ns();
		if (acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h, NULL))
			break;
		acl_free(acl_fd, h);
		sample_add(&op, now_ns() - t0);
	}
	for (i = 0; i < 5; i++) {
		t0 = now_ns();
		spin(1000000);
		d = now_ns() - t0;
		if (d < best)
			best = d;
	}
	if (op.n && best)
		floor_iters = (unsigned long)((double)pct(&op, 50) * 1e6 /
					      (double)best);
	free(op.v);
}

/* One allocate + free of 2 MiB; 0 or an errno (with *why set). */
static int alloc2m_op(struct contender *c, const char **why)
{
	uint64_t t0, t1, t2;
	uint32_t h;
	char *p;
	int fd, err;

	switch (c->kind) {
	case A2M_ACLMEM:
		t0 = now_ns();
		err = acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h, NULL);
		t1 = now_ns();
		if (err) {
			*why = "ALLOC";
			return err;
		}
		acl_free(acl_fd, h);
		t2 = now_ns();
		sample_add(&c->s, t2 - t0);
		sample_add(&c->s2, t1 - t0);
		sample_add(&c->s3, t2 - t1);
		if (floor_iters) {
			t0 = now_ns();
			spin(floor_iters);
			sample_add(&c->s4, now_ns() - t0);
		}
		return 0;
	case A2M_MEMFD:
		t0 = now_ns();
		fd = memfd_sized("aclbench", c->flags, SZ_2M);
		if (fd < 0) {
			*why = "memfd_create+fallocate";
			return -fd;
		}
		close(fd);
		sample_add(&c->s, now_ns() - t0);
		return 0;
	case A2M_THP:
		t0 = now_ns();
		p = mmap(thp_va, SZ_2M, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p != thp_va) {
			*why = "mmap";
			return p == MAP_FAILED ? errno : EEXIST;
		}
		madvise(p, SZ_2M, MADV_HUGEPAGE);
		*(volatile char *)p = 1;	/* the fault allocates it */
		munmap(p, SZ_2M);
		sample_add(&c->s, now_ns() - t0);
		return 0;
	case A2M_ANON:
		t0 = now_ns();
		p = hugetlb_map_2m();
		if (!p) {
			*why = "mmap_MAP_HUGETLB";
			return errno;
		}
		*(volatile char *)p = 1;	/* the fault allocates it */
		munmap(p, SZ_2M);
		sample_add(&c->s, now_ns() - t0);
		return 0;
	case A2M_DMAHEAP: {
		struct dma_heap_allocation_data d = {
			.len = SZ_2M, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		t0 = now_ns();
		if (ioctl(dma_heap, DMA_HEAP_IOCTL_ALLOC, &d)) {
			*why = "DMA_HEAP_IOCTL_ALLOC";
			return errno;
		}
		close(d.fd);
		sample_add(&c->s, now_ns() - t0);
		return 0;
	}
	}
	return EINVAL;
}

void bench_alloc2m(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = A2M_ACLMEM },
		{ .impl = "memfd_hugetlb", .kind = A2M_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = A2M_MEMFD },
		{ .impl = "thp", .kind = A2M_THP },
		{ .impl = "dmabuf_heap", .kind = A2M_DMAHEAP },
		{ .impl = "anon_hugetlb", .kind = A2M_ANON },
	};
	char extra[512] = "";
	int nc = sizeof(cs) / sizeof(cs[0]), i, err;
	unsigned long rounds = iters(16, 4), r, b, target = 0;
	long thp0 = vmstat("thp_fault_alloc"), fb0 = vmstat("thp_fault_fallback");
	char mode[128] = "?";
	const char *why = "?";
	FILE *f;

	for (i = 0; i < nc; i++)
		cs[i].batch = 16;
	if (acl_open() < 0) {
		contender_fail("alloc_free_2m", &cs[0], "fail", "open", errno);
	} else {
		/* A batch never frees more pages than the pool keeps. */
		target = pool_target(acl_fd, ACLMEM_POOL_2M);
		cs[0].batch = target >= 128 ? 64 : target > 1 ? target / 2 : 1;
		floor_calibrate();
	}
	thp_va = reserve_aligned(SZ_2M, SZ_2M);
	if (!thp_va)
		contender_fail("alloc_free_2m", &cs[3], "fail", "mmap", errno);
	else
		munmap(thp_va, SZ_2M);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (fgets(mode, sizeof(mode), f))
			mode[strcspn(mode, "\n")] = 0;
		fclose(f);
	}
	note("THP mode: %s", mode);
	dma_heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (dma_heap < 0)
		contender_fail("alloc_free_2m", &cs[4], "na",
			       "no /dev/dma_heap/system", errno);

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			quiesce();
			for (b = 0; b < cs[i].batch; b++) {
				err = alloc2m_op(&cs[i], &why);
				if (err) {
					contender_fail("alloc_free_2m", &cs[i],
						       "fail", why, err);
					break;
				}
			}
		}
	}
	for (i = 1; i < nc; i++)
		if (!cs[0].off && !cs[i].off)
			paired(extra, sizeof(extra), cs[i].impl, &cs[0].s,
			       cs[0].batch, &cs[i].s, cs[i].batch, false);
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		switch (cs[i].kind) {
		case A2M_ACLMEM:
			result_lat("alloc_free_2m", cs[i].impl, &cs[i].s,
				   "alloc_p50_ns=%llu free_p50_ns=%llu "
				   "floor_p50_ns=%llu floor_p99_ns=%llu "
				   "floor_n=%zu pool_target=%lu batch=%lu%s",
				   (unsigned long long)pct(&cs[i].s2, 50),
				   (unsigned long long)pct(&cs[i].s3, 50),
				   (unsigned long long)pct(&cs[i].s4, 50),
				   (unsigned long long)pct(&cs[i].s4, 99),
				   cs[i].s4.n, target, cs[i].batch, extra);
			break;
		case A2M_THP:
			result_lat("alloc_free_2m", cs[i].impl, &cs[i].s,
				   "thp_alloc=%ld thp_fallback=%ld",
				   vmstat("thp_fault_alloc") - thp0,
				   vmstat("thp_fault_fallback") - fb0);
			break;
		default:
			result_lat("alloc_free_2m", cs[i].impl, &cs[i].s, NULL);
		}
	}
	if (dma_heap >= 0)
		close(dma_heap);
	dma_heap = -1;
	contenders_free(cs, nc);
}
