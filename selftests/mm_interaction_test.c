// SPDX-License-Identifier: GPL-2.0
/*
 * Description: every way the rest of the kernel touches a mapping, for
 * 2 MiB and 1 GiB pages: munmap, mprotect and mremap that split a mapping
 * at page boundaries (the pieces keep their data and work, the pages go
 * back when the last piece goes) and refuse to split inside a page;
 * mremap moves to aligned and unaligned addresses, growth, DONTUNMAP;
 * every madvise advice (DONTNEED and the other LRU and populate advice are
 * refused for VM_PFNMAP and zap nothing, DONTFORK hides the mapping from
 * a child, NOHUGEPAGE makes later faults 4 KiB ones); mlock, mlockall,
 * MAP_LOCKED and MAP_POPULATE (accepted; nothing locked, nothing
 * populated); msync; mincore and /proc/self/pagemap (VM_PFNMAP is not
 * walked: a hole, no pfn); /proc/self/smaps (KernelPageSize and
 * MMUPageSize from vm_ops->pagesize, VmFlags, no Rss); get_user_pages
 * users on 4 KiB entries (O_DIRECT, process_vm_readv/writev, vmsplice:
 * EFAULT); ptrace PEEKDATA/POKEDATA and /proc/PID/mem (EIO); a core dump
 * (VM_DONTDUMP: the mapping's PT_LOAD has no bytes). After each, the data
 * is intact, QUERY with ACLMEM_QUERY_CHECK_REFS finds no changed refcount,
 * the kernel log has no complaint (a test's own scan of /dev/kmsg) and the
 * pool counters are back at the baseline.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "aclmem_utils.h"
#include "aclmem_kmsg.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define SEED		0x3141ULL
#define SEED2		0x2718ULL

#define PM_SOFT_DIRTY	(1ULL << 55)

#define CORE_PATTERN	"/proc/sys/kernel/core_pattern"
#define CORE_PREFIX	"/tmp/aclmem-mm-core."

/* ------------------------------------------------------------------ */
/* Sampled patterns: one word per 4 KiB page (plus the first and last  */
/* 4 KiB of every 2 MiB in full), for any 4 KiB aligned part, so that  */
/* a part of a 1 GiB page can be checked alone.                         */
/* ------------------------------------------------------------------ */

#define assert_data(buf, len, seed, base) do {				\
	long __bad = aclmem_check_sampled(buf, len, seed, base);			\
	ASSERT_EQ(-1, __bad) {						\
		TH_LOG("pattern %llx at %p+0x%lx: bad word at +0x%lx",	\
		       (unsigned long long)(seed), (void *)(buf),	\
		       (unsigned long)(base), __bad);			\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* Fixture state, shared by the two fixtures                            */
/* ------------------------------------------------------------------ */

struct mm_ctx {
	int fd;
	struct aclmem_info base;
	int kmsg;
	/* ALLOC of more 1 GiB pages than the pool holds got ENOMEM */
	bool nomem;
	__u64 ps;
	unsigned int n;
	size_t len;
	__u32 h;
	__u64 off;
	char *p;
};

/* A handle of @n pages of @ps, mapped whole at c->p, with SEED in it. */
static void ctx_setup(struct __test_metadata *_metadata, struct mm_ctx *c,
		     __u64 ps, unsigned int n)
{
	int rc;

	c->kmsg = aclmem_kmsg_open();
	aclmem_fixture_setup(_metadata, &c->fd, &c->base);
	c->ps = ps;
	c->n = n;
	c->len = ps * n;
	rc = _aclmem_alloc(c->fd, c->len, ps, ACLMEM_NODE_ANY, &c->h, &c->off);
	/* growing the 1 GiB pool needs a free aligned GiB: may not be had */
	if (rc == -ENOMEM && ps == SZ_1G && n > 1) {
		c->nomem = true;
		return;
	}
	ASSERT_EQ(0, rc);
	aclmem_mmap(c->fd, c->len, c->off, &c->p);
	aclmem_fill_sampled(c->p, c->len, SEED, 0);
}

static void ctx_teardown(struct __test_metadata *_metadata, struct mm_ctx *c)
{
	char first[256];

	if (c->h) {
		EXPECT_EQ(0, _aclmem_free(c->fd, c->h));
		c->h = 0;
	}
	aclmem_fixture_teardown(_metadata, &c->fd, &c->base);
	EXPECT_EQ(0, aclmem_kmsg_scan(c->kmsg, first, sizeof(first))) {
		TH_LOG("kernel log: %s", first);
	}
	if (c->kmsg >= 0)
		close(c->kmsg);
}

#define BASE_IN_USE(c)	((c)->base.out_pools[aclmem_pool_index((c)->ps)].in_use)

/* The handle's mappings, no changed refcount. */
#define expect_mappings(c, nr) do {					\
	struct aclmem_query __q;					\
	ASSERT_EQ(0, _aclmem_query((c)->fd, (c)->h,			\
				   ACLMEM_QUERY_CHECK_REFS, &__q));	\
	EXPECT_EQ((__u32)(nr), __q.out_mappings);			\
	EXPECT_EQ(0U, __q.out_bad_refs);				\
} while (0)

static struct aclmem_query mm_query(struct mm_ctx *c)
{
	struct aclmem_query q;

	memset(&q, 0, sizeof(q));
	_aclmem_query(c->fd, c->h, 0, &q);
	return q;
}

/*
 * Faults of the entry size the handle's pages are mapped with here
 * (aclmem_entry_size(): PMD for 2 MiB and PUD for 1 GiB on x86_64).
 */
static __u64 huge_faults(const struct aclmem_query *q, __u64 ps)
{
	__u64 f[3] = { q->out_faults_pte, q->out_faults_pmd, q->out_faults_pud };

	return f[aclmem_entry_index(aclmem_entry_size(ps))];
}

/* Is [p, p + len) mapped at all? (mincore fails with ENOMEM on a hole) */
static int mapped(void *p, size_t len)
{
	static unsigned char vec[(SZ_1G * 2) / SZ_4K];

	if (!mincore(p, len, vec))
		return 1;
	return errno == ENOMEM ? 0 : -errno;
}

