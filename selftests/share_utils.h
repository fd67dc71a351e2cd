/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: helpers of the sharing selftests (share_*_test.c).
 *
 * - wrappers of EXPORT, SET_PIDS, IMPORT, EXPORT_FD and IMPORT_FD that
 *   return 0 or -errno;
 * - the aclmem side of an agent (tests/common/agent.h): a separate process,
 *   optionally running as another user, that opens /dev/aclmem itself
 *   (before it drops root: the device is 0600) and runs aclmem calls on
 *   request. Requests answer 0 or -errno, or TEST_AGENT_DEAD when the agent
 *   is gone;
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

#include "aclmem_utils.h"
#include "common/agent.h"
#include "common/lastpid.h"

/* The user of the "other user" agents (nobody). */
#define SHARE_OTHER_UID		TEST_AGENT_OTHER_UID

/* argv[1] of an agent. */
#define SHARE_AGENT_ARG		"--share-agent"

/* ------------------------------------------------------------------ */
/* ioctl wrappers: 0 or -errno                                        */
/* ------------------------------------------------------------------ */

int _share_export(int fd, __u32 handle, __u32 flags,
		  __u64 *token);

int _share_set_pids(int fd, __u64 token, const __u32 *pids,
		    __u32 nr);

int _share_import(int fd, __u64 token, struct aclmem_import *out);

int _share_import_fd(int fd, __u64 dmabuf_fd,
		     struct aclmem_import *out);

int _share_export_fd(int fd, __u32 handle, __u32 flags,
		     int *out_fd);

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
/* The agent                                                          */
/* ------------------------------------------------------------------ */

/* Its aclmem requests; it serves those of enum test_agent_op too. */
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
	AG_FILL,	/* address, len, seed, base */
	AG_CHECK,	/* address, len, seed, base -> bad offset, word */
	AG_QUERY,	/* handle -> size, page_size, mappings */
};

/* One aclmem request, in the agent; @ctx points to its /dev/aclmem. */
int64_t share_agent_serve(void *ctx,
			  const struct test_agent_req *r,
			  struct test_agent_rsp *a);

/* main() of an agent: argv = { exe, SHARE_AGENT_ARG, sock, dev }. */
int share_agent_main(int argc, char **argv);

/* main() of a test file that uses agents. */
#define SHARE_TEST_MAIN							\
	TEST_AGENT_MAIN(SHARE_AGENT_ARG, share_agent_main, NULL)

/* The test's side of one agent. */
#define share_agent		test_agent

/* In the agent's child, still root: opens its /dev/aclmem (argv[3]). */
int share_agent_open_dev(char *arg, size_t len);

int share_agent_reap(pid_t pid);

/*
 * Starts an agent as user @uid (0: root, like us), made by clone(2) with
 * @flags (0: fork). 0 or -errno. The child is tracked, so the fixture
 * teardown kills it after a failure.
 */
int share_agent_start_flags(struct share_agent *ag, uid_t uid,
			    unsigned long flags);

int share_agent_start(struct share_agent *ag, uid_t uid);

/* Hangs up and reaps the agent: its exit code (0 when all went well). */
#define share_agent_stop	test_agent_stop

/* SIGKILLs and reaps the agent: 128 + SIGKILL when it was alive. */
#define share_agent_kill	test_agent_kill

/* ---- typed requests: 0, -errno or TEST_AGENT_DEAD ---- */

int ag_info(struct share_agent *ag, __u32 *tgid);

int ag_alloc(struct share_agent *ag, __u64 size,
	     __u64 page_size, __u32 *h, __u64 *off);

int ag_free(struct share_agent *ag, __u32 h);

int ag_export(struct share_agent *ag, __u32 h, __u32 flags,
	      __u64 *token);

int ag_set_pids(struct share_agent *ag, __u64 token, __u32 pid);

/* The imported handle in imp->out_* (imp may be NULL). */
int ag_import(struct share_agent *ag, __u64 token,
	      struct aclmem_import *imp);

int ag_import_fd(struct share_agent *ag, __u64 fd,
		 struct aclmem_import *imp);

int ag_export_fd(struct share_agent *ag, __u32 h, __u32 flags,
		 int *fd);

/* mmap of the agent's fd @fd, or of its /dev/aclmem when @fd is -1. */
int ag_mmap(struct share_agent *ag, int fd, __u64 off,
	    __u64 len, __u64 *addr);

int ag_munmap(struct share_agent *ag, __u64 addr, __u64 len);

int ag_fill(struct share_agent *ag, __u64 addr, __u64 len,
	    __u64 seed);

/* -EIO on a mismatch: offset in ag->v[0], the word found in ag->v[1]. */
int ag_check_at(struct share_agent *ag, __u64 addr, __u64 len,
		__u64 seed, __u64 base);

int ag_check(struct share_agent *ag, __u64 addr, __u64 len,
	     __u64 seed);

/* Hands our @fd to the agent (SCM_RIGHTS); its number there in *agent_fd. */
int ag_give_fd(struct share_agent *ag, int fd, int *agent_fd);

/* Takes the agent's @agent_fd (SCM_RIGHTS); ours in *fd. */
int ag_take_fd(struct share_agent *ag, int agent_fd, int *fd);

/* The agent takes @fd of process @pid with pidfd_getfd(2). */
int ag_pidfd_getfd(struct share_agent *ag, pid_t pid, int fd,
		   int *agent_fd);

int ag_close(struct share_agent *ag, int fd);

int ag_query(struct share_agent *ag, __u32 h,
	     struct aclmem_query *q);

/* ASSERTs that an agent request (or any 0/-errno call) succeeded. */
#define AG_ASSERT(call) do {						\
	int __rc = (call);						\
	ASSERT_EQ(0, __rc) {						\
		TH_LOG("%s: %s", #call, __rc == TEST_AGENT_DEAD ?	\
		       "the agent is gone" : strerror(-__rc));		\
	}								\
} while (0)


/* ASSERTs that the agent sees @seed's pattern at @addr. */
#define ag_assert_pattern(ag, addr, len, seed)				\
	TEST_AGENT_ASSERT_PATTERN(ag, ag_check(ag, addr, len, seed), seed)

/* ------------------------------------------------------------------ */
/* Fault injection (kmod/fault.c)                                     */
/* ------------------------------------------------------------------ */

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
		ASSERT_EQ(0, aclmem_fail_nth_set(__n));			\
		rc = (call);						\
		__left = aclmem_fail_nth_left();			\
		ASSERT_EQ(0, aclmem_fail_nth_set(0));			\
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
	if (access(ACLMEM_FAIL_NTH, W_OK))				\
		SKIP(return, "no " ACLMEM_FAIL_NTH " in this module");	\
} while (0)

/* ------------------------------------------------------------------ */
/* dma-buf fdinfo                                                     */
/* ------------------------------------------------------------------ */

/*
 * Reads /proc/@pid/fdinfo/@fd: the dma-buf's "size:" in *size and its
 * "exp_name:" in @name (empty when the lines are missing). 0 or -errno.
 */
#define share_fdinfo		test_fdinfo

#endif /* __SELFTESTS_SHARE_UTILS_H */
