// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a hardware-poisoned 4 KiB part of a 2 MiB page (injected
 * with hwpoison_inject's debugfs corrupt-pfn, the pfn read from the
 * module's debugfs pfn file) makes an access to that 4 KiB page SIGBUS with
 * BUS_MCEERR_AR at its address, while the rest of the page keeps its data;
 * once the handle is freed the page is quarantined: INFO counts it in
 * out_poisoned, it leaves the pool's total, and no later allocation hands
 * it out (checked by pfn). Needs root, CONFIG_MEMORY_FAILURE and the
 * hwpoison_inject module.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>

#include "aclmem_utils.h"

#define CORRUPT_PFN	"/sys/kernel/debug/hwpoison/corrupt-pfn"
#define ACLMEM_PFN	"/sys/kernel/debug/aclmem/pfn"
#define SEED		0xbad5eed
#define NPAGES		2
/* The poisoned 4 KiB page: in the second 2 MiB page, not at its start. */
#define BAD_OFF		(SZ_2M + 5 * SZ_4K)

static sigjmp_buf bus_jmp;
static volatile int bus_code;
static void *volatile bus_addr;
static volatile short bus_lsb;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	siglongjmp(bus_jmp, 1);
}

/* Read (or write) the word at @p; 1 if that took a SIGBUS. */
static int touch_word(volatile __u64 *p, bool write, __u64 *val)
{
	bus_code = 0;
	bus_addr = NULL;
	if (sigsetjmp(bus_jmp, 1))
		return 1;
	if (write)
		*p = *val;
	else
		*val = *p;
	return 0;
}

/*
 * The pfn at byte @off of handle @h of @fd (0: none), from the module's
 * debugfs: page walks (/proc/self/pagemap) skip VM_PFNMAP mappings.
 */
