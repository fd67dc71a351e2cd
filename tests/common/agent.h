/* SPDX-License-Identifier: MIT */
/*
 * Description: the agent of the sharing tests, whatever API it drives
 * (selftests/share_utils.h: the ioctls; lib/tests/acl_share_utils.h: ACL).
 *
 * An agent is a separate process (fork or clone(2), then exec of this very
 * binary, so a new thread group with nothing of the test's), optionally
 * running as another user. The test drives it step by step over a
 * SOCK_SEQPACKET unix socket, which also carries file descriptors
 * (SCM_RIGHTS) both ways: a request is an op and four numbers, its answer
 * an rc and four numbers, or TEST_AGENT_DEAD when the agent is gone.
 *
 * Here: the messages, the requests that need no API (enum test_agent_op),
 * the agent's main loop, starting and stopping an agent, main() of a test
 * file with agents, and /proc/PID/fdinfo/FD of a dma-buf. The including
 * header brings the ops of its API (numbered from 1) and the function that
 * serves them, and says how its tests fork and reap their children.
 */
#ifndef TESTS_COMMON_AGENT_H
#define TESTS_COMMON_AGENT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pattern.h"
#include "pidfd.h"

/* The user of the "other user" agents (nobody). */
#define TEST_AGENT_OTHER_UID	65534

/* A request's answer when the agent is gone (no errno is this). */
#define TEST_AGENT_DEAD		(-100000)

/* ------------------------------------------------------------------ */
/* Messages with an optional file descriptor                          */
/* ------------------------------------------------------------------ */

/* Sends @len bytes and, if @fd >= 0, @fd with them. 0 or -1. */
static inline int test_agent_send(int sock, const void *msg, size_t len,
				  int fd)
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
static inline int test_agent_recv(int sock, void *msg, size_t len, int *fd)
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
/* The agent's side                                                   */
/* ------------------------------------------------------------------ */

struct test_agent_req {
	uint32_t op;
	uint32_t reserved;
	uint64_t a[4];
};

struct test_agent_rsp {
	int64_t rc;
	uint64_t v[4];
};

/*
 * The requests every agent serves, above the ops of its API; they answer
 * 0 or -errno.
 */
enum test_agent_op {
	AG_MUNMAP = 0x100,	/* address, len */
	AG_RECV_FD,	/* (a descriptor comes along) -> its number */
	AG_SEND_FD,	/* fd: the answer carries it */
	AG_PIDFD_GETFD,	/* pid, fd -> fd, the step that failed last */
	AG_CLOSE,	/* fd */
};

/*
 * Serves one request of the API in the agent: the answer's rc (0, -errno
 * or an error of the API), results in a->v[]. @ctx is test_agent_loop()'s.
 */
typedef int64_t (*test_agent_serve_t)(void *ctx,
				      const struct test_agent_req *r,
				      struct test_agent_rsp *a);

/* mmap(PROT_READ | PROT_WRITE, MAP_SHARED) of @fd: 0 or -errno. */
static inline int test_agent_mmap(int fd, uint64_t off, uint64_t len,
				  uint64_t *addr)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = (uintptr_t)p;
	return 0;
}

/*
 * The answer to a pattern check of the words at @addr that found the bad
 * word at byte offset @bad (-1: none): its offset and value in a->v[].
 */
static inline int64_t test_agent_check_rsp(struct test_agent_rsp *a,
					   uint64_t addr, long bad)
{
	a->v[0] = (uint64_t)bad;
	if (bad == -1)
		return 0;
	a->v[1] = *(volatile uint64_t *)(uintptr_t)(addr + bad);
	return -EIO;
}

/*
 * One request: an op of enum test_agent_op here, any other by @serve.
 * @in is the descriptor that came along (AG_RECV_FD keeps it: then *in is
 * -1), *out one to send back with the answer.
 */