/*
 * An address range of @len + 2 * @align, PROT_NONE, for MAP_FIXED and
 * MREMAP_FIXED; returns its first @align aligned address.
 */
static char *reserve(size_t len, size_t align)
{
	char *area = mmap(NULL, len + 2 * align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (area == MAP_FAILED)
		return NULL;
	aclmem_track_map(area, len + 2 * align);
	return (char *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
}

/* mremap() that keeps the tracking straight; returns the address or NULL. */
static void *mm_mremap(void *old, size_t old_len, size_t new_len, int flags,
		       void *to)
{
	void *p = mremap(old, old_len, new_len, flags, to);

	if (p == MAP_FAILED)
		return NULL;
	aclmem_track_unmap(old, old_len);
	aclmem_track_map(p, new_len);
	return p;
}

/* Runs @fn in a child made by fork(2); returns its aclmem_exit_code(). */
static int run_child(int (*fn)(struct mm_ctx *c, void *arg), struct mm_ctx *c,
		     void *arg)
{
	pid_t pid = aclmem_fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(c, arg));
	return aclmem_exit_code(aclmem_reap(pid));
}

/* ------------------------------------------------------------------ */
/* /proc readers                                                       */
/* ------------------------------------------------------------------ */

struct smaps_vma {
	unsigned long start, end;
	char perms[8];
	unsigned long long offset;
	char path[128];
	long kernel_ps_kb, mmu_ps_kb, rss_kb, locked_kb;
	/* " rd wr ... " */
	char flags[256];
};

/* Finds the VMA that starts at @start in @file; 0, or -ENOENT/-errno. */
static int smaps_lookup(const char *file, uintptr_t start,
			struct smaps_vma *v)
{
	char line[512];
	bool in = false;
	int ret = -ENOENT;
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->kernel_ps_kb = v->mmu_ps_kb = v->rss_kb = v->locked_kb = -1;
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		unsigned long long offset;
		char perms[8], path[128] = "";
		long val;

		if (sscanf(line, "%lx-%lx %7s %llx %*s %*u %127s", &s, &e,
			   perms, &offset, path) >= 4) {
			if (in)
				break;
			if (s != start)
				continue;
			in = true;
			ret = 0;
			v->start = s;
			v->end = e;
			memcpy(v->perms, perms, sizeof(v->perms));
			v->offset = offset;
			memcpy(v->path, path, sizeof(v->path));
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "KernelPageSize: %ld kB", &val) == 1)
			v->kernel_ps_kb = val;
		else if (sscanf(line, "MMUPageSize: %ld kB", &val) == 1)
			v->mmu_ps_kb = val;
		else if (sscanf(line, "Rss: %ld kB", &val) == 1)
			v->rss_kb = val;
		else if (sscanf(line, "Locked: %ld kB", &val) == 1)
			v->locked_kb = val;
		else if (!strncmp(line, "VmFlags:", 8)) {
			size_t len = strcspn(line + 8, "\n");

			if (len > sizeof(v->flags) - 2)
				len = sizeof(v->flags) - 2;
			memcpy(v->flags, line + 8, len);
			v->flags[len] = ' ';
			v->flags[len + 1] = '\0';
		}
	}
	fclose(f);
	return ret;
}

static bool has_flag(const struct smaps_vma *v, const char *flag)
{
	char want[8];

	snprintf(want, sizeof(want), " %s ", flag);
	return strstr(v->flags, want) != NULL;
}

static int pagemap_entry(int pm, uintptr_t addr, __u64 *ent)
{
	ssize_t n = pread(pm, ent, sizeof(*ent), (addr / SZ_4K) * sizeof(*ent));

	if (n < 0)
		return -errno;
	return n == sizeof(*ent) ? 0 : -EIO;
}

/* ------------------------------------------------------------------ */
/* One mapping of the whole handle: 2 MiB x 4 and 1 GiB x 1             */
/* ------------------------------------------------------------------ */

FIXTURE(mm) {
	struct mm_ctx c;
};

FIXTURE_VARIANT(mm) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(mm, page_2m) {
	.page_size = SZ_2M,
	.npages = 4,
};

