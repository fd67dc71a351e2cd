// SPDX-License-Identifier: MIT
/*
 * aclbench: the same operations through aclmem and through its peers
 * (hugetlb and shmem memfds, anonymous THP, the dma-buf system heap), in
 * one process, one boot. scripts/bench.sh runs "aclbench all" in a QEMU
 * guest and turns the output into bench/results/KVER.{csv,md,png}.
 *
 * Usage: aclbench [--scale=X] [all | SUBCOMMAND...]
 *   memset     memset bandwidth of a 1 GiB buffer, one thread and all CPUs
 *   alloc2m    allocate + free 2 MiB: aclmem, memfd hugetlb, memfd shmem,
 *              anonymous THP, dma-buf system heap
 *   alloc1g    allocate 1 GiB: aclmem from the pool, aclmem growing on
 *              demand, memfd hugetlb 1 GiB
 *   touch1g    map + write every 4 KiB of 1 GiB: aclmem (faulted, and
 *              populated), memfd hugetlb 1 GiB, memfd shmem; fault counts
 *   torch      64 handles of 2 MiB mapped into one reservation and
 *              unmapped, through libascendcl; the same with memfds
 *   share      export -> import -> map in a second process: aclmem token,
 *              aclmem dma-buf fd, memfd (hugetlb and shmem) over a socket
 *   sustained  allocate + free 2 MiB in a loop for seconds: GB/s handed out
 *   meta       kernel memory per aclmem handle (/proc/slabinfo deltas)
 *
 * Every result is one line on stdout,
 *   RESULT name=NAME impl=IMPL key=value ...
 * with latencies in ns (p50_ns, p99_ns, mean_ns, min_ns, max_ns, n),
 * bandwidths in gbps (10^9 bytes per second), fault counts in faults, and
 * status=ok, status=na (with reason=) or status=fail (with reason=, its
 * words joined by "~").
 * Comment lines start with "#". --scale multiplies the iteration counts
 * and durations (0.1 for a quick look). Needs root, /dev/aclmem, hugetlb
 * pages (1 GiB: 1, 2 MiB: 64) and, for "torch", libascendcl.so.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <linux/memfd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/aclmem.h>

#include "acl/acl.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define SZ_2M (2 * MiB)

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif
#ifndef MFD_HUGE_1GB
#define MFD_HUGE_1GB (30U << 26)
#endif

static double scale = 1.0;
static int acl_fd = -1;

/* ------------------------------------------------------------------ */
/* time, samples, output */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* An iteration count scaled by --scale, never below @min. */
static unsigned long iters(unsigned long n, unsigned long min)
{
	unsigned long v = (unsigned long)(n * scale + 0.5);

	return v < min ? min : v;
}

static double seconds(double s)
{
	return s * scale < 0.2 ? 0.2 : s * scale;
}

struct samples {
	uint64_t *v;
	size_t n, cap;
};

