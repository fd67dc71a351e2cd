// SPDX-License-Identifier: GPL-2.0
/*
 * Description: what an unprivileged user (uid/gid 65534, no capabilities,
 * in a child that opened /dev/aclmem as root and dropped privileges, or
 * opened it itself after a chmod 0666) can and cannot do. It imports a
 * token exported with ACLMEM_EXPORT_ANY_PID whoever exported it (root or
 * another user), and a token without it once the token's pid list names
 * it (EACCES before); it cannot add pids to someone else's token (EACCES),
 * and an ANY_PID token has no list even for its exporter (EPERM). With
 * /sys/module/aclmem/parameters/user_limit_mb set (and RLIMIT_MEMLOCK
 * unlimited), a user without capabilities holds at most that much: the
 * next ALLOC gets ENOMEM (the process lives on), FREE or the last munmap
 * makes room, an import is not charged, and root (CAP_SYS_ADMIN) is not
 * limited. Pinned memory is charged as the kernel charges other long-term
 * pins (io_uring, RDMA, VFIO): a process without CAP_IPC_LOCK (after
 * opening /dev/aclmem as root) under RLIMIT_MEMLOCK of 4 x 2 MiB gets 4
 * handles of 2 MiB, and the next ALLOC is ENOMEM (one of 1 GiB too) and
 * the process lives on; FREE gives the charge back; its VmPin
 * (mm->pinned_vm) counts what it allocated. The charge is its user's
 * (user_struct locked_vm): while a dma-buf fd of one of its handles
 * outlives the process, another process of the same user under the same
 * limit gets one handle fewer, and all 4 again once that fd is closed;
 * two processes of the user at once share the 4 (and the user_limit_mb of
 * their uid likewise), the second getting what the first leaves. A
 * process with CAP_IPC_LOCK and no other capability (not CAP_SYS_ADMIN)
 * is not held to RLIMIT_MEMLOCK, but user_limit_mb caps it; root is capped
 * by neither. A new allocation never shows what
 * another process left in the pool's pages: root fills them, frees them,
 * the unprivileged user gets the same pages zeroed.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include "aclmem_utils.h"
#include "common/agent.h"

#define NOBODY		65534
#define NOBODY2		65533
/* A uid no other test uses: nothing else is charged to it. */
#define NOBODY3		65530
/* 2 MiB handles RLIMIT_MEMLOCK leaves room for in the memlock tests */
#define NR		4
#define LIMIT_PATH	"/sys/module/aclmem/parameters/user_limit_mb"

/* What a child reports when one of its checks fails. */
struct kid_report {
	int line;
	int err;
	__u32 tgid;
	__u64 token;
};

static struct kid_report *report;

/* In a child: record the line and errno of a failed check, and fail. */
#define KID_CHECK(cond) do {						\
	if (!(cond)) {							\
		report->line = __LINE__;				\
		report->err = errno;					\
		return 1;						\
	}								\
} while (0)

/* rc is 0 or -errno, as the _aclmem_*() wrappers return. */
#define KID_ERRNO(_errno, rc) do {					\
	int __rc = (rc);						\
	if (__rc != -(_errno)) {					\
		report->line = __LINE__;				\
		report->err = -__rc;					\
		return 1;						\
	}								\
} while (0)

/* Become @uid:@uid with no supplementary groups and no capabilities. */
static int drop_to(uid_t uid)
{
	char status[4096], *cap;

	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	if (getuid() != uid || geteuid() != uid || getegid() != uid)
		return -1;
	/* the uid change dropped every capability: check it */
	if (aclmem_read_file("/proc/self/status", status, sizeof(status)))
		return -1;
	cap = strstr(status, "CapEff:");
	if (!cap || strtoull(cap + 7, NULL, 16) != 0)
		return -1;
	return 0;
}

static __u32 my_tgid(int fd)
{
	struct aclmem_info info;

	return _aclmem_info(fd, 0, &info) ? 0 : info.out_tgid;
}

static int _export(int fd, __u32 h, __u32 flags, __u64 *token)
{
	struct aclmem_export cmd = { .handle = h, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT, &cmd);

	if (!rc)
		*token = cmd.out_token;
	return rc;
}

