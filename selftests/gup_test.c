// SPDX-License-Identifier: GPL-2.0
/*
 * Description: get_user_pages on a mapping fails cleanly and takes no page
 * reference: vmsplice(2) of the mapping into a pipe, process_vm_readv(2)
 * and process_vm_writev(2) on it (from the process itself and from a
 * child), O_DIRECT pread/pwrite between /dev/ram0 and the mapping, and a
 * shared futex key all get -1/EFAULT; each time QUERY with
 * ACLMEM_QUERY_CHECK_REFS finds no changed refcount and the data is as it
 * was. Plain copies (write/read through a pipe) do work.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "aclmem_utils.h"

#define IO_LEN		(64 * 1024)
#define SEED		0x5eed

FIXTURE(gup) {
	int fd;
	struct aclmem_info base;
	__u32 h;
	__u64 off;
	size_t len;
	char *p;
	/* IO_LEN bytes in the middle of the mapping */
	char *mid;
};

FIXTURE_VARIANT(gup) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(gup, page_2m) {
	.page_size = SZ_2M,
	.npages = 2,
};

FIXTURE_VARIANT_ADD(gup, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

/* A handle, mapped, with the pattern in it (so every entry is present). */
FIXTURE_SETUP(gup)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	self->len = variant->page_size * variant->npages;
	aclmem_alloc(self->fd, self->len, variant->page_size, ACLMEM_NODE_ANY,
		     &self->h, &self->off);
	aclmem_mmap(self->fd, self->len, self->off, &self->p);
	aclmem_fill(self->p, self->len, SEED);
	self->mid = self->p + self->len / 2 - IO_LEN / 2;
	aclmem_expect_no_bad_refs(self->fd, self->h);
}

FIXTURE_TEARDOWN(gup)
{
	if (self->p && _aclmem_munmap(self->p, self->len) == 0)
		self->p = NULL;
	if (self->h) {
		EXPECT_EQ(0, _aclmem_free(self->fd, self->h));
	}
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* Nothing changed: no stray references, the pattern intact. */
#define expect_untouched(self) do {					\
	aclmem_expect_no_bad_refs((self)->fd, (self)->h);		\
	aclmem_assert_pattern((self)->p, (self)->len, SEED);		\
} while (0)