static void sample_add(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			perror("realloc");
			exit(1);
		}
	}
	s->v[s->n++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile; sorts the samples. */
static uint64_t pct(struct samples *s, double p)
{
	size_t i;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	i = (size_t)(p / 100.0 * s->n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > s->n)
		i = s->n;
	return s->v[i - 1];
}

static uint64_t mean(const struct samples *s)
{
	long double sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? (uint64_t)(sum / s->n) : 0;
}

static void sample_reset(struct samples *s)
{
	s->n = 0;
}

/* RESULT line with the latency statistics of @s and @fmt appended. */
static void __attribute__((format(printf, 4, 5)))
result_lat(const char *name, const char *impl, struct samples *s,
	   const char *fmt, ...)
{
	va_list ap;
	uint64_t p50 = pct(s, 50), p99 = pct(s, 99);

	printf("RESULT name=%s impl=%s status=ok p50_ns=%llu p99_ns=%llu "
	       "mean_ns=%llu min_ns=%llu max_ns=%llu n=%zu", name, impl,
	       (unsigned long long)p50, (unsigned long long)p99,
	       (unsigned long long)mean(s),
	       (unsigned long long)(s->n ? s->v[0] : 0),
	       (unsigned long long)(s->n ? s->v[s->n - 1] : 0), s->n);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
}

static void __attribute__((format(printf, 2, 3)))
result_raw(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("RESULT name=%s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* status=na or status=fail, with a reason of one word. */
static void result_status(const char *name, const char *impl,
			  const char *status, const char *why, int err)
{
	char reason[160];
	char *p;

	if (err)
		snprintf(reason, sizeof(reason), "%s: %s", why, strerror(err));
	else
		snprintf(reason, sizeof(reason), "%s", why);
	for (p = reason; *p; p++)
		if (*p == ' ')
			*p = '~';
	printf("RESULT name=%s impl=%s status=%s reason=%s\n", name, impl,
	       status, reason);
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* A counter of /proc/vmstat, or -1. */
static long vmstat(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ' ') {
			v = atol(line + len + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Write one byte in every 4 KiB page of [p, p + len). */
static void touch(void *p, size_t len)
{
	volatile char *c = p;
	size_t i;

	for (i = 0; i < len; i += 4096)
		c[i] = 1;
}

/* ------------------------------------------------------------------ */
/* aclmem ioctls */

static int acl_open(void)
{
	if (acl_fd < 0)
		acl_fd = open("/dev/aclmem", O_RDWR | O_CLOEXEC);
	return acl_fd;
}

static int acl_alloc(int fd, uint64_t size, uint64_t psize, uint32_t *handle,
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

static int acl_free(int fd, uint32_t handle)
{
	struct aclmem_free f = { .handle = handle };

	return ioctl(fd, ACLMEM_IOC_FREE, &f) ? errno : 0;
}

static int acl_info(int fd, struct aclmem_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, ACLMEM_IOC_INFO, info) ? errno : 0;
}

/* Faults served for @handle so far, all entry sizes. */
static uint64_t acl_faults(int fd, uint32_t handle)
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
static void pool_wait_warm(int fd, int idx)
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

static uint64_t pool_target(int fd, int idx)
{
	struct aclmem_info info;

	if (acl_info(fd, &info))
		return 0;
	return info.out_pools[idx].target;
}

/* ------------------------------------------------------------------ */
/* memfds */

static int memfd_sized(const char *name, unsigned int flags, uint64_t size)
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
static void *reserve_aligned(size_t len, size_t align)
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

/* ------------------------------------------------------------------ */
/* memset bandwidth */

struct memset_arg {
	char *p;
	size_t len;
	int reps;
	pthread_barrier_t *bar;
};

static void *memset_thread(void *argp)
{
	struct memset_arg *a = argp;
	int i;

	for (i = 0; i < a->reps; i++) {
		pthread_barrier_wait(a->bar);
		memset(a->p, i + 1, a->len);
		pthread_barrier_wait(a->bar);
	}
	return NULL;
}

static void bench_memset(void)
{
	size_t len = GiB;
	int reps = (int)iters(5, 3), i, t;
	int nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct samples s = { 0 };
	pthread_barrier_t bar;
	pthread_t tid[64];
	struct memset_arg args[64];
	uint64_t t0;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		result_status("memset", "memset", "fail", "mmap", errno);
		return;
	}
	memset(p, 0, len);
	for (i = 0; i < reps; i++) {
		t0 = now_ns();
		memset(p, i + 1, len);
		sample_add(&s, now_ns() - t0);
	}
	/* Bandwidth of the median pass. */
	result_lat("memset", "memset", &s, "bytes=%zu gbps=%.3f threads=1",
		   len, len / (double)pct(&s, 50));

	if (nthreads > 64)
		nthreads = 64;
	if (nthreads > 1) {
		sample_reset(&s);
		pthread_barrier_init(&bar, NULL, nthreads + 1);
		for (t = 0; t < nthreads; t++) {
			args[t].p = p + t * (len / nthreads);
			args[t].len = len / nthreads;
			args[t].reps = reps;
			args[t].bar = &bar;
			pthread_create(&tid[t], NULL, memset_thread, &args[t]);
		}
		for (i = 0; i < reps; i++) {
			pthread_barrier_wait(&bar);
			t0 = now_ns();
			pthread_barrier_wait(&bar);
			sample_add(&s, now_ns() - t0);
		}
		for (t = 0; t < nthreads; t++)
			pthread_join(tid[t], NULL);
		pthread_barrier_destroy(&bar);
		result_lat("memset", "memset_all_cpus", &s,
			   "bytes=%zu gbps=%.3f threads=%d", len,
			   len / (double)pct(&s, 50), nthreads);
	}
	munmap(p, len);
	free(s.v);
}

/* ------------------------------------------------------------------ */
/*
 * Every comparison below interleaves its contenders: round after round,
 * each runs a batch in turn, so that whatever else the host does (QEMU
 * shares it) weighs on all of them alike. Before each batch the pools
 * are left to finish zeroing, so no contender pays for another's
 * background work.
 */

/* One contender of a comparison. */
struct contender {
	const char *impl;
	int kind;
	unsigned int flags;
	unsigned long batch;
	bool off;		/* failed or n/a: reported, not run again */
	struct samples s, s2, s3, s4, s5;
	long count, count2;
};

static void contender_fail(const char *name, struct contender *c,
			   const char *status, const char *why, int err)
{
	result_status(name, c->impl, status, why, err);
	c->off = true;
}

static void contenders_free(struct contender *c, int n)
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
static void quiesce(void)
{
	if (acl_fd >= 0) {
		pool_wait_warm(acl_fd, ACLMEM_POOL_2M);
		pool_wait_warm(acl_fd, ACLMEM_POOL_1G);
	}
}

/* ------------------------------------------------------------------ */
/* allocate + free 2 MiB */

enum { A2M_ACLMEM, A2M_MEMFD, A2M_THP, A2M_DMAHEAP };

static char *thp_va;
static int dma_heap = -1;

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

static void bench_alloc2m(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = A2M_ACLMEM },
		{ .impl = "memfd_hugetlb", .kind = A2M_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = A2M_MEMFD },
		{ .impl = "thp", .kind = A2M_THP },
		{ .impl = "dmabuf_heap", .kind = A2M_DMAHEAP },
	};
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
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		switch (cs[i].kind) {
		case A2M_ACLMEM:
			result_lat("alloc_free_2m", cs[i].impl, &cs[i].s,
				   "alloc_p50_ns=%llu free_p50_ns=%llu "
				   "pool_target=%lu batch=%lu",
				   (unsigned long long)pct(&cs[i].s2, 50),
				   (unsigned long long)pct(&cs[i].s3, 50),
				   target, cs[i].batch);
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

/* ------------------------------------------------------------------ */
/* allocate 1 GiB */

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

static void bench_alloc1g(void)
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

/* ------------------------------------------------------------------ */
/* map + touch 1 GiB */

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

static void bench_touch1g(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = T1G_ACLMEM },
		{ .impl = "aclmem_populate", .kind = T1G_POPULATE },
		{ .impl = "hugetlb_1g", .kind = T1G_MEMFD },
		{ .impl = "shmem_4k", .kind = T1G_MEMFD },
	};
	struct touch_target tt[4];
	uint64_t fall[4] = { 0 }, t0;
	double paired[2][3];
	int nc = sizeof(cs) / sizeof(cs[0]), i, err;
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
	 * Round by round, hugetlb's time over aclmem's (before pct() sorts
	 * the samples): the two run back to back, so this ratio is free of
	 * the host's slow swings; its spread shows the noise of the boot.
	 */
	for (i = 0; i < 2; i++) {
		struct samples pr = { 0 };

		paired[i][0] = 0;
		if (cs[i].off || cs[2].off || cs[i].s.n != cs[2].s.n)
			continue;
		for (r = 0; r < cs[i].s.n; r++)
			sample_add(&pr, cs[2].s.v[r] * 1000 / cs[i].s.v[r]);
		paired[i][0] = pct(&pr, 50) / 1e3;
		paired[i][1] = pct(&pr, 0) / 1e3;
		paired[i][2] = pct(&pr, 100) / 1e3;
		free(pr.v);
	}
	for (i = 0; i < nc; i++) {
		char extra[128] = "";

		if (cs[i].off)
			continue;
		n = cs[i].s.n;
		if (i < 2 && paired[i][0] > 0)
			snprintf(extra, sizeof(extra),
				 " paired_hugetlb_ratio=%.3f "
				 "paired_min=%.3f paired_max=%.3f",
				 paired[i][0], paired[i][1], paired[i][2]);
		result_lat("map_touch_1g", cs[i].impl, &cs[i].s,
			   "faults=%ld touch_faults=%ld unmap_p50_ns=%llu "
			   "fallocate_ns=%llu%s", cs[i].count / (long)n,
			   cs[i].count2 / (long)n,
			   (unsigned long long)pct(&cs[i].s2, 50),
			   (unsigned long long)fall[i], extra);
	}
	if (tt[0].handle)
		acl_free(acl_fd, tt[0].handle);
	for (i = 2; i < 4; i++)
		if (tt[i].fd >= 0)
			close(tt[i].fd);
	contenders_free(cs, nc);
}

/* ------------------------------------------------------------------ */
/* 64 handles of 2 MiB in one reservation: the torch_npu pattern */

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

static void bench_torch(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem", .kind = TORCH_ACL },
		{ .impl = "memfd_hugetlb", .kind = TORCH_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = TORCH_MEMFD },
	};
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
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		n = cs[i].s.n;
		result_lat("torch64_map", cs[i].impl, &cs[i].s,
			   "handles=%d touch_faults=%ld", TORCH_HANDLES,
			   cs[i].count / (long)n);
		result_lat("torch64_unmap", cs[i].impl, &cs[i].s2,
			   "handles=%d unmap_one_p50_ns=%llu "
			   "unmap_one_mean_ns=%llu free_one_p50_ns=%llu "
			   "free_one_mean_ns=%llu", TORCH_HANDLES,
			   (unsigned long long)pct(&cs[i].s3, 50),
			   (unsigned long long)mean(&cs[i].s3),
			   (unsigned long long)pct(&cs[i].s4, 50),
			   (unsigned long long)mean(&cs[i].s4));
	}
	if (va[0])
		aclrtReleaseMemAddress(va[0]);
	for (i = 1; i < nc; i++)
		if (va[i])
			munmap(va[i], TORCH_HANDLES * SZ_2M);
	contenders_free(cs, nc);
}

/* ------------------------------------------------------------------ */
/* export -> import -> map in a second process */

enum { OP_HELLO, OP_TOKEN, OP_FD, OP_MEMFD, OP_ACK, OP_DONE, OP_QUIT };

struct smsg {
	uint32_t op;
	uint32_t err;
	uint64_t token;
	uint64_t size;
	uint64_t t;		/* ACK: after the first read of the mapping */
	uint64_t t_recv;	/* ACK: when the request arrived */
	uint64_t t_import;	/* ACK: after IMPORT / IMPORT_FD */
};

static int send_msg(int sock, const struct smsg *m, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, 0) == sizeof(*m) ? 0 : -1;
}