static int _set_pids(int fd, __u64 token, __u32 pid)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)&pid,
		.nr_pids = 1,
	};

	return _aclmem_ioctl(fd, ACLMEM_IOC_SET_PIDS, &cmd);
}

static int _import(int fd, __u64 token, struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = token };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

/* Imports @token into @fd and checks it holds @len bytes of @seed. */
static int import_and_check(int fd, __u64 token, size_t len, __u64 seed)
{
	struct aclmem_import imp;
	void *p;
	int rc;

	rc = _import(fd, token, &imp);
	if (rc)
		return rc;
	if (imp.out_size != len)
		return -EBADMSG;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)imp.out_offset);
	if (p == MAP_FAILED)
		return -errno;
	rc = aclmem_check(p, len, seed) == -1 ? 0 : -EBADMSG;
	munmap(p, len);
	_aclmem_free(fd, imp.out_handle);
	return rc;
}

FIXTURE(priv) {
	int fd;
	struct aclmem_info base;
	int p2c[2];
	int c2p[2];
	char limit[32];
	bool limit_set;
	mode_t dev_mode;
	bool dev_chmod;
};

FIXTURE_SETUP(priv)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	ASSERT_EQ(0, pipe2(self->p2c, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->c2p, O_CLOEXEC));
	report = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, report);
}

FIXTURE_TEARDOWN(priv)
{
	int i;

	if (self->limit_set) {
		EXPECT_EQ(0, aclmem_write_file(LIMIT_PATH, self->limit));
	}
	if (self->dev_chmod) {
		EXPECT_EQ(0, chmod(ACLMEM_DEV_PATH, self->dev_mode));
	}
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
	for (i = 0; i < 2; i++) {
		if (self->p2c[i] >= 0)
			close(self->p2c[i]);
		if (self->c2p[i] >= 0)
			close(self->c2p[i]);
	}
	munmap(report, SZ_4K);
}

/*
 * After the fork of the one child that talks through the pipes: the
 * parent keeps only its ends, so that a child that dies is seen as EOF.
 */
static void keep_parent_ends(FIXTURE_DATA(priv) *self)
{
	close(self->p2c[0]);
	close(self->c2p[1]);
	self->p2c[0] = -1;
	self->c2p[1] = -1;
}

/* Set user_limit_mb, remembering the old value for the teardown. */
#define set_limit(self, text) do {					\
	if (!(self)->limit_set) {					\
		ASSERT_EQ(0, aclmem_read_line(LIMIT_PATH, (self)->limit,	\
				       sizeof((self)->limit)));	\
		(self)->limit_set = true;				\
	}								\
	ASSERT_EQ(0, aclmem_write_file(LIMIT_PATH, text));			\
} while (0)

/* Reap @pid and require that it returned 0, or say where it failed. */
#define expect_kid_ok(pid) do {						\
	int __code = aclmem_exit_code(aclmem_reap(pid));		\
	EXPECT_EQ(0, __code) {						\
		TH_LOG("child failed at line %d: %s (exit %d)",		\
		       report->line, strerror(report->err), __code);	\
	}								\
} while (0)

static int kid_wait(int rfd, char want)
{
	char c;

	return aclmem_pipe_recv(rfd, &c) || c != want ? -1 : 0;
}

/*
 * Child of whitelist: as nobody, imports root's ANY_PID token at once, the
 * other only after root names it; can extend neither list.
 */
