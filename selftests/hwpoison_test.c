// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a hardware-poisoned 4 KiB part of a 2 MiB page (injected
 * with hwpoison_inject's debugfs corrupt-pfn, the pfn read from the
 * module's debugfs pfn file) makes an access to that 4 KiB page SIGBUS with
 * BUS_MCEERR_AR at its address, while the rest of the page keeps its data;
 * once the handle is freed the page is quarantined: INFO counts it in
 * out_poisoned, it leaves the pool's total, and no later allocation hands
 * it out (checked by pfn). The same for a 4 KiB part of a 1 GiB page,
 * except that the GiB goes back to the kernel (which keeps the poisoned
 * 4 KiB page off its free lists): the pool's total and the poisoned
 * counters (INFO, sysfs) tell, and MemFree gets the rest of the GiB back.
 * Needs root, CONFIG_MEMORY_FAILURE and the hwpoison_inject module.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/sysinfo.h>

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

/*
 * Poison @pfn of a handle still in use (memory_failure() marks the page,
 * cannot handle it, not being on the LRU, and says EBUSY: the module's
 * owner deals with it); nothing is quarantined before the page comes
 * back. 0, or -1 after a failed check.
 */
static int poison_in_use(struct __test_metadata *_metadata, int fd,
			 __u64 pfn, int pool, __u64 poisoned)
{
	struct aclmem_info info;
	int rc = inject(pfn);

	EXPECT_TRUE(rc == 0 || rc == -EBUSY) {
		TH_LOG("corrupt-pfn: %s", strerror(-rc));
	}
	if ((rc && rc != -EBUSY) || _aclmem_info(fd, 0, &info))
		return -1;
	EXPECT_EQ(poisoned, info.out_poisoned[pool]);
	return poisoned == info.out_poisoned[pool] ? 0 : -1;
}

/*
 * A read and a write of the poisoned 4 KiB page at @bad get SIGBUS with
 * BUS_MCEERR_AR at its address. 0, or -1 when either got none.
 */
