// SPDX-License-Identifier: GPL-2.0
/*
 * Description: sharing a handle between processes by token (EXPORT,
 * SET_PIDS, IMPORT). Every other process is an agent: fork + exec of this
 * binary, driven over a unix socket (share_utils.h).
 *
 * A whitelisted process imports and maps the exporter's pages: it reads
 * the exporter's data, the exporter reads what it writes, both count one
 * set of pages. Not on the list: EACCES, whatever else is on it, even
 * root. Each entry holds the time it was set: a process that started
 * after that (a pid whitelisted before it existed, or reused since; made
 * predictable with ns_last_pid) is refused until the exporter sets the pid
 * again. ACLMEM_EXPORT_ANY_PID admits any process, whoever its user, and
 * leaves the token without a list (SET_PIDS on it is EPERM). The exporting
 * process is admitted by the same rules (on its own list, or ANY_PID).
 * EXPORT twice is EEXIST; EXPORT of an imported handle is EPERM; SET_PIDS
 * by another process than the exporter is EACCES, nr 0 or above
 * ACLMEM_MAX_SHARE_PIDS is EINVAL, 0 entries are ignored (all of them 0:
 * EINVAL), a pid already on the list does not count again, beyond
 * ACLMEM_MAX_SHARE_PIDS in total ENOSPC (a full list takes nothing, not
 * even a pid on it). EXPORT's cookie reaches every IMPORT. FREE or close
 * before the import revokes the token (ENOENT), even while the pages are
 * still mapped; FREE
 * after it leaves the importer's data intact and the pages in use until
 * the importer's handle and mapping are gone too; so does SIGKILL of the
 * exporter. The list takes pids as the exporter's pid namespace numbers
 * them (a process in a namespace of its own is whitelisted by the pid the
 * exporter sees, not by the one it sees; exporter and importer in one
 * child namespace by that namespace's pids; an exporter in a namespace
 * of its own cannot name an importer outside it), or with
 * ACLMEM_EXPORT_INIT_PID_NS the initial namespace's (INFO's out_tgid). A
 * process that gets the exporter's pid after it died is not the exporter
 * (SET_PIDS EACCES) and is not admitted by the exporter's entry. Random, zero and revoked tokens are ENOENT; tokens are random,
 * nonzero and below 2^53, spread over all 53 bits. Each allocation the
 * three calls make may fail (fail_nth): ENOMEM, nothing changed, nothing
 * leaked. user_limit_mb charges the allocating user, not the importer, for
 * as long as the pages live. Unknown flags and non-zero reserved or out_
 * fields are EINVAL. UNEXPORT revokes a token early: only the exporter,
 * on the file holding the handle (EACCES otherwise), unknown tokens
 * ENOENT; importers keep their pages, the handle exports again. One 1 GiB
 * case. The pool counters are back at the
 * baseline after every test (fixture teardown) and at the steps in between.
 */
#include "share_utils.h"

#include <dirent.h>

FIXTURE(share_token) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(share_token)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

#define USER_LIMIT_MB	"/sys/module/aclmem/parameters/user_limit_mb"

/* user_limit_mb before a test changed it, or -1. */
static long user_limit_saved = -1;

static long user_limit_get(void)
{
	return test_sysctl_read(USER_LIMIT_MB);
}

static int user_limit_put(long mb)
{
	FILE *f = fopen(USER_LIMIT_MB, "we");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", mb);
	return fclose(f) ? -errno : 0;
}

/* Sets user_limit_mb, remembering the value to restore. */
static int user_limit_set(long mb)
{
	if (user_limit_saved < 0) {
		user_limit_saved = user_limit_get();
		if (user_limit_saved < 0)
			return (int)user_limit_saved;
	}
	return user_limit_put(mb);
}

static int user_limit_restore(void)
{
	long v = user_limit_saved;

	if (v < 0)
		return 0;
	user_limit_saved = -1;
	return user_limit_put(v);
}

FIXTURE_TEARDOWN(share_token)
{
	EXPECT_EQ(0, user_limit_restore());
	aclmem_fail_nth_set(0);
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define BASE_IN_USE(self, ps) \
	((self)->base.out_pools[aclmem_pool_index(ps)].in_use)

/* A handle of ours, mapped, with a pattern, maybe exported. */
struct shared {
	__u32 h;
	__u64 off;
	__u64 size;
	__u64 page_size;
	void *p;
	__u64 token;
};

/* Allocates, maps and fills @sh (@size bytes of @page_size pages). */
static void shared_make(struct __test_metadata *_metadata, int fd,
			struct shared *sh, __u64 size, __u64 page_size,
			__u64 seed)
{
	memset(sh, 0, sizeof(*sh));
	sh->size = size;
	sh->page_size = page_size;
	aclmem_alloc(fd, size, page_size, ACLMEM_NODE_ANY, &sh->h, &sh->off);
	aclmem_mmap(fd, size, sh->off, &sh->p);
	aclmem_fill(sh->p, size, seed);
}

/* shared_make() of 2 MiB pages, then EXPORT with @flags. */
static void shared_export(struct __test_metadata *_metadata, int fd,
			  struct shared *sh, __u64 size, __u64 seed,
			  __u32 flags)
{
	shared_make(_metadata, fd, sh, size, SZ_2M, seed);
	ASSERT_EQ(0, _share_export(fd, sh->h, flags, &sh->token));
	ASSERT_NE(0ULL, sh->token);
}

static void shared_drop(struct __test_metadata *_metadata, int fd,
			struct shared *sh)
{
	aclmem_munmap(sh->p, sh->size);
	aclmem_free(fd, sh->h);
}

/* Starts an agent as @uid; *tgid is its tgid as INFO tells it. */
static void agent_start(struct __test_metadata *_metadata,
			struct share_agent *ag, uid_t uid, __u32 *tgid)
{
	__u32 t = 0;

	AG_ASSERT(share_agent_start(ag, uid));
	AG_ASSERT(ag_info(ag, &t));
	/* no pid namespace here: the bare tgid is the pid we see */
	ASSERT_EQ((__u32)ag->pid, t);
	ASSERT_EQ((__u64)uid, ag->v[2]);
	if (tgid)
		*tgid = t;
}

static void agent_stop(struct __test_metadata *_metadata,
		       struct share_agent *ag)
{
	EXPECT_EQ(0, share_agent_stop(ag));
}

/*
 * The agent imports @token (a @size handle of @page_size pages), maps it
 * and checks @seed's pattern; the imported handle and the address in
 * *imp and *addr.
 */
static void agent_import_map(struct __test_metadata *_metadata,
			     struct share_agent *ag, __u64 token, __u64 size,
			     __u64 page_size, __u64 seed,
			     struct aclmem_import *imp, __u64 *addr)
{
	AG_ASSERT(ag_import(ag, token, imp));
	ASSERT_NE(0U, imp->out_handle);
	ASSERT_EQ(size, imp->out_size);
	ASSERT_EQ(page_size, imp->out_page_size);
	AG_ASSERT(ag_mmap(ag, -1, imp->out_offset, size, addr));
	ag_assert_pattern(ag, *addr, size, seed);
}

/* The agent unmaps and frees what agent_import_map() gave it. */
static void agent_unmap_free(struct __test_metadata *_metadata,
			     struct share_agent *ag,
			     const struct aclmem_import *imp, __u64 addr)
{
	AG_ASSERT(ag_munmap(ag, addr, imp->out_size));
	AG_ASSERT(ag_free(ag, imp->out_handle));
}

/*
 * Imports @token in our file @fd: a handle of @size that maps and shows
 * @seed's pattern; unmapped and freed again.
 */
static void import_here(struct __test_metadata *_metadata, int fd,
			__u64 token, __u64 size, __u64 seed)
{
	struct aclmem_import imp;
	void *p = NULL;

	ASSERT_EQ(0, _share_import(fd, token, &imp));
	ASSERT_EQ(size, imp.out_size);
	aclmem_mmap(fd, size, imp.out_offset, &p);
	aclmem_assert_pattern(p, size, seed);
	aclmem_munmap(p, size);
	aclmem_free(fd, imp.out_handle);
}

TEST_F(share_token, whitelisted_import)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp, imp2;
	struct share_agent ag;
	struct aclmem_query q;
	struct shared sh;
	__u64 addr = 0;
	__u32 tgid = 0;

	shared_export(_metadata, self->fd, &sh, size, 11, 0);
	agent_start(_metadata, &ag, 0, &tgid);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));

	agent_import_map(_metadata, &ag, sh.token, size, SZ_2M, 11, &imp,
			 &addr);
	/* one file each: the agent's handle is its first */
	EXPECT_EQ(1U, imp.out_handle);
	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(1ULL, ag.v[1]);
	/* one set of pages, mapped twice, seen from either handle */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_query(self->fd, sh.h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);
	AG_ASSERT(ag_query(&ag, imp.out_handle, &q));
	EXPECT_EQ(2U, q.out_mappings);
	EXPECT_EQ(size, q.out_size);
	EXPECT_EQ(SZ_2M, q.out_page_size);

	/* the importer writes, the exporter reads, and back */
	AG_ASSERT(ag_fill(&ag, addr, size, 12));
	aclmem_assert_pattern(sh.p, size, 12);
	aclmem_fill(sh.p, size, 13);
	ag_assert_pattern(&ag, addr, size, 13);
	/* the token stays: importing again gives another handle */
	AG_ASSERT(ag_import(&ag, sh.token, &imp2));
	EXPECT_EQ(2U, imp2.out_handle);
	AG_ASSERT(ag_free(&ag, imp2.out_handle));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_expect_no_bad_refs(self->fd, sh.h);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Two importers and the exporter, all writing in turn. */