static int kid_whitelist(int fd, int rfd, int wfd, __u64 t_any, __u64 t_list,
			 size_t len)
{
	__u32 tgid;

	KID_CHECK(drop_to(NOBODY) == 0);
	tgid = my_tgid(fd);
	KID_CHECK(tgid == (__u32)getpid());
	KID_ERRNO(0, import_and_check(fd, t_any, len, 1));
	KID_ERRNO(EACCES, _import(fd, t_list, NULL));
	KID_ERRNO(EACCES, _set_pids(fd, t_any, tgid));
	KID_ERRNO(EACCES, _set_pids(fd, t_list, tgid));
	KID_ERRNO(ENOENT, _import(fd, t_any ^ 1, NULL));
	KID_CHECK(aclmem_nr_handles(fd) == 0);

	report->tgid = tgid;
	KID_CHECK(aclmem_pipe_send(wfd, 't') == 0);
	KID_CHECK(kid_wait(rfd, 'w') == 0);

	KID_ERRNO(0, import_and_check(fd, t_list, len, 2));
	KID_ERRNO(0, import_and_check(fd, t_any, len, 1));
	KID_CHECK(aclmem_nr_handles(fd) == 0);
	KID_CHECK(aclmem_pipe_send(wfd, 'd') == 0);
	KID_CHECK(kid_wait(rfd, 'x') == 0);
	/* root freed the handle behind t_any: the token is gone */
	KID_ERRNO(ENOENT, _import(fd, t_any, NULL));
	return 0;
}

/* Child of whitelist: another nobody, never named; ANY_PID admits it. */
static int kid_not_listed(int fd, __u64 t_any, __u64 t_list, size_t len)
{
	KID_CHECK(drop_to(NOBODY) == 0);
	KID_ERRNO(0, import_and_check(fd, t_any, len, 1));
	KID_ERRNO(EACCES, _import(fd, t_list, NULL));
	return 0;
}

TEST_F(priv, whitelist)
{
	const size_t len = SZ_2M;
	__u32 h_any = 0, h_list = 0;
	__u64 off_any = 0, off_list = 0, t_any = 0, t_list = 0;
	char *p_any = NULL, *p_list = NULL;
	pid_t pid, other;
	int kfd;
	char c = 0;

	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h_any, &off_any);
	aclmem_alloc(self->fd, len, SZ_2M, ACLMEM_NODE_ANY, &h_list,
		     &off_list);
	aclmem_mmap(self->fd, len, off_any, &p_any);
	aclmem_mmap(self->fd, len, off_list, &p_list);
	aclmem_fill(p_any, len, 1);
	aclmem_fill(p_list, len, 2);
	ASSERT_EQ(0, _export(self->fd, h_any, ACLMEM_EXPORT_ANY_PID, &t_any));
	ASSERT_EQ(0, _export(self->fd, h_list, 0, &t_list));

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_whitelist(kfd, self->p2c[0],
						  self->c2p[1], t_any, t_list,
						  len));
	}
	keep_parent_ends(self);
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		expect_kid_ok(pid);
	}
	ASSERT_EQ('t', c);
	ASSERT_EQ((__u32)pid, report->tgid);

	/* an ANY_PID token has no list, even for its exporter */
	ASSERT_EQ(-EPERM, _set_pids(self->fd, t_any, report->tgid));
	ASSERT_EQ(0, _set_pids(self->fd, t_list, report->tgid));
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'w'));
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		expect_kid_ok(pid);
	}
	ASSERT_EQ('d', c);

	/* naming one nobody process admits no other */
	other = aclmem_fork();
	ASSERT_LE(0, other);
	if (other == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_not_listed(kfd, t_any, t_list, len));
	}
	expect_kid_ok(other);

	aclmem_munmap(p_any, len);
	aclmem_free(self->fd, h_any);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	expect_kid_ok(pid);

	aclmem_munmap(p_list, len);
	aclmem_free(self->fd, h_list);
}

/*
 * Child of any_pid: as nobody, exports a handle with ANY_PID, which it may
 * import itself but not give a list; waits.
 */
static int kid_any_pid_exporter(int fd, int rfd, int wfd, size_t len)
{
	__u32 h = 0;
	__u64 off = 0, token = 0;
	void *p;

	KID_CHECK(drop_to(NOBODY) == 0);
	KID_ERRNO(0, _aclmem_alloc(fd, len, SZ_2M, ACLMEM_NODE_ANY, &h, &off));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	KID_CHECK(p != MAP_FAILED);
	aclmem_fill(p, len, 3);
	KID_ERRNO(0, _export(fd, h, ACLMEM_EXPORT_ANY_PID, &token));
	/* a second export of the same handle */
	KID_ERRNO(EEXIST, _export(fd, h, 0, &token));
	KID_ERRNO(EPERM, _set_pids(fd, token, my_tgid(fd)));
	KID_ERRNO(0, import_and_check(fd, token, len, 3));
	report->token = token;
	KID_CHECK(aclmem_pipe_send(wfd, 'e') == 0);
	KID_CHECK(kid_wait(rfd, 'x') == 0);
	/* the importers wrote to it */
	KID_CHECK(aclmem_check(p, len, 5) == -1);
	return 0;
}

