// SPDX-License-Identifier: GPL-2.0
/*
 * Description: every kind of bad input gets the errno the uapi promises and
 * changes nothing: sizes, page sizes, nodes, flags, reserved and out_
 * fields of each ioctl (EINVAL), sizes beyond one handle (EOVERFLOW),
 * unknown handles (ENOENT), bad struct pointers of every ioctl (EFAULT),
 * SET_PIDS's bad list pointer (EFAULT, the list unchanged), and structs
 * the kernel can read but not write back (ALLOC, QUERY, INFO, EXPORT,
 * IMPORT, EXPORT_FD, IMPORT_FD: EFAULT, leaving no handle, token or fd
 * behind), unknown ioctl numbers and struct sizes (ENOTTY), and mmap past
 * the end of a handle or of no handle (ENXIO), at a misaligned offset,
 * length or MAP_FIXED address, or MAP_PRIVATE (EINVAL). Afterwards the
 * pool counters are at their baseline and the file holds no handle.
 */
#include "aclmem_utils.h"

FIXTURE(bad_input) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(bad_input)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(bad_input)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* Nothing was allocated by the bad calls so far. */
#define expect_nothing_changed(self) do {				\
	EXPECT_EQ(0U, aclmem_nr_handles((self)->fd));			\
	aclmem_expect_in_use((self)->fd, SZ_2M,				\
		(self)->base.out_pools[ACLMEM_POOL_2M].in_use);		\
	aclmem_expect_in_use((self)->fd, SZ_1G,				\
		(self)->base.out_pools[ACLMEM_POOL_1G].in_use);		\
} while (0)

static struct aclmem_alloc good_alloc(void)
{
	struct aclmem_alloc cmd = {
		.size = SZ_2M,
		.page_size = SZ_2M,
		.node = ACLMEM_NODE_ANY,
	};

	return cmd;
}

TEST_F(bad_input, alloc_size_zero)
{
	aclmem_alloc_err(EINVAL, self->fd, 0, SZ_2M, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, 0, SZ_1G, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, 0, SZ_2M, 0);
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_size_not_multiple)
{
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M + SZ_4K, SZ_2M,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, SZ_4K, SZ_2M, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, 3ULL << 20, SZ_2M, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M - 1, SZ_2M, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_1G, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, SZ_1G + SZ_2M, SZ_1G,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EINVAL, self->fd, SZ_1G - SZ_4K, SZ_1G,
			 ACLMEM_NODE_ANY);
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_unknown_page_size)
{
	static const struct {
		__u64 size, page_size;
	} bad[] = {
		{ SZ_2M, SZ_4K },
		{ SZ_4K, SZ_4K },
		{ SZ_2M, 0 },
		{ 3ULL << 20, 3ULL << 20 },
		{ 6ULL << 20, 3ULL << 20 },
		{ 4ULL << 20, 4ULL << 20 },
		{ 2ULL << 30, SZ_2M | SZ_1G },
		{ SZ_1G, SZ_2M | SZ_1G },
		{ 1ULL << 31, 1ULL << 31 },
		{ SZ_2M, 1ULL << 63 },
		{ SZ_2M, ~0ULL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		__u32 h = 0;
		int rc = _aclmem_alloc(self->fd, bad[i].size, bad[i].page_size,
				       ACLMEM_NODE_ANY, &h, NULL);

		if (!rc)
			_aclmem_free(self->fd, h);
		EXPECT_EQ(-EINVAL, rc) {
			TH_LOG("size 0x%llx page_size 0x%llx: %s",
			       (unsigned long long)bad[i].size,
			       (unsigned long long)bad[i].page_size,
			       rc ? strerror(-rc) : "success");
		}
	}
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_reserved_fields)
{
	struct aclmem_alloc cmd;

	cmd = good_alloc();
	cmd.reserved0 = 1;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.reserved0 = 0x80000000;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.reserved[0] = 1;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.reserved[1] = 1ULL << 63;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_out_fields)
{
	struct aclmem_alloc cmd;

	cmd = good_alloc();
	cmd.out_handle = 1;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.out_handle = 0xffffffff;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.out_offset = 1ULL << 40;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	cmd = good_alloc();
	cmd.out_offset = 1;
	aclmem_alloc_cmd_err(EINVAL, self->fd, &cmd);
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_unknown_flags)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		struct aclmem_alloc cmd = good_alloc();
		int rc;

		if (ACLMEM_ALLOC_VALID_FLAGS & (1U << bit))
			continue;
		cmd.flags = 1U << bit;
		rc = _aclmem_alloc_cmd(self->fd, &cmd);
		if (!rc)
			_aclmem_free(self->fd, cmd.out_handle);
		EXPECT_EQ(-EINVAL, rc) {
			TH_LOG("ALLOC flag bit %u", bit);
		}
	}
	expect_nothing_changed(self);
}

