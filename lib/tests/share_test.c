// SPDX-License-Identifier: MIT
/*
 * Description: sharing physical memory between processes through the CANN
 * API (aclrtMemExportToShareableHandle, aclrtMemSetPidToShareableHandle,
 * aclrtMemImportFromShareableHandle and their V2 forms). Other processes
 * are real ones: fork + exec of this binary.
 *
 * The CANN sample, as two processes that meet through files: the exporter
 * (aclInit, aclrtSetDevice, aclrtMallocPhysical, maps and writes,
 * aclrtMemExportToShareableHandle with flags 0, writes the token to a
 * file) and the importer (aclrtDeviceGetBareTgid, writes its pid to a
 * file); the exporter whitelists it (aclrtMemSetPidToShareableHandle); the
 * importer imports, reserves, maps, reads the data, writes back, unmaps,
 * frees and releases; the exporter reads what it wrote. The same with
 * ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION and no whitelist.
 *
 * Then each rule with an agent process driven over a socket: not on the
 * whitelist 207006, until it is; DISABLE_PID_VALIDATION admits the same
 * user but not another one (207006) until whitelisted; an importer in a
 * pid namespace of its own is whitelisted by aclrtDeviceGetBareTgid's pid,
 * not by getpid()'s; importing in the
 * exporting process 107000; exporting twice 107000; exporting an imported
 * handle 207006; whitelisting by another process than the exporter
 * 207006; pidNum 0 or beyond 65535 (in one call or in total) 107000; a
 * freed exporter's, a random or a zero token 107017; the exporter's free
 * after the import leaves the importer's data, and the pages in use until
 * the importer is done; the imported handle's properties. V2 with
 * ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT works the same; FABRIC is 207000, other
 * types 107000. NULL arguments are 100000, bad flags and types 107000, bad
 * devices 107001. Pool counters are back at the baseline after each test.
 */
#include "acl_share_utils.h"

/* ---- the CANN sample, in two processes -------------------------------- */

#define SAMPLE_SIZE	(2 * SZ_2M)
#define SAMPLE_SEED	0x5a17
#define SAMPLE_SEED2	0x5a18
/* How long either side waits for the other (ms). */
#define SAMPLE_WAIT_MS	20000

/* Writes @v to @dir/@name, atomically (rename). */
static int sample_put(const char *dir, const char *name, uint64_t v)
{
	char path[PATH_MAX], tmp[PATH_MAX + 4];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%llu\n", (unsigned long long)v);
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

/* Waits for @dir/@name and reads it into *v: 0, or -1 on timeout. */
static int sample_get(const char *dir, const char *name, uint64_t *v)
{
	char path[PATH_MAX];
	unsigned long long x;
	struct timespec ts = { 0, 2000000 };
	int waited;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (waited = 0; waited < SAMPLE_WAIT_MS; waited += 2) {
		f = fopen(path, "r");
		if (f) {
			int n = fscanf(f, "%llu", &x);

			fclose(f);
			if (n == 1) {
				*v = x;
				return 0;
			}
		}
		nanosleep(&ts, NULL);
	}
	return -1;
}

#define SAMPLE_CALL(who, call) do {					\
	aclError __rc = (call);						\
	if (__rc != ACL_SUCCESS) {					\
		fprintf(stderr, "# sample %s: %s: %d (%s)\n", who, #call, \
			__rc, aclGetRecentErrMsg() ?: "");		\
		return 1;						\
	}								\
} while (0)

#define SAMPLE_TRUE(who, cond) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "# sample %s: not true: %s\n", who, #cond); \
		return 1;						\
	}								\
} while (0)

