/* SPDX-License-Identifier: MIT */
/*
 * Description: helpers of the libascendcl sharing tests (share_*_test.c).
 *
 * Include it instead of acl_test_utils.h.
 *
 * - the ACL side of an agent (tests/common/agent.h): a separate process
 *   with a library state of its own, optionally running as another user,
 *   that makes ACL calls on request. ACL requests answer the aclError,
 *   system ones 0 or -errno, and every one TEST_AGENT_DEAD when the agent
 *   is gone. The library opens /dev/aclmem in the agent, after it became
 *   the other user: acl_dev_open_to_all() lets it (the device is 0600
 *   root);
 * - a test's steps with an agent: start one (as another user, or under a
 *   pid chosen in advance through /proc/sys/kernel/ns_last_pid), have it
 *   allocate and map, or import and map and check a pattern, unmap and
 *   free;
 * - tracking of the processes a test started, which the fixture teardown
 *   kills after a failed ASSERT;
 * - a physical handle mapped at a reservation of its own, with a pattern;
 * - /proc/PID/fdinfo/FD of a dma-buf.
 *
 * A test file using agents or spawning itself ends with ACL_SHARE_MAIN(fn):
 * its main() serves as the agent when called with ACL_AGENT_ARG, passes
 * other "--" modes to fn(argc, argv) (which returns the exit code, or -1
 * when it does not know the mode), and runs the harness otherwise. With
 * requests of its own, ACL_SHARE_MAIN_SERVING(serve, fn): serve() answers
 * them and passes the others on to acl_agent_serve().
 */
#ifndef ACL_SHARE_UTILS_H
#define ACL_SHARE_UTILS_H

#include "acl_test_utils.h"
#include "common/agent.h"
#include "common/lastpid.h"

#include <acl/aclmem_ext.h>

#define ACL_OTHER_UID		TEST_AGENT_OTHER_UID
#define ACL_AGENT_ARG		"--acl-agent"

/* ------------------------------------------------------------------ */
/* Children                                                           */
/* ------------------------------------------------------------------ */

#define ACL_MAX_KIDS	16

extern pid_t acl_kids[ACL_MAX_KIDS];

/*
 * fork(), or clone(2) with @flags (CLONE_NEWPID...): the parent tracks the
 * child, the child forgets the list.
 */
pid_t acl_fork(unsigned long flags);

/* Waits for a tracked child: its exit code, 128 + signal, or -1. */
int acl_reap(pid_t pid);

void acl_kill_kids(void);

/* Starts this binary with @args as a tracked child: its pid or -errno. */
pid_t acl_spawn_self(uid_t uid, const char *const *args);

/* ------------------------------------------------------------------ */
/* /dev/aclmem for another user                                       */
/* ------------------------------------------------------------------ */

extern mode_t acl_dev_mode_saved;

/* chmod 0666 /dev/aclmem, remembering the mode: 0 or -errno. */
int acl_dev_open_to_all(void);

/* Puts the mode back (if it was changed): 0 or -errno. */
int acl_dev_restore(void);

/* ------------------------------------------------------------------ */
/* The agent                                                          */
/* ------------------------------------------------------------------ */

/* Its ACL requests; it serves those of enum test_agent_op too. */
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
	AG_ACL_INIT,	/* aclInit(NULL) alone: no device, no context */
	AG_SET_DEVICE,	/* device (aclrtSetDevice) */
	AG_RESET_DEVICE,	/* device (aclrtResetDevice) */
};

void *acl_ptr(uint64_t v);

/* One ACL request, in the agent. */
int64_t acl_agent_serve(void *ctx,
			const struct test_agent_req *r,
			struct test_agent_rsp *a);

/*
 * main() of an agent whose requests @serve answers (acl_agent_serve(), or
 * a test's own that passes on the requests it does not know to it):
 * argv = { exe, ACL_AGENT_ARG, sock }.
 */
int acl_agent_main_serving(int argc, char **argv,
			   test_agent_serve_t serve);

int acl_agent_main(int argc, char **argv);

/*
 * main() of a test file that uses agents or spawns itself: @modes (a
 * function or NULL) gets argv with another "--" mode first.
 */
#define ACL_SHARE_MAIN(modes)						\
	TEST_AGENT_MAIN(ACL_AGENT_ARG, acl_agent_main, modes)