FIXTURE_VARIANT_ADD(mm, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

FIXTURE_SETUP(mm)
{
	ctx_setup(_metadata, &self->c, variant->page_size, variant->npages);
}

FIXTURE_TEARDOWN(mm)
{
	ctx_teardown(_metadata, &self->c);
}

/*
 * Whatever would split the mapping inside a page is refused: mremap of a
 * part, mremap that shrinks to inside a page, madvise that changes the
 * flags of a part. Advice that changes nothing does not split and is
 * accepted, so is mlock (VM_PFNMAP mappings are never locked).
 */
TEST_F_TIMEOUT(mm, split_inside_page, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	const size_t cut = c->ps == SZ_1G ? SZ_2M : SZ_4K;
	struct aclmem_query q0, q1;
	char *to;

	to = reserve(c->len, c->ps);
	ASSERT_NE(NULL, to);
	q0 = mm_query(c);
	/* a move of a part that starts or ends inside a page */
	EXPECT_EQ(MAP_FAILED, mremap(c->p + cut, c->len - cut, c->len - cut,
				     MREMAP_MAYMOVE | MREMAP_FIXED, to));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mremap(c->p, cut, cut,
				     MREMAP_MAYMOVE | MREMAP_FIXED, to));
	EXPECT_EQ(EINVAL, errno);
	/* without MREMAP_FIXED the same size is no move at all */
	EXPECT_EQ(c->p + cut, mremap(c->p + cut, cut, cut, MREMAP_MAYMOVE));
	EXPECT_EQ(MAP_FAILED, mremap(c->p, c->len, c->len - cut, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(c->p + cut, cut, MADV_DONTFORK));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(c->p, cut, MADV_NOHUGEPAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(c->p + c->len - cut, cut, MADV_RANDOM));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, munmap(c->p + c->len - cut, cut));
	EXPECT_EQ(EINVAL, errno);

	/* VM_HUGEPAGE is set already: nothing to change, nothing to split */
	EXPECT_EQ(0, madvise(c->p + cut, cut, MADV_HUGEPAGE));
	EXPECT_EQ(0, mlock(c->p + cut, cut));
	EXPECT_EQ(0, munlock(c->p + cut, cut));

	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
	aclmem_fill_sampled(c->p, c->len, SEED2, 0);
	assert_data(c->p, c->len, SEED2, 0);
	/* the entries were never taken down */
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);

	/*
	 * mprotect last: where vm_ops->mprotect zaps 1 GiB entries (6.1) it
	 * does so before the split is refused, and they fault back.
	 */
	EXPECT_EQ(-1, mprotect(c->p + cut, cut, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	q0 = mm_query(c);
	assert_data(c->p, c->len, SEED2, 0);
	q1 = mm_query(c);
	TH_LOG("%s: huge faults after a refused mprotect: %llu",
	       aclmem_ps_name(c->ps),
	       (unsigned long long)(huge_faults(&q1, c->ps) -
				    huge_faults(&q0, c->ps)));
	expect_mappings(c, 1);
}

struct advice {
	int advice;
	const char *name;
	int err;
};

/*
 * madvise over the whole mapping: the LRU and populate advice is refused
 * for VM_PFNMAP (DONTNEED too: the entries are not zapped), DODUMP is
 * refused for VM_SPECIAL, WIPEONFORK for shared mappings, REMOVE has no
 * fallocate to call; the rest is accepted. Nothing takes the entries down.
 */
TEST_F_TIMEOUT(mm, madvise_advice, ACLMEM_1G_TIMEOUT)
{
	static const struct advice table[] = {
		{ MADV_DONTNEED, "DONTNEED", EINVAL },
		{ MADV_DONTNEED_LOCKED, "DONTNEED_LOCKED", EINVAL },
		{ MADV_FREE, "FREE", EINVAL },
		{ MADV_COLD, "COLD", EINVAL },
		{ MADV_PAGEOUT, "PAGEOUT", EINVAL },
		{ MADV_POPULATE_READ, "POPULATE_READ", EINVAL },
		{ MADV_POPULATE_WRITE, "POPULATE_WRITE", EINVAL },
		{ MADV_COLLAPSE, "COLLAPSE", EINVAL },
		{ MADV_DODUMP, "DODUMP", EINVAL },
		{ MADV_WIPEONFORK, "WIPEONFORK", EINVAL },
		{ MADV_REMOVE, "REMOVE", ENODEV },
		{ MADV_WILLNEED, "WILLNEED", 0 },
		{ MADV_DONTDUMP, "DONTDUMP", 0 },
		{ MADV_KEEPONFORK, "KEEPONFORK", 0 },
		{ MADV_MERGEABLE, "MERGEABLE", 0 },
		{ MADV_UNMERGEABLE, "UNMERGEABLE", 0 },
		{ MADV_HUGEPAGE, "HUGEPAGE", 0 },
		{ MADV_RANDOM, "RANDOM", 0 },
		{ MADV_SEQUENTIAL, "SEQUENTIAL", 0 },
		{ MADV_NORMAL, "NORMAL", 0 },
		{ MADV_DOFORK, "DOFORK", 0 },
	};
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	struct smaps_vma v;
	unsigned int i;
	int rc;

	q0 = mm_query(c);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		errno = 0;
		rc = madvise(c->p, c->len, table[i].advice);
		EXPECT_EQ(table[i].err ? -1 : 0, rc) {
			TH_LOG("MADV_%s: %s", table[i].name, strerror(errno));
		}
		if (table[i].err) {
			EXPECT_EQ(table[i].err, errno) {
				TH_LOG("MADV_%s: %s, want %s", table[i].name,
				       strerror(errno), strerror(table[i].err));
			}
		}
		/* never a split, never a zap */
		expect_mappings(c, 1);
	}
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);
	assert_data(c->p, c->len, SEED, 0);
	q1 = mm_query(c);
	/* the data did not refault: DONTNEED zapped nothing */
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));

	/* still VM_DONTDUMP and VM_HUGEPAGE */
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_TRUE(has_flag(&v, "dd")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	EXPECT_TRUE(has_flag(&v, "hg")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
}

/* Child: the mapping at c->p must not exist (DONTFORK); dies touching it. */
static int kid_no_mapping(struct mm_ctx *c, void *arg)
{
	size_t at = (size_t)(uintptr_t)arg;

	if (mapped(c->p + at, SZ_4K) != 0)
		return 10;
	/* SIGSEGV here */
	return *(volatile char *)(c->p + at) == 0x7f ? 11 : 12;
}

/* Child: the mapping is there with SEED2 in it. */
static int kid_sees_data(struct mm_ctx *c, void *arg)
{
	(void)arg;
	if (mapped(c->p, c->len) != 1)
		return 10;
	return aclmem_check_sampled(c->p, c->len, SEED2, 0) == -1 ? 0 : 11;
}

TEST_F_TIMEOUT(mm, madvise_dontfork, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	struct smaps_vma v;
	int code;

	ASSERT_EQ(0, madvise(c->p, c->len, MADV_DONTFORK));
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_TRUE(has_flag(&v, "dc")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	code = run_child(kid_no_mapping, c, (void *)(uintptr_t)(c->len / 2));
	EXPECT_EQ(128 + SIGSEGV, code) {
		TH_LOG("child exit code %d", code);
	}
	/* only the parent's VMA ever counted */
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);

	aclmem_fill_sampled(c->p, c->len, SEED2, 0);
	ASSERT_EQ(0, madvise(c->p, c->len, MADV_DOFORK));
	code = run_child(kid_sees_data, c, NULL);
	EXPECT_EQ(0, code);
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED2, 0);
}

