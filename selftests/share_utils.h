/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: helpers of the sharing selftests (share_*_test.c).
 *
 * - wrappers of EXPORT, SET_PIDS, IMPORT, EXPORT_FD and IMPORT_FD that
 *   return 0 or -errno;
 * - an agent: a separate process (fork + exec of this very binary, so a
 *   new thread group with nothing of ours), optionally running as another
 *   user, that opens /dev/aclmem itself (before it drops root: the device
 *   is 0600) and runs aclmem calls on request. The test drives it step by
 *   step over a SOCK_SEQPACKET unix socket, which also carries file
 *   descriptors (SCM_RIGHTS) in both directions. Requests answer 0 or
 *   -errno, or SHARE_AGENT_DEAD when the agent is gone;
 * - /proc/PID/fdinfo/FD of a dma-buf.
 *
 * A test file using the agent ends with SHARE_TEST_MAIN instead of
 * TEST_HARNESS_MAIN: its main() serves as the agent when called with
 * SHARE_AGENT_ARG, and runs the harness otherwise.
 */
#ifndef __SELFTESTS_SHARE_UTILS_H
#define __SELFTESTS_SHARE_UTILS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "aclmem_utils.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

/* The user of the "other user" agents (nobody). */
#define SHARE_OTHER_UID		65534

/* argv[1] of an agent. */
#define SHARE_AGENT_ARG		"--share-agent"

/* A request's answer when the agent is gone (no errno is this). */
#define SHARE_AGENT_DEAD	(-100000)

/* ------------------------------------------------------------------ */
/* ioctl wrappers: 0 or -errno                                        */
/* ------------------------------------------------------------------ */

static inline int _share_export(int fd, __u32 handle, __u32 flags,
				__u64 *token)
{
	struct aclmem_export cmd = { .handle = handle, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT, &cmd);

	if (!rc && token)
		*token = cmd.out_token;
	return rc;
}

static inline int _share_set_pids(int fd, __u64 token, const __u32 *pids,
				  __u32 nr)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)pids,
		.nr_pids = nr,
	};

	return _aclmem_ioctl(fd, ACLMEM_IOC_SET_PIDS, &cmd);
}

static inline int _share_import(int fd, __u64 token, struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = token };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

static inline int _share_import_fd(int fd, __u64 dmabuf_fd,
				   struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = dmabuf_fd };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT_FD, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

static inline int _share_export_fd(int fd, __u32 handle, __u32 flags,
				   int *out_fd)
{
	struct aclmem_export_fd cmd = { .handle = handle, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT_FD, &cmd);

	if (!rc && out_fd)
		*out_fd = cmd.out_fd;
	return rc;
}

/* An IMPORT that must fail with exactly @_errno (a success is undone). */
#define share_import_err(_errno, fd, token) do {			\
	struct aclmem_import __imp;					\
	int __rc = _share_import(fd, token, &__imp);			\
	if (!__rc)							\
		_aclmem_free(fd, __imp.out_handle);			\
	ACLMEM_EXPECT_ERRNO(_errno, __rc);				\
} while (0)

#define share_import_fd_err(_errno, fd, dmabuf_fd) do {			\
	struct aclmem_import __imp;					\
	int __rc = _share_import_fd(fd, dmabuf_fd, &__imp);		\
	if (!__rc)							\
		_aclmem_free(fd, __imp.out_handle);			\
	ACLMEM_EXPECT_ERRNO(_errno, __rc);				\
} while (0)

/* ------------------------------------------------------------------ */
/* Messages with an optional file descriptor                          */
/* ------------------------------------------------------------------ */

/* Sends @len bytes and, if @fd >= 0, @fd with them. 0 or -1. */
static inline int share_send(int sock, const void *msg, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Receives one message of exactly @len bytes; *fd is the descriptor that
 * came with it (close-on-exec) or -1. 0, or -1 on EOF or error.
 */
static inline int share_recv(int sock, void *msg, size_t len, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int got = -1;
	ssize_t n;

	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_RIGHTS)
				memcpy(&got, CMSG_DATA(c), sizeof(int));
	}
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	return n == (ssize_t)len ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The agent                                                          */
/* ------------------------------------------------------------------ */