static inline int64_t test_agent_serve(const struct test_agent_req *r,
				       int *in, struct test_agent_rsp *a,
				       int *out, test_agent_serve_t serve,
				       void *ctx)
{
	const uint64_t *x = r->a;
	int64_t rc;
	int fd;

	switch (r->op) {
	case AG_MUNMAP:
		return munmap((void *)(uintptr_t)x[0], x[1]) ? -errno : 0;
	case AG_RECV_FD:
		a->v[0] = (uint64_t)(int64_t)*in;
		rc = *in >= 0 ? 0 : -EBADF;
		*in = -1;	/* kept */
		return rc;
	case AG_SEND_FD:
		if (fcntl((int)x[0], F_GETFD) < 0)
			return -errno;
		*out = (int)x[0];
		return 0;
	case AG_PIDFD_GETFD:
		fd = (int)syscall(SYS_pidfd_open, (pid_t)x[0], 0);
		if (fd < 0) {
			a->v[1] = 1;	/* which step failed */
			return -errno;
		}
		rc = syscall(SYS_pidfd_getfd, fd, (int)x[1], 0);
		a->v[0] = (uint64_t)rc;
		rc = rc < 0 ? -errno : 0;
		a->v[1] = 2;
		close(fd);
		return rc;
	case AG_CLOSE:
		return close((int)x[0]) ? -errno : 0;
	default:
		return serve(ctx, r, a);
	}
}

/*
 * The agent's main loop on @sock: serves requests until the test hangs up
 * (0), or an answer cannot go (101). The agent's exit code.
 */
static inline int test_agent_loop(int sock, test_agent_serve_t serve,
				  void *ctx)
{
	for (;;) {
		struct test_agent_req req;
		struct test_agent_rsp rsp;
		int in = -1, out = -1;

		if (test_agent_recv(sock, &req, sizeof(req), &in))
			return 0;	/* the test hung up */
		memset(&rsp, 0, sizeof(rsp));
		rsp.rc = test_agent_serve(&req, &in, &rsp, &out, serve, ctx);
		if (in >= 0)
			close(in);
		if (test_agent_send(sock, &rsp, sizeof(rsp), out))
			return 101;
	}
}

/*
 * main() of a test file with agents: runs @agent_main when argv[1] is
 * @mode, passes other "--" modes to @modes (a function or NULL, which
 * returns the exit code, or -1 when it does not know the mode), and runs
 * the harness otherwise.
 */
#define TEST_AGENT_MAIN(mode, agent_main, modes)			\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		int (*__modes)(int, char **) = (modes);			\
		int __rc;						\
									\
		if (argc > 1 && !strcmp(argv[1], (mode)))		\
			return agent_main(argc, argv);			\
		if (argc > 1 && !strncmp(argv[1], "--", 2) && __modes) { \
			__rc = __modes(argc, argv);			\
			if (__rc >= 0)					\
				return __rc;				\
		}							\
		return test_harness_run(argc, argv);			\
	}

/* ------------------------------------------------------------------ */
/* The test's side                                                    */
/* ------------------------------------------------------------------ */

/* How the including header starts its agents. */
struct test_agent_ops {
	/* argv[1] of an agent */
	const char *mode;
	/* fork(), or clone(2) with @flags: a child the test tracks */
	pid_t (*fork)(unsigned long flags);
	/* waits for a child of fork(): its exit code, 128 + signal, or -1 */
	int (*reap)(pid_t pid);
	/*
	 * NULL, or called in the child while it is still root: may open what
	 * the agent needs and write its last argument into @arg. 0, or the
	 * child's exit code.
	 */
	int (*setup)(char *arg, size_t len);
};

/* The test's side of one agent. */
struct test_agent {
	pid_t pid;
	int sock;
	uint64_t v[4];	/* results of the last request */
	int fd;		/* the descriptor its answer carried, or -1 */
	const struct test_agent_ops *ops;
};

/* The path of this binary into @exe (@n bytes): 0 or -errno. */
static inline int test_self_exe(char *exe, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", exe, n - 1);

	if (len <= 0)
		return -errno;
	exe[len] = '\0';
	return 0;
}

/*
 * In a forked child: become @uid (0: stay; groups too), die with the
 * parent, exec @exe with @args (NULL-terminated, after argv[0]). Never
 * returns.
 */
static inline void test_exec_self(const char *exe, uid_t uid,
				  const char *const *args)
{
	const char *argv[16];
	int i;

	if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid)))
		_exit(122);
	/* after the uid change, which clears it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(123);
	argv[0] = exe;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	execv(exe, (char *const *)argv);
	_exit(124);
}

/*
 * Starts an agent as user @uid (0: root, like us), made by ops->fork(@flags)
 * and so tracked by the test: exec of this binary with { ops->mode, SOCK
 * [, the argument of ops->setup] }. 0 or -errno. The agent also dies with
 * us (PR_SET_PDEATHSIG) and when the socket closes.
 */
