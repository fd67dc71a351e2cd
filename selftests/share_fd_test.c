// SPDX-License-Identifier: GPL-2.0
/*
 * Description: sharing a handle as a dma-buf file descriptor (EXPORT_FD,
 * IMPORT_FD). Other processes are agents: fork + exec of this binary,
 * driven over a unix socket (share_utils.h).
 *
 * EXPORT_FD gives a read-write dma-buf fd, close-on-exec on request, that
 * /proc/PID/fdinfo shows with exp_name aclmem and the handle's size; one
 * handle may be exported many times. The fd mmaps directly (MAP_SHARED
 * only, within the size) and shows the handle's data both ways: with one
 * PMD entry per page at a 2 MiB aligned address, and at any 4 KiB address
 * and offset with 4 KiB entries where a PMD does not fit (fault counts);
 * DMA_BUF_IOCTL_SYNC works. It travels to an exec'd process over a unix socket (SCM_RIGHTS)
 * and by pidfd_getfd(2); there it maps, and IMPORT_FD makes a handle of it
 * that maps through /dev/aclmem. The memory lives while the fd does: after
 * FREE, munmap and close of /dev/aclmem, after SIGKILL of the exporting
 * process; in_use comes back only when the fd, its mappings and handles
 * made of it are gone. IMPORT_FD in the exporting process works; a handle
 * made by it is not EXPORTable as a token (EPERM) but is as an fd.
 * IMPORT_FD of a pipe, a memfd, /dev/aclmem or another exporter's dma-buf
 * (a dma-heap, where the kernel has one) is EINVAL; of a closed, huge or
 * negative fd EBADF. Unknown flags and non-zero reserved or out_ fields
 * are EINVAL. Each allocation EXPORT_FD and IMPORT_FD make may fail
 * (fail_nth): an error, no descriptor or handle made, nothing leaked. The
 * pool counters are back at the baseline after every test.
 */
#include "share_utils.h"

#include <dirent.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

FIXTURE(share_fd) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(share_fd)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(share_fd)
{
	aclmem_fail_nth_set(0);
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define BASE_IN_USE(self) ((self)->base.out_pools[ACLMEM_POOL_2M].in_use)

/* A handle of ours, mapped, with a pattern, and a dma-buf fd of it. */
struct exported {
	__u32 h;
	__u64 off;
	__u64 size;
	void *p;
	int dfd;
};

static void exported_make(struct __test_metadata *_metadata, int fd,
			  struct exported *ex, __u64 size, __u64 seed)
{
	memset(ex, 0, sizeof(*ex));
	ex->size = size;
	ex->dfd = -1;
	aclmem_alloc(fd, size, SZ_2M, ACLMEM_NODE_ANY, &ex->h, &ex->off);
	aclmem_mmap(fd, size, ex->off, &ex->p);
	aclmem_fill(ex->p, size, seed);
	ASSERT_EQ(0, _share_export_fd(fd, ex->h, ACLMEM_EXPORT_FD_CLOEXEC,
				      &ex->dfd));
	ASSERT_LE(0, ex->dfd);
}

static void exported_drop(struct __test_metadata *_metadata, int fd,
			  struct exported *ex)
{
	aclmem_munmap(ex->p, ex->size);
	aclmem_free(fd, ex->h);
	EXPECT_EQ(0, close(ex->dfd));
}

/* /proc/@pid/fdinfo/@fd shows an aclmem dma-buf of @size bytes. */
#define expect_fdinfo(pid, fd, _size) do {				\
	char __name[64];						\
	__u64 __size = 0;						\
	ASSERT_EQ(0, share_fdinfo(pid, fd, __name, sizeof(__name),	\
				  &__size));				\
	EXPECT_STREQ("aclmem", __name);					\
	EXPECT_EQ((__u64)(_size), __size);				\
} while (0)

static void agent_start(struct __test_metadata *_metadata,
			struct share_agent *ag)
{
	AG_ASSERT(share_agent_start(ag, 0));
	AG_ASSERT(ag_info(ag, NULL));
}

/*
 * The agent maps its dma-buf fd @afd, checks @seed's pattern, unmaps;
 * then IMPORT_FD's it and maps the handle through /dev/aclmem, checks
 * again: the handle and address in *imp and *addr.
 */
