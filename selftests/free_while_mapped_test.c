// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a mapping holds its pages. After FREE the handle is gone
 * (QUERY, FREE and mmap of its offset fail) but the mapping keeps reading
 * and writing the same memory, and the pages stay in use until the last
 * mapping goes. Likewise after close(2) of the /dev/aclmem file that held
 * the handle, with or without FREE first: the mapping holds its buffer,
 * not the file, so close(2) frees every other handle of the file and
 * revokes every token exported from it.
 */
#include "aclmem_utils.h"

FIXTURE(free_while_mapped) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(free_while_mapped) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(free_while_mapped, page_2m) {
	.page_size = SZ_2M,
	.npages = 3,
};

FIXTURE_VARIANT_ADD(free_while_mapped, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

FIXTURE_SETUP(free_while_mapped)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(free_while_mapped)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define BASE_IN_USE(self, ps) \
	((self)->base.out_pools[aclmem_pool_index(ps)].in_use)

TEST_F_TIMEOUT(free_while_mapped, free_then_use, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 1);

	aclmem_free(self->fd, h);
	aclmem_query_err(ENOENT, self->fd, h, 0);
	aclmem_free_err(ENOENT, self->fd, h);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	/* the offset names no handle any more */
	aclmem_mmap_err(ENXIO, self->fd, NULL, len, off, MAP_SHARED);

	/* the pages are still there, still in use, and still writable */
	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_assert_pattern(p, len, 1);
	aclmem_fill(p, len, 2);
	aclmem_assert_pattern(p, len, 2);
	aclmem_expect_in_use(self->fd, ps, base + n);

	aclmem_munmap(p, len);
	aclmem_expect_in_use(self->fd, ps, base);
}

/* FREE with two mappings: the pages go with the second munmap. */
TEST_F_TIMEOUT(free_while_mapped, free_with_two_mappings, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	__u64 off = 0;
	void *a = NULL, *b = NULL;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &a);
	aclmem_mmap(self->fd, len, off, &b);
	aclmem_fill(a, len, 3);
	aclmem_free(self->fd, h);

	aclmem_munmap(a, len);
	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_assert_pattern(b, len, 3);
	aclmem_fill(b, len, 4);
	aclmem_assert_pattern(b, len, 4);

	aclmem_munmap(b, len);
	aclmem_expect_in_use(self->fd, ps, base);
}

/* close(2) of the file holding the handle, without FREE. */
TEST_F_TIMEOUT(free_while_mapped, close_while_mapped, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;
	int fd2;

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd2, len, off, &p);
	aclmem_fill(p, len, 5);
	/* the handle belongs to fd2, not to our fixture's file */
	aclmem_query_err(ENOENT, self->fd, h, 0);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	EXPECT_EQ(1U, aclmem_nr_handles(fd2));
	ASSERT_EQ(0, close(fd2));

	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_assert_pattern(p, len, 5);
	aclmem_fill(p, len, 6);
	aclmem_assert_pattern(p, len, 6);
	aclmem_expect_in_use(self->fd, ps, base + n);

	aclmem_munmap(p, len);
	aclmem_expect_in_use(self->fd, ps, base);
}

/* FREE, then close(2), then the mapping is the only holder. */
TEST_F_TIMEOUT(free_while_mapped, free_close_while_mapped, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;
	int fd2;

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd2, len, off, &p);
	aclmem_fill(p, len, 7);
	aclmem_free(fd2, h);
	EXPECT_EQ(0U, aclmem_nr_handles(fd2));
	ASSERT_EQ(0, close(fd2));

	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_assert_pattern(p, len, 7);
	aclmem_fill(p, len, 8);
	aclmem_assert_pattern(p, len, 8);

	aclmem_munmap(p, len);
	aclmem_expect_in_use(self->fd, ps, base);
}