static int sample_exporter(const char *dir, bool whitelist)
{
	const char *me = "exporter";
	uint64_t flags = whitelist ? 0 :
		ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION;
	aclrtPhysicalMemProp prop = acl_prop_2m();
	aclrtDrvMemHandle h = NULL;
	uint64_t token = 0, v = 0;
	int32_t pid;
	void *p = NULL;

	SAMPLE_CALL(me, aclInit(NULL));
	SAMPLE_CALL(me, aclrtSetDevice(0));
	SAMPLE_CALL(me, aclrtMallocPhysical(&h, SAMPLE_SIZE, &prop, 0));
	SAMPLE_CALL(me, aclrtReserveMemAddress(&p, SAMPLE_SIZE, 0, NULL, 0));
	SAMPLE_CALL(me, aclrtMapMem(p, SAMPLE_SIZE, 0, h, 0));
	acl_fill(p, SAMPLE_SIZE, SAMPLE_SEED);
	SAMPLE_CALL(me, aclrtMemExportToShareableHandle(h,
			ACL_MEM_HANDLE_TYPE_NONE, flags, &token));
	SAMPLE_TRUE(me, sample_put(dir, "token", token) == 0);
	if (whitelist) {
		SAMPLE_TRUE(me, sample_get(dir, "pid", &v) == 0);
		pid = (int32_t)v;
		SAMPLE_CALL(me, aclrtMemSetPidToShareableHandle(token, &pid,
								1));
		SAMPLE_TRUE(me, sample_put(dir, "whitelisted", 1) == 0);
	}
	SAMPLE_TRUE(me, sample_get(dir, "done", &v) == 0);
	/* what the importer wrote */
	SAMPLE_TRUE(me, acl_check(p, SAMPLE_SIZE, SAMPLE_SEED2) == -1);
	SAMPLE_CALL(me, aclrtUnmapMem(p));
	SAMPLE_CALL(me, aclrtFreePhysical(h));
	SAMPLE_CALL(me, aclrtReleaseMemAddress(p));
	SAMPLE_CALL(me, aclrtResetDevice(0));
	SAMPLE_CALL(me, aclFinalize());
	return 0;
}

static int sample_importer(const char *dir, bool whitelist)
{
	const char *me = "importer";
	aclrtDrvMemHandle h = NULL;
	uint64_t token = 0, v = 0;
	int32_t pid = 0;
	void *p = NULL;

	SAMPLE_CALL(me, aclInit(NULL));
	SAMPLE_CALL(me, aclrtSetDevice(0));
	SAMPLE_CALL(me, aclrtDeviceGetBareTgid(&pid));
	SAMPLE_TRUE(me, pid == getpid());
	SAMPLE_TRUE(me, sample_put(dir, "pid", (uint64_t)pid) == 0);
	SAMPLE_TRUE(me, sample_get(dir, "token", &token) == 0);
	if (whitelist)
		SAMPLE_TRUE(me, sample_get(dir, "whitelisted", &v) == 0);
	SAMPLE_CALL(me, aclrtMemImportFromShareableHandle(token, 0, &h));
	SAMPLE_CALL(me, aclrtReserveMemAddress(&p, SAMPLE_SIZE, 0, NULL, 0));
	SAMPLE_CALL(me, aclrtMapMem(p, SAMPLE_SIZE, 0, h, 0));
	SAMPLE_TRUE(me, acl_check(p, SAMPLE_SIZE, SAMPLE_SEED) == -1);
	acl_fill(p, SAMPLE_SIZE, SAMPLE_SEED2);
	SAMPLE_CALL(me, aclrtUnmapMem(p));
	SAMPLE_CALL(me, aclrtFreePhysical(h));
	SAMPLE_CALL(me, aclrtReleaseMemAddress(p));
	SAMPLE_TRUE(me, sample_put(dir, "done", 1) == 0);
	SAMPLE_CALL(me, aclrtResetDevice(0));
	SAMPLE_CALL(me, aclFinalize());
	return 0;
}

/* argv: --sample-exporter|--sample-importer DIR whitelist|any */
static int share_modes(int argc, char **argv)
{
	bool whitelist;

	if (argc != 4)
		return -1;
	whitelist = !strcmp(argv[3], "whitelist");
	if (!strcmp(argv[1], "--sample-exporter"))
		return sample_exporter(argv[2], whitelist);
	if (!strcmp(argv[1], "--sample-importer"))
		return sample_importer(argv[2], whitelist);
	return -1;
}

/* ---- tests -------------------------------------------------------------- */

FIXTURE(share) {
	struct acl_pools base;
};

FIXTURE_SETUP(share)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(share)
{
	acl_kill_kids();
	EXPECT_EQ(0, acl_dev_restore());
	if (_metadata->passed)
		ACL_EXPECT_POOLS_BACK(&self->base);
}