static void agent_map_import(struct __test_metadata *_metadata,
			     struct share_agent *ag, int afd, __u64 size,
			     __u64 seed, struct aclmem_import *imp,
			     __u64 *addr)
{
	__u64 a = 0;

	expect_fdinfo(ag->pid, afd, size);
	AG_ASSERT(ag_mmap(ag, afd, 0, size, &a));
	ag_assert_pattern(ag, a, size, seed);
	AG_ASSERT(ag_munmap(ag, a, size));

	AG_ASSERT(ag_import_fd(ag, afd, imp));
	ASSERT_NE(0U, imp->out_handle);
	ASSERT_EQ(size, imp->out_size);
	ASSERT_EQ(SZ_2M, imp->out_page_size);
	AG_ASSERT(ag_mmap(ag, -1, imp->out_offset, size, addr));
	ag_assert_pattern(ag, *addr, size, seed);
}

TEST_F(share_fd, export_fd)
{
	const __u64 base = BASE_IN_USE(self);
	struct aclmem_export_fd cmd;
	struct exported ex;
	int dfd2 = -1, dfd3 = -1;
	__u32 h = 0;
	__u64 off = 0;

	exported_make(_metadata, self->fd, &ex, SZ_2M, 1);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ex.dfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(ex.dfd, F_GETFL) & O_ACCMODE);
	expect_fdinfo(getpid(), ex.dfd, SZ_2M);

	/* again, without close-on-exec: another fd of the same handle */
	ASSERT_EQ(0, _share_export_fd(self->fd, ex.h, 0, &dfd2));
	EXPECT_NE(ex.dfd, dfd2);
	EXPECT_EQ(0, fcntl(dfd2, F_GETFD) & FD_CLOEXEC);
	expect_fdinfo(getpid(), dfd2, SZ_2M);
	EXPECT_EQ(0, close(dfd2));

	/* the size is the handle's */
	aclmem_alloc(self->fd, 3 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _share_export_fd(self->fd, h, ACLMEM_EXPORT_FD_CLOEXEC,
				      &dfd3));
	expect_fdinfo(getpid(), dfd3, 3 * SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 4);
	aclmem_free(self->fd, h);
	EXPECT_EQ(0, close(dfd3));

	/* errors: no handle, bad fields */
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_export_fd(self->fd, ex.h + 100,
						     0, &dfd2));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_export_fd(self->fd, 0, 0, &dfd2));
	memset(&cmd, 0, sizeof(cmd));
	cmd.handle = ex.h;
	cmd.flags = 2;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT_FD, &cmd));
	cmd.flags = 0;
	cmd.out_fd = 3;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT_FD, &cmd));
	cmd.out_fd = 0;
	cmd.reserved0 = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT_FD, &cmd));
	cmd.reserved0 = 0;
	cmd.reserved[1] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT_FD, &cmd));

	exported_drop(_metadata, self->fd, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Faults on handle @h since *q0 were @pte 4 KiB and @pmd 2 MiB ones. */
#define expect_new_faults(fd, h, q0, pte, pmd) do {			\
	struct aclmem_query __q;					\
	aclmem_query(fd, h, 0, &__q);					\
	EXPECT_EQ((__u64)(pte), __q.out_faults_pte - (q0)->out_faults_pte); \
	EXPECT_EQ((__u64)(pmd), __q.out_faults_pmd - (q0)->out_faults_pmd); \
} while (0)