static __u64 pfn_of(int fd, __u32 h, __u64 off)
{
	char buf[64];
	int dfd, len;
	__u64 pfn = 0;

	dfd = open(ACLMEM_PFN, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	len = snprintf(buf, sizeof(buf), "%d %u %llu", fd, h,
		       (unsigned long long)off);
	if (write(dfd, buf, len) == len && lseek(dfd, 0, SEEK_SET) == 0) {
		len = read(dfd, buf, sizeof(buf) - 1);
		if (len > 0) {
			buf[len] = '\0';
			pfn = strtoull(buf, NULL, 0);
		}
	}
	close(dfd);
	return pfn;
}

static int inject(__u64 pfn)
{
	char buf[32];
	int fd, len, rc = 0;

	fd = open(CORRUPT_PFN, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%#llx\n", (unsigned long long)pfn);
	if (write(fd, buf, len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

FIXTURE(hwpoison) {
	int fd;
	struct aclmem_info base;
	struct sigaction old;
};

FIXTURE_SETUP(hwpoison)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, &self->old));
}

FIXTURE_TEARDOWN(hwpoison)
{
	sigaction(SIGBUS, &self->old, NULL);
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

TEST_F(hwpoison, mapped_2m_page)
{
	const size_t len = NPAGES * SZ_2M;
	struct aclmem_info info;
	struct aclmem_query q;
	__u64 off = 0, bad_pfn, head, val, i, n, *pfns;
	__u32 h = 0, *hs;
	char *p = NULL, **ps;
	int rc;

	/* In the test: the 6.1 harness runs the test after a setup's SKIP. */
	if (geteuid())
		SKIP(return, "needs root (debugfs pfn, corrupt-pfn)");
	if (access(CORRUPT_PFN, W_OK))
		SKIP(return, "no %s: no CONFIG_MEMORY_FAILURE or hwpoison_inject",
		     CORRUPT_PFN);

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, (void **)&p);
	for (i = 0; i < len; i += 8)
		*(__u64 *)(p + i) = aclmem_word(SEED, i);
	bad_pfn = pfn_of(self->fd, h, BAD_OFF);
	ASSERT_NE(0ULL, bad_pfn);
	head = bad_pfn - (BAD_OFF - SZ_2M) / SZ_4K;
	ASSERT_EQ(head, pfn_of(self->fd, h, SZ_2M));
	aclmem_munmap(p, len);

	/*
	 * memory_failure() marks the page, cannot handle it (not on the LRU)
	 * and says so: EBUSY. The module's owner deals with it.
	 */
	rc = inject(bad_pfn);
	ASSERT_TRUE(rc == 0 || rc == -EBUSY) {
		TH_LOG("corrupt-pfn: %s", strerror(-rc));
	}
	aclmem_info(self->fd, &info);
	/* Still in use: not quarantined before it comes back. */
	ASSERT_EQ(self->base.out_poisoned[ACLMEM_POOL_2M],
		  info.out_poisoned[ACLMEM_POOL_2M]);

	aclmem_mmap(self->fd, len, off, (void **)&p);
	ASSERT_EQ(1, touch_word((__u64 *)(p + BAD_OFF + 64), false, &val));
	EXPECT_EQ(BUS_MCEERR_AR, bus_code);
	EXPECT_EQ(p + BAD_OFF, (char *)((uintptr_t)bus_addr & ~(SZ_4K - 1)));
	EXPECT_EQ(12, bus_lsb);
	val = 1;
	ASSERT_EQ(1, touch_word((__u64 *)(p + BAD_OFF), true, &val));
	EXPECT_EQ(BUS_MCEERR_AR, bus_code);
	/* Everything else kept its data, the rest of that page too. */
	for (i = 0; i < len; i += SZ_4K / 4) {
		if (i / SZ_4K == BAD_OFF / SZ_4K)
			continue;
		ASSERT_EQ(0, touch_word((__u64 *)(p + i), false, &val));
		ASSERT_EQ(aclmem_word(SEED, i), val) {
			TH_LOG("offset %#llx", (unsigned long long)i);
		}
	}
	/* The first page is still one PMD; the poisoned one 4 KiB pages. */
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_LT(0ULL, q.out_faults_pte);
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);

	aclmem_info(self->fd, &info);
	EXPECT_EQ(self->base.out_poisoned[ACLMEM_POOL_2M] + 1,
		  info.out_poisoned[ACLMEM_POOL_2M]);
	EXPECT_EQ(self->base.out_poisoned[ACLMEM_POOL_1G],
		  info.out_poisoned[ACLMEM_POOL_1G]);
	EXPECT_EQ(self->base.out_pools[ACLMEM_POOL_2M].total - 1,
		  info.out_pools[ACLMEM_POOL_2M].total);

	/*
	 * Every free page and one more (which grows the pool back to where it
	 * was): none is the poisoned one.
	 */
	n = info.out_pools[ACLMEM_POOL_2M].free + 1;
	hs = calloc(n, sizeof(*hs));
	ps = calloc(n, sizeof(*ps));
	pfns = calloc(n, sizeof(*pfns));
	ASSERT_TRUE(hs && ps && pfns);
	for (i = 0; i < n; i++) {
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &hs[i],
			     &off);
		aclmem_mmap(self->fd, SZ_2M, off, (void **)&ps[i]);
		ASSERT_EQ(0, touch_word((__u64 *)ps[i], false, &val));
		EXPECT_EQ(0ULL, val);
		pfns[i] = pfn_of(self->fd, hs[i], 0);
		ASSERT_NE(0ULL, pfns[i]);
		EXPECT_NE(head, pfns[i]);
	}
	for (i = 0; i < n; i++) {
		aclmem_munmap(ps[i], SZ_2M);
		aclmem_free(self->fd, hs[i]);
	}
	free(pfns);
	free(ps);
	free(hs);
	aclmem_info(self->fd, &info);
	EXPECT_EQ(self->base.out_pools[ACLMEM_POOL_2M].total,
		  info.out_pools[ACLMEM_POOL_2M].total);
}

TEST_HARNESS_MAIN