static bool node_exists(unsigned int nid)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", nid);
	return access(path, F_OK) == 0;
}

TEST_F(bad_input, alloc_bad_node)
{
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_2M, 12345);
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_2M, 1024);
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_2M, 0xfffffffe);
	aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_2M, 0x80000000);
	aclmem_alloc_err(EINVAL, self->fd, SZ_1G, SZ_1G, 12345);
	/* a possible but absent node, if sysfs tells */
	if (node_exists(0) && !node_exists(1))
		aclmem_alloc_err(EINVAL, self->fd, SZ_2M, SZ_2M, 1);
	else
		TH_LOG("node 1 exists or no sysfs: not tried");
	expect_nothing_changed(self);
}

TEST_F(bad_input, alloc_too_large)
{
	aclmem_alloc_err(EOVERFLOW, self->fd, (__u64)-SZ_2M, SZ_2M,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, (__u64)-SZ_1G, SZ_1G,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, 2ULL << 40, SZ_2M,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, 2ULL << 40, SZ_1G,
			 ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, ACLMEM_MAX_HANDLE_SIZE + SZ_2M,
			 SZ_2M, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, ACLMEM_MAX_HANDLE_SIZE + SZ_1G,
			 SZ_1G, ACLMEM_NODE_ANY);
	aclmem_alloc_err(EOVERFLOW, self->fd, 1ULL << 63, SZ_1G, 0);
	expect_nothing_changed(self);
}

TEST_F(bad_input, free_query_unknown_handle)
{
	static const __u32 bad[] = { 0, 9999, 0x7fffff, 0xffffffff };
	__u32 h = 0;
	unsigned int i;
	int fd2;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		aclmem_free_err(ENOENT, self->fd, bad[i]);
		aclmem_query_err(ENOENT, self->fd, bad[i], 0);
		aclmem_query_err(ENOENT, self->fd, bad[i],
				 ACLMEM_QUERY_CHECK_REFS);
	}

	/* double free */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	aclmem_free(self->fd, h);
	aclmem_free_err(ENOENT, self->fd, h);
	aclmem_query_err(ENOENT, self->fd, h, 0);

	/* a handle of another file is not ours */
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	aclmem_query_err(ENOENT, self->fd, h, 0);
	aclmem_free_err(ENOENT, self->fd, h);
	/* and is still there for its own file */
	aclmem_query(fd2, h, 0, NULL);
	aclmem_free(fd2, h);
	close(fd2);
	expect_nothing_changed(self);
}

TEST_F(bad_input, free_bad_fields)
{
	struct aclmem_free cmd;
	unsigned int bit;
	__u32 h = 0;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);

	for (bit = 0; bit < 32; bit++) {
		int rc;

		if (ACLMEM_FREE_VALID_FLAGS & (1U << bit))
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.handle = h;
		cmd.flags = 1U << bit;
		rc = _aclmem_free_cmd(self->fd, &cmd);
		EXPECT_EQ(-EINVAL, rc) {
			TH_LOG("FREE flag bit %u", bit);
		}
		if (!rc)
			aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
				     &h, NULL);
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.handle = h;
	cmd.reserved[0] = 1;
	aclmem_free_cmd_err(EINVAL, self->fd, &cmd);
	memset(&cmd, 0, sizeof(cmd));
	cmd.handle = h;
	cmd.reserved[1] = 1ULL << 63;
	aclmem_free_cmd_err(EINVAL, self->fd, &cmd);

	/* the refused FREEs left the handle alone */
	aclmem_query(self->fd, h, 0, NULL);
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