TEST_F(share_fd, mmap_fd)
{
	const __u64 size = 2 * SZ_2M;
	struct dma_buf_sync sync;
	struct aclmem_query q, q0;
	struct exported ex;
	void *p = NULL, *r = NULL;
	char *area, *res;

	exported_make(_metadata, self->fd, &ex, size, 11);
	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, NULL, size, 0, MAP_SHARED, &p));
	aclmem_assert_pattern(p, size, 11);
	aclmem_query(self->fd, ex.h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);

	/* the dma-buf CPU access protocol is accepted */
	memset(&sync, 0, sizeof(sync));
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
	EXPECT_EQ(0, ioctl(ex.dfd, DMA_BUF_IOCTL_SYNC, &sync));
	aclmem_fill(p, size, 12);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	EXPECT_EQ(0, ioctl(ex.dfd, DMA_BUF_IOCTL_SYNC, &sync));
	aclmem_assert_pattern(ex.p, size, 12);
	aclmem_munmap(p, size);

	/* read-only, and one page at an offset */
	r = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, ex.dfd, SZ_2M);
	ASSERT_NE(MAP_FAILED, r);
	aclmem_track_map(r, SZ_2M);
	aclmem_assert_pattern_at(r, SZ_2M, 12, SZ_2M);
	aclmem_munmap(r, SZ_2M);

	/*
	 * At a 2 MiB aligned address the fd's mapping gets one PMD entry
	 * per page, like a /dev/aclmem mapping; at addresses and offsets
	 * that are only 4 KiB aligned it works too, with 4 KiB entries
	 * where a 2 MiB one does not fit: a start off the alignment, the
	 * same with a congruent offset (PMD for the second page), a few
	 * pages inside. First accesses are reads: one fault per entry.
	 */
	res = mmap(NULL, 4 * SZ_2M, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	aclmem_track_map(res, 4 * SZ_2M);
	area = (char *)(((uintptr_t)res + SZ_2M - 1) & ~(SZ_2M - 1));

	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, area, size, 0,
				  MAP_SHARED | MAP_FIXED, &p));
	ASSERT_EQ((void *)area, p);
	aclmem_query(self->fd, ex.h, 0, &q0);
	aclmem_assert_pattern(p, size, 12);
	expect_new_faults(self->fd, ex.h, &q0, 0, 2);
	aclmem_munmap(p, size);

	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, area + SZ_4K, size, 0,
				  MAP_SHARED | MAP_FIXED, &p));
	ASSERT_EQ((void *)(area + SZ_4K), p);
	aclmem_query(self->fd, ex.h, 0, &q0);
	aclmem_assert_pattern(p, size, 12);
	expect_new_faults(self->fd, ex.h, &q0, size / SZ_4K, 0);
	aclmem_fill(p, size, 13);
	aclmem_assert_pattern(ex.p, size, 13);
	aclmem_munmap(p, size);

	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, area + SZ_4K, size - SZ_4K, SZ_4K,
				  MAP_SHARED | MAP_FIXED, &p));
	aclmem_query(self->fd, ex.h, 0, &q0);
	aclmem_assert_pattern_at(p, size - SZ_4K, 13, SZ_4K);
	expect_new_faults(self->fd, ex.h, &q0, SZ_2M / SZ_4K - 1, 1);
	aclmem_munmap(p, size - SZ_4K);

	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, area + 3 * SZ_4K, 5 * SZ_4K,
				  SZ_2M - SZ_4K, MAP_SHARED | MAP_FIXED, &p));
	aclmem_query(self->fd, ex.h, 0, &q0);
	aclmem_assert_pattern_at(p, 5 * SZ_4K, 13, SZ_2M - SZ_4K);
	expect_new_faults(self->fd, ex.h, &q0, 5, 0);
	aclmem_fill_at(p, 5 * SZ_4K, 14, SZ_2M - SZ_4K);
	aclmem_assert_pattern_at((char *)ex.p + SZ_2M - SZ_4K, 5 * SZ_4K, 14,
				 SZ_2M - SZ_4K);
	aclmem_munmap(p, 5 * SZ_4K);
	/* whatever address the kernel picks works */
	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, NULL, SZ_4K, size - SZ_4K,
				  MAP_SHARED, &p));
	aclmem_assert_pattern_at(p, SZ_4K, 13, size - SZ_4K);
	aclmem_munmap(p, SZ_4K);
	aclmem_munmap(res, 4 * SZ_2M);

	/* MAP_SHARED only, and inside the buffer */
	aclmem_mmap_err(EINVAL, ex.dfd, NULL, size, 0, MAP_PRIVATE);
	aclmem_mmap_err(EINVAL, ex.dfd, NULL, size + SZ_2M, 0, MAP_SHARED);
	aclmem_mmap_err(EINVAL, ex.dfd, NULL, SZ_2M, size, MAP_SHARED);
	aclmem_mmap_err(EINVAL, ex.dfd, NULL, SZ_4K, size, MAP_SHARED);

	aclmem_query(self->fd, ex.h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_expect_no_bad_refs(self->fd, ex.h);
	exported_drop(_metadata, self->fd, &ex);
}

/* SCM_RIGHTS to an exec'd process, which maps and imports the fd. */
TEST_F(share_fd, scm_rights)
{
	const __u64 base = BASE_IN_USE(self);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp;
	struct share_agent ag;
	struct aclmem_query q;
	struct exported ex;
	__u64 addr = 0;
	int afd = -1;

	exported_make(_metadata, self->fd, &ex, size, 21);
	agent_start(_metadata, &ag);
	AG_ASSERT(ag_give_fd(&ag, ex.dfd, &afd));
	agent_map_import(_metadata, &ag, afd, size, 21, &imp, &addr);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_query(self->fd, ex.h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);

	AG_ASSERT(ag_fill(&ag, addr, size, 22));
	aclmem_assert_pattern(ex.p, size, 22);
	/* the imported handle does not need the fd */
	AG_ASSERT(ag_close(&ag, afd));
	EXPECT_EQ(0, close(ex.dfd));
	aclmem_munmap(ex.p, size);
	aclmem_free(self->fd, ex.h);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	ag_assert_pattern(&ag, addr, size, 22);

	AG_ASSERT(ag_free(&ag, imp.out_handle));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	AG_ASSERT(ag_munmap(&ag, addr, size));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	EXPECT_EQ(0, share_agent_stop(&ag));
}