static int recv_msg(int sock, struct smsg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (fd)
		*fd = -1;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(*m))
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    fd)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* The importing process: serve requests until OP_QUIT. */
static void share_child(int sock)
{
	struct aclmem_info info;
	struct smsg m, r;
	int afd = open("/dev/aclmem", O_RDWR | O_CLOEXEC), fd;
	uint64_t off = 0;
	uint32_t h = 0;
	char *p;

	memset(&r, 0, sizeof(r));
	r.op = OP_HELLO;
	r.token = afd >= 0 && !acl_info(afd, &info) ? info.out_tgid :
		  (uint64_t)getpid();
	send_msg(sock, &r, -1);
	while (!recv_msg(sock, &m, &fd)) {
		memset(&r, 0, sizeof(r));
		r.t_recv = now_ns();
		r.op = OP_ACK;
		p = MAP_FAILED;
		h = 0;
		switch (m.op) {
		case OP_TOKEN:
		case OP_FD: {
			struct aclmem_import imp = { .token = m.token };
			unsigned long cmd = ACLMEM_IOC_IMPORT;

			if (m.op == OP_FD) {
				imp.token = fd;
				cmd = ACLMEM_IOC_IMPORT_FD;
			}
			if (ioctl(afd, cmd, &imp)) {
				r.err = errno;
				break;
			}
			r.t_import = now_ns();
			h = imp.out_handle;
			off = imp.out_offset;
			if (fd >= 0)
				close(fd);
			fd = -1;
			p = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, afd, off);
			break;
		}
		case OP_MEMFD:
			r.t_import = now_ns();
			p = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, 0);
			break;
		case OP_QUIT:
			close(afd);
			_exit(0);
		}
		if (p != MAP_FAILED) {
			r.token = *(volatile uint64_t *)p;	/* first touch */
			r.t = now_ns();
		} else if (!r.err) {
			r.err = errno ? errno : EIO;
		}
		send_msg(sock, &r, -1);
		if (p != MAP_FAILED)
			munmap(p, m.size);
		if (h)
			acl_free(afd, h);
		if (fd >= 0)
			close(fd);
		r.op = OP_DONE;
		send_msg(sock, &r, -1);
	}
	_exit(0);
}