/*
 * Child of any_pid: as @uid, imports @token, finds @seed's pattern and
 * writes @seed + 1's.
 */
static int kid_any_pid_importer(int fd, uid_t uid, __u64 token, size_t len,
				__u64 seed)
{
	struct aclmem_import imp;
	void *p;

	KID_CHECK(drop_to(uid) == 0);
	KID_ERRNO(0, _import(fd, token, &imp));
	KID_CHECK(imp.out_size == len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)imp.out_offset);
	KID_CHECK(p != MAP_FAILED);
	KID_CHECK(aclmem_check(p, len, seed) == -1);
	aclmem_fill(p, len, seed + 1);
	/* an imported handle cannot be exported again */
	KID_ERRNO(EPERM, _export(fd, imp.out_handle, ACLMEM_EXPORT_ANY_PID,
				 &token));
	return 0;
}

/* Runs kid_any_pid_importer() in a child and reaps it. */
#define any_pid_import_as(uid, token, len, seed) do {			\
	pid_t __pid = aclmem_fork();					\
	int __kfd;							\
									\
	ASSERT_LE(0, __pid);						\
	if (__pid == 0) {						\
		__kfd = aclmem_open();					\
		_exit(__kfd < 0 ? 2 : kid_any_pid_importer(__kfd, uid,	\
							  token, len,	\
							  seed));	\
	}								\
	expect_kid_ok(__pid);						\
} while (0)

/*
 * ANY_PID admits any process: of another unprivileged user, root, of the
 * exporter's user, and the exporter itself.
 */
TEST_F(priv, any_pid)
{
	const size_t len = SZ_2M;
	pid_t exporter;
	__u64 token;
	int kfd;
	char c = 0;

	exporter = aclmem_fork();
	ASSERT_LE(0, exporter);
	if (exporter == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_any_pid_exporter(kfd, self->p2c[0],
							 self->c2p[1], len));
	}
	keep_parent_ends(self);
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		expect_kid_ok(exporter);
	}
	ASSERT_EQ('e', c);
	token = report->token;

	/* another user: imports, and writes */
	any_pid_import_as(NOBODY2, token, len, 3);
	/* root */
	ASSERT_EQ(0, import_and_check(self->fd, token, len, 4));
	/* nor may root, not the exporter, set pids (no list, anyway) */
	ASSERT_EQ(-EACCES, _set_pids(self->fd, token, (__u32)getpid()));
	/* the same user */
	any_pid_import_as(NOBODY, token, len, 4);

	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	expect_kid_ok(exporter);
	/* the exporter is gone, and with it the token */
	ASSERT_EQ(-ENOENT, _import(self->fd, token, NULL));
}

/*
 * Child of user_limit: as nobody under an 8 MiB limit, allocates 2 MiB
 * handles until the limit, and checks what makes room and what does not.
 */