enum share_op {
	AG_INFO = 1,	/* -> tgid, handles, euid, getpid() */
	AG_ALLOC,	/* size, page_size -> handle, offset */
	AG_FREE,	/* handle */
	AG_EXPORT,	/* handle, flags -> token */
	AG_SET_PIDS,	/* token, pid */
	AG_IMPORT,	/* token -> handle, offset, size, page_size */
	AG_IMPORT_FD,	/* fd -> handle, offset, size, page_size */
	AG_EXPORT_FD,	/* handle, flags -> fd */
	AG_MMAP,	/* fd (-1: /dev/aclmem), offset, len -> address */
	AG_MUNMAP,	/* address, len */
	AG_FILL,	/* address, len, seed, base */
	AG_CHECK,	/* address, len, seed, base -> bad offset, word */
	AG_RECV_FD,	/* (a descriptor comes along) -> its number */
	AG_SEND_FD,	/* fd: the answer carries it */
	AG_PIDFD_GETFD,	/* pid, fd -> fd */
	AG_CLOSE,	/* fd */
	AG_QUERY,	/* handle -> size, page_size, mappings */
};

struct share_req {
	__u32 op;
	__u32 reserved;
	__u64 a[4];
};

struct share_rsp {
	__s64 rc;
	__u64 v[4];
};

static inline int share_agent_mmap(int fd, __u64 off, __u64 len, __u64 *addr)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = (uintptr_t)p;
	return 0;
}

/* One request, in the agent; @dev is its /dev/aclmem, @in the fd that came. */
static inline void share_agent_serve(int dev, const struct share_req *r,
				     int in, struct share_rsp *a, int *out)
{
	struct aclmem_import imp;
	struct aclmem_query q;
	struct aclmem_info info;
	__u32 h = 0, pid;
	int fd, rc;

	switch (r->op) {
	case AG_INFO:
		memset(&info, 0, sizeof(info));
		rc = _aclmem_info(dev, 0, &info);
		a->v[0] = info.out_tgid;
		a->v[1] = info.out_handles;
		a->v[2] = geteuid();
		a->v[3] = (__u64)getpid();
		break;
	case AG_ALLOC:
		rc = _aclmem_alloc(dev, r->a[0], r->a[1], ACLMEM_NODE_ANY, &h,
				   &a->v[1]);
		a->v[0] = h;
		break;
	case AG_FREE:
		rc = _aclmem_free(dev, (__u32)r->a[0]);
		break;
	case AG_EXPORT:
		rc = _share_export(dev, (__u32)r->a[0], (__u32)r->a[1],
				   &a->v[0]);
		break;
	case AG_SET_PIDS:
		pid = (__u32)r->a[1];
		rc = _share_set_pids(dev, r->a[0], &pid, 1);
		break;
	case AG_IMPORT:
	case AG_IMPORT_FD:
		if (r->op == AG_IMPORT)
			rc = _share_import(dev, r->a[0], &imp);
		else
			rc = _share_import_fd(dev, r->a[0], &imp);
		if (!rc) {
			a->v[0] = imp.out_handle;
			a->v[1] = imp.out_offset;
			a->v[2] = imp.out_size;
			a->v[3] = imp.out_page_size;
		}
		break;
	case AG_EXPORT_FD:
		rc = _share_export_fd(dev, (__u32)r->a[0], (__u32)r->a[1], &fd);
		a->v[0] = rc ? (__u64)-1 : (__u64)fd;
		break;
	case AG_MMAP:
		fd = (int)r->a[0] < 0 ? dev : (int)r->a[0];
		rc = share_agent_mmap(fd, r->a[1], r->a[2], &a->v[0]);
		break;
	case AG_MUNMAP:
		rc = munmap((void *)(uintptr_t)r->a[0], r->a[1]) ? -errno : 0;
		break;
	case AG_FILL:
		aclmem_fill_at((void *)(uintptr_t)r->a[0], r->a[1], r->a[2],
			       r->a[3]);
		rc = 0;
		break;
	case AG_CHECK: {
		long bad = aclmem_check_at((void *)(uintptr_t)r->a[0], r->a[1],
					   r->a[2], r->a[3]);

		rc = bad == -1 ? 0 : -EIO;
		a->v[0] = (__u64)bad;
		if (bad != -1)
			a->v[1] = *(volatile __u64 *)(uintptr_t)(r->a[0] + bad);
		break;
	}
	case AG_RECV_FD:
		rc = in >= 0 ? 0 : -EBADF;
		a->v[0] = (__u64)in;
		in = -1;	/* kept */
		break;
	case AG_SEND_FD:
		rc = fcntl((int)r->a[0], F_GETFD) < 0 ? -errno : 0;
		if (!rc)
			*out = (int)r->a[0];
		break;
	case AG_PIDFD_GETFD:
		fd = syscall(SYS_pidfd_open, (pid_t)r->a[0], 0);
		if (fd < 0) {
			rc = -errno;
			a->v[1] = 1;	/* which step failed */
			break;
		}
		rc = syscall(SYS_pidfd_getfd, fd, (int)r->a[1], 0);
		a->v[0] = (__u64)rc;
		rc = rc < 0 ? -errno : 0;
		a->v[1] = 2;
		close(fd);
		break;
	case AG_CLOSE:
		rc = close((int)r->a[0]) ? -errno : 0;
		break;
	case AG_QUERY:
		rc = _aclmem_query(dev, (__u32)r->a[0], 0, &q);
		if (!rc) {
			a->v[0] = q.out_size;
			a->v[1] = q.out_page_size;
			a->v[2] = q.out_mappings;
		}
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	if (in >= 0)
		close(in);
	a->rc = rc;
}

/* main() of an agent: argv = { exe, SHARE_AGENT_ARG, sock, dev }. */
static inline int share_agent_main(int argc, char **argv)
{
	int sock, dev;

	if (argc != 4)
		return 100;
	sock = atoi(argv[2]);
	dev = atoi(argv[3]);
	for (;;) {
		struct share_req req;
		struct share_rsp rsp;
		int in = -1, out = -1;

		if (share_recv(sock, &req, sizeof(req), &in))
			return 0;	/* the test hung up */
		memset(&rsp, 0, sizeof(rsp));
		share_agent_serve(dev, &req, in, &rsp, &out);
		if (share_send(sock, &rsp, sizeof(rsp), out))
			return 101;
	}
}

/* main() of a test file that uses agents. */
#define SHARE_TEST_MAIN							\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		if (argc > 1 && !strcmp(argv[1], SHARE_AGENT_ARG))	\
			return share_agent_main(argc, argv);		\
		return test_harness_run(argc, argv);			\
	}

