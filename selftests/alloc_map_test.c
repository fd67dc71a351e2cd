// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the ordinary life of a handle: ALLOC, QUERY, mmap without a
 * hint (aligned to the page size), zero memory, a pattern written and read
 * back, fault counters (one PMD entry per 2 MiB page, one PUD entry per
 * 1 GiB page, no 4 KiB entries), several mappings of one handle, partial
 * mappings, MAP_FIXED, splitting a mapping only at page boundaries, munmap
 * and FREE, with the pool's in_use counter followed throughout.
 */
#include "aclmem_utils.h"

FIXTURE(alloc_map) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(alloc_map) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(alloc_map, page_2m) {
	.page_size = SZ_2M,
	.npages = 3,
};

FIXTURE_VARIANT_ADD(alloc_map, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

FIXTURE_SETUP(alloc_map)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(alloc_map)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define BASE_IN_USE(self, ps) \
	((self)->base.out_pools[aclmem_pool_index(ps)].in_use)

/* The fault counters of @h are exactly (pte, pmd, pud). */
#define expect_faults(fd, h, pte, pmd, pud) do {			\
	struct aclmem_query __fq;					\
	ASSERT_EQ(0, _aclmem_query(fd, h, 0, &__fq));			\
	EXPECT_EQ((__u64)(pte), __fq.out_faults_pte);			\
	EXPECT_EQ((__u64)(pmd), __fq.out_faults_pmd);			\
	EXPECT_EQ((__u64)(pud), __fq.out_faults_pud);			\
} while (0)

TEST_F_TIMEOUT(alloc_map, alloc_mmap_rw_free, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	struct aclmem_query q;
	__u64 f[3], got[3];
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;
	int i;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	EXPECT_NE(0U, h);
	aclmem_expect_in_use(self->fd, ps, base + n);
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));

	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(len, q.out_size);
	EXPECT_EQ(ps, q.out_page_size);
	EXPECT_EQ(off, q.out_offset);
	EXPECT_EQ(ACLMEM_NODE_ANY, q.out_node);
	EXPECT_EQ(0U, q.out_mappings);
	EXPECT_EQ(0U, q.out_faults_pte);
	EXPECT_EQ(0U, q.out_faults_pmd);
	EXPECT_EQ(0U, q.out_faults_pud);
	EXPECT_EQ(0U, q.out_bad_refs);

	aclmem_mmap(self->fd, len, off, &p);
	EXPECT_EQ(0U, (uintptr_t)p % ps) {
		TH_LOG("mapping at %p is not %s aligned", p,
		       aclmem_ps_name(ps));
	}
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	/* mmap itself maps nothing: the entries come from faults */
	expect_faults(self->fd, h, 0, 0, 0);

	/*
	 * first access is a read: one read fault per entry, of the largest
	 * size this kernel allows (aclmem_entry_size())
	 */
	aclmem_entry_faults(ps, len, f);
	aclmem_assert_zero(p, len, 0);
	expect_faults(self->fd, h, f[0], f[1], f[2]);

	/*
	 * Writing may take one write-protect fault per entry if the read
	 * fault mapped it read-only; never a smaller one.
	 */
	aclmem_fill(p, len, 0x1234);
	aclmem_assert_pattern(p, len, 0x1234);
	aclmem_query(self->fd, h, 0, &q);
	got[0] = q.out_faults_pte;
	got[1] = q.out_faults_pmd;
	got[2] = q.out_faults_pud;
	for (i = 0; i < 3; i++) {
		EXPECT_LE(f[i], got[i]);
		EXPECT_GE(2 * f[i], got[i]);
	}

	aclmem_munmap(p, len);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	/* the handle still holds the pages */
	aclmem_expect_in_use(self->fd, ps, base + n);

	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps, base);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	aclmem_query_err(ENOENT, self->fd, h, 0);
}

TEST_F_TIMEOUT(alloc_map, fault_counters_write_first, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	__u64 f[3];
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL, *p2 = NULL;

	aclmem_entry_faults(ps, len, f);
	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);

	/* first access to every 4 KiB page is a write: one fault per entry */
	aclmem_fill(p, len, 7);
	expect_faults(self->fd, h, f[0], f[1], f[2]);

	/* the entries are in place and writable: no fault any more */
	aclmem_assert_pattern(p, len, 7);
	aclmem_fill(p, len, 8);
	aclmem_assert_pattern(p, len, 8);
	expect_faults(self->fd, h, f[0], f[1], f[2]);

	/* a second mapping faults its own entries, counted on the handle */
	aclmem_mmap(self->fd, len, off, &p2);
	aclmem_fill(p2, len, 9);
	expect_faults(self->fd, h, 2 * f[0], 2 * f[1], 2 * f[2]);
	aclmem_assert_pattern(p, len, 9);
	expect_faults(self->fd, h, 2 * f[0], 2 * f[1], 2 * f[2]);

	aclmem_munmap(p2, len);
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