static void run_sample(struct __test_metadata *_metadata,
		       const struct acl_pools *base, const char *mode)
{
	char dir[] = "/tmp/acl_share_XXXXXX", path[64];
	const char *ex_args[] = { "--sample-exporter", dir, mode, NULL };
	const char *im_args[] = { "--sample-importer", dir, mode, NULL };
	static const char *const files[] = {
		"token", "pid", "whitelisted", "done",
	};
	int rc_ex, rc_im;
	uint64_t pid = 0;
	pid_t ex, im;
	size_t i;

	ASSERT_NE(NULL, mkdtemp(dir));
	ex = acl_spawn_self(0, ex_args);
	ASSERT_LT(0, ex);
	im = acl_spawn_self(0, im_args);
	ASSERT_LT(0, im);
	rc_im = acl_reap(im);
	/* the exporter would wait for "done" in vain */
	if (rc_im)
		kill(ex, SIGKILL);
	rc_ex = acl_reap(ex);
	EXPECT_EQ(0, rc_im);
	EXPECT_EQ(0, rc_ex);
	/* the pid the importer sent is its own */
	EXPECT_EQ(0, sample_get(dir, "pid", &pid));
	EXPECT_EQ((uint64_t)im, pid);
	for (i = 0; i < ACL_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	EXPECT_EQ(0, rmdir(dir));
	ACL_EXPECT_POOLS_BACK(base);
}

TEST_F(share, sample_pid_whitelist)
{
	run_sample(_metadata, &self->base, "whitelist");
}

TEST_F(share, sample_no_pid_validation)
{
	run_sample(_metadata, &self->base, "any");
}

/* Starts an agent as @uid and sets device 0 there; *pid its bare tgid. */
static void agent_start(struct __test_metadata *_metadata,
			struct acl_agent *ag, uid_t uid, int32_t *pid)
{
	int32_t tgid;

	AG_ASSERT(acl_agent_start(ag, uid));
	AG_ASSERT(ag_call(ag, AG_BARE_TGID, 0, 0, 0, 0));
	tgid = (int32_t)ag_v(ag, 0);
	/* no pid namespace here: the bare tgid is the pid we see */
	ASSERT_EQ(ag->pid, tgid);
	AG_ASSERT(ag_call(ag, AG_INIT, 0, 0, 0, 0));
	if (pid)
		*pid = tgid;
}

/*
 * The agent imports @token on device 0, maps it and checks @seed's
 * pattern: its handle and address in *h and *addr.
 */
static void agent_import_map(struct __test_metadata *_metadata,
			     struct acl_agent *ag, uint64_t token,
			     size_t size, uint64_t seed, uint64_t *h,
			     uint64_t *addr)
{
	AG_ASSERT(ag_call(ag, AG_IMPORT, token, 0, 0, 0));
	*h = ag_v(ag, 0);
	ASSERT_NE(0ULL, *h);
	AG_ASSERT(ag_call(ag, AG_MAP, *h, size, 0, 0));
	*addr = ag_v(ag, 0);
	AG_ASSERT_PATTERN(ag, *addr, size, seed);
}

static void agent_unmap_free(struct __test_metadata *_metadata,
			     struct acl_agent *ag, uint64_t h, uint64_t addr)
{
	AG_ASSERT(ag_call(ag, AG_UNMAP, addr, 0, 0, 0));
	AG_ASSERT(ag_call(ag, AG_FREE, h, 0, 0, 0));
}

static aclError export_token(aclrtDrvMemHandle h, uint64_t flags,
			     uint64_t *token)
{
	return aclrtMemExportToShareableHandle(h, ACL_MEM_HANDLE_TYPE_NONE,
					       flags, token);
}

TEST_F(share, whitelisted)
{
	const size_t size = 2 * SZ_2M;
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 1);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h, 0, &token));
	agent_start(_metadata, &ag, 0, &pid);

	/* not yet on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	agent_import_map(_metadata, &ag, token, size, 1, &h, &addr);

	/* what the imported handle says of itself */
	AG_ASSERT(ag_call(&ag, AG_PROPS, h, 0, 0, 0));
	EXPECT_EQ((uint64_t)ACL_MEM_HANDLE_TYPE_NONE, ag_v(&ag, 0));
	EXPECT_EQ((uint64_t)ACL_HBM_MEM_HUGE, ag_v(&ag, 1));
	EXPECT_EQ((uint64_t)ACL_MEM_LOCATION_TYPE_DEVICE, ag_v(&ag, 2));
	EXPECT_EQ(0ULL, ag_v(&ag, 3));

	/* both ways */
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 2, 0));
	ACL_ASSERT_PATTERN(m.p, size, 2);
	acl_fill(m.p, size, 3);
	AG_ASSERT_PATTERN(&ag, addr, size, 3);
	/* one set of pages */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, no_pid_validation_same_user)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 11);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token));
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, token, SZ_2M, 11, &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, SZ_2M, 12, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 12);
	agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, no_pid_validation_other_user)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, token0 = 0, h = 0, addr = 0;
	aclrtDrvMemHandle h0 = NULL;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 21);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h0, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, export_token(h0, 0, &token0));

	/* the library opens the device as nobody: let it, for a moment */
	ASSERT_EQ(0, acl_dev_open_to_all());
	agent_start(_metadata, &ag, ACL_OTHER_UID, &pid);
	ASSERT_EQ(0, acl_dev_restore());

	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT, token0, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token0, &pid,
							       1));
	agent_import_map(_metadata, &ag, token, SZ_2M, 21, &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, SZ_2M, 22, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 22);
	agent_unmap_free(_metadata, &ag, h, addr);
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token0, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, ag_v(&ag, 0), 0, 0, 0));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h0));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * A container-like importer in a pid namespace of its own: it sends
 * aclrtDeviceGetBareTgid's pid (not getpid()'s), and that one works.
 */