TEST_F(bad_input, query_bad_fields)
{
	struct aclmem_query cmd;
	unsigned int bit, i;
	__u32 h = 0;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);

	for (bit = 0; bit < 32; bit++) {
		if (ACLMEM_QUERY_VALID_FLAGS & (1U << bit))
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.handle = h;
		cmd.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, _aclmem_query_cmd(self->fd, &cmd)) {
			TH_LOG("QUERY flag bit %u", bit);
		}
	}
	for (i = 0; i < ARRAY_SIZE(cmd.reserved); i++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.handle = h;
		cmd.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, _aclmem_query_cmd(self->fd, &cmd)) {
			TH_LOG("QUERY reserved[%u]", i);
		}
	}

#define QUERY_OUT_FIELD(field, val) do {				\
	memset(&cmd, 0, sizeof(cmd));					\
	cmd.handle = h;							\
	cmd.field = val;						\
	EXPECT_EQ(-EINVAL, _aclmem_query_cmd(self->fd, &cmd)) {		\
		TH_LOG("QUERY " #field " = " #val);			\
	}								\
} while (0)
	QUERY_OUT_FIELD(out_size, SZ_2M);
	QUERY_OUT_FIELD(out_page_size, SZ_2M);
	QUERY_OUT_FIELD(out_offset, 1);
	QUERY_OUT_FIELD(out_node, ACLMEM_NODE_ANY);
	QUERY_OUT_FIELD(out_mappings, 1);
	QUERY_OUT_FIELD(out_faults_pte, 1);
	QUERY_OUT_FIELD(out_faults_pmd, 1);
	QUERY_OUT_FIELD(out_faults_pud, 1);
	QUERY_OUT_FIELD(out_bad_refs, 1);
#undef QUERY_OUT_FIELD

	/* a good QUERY still works */
	aclmem_query(self->fd, h, ACLMEM_QUERY_CHECK_REFS, NULL);
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

TEST_F(bad_input, info_bad_fields)
{
	struct aclmem_info cmd;
	unsigned int bit, i;

	for (bit = 0; bit < 32; bit++) {
		if (ACLMEM_INFO_VALID_FLAGS & (1U << bit))
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, _aclmem_info_cmd(self->fd, &cmd)) {
			TH_LOG("INFO flag bit %u", bit);
		}
	}
	for (i = 0; i < ARRAY_SIZE(cmd.out_poisoned); i++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.out_poisoned[i] = 1;
		EXPECT_EQ(-EINVAL, _aclmem_info_cmd(self->fd, &cmd)) {
			TH_LOG("INFO out_poisoned[%u]", i);
		}
	}

#define INFO_OUT_FIELD(field, val) do {					\
	memset(&cmd, 0, sizeof(cmd));					\
	cmd.field = val;						\
	EXPECT_EQ(-EINVAL, _aclmem_info_cmd(self->fd, &cmd)) {		\
		TH_LOG("INFO " #field " = " #val);			\
	}								\
} while (0)
	INFO_OUT_FIELD(out_abi_version, ACLMEM_ABI_VERSION);
	INFO_OUT_FIELD(out_page_sizes, SZ_2M);
	INFO_OUT_FIELD(out_handles, 1);
	INFO_OUT_FIELD(out_pools[ACLMEM_POOL_2M].page_size, SZ_2M);
	INFO_OUT_FIELD(out_pools[ACLMEM_POOL_2M].in_use, 1);
	INFO_OUT_FIELD(out_pools[ACLMEM_POOL_1G].total, 1);
	INFO_OUT_FIELD(out_pools[ACLMEM_POOL_1G].failed, 1);
#undef INFO_OUT_FIELD

	aclmem_info(self->fd, &cmd);
	expect_nothing_changed(self);
}