/* pidfd_getfd(2): the agent takes the fd out of our table. */
TEST_F(share_fd, pidfd_getfd)
{
	const __u64 base = BASE_IN_USE(self);
	struct aclmem_import imp;
	struct share_agent ag;
	struct exported ex;
	__u64 addr = 0;
	int afd = -1;

	/* with Yama's ptrace_scope 1 a child needs this; root does not */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	exported_make(_metadata, self->fd, &ex, SZ_2M, 31);
	agent_start(_metadata, &ag);
	AG_ASSERT(ag_pidfd_getfd(&ag, getpid(), ex.dfd, &afd));
	agent_map_import(_metadata, &ag, afd, SZ_2M, 31, &imp, &addr);
	/* a descriptor we do not have */
	ACLMEM_EXPECT_ERRNO(EBADF, ag_pidfd_getfd(&ag, getpid(), 1000, &afd));

	AG_ASSERT(ag_fill(&ag, addr, SZ_2M, 32));
	aclmem_assert_pattern(ex.p, SZ_2M, 32);
	AG_ASSERT(ag_munmap(&ag, addr, SZ_2M));
	AG_ASSERT(ag_free(&ag, imp.out_handle));
	EXPECT_EQ(0, share_agent_stop(&ag));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	exported_drop(_metadata, self->fd, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* The fd alone keeps the memory: no handle, no mapping, no file. */
TEST_F(share_fd, fd_keeps_memory)
{
	const __u64 base = BASE_IN_USE(self);
	const __u64 size = 2 * SZ_2M;
	struct exported ex;
	void *p = NULL;
	int fd2, dfd = -1;
	__u32 h = 0;
	__u64 off = 0;

	exported_make(_metadata, self->fd, &ex, size, 41);
	aclmem_munmap(ex.p, size);
	aclmem_free(self->fd, ex.h);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, NULL, size, 0, MAP_SHARED, &p));
	aclmem_assert_pattern(p, size, 41);
	aclmem_munmap(p, size);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	EXPECT_EQ(0, close(ex.dfd));
	aclmem_expect_in_use(self->fd, SZ_2M, base);

	/* a mapping of the fd outlives the fd */
	exported_make(_metadata, self->fd, &ex, size, 42);
	ASSERT_EQ(0, _aclmem_mmap(ex.dfd, NULL, size, 0, MAP_SHARED, &p));
	EXPECT_EQ(0, close(ex.dfd));
	aclmem_munmap(ex.p, size);
	aclmem_free(self->fd, ex.h);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_assert_pattern(p, size, 42);
	aclmem_munmap(p, size);
	aclmem_expect_in_use(self->fd, SZ_2M, base);

	/* the fd outlives the /dev/aclmem file it came from */
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _aclmem_mmap(fd2, NULL, SZ_2M, off, MAP_SHARED, &p));
	aclmem_fill(p, SZ_2M, 43);
	aclmem_munmap(p, SZ_2M);
	ASSERT_EQ(0, _share_export_fd(fd2, h, ACLMEM_EXPORT_FD_CLOEXEC,
				      &dfd));
	EXPECT_EQ(0, close(fd2));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	ASSERT_EQ(0, _aclmem_mmap(dfd, NULL, SZ_2M, 0, MAP_SHARED, &p));
	aclmem_assert_pattern(p, SZ_2M, 43);
	aclmem_munmap(p, SZ_2M);
	EXPECT_EQ(0, close(dfd));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* The exporting process dies; the fd it gave us still holds the data. */
