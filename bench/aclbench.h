/* SPDX-License-Identifier: MIT */
/*
 * What the measurement families of aclbench share: the clock, sample
 * sets and their statistics, the RESULT lines, the aclmem ioctls, memfds
 * and the contenders of a comparison. One file per family (alloc2m.c,
 * share.c, ...); aclbench.c runs them.
 */
#ifndef ACLBENCH_H
#define ACLBENCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/aclmem.h>

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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern double scale;
extern int acl_fd;

/* timing.c: time, samples, output */
struct samples {
	uint64_t *v;
	size_t n, cap;
};

uint64_t now_ns(void);
unsigned long iters(unsigned long n, unsigned long min);
double seconds(double s);
void sample_add(struct samples *s, uint64_t ns);
uint64_t pct(struct samples *s, double p);
uint64_t mean(const struct samples *s);
void sample_reset(struct samples *s);
void paired(char *buf, size_t len, const char *peer, const struct samples *a,
	    size_t per_a, const struct samples *b, size_t per_b, bool rate);
void result_lat(const char *name, const char *impl, struct samples *s,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void result_raw(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void result_status(const char *name, const char *impl, const char *status,
		   const char *why, int err);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long minflt(void);
long vmstat(const char *key);
void touch(void *p, size_t len);

/* mem.c: aclmem ioctls, memfds, contenders */
int acl_open(void);
int acl_alloc(int fd, uint64_t size, uint64_t psize, uint32_t *handle,
	      uint64_t *offset);
int acl_free(int fd, uint32_t handle);
int acl_info(int fd, struct aclmem_info *info);
uint64_t acl_faults(int fd, uint32_t handle);
void pool_wait_warm(int fd, int idx);
void pool_wait_clean(int fd, int idx);
uint64_t pool_target(int fd, int idx);
int memfd_sized(const char *name, unsigned int flags, uint64_t size);
void *reserve_aligned(size_t len, size_t align);

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

void contender_fail(const char *name, struct contender *c,
		    const char *status, const char *why, int err);
void contenders_free(struct contender *c, int n);
void quiesce(void);

/* cpu.c: one CPU, or the other CPU busy */
enum cpu_mode { CPU_BOTH, CPU_ONE, CPU_BUSY, CPU_NR_MODES };

const char *cpu_mode_name(enum cpu_mode m);
int cpu_mode_enter(enum cpu_mode m, const char **why);
void cpu_mode_leave(void);

/* hpool.c: a caching allocator over hugetlb 2 MiB, with or without zeroing */
#define HPOOL_MAX 16

struct hpool {
	pthread_mutex_t lock;
	pthread_cond_t work, idle;
	void *clean[HPOOL_MAX], *dirty[HPOOL_MAX];
	int nclean, ndirty, nout;
	bool zeroing, busy, stop;
	pthread_t thread;
};

void *hugetlb_map_2m(void);
int hpool_init(struct hpool *hp, int n, bool zeroing);
void *hpool_get(struct hpool *hp);
void hpool_put(struct hpool *hp, void *v);
void hpool_wait_idle(struct hpool *hp);
void hpool_destroy(struct hpool *hp);

/* The families, one file each. */
void bench_memset(void);
void bench_alloc2m(void);
void bench_alloc1g(void);
void bench_touch1g(void);
void bench_torch(void);
void bench_share(void);
void bench_sustained(void);
void bench_meta(void);
void bench_churn(void);
void bench_burst(void);

#endif