/* A bad struct pointer: unmapped, PROT_NONE, or running off a mapping. */
TEST_F(bad_input, bad_pointer)
{
	/* every ioctl of the uapi header */
	static const unsigned long cmds[] = {
		ACLMEM_IOC_INFO, ACLMEM_IOC_ALLOC, ACLMEM_IOC_FREE,
		ACLMEM_IOC_QUERY, ACLMEM_IOC_EXPORT, ACLMEM_IOC_SET_PIDS,
		ACLMEM_IOC_IMPORT, ACLMEM_IOC_EXPORT_FD, ACLMEM_IOC_IMPORT_FD,
		ACLMEM_IOC_POPULATE, ACLMEM_IOC_UNEXPORT,
	};
	char *area;
	unsigned int i;

	/* page 0 readable, page 1 PROT_NONE */
	area = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	aclmem_track_map(area, 2 * SZ_4K);
	ASSERT_EQ(0, mprotect(area + SZ_4K, SZ_4K, PROT_NONE));

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		/* straddling: a zeroed struct whose tail is PROT_NONE */
		void *straddle = area + SZ_4K - 16;

		memset(area + SZ_4K - 16, 0, 16);
		EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, cmds[i], NULL)) {
			TH_LOG("ioctl 0x%lx NULL", cmds[i]);
		}
		EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, cmds[i], (void *)8)) {
			TH_LOG("ioctl 0x%lx (void *)8", cmds[i]);
		}
		EXPECT_EQ(-EFAULT,
			  _aclmem_ioctl(self->fd, cmds[i], area + SZ_4K)) {
			TH_LOG("ioctl 0x%lx PROT_NONE", cmds[i]);
		}
		EXPECT_EQ(-EFAULT,
			  _aclmem_ioctl(self->fd, cmds[i], straddle)) {
			TH_LOG("ioctl 0x%lx straddling", cmds[i]);
		}
		EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, cmds[i],
						 (void *)(-4096L))) {
			TH_LOG("ioctl 0x%lx kernel address", cmds[i]);
		}
	}
	expect_nothing_changed(self);
}

/*
 * A struct the kernel can read but not write back: ALLOC must not leave a
 * handle behind that nobody knows the number of.
 */
TEST_F(bad_input, read_only_struct)
{
	struct aclmem_alloc *ca;
	struct aclmem_query *cq;
	struct aclmem_info *ci;
	char *area;
	__u32 h = 0;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);

	area = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	aclmem_track_map(area, SZ_4K);
	ca = (void *)area;
	cq = (void *)(area + 1024);
	ci = (void *)(area + 2048);
	*ca = good_alloc();
	memset(cq, 0, sizeof(*cq));
	cq->handle = h;
	memset(ci, 0, sizeof(*ci));
	ASSERT_EQ(0, mprotect(area, SZ_4K, PROT_READ));

	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_ALLOC, ca));
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_QUERY, cq));
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_INFO, ci));

	/* only our own handle, and one page of it */
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, SZ_2M,
			     self->base.out_pools[ACLMEM_POOL_2M].in_use + 1);
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

/* The number the next open() gets: an fd left reserved or open moves it. */
static int next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* A page of @len bytes copied from @cmd, then made read-only; or NULL. */
static void *read_only_copy(const void *cmd, size_t len)
{
	void *p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	aclmem_track_map(p, SZ_4K);
	memcpy(p, cmd, len);
	if (mprotect(p, SZ_4K, PROT_READ))
		return NULL;
	return p;
}

/*
 * The sharing ioctls with a struct the kernel can read but not write
 * back: EFAULT, and what the call would have made is not left behind (a
 * token nobody knows, a handle nobody knows the number of, an fd).
 */
TEST_F(bad_input, read_only_struct_sharing)
{
	struct aclmem_export ex = { 0 };
	struct aclmem_export_fd xf = { 0 };
	struct aclmem_import im = { 0 };
	int fds0, dmabuf;
	__u32 h = 0;
	void *ro;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	fds0 = next_fd();
	ASSERT_LT(0, fds0);

	/* EXPORT: no token kept, the handle exports again */
	ex.handle = h;
	ex.flags = ACLMEM_EXPORT_ANY_PID;
	ro = read_only_copy(&ex, sizeof(ex));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT, ro));
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_EXPORT, &ex));

	/* IMPORT: no new handle */
	im.token = ex.out_token;
	ro = read_only_copy(&im, sizeof(im));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_IMPORT, ro));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));

	/* EXPORT_FD: no fd */
	xf.handle = h;
	xf.flags = ACLMEM_EXPORT_FD_CLOEXEC;
	ro = read_only_copy(&xf, sizeof(xf));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT_FD, ro));
	EXPECT_EQ(fds0, next_fd());

	/* IMPORT_FD: no new handle */
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_EXPORT_FD, &xf));
	dmabuf = xf.out_fd;
	memset(&im, 0, sizeof(im));
	im.token = (__u64)dmabuf;
	ro = read_only_copy(&im, sizeof(im));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_IMPORT_FD, ro));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	ASSERT_EQ(0, close(dmabuf));
	EXPECT_EQ(fds0, next_fd());

	aclmem_expect_in_use(self->fd, SZ_2M,
			     self->base.out_pools[ACLMEM_POOL_2M].in_use + 1);
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

