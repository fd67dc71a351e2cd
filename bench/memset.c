// SPDX-License-Identifier: MIT
/*
 * memset: memset bandwidth of a 1 GiB buffer, one thread and all CPUs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

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

void bench_memset(void)
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