/* GUP users on @p (which is mapped): all EFAULT. */
static void expect_gup_fails(struct __test_metadata *_metadata, char *p)
{
	static char buf[64 * 1024] __attribute__((aligned(4096)));
	struct iovec local = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec remote = { .iov_base = p, .iov_len = sizeof(buf) };
	int pfd[2], rfd;

	EXPECT_EQ(-1, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, pipe2(pfd, O_NONBLOCK | O_CLOEXEC));
	EXPECT_EQ(-1, vmsplice(pfd[1], &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	close(pfd[0]);
	close(pfd[1]);
	rfd = open("/dev/ram0", O_RDWR | O_DIRECT | O_CLOEXEC);
	if (rfd < 0) {
		TH_LOG("no /dev/ram0 (%s): O_DIRECT not tried", strerror(errno));
		return;
	}
	EXPECT_EQ(-1, pread(rfd, p, sizeof(buf), 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pwrite(rfd, p, sizeof(buf), 0));
	EXPECT_EQ(EFAULT, errno);
	close(rfd);
}

/*
 * MADV_HUGEPAGE is set at mmap (VmFlags "hg"), MADV_NOHUGEPAGE clears it
 * and the kernel stops asking for huge entries: a fresh mapping with
 * NOHUGEPAGE faults 4 KiB entries (vmf_insert_pfn), which get_user_pages
 * refuses as well; MADV_HUGEPAGE again gets huge faults back, at PMD
 * level where a PTE table is in the way (even for 1 GiB pages).
 */
TEST_F_TIMEOUT(mm, madvise_nohugepage, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	struct smaps_vma v;
	char *p2 = NULL;

	/* the entries in place stay */
	q0 = mm_query(c);
	ASSERT_EQ(0, madvise(c->p, c->len, MADV_NOHUGEPAGE));
	assert_data(c->p, c->len, SEED, 0);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);
	expect_mappings(c, 1);

	/* a fresh mapping with NOHUGEPAGE: 4 KiB faults for its first 2 MiB */
	aclmem_mmap(c->fd, c->len, c->off, &p2);
	ASSERT_EQ(0, madvise(p2, c->len, MADV_NOHUGEPAGE));
	assert_data(p2, SZ_2M, SEED, 0);
	q1 = mm_query(c);
	EXPECT_EQ(SZ_2M / SZ_4K, q1.out_faults_pte);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pmd - q0.out_faults_pmd);
	aclmem_fill_sampled(p2, SZ_2M, SEED2, 0);
	assert_data(c->p, SZ_2M, SEED2, 0);
	expect_gup_fails(_metadata, p2 + SZ_4K);
	expect_mappings(c, 2);

	/* HUGEPAGE again: the next 2 MiB fault a PMD entry */
	ASSERT_EQ(0, madvise(p2, c->len, MADV_HUGEPAGE));
	assert_data(p2 + SZ_2M, SZ_2M, SEED, SZ_2M);
	q1 = mm_query(c);
	EXPECT_EQ(SZ_2M / SZ_4K, q1.out_faults_pte);
	EXPECT_EQ(q0.out_faults_pmd + 1, q1.out_faults_pmd);
	EXPECT_EQ(q0.out_faults_pud, q1.out_faults_pud);

	aclmem_munmap(p2, c->len);
	expect_mappings(c, 1);
	assert_data(c->p, SZ_2M, SEED2, 0);
	assert_data(c->p + SZ_2M, c->len - SZ_2M, SEED, SZ_2M);

	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_FALSE(has_flag(&v, "hg")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	EXPECT_TRUE(has_flag(&v, "nh")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	/* still the handle's page size: it comes from vm_ops->pagesize */
	EXPECT_EQ((long)(c->ps >> 10), v.kernel_ps_kb);
	ASSERT_EQ(0, madvise(c->p, c->len, MADV_HUGEPAGE));
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_TRUE(has_flag(&v, "hg"));
	EXPECT_FALSE(has_flag(&v, "nh"));
}

/*
 * mlock and friends are accepted and do nothing: VM_PFNMAP VMAs are never
 * VM_LOCKED, and populating them (get_user_pages) fails quietly, so
 * MAP_POPULATE and MAP_LOCKED map without faulting anything.
 */
TEST_F_TIMEOUT(mm, mlock, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	struct smaps_vma v;
	void *p2 = NULL, *p3 = NULL;

	q0 = mm_query(c);
	EXPECT_EQ(0, mlock(c->p, c->len));
	EXPECT_EQ(0, munlock(c->p, c->len));
	EXPECT_EQ(0, mlock2(c->p, c->len, MLOCK_ONFAULT));
	EXPECT_EQ(0, munlock(c->p, c->len));
	EXPECT_EQ(0, mlock(c->p, c->len));

	EXPECT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	/* a new mapping under MCL_FUTURE: not populated */
	aclmem_mmap(c->fd, c->len, c->off, &p2);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);

	ASSERT_EQ(0, _aclmem_mmap(c->fd, NULL, c->len, c->off,
				  MAP_SHARED | MAP_POPULATE | MAP_LOCKED, &p3));
	EXPECT_EQ(0U, (uintptr_t)p3 % c->ps);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);
	expect_mappings(c, 3);

	/* nothing is VM_LOCKED, nothing counts as locked */
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_FALSE(has_flag(&v, "lo")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	EXPECT_EQ(0, v.locked_kb);
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)p2, &v));
	EXPECT_FALSE(has_flag(&v, "lo")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)p3, &v));
	EXPECT_FALSE(has_flag(&v, "lo")) {
		TH_LOG("VmFlags:%s", v.flags);
	}
	EXPECT_EQ(0, v.locked_kb);
	EXPECT_EQ(0, munlockall());

	assert_data(p2, c->len, SEED, 0);
	assert_data(p3, c->len, SEED, 0);
	assert_data(c->p, c->len, SEED, 0);
	q1 = mm_query(c);
	EXPECT_EQ(0U, q1.out_faults_pte);
	aclmem_munmap(p3, c->len);
	aclmem_munmap(p2, c->len);
	expect_mappings(c, 1);
}

