/* SPDX-License-Identifier: MIT */
/*
 * Description: helpers of the libascendcl sharing tests (share_*_test.c).
 *
 * Include it instead of acl_test_utils.h.
 *
 * - an agent: a separate process (fork + exec of this very binary, so a
 *   new thread group with a library state of its own), optionally running
 *   as another user, that makes ACL calls on request. The test drives it
 *   step by step over a SOCK_SEQPACKET unix socket, which also carries file
 *   descriptors (SCM_RIGHTS) both ways. ACL requests answer the aclError,
 *   system ones 0 or -errno, and every one ACL_AGENT_DEAD when the agent is
 *   gone. The library opens /dev/aclmem in the agent, after it became the
 *   other user: acl_dev_open_to_all() lets it (the device is 0600 root);
 * - tracking of the processes a test started, which the fixture teardown
 *   kills after a failed ASSERT;
 * - a physical handle mapped at a reservation of its own, with a pattern;
 * - /proc/PID/fdinfo/FD of a dma-buf.
 *
 * A test file using agents or spawning itself ends with ACL_SHARE_MAIN(fn):
 * its main() serves as the agent when called with ACL_AGENT_ARG, passes
 * other "--" modes to fn(argc, argv) (which returns the exit code, or -1
 * when it does not know the mode), and runs the harness otherwise.
 */
#ifndef ACL_SHARE_UTILS_H
#define ACL_SHARE_UTILS_H

#include "acl_test_utils.h"

#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <acl/aclmem_ext.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

#define ACL_OTHER_UID		65534
#define ACL_AGENT_ARG		"--acl-agent"
#define ACL_AGENT_DEAD		(-100000)

/* ------------------------------------------------------------------ */
/* Children                                                           */
/* ------------------------------------------------------------------ */

#define ACL_MAX_KIDS	16

static pid_t acl_kids[ACL_MAX_KIDS];

/*
 * fork(), or clone(2) with @flags (CLONE_NEWPID...): the parent tracks the
 * child, the child forgets the list.
 */
static inline pid_t acl_fork(unsigned long flags)
{
	pid_t pid;
	int i;

	fflush(NULL);
	if (flags)
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL,
				     NULL, 0);
	else
		pid = fork();
	if (pid > 0) {
		for (i = 0; i < ACL_MAX_KIDS; i++) {
			if (!acl_kids[i]) {
				acl_kids[i] = pid;
				break;
			}
		}
	} else if (pid == 0) {
		memset(acl_kids, 0, sizeof(acl_kids));
	}
	return pid;
}

