// SPDX-License-Identifier: MIT
/*
 * Description: the agent of the sharing tests: see agent.h.
 */
#include "agent.h"

int test_agent_send(int sock, const void *msg, size_t len,
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

int test_agent_recv(int sock, void *msg, size_t len, int *fd)
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

int test_agent_mmap(int fd, uint64_t off, uint64_t len,
		    uint64_t *addr)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = (uintptr_t)p;
	return 0;
}

int64_t test_agent_check_rsp(struct test_agent_rsp *a,
			     uint64_t addr, long bad)
{
	a->v[0] = (uint64_t)bad;
	if (bad == -1)
		return 0;
	a->v[1] = *(volatile uint64_t *)(uintptr_t)(addr + bad);
	return -EIO;
}

int64_t test_agent_serve(const struct test_agent_req *r,
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

int test_agent_loop(int sock, test_agent_serve_t serve,
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

int test_self_exe(char *exe, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", exe, n - 1);

	if (len <= 0)
		return -errno;
	exe[len] = '\0';
	return 0;
}

void test_exec_self(const char *exe, uid_t uid,
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

int test_agent_start(struct test_agent *ag,
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

int test_agent_call(struct test_agent *ag, uint32_t op, int fd,
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

int test_agent_stop(struct test_agent *ag)
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

int test_agent_kill(struct test_agent *ag)
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

int test_fdinfo(pid_t pid, int fd, char *name, size_t n,
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
