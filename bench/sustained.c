// SPDX-License-Identifier: MIT
/*
 * sustained: allocate + free 2 MiB in a loop for seconds: GB/s handed out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aclbench.h"

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

void bench_sustained(void)
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
	char extra[256] = "";
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
	for (i = 0; i < nc; i += 2)
		if (!cs[1].off && !cs[i].off)
			paired(extra, sizeof(extra), cs[i].impl, &cs[1].s, 1,
			       &cs[i].s, 1, true);
	/* gbps: the median stretch; ops and ns: all stretches together. */
	for (i = 0; i < nc; i++) {
		if (cs[i].off)
			continue;
		result_raw("sustained_2m", "impl=%s status=ok gbps=%.3f "
			   "min_gbps=%.3f max_gbps=%.3f n=%zu ops=%ld ns=%ld%s%s",
			   cs[i].impl, pct(&cs[i].s, 50) / 1e12,
			   pct(&cs[i].s, 0) / 1e12, pct(&cs[i].s, 100) / 1e12,
			   cs[i].s.n, cs[i].count, cs[i].count2,
			   cs[i].kind == SUS_MEMSET ? " threads=1" : "",
			   i == 1 ? extra : "");
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