TEST_F(share_fd, exporter_killed)
{
	const __u64 base = BASE_IN_USE(self);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp;
	struct share_agent ag;
	__u64 off = 0, addr = 0;
	void *p = NULL;
	int afd = -1, dfd = -1;
	__u32 h = 0;

	agent_start(_metadata, &ag);
	AG_ASSERT(ag_alloc(&ag, size, SZ_2M, &h, &off));
	AG_ASSERT(ag_mmap(&ag, -1, off, size, &addr));
	AG_ASSERT(ag_fill(&ag, addr, size, 51));
	AG_ASSERT(ag_export_fd(&ag, h, ACLMEM_EXPORT_FD_CLOEXEC, &afd));
	AG_ASSERT(ag_take_fd(&ag, afd, &dfd));
	expect_fdinfo(getpid(), dfd, size);
	EXPECT_EQ(128 + SIGKILL, share_agent_kill(&ag));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	ASSERT_EQ(0, _aclmem_mmap(dfd, NULL, size, 0, MAP_SHARED, &p));
	aclmem_assert_pattern(p, size, 51);
	aclmem_munmap(p, size);
	/* and makes a handle here */
	ASSERT_EQ(0, _share_import_fd(self->fd, dfd, &imp));
	EXPECT_EQ(size, imp.out_size);
	EXPECT_EQ(SZ_2M, imp.out_page_size);
	EXPECT_EQ(0, close(dfd));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_mmap(self->fd, size, imp.out_offset, &p);
	aclmem_assert_pattern(p, size, 51);
	aclmem_munmap(p, size);
	aclmem_free(self->fd, imp.out_handle);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * IMPORT_FD in the exporting process, and the rules for handles made by
 * it: not a token (EPERM), but an fd again.
 */
TEST_F(share_fd, import_fd_here)
{
	const __u64 base = BASE_IN_USE(self);
	struct aclmem_import imp;
	struct aclmem_query q;
	struct exported ex;
	void *p = NULL;
	int dfd2 = -1;
	__u64 token = 0;

	exported_make(_metadata, self->fd, &ex, SZ_2M, 61);
	ASSERT_EQ(0, _share_import_fd(self->fd, ex.dfd, &imp));
	EXPECT_NE(ex.h, imp.out_handle);
	EXPECT_EQ(SZ_2M, imp.out_size);
	EXPECT_EQ(2U, aclmem_nr_handles(self->fd));
	aclmem_query(self->fd, imp.out_handle, 0, &q);
	EXPECT_EQ(SZ_2M, q.out_size);
	EXPECT_EQ(imp.out_offset, q.out_offset);
	aclmem_mmap(self->fd, SZ_2M, imp.out_offset, &p);
	aclmem_assert_pattern(p, SZ_2M, 61);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);

	ACLMEM_EXPECT_ERRNO(EPERM, _share_export(self->fd, imp.out_handle, 0,
						 &token));
	ASSERT_EQ(0, _share_export_fd(self->fd, imp.out_handle,
				      ACLMEM_EXPORT_FD_CLOEXEC, &dfd2));
	expect_fdinfo(getpid(), dfd2, SZ_2M);
	/* the original handle and fd go, the imported handle stays */
	EXPECT_EQ(0, close(ex.dfd));
	ex.dfd = dfd2;
	exported_drop(_metadata, self->fd, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	aclmem_assert_pattern(p, SZ_2M, 61);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, imp.out_handle);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* A handle imported by token may go on as an fd. */
TEST_F(share_fd, export_fd_of_token_import)
{
	const __u64 base = BASE_IN_USE(self);
	struct aclmem_import imp, imp2;
	struct share_agent ag;
	struct exported ex;
	int afd = -1, dfd = -1;
	__u64 token = 0;
	void *p = NULL;

	exported_make(_metadata, self->fd, &ex, SZ_2M, 71);
	ASSERT_EQ(0, _share_export(self->fd, ex.h, ACLMEM_EXPORT_ANY_PID,
				   &token));
	agent_start(_metadata, &ag);
	AG_ASSERT(ag_import(&ag, token, &imp));
	AG_ASSERT(ag_export_fd(&ag, imp.out_handle, ACLMEM_EXPORT_FD_CLOEXEC,
			       &afd));
	AG_ASSERT(ag_take_fd(&ag, afd, &dfd));
	AG_ASSERT(ag_free(&ag, imp.out_handle));
	AG_ASSERT(ag_close(&ag, afd));
	EXPECT_EQ(0, share_agent_stop(&ag));

	ASSERT_EQ(0, _share_import_fd(self->fd, dfd, &imp2));
	aclmem_mmap(self->fd, SZ_2M, imp2.out_offset, &p);
	aclmem_fill(p, SZ_2M, 72);
	aclmem_assert_pattern(ex.p, SZ_2M, 72);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, imp2.out_handle);
	EXPECT_EQ(0, close(dfd));
	exported_drop(_metadata, self->fd, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_F(share_fd, import_fd_errors)
{
	struct aclmem_import im;
	struct exported ex;
	int pfd[2], mfd, closed;

	exported_make(_metadata, self->fd, &ex, SZ_2M, 81);
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	share_import_fd_err(EINVAL, self->fd, pfd[0]);
	share_import_fd_err(EINVAL, self->fd, pfd[1]);
	mfd = memfd_create("share_fd", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, SZ_2M));
	share_import_fd_err(EINVAL, self->fd, mfd);
	share_import_fd_err(EINVAL, self->fd, self->fd);
	close(pfd[0]);
	close(pfd[1]);
	close(mfd);

	closed = dup(ex.dfd);
	ASSERT_LE(0, closed);
	close(closed);
	share_import_fd_err(EBADF, self->fd, closed);
	share_import_fd_err(EBADF, self->fd, 1 << 20);
	share_import_fd_err(EBADF, self->fd, (__u64)INT_MAX);
	share_import_fd_err(EBADF, self->fd, (__u64)INT_MAX + 1);
	share_import_fd_err(EBADF, self->fd, (__u64)-1);
	share_import_fd_err(EBADF, self->fd, 1ULL << 32 | (__u64)ex.dfd);

	memset(&im, 0, sizeof(im));
	im.token = ex.dfd;
	im.flags = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT_FD, &im));
	im.flags = 0;
	im.out_offset = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT_FD, &im));
	im.out_offset = 0;
	im.out_page_size = SZ_2M;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT_FD, &im));
	im.out_page_size = 0;
	im.reserved[0] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT_FD, &im));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	exported_drop(_metadata, self->fd, &ex);
}