TEST_F_TIMEOUT(gup, vmsplice_from_mapping, ACLMEM_1G_TIMEOUT)
{
	struct iovec iov = { .iov_base = self->mid, .iov_len = IO_LEN };
	struct iovec iov_first = { .iov_base = self->p, .iov_len = SZ_4K };
	int pfd[2];
	char c;
	void *fresh = NULL;
	struct iovec iov_fresh;

	ASSERT_EQ(0, pipe2(pfd, O_NONBLOCK));

	EXPECT_EQ(-1, vmsplice(pfd[1], &iov, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, vmsplice(pfd[1], &iov, 1, SPLICE_F_GIFT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, vmsplice(pfd[1], &iov_first, 1, 0));
	EXPECT_EQ(EFAULT, errno);

	/* a mapping with no entry in place yet */
	aclmem_mmap(self->fd, self->len, self->off, &fresh);
	iov_fresh.iov_base = (char *)fresh + self->len - IO_LEN;
	iov_fresh.iov_len = IO_LEN;
	EXPECT_EQ(-1, vmsplice(pfd[1], &iov_fresh, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	aclmem_munmap(fresh, self->len);

	/* nothing went into the pipe */
	EXPECT_EQ(-1, read(pfd[0], &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	close(pfd[0]);
	close(pfd[1]);
	expect_untouched(self);
}

/* Copies through the kernel are not GUP: they work. */
TEST_F_TIMEOUT(gup, copies_work, ACLMEM_1G_TIMEOUT)
{
	struct iovec iov;
	char *buf;
	int pfd[2];

	buf = malloc(IO_LEN);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_LE(4 * IO_LEN, fcntl(pfd[0], F_SETPIPE_SZ, 4 * IO_LEN));

	/* mapping -> pipe -> buffer */
	ASSERT_EQ(IO_LEN, write(pfd[1], self->mid, IO_LEN));
	ASSERT_EQ(IO_LEN, read(pfd[0], buf, IO_LEN));
	EXPECT_EQ(0, memcmp(buf, self->mid, IO_LEN));

	/* pipe -> mapping, by read(2) and by vmsplice(2) to user memory */
	ASSERT_EQ(IO_LEN, write(pfd[1], buf, IO_LEN));
	ASSERT_EQ(IO_LEN, read(pfd[0], self->p, IO_LEN));
	ASSERT_EQ(IO_LEN, write(pfd[1], buf, IO_LEN));
	iov.iov_base = self->p + self->len - IO_LEN;
	iov.iov_len = IO_LEN;
	ASSERT_EQ(IO_LEN, vmsplice(pfd[0], &iov, 1, 0));
	EXPECT_EQ(0, memcmp(buf, self->p, IO_LEN));
	EXPECT_EQ(0, memcmp(buf, self->p + self->len - IO_LEN, IO_LEN));
	aclmem_expect_no_bad_refs(self->fd, self->h);

	/* put the pattern back where it was overwritten */
	aclmem_fill_at(self->p, IO_LEN, SEED, 0);
	aclmem_fill_at(self->p + self->len - IO_LEN, IO_LEN, SEED,
		       self->len - IO_LEN);
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	aclmem_assert_pattern(self->p, self->len, SEED);
}

TEST_F_TIMEOUT(gup, process_vm_rw_self, ACLMEM_1G_TIMEOUT)
{
	struct iovec local, remote;
	char *buf;
	ssize_t rc;
	size_t i;

	buf = malloc(IO_LEN);
	ASSERT_NE(NULL, buf);
	local.iov_base = buf;
	local.iov_len = IO_LEN;
	remote.iov_base = self->mid;
	remote.iov_len = IO_LEN;

	memset(buf, 0xaa, IO_LEN);
	rc = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	for (i = 0; i < IO_LEN; i++)
		if ((unsigned char)buf[i] != 0xaa)
			break;
	EXPECT_EQ((size_t)IO_LEN, i);
	aclmem_expect_no_bad_refs(self->fd, self->h);

	memset(buf, 0x55, IO_LEN);
	rc = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);

	/* the first page of the mapping, one page only */
	remote.iov_base = self->p;
	remote.iov_len = SZ_4K;
	local.iov_len = SZ_4K;
	rc = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	free(buf);
	expect_untouched(self);
}

/* A child reads and writes the parent's mapping through its pid. */
TEST_F_TIMEOUT(gup, process_vm_rw_child, ACLMEM_1G_TIMEOUT)
{
	struct {
		ssize_t rc_read, rc_write;
		int err_read, err_write;
	} *res;
	int status;
	pid_t pid;

	res = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	aclmem_track_map(res, SZ_4K);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char buf[IO_LEN];
		struct iovec local = { .iov_base = buf, .iov_len = IO_LEN };
		struct iovec remote = { .iov_base = self->mid,
					.iov_len = IO_LEN };
		pid_t parent = getppid();

		/* drop our own copy: only the parent's mapping is left */
		munmap(self->p, self->len);
		errno = 0;
		res->rc_read = process_vm_readv(parent, &local, 1, &remote, 1,
						0);
		res->err_read = errno;
		memset(buf, 0x77, sizeof(buf));
		errno = 0;
		res->rc_write = process_vm_writev(parent, &local, 1, &remote,
						  1, 0);
		res->err_write = errno;
		_exit(0);
	}
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));
	EXPECT_EQ(-1, res->rc_read);
	EXPECT_EQ(EFAULT, res->err_read);
	EXPECT_EQ(-1, res->rc_write);
	EXPECT_EQ(EFAULT, res->err_write);
	expect_untouched(self);
}

TEST_F_TIMEOUT(gup, odirect_ram0, ACLMEM_1G_TIMEOUT)
{
	unsigned char *buf;
	ssize_t rc;
	size_t i;
	int rfd;

	rfd = open("/dev/ram0", O_RDWR | O_DIRECT);
	if (rfd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP(return, "/dev/ram0 is absent (load brd)");
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, posix_memalign((void **)&buf, SZ_4K, IO_LEN));

	/* known data on the disk: 0xc3 at 0, 0x3c at IO_LEN */
	memset(buf, 0xc3, IO_LEN);
	ASSERT_EQ(IO_LEN, pwrite(rfd, buf, IO_LEN, 0));
	memset(buf, 0x3c, IO_LEN);
	ASSERT_EQ(IO_LEN, pwrite(rfd, buf, IO_LEN, IO_LEN));

	/* disk -> mapping */
	rc = pread(rfd, self->mid, IO_LEN, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	aclmem_expect_no_bad_refs(self->fd, self->h);
	rc = pread(rfd, self->p, IO_LEN, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	aclmem_expect_no_bad_refs(self->fd, self->h);

	/* mapping -> disk */
	rc = pwrite(rfd, self->mid, IO_LEN, IO_LEN);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	aclmem_expect_no_bad_refs(self->fd, self->h);

	/* the disk still holds what we put there */
	memset(buf, 0, IO_LEN);
	ASSERT_EQ(IO_LEN, pread(rfd, buf, IO_LEN, IO_LEN));
	for (i = 0; i < IO_LEN; i++)
		if (buf[i] != 0x3c)
			break;
	EXPECT_EQ((size_t)IO_LEN, i);

	free(buf);
	close(rfd);
	expect_untouched(self);
}

/* A shared futex is keyed by its page, found by GUP: EFAULT too. */
TEST_F_TIMEOUT(gup, futex_shared, ACLMEM_1G_TIMEOUT)
{
	uint32_t *uaddr = (uint32_t *)self->mid;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	long rc;

	rc = syscall(SYS_futex, uaddr, FUTEX_WAKE, 1, NULL, NULL, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	rc = syscall(SYS_futex, uaddr, FUTEX_WAIT, *uaddr, &ts, NULL, 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EFAULT, errno);
	expect_untouched(self);
}

TEST_HARNESS_MAIN