/* The test's side of one agent. */
struct share_agent {
	pid_t pid;
	int sock;
	__u64 v[4];	/* results of the last request */
	int fd;		/* the descriptor its answer carried, or -1 */
};

/* fork(), or clone(2) with @flags (CLONE_NEWPID...), tracked for teardown. */
static inline pid_t share_fork(unsigned long flags)
{
	pid_t pid;
	int i;

	if (!flags)
		return aclmem_fork();
	fflush(NULL);
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
	if (pid > 0) {
		for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
			if (!aclmem_kids[i]) {
				aclmem_kids[i] = pid;
				break;
			}
		}
	} else if (pid == 0) {
		memset(aclmem_kids, 0, sizeof(aclmem_kids));
		memset(aclmem_maps, 0, sizeof(aclmem_maps));
	}
	return pid;
}

/*
 * Starts an agent as user @uid (0: root, like us), made by clone(2) with
 * @flags (0: fork): open /dev/aclmem, drop to @uid (groups too), exec this
 * binary. 0 or -errno. The child is tracked, so the fixture teardown kills
 * it after a failure; it also dies with us (PR_SET_PDEATHSIG) and when the
 * socket closes.
 */
static inline int share_agent_start_flags(struct share_agent *ag, uid_t uid,
					  unsigned long flags)
{
	char exe[PATH_MAX], sockarg[16], devarg[16];
	int sv[2], err;
	ssize_t n;
	pid_t pid;

	memset(ag, 0, sizeof(*ag));
	ag->pid = -1;
	ag->sock = -1;
	ag->fd = -1;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -errno;
	exe[n] = '\0';
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = share_fork(flags);
	if (pid < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid == 0) {
		int dev;

		close(sv[0]);
		/* the agent's end of the socket lives on across exec */
		if (fcntl(sv[1], F_SETFD, 0))
			_exit(120);
		dev = open(ACLMEM_DEV_PATH, O_RDWR);
		if (dev < 0)
			_exit(121);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(122);
		/* after the uid change, which clears it */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(123);
		snprintf(sockarg, sizeof(sockarg), "%d", sv[1]);
		snprintf(devarg, sizeof(devarg), "%d", dev);
		execl(exe, exe, SHARE_AGENT_ARG, sockarg, devarg, (char *)NULL);
		_exit(124);
	}
	close(sv[1]);
	ag->pid = pid;
	ag->sock = sv[0];
	return 0;
}