/*
 * One export -> import -> map round; returns ns or 0 on failure, and in
 * @parts: export (the exporter's ioctls), pass (until the importer has
 * the request), import (its ioctl), map (mmap + first read).
 */
static uint64_t share_round(int sock, int op, int afd, int mfd, uint32_t pid,
			    uint64_t size, int *err, uint64_t parts[4])
{
	struct smsg m = { .op = op, .size = size }, r = { 0 };
	uint64_t t0 = 0, t_exp = 0;
	uint32_t h = 0;
	int fd = -1;

	*err = 0;
	if (op == OP_TOKEN || op == OP_FD) {
		*err = acl_alloc(afd, size, ACLMEM_PAGE_SIZE_2M, &h, NULL);
		if (*err)
			return 0;
	}
	t0 = now_ns();
	if (op == OP_TOKEN) {
		struct aclmem_export ex = { .handle = h };
		struct aclmem_set_pids sp = {
			.pids = (uintptr_t)&pid, .nr_pids = 1,
		};

		if (ioctl(afd, ACLMEM_IOC_EXPORT, &ex)) {
			*err = errno;
			goto out;
		}
		sp.token = ex.out_token;
		if (ioctl(afd, ACLMEM_IOC_SET_PIDS, &sp)) {
			*err = errno;
			goto out;
		}
		m.token = ex.out_token;
	} else if (op == OP_FD) {
		struct aclmem_export_fd ex = {
			.handle = h, .flags = ACLMEM_EXPORT_FD_CLOEXEC,
		};

		if (ioctl(afd, ACLMEM_IOC_EXPORT_FD, &ex)) {
			*err = errno;
			goto out;
		}
		fd = ex.out_fd;
	} else {
		fd = mfd;
	}
	t_exp = now_ns();
	if (send_msg(sock, &m, fd)) {
		*err = errno;
		goto out;
	}
	if (op == OP_FD)
		close(fd);
	if (recv_msg(sock, &r, NULL) || r.op != OP_ACK) {
		*err = EPIPE;
		goto out;
	}
	if (r.err)
		*err = r.err;
	if (recv_msg(sock, &r, NULL) || r.op != OP_DONE)
		*err = EPIPE;
out:
	if (h)
		acl_free(afd, h);
	if (*err)
		return 0;
	parts[0] = t_exp - t0;
	parts[1] = r.t_recv - t_exp;
	parts[2] = r.t_import - r.t_recv;
	parts[3] = r.t - r.t_import;
	return r.t - t0;
}