/* IMPORT of @token by this file: 0 (the new handle freed) or -errno. */
static int import_token(int fd, __u64 token)
{
	struct aclmem_import im = { .token = token };

	if (ioctl(fd, ACLMEM_IOC_IMPORT, &im))
		return -errno;
	return _aclmem_free(fd, im.out_handle);
}

/* SET_PIDS with its list unmapped: EFAULT, and the list takes nothing. */
TEST_F(bad_input, set_pids_bad_list)
{
	struct aclmem_export ex = { 0 };
	struct aclmem_set_pids sp = { 0 };
	__u32 pid = (__u32)getpid(), *pids;
	__u32 h = 0;

	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	ex.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_EXPORT, &ex));
	pids = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pids);
	aclmem_track_map(pids, 2 * SZ_4K);
	ASSERT_EQ(0, mprotect((char *)pids + SZ_4K, SZ_4K, PROT_NONE));

	sp.token = ex.out_token;
	sp.nr_pids = 1;
	sp.pids = 8;
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_SET_PIDS, &sp));
	sp.pids = (__u64)(uintptr_t)((char *)pids + SZ_4K);
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_SET_PIDS, &sp));
	/* this process first, then past the end of the readable page */
	pids[SZ_4K / sizeof(*pids) - 1] = pid;
	sp.pids = (__u64)(uintptr_t)&pids[SZ_4K / sizeof(*pids) - 1];
	sp.nr_pids = 2;
	EXPECT_EQ(-EFAULT, _aclmem_ioctl(self->fd, ACLMEM_IOC_SET_PIDS, &sp));
	/* none of it was taken: this process is still not admitted */
	ACLMEM_EXPECT_ERRNO(EACCES, import_token(self->fd, ex.out_token));
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

TEST_F(bad_input, unknown_ioctl)
{
	/*
	 * Big enough for any size below, zeroed: a wrong acceptance of it
	 * would fail with EINVAL (size 0), not ENOTTY.
	 */
	__u64 buf[64];
	const unsigned long rw = _IOC_READ | _IOC_WRITE;
	const unsigned long cmds[] = {
		_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 4,
		      struct aclmem_info),
		_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 0x3f,
		      struct aclmem_query),
		_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE - 1,
		      struct aclmem_alloc),
		_IOWR(ACLMEM_IOCTL_MAGIC, 0, struct aclmem_alloc),
		/* the right numbers with another struct size */
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 0,
		     sizeof(struct aclmem_info) + 8),
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 0,
		     sizeof(struct aclmem_info) - 8),
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 1,
		     sizeof(struct aclmem_alloc) + 8),
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 1,
		     sizeof(struct aclmem_alloc) - 8),
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 2,
		     sizeof(struct aclmem_free) + 8),
		_IOC(rw, ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 3,
		     sizeof(struct aclmem_query) - 8),
		/* the right number and size, another direction */
		_IOW(ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 1,
		     struct aclmem_alloc),
		_IOR(ACLMEM_IOCTL_MAGIC, ACLMEM_IOCTL_BASE + 0,
		     struct aclmem_info),
		/* another magic */
		_IOWR(ACLMEM_IOCTL_MAGIC + 1, ACLMEM_IOCTL_BASE + 1,
		      struct aclmem_alloc),
		0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		int rc;

		memset(buf, 0, sizeof(buf));
		rc = _aclmem_ioctl(self->fd, cmds[i], buf);
		EXPECT_EQ(-ENOTTY, rc) {
			TH_LOG("ioctl 0x%lx: %s", cmds[i],
			       rc ? strerror(-rc) : "success");
		}
	}
	expect_nothing_changed(self);
}