static inline int share_agent_start(struct share_agent *ag, uid_t uid)
{
	return share_agent_start_flags(ag, uid, 0);
}

/*
 * One request with @fd (if >= 0) along; the answer's rc, or
 * SHARE_AGENT_DEAD. Results in ag->v[], a descriptor that came back in
 * ag->fd.
 */
static inline int share_agent_call(struct share_agent *ag, __u32 op, int fd,
				   __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	struct share_req req = { .op = op, .a = { a0, a1, a2, a3 } };
	struct share_rsp rsp;

	memset(ag->v, 0, sizeof(ag->v));
	ag->fd = -1;
	if (ag->sock < 0 || share_send(ag->sock, &req, sizeof(req), fd) ||
	    share_recv(ag->sock, &rsp, sizeof(rsp), &ag->fd))
		return SHARE_AGENT_DEAD;
	memcpy(ag->v, rsp.v, sizeof(ag->v));
	return (int)rsp.rc;
}

/* Hangs up and reaps the agent: its exit code (0 when all went well). */
static inline int share_agent_stop(struct share_agent *ag)
{
	int code;

	if (ag->pid <= 0)
		return -1;
	close(ag->sock);
	ag->sock = -1;
	code = aclmem_exit_code(aclmem_reap(ag->pid));
	ag->pid = -1;
	return code;
}

/* SIGKILLs and reaps the agent: 128 + SIGKILL when it was alive. */
static inline int share_agent_kill(struct share_agent *ag)
{
	int code;

	if (ag->pid <= 0)
		return -1;
	kill(ag->pid, SIGKILL);
	code = aclmem_exit_code(aclmem_reap(ag->pid));
	close(ag->sock);
	ag->sock = -1;
	ag->pid = -1;
	return code;
}

/* ---- typed requests: 0, -errno or SHARE_AGENT_DEAD ---- */

static inline int ag_info(struct share_agent *ag, __u32 *tgid)
{
	int rc = share_agent_call(ag, AG_INFO, -1, 0, 0, 0, 0);

	if (!rc && tgid)
		*tgid = (__u32)ag->v[0];
	return rc;
}

static inline int ag_alloc(struct share_agent *ag, __u64 size,
			   __u64 page_size, __u32 *h, __u64 *off)
{
	int rc = share_agent_call(ag, AG_ALLOC, -1, size, page_size, 0, 0);

	if (!rc) {
		*h = (__u32)ag->v[0];
		*off = ag->v[1];
	}
	return rc;
}

static inline int ag_free(struct share_agent *ag, __u32 h)
{
	return share_agent_call(ag, AG_FREE, -1, h, 0, 0, 0);
}

static inline int ag_export(struct share_agent *ag, __u32 h, __u32 flags,
			    __u64 *token)
{
	int rc = share_agent_call(ag, AG_EXPORT, -1, h, flags, 0, 0);

	if (!rc && token)
		*token = ag->v[0];
	return rc;
}

static inline int ag_set_pids(struct share_agent *ag, __u64 token, __u32 pid)
{
	return share_agent_call(ag, AG_SET_PIDS, -1, token, pid, 0, 0);
}

/* The imported handle in imp->out_* (imp may be NULL). */
static inline int ag_import(struct share_agent *ag, __u64 token,
			    struct aclmem_import *imp)
{
	int rc = share_agent_call(ag, AG_IMPORT, -1, token, 0, 0, 0);