/* close(2) with handles that were never mapped frees them at once. */
TEST_F_TIMEOUT(free_while_mapped, close_frees_handles, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	int fd2;

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, ps * n, ps, ACLMEM_NODE_ANY, &h, NULL);
	if (ps == SZ_2M)
		aclmem_alloc(fd2, ps, ps, ACLMEM_NODE_ANY, &h, NULL);
	aclmem_expect_in_use(self->fd, ps,
			     base + n + (ps == SZ_2M ? 1 : 0));
	ASSERT_EQ(0, close(fd2));
	aclmem_expect_in_use(self->fd, ps, base);
}

/* 2 MiB: a mapping split by munmap still holds the pages after FREE. */
FIXTURE(free_while_mapped_2m) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(free_while_mapped_2m)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(free_while_mapped_2m)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

TEST_F(free_while_mapped_2m, split_mapping_after_free)
{
	const size_t len = 4 * SZ_2M;
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_pool_stats st;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 9);
	aclmem_free(self->fd, h);

	/* cut out pages 1 and 2: two VMAs are left, both hold the buffer */
	aclmem_munmap(p + SZ_2M, 2 * SZ_2M);
	aclmem_pool(self->fd, SZ_2M, &st);
	/*
	 * Pages 0 and 3 are still mapped; whether the unmapped middle ones go
	 * back already is the module's business.
	 */
	EXPECT_LE(base + 2, st.in_use);
	EXPECT_GE(base + 4, st.in_use);
	aclmem_assert_pattern_at(p, SZ_2M, 9, 0);
	aclmem_assert_pattern_at(p + 3 * SZ_2M, SZ_2M, 9, 3 * SZ_2M);

	aclmem_munmap(p, SZ_2M);
	aclmem_pool(self->fd, SZ_2M, &st);
	EXPECT_LE(base + 1, st.in_use);
	aclmem_assert_pattern_at(p + 3 * SZ_2M, SZ_2M, 9, 3 * SZ_2M);
	aclmem_fill_at(p + 3 * SZ_2M, SZ_2M, 10, 3 * SZ_2M);
	aclmem_assert_pattern_at(p + 3 * SZ_2M, SZ_2M, 10, 3 * SZ_2M);

	aclmem_munmap(p + 3 * SZ_2M, SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * close(2) with ten exported handles, one of them mapped: the nine others
 * are freed at once, every token is gone, and the mapped one keeps its
 * data until munmap.
 */
TEST_F(free_while_mapped_2m, close_frees_all_but_the_mapped)
{
	enum { N = 10, MAPPED = 3 };
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_export ex[N];
	struct aclmem_import imp;
	__u64 off = 0, o;
	__u32 h;
	void *p = NULL;
	int fd2, i;

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	for (i = 0; i < N; i++) {
		aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &o);
		if (i == MAPPED)
			off = o;
		memset(&ex[i], 0, sizeof(ex[i]));
		ex[i].handle = h;
		ex[i].flags = ACLMEM_EXPORT_ANY_PID;
		ASSERT_EQ(0, ioctl(fd2, ACLMEM_IOC_EXPORT, &ex[i]));
	}
	aclmem_mmap(fd2, SZ_2M, off, &p);
	aclmem_fill(p, SZ_2M, 9);
	aclmem_expect_in_use(self->fd, SZ_2M, base + N);
	/* the tokens work while the file is open */
	memset(&imp, 0, sizeof(imp));
	imp.token = ex[0].out_token;
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_IMPORT, &imp));
	aclmem_free(self->fd, imp.out_handle);

	ASSERT_EQ(0, close(fd2));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	for (i = 0; i < N; i++) {
		memset(&imp, 0, sizeof(imp));
		imp.token = ex[i].out_token;
		EXPECT_EQ(-1, ioctl(self->fd, ACLMEM_IOC_IMPORT, &imp));
		EXPECT_EQ(ENOENT, errno) {
			TH_LOG("token %d of a closed file", i);
		}
	}
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	aclmem_assert_pattern(p, SZ_2M, 9);
	aclmem_fill(p, SZ_2M, 10);
	aclmem_assert_pattern(p, SZ_2M, 10);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);

	aclmem_munmap(p, SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_HARNESS_MAIN