TEST_F(share, bare_tgid_in_pid_namespace)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;
	int32_t bare, nspid;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 71);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h, 0, &token));
	AG_ASSERT(acl_agent_start_flags(&ag, 0, CLONE_NEWPID));
	AG_ASSERT(ag_call(&ag, AG_BARE_TGID, 0, 0, 0, 0));
	bare = (int32_t)ag_v(&ag, 0);
	nspid = (int32_t)ag_v(&ag, 1);
	EXPECT_EQ(ag.pid, bare);
	EXPECT_EQ(1, nspid);
	AG_ASSERT(ag_call(&ag, AG_INIT, 0, 0, 0, 0));

	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &nspid,
							       1));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &bare,
							       1));
	agent_import_map(_metadata, &ag, token, SZ_2M, 71, &h, &addr);
	agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, import_in_exporter)
{
	aclrtDrvMemHandle h = NULL, out = NULL;
	uint64_t token = 0, token2 = 0;
	aclrtDrvMemHandle h2 = NULL;
	int32_t me = (int32_t)getpid();

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, export_token(h, 0, &token));
	ASSERT_EQ(ACL_SUCCESS, export_token(h2,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token2));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemImportFromShareableHandle(token2, 0, &out));
	/* whitelisting ourselves changes nothing */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &me, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	EXPECT_EQ(NULL, out);
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, export_twice)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, again = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 31);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(m.h, 0, &again));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &again));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandleV2(m.h, 0,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &again));
	EXPECT_EQ(0ULL, again);
	/* the first token is intact */
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, token, SZ_2M, 31, &h, &addr);
	agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, export_imported)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 41);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token));
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, token, SZ_2M, 41, &h, &addr);
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_EXPORT, h, ACL_MEM_HANDLE_TYPE_NONE, 0,
			     0));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_EXPORT, h, ACL_MEM_HANDLE_TYPE_NONE,
			     ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_EXPORT_V2, h, 0,
			     ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 0));
	agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, set_pid_errors)
{
	const size_t max = ACLMEM_MAX_SHARE_PIDS;
	aclrtDrvMemHandle h = NULL, h2 = NULL;
	uint64_t token = 0, token2 = 0;
	struct acl_agent ag;
	int32_t *pids, pid = 0;
	size_t i;

	pids = calloc(max + 1, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	for (i = 0; i <= max; i++)
		pids[i] = (int32_t)(0x40000000 + i);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, export_token(h, 0, &token));
	ASSERT_EQ(ACL_SUCCESS, export_token(h2, 0, &token2));
	agent_start(_metadata, &ag, 0, &pid);

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandle(token, NULL, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token, pids, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token, pids, max + 1));
	/* an unknown token; another process's token */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(token ^ 1, pids, 1));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_SET_PID, token, pid, 1, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));

	/* 65535 in total, the agent last; one more is refused */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token, pids, max - 1));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token, pids, 1));
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, ag_v(&ag, 0), 0, 0, 0));
	/* 65535 at once, the agent first */
	pids[0] = pid;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token2, pids, max));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token2, pids, 1));
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token2, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, ag_v(&ag, 0), 0, 0, 0));

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	free(pids);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Tokens that name nothing: freed before the import, random, zero. */
TEST_F(share, unknown_tokens)
{
	aclrtDrvMemHandle h = NULL;
	struct acl_agent ag;
	uint64_t token = 0, r;
	int32_t pid = 0;
	int i, fd;

	agent_start(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, export_token(h, 0, &token));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));

	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, 0, 0, 0, 0));
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ((ssize_t)sizeof(r), read(fd, &r, sizeof(r)));
		AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
			     ag_call(&ag, AG_IMPORT, r, 0, 0, 0));
	}
	close(fd);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The exporter frees after the import: the importer keeps the pages. */
TEST_F(share, freed_after_import)
{
	const size_t size = 2 * SZ_2M;
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 51);
	ASSERT_EQ(ACL_SUCCESS, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &token));
	agent_start(_metadata, &ag, 0, NULL);
	agent_import_map(_metadata, &ag, token, size, 51, &h, &addr);
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	/* the token went with the exporter's handle */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	AG_ASSERT_PATTERN(&ag, addr, size, 51);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 52, 0));
	AG_ASSERT_PATTERN(&ag, addr, size, 52);
	/* freed while mapped: the mapping holds them */
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	AG_ASSERT_PATTERN(&ag, addr, size, 52);
	AG_ASSERT(ag_call(&ag, AG_UNMAP, addr, 0, 0, 0));
	ACL_EXPECT_POOLS_BACK(&self->base);
	EXPECT_EQ(0, acl_agent_stop(&ag));
}

