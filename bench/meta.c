// SPDX-License-Identifier: MIT
/*
 * meta: kernel memory per aclmem handle (/proc/slabinfo deltas).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aclbench.h"

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

void bench_meta(void)
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