TEST_F(share_token, two_importers)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp[2];
	struct share_agent ag[2];
	struct aclmem_query q;
	__u32 tgid[2] = { 0, 0 };
	__u64 addr[2] = { 0, 0 };
	struct shared sh;
	int i;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 21, 0);
	for (i = 0; i < 2; i++)
		agent_start(_metadata, &ag[i], 0, &tgid[i]);
	/* one call for both */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, tgid, 2));
	for (i = 0; i < 2; i++)
		agent_import_map(_metadata, &ag[i], sh.token, SZ_2M, SZ_2M,
				 21, &imp[i], &addr[i]);
	aclmem_query(self->fd, sh.h, 0, &q);
	EXPECT_EQ(3U, q.out_mappings);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);

	AG_ASSERT(ag_fill(&ag[0], addr[0], SZ_2M, 22));
	ag_assert_pattern(&ag[1], addr[1], SZ_2M, 22);
	aclmem_assert_pattern(sh.p, SZ_2M, 22);

	for (i = 0; i < 2; i++) {
		agent_unmap_free(_metadata, &ag[i], &imp[i], addr[i]);
		agent_stop(_metadata, &ag[i]);
	}
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_F(share_token, not_whitelisted)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u32 others[3] = { 1, (__u32)getpid(), 0x7ffffff0U };
	struct aclmem_import imp;
	struct share_agent ag, ag2;
	__u32 tgid = 0, tgid2 = 0;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 31, 0);
	agent_start(_metadata, &ag, 0, &tgid);
	agent_start(_metadata, &ag2, 0, &tgid2);

	/* an empty list admits nobody, not even root */
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	/* nor does a list of others */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, others, 3));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(0ULL, ag.v[1]);	/* no handle made */

	/* the list grows: the first agent is on it, the second is not */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 31, &imp,
			 &addr);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag2, sh.token, NULL));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);

	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	agent_stop(_metadata, &ag2);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * ANY_PID: no process needs a list, whoever its user: root, another user
 * and a third, all importing at once, each writing what the next reads.
 */
TEST_F(share_token, any_pid_any_user)
{
	static const uid_t uid[3] = { 0, SHARE_OTHER_UID, SHARE_OTHER_UID - 1 };
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp[3];
	struct share_agent ag[3];
	__u64 addr[3] = { 0, 0, 0 };
	struct shared sh;
	int i;

	shared_export(_metadata, self->fd, &sh, size, 41,
		      ACLMEM_EXPORT_ANY_PID);
	for (i = 0; i < 3; i++) {
		agent_start(_metadata, &ag[i], uid[i], NULL);
		agent_import_map(_metadata, &ag[i], sh.token, size, SZ_2M,
				 41 + i, &imp[i], &addr[i]);
		AG_ASSERT(ag_fill(&ag[i], addr[i], size, 42 + i));
		aclmem_assert_pattern(sh.p, size, 42 + i);
	}
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	for (i = 0; i < 3; i++) {
		agent_unmap_free(_metadata, &ag[i], &imp[i], addr[i]);
		agent_stop(_metadata, &ag[i]);
	}
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * An ANY_PID token has no list: SET_PIDS on it is EPERM from any file of
 * the exporter, whatever it names, and the token still admits anyone.
 */
TEST_F(share_token, set_pids_any_pid)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	__u32 pids[3] = { 0, (__u32)getpid(), 0x40000000U };
	struct shared sh;
	int fd2;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 55,
		      ACLMEM_EXPORT_ANY_PID);
	agent_start(_metadata, &ag, SHARE_OTHER_UID, &pids[0]);
	ACLMEM_EXPECT_ERRNO(EPERM, _share_set_pids(self->fd, sh.token, pids,
						   1));
	ACLMEM_EXPECT_ERRNO(EPERM, _share_set_pids(self->fd, sh.token,
						   &pids[1], 1));
	ACLMEM_EXPECT_ERRNO(EPERM, _share_set_pids(self->fd, sh.token, pids,
						   3));
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	ACLMEM_EXPECT_ERRNO(EPERM, _share_set_pids(fd2, sh.token, pids, 1));
	close(fd2);
	/* the general rules come first */
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token, pids,
						    0));
	ACLMEM_EXPECT_ERRNO(EFAULT, _share_set_pids(self->fd, sh.token,
						    (__u32 *)8, 1));

	AG_ASSERT(ag_import(&ag, sh.token, &imp));
	AG_ASSERT(ag_free(&ag, imp.out_handle));
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Without ANY_PID another user needs the list too, and gets in with it. */
TEST_F(share_token, whitelisted_other_user)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;
	__u32 tgid = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 61, 0);
	agent_start(_metadata, &ag, SHARE_OTHER_UID, &tgid);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 61, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * An unprivileged exporter: ANY_PID admits its own user, root and another
 * user alike; without ANY_PID root is refused like anyone, and cannot put
 * itself on the list (EACCES: not the exporter).
 */