/* msync: MS_SYNC asks the file for fsync, which /dev/aclmem has not. */
TEST_F_TIMEOUT(mm, msync, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;

	EXPECT_EQ(0, msync(c->p, c->len, MS_ASYNC));
	EXPECT_EQ(0, msync(c->p, c->len, MS_INVALIDATE));
	EXPECT_EQ(-1, msync(c->p, c->len, MS_SYNC));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msync(c->p + SZ_4K / 2, SZ_4K, MS_ASYNC));
	EXPECT_EQ(EINVAL, errno);
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
}

/*
 * smaps shows the VMA with the handle's page size as KernelPageSize and
 * MMUPageSize (vm_ops->pagesize), the file and offset it maps, its flags
 * (shared, VM_PFNMAP, VM_DONTEXPAND, VM_DONTDUMP, VM_HUGEPAGE) and no Rss:
 * the pages are not the kind the walker counts. 6.1 does not walk VM_PFNMAP
 * VMAs for smaps; 6.12 does, and its walker splits (zaps) 1 GiB entries on
 * the way, which fault back on the next access. Either way the data stays.
 */
TEST_F_TIMEOUT(mm, proc_smaps, ACLMEM_1G_TIMEOUT)
{
	static const char *const want[] = {
		"rd", "wr", "sh", "mr", "mw", "ms", "pf", "de", "dd", "hg",
	};
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	struct smaps_vma v;
	char maps_line[64];
	char *buf;
	unsigned int i;
	int fd;
	ssize_t n;

	q0 = mm_query(c);
	ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)c->p, &v));
	EXPECT_EQ((uintptr_t)c->p + c->len, v.end);
	EXPECT_STREQ("rw-s", v.perms);
	EXPECT_EQ(c->off, v.offset);
	/* a mapping's file is its buffer's own (kmod/fs.c), not the device */
	EXPECT_STREQ("/aclmem", v.path);
	EXPECT_EQ((long)(c->ps >> 10), v.kernel_ps_kb);
	EXPECT_EQ((long)(c->ps >> 10), v.mmu_ps_kb);
	EXPECT_EQ(0, v.rss_kb);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		EXPECT_TRUE(has_flag(&v, want[i])) {
			TH_LOG("no %s in VmFlags:%s", want[i], v.flags);
		}
	}

	/* maps has the same line; smaps_rollup reads */
	buf = malloc(1 << 20);
	ASSERT_NE(NULL, buf);
	snprintf(maps_line, sizeof(maps_line), "%lx-%lx rw-s %llx ",
		 (unsigned long)(uintptr_t)c->p,
		 (unsigned long)((uintptr_t)c->p + c->len),
		 (unsigned long long)c->off);
	ASSERT_EQ(0, aclmem_read_file("/proc/self/maps", buf, 1 << 20));
	EXPECT_NE(NULL, strstr(buf, maps_line)) {
		TH_LOG("no \"%s\" in /proc/self/maps", maps_line);
	}
	fd = open("/proc/self/smaps_rollup", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, buf, (1 << 20) - 1);
	EXPECT_LT(0, n);
	close(fd);
	free(buf);

	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
	aclmem_fill_sampled(c->p, c->len, SEED2, 0);
	assert_data(c->p, c->len, SEED2, 0);
	/* at most each page faulted back, and with a huge entry again */
	q1 = mm_query(c);
	EXPECT_EQ(0U, q1.out_faults_pte);
	EXPECT_GE(huge_faults(&q0, c->ps) + c->n, huge_faults(&q1, c->ps));
	TH_LOG("%s: %llu huge faults after reading smaps",
	       aclmem_ps_name(c->ps),
	       (unsigned long long)(huge_faults(&q1, c->ps) -
				    huge_faults(&q0, c->ps)));
}

/* Child: drops to nobody and reads its pagemap of @arg. */
static int kid_pagemap_nobody(struct mm_ctx *c, void *arg)
{
	__u64 *out = arg;
	int pm;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 10;
	/* the uid change made us undumpable: /proc/self would be root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 14;
	/* touch it, so that there is an entry to report */
	if (aclmem_check_sampled(c->p, SZ_4K, SEED, 0) != -1)
		return 11;
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		return 12;
	if (pagemap_entry(pm, (uintptr_t)c->p, out))
		return 13;
	close(pm);
	return 0;
}

/*
 * pagemap does not walk VM_PFNMAP VMAs: the whole range reads as a hole
 * (no present bit, no pfn, only soft-dirty from the VMA), to root and to
 * nobody alike, and the walk takes no entry down.
 */
TEST_F_TIMEOUT(mm, proc_pagemap, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	__u64 e, *nobody;
	size_t i, step;
	int pm, code;

	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, pm);
	q0 = mm_query(c);
	/* every 4 KiB entry of 2 MiB pages, every 2 MiB of 1 GiB ones */
	step = c->ps == SZ_1G ? SZ_2M : SZ_4K;
	for (i = 0; i < c->len; i += step) {
		ASSERT_EQ(0, pagemap_entry(pm, (uintptr_t)c->p + i, &e));
		ASSERT_EQ(0U, e & ~PM_SOFT_DIRTY) {
			TH_LOG("entry at +0x%zx: 0x%llx", i,
			       (unsigned long long)e);
		}
	}
	close(pm);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	assert_data(c->p, c->len, SEED, 0);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);

	/* without CAP_SYS_ADMIN: the same */
	nobody = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, nobody);
	aclmem_track_map(nobody, SZ_4K);
	*nobody = ~0ULL;
	code = run_child(kid_pagemap_nobody, c, nobody);
	ASSERT_EQ(0, code);
	EXPECT_EQ(0U, *nobody & ~PM_SOFT_DIRTY) {
		TH_LOG("pagemap entry for nobody: 0x%llx",
		       (unsigned long long)*nobody);
	}

	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
}

/*
 * mincore does not walk VM_PFNMAP VMAs either: it looks the range up in
 * the file's page cache, where there is nothing, so nothing is resident.
 */