static void bench_share(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem_token", .kind = OP_TOKEN },
		{ .impl = "aclmem_fd", .kind = OP_FD },
		{ .impl = "memfd_hugetlb", .kind = OP_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = OP_MEMFD },
	};
	int nc = sizeof(cs) / sizeof(cs[0]), i, sv[2], mfd[4], err;
	unsigned long rounds = iters(10, 2), r, b;
	struct smsg hello;
	uint64_t ns, parts[4];
	uint32_t pid;
	pid_t child;

	for (i = 0; i < nc; i++) {
		cs[i].batch = 20;
		mfd[i] = -1;
	}
	if (acl_open() < 0) {
		contender_fail("share", &cs[0], "fail", "open", errno);
		contender_fail("share", &cs[1], "fail", "open", errno);
	}
	for (i = 2; i < nc; i++) {
		mfd[i] = memfd_sized("aclbench", cs[i].flags, SZ_2M);
		if (mfd[i] < 0)
			contender_fail("share", &cs[i], "fail",
				       "memfd_create+fallocate", -mfd[i]);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		for (i = 0; i < nc; i++)
			if (!cs[i].off)
				contender_fail("share", &cs[i], "fail",
					       "socketpair", errno);
		goto out;
	}
	child = fork();
	if (child == 0) {
		close(sv[0]);
		if (acl_fd >= 0)
			close(acl_fd);
		share_child(sv[1]);
	}
	close(sv[1]);
	if (child < 0 || recv_msg(sv[0], &hello, NULL)) {
		for (i = 0; i < nc; i++)
			if (!cs[i].off)
				contender_fail("share", &cs[i], "fail", "fork",
					       errno);
		close(sv[0]);
		goto out;
	}
	pid = (uint32_t)hello.token;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			quiesce();
			for (b = 0; b < cs[i].batch; b++) {
				ns = share_round(sv[0], cs[i].kind, acl_fd,
						 mfd[i], pid, SZ_2M, &err,
						 parts);
				if (err) {
					contender_fail("share", &cs[i], "fail",
						       "round", err);
					break;
				}
				sample_add(&cs[i].s, ns);
				sample_add(&cs[i].s2, parts[0]);
				sample_add(&cs[i].s3, parts[1]);
				sample_add(&cs[i].s4, parts[2]);
				sample_add(&cs[i].s5, parts[3]);
			}
		}
	}
	for (i = 0; i < nc; i++)
		if (!cs[i].off)
			result_lat("share", cs[i].impl, &cs[i].s,
				   "size=%llu export_p50_ns=%llu pass_p50_ns=%llu "
				   "import_p50_ns=%llu map_p50_ns=%llu",
				   (unsigned long long)SZ_2M,
				   (unsigned long long)pct(&cs[i].s2, 50),
				   (unsigned long long)pct(&cs[i].s3, 50),
				   (unsigned long long)pct(&cs[i].s4, 50),
				   (unsigned long long)pct(&cs[i].s5, 50));
	memset(&hello, 0, sizeof(hello));
	hello.op = OP_QUIT;
	send_msg(sv[0], &hello, -1);
	close(sv[0]);
	waitpid(child, NULL, 0);