TEST_F(share_token, unprivileged_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ex, ag, ag2;
	struct aclmem_import imp;
	__u32 h[2] = { 0, 0 }, me = (__u32)getpid();
	__u64 off = 0, token[2] = { 0, 0 }, addr = 0, exaddr = 0;

	agent_start(_metadata, &ex, SHARE_OTHER_UID, NULL);
	agent_start(_metadata, &ag, SHARE_OTHER_UID, NULL);
	agent_start(_metadata, &ag2, SHARE_OTHER_UID - 1, NULL);
	AG_ASSERT(ag_alloc(&ex, SZ_2M, SZ_2M, &h[0], &off));
	AG_ASSERT(ag_mmap(&ex, -1, off, SZ_2M, &exaddr));
	AG_ASSERT(ag_fill(&ex, exaddr, SZ_2M, 71));
	AG_ASSERT(ag_export(&ex, h[0], ACLMEM_EXPORT_ANY_PID, &token[0]));
	AG_ASSERT(ag_alloc(&ex, SZ_2M, SZ_2M, &h[1], &off));
	AG_ASSERT(ag_export(&ex, h[1], 0, &token[1]));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	/* same user */
	agent_import_map(_metadata, &ag, token[0], SZ_2M, SZ_2M, 71, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	/* another user */
	agent_import_map(_metadata, &ag2, token[0], SZ_2M, SZ_2M, 71, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag2, &imp, addr);
	/* root */
	import_here(_metadata, self->fd, token[0], SZ_2M, 71);

	/* no ANY_PID: the list only, which only the exporter sets */
	share_import_err(EACCES, self->fd, token[1]);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, token[1], NULL));
	ACLMEM_EXPECT_ERRNO(EACCES, _share_set_pids(self->fd, token[1], &me,
						    1));
	ACLMEM_EXPECT_ERRNO(EACCES, _share_set_pids(self->fd, token[0], &me,
						    1));
	share_import_err(EACCES, self->fd, token[1]);
	AG_ASSERT(ag_set_pids(&ex, token[1], me));
	ASSERT_EQ(0, _share_import(self->fd, token[1], &imp));
	aclmem_free(self->fd, imp.out_handle);

	agent_stop(_metadata, &ag);
	agent_stop(_metadata, &ag2);
	AG_ASSERT(ag_munmap(&ex, exaddr, SZ_2M));
	agent_stop(_metadata, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * The exporting process imports its own token by the same rules as any
 * other process: refused (EACCES) while it is not on the list, from any
 * of its files, admitted once its tgid is, or with ANY_PID. What it
 * imports is another handle on the same pages: not EXPORTable, and
 * alive after FREE of the exported handle, which revokes the token.
 */
TEST_F(share_token, import_in_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u32 me = 0, others[2] = { 1, 0x7ffffff0U };
	struct aclmem_import imp, imp2;
	struct aclmem_info info;
	struct shared sh, any;
	void *p = NULL;
	int fd2;

	aclmem_info(self->fd, &info);
	me = info.out_tgid;
	ASSERT_EQ((__u32)getpid(), me);
	shared_export(_metadata, self->fd, &sh, SZ_2M, 81, 0);
	shared_export(_metadata, self->fd, &any, SZ_2M, 82,
		      ACLMEM_EXPORT_ANY_PID);
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	share_import_err(EACCES, self->fd, sh.token);
	share_import_err(EACCES, fd2, sh.token);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, others, 2));
	share_import_err(EACCES, self->fd, sh.token);
	EXPECT_EQ(2U, aclmem_nr_handles(self->fd));
	EXPECT_EQ(0U, aclmem_nr_handles(fd2));

	/* ANY_PID: in either file */
	import_here(_metadata, self->fd, any.token, SZ_2M, 82);
	import_here(_metadata, fd2, any.token, SZ_2M, 82);

	/* on its own list */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &me, 1));
	ASSERT_EQ(0, _share_import(self->fd, sh.token, &imp));
	ASSERT_EQ(0, _share_import(fd2, sh.token, &imp2));
	ACLMEM_EXPECT_ERRNO(EPERM, _share_export(self->fd, imp.out_handle, 0,
						 NULL));
	EXPECT_EQ(3U, aclmem_nr_handles(self->fd));
	EXPECT_EQ(1U, aclmem_nr_handles(fd2));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	/* FREE of the exported handle: the token goes, the imports stay */
	shared_drop(_metadata, self->fd, &sh);
	share_import_err(ENOENT, self->fd, sh.token);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_mmap(self->fd, SZ_2M, imp.out_offset, &p);
	aclmem_assert_pattern(p, SZ_2M, 81);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, imp.out_handle);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	close(fd2);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	shared_drop(_metadata, self->fd, &any);
}

TEST_F(share_token, export_twice)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	__u64 token = 0, addr = 0;
	struct shared sh;
	__u32 tgid = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 91, 0);
	ACLMEM_EXPECT_ERRNO(EEXIST,
			    _share_export(self->fd, sh.h, 0, &token));
	ACLMEM_EXPECT_ERRNO(EEXIST, _share_export(self->fd, sh.h,
						  ACLMEM_EXPORT_ANY_PID,
						  &token));
	/* the first token is intact, and still needs the list */
	agent_start(_metadata, &ag, 0, &tgid);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 91, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_F(share_token, export_imported)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 101,
		      ACLMEM_EXPORT_ANY_PID);
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 101, &imp,
			 &addr);
	ACLMEM_EXPECT_ERRNO(EPERM, ag_export(&ag, imp.out_handle, 0, NULL));
	ACLMEM_EXPECT_ERRNO(EPERM, ag_export(&ag, imp.out_handle,
					     ACLMEM_EXPORT_ANY_PID, NULL));
	/* a handle it allocated itself it may export */
	{
		__u32 h = 0;
		__u64 off = 0, token = 0;

		AG_ASSERT(ag_alloc(&ag, SZ_2M, SZ_2M, &h, &off));
		AG_ASSERT(ag_export(&ag, h, 0, &token));
		EXPECT_NE(sh.token, token);
		AG_ASSERT(ag_free(&ag, h));
	}
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * Only the exporting process sets the list: another one, root included,
 * is EACCES, on an ANY_PID token too; an unknown token is ENOENT.
 */
TEST_F(share_token, set_pids_not_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ag, ag2;
	struct aclmem_import imp, imp2;
	__u32 tgid = 0, tgid2 = 0;
	struct shared sh, any;
	__u64 addr = 0;
	int fd2;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 111, 0);
	shared_export(_metadata, self->fd, &any, SZ_2M, 112,
		      ACLMEM_EXPORT_ANY_PID);
	/* root agents, with CAP_SYS_ADMIN */
	agent_start(_metadata, &ag, 0, &tgid);
	agent_start(_metadata, &ag2, 0, &tgid2);
	/* an outsider cannot put itself on the list */
	ACLMEM_EXPECT_ERRNO(EACCES, ag_set_pids(&ag, sh.token, tgid));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_set_pids(&ag, any.token, tgid));
	/* nor can an importer add others */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 111, &imp,
			 &addr);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_set_pids(&ag, sh.token, tgid2));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag2, sh.token, NULL));
	/* an unknown token is ENOENT for anyone */
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_set_pids(&ag, sh.token ^ 1, tgid));
	ACLMEM_EXPECT_ERRNO(ENOENT,
			    _share_set_pids(self->fd, sh.token ^ 1, &tgid, 1));
	/* the exporter may use any of its files */
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, _share_set_pids(fd2, sh.token, &tgid2, 1));
	close(fd2);
	AG_ASSERT(ag_import(&ag2, sh.token, &imp2));
	AG_ASSERT(ag_free(&ag2, imp2.out_handle));

	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	agent_stop(_metadata, &ag2);
	shared_drop(_metadata, self->fd, &sh);
	shared_drop(_metadata, self->fd, &any);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * nr 0 or above ACLMEM_MAX_SHARE_PIDS is EINVAL; the list holds up to
 * ACLMEM_MAX_SHARE_PIDS distinct pids: a new one beyond is ENOSPC, one
 * already there is set again (its time renewed) without taking room, and
 * so are 0 entries, which are ignored. Filling the list takes the kernel
 * seconds under TCG (each pid is looked for in the list): once only, and
 * more time than the harness's default.
 */
TEST_F_TIMEOUT(share_token, set_pids_limits, 120)
{
	const __u32 max = ACLMEM_MAX_SHARE_PIDS;
	struct aclmem_import imp;
	struct aclmem_set_pids cmd;
	struct share_agent ag;
	struct shared sh, sh2;
	__u32 *pids, *zeros, tgid = 0, i;

	pids = calloc(max + 1, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	zeros = calloc(max, sizeof(*zeros));
	ASSERT_NE(NULL, zeros);
	/* tgids no process has (above PID_MAX_LIMIT) */
	for (i = 0; i <= max; i++)
		pids[i] = 0x40000000U + i;
	shared_export(_metadata, self->fd, &sh, SZ_2M, 121, 0);
	shared_export(_metadata, self->fd, &sh2, SZ_2M, 122, 0);
	agent_start(_metadata, &ag, 0, &tgid);

	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token,
						    pids, 0));
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token,
						    pids, max + 1));
	ACLMEM_EXPECT_ERRNO(EFAULT, _share_set_pids(self->fd, sh.token,
						    (__u32 *)8, 1));

	/* one short of the limit in one call: room for one more */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids, max - 1));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    &pids[max - 1], 2));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	/* full: a new pid is ENOSPC, with one already there too */
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    &pids[max - 1], 1));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    &pids[max - 2], 2));
	/* a full list takes nothing, not even what it has (as CANN's) */
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    &pids[max - 2], 1));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    &tgid, 1));
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token,
						    zeros, max - 1));
	AG_ASSERT(ag_import(&ag, sh.token, &imp));
	AG_ASSERT(ag_free(&ag, imp.out_handle));

	/* a list that grows by what is new in each call, the agent last */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, pids, 1000));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, &pids[500], 1000));
	/* what is on it may be set again, 0s are ignored */
	zeros[max - 1] = pids[0];
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, zeros, max));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, pids, 1000));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh2.token, NULL));
	pids[1500] = tgid;
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, &pids[1000], 501));
	AG_ASSERT(ag_import(&ag, sh2.token, &imp));
	AG_ASSERT(ag_free(&ag, imp.out_handle));

	/* unknown flags, non-zero reserved fields */
	memset(&cmd, 0, sizeof(cmd));
	cmd.token = sh.token;
	cmd.pids = (uintptr_t)pids;
	cmd.nr_pids = 1;
	cmd.flags = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_SET_PIDS, &cmd));
	cmd.flags = 0;
	cmd.reserved[1] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_SET_PIDS, &cmd));

	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	shared_drop(_metadata, self->fd, &sh2);
	free(zeros);
	free(pids);
}