static int kid_limited(int fd, __u64 root_token, int rfd, int wfd)
{
	__u32 h[4], extra = 0;
	__u64 off[4];
	struct aclmem_import imp;
	void *p;
	int i;

	KID_CHECK(drop_to(NOBODY) == 0);
	for (i = 0; i < 4; i++)
		KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					   &h[i], &off[i]));
	/* the 5th, one larger than what is left, a 1 GiB page: ENOMEM */
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, 5 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_CHECK(aclmem_nr_handles(fd) == 4);

	/* FREE makes room */
	KID_ERRNO(0, _aclmem_free(fd, h[3]));
	KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[3],
				   &off[3]));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));

	/* a FREEd handle that is still mapped still counts */
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)off[0]);
	KID_CHECK(p != MAP_FAILED);
	aclmem_fill(p, SZ_2M, 5);
	KID_ERRNO(0, _aclmem_free(fd, h[0]));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_CHECK(aclmem_check(p, SZ_2M, 5) == -1);
	KID_CHECK(munmap(p, SZ_2M) == 0);
	KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[0],
				   &off[0]));

	/* an import is charged to the allocating user, not to us */
	report->tgid = my_tgid(fd);
	KID_CHECK(aclmem_pipe_send(wfd, 't') == 0);
	KID_CHECK(kid_wait(rfd, 'w') == 0);
	KID_ERRNO(0, _import(fd, root_token, &imp));
	KID_CHECK(aclmem_nr_handles(fd) == 5);
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	/* and we are alive to tell: not an OOM kill */
	return 0;
}

/* Child of user_limit: a later nobody process has the whole limit again. */
static int kid_limit_again(int fd)
{
	__u32 h;
	int i;

	KID_CHECK(drop_to(NOBODY) == 0);
	for (i = 0; i < 4; i++)
		KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
					   NULL));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
					NULL));
	return 0;
}

TEST_F(priv, user_limit)
{
	const __u64 base = self->base.out_pools[ACLMEM_POOL_2M].in_use;
	__u32 rh = 0, h[6];
	__u64 roff = 0, token = 0;
	pid_t pid;
	int kfd, i;
	char c = 0;

	set_limit(self, "8");
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &rh, &roff);
	ASSERT_EQ(0, _export(self->fd, rh, 0, &token));

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_limited(kfd, token, self->p2c[0],
						self->c2p[1]));
	}
	keep_parent_ends(self);
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		expect_kid_ok(pid);
	}
	ASSERT_EQ('t', c);
	ASSERT_EQ(0, _set_pids(self->fd, token, report->tgid));
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'w'));
	expect_kid_ok(pid);
	/* its file closed with it: every page it held is back */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_limit_again(kfd));
	}
	expect_kid_ok(pid);

	/* root has CAP_SYS_ADMIN: no limit */
	for (i = 0; i < 6; i++)
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
			     NULL);
	for (i = 0; i < 6; i++)
		aclmem_free(self->fd, h[i]);
	aclmem_free(self->fd, rh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Child of no_stale_data: as nobody, @n pages of @ps, all zero. */
static int kid_gets_zeros(int fd, __u64 ps, unsigned int n, __u64 seed)
{
	size_t len = ps * n;
	__u32 h = 0;
	__u64 off = 0;
	void *p;

	KID_CHECK(drop_to(NOBODY) == 0);
	KID_ERRNO(0, _aclmem_alloc(fd, len, ps, ACLMEM_NODE_ANY, &h, &off));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	KID_CHECK(p != MAP_FAILED);
	KID_CHECK(aclmem_check_zero(p, len, seed) == -1);
	KID_CHECK(munmap(p, len) == 0);
	KID_ERRNO(0, _aclmem_free(fd, h));
	return 0;
}

FIXTURE(stale) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_VARIANT(stale) {
	__u64 page_size;
};

FIXTURE_VARIANT_ADD(stale, page_2m) {
	.page_size = SZ_2M,
};

FIXTURE_VARIANT_ADD(stale, page_1g) {
	.page_size = SZ_1G,
};

FIXTURE_SETUP(stale)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	report = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, report);
}

FIXTURE_TEARDOWN(stale)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
	munmap(report, SZ_4K);
}

/*
 * Root fills every free page of the pool and frees them (they stay in
 * the pool); nobody then allocates as many and sees zeros only.
 */
