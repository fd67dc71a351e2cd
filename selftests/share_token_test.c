// SPDX-License-Identifier: GPL-2.0
/*
 * Description: sharing a handle between processes by token (EXPORT,
 * SET_PIDS, IMPORT). Every other process is an agent: fork + exec of this
 * binary, driven over a unix socket (share_utils.h).
 *
 * A whitelisted process imports and maps the exporter's pages: it reads
 * the exporter's data, the exporter reads what it writes, both count one
 * set of pages. Not on the list: EACCES, whatever else is on it.
 * ACLMEM_EXPORT_ANY_PID admits a process of the exporter's user and one
 * with CAP_SYS_ADMIN, refuses another user until it is whitelisted;
 * without it even root needs the list. IMPORT in the exporting process
 * (any of its files) is EINVAL; EXPORT twice is EEXIST; EXPORT of an
 * imported handle is EPERM; SET_PIDS by another process than the exporter
 * is EPERM, nr 0 or above ACLMEM_MAX_SHARE_PIDS is EINVAL, beyond
 * ACLMEM_MAX_SHARE_PIDS in total ENOSPC. FREE or close before the import
 * revokes the token (ENOENT), even while the pages are still mapped; FREE
 * after it leaves the importer's data intact and the pages in use until
 * the importer's handle and mapping are gone too; so does SIGKILL of the
 * exporter. A process in a pid namespace of its own is whitelisted by its
 * tgid in the initial namespace (INFO's out_tgid), not by the pid it
 * sees. Random, zero and revoked tokens are ENOENT; tokens are random
 * 64-bit numbers. Each allocation the three calls make may fail (fail_nth):
 * ENOMEM, nothing changed, nothing leaked. user_limit_mb charges the
 * allocating user, not the importer, for as long as the pages live. Unknown flags and non-zero reserved or out_ fields are
 * EINVAL. One 1 GiB case. The pool counters are back at the baseline
 * after every test (fixture teardown) and at the steps in between.
 */
#include "share_utils.h"

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
	long v = -1;
	FILE *f = fopen(USER_LIMIT_MB, "re");

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EIO;
	fclose(f);
	return v;
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

/* ANY_PID: a process of the same user needs no list. */
TEST_F(share_token, any_pid_same_user)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;

	shared_export(_metadata, self->fd, &sh, 2 * SZ_2M, 41,
		      ACLMEM_EXPORT_ANY_PID);
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, sh.token, 2 * SZ_2M, SZ_2M, 41,
			 &imp, &addr);
	AG_ASSERT(ag_fill(&ag, addr, 2 * SZ_2M, 42));
	aclmem_assert_pattern(sh.p, 2 * SZ_2M, 42);
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	agent_unmap_free(_metadata, &ag, &imp, addr);
	agent_stop(_metadata, &ag);
	shared_drop(_metadata, self->fd, &sh);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

/* ANY_PID: another user is refused until whitelisted. */
TEST_F(share_token, any_pid_other_user)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_import imp;
	struct share_agent ag;
	struct shared sh;
	__u64 addr = 0;
	__u32 tgid = 0;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 51,
		      ACLMEM_EXPORT_ANY_PID);
	agent_start(_metadata, &ag, SHARE_OTHER_UID, &tgid);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));

	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 51, &imp,
			 &addr);
	AG_ASSERT(ag_fill(&ag, addr, SZ_2M, 52));
	aclmem_assert_pattern(sh.p, SZ_2M, 52);

	agent_unmap_free(_metadata, &ag, &imp, addr);
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
 * An unprivileged exporter: ANY_PID admits its own user and root
 * (CAP_SYS_ADMIN); without ANY_PID root is refused like anyone.
 */