/* Waits for a tracked child: its exit code, 128 + signal, or -1. */
static inline int acl_reap(pid_t pid)
{
	int status, i;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	for (i = 0; i < ACL_MAX_KIDS; i++)
		if (acl_kids[i] == pid)
			acl_kids[i] = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

static inline void acl_kill_kids(void)
{
	int i;

	for (i = 0; i < ACL_MAX_KIDS; i++) {
		if (acl_kids[i]) {
			kill(acl_kids[i], SIGKILL);
			waitpid(acl_kids[i], NULL, 0);
			acl_kids[i] = 0;
		}
	}
}

static inline int acl_self_exe(char *exe, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", exe, n - 1);

	if (len <= 0)
		return -errno;
	exe[len] = '\0';
	return 0;
}

/*
 * In a child made by acl_fork(): become @uid (0: stay), die with the
 * parent, exec this binary with @args (NULL-terminated, after argv[0]).
 * Never returns.
 */
static inline void acl_exec_self(const char *exe, uid_t uid,
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

/* Starts this binary with @args as a tracked child: its pid or -errno. */
static inline pid_t acl_spawn_self(uid_t uid, const char *const *args)
{
	char exe[PATH_MAX];
	pid_t pid;
	int rc = acl_self_exe(exe, sizeof(exe));

	if (rc)
		return rc;
	pid = acl_fork(0);
	if (pid < 0)
		return -errno;
	if (pid == 0)
		acl_exec_self(exe, uid, args);
	return pid;
}

/* ------------------------------------------------------------------ */
/* /dev/aclmem for another user                                       */
/* ------------------------------------------------------------------ */

static mode_t acl_dev_mode_saved;

/* chmod 0666 /dev/aclmem, remembering the mode: 0 or -errno. */
static inline int acl_dev_open_to_all(void)
{
	struct stat st;

	if (stat("/dev/aclmem", &st))
		return -errno;
	if (!acl_dev_mode_saved)
		acl_dev_mode_saved = st.st_mode & 07777;
	return chmod("/dev/aclmem", 0666) ? -errno : 0;
}

/* Puts the mode back (if it was changed): 0 or -errno. */
static inline int acl_dev_restore(void)
{
	mode_t mode = acl_dev_mode_saved;

	if (!mode)
		return 0;
	acl_dev_mode_saved = 0;
	return chmod("/dev/aclmem", mode) ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* Messages with an optional file descriptor                          */
/* ------------------------------------------------------------------ */

static inline int acl_msg_send(int sock, const void *msg, size_t len, int fd)
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

/* One message of @len bytes; *fd what came along (close-on-exec) or -1. */
static inline int acl_msg_recv(int sock, void *msg, size_t len, int *fd)
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

enum acl_agent_op {
	AG_INIT = 1,	/* aclInit(NULL) + aclrtSetDevice(0) */
	AG_BARE_TGID,	/* -> pid, getpid() */
	AG_MALLOC,	/* size, handleType -> handle (2 MiB pages, device 0) */
	AG_FREE,	/* handle */
	AG_EXPORT,	/* handle, handleType, flags -> shareable */
	AG_EXPORT_V2,	/* handle, flags, shareType -> shareable */
	AG_SET_PID,	/* shareable, pid, pidNum (pid repeated) */
	AG_SET_PID_V2,	/* shareable, shareType, pid */
	AG_IMPORT,	/* shareable, device -> handle */
	AG_IMPORT_V2,	/* shareable, shareType, flags -> handle */
	AG_EXPORT_FD,	/* handle -> fd (aclmemExportToFd) */
	AG_IMPORT_FD,	/* fd, device -> handle (aclmemImportFromFd) */
	AG_PROPS,	/* handle -> handleType, memAttr, location type, id */
	AG_MAP,		/* handle, size -> address (reserve + map) */
	AG_UNMAP,	/* address (unmap + release) */
	AG_FILL,	/* address, len, seed */
	AG_CHECK,	/* address, len, seed -> bad offset, word */
	AG_MMAP_FD,	/* fd, len -> address (errno) */
	AG_MUNMAP,	/* address, len (errno) */
	AG_RECV_FD,	/* (a descriptor comes along) -> its number */
	AG_SEND_FD,	/* fd: the answer carries it (errno) */
	AG_PIDFD_GETFD,	/* pid, fd -> fd (errno) */
	AG_CLOSE,	/* fd (errno) */
};

struct acl_agent_req {
	uint32_t op;
	uint32_t reserved;
	uint64_t a[4];
};

struct acl_agent_rsp {
	int64_t rc;
	uint64_t v[4];
};

static inline void *acl_ptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

static inline void acl_agent_serve(const struct acl_agent_req *r, int in,
				   struct acl_agent_rsp *a, int *out)
{
	const uint64_t *x = r->a;
	aclrtPhysicalMemProp prop;
	aclrtDrvMemHandle h = NULL;
	uint64_t sh = 0;
	int32_t pids[4];
	void *p = NULL;
	int64_t rc;
	int fd, i;

	switch (r->op) {
	case AG_INIT:
		rc = aclInit(NULL);
		if (!rc)
			rc = aclrtSetDevice(0);
		break;
	case AG_BARE_TGID:
		rc = aclrtDeviceGetBareTgid(&pids[0]);
		a->v[0] = (uint64_t)pids[0];
		a->v[1] = (uint64_t)getpid();
		break;
	case AG_MALLOC:
		prop = acl_prop_2m();
		prop.handleType = (aclrtMemHandleType)x[1];
		rc = aclrtMallocPhysical(&h, x[0], &prop, 0);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_FREE:
		rc = aclrtFreePhysical(acl_ptr(x[0]));
		break;
	case AG_EXPORT:
		rc = aclrtMemExportToShareableHandle(acl_ptr(x[0]),
						     (aclrtMemHandleType)x[1],
						     x[2], &sh);
		a->v[0] = sh;
		break;
	case AG_EXPORT_V2:
		rc = aclrtMemExportToShareableHandleV2(acl_ptr(x[0]), x[1],
				(aclrtMemSharedHandleType)x[2], &sh);
		a->v[0] = sh;
		break;
	case AG_SET_PID:
		for (i = 0; i < 4; i++)
			pids[i] = (int32_t)x[1];
		rc = aclrtMemSetPidToShareableHandle(x[0], pids,
						     (size_t)x[2]);
		break;
	case AG_SET_PID_V2:
		sh = x[0];
		pids[0] = (int32_t)x[2];
		rc = aclrtMemSetPidToShareableHandleV2(&sh,
				(aclrtMemSharedHandleType)x[1], pids, 1);
		break;
	case AG_IMPORT:
		rc = aclrtMemImportFromShareableHandle(x[0], (int32_t)x[1],
						       &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_IMPORT_V2:
		sh = x[0];
		rc = aclrtMemImportFromShareableHandleV2(&sh,
				(aclrtMemSharedHandleType)x[1], x[2], &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_EXPORT_FD:
		fd = -1;
		rc = aclmemExportToFd(acl_ptr(x[0]), &fd);
		a->v[0] = (uint64_t)(int64_t)fd;
		break;
	case AG_IMPORT_FD:
		rc = aclmemImportFromFd((int)x[0], (int32_t)x[1], &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_PROPS:
		memset(&prop, 0, sizeof(prop));
		rc = aclrtMemGetAllocationPropertiesFromHandle(acl_ptr(x[0]),
							       &prop);
		a->v[0] = (uint64_t)prop.handleType;
		a->v[1] = (uint64_t)prop.memAttr;
		a->v[2] = (uint64_t)prop.location.type;
		a->v[3] = prop.location.id;
		break;
	case AG_MAP:
		rc = aclrtReserveMemAddress(&p, x[1], 0, NULL, 0);
		if (!rc) {
			rc = aclrtMapMem(p, x[1], 0, acl_ptr(x[0]), 0);
			if (rc)
				aclrtReleaseMemAddress(p);
		}
		a->v[0] = rc ? 0 : (uintptr_t)p;
		break;
	case AG_UNMAP:
		rc = aclrtUnmapMem(acl_ptr(x[0]));
		if (!rc)
			rc = aclrtReleaseMemAddress(acl_ptr(x[0]));
		break;
	case AG_FILL:
		acl_fill(acl_ptr(x[0]), x[1], x[2]);
		rc = 0;
		break;
	case AG_CHECK: {
		long bad = acl_check(acl_ptr(x[0]), x[1], x[2]);

		rc = bad == -1 ? 0 : -EIO;
		a->v[0] = (uint64_t)bad;
		if (bad != -1)
			a->v[1] = *(volatile uint64_t *)acl_ptr(x[0] + bad);
		break;
	}
	case AG_MMAP_FD:
		p = mmap(NULL, x[1], PROT_READ | PROT_WRITE, MAP_SHARED,
			 (int)x[0], 0);
		rc = p == MAP_FAILED ? -errno : 0;
		a->v[0] = rc ? 0 : (uintptr_t)p;
		break;
	case AG_MUNMAP:
		rc = munmap(acl_ptr(x[0]), x[1]) ? -errno : 0;
		break;
	case AG_RECV_FD:
		rc = in >= 0 ? 0 : -EBADF;
		a->v[0] = (uint64_t)(int64_t)in;
		in = -1;	/* kept */
		break;
	case AG_SEND_FD:
		rc = fcntl((int)x[0], F_GETFD) < 0 ? -errno : 0;
		if (!rc)
			*out = (int)x[0];
		break;
	case AG_PIDFD_GETFD:
		fd = (int)syscall(SYS_pidfd_open, (pid_t)x[0], 0);
		if (fd < 0) {
			rc = -errno;
			break;
		}
		rc = syscall(SYS_pidfd_getfd, fd, (int)x[1], 0);
		a->v[0] = (uint64_t)rc;
		rc = rc < 0 ? -errno : 0;
		close(fd);
		break;
	case AG_CLOSE:
		rc = close((int)x[0]) ? -errno : 0;
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	if (in >= 0)
		close(in);
	a->rc = rc;
}

/* main() of an agent: argv = { exe, ACL_AGENT_ARG, sock }. */
static inline int acl_agent_main(int argc, char **argv)
{
	int sock;

	if (argc != 3)
		return 100;
	sock = atoi(argv[2]);
	for (;;) {
		struct acl_agent_req req;
		struct acl_agent_rsp rsp;
		int in = -1, out = -1;

		if (acl_msg_recv(sock, &req, sizeof(req), &in))
			return 0;	/* the test hung up */
		memset(&rsp, 0, sizeof(rsp));
		acl_agent_serve(&req, in, &rsp, &out);
		if (acl_msg_send(sock, &rsp, sizeof(rsp), out))
			return 101;
	}
}

/*
 * main() of a test file that uses agents or spawns itself: @modes (a
 * function or NULL) gets argv with another "--" mode first.
 */
#define ACL_SHARE_MAIN(modes)						\
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
		if (argc > 1 && !strcmp(argv[1], ACL_AGENT_ARG))	\
			return acl_agent_main(argc, argv);		\
		if (argc > 1 && !strncmp(argv[1], "--", 2) && __modes) { \
			__rc = __modes(argc, argv);			\
			if (__rc >= 0)					\
				return __rc;				\
		}							\
		return test_harness_run(argc, argv);			\
	}

struct acl_agent {
	pid_t pid;
	int sock;
	uint64_t v[4];	/* results of the last request */
	int fd;		/* the descriptor its answer carried, or -1 */
};

/*
 * Starts an agent as user @uid (0: root, like us), made by clone(2) with
 * @flags (0: fork): 0 or -errno.
 */
static inline int acl_agent_start_flags(struct acl_agent *ag, uid_t uid,
					unsigned long flags)
{
	char exe[PATH_MAX], sockarg[16];
	const char *args[3] = { ACL_AGENT_ARG, sockarg, NULL };
	int sv[2], rc;
	pid_t pid;

	memset(ag, 0, sizeof(*ag));
	ag->pid = -1;
	ag->sock = -1;
	ag->fd = -1;
	rc = acl_self_exe(exe, sizeof(exe));
	if (rc)
		return rc;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = acl_fork(flags);
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
		acl_exec_self(exe, uid, args);
	}
	close(sv[1]);
	ag->pid = pid;
	ag->sock = sv[0];
	return 0;
}

static inline int acl_agent_start(struct acl_agent *ag, uid_t uid)
{
	return acl_agent_start_flags(ag, uid, 0);
}

/* One request, with @fd along if >= 0: the answer's rc or ACL_AGENT_DEAD. */
static inline int acl_agent_call(struct acl_agent *ag, uint32_t op, int fd,
				 uint64_t a0, uint64_t a1, uint64_t a2,
				 uint64_t a3)
{
	struct acl_agent_req req = { .op = op, .a = { a0, a1, a2, a3 } };
	struct acl_agent_rsp rsp;

	memset(ag->v, 0, sizeof(ag->v));
	ag->fd = -1;
	if (ag->sock < 0 || acl_msg_send(ag->sock, &req, sizeof(req), fd) ||
	    acl_msg_recv(ag->sock, &rsp, sizeof(rsp), &ag->fd))
		return ACL_AGENT_DEAD;
	memcpy(ag->v, rsp.v, sizeof(ag->v));
	return (int)rsp.rc;
}

/* Hangs up and reaps the agent: its exit code. */
static inline int acl_agent_stop(struct acl_agent *ag)
{
	int code;

	if (ag->pid <= 0)
		return -1;
	close(ag->sock);
	ag->sock = -1;
	code = acl_reap(ag->pid);
	ag->pid = -1;
	return code;
}

#define ag_call(ag, op, a0, a1, a2, a3) \
	acl_agent_call(ag, op, -1, (uint64_t)(a0), (uint64_t)(a1), \
		       (uint64_t)(a2), (uint64_t)(a3))

/* The agent's handle, address or value from the last request. */
#define ag_v(ag, i)	((ag)->v[i])

/* ASSERTs an agent request answered @want (ACL_SUCCESS, 0, an aclError). */
#define AG_ASSERT_RC(want, call) do {					\
	int __rc = (call);						\
	ASSERT_EQ((int)(want), __rc) {					\
		TH_LOG("%s: %d%s", #call, __rc,				\
		       __rc == ACL_AGENT_DEAD ? " (the agent is gone)" : ""); \
	}								\
} while (0)

#define AG_EXPECT_RC(want, call) do {					\
	int __rc = (call);						\
	EXPECT_EQ((int)(want), __rc) {					\
		TH_LOG("%s: %d%s", #call, __rc,				\
		       __rc == ACL_AGENT_DEAD ? " (the agent is gone)" : ""); \
	}								\
} while (0)

#define AG_ASSERT(call)	AG_ASSERT_RC(0, call)

/* ASSERTs that the agent sees @seed's pattern at @addr. */
#define AG_ASSERT_PATTERN(ag, addr, len, seed) do {			\
	int __rc = ag_call(ag, AG_CHECK, addr, len, seed, 0);		\
	ASSERT_EQ(0, __rc) {						\
		if (__rc == -EIO)					\
			TH_LOG("agent %d: pattern %llu: bad word at +0x%llx: 0x%llx, want 0x%llx", \
			       (ag)->pid, (unsigned long long)(seed),	\
			       (unsigned long long)(ag)->v[0],		\
			       (unsigned long long)(ag)->v[1],		\
			       (unsigned long long)acl_word(seed,	\
							    (ag)->v[0])); \
		else							\
			TH_LOG("agent %d: check failed: %d", (ag)->pid, __rc); \
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* A mapped handle                                                    */
/* ------------------------------------------------------------------ */

struct acl_mapped {
	aclrtDrvMemHandle h;
	void *p;
	size_t size;
};

/* A 2 MiB-page handle of @size (prop handleType @type), mapped, filled. */
#define ACL_MAPPED_MAKE(m, _size, type, seed) do {			\
	aclrtPhysicalMemProp __prop = acl_prop_2m();			\
	(m)->size = (_size);						\
	__prop.handleType = (type);					\
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&(m)->h, (m)->size,	\
						   &__prop, 0));	\
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&(m)->p, (m)->size, \
						      0, NULL, 0));	\
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem((m)->p, (m)->size, 0, (m)->h, 0)); \
	acl_fill((m)->p, (m)->size, seed);				\
} while (0)

#define ACL_MAPPED_DROP(m) do {						\
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((m)->p));			\
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress((m)->p));		\
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical((m)->h));		\
} while (0)

/* ------------------------------------------------------------------ */
/* dma-buf fdinfo                                                     */
/* ------------------------------------------------------------------ */

/* /proc/@pid/fdinfo/@fd: "exp_name:" in @name, "size:" in *size. */
static inline int acl_fdinfo(pid_t pid, int fd, char *name, size_t n,
			     uint64_t *size)
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

#define ACL_EXPECT_DMABUF(pid, fd, _size) do {				\
	char __name[64];						\
	uint64_t __size = 0;						\
	ASSERT_EQ(0, acl_fdinfo(pid, fd, __name, sizeof(__name), &__size)); \
	EXPECT_STREQ("aclmem", __name);					\
	EXPECT_EQ((uint64_t)(_size), __size);				\
} while (0)

#endif /* ACL_SHARE_UTILS_H */