TEST_F_TIMEOUT(stale, no_stale_data, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size, seed = 0x5ec12e7;
	struct aclmem_pool_stats st0, st1;
	unsigned int n;
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL;
	pid_t pid;
	int kfd;

	aclmem_pool(self->fd, ps, &st0);
	if (!st0.free)
		SKIP(return, "no free %s page in the pool",
		     aclmem_ps_name(ps));
	n = ps == SZ_1G ? 1 : st0.free;
	aclmem_alloc(self->fd, ps * n, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, ps * n, off, &p);
	aclmem_fill(p, ps * n, seed);
	aclmem_munmap(p, ps * n);
	aclmem_free(self->fd, h);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		kfd = aclmem_open();
		_exit(kfd < 0 ? 2 : kid_gets_zeros(kfd, ps, n, seed));
	}
	expect_kid_ok(pid);
	/* the same pages: none was taken from the kernel for the child */
	aclmem_pool(self->fd, ps, &st1);
	EXPECT_EQ(st0.grown, st1.grown);
	EXPECT_EQ(st0.in_use, st1.in_use);
}

/* Child of open_after_chmod: opens /dev/aclmem as nobody. */
static int kid_opens(int want_err)
{
	__u32 h = 0;
	int fd;

	KID_CHECK(drop_to(NOBODY) == 0);
	fd = aclmem_open();
	if (want_err) {
		KID_CHECK(fd < 0 && errno == want_err);
		return 0;
	}
	KID_CHECK(fd >= 0);
	KID_CHECK(my_tgid(fd) == (__u32)getpid());
	KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
				   NULL));
	KID_ERRNO(0, _aclmem_free(fd, h));
	close(fd);
	return 0;
}

/* The device node's mode decides who opens it; the rest is the same. */
TEST_F(priv, open_after_chmod)
{
	struct stat st;
	pid_t pid;

	ASSERT_EQ(0, stat(ACLMEM_DEV_PATH, &st));
	TH_LOG("%s: mode %04o, uid %u", ACLMEM_DEV_PATH, st.st_mode & 07777,
	       st.st_uid);
	self->dev_mode = st.st_mode & 07777;
	if (!(st.st_mode & S_IROTH) && !(st.st_mode & S_IWOTH)) {
		pid = aclmem_fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(kid_opens(EACCES));
		expect_kid_ok(pid);
	}

	self->dev_chmod = true;
	ASSERT_EQ(0, chmod(ACLMEM_DEV_PATH, 0666));
	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_opens(0));
	expect_kid_ok(pid);
}

/* ------------------------------------------------------------------ */
/* RLIMIT_MEMLOCK, pinned_vm, CAP_IPC_LOCK                            */
/* ------------------------------------------------------------------ */

/* Set RLIMIT_MEMLOCK (soft and hard) to @bytes; as root, before dropping. */
static int set_memlock(rlim_t bytes)
{
	struct rlimit rl = { .rlim_cur = bytes, .rlim_max = bytes };

	return setrlimit(RLIMIT_MEMLOCK, &rl);
}

/* Effective capabilities, from /proc/self/status. */
static unsigned long long cap_eff(void)
{
	char status[4096], *cap;

	if (aclmem_read_file("/proc/self/status", status, sizeof(status)))
		return ~0ULL;
	cap = strstr(status, "CapEff:");
	return cap ? strtoull(cap + 7, NULL, 16) : ~0ULL;
}

/*
 * Become NOBODY3 with no supplementary groups and no capability but,
 * if @ipc_lock, CAP_IPC_LOCK.
 */
static int drop_to_memlock(bool ipc_lock)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (ipc_lock && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -1;
	if (setgroups(0, NULL) || setresgid(NOBODY3, NOBODY3,
					    NOBODY3) ||
	    setresuid(NOBODY3, NOBODY3, NOBODY3))
		return -1;
	if (ipc_lock) {
		data[0].effective = 1U << CAP_IPC_LOCK;
		data[0].permitted = 1U << CAP_IPC_LOCK;
		if (syscall(SYS_capset, &hdr, data))
			return -1;
	}
	return cap_eff() == (ipc_lock ? 1ULL << CAP_IPC_LOCK : 0) ? 0 : -1;
}