TEST_F_TIMEOUT(mm, mincore, ACLMEM_1G_TIMEOUT)
{
	static unsigned char vec[SZ_1G / SZ_4K];
	struct mm_ctx *c = &self->c;
	struct aclmem_query q0, q1;
	size_t i, resident = 0;

	q0 = mm_query(c);
	memset(vec, 0xff, c->len / SZ_4K);
	ASSERT_EQ(0, mincore(c->p, c->len, vec));
	for (i = 0; i < c->len / SZ_4K; i++)
		resident += vec[i] & 1;
	EXPECT_EQ(0U, resident);
	EXPECT_EQ(-1, mincore(c->p + SZ_4K / 2, SZ_4K, vec));
	EXPECT_EQ(EINVAL, errno);
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);
}

/*
 * mremap of the whole mapping: growing is refused (VM_DONTEXPAND, EFAULT),
 * so is MREMAP_DONTUNMAP (EINVAL); a move to an address that is not page
 * aligned is undone (EINVAL, the old mapping stays); a move to an aligned
 * address works and the data moves with it.
 */
TEST_F_TIMEOUT(mm, mremap_whole, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	const size_t misalign = c->ps == SZ_1G ? SZ_2M : SZ_4K;
	char *to, *p;

	EXPECT_EQ(MAP_FAILED, mremap(c->p, c->len, c->len + c->ps,
				     MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(MAP_FAILED, mremap(c->p, c->len, c->len, MREMAP_MAYMOVE |
				     MREMAP_DONTUNMAP));
	EXPECT_EQ(EINVAL, errno);
	/* same size, no move: the same address */
	EXPECT_EQ(c->p, mremap(c->p, c->len, c->len, MREMAP_MAYMOVE));
	expect_mappings(c, 1);

	to = reserve(c->len, c->ps);
	ASSERT_NE(NULL, to);

	/* unaligned: refused by vm_ops->mremap, moved back */
	EXPECT_EQ(MAP_FAILED, mremap(c->p, c->len, c->len,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     to + misalign));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, mapped(c->p, c->len));
	EXPECT_EQ(0, mapped(to + misalign, SZ_4K));
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);

	/* aligned */
	p = mm_mremap(c->p, c->len, c->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, p) {
		TH_LOG("mremap to %p: %s", to, strerror(errno));
	}
	EXPECT_EQ(0, mapped(c->p, SZ_4K));
	c->p = p;
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
	aclmem_fill_sampled(c->p, c->len, SEED2, 0);
	assert_data(c->p, c->len, SEED2, 0);
	/* get_user_pages refuses the moved mapping as well */
	expect_gup_fails(_metadata, c->p + c->len / 2);
	assert_data(c->p, c->len, SEED2, 0);
	/* smaps still knows the page size and offset */
	{
		struct smaps_vma v;

		ASSERT_EQ(0, smaps_lookup("/proc/self/smaps", (uintptr_t)p, &v));
		EXPECT_EQ((long)(c->ps >> 10), v.kernel_ps_kb);
		EXPECT_EQ(c->off, v.offset);
	}
	expect_mappings(c, 1);
}

/* Child of ptrace_and_proc_mem: stops for the parent, then waits. */
static int kid_traced(struct mm_ctx *c, void *arg)
{
	(void)c;
	(void)arg;
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return 10;
	raise(SIGSTOP);
	for (;;)
		pause();
	return 11;
}

static volatile unsigned long peek_me = 0x1122334455667788UL;

/*
 * A debugger cannot read or write the mapping: PTRACE_PEEKDATA and
 * POKEDATA, and /proc/PID/mem, go through get_user_pages (refused) and
 * vm_ops->access (absent): EIO, nothing written. Ordinary memory works.
 */
TEST_F_TIMEOUT(mm, ptrace_and_proc_mem, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	char path[64];
	unsigned long word = 0;
	long rc;
	int status, mem;
	pid_t pid;

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_traced(c, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));

	errno = 0;
	rc = ptrace(PTRACE_PEEKDATA, pid, (void *)&peek_me, NULL);
	EXPECT_EQ(0, errno);
	EXPECT_EQ((long)peek_me, rc);

	errno = 0;
	rc = ptrace(PTRACE_PEEKDATA, pid, c->p + c->len / 2, NULL);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EIO, errno);
	errno = 0;
	rc = ptrace(PTRACE_POKEDATA, pid, c->p, (void *)0x5a5a5a5aUL);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EIO, errno);

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_EQ((ssize_t)sizeof(word),
		  pread(mem, &word, sizeof(word), (uintptr_t)&peek_me));
	EXPECT_EQ(peek_me, word);
	EXPECT_EQ(-1, pread(mem, &word, sizeof(word), (uintptr_t)c->p));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-1, pwrite(mem, &word, sizeof(word), (uintptr_t)c->p));
	EXPECT_EQ(EIO, errno);
	close(mem);

	/* and our own /proc/self/mem */
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pread(mem, &word, sizeof(word),
			    (uintptr_t)c->p + SZ_4K));
	EXPECT_EQ(EIO, errno);
	close(mem);

	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, aclmem_exit_code(aclmem_reap(pid)));
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
}

/* Child of core_dump: everything dumpable, the mapping touched; waits. */
static int kid_dumps(struct mm_ctx *c, void *arg)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int wfd = (int)(uintptr_t)arg;

	if (setrlimit(RLIMIT_CORE, &rl))
		return 10;
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 11;
	/* shared file mappings too: only VM_DONTDUMP keeps ours out */
	if (aclmem_write_file("/proc/self/coredump_filter", "0x1ff"))
		return 12;
	if (aclmem_check_sampled(c->p, c->len, SEED, 0) != -1)
		return 13;
	if (aclmem_pipe_send(wfd, 'r'))
		return 14;
	for (;;)
		pause();
	return 15;
}

/* The PT_LOAD header of @addr in core file @path: 0 or -errno. */
static int core_load_segment(const char *path, uintptr_t addr,
			     Elf64_Phdr *out, off_t *size)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	struct stat st;
	int fd, i, ret = -ENOENT;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_type != ET_CORE) {
		close(fd);
		return -EINVAL;
	}
	*size = st.st_size;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * eh.e_phentsize)
		    != sizeof(ph)) {
			ret = -EIO;
			break;
		}
		if (ph.p_type == PT_LOAD && ph.p_vaddr == addr) {
			*out = ph;
			ret = 0;
			break;
		}
	}
	close(fd);
	return ret;
}