/* The same, with agents whose requests @serve answers. */
#define ACL_SHARE_MAIN_SERVING(serve, modes)				\
	static int acl_agent_main_##serve(int argc, char **argv)	\
	{								\
		return acl_agent_main_serving(argc, argv, serve);	\
	}								\
	TEST_AGENT_MAIN(ACL_AGENT_ARG, acl_agent_main_##serve, modes)

/* The test's side of one agent. */
#define acl_agent		test_agent

/*
 * Starts an agent as user @uid (0: root, like us), made by clone(2) with
 * @flags (0: fork): 0 or -errno.
 */
int acl_agent_start_flags(struct acl_agent *ag, uid_t uid,
			  unsigned long flags);

int acl_agent_start(struct acl_agent *ag, uid_t uid);

/* One request, with @fd along if >= 0: the answer's rc or TEST_AGENT_DEAD. */
#define acl_agent_call		test_agent_call

/* Hangs up and reaps the agent: its exit code. */
#define acl_agent_stop		test_agent_stop

#define ag_call(ag, op, a0, a1, a2, a3) \
	test_agent_call(ag, op, -1, (uint64_t)(a0), (uint64_t)(a1), \
			(uint64_t)(a2), (uint64_t)(a3))

/* The agent's handle, address or value from the last request. */
#define ag_v(ag, i)	((ag)->v[i])

/* ASSERTs an agent request answered @want (ACL_SUCCESS, 0, an aclError). */
#define AG_ASSERT_RC(want, call) do {					\
	int __rc = (call);						\
	ASSERT_EQ((int)(want), __rc) {					\
		TH_LOG("%s: %d%s", #call, __rc,				\
		       __rc == TEST_AGENT_DEAD ? " (the agent is gone)" : ""); \
	}								\
} while (0)

#define AG_EXPECT_RC(want, call) do {					\
	int __rc = (call);						\
	EXPECT_EQ((int)(want), __rc) {					\
		TH_LOG("%s: %d%s", #call, __rc,				\
		       __rc == TEST_AGENT_DEAD ? " (the agent is gone)" : ""); \
	}								\
} while (0)

#define AG_ASSERT(call)	AG_ASSERT_RC(0, call)

/* ASSERTs that the agent sees @seed's pattern at @addr. */
#define AG_ASSERT_PATTERN(ag, addr, len, seed)				\
	TEST_AGENT_ASSERT_PATTERN(ag,					\
		ag_call(ag, AG_CHECK, addr, len, seed, 0), seed)

/* ------------------------------------------------------------------ */
/* A test's steps with an agent (they ASSERT)                         */
/* ------------------------------------------------------------------ */

#ifndef ACL_TEST_UTILS_NO_HARNESS
/*
 * Starts an agent as @uid (0: root) with device 0 set there; *pid (if not
 * NULL) its bare tgid, which is its pid (no pid namespace here). For
 * another user /dev/aclmem is open to all while the library opens it.
 */
static inline void acl_agent_up(struct __test_metadata *_metadata,
				struct acl_agent *ag, uid_t uid, int32_t *pid)
{
	if (uid)
		ASSERT_EQ(0, acl_dev_open_to_all());
	AG_ASSERT(acl_agent_start(ag, uid));
	AG_ASSERT(ag_call(ag, AG_BARE_TGID, 0, 0, 0, 0));
	ASSERT_EQ(ag->pid, (pid_t)ag_v(ag, 0));
	AG_ASSERT(ag_call(ag, AG_INIT, 0, 0, 0, 0));
	if (uid)
		ASSERT_EQ(0, acl_dev_restore());
	if (pid)
		*pid = (int32_t)ag->pid;
}

/*
 * Starts an agent as root under pid @want (through ns_last_pid), with
 * device 0 set there: 0; 1 when other processes took the pid first every
 * time; -errno when ns_last_pid cannot be written (a kernel without
 * CONFIG_CHECKPOINT_RESTORE).
 */
static inline int acl_agent_up_as(struct __test_metadata *_metadata,
				  struct acl_agent *ag, pid_t want)
{
	int i, rc;