/* VmPin of this process, in KiB, or -1. */
static long vm_pin_kb(void)
{
	char status[4096], *p;

	if (aclmem_read_file("/proc/self/status", status, sizeof(status)))
		return -1;
	p = strstr(status, "VmPin:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

/* Allocate 2 MiB handles until ENOMEM (at most @max); how many, or -1. */
static int alloc_until_full(int fd, __u32 *h, int max)
{
	int n, rc;

	for (n = 0; n < max; n++) {
		rc = _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[n],
				   NULL);
		if (rc == -ENOMEM)
			return n;
		if (rc)
			return -1;
	}
	return n;
}

/* Child: NR handles fit under the limit, the next does not, FREE helps. */
static int kid_memlock(void)
{
	__u32 h[NR + 1], extra;
	__u64 off;
	void *p;
	int fd;

	KID_CHECK(set_memlock(NR * SZ_2M) == 0);
	fd = aclmem_open();
	KID_CHECK(fd >= 0);
	KID_CHECK(drop_to_memlock(false) == 0);
	KID_CHECK(vm_pin_kb() == 0);
	KID_CHECK(alloc_until_full(fd, h, NR + 1) == NR);
	KID_CHECK(vm_pin_kb() == NR * 2048);
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	KID_CHECK(aclmem_nr_handles(fd) == NR);

	/* FREE gives the charge back */
	KID_ERRNO(0, _aclmem_free(fd, h[0]));
	KID_CHECK(vm_pin_kb() == (NR - 1) * 2048);
	KID_ERRNO(0, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[0],
				   &off));
	KID_ERRNO(ENOMEM, _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY,
					&extra, NULL));
	/* the memory works, and is zero */
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)off);
	KID_CHECK(p != MAP_FAILED);
	KID_CHECK(aclmem_check_zero(p, SZ_2M, 0) == -1);
	KID_CHECK(munmap(p, SZ_2M) == 0);
	return 0;
}

TEST_F(priv, memlock_rlimit)
{
	const __u64 base = self->base.out_pools[ACLMEM_POOL_2M].in_use;
	pid_t pid = aclmem_fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_memlock());
	expect_kid_ok(pid);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * Child: as many 2 MiB handles fit under the limit as @want says; if @sock
 * is not -1, sends a dma-buf fd of the first over it before exiting.
 */
static int kid_fits(int want, int sock)
{
	struct aclmem_export_fd ex = { 0 };
	__u32 h[NR + 1];
	char c = 'f';
	int fd;

	fd = aclmem_open();
	KID_CHECK(fd >= 0);
	KID_CHECK(set_memlock(NR * SZ_2M) == 0);
	KID_CHECK(drop_to_memlock(false) == 0);
	KID_CHECK(alloc_until_full(fd, h, NR + 1) == want);
	if (sock < 0)
		return 0;
	ex.handle = h[0];
	KID_ERRNO(0, _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT_FD, &ex));
	KID_CHECK(test_agent_send(sock, &c, 1, ex.out_fd) == 0);
	return 0;
}

#define run_kid(expr) do {						\
	pid_t __pid = aclmem_fork();					\
									\
	ASSERT_LE(0, __pid);						\
	if (__pid == 0)							\
		_exit(expr);						\
	expect_kid_ok(__pid);						\
} while (0)

/* The charge lives as long as the pages, after the allocator's exit. */
TEST_F(priv, memlock_outlives_process)
{
	const __u64 base = self->base.out_pools[ACLMEM_POOL_2M].in_use;
	int sv[2], dfd = -1;
	char c = 0;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	run_kid(kid_fits(NR, sv[1]));
	ASSERT_EQ(0, test_agent_recv(sv[0], &c, 1, &dfd));
	ASSERT_LE(0, dfd);
	close(sv[0]);
	close(sv[1]);
	/* the exporter is gone; its dma-buf holds one page, charged to it */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	run_kid(kid_fits(NR - 1, -1));
	ASSERT_EQ(0, close(dfd));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	run_kid(kid_fits(NR, -1));
}

/* Child: with CAP_IPC_LOCK alone, past RLIMIT_MEMLOCK up to @want. */
static int kid_ipc_lock(int want, int max)
{
	__u32 h[16];
	int fd;

	KID_CHECK(set_memlock(SZ_2M) == 0);
	fd = aclmem_open();
	KID_CHECK(fd >= 0);
	KID_CHECK(drop_to_memlock(true) == 0);
	KID_CHECK(alloc_until_full(fd, h, max) == want);
	/* pinned_vm counts it all the same */
	KID_CHECK(vm_pin_kb() == want * 2048);
	return 0;
}