/*
 * 0 entries of SET_PIDS are ignored: { 0, pid, 0 } admits pid; a list of
 * nothing but 0 is EINVAL and admits nobody.
 */
TEST_F(share_token, set_pids_zero_entries)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u32 zeros[3] = { 0, 0, 0 }, pids[3] = { 0, 0, 0 }, tgid2 = 0;
	struct aclmem_import imp, imp2;
	struct share_agent ag, ag2;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 125, 0);
	agent_start(_metadata, &ag, 0, &pids[1]);
	agent_start(_metadata, &ag2, 0, &tgid2);
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token, zeros,
						    1));
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token, zeros,
						    3));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	/* a 0 entry is no wildcard either */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids, 3));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 125, &imp,
			 &addr);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag2, sh.token, NULL));
	/* all 0s stays EINVAL with pids on the list */
	ACLMEM_EXPECT_ERRNO(EINVAL, _share_set_pids(self->fd, sh.token, zeros,
						    2));
	/* a 0 entry after the pid: ignored too */
	pids[1] = 0;
	pids[0] = tgid2;
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids, 2));
	AG_ASSERT(ag_import(&ag2, sh.token, &imp2));
	AG_ASSERT(ag_free(&ag2, imp2.out_handle));

	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	agent_stop(_metadata, &ag2);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* FREE or close of the exporter's handle revokes the token. */
TEST_F(share_token, freed_before_import)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ag;
	struct shared sh;
	__u64 token = 0, off = 0;
	__u32 tgid = 0, h = 0;
	int fd2;

	agent_start(_metadata, &ag, 0, &tgid);

	/* FREE, unmapped */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _share_export(self->fd, h, 0, &token));
	ASSERT_EQ(0, _share_set_pids(self->fd, token, &tgid, 1));
	aclmem_free(self->fd, h);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token, NULL));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_set_pids(self->fd, token, &tgid,
						    1));
	aclmem_expect_in_use(self->fd, SZ_2M, base);

	/* FREE while mapped: the pages live on, the token does not */
	shared_export(_metadata, self->fd, &sh, SZ_2M, 131, 0);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	aclmem_free(self->fd, sh.h);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, sh.token, NULL));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	aclmem_assert_pattern(sh.p, SZ_2M, 131);
	aclmem_munmap(sh.p, SZ_2M);
	aclmem_expect_in_use(self->fd, SZ_2M, base);

	/* close(2) of the exporter's file */
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	aclmem_alloc(fd2, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _share_export(fd2, h, ACLMEM_EXPORT_ANY_PID, &token));
	close(fd2);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token, NULL));

	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(0ULL, ag.v[1]);
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* FREE after the import: the importer keeps the pages. */
TEST_F(share_token, freed_after_import)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp, imp2;
	struct share_agent ag;
	__u64 addr = 0, addr2 = 0;
	struct shared sh;
	__u32 tgid = 0;

	agent_start(_metadata, &ag, 0, &tgid);
	shared_export(_metadata, self->fd, &sh, size, 141, 0);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, size, SZ_2M, 141, &imp,
			 &addr);
	/* a second handle, not mapped yet */
	AG_ASSERT(ag_import(&ag, sh.token, &imp2));

	shared_drop(_metadata, self->fd, &sh);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	/* the token went with the handle, the imports did not */
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, sh.token, NULL));
	ag_assert_pattern(&ag, addr, size, 141);
	AG_ASSERT(ag_fill(&ag, addr, size, 142));
	AG_ASSERT(ag_mmap(&ag, -1, imp2.out_offset, size, &addr2));
	ag_assert_pattern(&ag, addr2, size, 142);

	/* pages stay while any handle or mapping of them does */
	AG_ASSERT(ag_munmap(&ag, addr, size));
	AG_ASSERT(ag_free(&ag, imp.out_handle));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	AG_ASSERT(ag_free(&ag, imp2.out_handle));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	ag_assert_pattern(&ag, addr2, size, 142);
	AG_ASSERT(ag_munmap(&ag, addr2, size));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* SIGKILL of the exporter while the importer has the pages mapped. */
TEST_F(share_token, exporter_killed)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const __u64 size = 2 * SZ_2M;
	struct share_agent ex, ag;
	struct aclmem_import imp;
	struct aclmem_query q;
	__u64 off = 0, exaddr = 0, addr = 0, token = 0;
	__u32 h = 0, tgid = 0;

	agent_start(_metadata, &ex, 0, NULL);
	agent_start(_metadata, &ag, 0, &tgid);
	AG_ASSERT(ag_alloc(&ex, size, SZ_2M, &h, &off));
	AG_ASSERT(ag_mmap(&ex, -1, off, size, &exaddr));
	AG_ASSERT(ag_fill(&ex, exaddr, size, 151));
	AG_ASSERT(ag_export(&ex, h, 0, &token));
	AG_ASSERT(ag_set_pids(&ex, token, tgid));
	agent_import_map(_metadata, &ag, token, size, SZ_2M, 151, &imp,
			 &addr);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	EXPECT_EQ(128 + SIGKILL, share_agent_kill(&ex));
	/* the exporter's handle, mapping and token are gone */
	AG_ASSERT(ag_query(&ag, imp.out_handle, &q));
	EXPECT_EQ(1U, q.out_mappings);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token, NULL));
	/* the importer's are not */
	ag_assert_pattern(&ag, addr, size, 151);
	AG_ASSERT(ag_fill(&ag, addr, size, 152));
	ag_assert_pattern(&ag, addr, size, 152);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	AG_ASSERT(ag_munmap(&ag, addr, size));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	AG_ASSERT(ag_free(&ag, imp.out_handle));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	agent_stop(_metadata, &ag);
}

/* SIGKILL of the importer: the exporter does not notice. */
TEST_F(share_token, importer_killed)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	struct aclmem_query q;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 161,
		      ACLMEM_EXPORT_ANY_PID);
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 161, &imp,
			 &addr);
	AG_ASSERT(ag_fill(&ag, addr, SZ_2M, 162));
	EXPECT_EQ(128 + SIGKILL, share_agent_kill(&ag));

	aclmem_query(self->fd, sh.h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_assert_pattern(sh.p, SZ_2M, 162);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	/* the token lives on: another process may import */
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 162, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * An importer in a pid namespace of its own: the list names it by the
 * pid the exporter's namespace (here the initial one: INFO's out_tgid)
 * gives it, not by the pid it sees for itself.
 */
TEST_F(share_token, pid_namespace)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	__u32 tgid = 0, nspid;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 191, 0);
	AG_ASSERT(share_agent_start_flags(&ag, 0, CLONE_NEWPID));
	AG_ASSERT(ag_info(&ag, &tgid));
	nspid = (__u32)ag.v[3];
	EXPECT_EQ(1U, nspid);
	EXPECT_EQ((__u32)ag.pid, tgid);

	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &nspid, 1));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 191, &imp,
			 &addr);
	AG_ASSERT(ag_fill(&ag, addr, SZ_2M, 192));
	aclmem_assert_pattern(sh.p, SZ_2M, 192);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Pids whitelisted ahead of a process that is to have one of them. */
#define PID_RANGE	32

/* Tries at a predictable pid before a test gives up. */
#define PID_TRIES	8

