// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ACLMEM_IOC_POPULATE fills in a mapping's page-table
 * entries up front: afterwards the fault counters show one PMD entry per
 * 2 MiB page (one PUD entry per 1 GiB page) and touching every 4 KiB of
 * the mapping adds no fault. It refuses a range that is not an aclmem
 * mapping (EFAULT) and a bad range (EINVAL); PROT_NONE mappings are left
 * alone.
 */
#include "aclmem_utils.h"

FIXTURE(populate) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(populate) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(populate, page_2m) {
	.page_size = SZ_2M,
	.npages = 4,
};

FIXTURE_VARIANT_ADD(populate, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

FIXTURE_SETUP(populate)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(populate)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

static int _populate(int fd, void *addr, size_t len)
{
	struct aclmem_populate cmd = {
		.addr = (uintptr_t)addr,
		.len = len,
	};

	return _aclmem_ioctl(fd, ACLMEM_IOC_POPULATE, &cmd);
}

/* The faults served so far, of each entry size. */
static void faults(struct __test_metadata *_metadata, int fd, __u32 h,
		   __u64 out[3])
{
	struct aclmem_query q;

	aclmem_query(fd, h, 0, &q);
	out[0] = q.out_faults_pte;
	out[1] = q.out_faults_pmd;
	out[2] = q.out_faults_pud;
}

TEST_F_TIMEOUT(populate, no_fault_after_populate, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	__u64 before[3], after[3], want[3];
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	ASSERT_EQ(0, _populate(self->fd, p, len));
	faults(_metadata, self->fd, h, before);
	/* the largest entries this kernel allows (aclmem_entry_size()) */
	aclmem_entry_faults(ps, len, want);
	EXPECT_EQ(want[0], before[0]);
	EXPECT_EQ(want[1], before[1]);
	EXPECT_EQ(want[2], before[2]);

	aclmem_fill(p, len, 5);		/* writes every 4 KiB */
	aclmem_assert_pattern(p, len, 5);
	faults(_metadata, self->fd, h, after);
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));

	/* Again: entries that exist are left as they are. */
	ASSERT_EQ(0, _populate(self->fd, p, len));
	faults(_metadata, self->fd, h, after);
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));

	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

/*
 * After MADV_NOHUGEPAGE every fault maps one 4 KiB entry: POPULATE must
 * step by the entries it finds, not by the buffer's page.
 */
TEST_F_TIMEOUT(populate, fills_small_entries, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	__u64 before[3], after[3];
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	ASSERT_EQ(0, madvise(p, len, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, _populate(self->fd, p, len));
	faults(_metadata, self->fd, h, before);
	EXPECT_EQ(len / SZ_4K, before[0]);
	EXPECT_EQ(0ULL, before[1] + before[2]);

	aclmem_fill(p, len, 7);
	aclmem_assert_pattern(p, len, 7);
	faults(_metadata, self->fd, h, after);
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));

	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

TEST_F(populate, refuses_other_memory)
{
	size_t len = 2 * SZ_2M;
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL, *anon;

	anon = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	EXPECT_EQ(-EFAULT, _populate(self->fd, anon, SZ_2M));
	ASSERT_EQ(0, munmap(anon, SZ_2M));

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	EXPECT_EQ(-EINVAL, _populate(self->fd, p, 0));
	EXPECT_EQ(-EINVAL, _populate(self->fd, (char *)p + 1, SZ_2M));
	EXPECT_EQ(-EINVAL, _populate(self->fd, p, SZ_2M + 1));
	EXPECT_EQ(-EINVAL, _populate(self->fd, (void *)-4096UL, 8192));

	/* PROT_NONE: nothing to fill, not an error */
	ASSERT_EQ(0, mprotect(p, len, PROT_NONE));
	EXPECT_EQ(0, _populate(self->fd, p, len));
	{
		__u64 f[3];

		faults(_metadata, self->fd, h, f);
		EXPECT_EQ(0ULL, f[0] + f[1] + f[2]);
	}
	/* a range running past the mapping's end: filled up to there */
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-EFAULT, _populate(self->fd, p, len + SZ_2M));
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

TEST_F(populate, bad_fields)
{
	struct aclmem_populate cmd = { .len = SZ_2M };
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, SZ_2M, off, &p);
	cmd.addr = (uintptr_t)p;
	cmd.flags = 1;
	EXPECT_EQ(-EINVAL, _aclmem_ioctl(self->fd, ACLMEM_IOC_POPULATE, &cmd));
	cmd.flags = 0;
	cmd.reserved0 = 1;
	EXPECT_EQ(-EINVAL, _aclmem_ioctl(self->fd, ACLMEM_IOC_POPULATE, &cmd));
	cmd.reserved0 = 0;
	cmd.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, _aclmem_ioctl(self->fd, ACLMEM_IOC_POPULATE, &cmd));
	cmd.reserved[1] = 0;
	EXPECT_EQ(0, _aclmem_ioctl(self->fd, ACLMEM_IOC_POPULATE, &cmd));
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, h);
}

TEST_HARNESS_MAIN