/*
 * CAP_IPC_LOCK lifts RLIMIT_MEMLOCK; user_limit_mb binds it still, and
 * only CAP_SYS_ADMIN (root) goes past that.
 */
TEST_F(priv, memlock_cap_ipc_lock)
{
	const __u64 base = self->base.out_pools[ACLMEM_POOL_2M].in_use;
	__u32 h[NR + 2];
	int i;

	run_kid(kid_ipc_lock(NR + 2, NR + 2));
	aclmem_expect_in_use(self->fd, SZ_2M, base);

	set_limit(self, "8");
	run_kid(kid_ipc_lock(NR, NR + 2));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	/* root: CAP_SYS_ADMIN, neither limit */
	ASSERT_EQ(0, set_memlock(SZ_2M));
	for (i = 0; i < NR + 2; i++)
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
			     NULL);
	for (i = 0; i < NR + 2; i++)
		aclmem_free(self->fd, h[i]);
	ASSERT_EQ(0, set_memlock(RLIM_INFINITY));
}

/* 2 MiB handles the first of two concurrent processes of one user holds */
#define HELD		3

/*
 * Child of the shared-charge tests: NOBODY3 under RLIMIT_MEMLOCK of NR
 * pages, or with CAP_IPC_LOCK (@ipc_lock: then only user_limit_mb binds).
 * Allocates @first handles (all that fit up to that), says 'h' on @wfd,
 * and waits for 'g' on @rfd; then allocates until refused: @then more.
 */
static int kid_share_charge(bool ipc_lock, int first, int then, int rfd,
			    int wfd)
{
	__u32 h[2 * NR + 2];
	int fd, n;

	KID_CHECK(set_memlock(ipc_lock ? SZ_2M : NR * SZ_2M) == 0);
	fd = aclmem_open();
	KID_CHECK(fd >= 0);
	KID_CHECK(drop_to_memlock(ipc_lock) == 0);
	n = alloc_until_full(fd, h, first);
	KID_CHECK(n == first);
	if (wfd >= 0) {
		KID_CHECK(aclmem_pipe_send(wfd, 'h') == 0);
		KID_CHECK(kid_wait(rfd, 'g') == 0);
	}
	KID_CHECK(alloc_until_full(fd, h + n, NR + 2) == then);
	return 0;
}

/*
 * Two processes of one user at once share the user's charge: the first
 * holds HELD handles, the second, while it does, gets only what is left
 * of the limit (NR - HELD); once it has exited, the first gets that too.
 */
static void expect_shared_charge(struct __test_metadata *_metadata,
				 FIXTURE_DATA(priv) *self, bool ipc_lock)
{
	const __u64 base = self->base.out_pools[ACLMEM_POOL_2M].in_use;
	pid_t holder;
	char c = 0;

	holder = aclmem_fork();
	ASSERT_LE(0, holder);
	if (holder == 0)
		_exit(kid_share_charge(ipc_lock, HELD, NR - HELD,
				       self->p2c[0], self->c2p[1]));
	keep_parent_ends(self);
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		expect_kid_ok(holder);
	}
	ASSERT_EQ('h', c);
	aclmem_expect_in_use(self->fd, SZ_2M, base + HELD);
	/* the holder still holds HELD: the rest of the limit only */
	run_kid(kid_share_charge(ipc_lock, NR - HELD, 0, -1, -1));
	aclmem_expect_in_use(self->fd, SZ_2M, base + HELD);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'g'));
	expect_kid_ok(holder);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* RLIMIT_MEMLOCK binds the user's locked_vm, not each process's own. */
TEST_F(priv, memlock_shared_by_user)
{
	expect_shared_charge(_metadata, self, false);
}

/* user_limit_mb binds the uid across its processes (CAP_IPC_LOCK ones). */
TEST_F(priv, user_limit_shared_by_user)
{
	set_limit(self, "8");	/* NR pages */
	expect_shared_charge(_metadata, self, true);
}

TEST_HARNESS_MAIN