/*
 * Starts a root agent after writing @last to ns_last_pid: it gets pid
 * @last + 1 unless that is taken or another process forks first. It
 * starts strictly after any SET_PIDS that returned before the call: the
 * entries' time and the process's start are both CLOCK_MONOTONIC, which
 * has moved on before the fork.
 */
static void agent_start_after(struct __test_metadata *_metadata,
			      struct share_agent *ag, long long last,
			      __u32 *tgid)
{
	test_wait_clock_tick();
	ASSERT_EQ(0, test_set_last_pid((pid_t)last));
	agent_start(_metadata, ag, 0, tgid);
}

/*
 * An entry admits the process that had the pid when it was set, not one
 * that started with it later: a pid whitelisted before its process
 * existed, or reused since, is refused (EACCES) until the exporter sets it
 * again. ns_last_pid (root, initial pid namespace) makes the next pids
 * predictable; a pid another process took first only means another try.
 */
TEST_F(share_token, pid_reused)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u32 pids[PID_RANGE], tgid = 0, tgid2 = 0;
	long long last, pid_max;
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;
	int i, try;

	if (access(TEST_NS_LAST_PID, W_OK))
		SKIP(return, "no writable " TEST_NS_LAST_PID);
	pid_max = test_sysctl_read(TEST_PID_MAX);
	ASSERT_LT(1000, pid_max);
	shared_export(_metadata, self->fd, &sh, SZ_2M, 221, 0);

	/* whitelisted before it existed: the next PID_RANGE pids */
	for (try = 0;; try++) {
		ASSERT_GT(PID_TRIES, try);
		last = test_sysctl_read(TEST_NS_LAST_PID);
		ASSERT_LE(0, last);
		if (last + 2 * PID_RANGE >= pid_max)
			last = 300;	/* the kernel's wrap-around point */
		for (i = 0; i < PID_RANGE; i++)
			pids[i] = (__u32)(last + 1 + i);
		ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids,
					     PID_RANGE));
		agent_start_after(_metadata, &ag, last, &tgid);
		if (tgid - pids[0] < PID_RANGE)
			break;
		TH_LOG("agent %u: not in %u..%u, again", tgid, pids[0],
		       pids[PID_RANGE - 1]);
		agent_stop(_metadata, &ag);
	}
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	/* set again, after it started: admitted */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 221, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);

	/* reused: a process admitted, gone, its pid given to a new one */
	for (try = 0;; try++) {
		ASSERT_GT(PID_TRIES, try);
		agent_start(_metadata, &ag, 0, &tgid);
		ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
		AG_ASSERT(ag_import(&ag, sh.token, &imp));
		AG_ASSERT(ag_free(&ag, imp.out_handle));
		agent_stop(_metadata, &ag);
		agent_start_after(_metadata, &ag, (long long)tgid - 1, &tgid2);
		if (tgid2 == tgid)
			break;
		TH_LOG("pid %u went to another process, again", tgid);
		agent_stop(_metadata, &ag);
	}
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(0ULL, ag.v[1]);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 221, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* The number of @pid's descriptor of /dev/aclmem, or -1. */
static int agent_dev_fd(pid_t pid)
{
	char dir[64], path[320], link[64];
	struct dirent *de;
	int fd = -1;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, ACLMEM_DEV_PATH))
			fd = atoi(de->d_name);
	}
	closedir(d);
	return fd;
}

/*
 * The token outlives its exporter while another process holds the file
 * with the handle. A process that gets the exporter's pid afterwards is
 * not the exporter: SET_PIDS is EACCES, and the exporter's own entry
 * (it listed itself) does not admit it. ns_last_pid (root, initial pid
 * namespace) hands it that pid.
 */
TEST_F(share_token, exporter_pid_reused)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ex, ag;
	__u32 etgid = 0, tgid = 0, h = 0;
	__u64 token = 0, off = 0;
	int held = -1, devfd, try;

	if (access(TEST_NS_LAST_PID, W_OK))
		SKIP(return, "no writable " TEST_NS_LAST_PID);
	for (try = 0;; try++) {
		ASSERT_GT(PID_TRIES, try);
		agent_start(_metadata, &ex, 0, &etgid);
		AG_ASSERT(ag_alloc(&ex, SZ_2M, SZ_2M, &h, &off));
		AG_ASSERT(ag_export(&ex, h, 0, &token));
		AG_ASSERT(ag_set_pids(&ex, token, etgid));
		devfd = agent_dev_fd(ex.pid);
		ASSERT_LE(0, devfd);
		AG_ASSERT(ag_take_fd(&ex, devfd, &held));
		agent_stop(_metadata, &ex);
		agent_start_after(_metadata, &ag, (long long)etgid - 1, &tgid);
		if (tgid == etgid)
			break;
		TH_LOG("pid %u went to another process, again", etgid);
		agent_stop(_metadata, &ag);
		close(held);
	}
	/* the token lives (we hold the exporter's file), not for this one */
	ACLMEM_EXPECT_ERRNO(EACCES, ag_set_pids(&ag, token, tgid));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, token, NULL));
	share_import_err(EACCES, self->fd, token);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 1);
	/* the last of the exporter's file goes: the token with it */
	close(held);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token, NULL));
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* A step of ns_importer(), and what it answers: 0 or -errno. */
enum { NS_IMPORT = 1, NS_QUIT };

#define NS_SEED		0x6e73

/*
 * The importer, pid 2 in the namespace: tells its bare tgid, then imports
 * @token on each NS_IMPORT, checks the exporter's data and lets go.
 */
static int ns_importer(int in, int out)
{
	struct aclmem_info info;
	struct aclmem_import imp;
	__u64 cmd[2];
	int dev, rc;
	void *p;

	dev = open(ACLMEM_DEV_PATH, O_RDWR | O_CLOEXEC);
	memset(&info, 0, sizeof(info));
	if (dev < 0 || _aclmem_info(dev, 0, &info))
		return 10;
	cmd[0] = info.out_tgid;
	if (write(out, cmd, sizeof(cmd[0])) != sizeof(cmd[0]))
		return 11;
	while (read(in, cmd, sizeof(cmd)) == sizeof(cmd) &&
	       cmd[0] == NS_IMPORT) {
		rc = _share_import(dev, cmd[1], &imp);
		if (!rc) {
			p = mmap(NULL, imp.out_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, dev, (off_t)imp.out_offset);
			if (p == MAP_FAILED)
				rc = -1000;
			else if (aclmem_check(p, SZ_2M, NS_SEED) >= 0)
				rc = -1001;
			if (p != MAP_FAILED)
				munmap(p, imp.out_size);
			_aclmem_free(dev, imp.out_handle);
		}
		cmd[0] = (__u64)(__s64)rc;
		if (write(out, cmd, sizeof(cmd[0])) != sizeof(cmd[0]))
			return 12;
	}
	return 0;
}

/* The exporter's NS_IMPORT: what the importer's IMPORT answered. */
static int ns_import(int to, int from, __u64 token)
{
	__u64 cmd[2] = { NS_IMPORT, token };

	if (write(to, cmd, sizeof(cmd)) != sizeof(cmd) ||
	    read(from, cmd, sizeof(cmd[0])) != sizeof(cmd[0]))
		return -EPIPE;
	return (int)(__s64)cmd[0];
}

/* SET_PIDS of @pid on @token, then NS_IMPORT: does the import answer @want? */
static bool ns_set_import(int dev, int to, int from, __u64 token, __u32 pid,
			  int want)
{
	return !_share_set_pids(dev, token, &pid, 1) &&
	       ns_import(to, from, token) == want;
}

/* A 2 MiB handle with the NS_SEED pattern, exported with @flags: 0 or -1. */
static int ns_export(int dev, __u32 flags, __u64 *token)
{
	__u64 off = 0;
	__u32 h = 0;
	void *p;

	if (_aclmem_alloc(dev, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off))
		return -1;
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		 (off_t)off);
	if (p == MAP_FAILED)
		return -1;
	aclmem_fill(p, SZ_2M, NS_SEED);
	munmap(p, SZ_2M);
	return _share_export(dev, h, flags, token) ? -1 : 0;
}

/*
 * The exporter, pid 1 of a pid namespace of its own: 0, or the step that
 * failed. A token's list takes the pids this namespace gives; one exported
 * with ACLMEM_EXPORT_INIT_PID_NS the bare tgids (INFO's out_tgid).
 */