	if (!rc && imp) {
		memset(imp, 0, sizeof(*imp));
		imp->token = token;
		imp->out_handle = (__u32)ag->v[0];
		imp->out_offset = ag->v[1];
		imp->out_size = ag->v[2];
		imp->out_page_size = ag->v[3];
	}
	return rc;
}

static inline int ag_import_fd(struct share_agent *ag, __u64 fd,
			       struct aclmem_import *imp)
{
	int rc = share_agent_call(ag, AG_IMPORT_FD, -1, fd, 0, 0, 0);

	if (!rc && imp) {
		memset(imp, 0, sizeof(*imp));
		imp->token = fd;
		imp->out_handle = (__u32)ag->v[0];
		imp->out_offset = ag->v[1];
		imp->out_size = ag->v[2];
		imp->out_page_size = ag->v[3];
	}
	return rc;
}

static inline int ag_export_fd(struct share_agent *ag, __u32 h, __u32 flags,
			       int *fd)
{
	int rc = share_agent_call(ag, AG_EXPORT_FD, -1, h, flags, 0, 0);

	if (!rc)
		*fd = (int)ag->v[0];
	return rc;
}

/* mmap of the agent's fd @fd, or of its /dev/aclmem when @fd is -1. */
static inline int ag_mmap(struct share_agent *ag, int fd, __u64 off,
			  __u64 len, __u64 *addr)
{
	int rc = share_agent_call(ag, AG_MMAP, -1, (__u64)(__s64)fd, off,
				  len, 0);

	if (!rc)
		*addr = ag->v[0];
	return rc;
}

static inline int ag_munmap(struct share_agent *ag, __u64 addr, __u64 len)
{
	return share_agent_call(ag, AG_MUNMAP, -1, addr, len, 0, 0);
}

static inline int ag_fill(struct share_agent *ag, __u64 addr, __u64 len,
			  __u64 seed)
{
	return share_agent_call(ag, AG_FILL, -1, addr, len, seed, 0);
}

/* -EIO on a mismatch: offset in ag->v[0], the word found in ag->v[1]. */
static inline int ag_check_at(struct share_agent *ag, __u64 addr, __u64 len,
			      __u64 seed, __u64 base)
{
	return share_agent_call(ag, AG_CHECK, -1, addr, len, seed, base);
}

static inline int ag_check(struct share_agent *ag, __u64 addr, __u64 len,
			   __u64 seed)
{
	return ag_check_at(ag, addr, len, seed, 0);
}

/* Hands our @fd to the agent (SCM_RIGHTS); its number there in *agent_fd. */
static inline int ag_give_fd(struct share_agent *ag, int fd, int *agent_fd)
{
	int rc = share_agent_call(ag, AG_RECV_FD, fd, 0, 0, 0, 0);

	if (!rc)
		*agent_fd = (int)ag->v[0];
	return rc;
}

/* Takes the agent's @agent_fd (SCM_RIGHTS); ours in *fd. */
static inline int ag_take_fd(struct share_agent *ag, int agent_fd, int *fd)
{
	int rc = share_agent_call(ag, AG_SEND_FD, -1, agent_fd, 0, 0, 0);

	if (!rc && ag->fd < 0)
		rc = -EBADMSG;
	if (!rc)
		*fd = ag->fd;
	return rc;
}

/* The agent takes @fd of process @pid with pidfd_getfd(2). */
static inline int ag_pidfd_getfd(struct share_agent *ag, pid_t pid, int fd,
				 int *agent_fd)
{
	int rc = share_agent_call(ag, AG_PIDFD_GETFD, -1, pid, fd, 0, 0);

	if (!rc)
		*agent_fd = (int)ag->v[0];
	return rc;
}

static inline int ag_close(struct share_agent *ag, int fd)
{
	return share_agent_call(ag, AG_CLOSE, -1, fd, 0, 0, 0);
}

static inline int ag_query(struct share_agent *ag, __u32 h,
			   struct aclmem_query *q)
{
	int rc = share_agent_call(ag, AG_QUERY, -1, h, 0, 0, 0);

	if (!rc) {
		memset(q, 0, sizeof(*q));
		q->handle = h;
		q->out_size = ag->v[0];
		q->out_page_size = ag->v[1];
		q->out_mappings = (__u32)ag->v[2];
	}
	return rc;
}