static int expect_mce_sigbus(struct __test_metadata *_metadata, char *bad)
{
	__u64 val = 0;
	int hits;

	hits = touch_word((__u64 *)(bad + 64), false, &val);
	EXPECT_EQ(1, hits);
	EXPECT_EQ(BUS_MCEERR_AR, bus_code);
	EXPECT_EQ(bad, (char *)((uintptr_t)bus_addr & ~(SZ_4K - 1)));
	EXPECT_EQ(12, bus_lsb);
	val = 1;
	hits += touch_word((__u64 *)bad, true, &val);
	EXPECT_EQ(BUS_MCEERR_AR, bus_code);
	return hits == 2 ? 0 : -1;
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

	ASSERT_EQ(0, poison_in_use(_metadata, self->fd, bad_pfn,
				   ACLMEM_POOL_2M,
				   self->base.out_poisoned[ACLMEM_POOL_2M]));

	aclmem_mmap(self->fd, len, off, (void **)&p);
	ASSERT_EQ(0, expect_mce_sigbus(_metadata, p + BAD_OFF));
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

/* The kernel's free memory (MemFree) in KiB, or -1. */
static long long free_kb(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return -1;
	return (long long)si.freeram * si.mem_unit / 1024;
}

/* The poisoned 4 KiB page of the 1 GiB test, deep inside the GiB. */
#define BAD_OFF_1G	(300 * SZ_2M + 7 * SZ_4K)
/*
 * Where the 1 GiB test writes: a word every 256 KiB, and one in each 4 KiB
 * page of the 2 MiB block of the poisoned page.
 */
static bool written_1g(__u64 off)
{
	return !(off % (256 * 1024)) ||
	       (off / SZ_2M == BAD_OFF_1G / SZ_2M && !(off % SZ_4K));
}

TEST_F_TIMEOUT(hwpoison, mapped_1g_page, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_info info, held;
	struct aclmem_query q;
	__u64 off = 0, bad_pfn, head, val, i;
	long long sysfs, free0, free1;
	__u32 h = 0, h2 = 0;
	char *p = NULL;

	if (geteuid())
		SKIP(return, "needs root (debugfs pfn, corrupt-pfn)");
	if (access(CORRUPT_PFN, W_OK))
		SKIP(return, "no %s: no CONFIG_MEMORY_FAILURE or hwpoison_inject",
		     CORRUPT_PFN);

	aclmem_alloc(self->fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, SZ_1G, off, (void **)&p);
	for (i = 0; i < SZ_1G; i += SZ_4K)
		if (written_1g(i))
			*(__u64 *)(p + i + 8) = aclmem_word(SEED, i);
	bad_pfn = pfn_of(self->fd, h, BAD_OFF_1G);
	ASSERT_NE(0ULL, bad_pfn);
	head = pfn_of(self->fd, h, 0);
	ASSERT_EQ(head + BAD_OFF_1G / SZ_4K, bad_pfn);
	aclmem_munmap(p, SZ_1G);

	ASSERT_EQ(0, poison_in_use(_metadata, self->fd, bad_pfn,
				   ACLMEM_POOL_1G,
				   self->base.out_poisoned[ACLMEM_POOL_1G]));

	aclmem_mmap(self->fd, SZ_1G, off, (void **)&p);
	ASSERT_EQ(0, expect_mce_sigbus(_metadata, p + BAD_OFF_1G));
	/* Everything else kept its data, the poisoned page's neighbours too. */
	for (i = 0; i < SZ_1G; i += SZ_4K) {
		if (!written_1g(i) || i / SZ_4K == BAD_OFF_1G / SZ_4K)
			continue;
		ASSERT_EQ(0, touch_word((__u64 *)(p + i + 8), false, &val));
		ASSERT_EQ(aclmem_word(SEED, i), val) {
			TH_LOG("offset %#llx", (unsigned long long)i);
		}
	}
	/* No PUD over the poison: 2 MiB entries, 4 KiB ones next to it. */
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_LT(0ULL, q.out_faults_pte);
	EXPECT_LT(0ULL, q.out_faults_pmd);
	aclmem_munmap(p, SZ_1G);

	aclmem_info(self->fd, &held);
	free0 = free_kb();
	ASSERT_LT(0, free0);
	aclmem_free(self->fd, h);
	free1 = free_kb();

	aclmem_info(self->fd, &info);
	EXPECT_EQ(self->base.out_poisoned[ACLMEM_POOL_1G] + 1,
		  info.out_poisoned[ACLMEM_POOL_1G]);
	EXPECT_EQ(self->base.out_poisoned[ACLMEM_POOL_2M],
		  info.out_poisoned[ACLMEM_POOL_2M]);
	/* It left the pool instead of going back to the free pages. */
	EXPECT_EQ(held.out_pools[ACLMEM_POOL_1G].total - 1,
		  info.out_pools[ACLMEM_POOL_1G].total);
	EXPECT_EQ(held.out_pools[ACLMEM_POOL_1G].free,
		  info.out_pools[ACLMEM_POOL_1G].free);
	sysfs = aclmem_read_number("/sys/kernel/aclmem/1G/poisoned");
	EXPECT_EQ((long long)info.out_poisoned[ACLMEM_POOL_1G], sysfs);
	/* The rest of the GiB is the kernel's again (64 MiB of slack). */
	EXPECT_LT(free0 + (1LL << 20) - 65536, free1) {
		TH_LOG("MemFree %lld KiB after FREE, %lld KiB before", free1,
		       free0);
	}

	/* The pool grows back with another GiB, zeroed, not the poisoned one. */
	aclmem_alloc(self->fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &h2, &off);
	EXPECT_NE(head, pfn_of(self->fd, h2, 0));
	aclmem_mmap(self->fd, SZ_1G, off, (void **)&p);
	ASSERT_EQ(0, touch_word((__u64 *)(p + BAD_OFF_1G), false, &val));
	EXPECT_EQ(0ULL, val);
	aclmem_munmap(p, SZ_1G);
	aclmem_free(self->fd, h2);
	aclmem_info(self->fd, &info);
	EXPECT_EQ(self->base.out_pools[ACLMEM_POOL_1G].total,
		  info.out_pools[ACLMEM_POOL_1G].total);
}

TEST_HARNESS_MAIN
