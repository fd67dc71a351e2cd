// SPDX-License-Identifier: MIT
/*
 * The user-space peers of aclmem's pool, over hugetlb 2 MiB mappings
 * faulted in beforehand:
 *   - a caching allocator (what torch's does): a freed block goes back on
 *     the list as it is and the next user gets it unzeroed;
 *   - the same with a thread that zeroes freed blocks in the background
 *     and a get() that zeroes one itself when no clean one is left, like
 *     for like with aclmem's pool and its worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "aclbench.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

void *hugetlb_map_2m(void)
{
	void *p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *zero_thread(void *arg)
{
	struct hpool *hp = arg;
	void *v;

	pthread_mutex_lock(&hp->lock);
	for (;;) {
		while (!hp->ndirty && !hp->stop)
			pthread_cond_wait(&hp->work, &hp->lock);
		if (hp->stop)
			break;
		v = hp->dirty[--hp->ndirty];
		hp->busy = true;
		pthread_mutex_unlock(&hp->lock);
		memset(v, 0, SZ_2M);
		pthread_mutex_lock(&hp->lock);
		hp->clean[hp->nclean++] = v;
		hp->busy = false;
		if (!hp->ndirty)
			pthread_cond_broadcast(&hp->idle);
	}
	pthread_mutex_unlock(&hp->lock);
	return NULL;
}

/* @n blocks faulted in (zeroed by the kernel); 0 or an errno. */
int hpool_init(struct hpool *hp, int n, bool zeroing)
{
	int err;

	memset(hp, 0, sizeof(*hp));
	pthread_mutex_init(&hp->lock, NULL);
	pthread_cond_init(&hp->work, NULL);
	pthread_cond_init(&hp->idle, NULL);
	hp->zeroing = zeroing;
	if (n > HPOOL_MAX)
		n = HPOOL_MAX;
	while (hp->nclean < n) {
		void *v = hugetlb_map_2m();

		if (!v) {
			err = errno;
			hpool_destroy(hp);
			return err;
		}
		*(volatile char *)v = 0;
		hp->clean[hp->nclean++] = v;
	}
	if (zeroing) {
		err = pthread_create(&hp->thread, NULL, zero_thread, hp);
		if (err) {
			hp->zeroing = false;
			hpool_destroy(hp);
			return err;
		}
	}
	return 0;
}

/*
 * A block: clean first; a dirty one zeroed here; else a new mapping (the
 * pool grows past its size while every block is out or being zeroed).
 */
void *hpool_get(struct hpool *hp)
{
	void *v = NULL;
	bool zero = false;

	pthread_mutex_lock(&hp->lock);
	if (hp->nclean) {
		v = hp->clean[--hp->nclean];
	} else if (hp->ndirty) {
		v = hp->dirty[--hp->ndirty];
		zero = true;
	}
	hp->nout++;
	pthread_mutex_unlock(&hp->lock);
	if (zero)
		memset(v, 0, SZ_2M);
	if (!v) {
		v = hugetlb_map_2m();
		if (v) {
			*(volatile char *)v = 0;
		} else {
			pthread_mutex_lock(&hp->lock);
			hp->nout--;
			pthread_mutex_unlock(&hp->lock);
		}
	}
	return v;
}

void hpool_put(struct hpool *hp, void *v)
{
	pthread_mutex_lock(&hp->lock);
	hp->nout--;
	/* Above its size (it grew while all were out): back to the kernel. */
	if (hp->nclean + hp->ndirty + hp->nout + hp->busy >= HPOOL_MAX)
		munmap(v, SZ_2M);
	else if (!hp->zeroing)
		hp->clean[hp->nclean++] = v;	/* reused as it is */
	else
		hp->dirty[hp->ndirty++] = v;
	if (hp->zeroing)
		pthread_cond_signal(&hp->work);
	pthread_mutex_unlock(&hp->lock);
}

/* Until the zeroing thread has nothing left to do. */
void hpool_wait_idle(struct hpool *hp)
{
	pthread_mutex_lock(&hp->lock);
	while (hp->zeroing && (hp->ndirty || hp->busy))
		pthread_cond_wait(&hp->idle, &hp->lock);
	pthread_mutex_unlock(&hp->lock);
}

void hpool_destroy(struct hpool *hp)
{
	if (hp->zeroing) {
		pthread_mutex_lock(&hp->lock);
		hp->stop = true;
		pthread_cond_signal(&hp->work);
		pthread_mutex_unlock(&hp->lock);
		pthread_join(hp->thread, NULL);
		hp->zeroing = false;
	}
	while (hp->nclean)
		munmap(hp->clean[--hp->nclean], SZ_2M);
	while (hp->ndirty)
		munmap(hp->dirty[--hp->ndirty], SZ_2M);
	pthread_mutex_destroy(&hp->lock);
	pthread_cond_destroy(&hp->work);
	pthread_cond_destroy(&hp->idle);
}