/* mmap errors around a two-page 2 MiB handle. */
TEST_F(bad_input, mmap_2m)
{
	const size_t len = 2 * SZ_2M;
	__u32 h = 0, h2 = 0, h3 = 0;
	__u64 off = 0, off2 = 0, off3 = 0;
	struct aclmem_query q;
	char *area, *fixed;
	void *p = NULL;
	int fd2, i;

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off);

	/* past the end of the handle: ENXIO */
	aclmem_mmap_err(ENXIO, self->fd, NULL, 3 * SZ_2M, off, MAP_SHARED);
	aclmem_mmap_err(ENXIO, self->fd, NULL, 2 * SZ_2M, off + SZ_2M,
			MAP_SHARED);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, off + 2 * SZ_2M,
			MAP_SHARED);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, off + (512ULL << 30),
			MAP_SHARED);

	/* an offset that names no handle: a freed one, another file's */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h2, &off2);
	aclmem_free(self->fd, h2);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, off2, MAP_SHARED);
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	/* our handle's offset on a file that holds no handle */
	aclmem_mmap_err(ENXIO, fd2, NULL, SZ_2M, off, MAP_SHARED);
	/*
	 * Handle numbers may be per file: take the first handle of fd2 whose
	 * offset is none of ours, and map it through our file.
	 */
	for (i = 0; i < 3; i++) {
		aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h3, &off3);
		if (off3 != off && off3 != off2)
			break;
	}
	ASSERT_NE(off, off3);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, off3, MAP_SHARED);
	close(fd2);
	if (off != 0)
		aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, 0, MAP_SHARED);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_2M, 1ULL << 62,
			MAP_SHARED);

	/* misaligned offset: EINVAL */
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M, off + SZ_4K,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M, off + (1ULL << 20),
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M, off + SZ_2M - SZ_4K,
			MAP_SHARED);

	/* length not a multiple of the page size: EINVAL */
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M + SZ_4K, off,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_4K, off, MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, 1ULL << 20, off, MAP_SHARED);

	/* MAP_PRIVATE: EINVAL */
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M, off, MAP_PRIVATE);
	aclmem_mmap_err(EINVAL, self->fd, NULL, len, off, MAP_PRIVATE);

	/* MAP_FIXED at a 4 KiB but not 2 MiB aligned address: EINVAL */
	area = mmap(NULL, 3 * SZ_2M, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	aclmem_track_map(area, 3 * SZ_2M);
	fixed = (char *)(((uintptr_t)area + SZ_2M - 1) & ~(SZ_2M - 1));
	aclmem_mmap_err(EINVAL, self->fd, fixed + SZ_4K, SZ_2M, off,
			MAP_SHARED | MAP_FIXED);
	aclmem_mmap_err(EINVAL, self->fd, fixed + (1ULL << 20), SZ_2M, off,
			MAP_SHARED | MAP_FIXED);
	aclmem_munmap(area, 3 * SZ_2M);

	/* none of it created a mapping; a good mmap still works */
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	EXPECT_EQ(0U, q.out_faults_pmd);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 5);
	aclmem_assert_pattern(p, len, 5);
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

/* mmap errors around a 1 GiB handle: 2 MiB granularity is not enough. */
TEST_F_TIMEOUT(bad_input, mmap_1g, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *area, *fixed;

	aclmem_alloc(self->fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &h, &off);

	aclmem_mmap_err(ENXIO, self->fd, NULL, 2 * SZ_1G, off, MAP_SHARED);
	aclmem_mmap_err(ENXIO, self->fd, NULL, SZ_1G, off + SZ_1G,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_1G, off + SZ_2M,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_1G, off + SZ_4K,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_2M, off, MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_1G - SZ_2M, off,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_1G + SZ_2M, off,
			MAP_SHARED);
	aclmem_mmap_err(EINVAL, self->fd, NULL, SZ_1G, off, MAP_PRIVATE);

	/* 2 MiB aligned is not 1 GiB aligned */
	area = mmap(NULL, 2 * SZ_1G, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	aclmem_track_map(area, 2 * SZ_1G);
	fixed = (char *)(((uintptr_t)area + SZ_1G - 1) & ~(SZ_1G - 1));
	aclmem_mmap_err(EINVAL, self->fd, fixed + SZ_2M, SZ_1G, off,
			MAP_SHARED | MAP_FIXED);
	aclmem_mmap_err(EINVAL, self->fd, fixed + SZ_4K, SZ_1G, off,
			MAP_SHARED | MAP_FIXED);
	aclmem_munmap(area, 2 * SZ_1G);

	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	aclmem_free(self->fd, h);
	expect_nothing_changed(self);
}

TEST_HARNESS_MAIN