out:
	for (i = 2; i < nc; i++)
		if (mfd[i] >= 0)
			close(mfd[i]);
	contenders_free(cs, nc);
}

/* ------------------------------------------------------------------ */
/* sustained allocate + free */

enum { SUS_ACLMEM, SUS_MEMFD, SUS_MEMSET };

/*
 * One stretch of the sustained loop: allocate + free 2 MiB for @secs
 * (aclmem: after @warm seconds past the warm pool, so that the steady
 * state is what counts), or one memset pass over @buf; the rate in
 * bytes per second goes into c->s (as bytes per 1000 s, an integer).
 */
static int sustained_op(struct contender *c, double warm, double secs,
			char *buf, size_t len, const char **why)
{
	uint64_t t0, end, count = 0, el;
	uint32_t h;
	int err, fd;

	switch (c->kind) {
	case SUS_ACLMEM:
		end = now_ns() + warm * 1e9;
		while (now_ns() < end) {
			err = acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h,
					NULL);
			if (err) {
				*why = "ALLOC";
				return err;
			}
			acl_free(acl_fd, h);
		}
		t0 = now_ns();
		end = t0 + secs * 1e9;
		while (now_ns() < end) {
			err = acl_alloc(acl_fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h,
					NULL);
			if (err) {
				*why = "ALLOC";
				return err;
			}
			acl_free(acl_fd, h);
			count++;
		}
		el = now_ns() - t0;
		count *= SZ_2M;
		break;
	case SUS_MEMFD:
		t0 = now_ns();
		end = t0 + secs * 1e9;
		while (now_ns() < end) {
			fd = memfd_sized("aclbench", c->flags, SZ_2M);
			if (fd < 0) {
				*why = "memfd_create+fallocate";
				return -fd;
			}
			close(fd);
			count++;
		}
		el = now_ns() - t0;
		count *= SZ_2M;
		break;
	default:
		t0 = now_ns();
		memset(buf, (int)c->count, len);
		el = now_ns() - t0;
		count = len;
		break;
	}
	c->count += count / SZ_2M;
	c->count2 += el;
	sample_add(&c->s, (uint64_t)(count * 1e12 / el));
	return 0;
}

static void bench_sustained(void)
{
	struct contender cs[] = {
		{ .impl = "memset", .kind = SUS_MEMSET },
		{ .impl = "aclmem", .kind = SUS_ACLMEM },
		{ .impl = "memfd_hugetlb", .kind = SUS_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
	};
	int nc = sizeof(cs) / sizeof(cs[0]), i, err;
	unsigned long rounds = iters(3, 2), r;
	double warm = seconds(0.5), secs = seconds(2);
	struct aclmem_info a, b;
	size_t len = GiB;
	const char *why = "?";
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		contender_fail("sustained_2m", &cs[0], "fail", "mmap", errno);
	else
		memset(buf, 0, len);
	if (acl_open() < 0)
		contender_fail("sustained_2m", &cs[1], "fail", "open", errno);
	else
		acl_info(acl_fd, &a);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			quiesce();
			err = sustained_op(&cs[i], warm, secs, buf, len, &why);
			if (err)
				contender_fail("sustained_2m", &cs[i], "fail",
					       why, err);
		}
	}
	if (acl_fd >= 0)
		acl_info(acl_fd, &b);
	/* gbps: the median stretch; ops and ns: all stretches together. */
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		result_raw("sustained_2m", "impl=%s status=ok gbps=%.3f "
			   "min_gbps=%.3f max_gbps=%.3f n=%zu ops=%ld ns=%ld%s",
			   cs[i].impl, pct(&cs[i].s, 50) / 1e12,
			   pct(&cs[i].s, 0) / 1e12, pct(&cs[i].s, 100) / 1e12,
			   cs[i].s.n, cs[i].count, cs[i].count2,
			   cs[i].kind == SUS_MEMSET ? " threads=1" : "");
	}
	if (!cs[1].off)
		note("sustained: the 2 MiB pool grew by %llu and shrank by %llu "
		     "pages", (unsigned long long)(b.out_pools[0].grown -
						    a.out_pools[0].grown),
		     (unsigned long long)(b.out_pools[0].shrunk -
					  a.out_pools[0].shrunk));
	if (buf != MAP_FAILED)
		munmap(buf, len);
	contenders_free(cs, nc);
}


