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
int test_agent_send(int sock, const void *msg, size_t len,
		    int fd);

/*
 * Receives one message of exactly @len bytes; *fd is the descriptor that
 * came with it (close-on-exec) or -1. 0, or -1 on EOF or error.
 */
int test_agent_recv(int sock, void *msg, size_t len, int *fd);

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
int test_agent_mmap(int fd, uint64_t off, uint64_t len,
		    uint64_t *addr);

/*
 * The answer to a pattern check of the words at @addr that found the bad
 * word at byte offset @bad (-1: none): its offset and value in a->v[].
 */
int64_t test_agent_check_rsp(struct test_agent_rsp *a,
			     uint64_t addr, long bad);

/*
 * One request: an op of enum test_agent_op here, any other by @serve.
 * @in is the descriptor that came along (AG_RECV_FD keeps it: then *in is
 * -1), *out one to send back with the answer.
 */
int64_t test_agent_serve(const struct test_agent_req *r,
			 int *in, struct test_agent_rsp *a,
			 int *out, test_agent_serve_t serve,
			 void *ctx);

/*
 * The agent's main loop on @sock: serves requests until the test hangs up
 * (0), or an answer cannot go (101). The agent's exit code.
 */
int test_agent_loop(int sock, test_agent_serve_t serve,
		    void *ctx);

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
int test_self_exe(char *exe, size_t n);

/*
 * In a forked child: become @uid (0: stay; groups too), die with the
 * parent, exec @exe with @args (NULL-terminated, after argv[0]). Never
 * returns.
 */
void test_exec_self(const char *exe, uid_t uid,
		    const char *const *args);

/*
 * Starts an agent as user @uid (0: root, like us), made by ops->fork(@flags)
 * and so tracked by the test: exec of this binary with { ops->mode, SOCK
 * [, the argument of ops->setup] }. 0 or -errno. The agent also dies with
 * us (PR_SET_PDEATHSIG) and when the socket closes.
 */
int test_agent_start(struct test_agent *ag,
		     const struct test_agent_ops *ops,
		     uid_t uid, unsigned long flags);

/*
 * One request with @fd (if >= 0) along: the answer's rc, or
 * TEST_AGENT_DEAD. Results in ag->v[], a descriptor that came back in
 * ag->fd.
 */
int test_agent_call(struct test_agent *ag, uint32_t op, int fd,
		    uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3);

/* Hangs up and reaps the agent: its exit code (0 when all went well). */
int test_agent_stop(struct test_agent *ag);

/* SIGKILLs and reaps the agent: 128 + SIGKILL when it was alive. */
int test_agent_kill(struct test_agent *ag);

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
int test_fdinfo(pid_t pid, int fd, char *name, size_t n,
		unsigned long long *size);

#endif /* TESTS_COMMON_AGENT_H */