static int ns_exporter(void)
{
	__u64 token = 0, token2 = 0, cmd[2] = { NS_QUIT, 0 };
	int dev, to[2], from[2], status, step = 0;
	__u32 nspid, bare;
	pid_t child;

	dev = open(ACLMEM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0 || getpid() != 1)
		return 1;
	if (ns_export(dev, 0, &token))
		return 2;
	if (pipe(to) || pipe(from))
		return 3;
	child = fork();
	if (child < 0)
		return 4;
	if (!child)
		_exit(ns_importer(to[0], from[1]));
	nspid = (__u32)child;
	if (read(from[0], cmd, sizeof(cmd[0])) != sizeof(cmd[0]))
		return 5;
	bare = (__u32)cmd[0];
	if (nspid != 2 || bare == nspid)
		step = 6;
	/* this namespace's numbers: the bare tgid is not it here */
	else if (!ns_set_import(dev, to[1], from[0], token, bare, -EACCES))
		step = 7;
	else if (!ns_set_import(dev, to[1], from[0], token, nspid, 0))
		step = 8;
	/* the initial namespace's numbers: the other way round */
	else if (ns_export(dev, ACLMEM_EXPORT_INIT_PID_NS, &token2))
		step = 9;
	else if (!ns_set_import(dev, to[1], from[0], token2, nspid, -EACCES))
		step = 10;
	else if (!ns_set_import(dev, to[1], from[0], token2, bare, 0))
		step = 11;
	cmd[0] = NS_QUIT;
	if (write(to[1], cmd, sizeof(cmd)) != sizeof(cmd))
		step = step ?: 12;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		step = step ?: 13;
	return step;
}

/*
 * Exporter and importer in a pid namespace of their own: the exporter
 * names the importer by the pid their namespace gives it (2), which also
 * names a process of the initial namespace (kthreadd), not the importer.
 */
TEST_F(share_token, pid_namespace_local)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	pid_t pid;

	pid = aclmem_clone(CLONE_NEWPID);
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(ns_exporter());
	EXPECT_EQ(0, aclmem_exit_code(aclmem_reap(pid)));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * The exporter, pid 1 of a pid namespace of its own, for an importer
 * outside it: two handles exported, one with the namespace's numbers, one
 * with ACLMEM_EXPORT_INIT_PID_NS; each list set to the importer's tgid as
 * read from @in (the initial namespace's: this namespace has no number for
 * it); the two tokens written to @out. Holds them until @in says quit.
 * Returns 0, or the step that failed.
 */
static int ns_outside_exporter(int in, int out)
{
	__u64 tokens[2] = { 0, 0 }, cmd[2];
	__u32 importer;
	int dev;

	dev = open(ACLMEM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0 || getpid() != 1)
		return 1;
	if (ns_export(dev, 0, &tokens[0]) ||
	    ns_export(dev, ACLMEM_EXPORT_INIT_PID_NS, &tokens[1]))
		return 2;
	if (read(in, cmd, sizeof(cmd[0])) != sizeof(cmd[0]))
		return 3;
	importer = (__u32)cmd[0];
	if (_share_set_pids(dev, tokens[0], &importer, 1) ||
	    _share_set_pids(dev, tokens[1], &importer, 1))
		return 4;
	if (write(out, tokens, sizeof(tokens)) != sizeof(tokens))
		return 5;
	if (read(in, cmd, sizeof(cmd[0])) != sizeof(cmd[0]) ||
	    cmd[0] != NS_QUIT)
		return 6;
	return 0;
}

/*
 * An exporter in a pid namespace of its own, the importer (this process)
 * outside it. The exporter's namespace gives the importer no number, so
 * a list in that namespace's numbers cannot admit it, whatever it holds:
 * EACCES for the importer's bare tgid there. With
 * ACLMEM_EXPORT_INIT_PID_NS the bare tgid names it: it imports and reads
 * the exporter's data. (The other way round, an importer inside and the
 * exporter outside: pid_namespace.)
 */
TEST_F(share_token, pid_namespace_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u64 tokens[2] = { 0, 0 }, cmd[2] = { 0, 0 };
	struct aclmem_import imp;
	struct aclmem_info info;
	int to[2], from[2];
	void *p;
	pid_t pid;

	aclmem_info(self->fd, &info);
	ASSERT_EQ(0, pipe(to));
	ASSERT_EQ(0, pipe(from));
	pid = aclmem_clone(CLONE_NEWPID);
	ASSERT_LE(0, pid);
	if (!pid) {
		close(to[1]);
		close(from[0]);
		_exit(ns_outside_exporter(to[0], from[1]));
	}
	close(to[0]);
	close(from[1]);
	cmd[0] = info.out_tgid;
	ASSERT_EQ((ssize_t)sizeof(cmd[0]), write(to[1], cmd, sizeof(cmd[0])));
	ASSERT_EQ((ssize_t)sizeof(tokens), read(from[0], tokens,
						 sizeof(tokens)));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	/* the namespace's numbers: the bare tgid is nobody there */
	share_import_err(EACCES, self->fd, tokens[0]);
	/* the initial namespace's: it is this process */
	ASSERT_EQ(0, _share_import(self->fd, tokens[1], &imp));
	p = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, self->fd,
		 (off_t)imp.out_offset);
	ASSERT_NE(MAP_FAILED, p);
	aclmem_assert_pattern(p, SZ_2M, NS_SEED);
	ASSERT_EQ(0, munmap(p, SZ_2M));
	/* one set of pages for the two handles */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_free(self->fd, imp.out_handle);

	cmd[0] = NS_QUIT;
	ASSERT_EQ((ssize_t)sizeof(cmd[0]), write(to[1], cmd, sizeof(cmd[0])));
	close(to[1]);
	close(from[0]);
	EXPECT_EQ(0, aclmem_exit_code(aclmem_reap(pid)));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* Tokens nobody exported, or that were revoked, name nothing. */
TEST_F(share_token, random_and_stale_tokens)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ag;
	__u64 token = 0, token2 = 0, off = 0, r;
	__u32 h = 0, tgid = 0;
	int i, urandom;

	agent_start(_metadata, &ag, 0, &tgid);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, 0, NULL));
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, ~0ULL, NULL));
	urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, urandom);
	for (i = 0; i < 16; i++) {
		ASSERT_EQ((ssize_t)sizeof(r), read(urandom, &r, sizeof(r)));
		ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, r, NULL));
		share_import_err(ENOENT, self->fd, r);
	}
	close(urandom);

	/* a live token next to a revoked one */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _share_export(self->fd, h, ACLMEM_EXPORT_ANY_PID,
				   &token));
	aclmem_free(self->fd, h);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
	ASSERT_EQ(0, _share_export(self->fd, h, ACLMEM_EXPORT_ANY_PID,
				   &token2));
	EXPECT_NE(token, token2);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token, NULL));
	share_import_err(ENOENT, self->fd, token);
	/* near misses of the live one */
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token2 + 1, NULL));
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token2 - 1, NULL));
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token2 ^ (1ULL << 63),
					      NULL));
	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(0ULL, ag.v[1]);
	aclmem_free(self->fd, h);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, token2, NULL));
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

static unsigned int popcount64(__u64 x)
{
	return (unsigned int)__builtin_popcountll(x);
}

/* Every token is below 2^53 (exact in a double, a JSON number). */
#define TOKEN_LIMIT	(1ULL << 53)