TEST_F(share, argument_errors)
{
	aclrtDrvMemHandle h = NULL, out = NULL, freed = NULL;
	uint64_t token = 0;
	uint32_t count = 0;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&freed, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(freed));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  export_token(NULL, 0, &token));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_token(h, 0, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(h, 2, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(h, ~0ULL, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandle(h, (aclrtMemHandleType)1, 0,
						  &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandle(h, (aclrtMemHandleType)3, 0,
						  &token));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  export_token(freed, 0, &token));
	/* none of that exported it */
	ASSERT_EQ(ACL_SUCCESS, export_token(h, 0, &token));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandle(token, 0, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtMemImportFromShareableHandle(token, -1, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtMemImportFromShareableHandle(token, (int32_t)count,
						    &out));
	EXPECT_EQ(NULL, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* V2 with the DEFAULT type: the token behind a pointer. */
TEST_F(share, v2_default)
{
	const aclrtMemSharedHandleType def = ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT;
	struct acl_mapped m, m2;
	struct acl_agent ag;
	uint64_t token = 0, token2 = 0, h = 0, addr = 0;
	aclrtDrvMemHandle out = NULL;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 61);
	ACL_MAPPED_MAKE(&m2, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 62);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemExportToShareableHandleV2(m.h, 0, def, &token));
	ASSERT_NE(0ULL, token);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemExportToShareableHandleV2(m2.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, def, &token2));
	agent_start(_metadata, &ag, 0, &pid);

	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 0, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandleV2(&token, def, &pid, 1));
	AG_ASSERT(ag_call(&ag, AG_IMPORT_V2, token, def, 0, 0));
	h = ag_v(&ag, 0);
	AG_ASSERT(ag_call(&ag, AG_MAP, h, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 61);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, SZ_2M, 63, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 63);
	agent_unmap_free(_metadata, &ag, h, addr);

	/* no validation: no list needed */
	AG_ASSERT(ag_call(&ag, AG_IMPORT_V2, token2, def, 0, 0));
	h = ag_v(&ag, 0);
	AG_ASSERT(ag_call(&ag, AG_MAP, h, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 62);
	agent_unmap_free(_metadata, &ag, h, addr);

	/* V2 and V1 name the same tokens */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, ag_v(&ag, 0), 0, 0, 0));
	/* the same rules */
	AG_EXPECT_RC(ACL_ERROR_RT_NO_PERMISSION,
		     ag_call(&ag, AG_SET_PID_V2, token, def, pid, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_PARAM_INVALID,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 1, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT_V2, token ^ 1, def, 0, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemImportFromShareableHandleV2(&token, def, 0, &out));
	EXPECT_EQ(NULL, out);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandleV2(&token, def, &pid, 0));

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_MAPPED_DROP(&m2);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* FABRIC handles need a fabric (207000); other types are 107000. */
TEST_F(share, v2_types)
{
	const aclrtMemSharedHandleType fabric =
		ACL_MEM_SHARE_HANDLE_TYPE_FABRIC;
	static const int bad[] = { 0, 3, 4, -1 };
	aclrtMemFabricHandle fh;
	aclrtDrvMemHandle h = NULL, out = NULL;
	int32_t pid = 1;
	uint64_t token = 0;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	memset(&fh, 0, sizeof(fh));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemExportToShareableHandleV2(h, 0, fabric, &fh));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemImportFromShareableHandleV2(&fh, fabric, 0, &out));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemSetPidToShareableHandleV2(&fh, fabric, &pid, 1));
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		aclrtMemSharedHandleType t = (aclrtMemSharedHandleType)bad[i];

		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemExportToShareableHandleV2(h, 0, t, &token));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemImportFromShareableHandleV2(&token, t, 0,
							      &out));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemSetPidToShareableHandleV2(&token, t, &pid,
							    1));
	}
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemExportToShareableHandleV2(h, 0,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandleV2(NULL,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 0, &out));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(NULL,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &pid, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandleV2(h, 2,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &token));
	/* nothing of that exported it */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemExportToShareableHandleV2(h, 0,
			ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &token));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(&token,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, NULL, 1));
	EXPECT_EQ(NULL, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

ACL_SHARE_MAIN(share_modes)