static inline int test_agent_start(struct test_agent *ag,
				   const struct test_agent_ops *ops,
				   uid_t uid, unsigned long flags)
{
	char exe[PATH_MAX], sockarg[16], arg[16];
	const char *args[4] = { ops->mode, sockarg, NULL, NULL };
	int sv[2], rc;
	pid_t pid;

	memset(ag, 0, sizeof(*ag));
	ag->pid = -1;
	ag->sock = -1;
	ag->fd = -1;
	ag->ops = ops;
	rc = test_self_exe(exe, sizeof(exe));
	if (rc)
		return rc;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = ops->fork(flags);
	if (pid < 0) {
		rc = -errno;
		close(sv[0]);
		close(sv[1]);
		return rc;
	}
	if (pid == 0) {
		close(sv[0]);
		/* the agent's end of the socket lives on across exec */
		if (fcntl(sv[1], F_SETFD, 0))
			_exit(120);
		snprintf(sockarg, sizeof(sockarg), "%d", sv[1]);
		if (ops->setup) {
			rc = ops->setup(arg, sizeof(arg));
			if (rc)
				_exit(rc);
			args[2] = arg;
		}
		test_exec_self(exe, uid, args);
	}
	close(sv[1]);
	ag->pid = pid;
	ag->sock = sv[0];
	return 0;
}

/*
 * One request with @fd (if >= 0) along: the answer's rc, or
 * TEST_AGENT_DEAD. Results in ag->v[], a descriptor that came back in
 * ag->fd.
 */
static inline int test_agent_call(struct test_agent *ag, uint32_t op, int fd,
				  uint64_t a0, uint64_t a1, uint64_t a2,
				  uint64_t a3)
{
	struct test_agent_req req = { .op = op, .a = { a0, a1, a2, a3 } };
	struct test_agent_rsp rsp;

	memset(ag->v, 0, sizeof(ag->v));
	ag->fd = -1;
	if (ag->sock < 0 ||
	    test_agent_send(ag->sock, &req, sizeof(req), fd) ||
	    test_agent_recv(ag->sock, &rsp, sizeof(rsp), &ag->fd))
		return TEST_AGENT_DEAD;
	memcpy(ag->v, rsp.v, sizeof(ag->v));
	return (int)rsp.rc;
}

/* Hangs up and reaps the agent: its exit code (0 when all went well). */
static inline int test_agent_stop(struct test_agent *ag)
{
	int code;

	if (ag->pid <= 0)
		return -1;
	close(ag->sock);
	ag->sock = -1;
	code = ag->ops->reap(ag->pid);
	ag->pid = -1;
	return code;
}

/* SIGKILLs and reaps the agent: 128 + SIGKILL when it was alive. */
static inline int test_agent_kill(struct test_agent *ag)
{
	int code;

	if (ag->pid <= 0)
		return -1;
	kill(ag->pid, SIGKILL);
	code = ag->ops->reap(ag->pid);
	close(ag->sock);
	ag->sock = -1;
	ag->pid = -1;
	return code;
}

/*
 * ASSERTs that @call, an AG_CHECK request of agent @ag (0, -EIO with the
 * bad word's offset and value in ag->v[], or another error), found the
 * pattern of @seed (pattern.h).
 */
#define TEST_AGENT_ASSERT_PATTERN(ag, call, seed) do {			\
	int __rc = (call);						\
	ASSERT_EQ(0, __rc) {						\
		if (__rc == -EIO)					\
			TH_LOG("agent %d: pattern %llu: bad word at +0x%llx: 0x%llx, want 0x%llx", \
			       (ag)->pid, (unsigned long long)(seed),	\
			       (unsigned long long)(ag)->v[0],		\
			       (unsigned long long)(ag)->v[1],		\
			       (unsigned long long)pattern_word(seed,	\
							(ag)->v[0]));	\
		else							\
			TH_LOG("agent %d: check failed: %d", (ag)->pid, __rc); \
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* dma-buf fdinfo                                                     */
/* ------------------------------------------------------------------ */

/*
 * Reads /proc/@pid/fdinfo/@fd: the dma-buf's "size:" in *size and its
 * "exp_name:" in @name (empty when the lines are missing). 0 or -errno.
 */
static inline int test_fdinfo(pid_t pid, int fd, char *name, size_t n,
			      unsigned long long *size)
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
		if (sscanf(line, "size: %llu", &v) == 1) {
			*size = v;
		} else if (sscanf(line, "exp_name: %255s", word) == 1) {
			size_t l = strnlen(word, n - 1);

			memcpy(name, word, l);
			name[l] = '\0';
		}
	}
	fclose(f);
	return 0;
}

#endif /* TESTS_COMMON_AGENT_H */