/* A dma-buf of another exporter (the system dma-heap) is not ours. */
TEST_F(share_fd, import_foreign_dmabuf)
{
	struct dma_heap_allocation_data alloc;
	char name[64];
	__u64 size = 0;
	void *p = NULL;
	int heap;

	heap = open("/dev/dma_heap/system", O_RDWR | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "no /dev/dma_heap/system in this kernel");
	memset(&alloc, 0, sizeof(alloc));
	alloc.len = SZ_2M;
	alloc.fd_flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	close(heap);
	ASSERT_EQ(0, share_fdinfo(getpid(), (int)alloc.fd, name, sizeof(name),
				  &size));
	EXPECT_STRNE("aclmem", name);
	EXPECT_EQ(SZ_2M, size);
	share_import_fd_err(EINVAL, self->fd, alloc.fd);
	/* it is a dma-buf all right */
	ASSERT_EQ(0, _aclmem_mmap((int)alloc.fd, NULL, SZ_4K, 0, MAP_SHARED,
				  &p));
	aclmem_munmap(p, SZ_4K);
	close((int)alloc.fd);
}

/* Open descriptors of this process. */
static int count_fds(void)
{
	struct dirent *d;
	int n = 0;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/*
 * Every allocation EXPORT_FD and IMPORT_FD make may fail (fail_nth):
 * ENOMEM (EMFILE for the descriptor), no descriptor or handle made, no
 * reference leaked (the counters come back).
 */
TEST_F(share_fd, alloc_failures)
{
	const __u64 base = BASE_IN_USE(self);
	struct aclmem_import imp;
	void *p = NULL, *q = NULL;
	int rc = 0, nfds, dfd = -1;
	__u64 off = 0;
	__u32 h = 0;

	SHARE_NEED_FAIL_NTH();
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, SZ_2M, off, &p);
	aclmem_fill(p, SZ_2M, 91);
	nfds = count_fds();
	ASSERT_LT(0, nfds);

	share_fail_each_site(rc, ENOMEM, EMFILE,
		_share_export_fd(self->fd, h, ACLMEM_EXPORT_FD_CLOEXEC, &dfd), {
		EXPECT_EQ(nfds, count_fds());
	});
	EXPECT_EQ(nfds + 1, count_fds());
	expect_fdinfo(getpid(), dfd, SZ_2M);

	share_fail_each_site(rc, ENOMEM, ENOMEM,
		_share_import_fd(self->fd, dfd, &imp), {
		EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	});
	aclmem_mmap(self->fd, SZ_2M, imp.out_offset, &q);
	aclmem_assert_pattern(q, SZ_2M, 91);
	aclmem_munmap(q, SZ_2M);
	aclmem_free(self->fd, imp.out_handle);
	EXPECT_EQ(0, close(dfd));
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

SHARE_TEST_MAIN
