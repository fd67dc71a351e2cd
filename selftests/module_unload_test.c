// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the module cannot be unloaded while anything uses it. With
 * an open /dev/aclmem file, with only a mapping left (file closed, handle
 * freed), or with only a dma-buf fd left, delete_module(2) answers
 * EWOULDBLOCK, the device stays, and the memory keeps its data. Once the
 * last user is gone the pool counters are back at the baseline. A dma-buf
 * mapping alone (every fd closed, the handle freed) keeps the module too,
 * and its data; after munmap the module unloads. Unloading gives every
 * page back: MemFree after the unload is what it was before the load,
 * also after the pool grew and shrank. And the
 * module unloads and loads again in a loop (from /aclmem.ko, with the
 * parameters it had), with a process holding live handles refusing the
 * unload until it is killed; after each load the device works.
 */
#include <sys/syscall.h>

#include "aclmem_module.h"
#include "aclmem_utils.h"
#include "meminfo.h"

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

/* The device works: a handle, a mapping with data, freed. */
static void use_device(struct __test_metadata *_metadata)
{
	int fd = aclmem_open();
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;

	ASSERT_LE(0, fd);
	aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd, SZ_2M, off, &p);
	aclmem_assert_zero(p, SZ_2M, 0);
	aclmem_fill(p, SZ_2M, 3);
	aclmem_assert_pattern(p, SZ_2M, 3);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(fd, h);
	close(fd);
}

/*
 * Each load takes a 1 GiB page again (seconds under TCG, more on a busy
 * host): far more than the harness's default 30 s may pass.
 */
#define RELOAD_TIMEOUT	240

FIXTURE(reload) {
};

FIXTURE_SETUP(reload)
{
}

FIXTURE_TEARDOWN(reload)
{
}

TEST_F_TIMEOUT(reload, loop, RELOAD_TIMEOUT)
{
	char params[256];
	int round;

	if (access(ACLMEM_KO, R_OK))
		SKIP(return, "no %s to load again", ACLMEM_KO);
	current_params(params, sizeof(params));
	TH_LOG("parameters: %s", params);
	for (round = 0; round < 5; round++) {
		ASSERT_EQ(0, unload());
		ASSERT_NE(0, access(ACLMEM_DEV_PATH, F_OK));
		ASSERT_EQ(0, load(params)) {
			TH_LOG("round %d: the module did not load again", round);
		}
		use_device(_metadata);
	}
}

TEST_F_TIMEOUT(reload, with_live_handles, RELOAD_TIMEOUT)
{
	int ready[2], round, status;
	char params[256], c;
	pid_t pid;

	if (access(ACLMEM_KO, R_OK))
		SKIP(return, "no %s to load again", ACLMEM_KO);
	current_params(params, sizeof(params));
	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, pipe(ready));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			int fd = aclmem_open();
			struct aclmem_alloc a = {
				.size = 2 * SZ_2M, .page_size = SZ_2M,
				.node = ACLMEM_NODE_ANY,
			};
			void *p;

			if (fd < 0 || ioctl(fd, ACLMEM_IOC_ALLOC, &a))
				_exit(1);
			p = mmap(NULL, a.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, a.out_offset);
			if (p == MAP_FAILED)
				_exit(1);
			memset(p, 0x5a, a.size);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(ready[1]);
		ASSERT_EQ(1, read(ready[0], &c, 1));
		close(ready[0]);

		ASSERT_EQ(-EWOULDBLOCK, try_unload());
		ASSERT_EQ(0, access(ACLMEM_DEV_PATH, F_OK));
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));

		ASSERT_EQ(0, unload());
		ASSERT_EQ(0, load(params));
		use_device(_metadata);
	}
}

/* The pools' in_use, summed, as a new file sees them; -1 on error. */
static long long pools_in_use(void)
{
	struct aclmem_info info;
	int fd = aclmem_open();
	long long n = -1;

	if (fd < 0)
		return -1;
	if (!_aclmem_info(fd, 0, &info) && !info.out_handles)
		n = info.out_pools[ACLMEM_POOL_2M].in_use +
		    info.out_pools[ACLMEM_POOL_1G].in_use;
	close(fd);
	return n;
}

/*
 * Only a mapping of a dma-buf left: its fd closed, the handle freed, the
 * /dev/aclmem file closed. The module stays (EWOULDBLOCK) and the mapping
 * keeps its data; once it is unmapped the pages are back in the pool and
 * the module unloads.
 */