/* ASSERTs that an agent request (or any 0/-errno call) succeeded. */
#define AG_ASSERT(call) do {						\
	int __rc = (call);						\
	ASSERT_EQ(0, __rc) {						\
		TH_LOG("%s: %s", #call, __rc == SHARE_AGENT_DEAD ?	\
		       "the agent is gone" : strerror(-__rc));		\
	}								\
} while (0)

/* ASSERTs that the agent sees @seed's pattern at @addr. */
#define ag_assert_pattern(ag, addr, len, seed) do {			\
	int __rc = ag_check(ag, addr, len, seed);			\
	ASSERT_EQ(0, __rc) {						\
		if (__rc == -EIO)					\
			TH_LOG("agent %d: pattern %llu: bad word at +0x%llx: 0x%llx, want 0x%llx", \
			       (ag)->pid, (unsigned long long)(seed),	\
			       (unsigned long long)(ag)->v[0],		\
			       (unsigned long long)(ag)->v[1],		\
			       (unsigned long long)aclmem_word(seed,	\
							       (ag)->v[0])); \
		else							\
			TH_LOG("agent %d: check failed: %d", (ag)->pid, __rc); \
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* Fault injection (kmod/fault.c)                                     */
/* ------------------------------------------------------------------ */

#define SHARE_FAIL_NTH		"/sys/kernel/debug/aclmem/fail_nth"

/* Arms fail_nth for this process (0 disarms): 0 or -errno. */
static inline int share_fail_nth(unsigned int n)
{
	char buf[16];
	int fd, len, rc = 0;

	fd = open(SHARE_FAIL_NTH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u\n", n);
	if (write(fd, buf, len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

/* The sites still to pass before the armed failure, or -errno. */
static inline long share_fail_left(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(SHARE_FAIL_NTH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * Runs @call (an expression giving 0 or -errno) with the Nth allocation
 * site failing, for N = 1, 2, ... until it succeeds with the failure not
 * fired; after each failure, @after_failure (a statement) checks that
 * nothing changed. An injected failure gives @e1 or @e2.
 */
#define share_fail_each_site(rc, e1, e2, call, after_failure) do {	\
	unsigned int __n, __fails = 0;					\
	long __left = 0;						\
	for (__n = 1; __n < 64; __n++) {				\
		ASSERT_EQ(0, share_fail_nth(__n));			\
		rc = (call);						\
		__left = share_fail_left();				\
		ASSERT_EQ(0, share_fail_nth(0));			\
		if (!rc)						\
			break;						\
		__fails++;						\
		EXPECT_EQ(0, __left);					\
		EXPECT_TRUE(rc == -(e1) || rc == -(e2)) {		\
			TH_LOG("site %u: %s", __n, strerror(-rc));	\
		}							\
		after_failure;						\
	}								\
	ASSERT_EQ(0, rc);						\
	/* the last run passed every site: the count did not run out */ \
	EXPECT_LT(0, __left);						\
	EXPECT_LT(0U, __fails);						\
	TH_LOG("%s: %u sites failed in turn", #call, __fails);		\
} while (0)

#define SHARE_NEED_FAIL_NTH() do {					\
	if (access(SHARE_FAIL_NTH, W_OK))				\
		SKIP(return, "no " SHARE_FAIL_NTH " in this module");	\
} while (0)

/* ------------------------------------------------------------------ */
/* dma-buf fdinfo                                                     */
/* ------------------------------------------------------------------ */

/*
 * Reads /proc/@pid/fdinfo/@fd: the dma-buf's "size:" in *size and its
 * "exp_name:" in @name (empty when the lines are missing). 0 or -errno.
 */
static inline int share_fdinfo(pid_t pid, int fd, char *name, size_t n,
			       __u64 *size)
{
	char path[64], line[256], word[256];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	name[0] = '\0';
	*size = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "size: %llu", &v) == 1)
			*size = v;
		else if (sscanf(line, "exp_name: %255s", word) == 1) {
			size_t l = strnlen(word, n - 1);

			memcpy(name, word, l);
			name[l] = '\0';
		}
	}
	fclose(f);
	return 0;
}

#endif /* __SELFTESTS_SHARE_UTILS_H */