/*
 * A core dump of a process that maps the handle is written and does not
 * contain the mapping (VM_DONTDUMP): its PT_LOAD has no file bytes and
 * the core is much smaller than the mapping; the dump faults nothing in.
 */
TEST_F_TIMEOUT(mm, core_dump, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	char saved[256], core[64];
	struct aclmem_query q0, q1;
	Elf64_Phdr ph;
	off_t size = 0;
	int pfd[2], code, rc;
	pid_t pid;
	char ch = 0;

	ASSERT_EQ(0, aclmem_read_file(CORE_PATTERN, saved, sizeof(saved)));
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_EQ(0, aclmem_write_file(CORE_PATTERN, CORE_PREFIX "%p"));

	pid = aclmem_fork();
	if (pid == 0)
		_exit(kid_dumps(c, (void *)(uintptr_t)pfd[1]));
	close(pfd[1]);
	rc = pid < 0 ? -1 : aclmem_pipe_recv(pfd[0], &ch);
	close(pfd[0]);
	q0 = mm_query(c);
	if (pid > 0)
		kill(pid, SIGABRT);
	code = pid > 0 ? aclmem_reap(pid) : -1;
	/* put core_pattern back before anything can stop the test */
	EXPECT_EQ(0, aclmem_write_file(CORE_PATTERN, saved));
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, rc);
	ASSERT_EQ('r', ch);
	ASSERT_TRUE(WIFSIGNALED(code));
	EXPECT_EQ(SIGABRT, WTERMSIG(code));
	EXPECT_TRUE(WCOREDUMP(code));

	snprintf(core, sizeof(core), CORE_PREFIX "%d", pid);
	rc = core_load_segment(core, (uintptr_t)c->p, &ph, &size);
	unlink(core);
	ASSERT_EQ(0, rc) {
		TH_LOG("%s: %s", core, strerror(-rc));
	}
	EXPECT_EQ(0U, ph.p_filesz);
	EXPECT_EQ(c->len, ph.p_memsz);
	EXPECT_GT((off_t)(c->len / 2), size) {
		TH_LOG("core is %lld bytes", (long long)size);
	}
	q1 = mm_query(c);
	EXPECT_EQ(huge_faults(&q0, c->ps), huge_faults(&q1, c->ps));
	EXPECT_EQ(0U, q1.out_faults_pte);
	expect_mappings(c, 1);
	assert_data(c->p, c->len, SEED, 0);
}

/* ------------------------------------------------------------------ */
/* Several pages, split at page boundaries: 2 MiB x 4 and 1 GiB x 2     */
/* ------------------------------------------------------------------ */

FIXTURE(mm_split) {
	struct mm_ctx c;
};

FIXTURE_VARIANT(mm_split) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(mm_split, page_2m) {
	.page_size = SZ_2M,
	.npages = 4,
};

FIXTURE_VARIANT_ADD(mm_split, page_1g) {
	.page_size = SZ_1G,
	.npages = 2,
};

FIXTURE_SETUP(mm_split)
{
	ctx_setup(_metadata, &self->c, variant->page_size, variant->npages);
}

FIXTURE_TEARDOWN(mm_split)
{
	ctx_teardown(_metadata, &self->c);
}

#define require_pages(c) do {						\
	if ((c)->nomem)							\
		SKIP(return, "no %u GiB to be had in this guest",	\
		     (c)->n);						\
} while (0)

/*
 * munmap of the first page, and of a middle one (4 pages): what is left
 * keeps its data and takes writes; the pages stay in use with the handle,
 * and after FREE until the last piece goes.
 */
TEST_F_TIMEOUT(mm_split, munmap_pieces, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	const __u64 ps = c->ps, base = BASE_IN_USE(c);
	const unsigned int n = c->n;
	char *all = NULL;

	require_pages(c);
	aclmem_munmap(c->p, ps);
	expect_mappings(c, 1);
	EXPECT_EQ(0, mapped(c->p, SZ_4K));
	EXPECT_EQ(1, mapped(c->p + ps, c->len - ps));
	assert_data(c->p + ps, c->len - ps, SEED, ps);
	aclmem_expect_in_use(c->fd, ps, base + n);

	/* 4 pages: [1] and [3] are left */
	if (n >= 4) {
		aclmem_munmap(c->p + 2 * ps, ps);
		expect_mappings(c, 2);
		EXPECT_EQ(0, mapped(c->p + 2 * ps, SZ_4K));
		assert_data(c->p + ps, ps, SEED, ps);
		assert_data(c->p + 3 * ps, ps, SEED, 3 * ps);
	}

	/* write everything through a second mapping of the whole handle */
	aclmem_mmap(c->fd, c->len, c->off, &all);
	assert_data(all, c->len, SEED, 0);
	aclmem_fill_sampled(all, c->len, SEED2, 0);
	aclmem_munmap(all, c->len);
	assert_data(c->p + ps, ps, SEED2, ps);
	assert_data(c->p + c->len - ps, ps, SEED2, c->len - ps);

	aclmem_free(c->fd, c->h);
	c->h = 0;
	aclmem_expect_in_use(c->fd, ps, base + n);
	aclmem_fill_sampled(c->p + ps, ps, SEED, ps);
	assert_data(c->p + ps, ps, SEED, ps);
	aclmem_munmap(c->p + ps, ps);
	if (n >= 4) {
		aclmem_expect_in_use(c->fd, ps, base + n);
		assert_data(c->p + 3 * ps, ps, SEED2, 3 * ps);
		aclmem_munmap(c->p + 3 * ps, ps);
	}
	aclmem_expect_in_use(c->fd, ps, base);
}

/* Child of mprotect_pieces: checks every piece, writes page 0, then 1. */
static int kid_write_pieces(struct mm_ctx *c, void *arg)
{
	(void)arg;
	if (aclmem_check_sampled(c->p, c->len, SEED, 0) != -1)
		return 10;
	aclmem_fill_sampled(c->p, SZ_4K, SEED2, 0);
	/* read-only: SIGSEGV here */
	aclmem_fill_sampled(c->p + c->ps, SZ_4K, SEED2, c->ps);
	return 11;
}