TEST_F_TIMEOUT(reload, only_a_dmabuf_mapping, RELOAD_TIMEOUT)
{
	struct aclmem_export_fd cmd = { 0 };
	long long base;
	char params[256];
	__u32 h = 0;
	__u64 off = 0;
	void *p;
	int fd;

	if (access(ACLMEM_KO, R_OK))
		SKIP(return, "no %s to load again", ACLMEM_KO);
	current_params(params, sizeof(params));
	base = pools_in_use();
	ASSERT_LE(0, base);
	fd = aclmem_open();
	ASSERT_LE(0, fd);
	aclmem_alloc(fd, 2 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	cmd.handle = h;
	cmd.flags = ACLMEM_EXPORT_FD_CLOEXEC;
	ASSERT_EQ(0, ioctl(fd, ACLMEM_IOC_EXPORT_FD, &cmd));
	p = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED,
		 cmd.out_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	aclmem_fill(p, 2 * SZ_2M, 41);
	ASSERT_EQ(0, close(cmd.out_fd));
	aclmem_free(fd, h);
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(-EWOULDBLOCK, try_unload());
	ASSERT_EQ(0, access(ACLMEM_DEV_PATH, F_OK));
	aclmem_assert_pattern(p, 2 * SZ_2M, 41);
	EXPECT_EQ(base + 2, pools_in_use());
	ASSERT_EQ(0, munmap(p, 2 * SZ_2M));
	EXPECT_EQ(base, pools_in_use());

	ASSERT_EQ(0, unload());
	ASSERT_NE(0, access(ACLMEM_DEV_PATH, F_OK));
	ASSERT_EQ(0, load(params));
	use_device(_metadata);
}

/* 2 MiB pages the pool grows by past its free ones: 128 MiB. */
#define GROW_2M		64

/* KiB free memory may differ by across a load and unload (slab, caches). */
#define MEMFREE_SLACK_KB	(8 * 1024)

/*
 * The memory a load takes (its pools) and a run grows comes back at the
 * unload: free memory (MemFree and the per-cpu free lists) after it is
 * what it was before the load, give or take MEMFREE_SLACK_KB, while the
 * loaded module holds its pools' pages.
 */
TEST_F_TIMEOUT(reload, memory_back_after_unload, RELOAD_TIMEOUT)
{
	long long before, loaded, after, pool_kb;
	struct aclmem_info info;
	char params[256];
	__u32 h = 0;
	__u64 off = 0, n;
	void *p = NULL;
	int fd;

	if (access(ACLMEM_KO, R_OK))
		SKIP(return, "no %s to load again", ACLMEM_KO);
	current_params(params, sizeof(params));
	ASSERT_EQ(0, unload());
	before = mem_free_all_kb();
	ASSERT_LT(0, before);
	ASSERT_EQ(0, load(params));
	loaded = mem_free_all_kb();

	fd = aclmem_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, _aclmem_info(fd, 0, &info));
	pool_kb = (info.out_pools[ACLMEM_POOL_2M].total * SZ_2M +
		   info.out_pools[ACLMEM_POOL_1G].total * SZ_1G) >> 10;
	TH_LOG("free %lld kB unloaded, %lld kB loaded; pools %lld kB",
	       before, loaded, pool_kb);
	/* the measure sees the pools */
	EXPECT_LE(pool_kb - MEMFREE_SLACK_KB, before - loaded);

	/* grow the 2 MiB pool past its free pages, write, give back */
	n = info.out_pools[ACLMEM_POOL_2M].free + GROW_2M;
	aclmem_alloc(fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd, n * SZ_2M, off, &p);
	aclmem_fill(p, n * SZ_2M, 5);
	aclmem_munmap(p, n * SZ_2M);
	aclmem_free(fd, h);
	ASSERT_EQ(0, _aclmem_info(fd, 0, &info));
	EXPECT_LE((__u64)GROW_2M, info.out_pools[ACLMEM_POOL_2M].shrunk);
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(0, unload());
	after = mem_free_all_kb();
	TH_LOG("free %lld kB after the unload", after);
	EXPECT_GT(MEMFREE_SLACK_KB, before - after) {
		TH_LOG("%lld kB not back", before - after);
	}
	ASSERT_EQ(0, load(params));
	use_device(_metadata);
}

TEST_HARNESS_MAIN