/* ------------------------------------------------------------------ */
/* kernel memory per handle */

#define MAX_CACHES 512

struct slab_snap {
	int n;
	char name[MAX_CACHES][64];
	long active[MAX_CACHES];
	long objsize[MAX_CACHES];
};

/* The caches an aclmem handle is made of: kmalloc's and the xarray's. */
static bool slab_watched(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) ||
	       !strcmp(name, "radix_tree_node");
}

/*
 * Write @val to /sys/kernel/slab/NAME/@attr of every watched cache; with
 * @save, keep the old values there first; with @val NULL, write them back.
 */
static void slab_set_all(const char *attr, const char *val,
			 char (*save)[16], int nsave)
{
	DIR *dir = opendir("/sys/kernel/slab");
	struct dirent *de;
	char path[512];
	const char *v;
	int fd, i = 0;
	ssize_t len;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (!slab_watched(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s",
			 de->d_name, attr);
		if (save && val && i < nsave) {
			save[i][0] = 0;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				len = read(fd, save[i], sizeof(save[i]) - 1);
				save[i][len > 0 ? len : 0] = 0;
				close(fd);
			}
		}
		v = val ? val : (save && i < nsave ? save[i] : "");
		i++;
		if (!*v)
			continue;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, v, strlen(v)) < 0)
			(void)0;
		close(fd);
	}
	closedir(dir);
}

static int slab_read(struct slab_snap *s)
{
	char line[512];
	FILE *f;

	/*
	 * Flush the per-CPU slabs back to the node lists, where
	 * /proc/slabinfo counts their free objects as free; a per-CPU slab
	 * counts as wholly in use.
	 */
	slab_set_all("shrink", "1", NULL, 0);
	f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && s->n < MAX_CACHES) {
		long active, num, size;
		char name[64];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num,
			   &size) != 4)
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->active[s->n] = active;
		s->objsize[s->n] = size;
		s->n++;
	}
	fclose(f);
	return 0;
}

static long slab_find(const struct slab_snap *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return -1;
}

/* Bytes of slab objects gained from @a to @b; lists the big movers. */
static long slab_delta(const struct slab_snap *a, const struct slab_snap *b,
		       long per, const char *what)
{
	long total = 0, d, j;
	int i;

	for (i = 0; i < b->n; i++) {
		/* Only the flushed caches count: the rest is noise. */
		if (!slab_watched(b->name[i]))
			continue;
		j = slab_find(a, b->name[i]);
		d = b->active[i] - (j < 0 ? 0 : a->active[j]);
		total += d * b->objsize[i];
		if (what && labs(d) * 20 >= per)
			note("meta %s: %s %+ld objects of %ld bytes", what,
			     b->name[i], d, b->objsize[i]);
	}
	return total;
}

/*
 * Kernel memory per handle: slab objects gained while holding @n handles
 * of 2 MiB, from /proc/slabinfo. The per-CPU partial lists of the watched
 * caches are turned off meanwhile (a slab there counts as wholly in use),
 * and every snapshot flushes the per-CPU slabs first. A control round
 * with nothing allocated shows the noise. Returns bytes, or -1.
 */