/* Tokens are random 53-bit numbers: no counter, no small steps. */
TEST_F(share_token, tokens_not_sequential)
{
	enum { N = 12 };
	__u64 token[N], off = 0, d, step0 = 0;
	bool same_step = true;
	__u32 h[N];
	int i, j;

	for (i = 0; i < N; i++) {
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
			     &off);
		ASSERT_EQ(0, _share_export(self->fd, h[i], 0, &token[i]));
		ASSERT_NE(0ULL, token[i]);
		ASSERT_GT(TOKEN_LIMIT, token[i]);
	}
	for (i = 0; i < N; i++) {
		for (j = i + 1; j < N; j++) {
			d = token[i] > token[j] ? token[i] - token[j] :
						  token[j] - token[i];
			/* P(|a - b| < 2^24) for random a, b: 2^-28 */
			EXPECT_LT(1ULL << 24, d) {
				TH_LOG("tokens %d and %d: %#llx %#llx", i, j,
				       (unsigned long long)token[i],
				       (unsigned long long)token[j]);
			}
			/* P(< 6 of 53 bits differ): about 2^-31 */
			EXPECT_LE(6U, popcount64(token[i] ^ token[j])) {
				TH_LOG("tokens %d and %d: %#llx %#llx", i, j,
				       (unsigned long long)token[i],
				       (unsigned long long)token[j]);
			}
		}
		if (i > 0) {
			d = token[i] - token[i - 1];
			if (i == 1)
				step0 = d;
			else if (d != step0)
				same_step = false;
		}
	}
	EXPECT_FALSE(same_step);
	for (i = 0; i < N; i++)
		aclmem_free(self->fd, h[i]);
}

/*
 * Many tokens, one handle at a time: each nonzero and below 2^53, and
 * together they set every one of the 53 bits (a bit that no token of
 * N = 256 sets: 53 * 2^-256).
 */
TEST_F(share_token, tokens_below_2_53)
{
	enum { N = 256 };
	__u64 token = 0, any_bits = 0, off = 0;
	unsigned int above = 0;
	__u32 h = 0;
	int i;

	for (i = 0; i < N; i++) {
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off);
		ASSERT_EQ(0, _share_export(self->fd, h, i & 1 ?
					   ACLMEM_EXPORT_ANY_PID : 0, &token));
		aclmem_free(self->fd, h);
		EXPECT_NE(0ULL, token);
		if (token >= TOKEN_LIMIT) {
			above++;
			TH_LOG("token %d: %#llx", i, (unsigned long long)token);
		}
		any_bits |= token;
	}
	EXPECT_EQ(0U, above);
	EXPECT_EQ(TOKEN_LIMIT - 1, any_bits);
}

/* The general rules on the new structs. */
TEST_F(share_token, bad_fields)
{
	struct aclmem_export ex;
	struct aclmem_import im;
	struct shared sh;
	__u64 token = 0;

	shared_make(_metadata, self->fd, &sh, SZ_2M, SZ_2M, 171);

	memset(&ex, 0, sizeof(ex));
	ex.handle = sh.h;
	ex.flags = ACLMEM_EXPORT_VALID_FLAGS + 1;	/* the lowest unknown flag */
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT, &ex));
	ex.flags = 0;
	ex.out_token = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT, &ex));
	ex.out_token = 0;
	ex.reserved[0] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_EXPORT, &ex));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_export(self->fd, sh.h + 1000, 0,
						  &token));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_export(self->fd, 0, 0, &token));
	/* none of that exported it */
	ASSERT_EQ(0, _share_export(self->fd, sh.h, 0, &token));

	memset(&im, 0, sizeof(im));
	im.token = token;
	im.flags = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	im.flags = 0;
	im.out_handle = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	im.out_handle = 0;
	im.out_size = SZ_2M;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	im.out_size = 0;
	im.out_cookie = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	im.out_cookie = 0;
	im.reserved[0] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	shared_drop(_metadata, self->fd, &sh);
}

/*
 * EXPORT's cookie is kept with the token and given to every IMPORT of it,
 * as it was set; IMPORT_FD has none.
 */
TEST_F(share_token, cookie_to_importers)
{
	const __u64 cookie = 0x8123456789abcdefULL;
	struct aclmem_export ex = { 0 };
	struct aclmem_import imp;
	struct shared sh;
	int dmabuf = -1;

	shared_make(_metadata, self->fd, &sh, SZ_2M, SZ_2M, 83);
	ex.handle = sh.h;
	ex.flags = ACLMEM_EXPORT_ANY_PID;
	ex.cookie = cookie;
	ASSERT_EQ(0, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT, &ex));
	ASSERT_EQ(0, _share_import(self->fd, ex.out_token, &imp));
	EXPECT_EQ(cookie, imp.out_cookie);
	EXPECT_EQ(0, _aclmem_free(self->fd, imp.out_handle));
	ASSERT_EQ(0, _share_import(self->fd, ex.out_token, &imp));
	EXPECT_EQ(cookie, imp.out_cookie);
	EXPECT_EQ(0, _aclmem_free(self->fd, imp.out_handle));

	ASSERT_EQ(0, _share_export_fd(self->fd, sh.h, 0, &dmabuf));
	ASSERT_EQ(0, _share_import_fd(self->fd, dmabuf, &imp));
	EXPECT_EQ(0ULL, imp.out_cookie);
	EXPECT_EQ(0, _aclmem_free(self->fd, imp.out_handle));
	close(dmabuf);

	/* reserved must stay 0 */
	ex = (struct aclmem_export){ .handle = sh.h, .reserved = { 1 } };
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT,
						  &ex));
	shared_drop(_metadata, self->fd, &sh);
}

/* A 1 GiB page shared: one PUD-sized page, counted once. */
TEST_F_TIMEOUT(share_token, share_1g, ACLMEM_1G_TIMEOUT)
{
	const __u64 base = BASE_IN_USE(self, SZ_1G);
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;
	__u32 tgid = 0;

	shared_make(_metadata, self->fd, &sh, SZ_1G, SZ_1G, 181);
	ASSERT_EQ(0, _share_export(self->fd, sh.h, 0, &sh.token));
	agent_start(_metadata, &ag, 0, &tgid);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_1G, SZ_1G, 181, &imp,
			 &addr);
	aclmem_expect_in_use(self->fd, SZ_1G, base + 1);
	AG_ASSERT(ag_fill(&ag, addr, SZ_1G, 182));
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_1G, base + 1);
	ag_assert_pattern(&ag, addr, SZ_1G, 182);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	aclmem_expect_in_use(self->fd, SZ_1G, base);
	agent_stop(_metadata, &ag);
}

/*
 * Every allocation EXPORT, SET_PIDS and IMPORT make may fail (fail_nth):
 * the call says ENOMEM and changes nothing, and no reference leaks (the
 * counters come back).
 */
TEST_F(share_token, alloc_failures)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent a, b, x;
	struct aclmem_import imp;
	__u64 xtoken = 0, off = 0, xaddr = 0;
	__u32 ta = 0, tb = 0, xh = 0;
	struct shared sh;
	void *p = NULL;
	int rc = 0;

	SHARE_NEED_FAIL_NTH();
	shared_make(_metadata, self->fd, &sh, SZ_2M, SZ_2M, 201);
	agent_start(_metadata, &a, 0, &ta);
	agent_start(_metadata, &b, 0, &tb);

	share_fail_each_site(rc, ENOMEM, ENOMEM,
		_share_export(self->fd, sh.h, 0, &sh.token), (void)0);

	/* a failed SET_PIDS leaves the list as it was */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &ta, 1));
	share_fail_each_site(rc, ENOMEM, ENOMEM,
		_share_set_pids(self->fd, sh.token, &tb, 1), {
		ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&b, sh.token, NULL));
		AG_ASSERT(ag_import(&a, sh.token, &imp));
		AG_ASSERT(ag_free(&a, imp.out_handle));
	});
	AG_ASSERT(ag_import(&b, sh.token, &imp));
	AG_ASSERT(ag_free(&b, imp.out_handle));

	/* a failed IMPORT leaves no handle */
	agent_start(_metadata, &x, 0, NULL);
	AG_ASSERT(ag_alloc(&x, SZ_2M, SZ_2M, &xh, &off));
	AG_ASSERT(ag_mmap(&x, -1, off, SZ_2M, &xaddr));
	AG_ASSERT(ag_fill(&x, xaddr, SZ_2M, 202));
	AG_ASSERT(ag_export(&x, xh, ACLMEM_EXPORT_ANY_PID, &xtoken));
	share_fail_each_site(rc, ENOMEM, ENOMEM,
		_share_import(self->fd, xtoken, &imp), {
		EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	});
	aclmem_mmap(self->fd, SZ_2M, imp.out_offset, &p);
	aclmem_assert_pattern(p, SZ_2M, 202);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, imp.out_handle);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	agent_stop(_metadata, &x);
	agent_stop(_metadata, &a);
	agent_stop(_metadata, &b);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/*
 * user_limit_mb charges the user that allocated the pages, not importers;
 * the charge lasts as long as the pages, wherever they are held.
 */