TEST_F(share_token, unprivileged_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ex, ag;
	struct aclmem_import imp;
	__u32 h[2] = { 0, 0 };
	__u64 off = 0, token[2] = { 0, 0 }, addr = 0, exaddr = 0;
	void *p = NULL;

	agent_start(_metadata, &ex, SHARE_OTHER_UID, NULL);
	agent_start(_metadata, &ag, SHARE_OTHER_UID, NULL);
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
	/* root, with CAP_SYS_ADMIN */
	ASSERT_EQ(0, _share_import(self->fd, token[0], &imp));
	aclmem_mmap(self->fd, SZ_2M, imp.out_offset, &p);
	aclmem_assert_pattern(p, SZ_2M, 71);
	aclmem_munmap(p, SZ_2M);
	aclmem_free(self->fd, imp.out_handle);

	/* no ANY_PID: the list only */
	share_import_err(EACCES, self->fd, token[1]);
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, token[1], NULL));

	agent_stop(_metadata, &ag);
	AG_ASSERT(ag_munmap(&ex, exaddr, SZ_2M));
	agent_stop(_metadata, &ex);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_F(share_token, import_in_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	__u32 me = (__u32)getpid();
	struct shared sh, any;
	int fd2;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 81, 0);
	shared_export(_metadata, self->fd, &any, SZ_2M, 82,
		      ACLMEM_EXPORT_ANY_PID);
	share_import_err(EINVAL, self->fd, sh.token);
	share_import_err(EINVAL, self->fd, any.token);
	/* on the list or not: the exporting process is refused */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &me, 1));
	share_import_err(EINVAL, self->fd, sh.token);
	/* from another file of the same process too */
	fd2 = aclmem_open();
	ASSERT_LE(0, fd2);
	share_import_err(EINVAL, fd2, sh.token);
	share_import_err(EINVAL, fd2, any.token);
	EXPECT_EQ(0U, aclmem_nr_handles(fd2));
	close(fd2);
	EXPECT_EQ(2U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);

	shared_drop(_metadata, self->fd, &sh);
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

TEST_F(share_token, set_pids_not_exporter)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct share_agent ag, ag2;
	struct aclmem_import imp, imp2;
	__u32 tgid = 0, tgid2 = 0;
	struct shared sh;
	__u64 addr = 0;
	int fd2;

	shared_export(_metadata, self->fd, &sh, SZ_2M, 111, 0);
	agent_start(_metadata, &ag, 0, &tgid);
	agent_start(_metadata, &ag2, 0, &tgid2);
	/* an outsider cannot put itself on the list */
	ACLMEM_EXPECT_ERRNO(EPERM, ag_set_pids(&ag, sh.token, tgid));
	ACLMEM_EXPECT_ERRNO(EACCES, ag_import(&ag, sh.token, NULL));
	/* nor can an importer add others */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, &tgid, 1));
	agent_import_map(_metadata, &ag, sh.token, SZ_2M, SZ_2M, 111, &imp,
			 &addr);
	ACLMEM_EXPECT_ERRNO(EPERM, ag_set_pids(&ag, sh.token, tgid2));
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
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_F(share_token, set_pids_limits)
{
	const __u32 max = ACLMEM_MAX_SHARE_PIDS;
	struct aclmem_import imp;
	struct aclmem_set_pids cmd;
	struct share_agent ag;
	struct shared sh, sh2;
	__u32 *pids, tgid = 0, i;

	pids = calloc(max + 1, sizeof(*pids));
	ASSERT_NE(NULL, pids);
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

	/* up to the limit in two calls, the agent last */
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids, max - 1000));
	pids[999] = tgid;
	ASSERT_EQ(0, _share_set_pids(self->fd, sh.token, pids, 1000));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    pids, 1));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh.token,
						    pids, max));
	AG_ASSERT(ag_import(&ag, sh.token, &imp));
	AG_ASSERT(ag_free(&ag, imp.out_handle));

	/* the limit in one call, the agent first */
	pids[0] = tgid;
	ASSERT_EQ(0, _share_set_pids(self->fd, sh2.token, pids, max));
	ACLMEM_EXPECT_ERRNO(ENOSPC, _share_set_pids(self->fd, sh2.token,
						    pids + 1, 1));
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
	free(pids);
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
	ASSERT_EQ(0, _share_export(self->fd, h, ACLMEM_EXPORT_ANY_PID,
				   &token));
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
 * An importer in a pid namespace of its own: the list names it by its
 * bare tgid (INFO's out_tgid, in the initial namespace), not by the pid
 * it sees for itself.
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

/* Tokens are random 64-bit numbers: no counter, no small steps. */
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
	}
	for (i = 0; i < N; i++) {
		for (j = i + 1; j < N; j++) {
			d = token[i] > token[j] ? token[i] - token[j] :
						  token[j] - token[i];
			/* P(|a - b| < 2^32) for random a, b: 2^-31 */
			EXPECT_LT(1ULL << 32, d) {
				TH_LOG("tokens %d and %d: %#llx %#llx", i, j,
				       (unsigned long long)token[i],
				       (unsigned long long)token[j]);
			}
			/* P(< 8 of 64 bits differ): about 2^-32 */
			EXPECT_LE(8U, popcount64(token[i] ^ token[j])) {
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
	ex.flags = 2;
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
	im.reserved[1] = 1;
	ACLMEM_EXPECT_ERRNO(EINVAL, _aclmem_ioctl(self->fd,
						  ACLMEM_IOC_IMPORT, &im));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
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

SHARE_TEST_MAIN