static long meta_round(int fd, long n, long *freed, long *noise, bool verbose)
{
	static struct slab_snap s0, s1, s2, sc;
	uint32_t *h = calloc(n, sizeof(*h));
	long i, got, bytes;
	int err = 0;

	if (!h)
		return -1;
	slab_read(&s0);
	slab_read(&sc);
	*noise = slab_delta(&s0, &sc, n, verbose ? "control" : NULL);
	slab_read(&s0);
	for (got = 0; got < n; got++) {
		err = acl_alloc(fd, SZ_2M, ACLMEM_PAGE_SIZE_2M, &h[got], NULL);
		if (err)
			break;
	}
	slab_read(&s1);
	for (i = 0; i < got; i++)
		acl_free(fd, h[i]);
	slab_read(&s2);
	free(h);
	if (got < n) {
		result_status("meta", "aclmem", "fail", "ALLOC", err);
		return -1;
	}
	bytes = slab_delta(&s0, &s1, n, verbose ? "after ALLOC" : NULL);
	*freed = -slab_delta(&s1, &s2, n, verbose ? "after FREE" : NULL);
	return bytes;
}

static void bench_meta(void)
{
	static struct slab_snap probe;
	static char saved[MAX_CACHES][16];
	long n = (long)iters(1000, 100), rounds = 5, r, freed, noise;
	struct samples s = { 0 }, sf = { 0 }, sn = { 0 };
	long bytes;
	int fd = acl_open();

	if (fd < 0) {
		result_status("meta", "aclmem", "fail", "open", errno);
		return;
	}
	if (slab_read(&probe) || !probe.n) {
		result_status("meta", "aclmem", "na", "no /proc/slabinfo",
			      errno);
		return;
	}
	slab_set_all("cpu_partial", "0", saved, MAX_CACHES);
	for (r = 0; r < rounds; r++) {
		bytes = meta_round(fd, n, &freed, &noise, r == 0);
		if (bytes < 0)
			break;
		/* Shifted to stay positive for the sample array. */
		sample_add(&s, bytes + (1L << 40));
		sample_add(&sf, freed + (1L << 40));
		sample_add(&sn, noise + (1L << 40));
		note("meta round %ld: %ld bytes held, %ld freed, control %ld",
		     r, bytes, freed, noise);
		pool_wait_warm(fd, ACLMEM_POOL_2M);
	}
	slab_set_all("cpu_partial", NULL, saved, MAX_CACHES);
	/*
	 * What FREE gives back is the steadier count; the larger of the two
	 * medians is the result.
	 */
	if (s.n == (size_t)rounds) {
		double held = (double)((long long)pct(&s, 50) - (1LL << 40)) / n;
		double back = (double)((long long)pct(&sf, 50) - (1LL << 40)) / n;

		result_raw("meta", "impl=aclmem status=ok handles=%ld "
			   "rounds=%ld bytes_per_handle=%.1f "
			   "held_bytes_per_handle=%.1f "
			   "freed_bytes_per_handle=%.1f control_bytes=%lld",
			   n, rounds, held > back ? held : back, held, back,
			   (long long)pct(&sn, 50) - (1LL << 40));
	}
	free(s.v);
	free(sf.v);
	free(sn.v);
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
} benches[] = {
	{ "memset", bench_memset },
	{ "alloc2m", bench_alloc2m },
	{ "alloc1g", bench_alloc1g },
	{ "touch1g", bench_touch1g },
	{ "torch", bench_torch },
	{ "share", bench_share },
	{ "sustained", bench_sustained },
	{ "meta", bench_meta },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void run(const char *name)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < NBENCH; i++) {
		if (!strcmp(name, "all") || !strcmp(name, benches[i].name)) {
			/* Nothing left over from the last one may run. */
			if (acl_open() >= 0) {
				pool_wait_warm(acl_fd, ACLMEM_POOL_2M);
				pool_wait_warm(acl_fd, ACLMEM_POOL_1G);
			}
			t0 = now_ns();
			note("bench %s", benches[i].name);
			benches[i].fn();
			note("bench %s took %.1f s", benches[i].name,
			     (now_ns() - t0) / 1e9);
		}
	}
}

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: aclbench [--scale=X] [all");
	for (i = 0; i < NBENCH; i++)
		fprintf(stderr, " | %s", benches[i].name);
	fprintf(stderr, "]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i, ran = 0;
	size_t k;
	bool known;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--scale=", 8)) {
			scale = atof(argv[i] + 8);
			if (scale <= 0)
				usage();
			continue;
		}
		known = !strcmp(argv[i], "all");
		for (k = 0; k < NBENCH; k++)
			known |= !strcmp(argv[i], benches[k].name);
		if (!known)
			usage();
	}
	printf("# aclbench scale=%g cpus=%ld\n", scale,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2))
			continue;
		run(argv[i]);
		ran = 1;
	}
	if (!ran)
		run("all");
	printf("# aclbench done\n");
	return 0;
}