TEST_F_TIMEOUT(alloc_map, two_mappings_share_data, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	void *a = NULL, *b = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &a);
	aclmem_mmap(self->fd, len, off, &b);
	ASSERT_NE(a, b);
	EXPECT_EQ(0U, (uintptr_t)b % ps);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);

	aclmem_fill(a, len, 21);
	aclmem_assert_pattern(b, len, 21);
	aclmem_fill(b, len, 22);
	aclmem_assert_pattern(a, len, 22);

	aclmem_munmap(a, len);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_assert_pattern(b, len, 22);
	aclmem_expect_in_use(self->fd, ps, base + n);

	aclmem_munmap(b, len);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps, base);
}

TEST_F_TIMEOUT(alloc_map, map_fixed_aligned, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	__u32 h = 0;
	__u64 off = 0;
	void *area, *want, *p = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);

	/* reserve address space and pick an aligned address inside */
	area = mmap(NULL, len + ps, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	aclmem_track_map(area, len + ps);
	want = (void *)(((uintptr_t)area + ps - 1) & ~(uintptr_t)(ps - 1));

	ASSERT_EQ(0, _aclmem_mmap(self->fd, want, len, off,
				  MAP_SHARED | MAP_FIXED, &p));
	EXPECT_EQ(want, p);
	aclmem_fill(p, len, 31);
	aclmem_assert_pattern(p, len, 31);

	aclmem_munmap(area, len + ps);
	aclmem_free(self->fd, h);
}

/*
 * A mapping may be cut only at page boundaries: inside a page, munmap and
 * mprotect fail (EINVAL, the split is refused) and the mapping stays whole.
 */
TEST_F_TIMEOUT(alloc_map, split_inside_page, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	/* a boundary that is 4 KiB aligned (2 MiB aligned for 1 GiB) */
	const size_t cut = ps == SZ_1G ? SZ_2M : SZ_4K;
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 41);

	aclmem_munmap_err(EINVAL, p + cut, cut);
	aclmem_munmap_err(EINVAL, p, cut);
	aclmem_munmap_err(EINVAL, p + len - cut, cut);
	EXPECT_EQ(-1, mprotect(p + cut, len - cut, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mprotect(p, cut, PROT_READ));
	EXPECT_EQ(EINVAL, errno);

	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	/* still whole and writable */
	aclmem_assert_pattern(p, len, 41);
	aclmem_fill(p, len, 42);
	aclmem_assert_pattern(p, len, 42);

	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

/* Child of mprotect_read_only: write, drop write access, write again. */
static int kid_write_after_mprotect(char *p, size_t len)
{
	/* the entries are in place and writable now */
	aclmem_fill(p, len, 81);
	if (mprotect(p, len, PROT_READ))
		return 10;
	if (aclmem_check(p, len, 81) != -1)
		return 11;
	/* must die of SIGSEGV here */
	*(volatile __u64 *)(p + len / 2) = 0;
	return 12;
}

/*
 * mprotect of a whole mapping takes effect on the huge entries already
 * in place: a write after PROT_READ faults, the data stays.
 */
TEST_F_TIMEOUT(alloc_map, mprotect_read_only, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;
	int status;
	pid_t pid;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 80);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_write_after_mprotect(p, len));
	status = aclmem_reap(pid);
	EXPECT_EQ(128 + SIGSEGV, aclmem_exit_code(status)) {
		TH_LOG("the write after mprotect(PROT_READ) %s",
		       aclmem_exit_code(status) == 12 ? "went through" :
		       "did not run");
	}
	/* the child's writes before mprotect are ours, the last one not */
	aclmem_assert_pattern(p, len, 81);

	/* and back: read-only, then writable again, in this process */
	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	aclmem_assert_pattern(p, len, 81);
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	aclmem_fill(p, len, 82);
	aclmem_assert_pattern(p, len, 82);

	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

/* 2 MiB only: partial mappings and splits at 2 MiB boundaries. */
FIXTURE(alloc_map_2m) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(alloc_map_2m)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(alloc_map_2m)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

TEST_F(alloc_map_2m, partial_mmap)
{
	const size_t len = 3 * SZ_2M;
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL, *mid = NULL, *tail = NULL;

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 51);

	/* only the second page */
	aclmem_mmap(self->fd, SZ_2M, off + SZ_2M, &mid);
	EXPECT_EQ(0U, (uintptr_t)mid % SZ_2M);
	aclmem_assert_pattern_at(mid, SZ_2M, 51, SZ_2M);

	/* pages two and three */
	aclmem_mmap(self->fd, 2 * SZ_2M, off + SZ_2M, &tail);
	EXPECT_EQ(0U, (uintptr_t)tail % SZ_2M);
	aclmem_assert_pattern_at(tail, 2 * SZ_2M, 51, SZ_2M);

	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(3U, q.out_mappings);

	/* a write through the partial mapping lands in the second page */
	aclmem_fill_at(mid, SZ_2M, 52, SZ_2M);
	aclmem_assert_pattern_at(p, SZ_2M, 51, 0);
	aclmem_assert_pattern_at(p + SZ_2M, SZ_2M, 52, SZ_2M);
	aclmem_assert_pattern_at(p + 2 * SZ_2M, SZ_2M, 51, 2 * SZ_2M);
	aclmem_assert_pattern_at(tail, SZ_2M, 52, SZ_2M);

	/* and the last page only, written through the full mapping */
	aclmem_munmap(mid, SZ_2M);
	aclmem_fill_at(p + 2 * SZ_2M, SZ_2M, 53, 2 * SZ_2M);
	aclmem_mmap(self->fd, SZ_2M, off + 2 * SZ_2M, &mid);
	aclmem_assert_pattern_at(mid, SZ_2M, 53, 2 * SZ_2M);
	aclmem_assert_pattern_at(tail + SZ_2M, SZ_2M, 53, 2 * SZ_2M);

	aclmem_munmap(mid, SZ_2M);
	aclmem_munmap(tail, 2 * SZ_2M);
	aclmem_munmap(p, len);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	aclmem_free(self->fd, h);
}