	for (i = 0; i < 8; i++) {
		rc = test_set_last_pid(want - 1);
		if (rc)
			return rc;
		test_wait_clock_tick();
		AG_ASSERT(acl_agent_start(ag, 0));
		if (ag->pid == want) {
			AG_ASSERT(ag_call(ag, AG_INIT, 0, 0, 0, 0));
			return 0;
		}
		EXPECT_EQ(0, acl_agent_stop(ag));
	}
	return 1;
}
#endif /* ACL_TEST_UTILS_NO_HARNESS */

/* SKIPs the test after acl_agent_up_as() returned @rc != 0. */
#define ACL_SKIP_NOT_UP_AS(rc, want)					\
	SKIP(return, "no process under pid %d: %s", (int)(want),	\
	     (rc) > 0 ? "taken by other processes" : strerror(-(rc)))

#ifndef ACL_TEST_UTILS_NO_HARNESS
/*
 * The agent makes a handle with request @op (AG_IMPORT, AG_IMPORT_FD or a
 * test's own) of @arg, maps it and sees @seed's pattern in @size bytes
 * there: the handle in *h, the address in *addr.
 */
static inline void acl_agent_import_map(struct __test_metadata *_metadata,
					struct acl_agent *ag, uint32_t op,
					uint64_t arg, size_t size,
					uint64_t seed, uint64_t *h,
					uint64_t *addr)
{
	AG_ASSERT(ag_call(ag, op, arg, 0, 0, 0));
	*h = ag_v(ag, 0);
	ASSERT_NE(0ULL, *h);
	AG_ASSERT(ag_call(ag, AG_MAP, *h, size, 0, 0));
	*addr = ag_v(ag, 0);
	AG_ASSERT_PATTERN(ag, *addr, size, seed);
}

/*
 * The agent allocates @size (2 MiB pages on device 0), maps it and writes
 * @seed's pattern there: the handle in *h, the address in *addr.
 */
static inline void acl_agent_malloc_map(struct __test_metadata *_metadata,
					struct acl_agent *ag, size_t size,
					uint64_t seed, uint64_t *h,
					uint64_t *addr)
{
	AG_ASSERT(ag_call(ag, AG_MALLOC, size, ACL_MEM_HANDLE_TYPE_NONE, 0,
			  0));
	*h = ag_v(ag, 0);
	ASSERT_NE(0ULL, *h);
	AG_ASSERT(ag_call(ag, AG_MAP, *h, size, 0, 0));
	*addr = ag_v(ag, 0);
	AG_ASSERT(ag_call(ag, AG_FILL, *addr, size, seed, 0));
}

/* The agent unmaps what AG_MAP mapped at @addr and frees handle @h. */
static inline void acl_agent_unmap_free(struct __test_metadata *_metadata,
					struct acl_agent *ag, uint64_t h,
					uint64_t addr)
{
	AG_ASSERT(ag_call(ag, AG_UNMAP, addr, 0, 0, 0));
	AG_ASSERT(ag_call(ag, AG_FREE, h, 0, 0, 0));
}
#endif /* ACL_TEST_UTILS_NO_HARNESS */

/* ------------------------------------------------------------------ */
/* A mapped handle                                                    */
/* ------------------------------------------------------------------ */

/*
 * A 2 MiB-page handle of @size (prop handleType @type) in a reservation of
 * its own, mapped and filled (struct acl_mapped, acl_test_utils.h).
 */
#define ACL_MAPPED_MAKE(m, _size, type, seed) do {			\
	aclrtPhysicalMemProp __prop = acl_prop_2m();			\
	__prop.handleType = (type);					\
	acl_map_new(_metadata, (m), (_size), 0, (_size), &__prop);	\
	acl_fill((m)->p, (m)->size, seed);				\
} while (0)

#define ACL_MAPPED_DROP(m) acl_map_done(_metadata, (m))

/* ------------------------------------------------------------------ */
/* dma-buf fdinfo                                                     */
/* ------------------------------------------------------------------ */

/* The dma-buf @fd of process @pid is aclmem's, of @_size bytes. */
#define ACL_EXPECT_DMABUF(pid, fd, _size) do {				\
	char __name[64];						\
	unsigned long long __size = 0;					\
	ASSERT_EQ(0, test_fdinfo(pid, fd, __name, sizeof(__name), &__size)); \
	EXPECT_STREQ("aclmem", __name);					\
	EXPECT_EQ((unsigned long long)(_size), __size);			\
} while (0)

#endif /* ACL_SHARE_UTILS_H */
