// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the module cannot be unloaded while anything uses it. With
 * an open /dev/aclmem file, with only a mapping left (file closed, handle
 * freed), or with only a dma-buf fd left, delete_module(2) answers
 * EWOULDBLOCK, the device stays, and the memory keeps its data. Once the
 * last user is gone the pool counters are back at the baseline (the
 * runner unloads the module for real at the end of every run).
 */
#include <sys/syscall.h>

#include "aclmem_utils.h"

FIXTURE(unload) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(unload)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(unload)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* delete_module(2) without waiting: 0 or -errno. */
static int try_unload(void)
{
	if (syscall(SYS_delete_module, "aclmem", O_NONBLOCK))
		return -errno;
	return 0;
}

#define ASSERT_BUSY() do {						\
	ASSERT_EQ(-EWOULDBLOCK, try_unload());				\
	ASSERT_EQ(0, access(ACLMEM_DEV_PATH, F_OK));			\
} while (0)

TEST_F(unload, refused_with_open_file)
{
	__u32 h = 0;
	__u64 off = 0;

	ASSERT_BUSY();
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_BUSY();
	aclmem_free(self->fd, h);
}

TEST_F(unload, refused_with_only_a_mapping)
{
	int fd = aclmem_open();
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	ASSERT_LE(0, fd);
	aclmem_alloc(fd, 2 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd, 2 * SZ_2M, off, &p);
	aclmem_fill(p, 2 * SZ_2M, 7);
	aclmem_free(fd, h);
	ASSERT_EQ(0, close(fd));

	ASSERT_BUSY();
	aclmem_assert_pattern(p, 2 * SZ_2M, 7);
	aclmem_munmap(p, 2 * SZ_2M);
}

TEST_F(unload, refused_with_only_a_dmabuf)
{
	struct aclmem_export_fd cmd = { 0 };
	int fd = aclmem_open();
	__u32 h = 0;
	__u64 off = 0;
	void *p;

	ASSERT_LE(0, fd);
	aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	cmd.handle = h;
	cmd.flags = ACLMEM_EXPORT_FD_CLOEXEC;
	ASSERT_EQ(0, ioctl(fd, ACLMEM_IOC_EXPORT_FD, &cmd));
	ASSERT_EQ(0, close(fd));

	ASSERT_BUSY();
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, cmd.out_fd,
		 0);
	ASSERT_NE(MAP_FAILED, p);
	aclmem_assert_zero(p, SZ_2M, 0);
	ASSERT_EQ(0, munmap(p, SZ_2M));
	ASSERT_EQ(0, close(cmd.out_fd));
}

TEST_HARNESS_MAIN
