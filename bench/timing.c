// SPDX-License-Identifier: MIT
/*
 * The clock, sample sets and their percentiles, and the RESULT lines every
 * family prints.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aclbench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* An iteration count scaled by --scale, never below @min. */
unsigned long iters(unsigned long n, unsigned long min)
{
	unsigned long v = (unsigned long)(n * scale + 0.5);

	return v < min ? min : v;
}

double seconds(double s)
{
	return s * scale < 0.2 ? 0.2 : s * scale;
}

void sample_add(struct samples *s, uint64_t ns)
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
uint64_t pct(struct samples *s, double p)
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

uint64_t mean(const struct samples *s)
{
	long double sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? (uint64_t)(sum / s->n) : 0;
}

void sample_reset(struct samples *s)
{
	s->n = 0;
}

static uint64_t slice_median(const struct samples *s, size_t from, size_t n)
{
	struct samples c = { 0 };
	uint64_t m;
	size_t i;

	for (i = from; i < from + n; i++)
		sample_add(&c, s->v[i]);
	m = pct(&c, 50);
	free(c.v);
	return m;
}

/*
 * Paired ratios, round by round: the median of the peer's @per_b samples
 * of a round over the median of aclmem's @per_a (the other way round with
 * @rate), from samples still in the order they were taken (before pct()
 * sorts them). Appends " pr_PEER=P50:P10:P90:PAIRS" to @buf, the
 * median ratio, its 10th and 90th percentiles and the number of rounds
 * both ran.
 */
void paired(char *buf, size_t len, const char *peer, const struct samples *a,
	    size_t per_a, const struct samples *b, size_t per_b, bool rate)
{
	struct samples pr = { 0 };
	size_t r, used = strlen(buf);
	uint64_t x, y;

	if (!per_a || !per_b)
		return;
	for (r = 0; (r + 1) * per_a <= a->n && (r + 1) * per_b <= b->n; r++) {
		x = slice_median(a, r * per_a, per_a);
		y = slice_median(b, r * per_b, per_b);
		if (rate ? !y : !x)
			continue;
		sample_add(&pr, (uint64_t)((rate ? (double)x / y :
					    (double)y / x) * 1e6));
	}
	if (pr.n && used < len)
		snprintf(buf + used, len - used, " pr_%s=%.4f:%.4f:%.4f:%zu",
			 peer, pct(&pr, 50) / 1e6, pct(&pr, 10) / 1e6,
			 pct(&pr, 90) / 1e6, pr.n);
	free(pr.v);
}

/* RESULT line with the latency statistics of @s and @fmt appended. */
void result_lat(const char *name, const char *impl, struct samples *s,
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

void result_raw(const char *name, const char *fmt, ...)
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
void result_status(const char *name, const char *impl,
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

void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* A counter of /proc/vmstat, or -1. */
long vmstat(const char *key)
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
void touch(void *p, size_t len)
{
	volatile char *c = p;
	size_t i;

	for (i = 0; i < len; i += 4096)
		c[i] = 1;
}