/*
 * mprotect of page 1 alone splits the VMA; a write there faults in a
 * child, a write next to it goes through; the VMAs do not merge back
 * (VM_PFNMAP) when the protection is restored, and every piece works.
 */
TEST_F_TIMEOUT(mm_split, mprotect_pieces, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	const __u64 ps = c->ps;
	const unsigned int pieces = c->n > 2 ? 3 : 2;
	int code;

	require_pages(c);
	ASSERT_EQ(0, mprotect(c->p + ps, ps, PROT_READ));
	expect_mappings(c, pieces);
	assert_data(c->p, c->len, SEED, 0);

	code = run_child(kid_write_pieces, c, NULL);
	EXPECT_EQ(128 + SIGSEGV, code);
	assert_data(c->p, SZ_4K, SEED2, 0);
	assert_data(c->p + SZ_4K, c->len - SZ_4K, SEED, SZ_4K);

	ASSERT_EQ(0, mprotect(c->p + ps, ps, PROT_READ | PROT_WRITE));
	expect_mappings(c, pieces);
	aclmem_fill_sampled(c->p, c->len, SEED2, 0);
	assert_data(c->p, c->len, SEED2, 0);

	/* the whole range at once, across the pieces */
	ASSERT_EQ(0, mprotect(c->p, c->len, PROT_READ));
	assert_data(c->p, c->len, SEED2, 0);
	ASSERT_EQ(0, mprotect(c->p, c->len, PROT_READ | PROT_WRITE));
	aclmem_fill_sampled(c->p, c->len, SEED, 0);
	assert_data(c->p, c->len, SEED, 0);
	expect_mappings(c, pieces);
}

/*
 * mremap of one page out of the middle: to an aligned address it moves
 * with its data, to an unaligned one it is refused; shrinking a piece by
 * whole pages works, to inside a page not; growing is refused.
 */
TEST_F_TIMEOUT(mm_split, mremap_pieces, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	const __u64 ps = c->ps, base = BASE_IN_USE(c);
	const size_t misalign = ps == SZ_1G ? SZ_2M : SZ_4K;
	char *to, *moved;

	require_pages(c);
	to = reserve(2 * ps, ps);
	ASSERT_NE(NULL, to);

	/* page 1, to an unaligned address: stays where it is */
	EXPECT_EQ(MAP_FAILED, mremap(c->p + ps, ps, ps,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     to + misalign));
	EXPECT_EQ(EINVAL, errno);
	assert_data(c->p, c->len, SEED, 0);

	/* to an aligned one */
	moved = mm_mremap(c->p + ps, ps, ps, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, moved) {
		TH_LOG("mremap: %s", strerror(errno));
	}
	EXPECT_EQ(0, mapped(c->p + ps, SZ_4K));
	expect_mappings(c, c->n > 2 ? 3 : 2);
	assert_data(moved, ps, SEED, ps);
	assert_data(c->p, ps, SEED, 0);
	expect_gup_fails(_metadata, moved);
	aclmem_fill_sampled(moved, ps, SEED2, ps);
	assert_data(moved, ps, SEED2, ps);

	/* growing the moved page: VM_DONTEXPAND */
	EXPECT_EQ(MAP_FAILED, mremap(moved, ps, 2 * ps, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);

	/* shrinking the tail piece (pages 2..n-1) by a page, if it has two */
	if (c->n >= 4) {
		char *tail = c->p + 2 * ps;

		EXPECT_EQ(MAP_FAILED, mremap(tail, 2 * ps, 2 * ps - misalign,
					     0));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(tail, mm_mremap(tail, (c->n - 2) * ps, ps, 0, NULL));
		EXPECT_EQ(0, mapped(tail + ps, SZ_4K));
		assert_data(tail, ps, SEED, 2 * ps);
	}

	/* a second mapping of the handle sees the moved page's write */
	{
		char *all = NULL;

		aclmem_mmap(c->fd, c->len, c->off, &all);
		assert_data(all, ps, SEED, 0);
		assert_data(all + ps, ps, SEED2, ps);
		aclmem_munmap(all, c->len);
	}

	aclmem_free(c->fd, c->h);
	c->h = 0;
	aclmem_expect_in_use(c->fd, ps, base + c->n);
	aclmem_munmap(moved, ps);
	aclmem_munmap(c->p, ps);
	if (c->n >= 4)
		aclmem_munmap(c->p + 2 * ps, ps);
	aclmem_expect_in_use(c->fd, ps, base);
}

/* Child of dontfork_piece: every page but page 1 is there. */
static int kid_dontfork_piece(struct mm_ctx *c, void *arg)
{
	(void)arg;
	if (mapped(c->p + c->ps, SZ_4K) != 0)
		return 10;
	if (aclmem_check_sampled(c->p, c->ps, SEED, 0) != -1)
		return 11;
	if (c->n > 2 && aclmem_check_sampled(c->p + 2 * c->ps, c->len - 2 * c->ps, SEED,
				 2 * c->ps) != -1)
		return 12;
	/* SIGSEGV */
	return *(volatile char *)(c->p + c->ps) == 0x7f ? 13 : 14;
}

/* MADV_DONTFORK of one page splits the VMA; a child has the others only. */
TEST_F_TIMEOUT(mm_split, dontfork_piece, ACLMEM_1G_TIMEOUT)
{
	struct mm_ctx *c = &self->c;
	int code;

	require_pages(c);
	ASSERT_EQ(0, madvise(c->p + c->ps, c->ps, MADV_DONTFORK));
	expect_mappings(c, c->n > 2 ? 3 : 2);
	code = run_child(kid_dontfork_piece, c, NULL);
	EXPECT_EQ(128 + SIGSEGV, code);
	expect_mappings(c, c->n > 2 ? 3 : 2);
	assert_data(c->p, c->len, SEED, 0);
}

TEST_HARNESS_MAIN