/* munmap of the middle page splits the VMA in two; both halves work. */
TEST_F(alloc_map_2m, unmap_middle_page)
{
	const size_t len = 3 * SZ_2M;
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 61);

	aclmem_munmap(p + SZ_2M, SZ_2M);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);
	aclmem_assert_pattern_at(p, SZ_2M, 61, 0);
	aclmem_assert_pattern_at(p + 2 * SZ_2M, SZ_2M, 61, 2 * SZ_2M);
	aclmem_fill_at(p + 2 * SZ_2M, SZ_2M, 62, 2 * SZ_2M);
	aclmem_assert_pattern_at(p + 2 * SZ_2M, SZ_2M, 62, 2 * SZ_2M);

	/* the pages stay with the handle, not with the hole */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 3);

	/* mprotect of one whole page at a boundary is allowed */
	EXPECT_EQ(0, mprotect(p, SZ_2M, PROT_READ));
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);
	aclmem_assert_pattern_at(p, SZ_2M, 61, 0);

	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 3);
	aclmem_munmap(p, SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 3);
	aclmem_munmap(p + 2 * SZ_2M, SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Many small mappings: every one 2 MiB aligned. */
TEST_F(alloc_map_2m, alignment_of_many_mappings)
{
	__u32 h = 0;
	__u64 off = 0;
	void *p[16];
	int i;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	for (i = 0; i < 16; i++) {
		/* something 4 KiB sized in between, to disturb the layout */
		void *junk = mmap(NULL, SZ_4K * (i + 1), PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE(MAP_FAILED, junk);
		aclmem_track_map(junk, SZ_4K * (i + 1));
		aclmem_mmap(self->fd, SZ_2M, off, &p[i]);
		EXPECT_EQ(0U, (uintptr_t)p[i] % SZ_2M) {
			TH_LOG("mapping %d at %p", i, p[i]);
		}
	}
	aclmem_fill(p[0], SZ_2M, 71);
	for (i = 1; i < 16; i++)
		aclmem_assert_pattern(p[i], SZ_2M, 71);
	for (i = 0; i < 16; i++)
		aclmem_munmap(p[i], SZ_2M);
	aclmem_free(self->fd, h);
}

/* Each handle is its own memory with its own offset. */
TEST_F(alloc_map_2m, several_handles)
{
	const __u64 ps = SZ_2M;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h[4];
	__u64 off[4];
	void *p[4];
	int i, j;

	for (i = 0; i < 4; i++) {
		aclmem_alloc(self->fd, (i + 1) * ps, ps, ACLMEM_NODE_ANY,
			     &h[i], &off[i]);
		EXPECT_NE(0U, h[i]);
		for (j = 0; j < i; j++) {
			EXPECT_NE(h[j], h[i]);
			EXPECT_NE(off[j], off[i]);
		}
	}
	EXPECT_EQ(4U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, ps, base + 1 + 2 + 3 + 4);

	for (i = 0; i < 4; i++) {
		aclmem_mmap(self->fd, (i + 1) * ps, off[i], &p[i]);
		aclmem_fill(p[i], (i + 1) * ps, 100 + i);
	}
	for (i = 0; i < 4; i++)
		aclmem_assert_pattern(p[i], (i + 1) * ps, 100 + i);

	/* free out of order, the others are untouched */
	aclmem_munmap(p[1], 2 * ps);
	aclmem_free(self->fd, h[1]);
	aclmem_expect_in_use(self->fd, ps, base + 1 + 3 + 4);
	aclmem_query_err(ENOENT, self->fd, h[1], 0);
	for (i = 0; i < 4; i++)
		if (i != 1)
			aclmem_assert_pattern(p[i], (i + 1) * ps, 100 + i);
	EXPECT_EQ(3U, aclmem_nr_handles(self->fd));

	for (i = 3; i >= 0; i--) {
		if (i == 1)
			continue;
		aclmem_munmap(p[i], (i + 1) * ps);
		aclmem_free(self->fd, h[i]);
	}
	aclmem_expect_in_use(self->fd, ps, base);
}

TEST_HARNESS_MAIN