TEST_F(share_token, importer_not_charged)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u64 off = 0, off2 = 0, xaddr = 0, token = 0;
	__u32 hx = 0, hy = 0, h2 = 0, ty = 0;
	struct aclmem_import imp;
	struct share_agent x, y;

	if (access(USER_LIMIT_MB, W_OK))
		SKIP(return, "no user_limit_mb in this module");
	agent_start(_metadata, &x, SHARE_OTHER_UID, NULL);
	agent_start(_metadata, &y, SHARE_OTHER_UID - 1, &ty);
	/* two 2 MiB pages per user */
	ASSERT_EQ(0, user_limit_set(4));

	AG_ASSERT(ag_alloc(&x, 2 * SZ_2M, SZ_2M, &hx, &off));
	ACLMEM_EXPECT_ERRNO(ENOMEM, ag_alloc(&x, SZ_2M, SZ_2M, &h2, &off2));
	AG_ASSERT(ag_mmap(&x, -1, off, 2 * SZ_2M, &xaddr));
	AG_ASSERT(ag_fill(&x, xaddr, 2 * SZ_2M, 211));
	AG_ASSERT(ag_export(&x, hx, 0, &token));
	AG_ASSERT(ag_set_pids(&x, token, ty));

	/* the importer at its own limit still imports */
	AG_ASSERT(ag_alloc(&y, 2 * SZ_2M, SZ_2M, &hy, &off2));
	AG_ASSERT(ag_import(&y, token, &imp));
	ACLMEM_EXPECT_ERRNO(ENOMEM, ag_alloc(&y, SZ_2M, SZ_2M, &h2, &off2));

	/* the exporter's pages are charged to it while the importer has them */
	AG_ASSERT(ag_munmap(&x, xaddr, 2 * SZ_2M));
	AG_ASSERT(ag_free(&x, hx));
	ACLMEM_EXPECT_ERRNO(ENOMEM, ag_alloc(&x, SZ_2M, SZ_2M, &h2, &off2));
	AG_ASSERT(ag_free(&y, imp.out_handle));
	AG_ASSERT(ag_alloc(&x, SZ_2M, SZ_2M, &h2, &off2));
	AG_ASSERT(ag_free(&x, h2));
	AG_ASSERT(ag_free(&y, hy));

	EXPECT_EQ(0, user_limit_restore());
	agent_stop(_metadata, &x);
	agent_stop(_metadata, &y);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* ------------------------------------------------------------------ */
/* UNEXPORT                                                           */
/* ------------------------------------------------------------------ */

static int _share_unexport(int fd, __u64 token)
{
	struct aclmem_unexport cmd = { .token = token };

	return _aclmem_ioctl(fd, ACLMEM_IOC_UNEXPORT, &cmd);
}

/*
 * Unknown flags, non-zero reserved fields: EINVAL, and the token stays;
 * an unknown, zero or already revoked token: ENOENT.
 */
TEST_F(share_token, unexport_bad_fields)
{
	struct aclmem_unexport cmd;
	struct shared sh;
	__u32 me = (__u32)getpid();

	shared_export(_metadata, self->fd, &sh, SZ_2M, 221, 0);
	memset(&cmd, 0, sizeof(cmd));
	cmd.token = sh.token;
	cmd.flags = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_UNEXPORT, &cmd));
	cmd.flags = 0x80000000U;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_UNEXPORT, &cmd));
	cmd.flags = 0;
	cmd.reserved0 = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_UNEXPORT, &cmd));
	cmd.reserved0 = 0;
	cmd.reserved[0] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_UNEXPORT, &cmd));
	cmd.reserved[0] = 0;
	cmd.reserved[1] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_UNEXPORT, &cmd));
	/* none of that revoked it: we are on the list and import it */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &me, 1));
	import_here(_metadata, self->fd, sh.token, SZ_2M, 221);

	ACLMEM_EXPECT_ERRNO(ENOENT, _share_unexport(self->fd, sh.token ^ 1));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_unexport(self->fd, 0));
	ASSERT_EQ(0, _share_unexport(self->fd, sh.token));
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_unexport(self->fd, sh.token));
	shared_drop(_metadata, self->fd, &sh);
	/* FREE revoked nothing more, and a freed handle's token is gone */
	shared_export(_metadata, self->fd, &sh, SZ_2M, 222, 0);
	shared_drop(_metadata, self->fd, &sh);
	ACLMEM_EXPECT_ERRNO(ENOENT, _share_unexport(self->fd, sh.token));
}

/*
 * Only the exporting process revokes, on the file holding the handle:
 * a child sharing that file (fork) is EACCES, on its own file too; so is
 * the exporter on another file of its own. The token stays.
 */
TEST_F(share_token, unexport_not_exporter)
{
	struct share_agent ag;
	struct aclmem_import imp;
	struct shared sh;
	__u32 tgid = 0;
	__u64 addr = 0;
	int fd2, status;
	pid_t pid;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 231, 0);
	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int own = aclmem_open();

		if (_share_unexport(self->fd, sh.token) != -EACCES)
			_exit(1);
		if (own < 0 || _share_unexport(own, sh.token) != -EACCES)
			_exit(2);
		if (_share_unexport(own, sh.token ^ 1) != -ENOENT)
			_exit(3);
		_exit(0);
	}
	status = aclmem_reap(pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	ACLMEM_EXPECT_ERRNO(EACCES, _share_unexport(fd2, sh.token));
	close(fd2);

	/* still exported */
	agent_start(_metadata, &ag, 0, &tgid);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 231, &imp,
			 &addr);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	ASSERT_EQ(0, _share_unexport(self->fd, sh.token));
	shared_drop(_metadata, self->fd, &sh);
}

/*
 * After UNEXPORT: IMPORT and SET_PIDS of the token are ENOENT; an
 * importer from before keeps its handle and mapping, which read and write
 * the exporter's pages; the handle exports again under a new token, which
 * imports. The pages are counted once throughout, and go with the last
 * handle and mapping.
 */
TEST_F(share_token, unexport_revokes)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const __u64 size = 2 * SZ_2M;
	struct aclmem_import imp, imp2;
	struct share_agent ag;
	__u64 addr = 0, addr2 = 0, old;
	struct shared sh;
	__u32 tgid = 0;

	shared_export(_metadata, self->fd, &sh, size, 241, 0);
	agent_start(_metadata, &ag, 0, &tgid);
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, size, SZ_2M, 241, &imp,
			 &addr);

	ASSERT_EQ(0, _share_unexport(self->fd, sh.token));
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, sh.token, NULL));
	ACLMEM_EXPECT_ERRNO(ENOENT,
			    _share_set_pids(self->fd, sh.token, &tgid, 1));
	AG_ASSERT(ag_info(&ag, NULL));
	EXPECT_EQ(1ULL, ag.v[1]);	/* only the handle from before */
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	/* the importer's mapping still shares the exporter's pages */
	ag_assert_pattern(&ag, addr, size, 241);
	AG_ASSERT(ag_fill(&ag, addr, size, 242));
	aclmem_assert_pattern(sh.p, size, 242);
	aclmem_fill(sh.p, size, 243);
	ag_assert_pattern(&ag, addr, size, 243);

	/* exported again: a new token, the old one stays revoked */
	old = sh.token;
	ASSERT_EQ(0, _share_export(self->fd, sh.h, 0, &sh.token));
	EXPECT_NE(old, sh.token);
	ACLMEM_EXPECT_ERRNO(EEXIST, _share_export(self->fd, sh.h, 0, &old));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, size, SZ_2M, 243, &imp2,
			 &addr2);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	/* the exporter frees first: both importers keep the pages */
	shared_drop(_metadata, self->fd, &sh);
	ACLMEM_EXPECT_ERRNO(ENOENT, ag_import(&ag, sh.token, NULL));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	ag_assert_pattern(&ag, addr2, size, 243);
	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_unmap_free(_metadata, &ag, &imp2, addr2);
	agent_stop(_metadata, &ag);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

SHARE_TEST_MAIN
