// SPDX-License-Identifier: MIT
/*
 * Description: conformance of the token sharing calls with CANN:
 * aclrtMemExportToShareableHandle, aclrtMemSetPidToShareableHandle,
 * aclrtMemImportFromShareableHandle and their V2 forms. Other processes
 * are real ones: fork + exec of this binary.
 *
 * Every expected code names, in a short comment, the CANN function that
 * produces it: hicann/runtime (the acl layer in memory.cpp, the runtime in
 * api_error.cc, api_impl.cc, npu_driver.cc) or hicann/driver (the user HAL
 * in devmm_svm.c, the kernel in svm_master_mem_share.c). Where aclmem
 * differs from CANN on purpose the comment says "aclmem" (lib/README.md).
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
 * Then each rule, with agent processes driven over a socket. Export:
 * handleType other than NONE (POSIX too) and NULLs 100000, flags above 1
 * 107000, a freed handle 107017, twice or an imported handle 507899; the
 * token is non-zero and below 2^53. SetPid: NULL or pidNum 0 100000,
 * pidNum above 65535 107000, an unknown token 107017, another process than
 * the exporter 507899, a DISABLE_PID_VALIDATION export 207006, 0 entries
 * ignored but an all-zero list 507899, the list grows (append), 65535 pids
 * at most (507899), a call that does not fit sets none (aclmem). Import: NULL
 * 100000, a bad device 107001, an unknown token 107017 even without a
 * context, otherwise no context 107002; not on the list 507899; a process
 * that started after its pid was set (a reused pid) 507899 until the pid
 * is set again; the exporter on its handle's own device 507899, on
 * another device by the list; the same token twice in one process and
 * device gives the same handle with one more reference; DISABLE admits
 * any process of any user; an importer in a pid namespace is listed by its
 * bare tgid; the exporter's free revokes the token but leaves the
 * importers their pages; the imported handle's properties are the
 * exporter's memory. V2 with ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT works the
 * same; shareType 107000, V2 import flags 100000, V2 import without a
 * current device 107002 before the shareType check; FABRIC export 107002
 * without a context (share_fabric_test has the rest of FABRIC). Pool
 * counters are back at the baseline after each test.
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

/* The agent imports @token on device 0 and frees the handle at once. */
static void agent_import_free(struct __test_metadata *_metadata,
			      struct acl_agent *ag, uint64_t token)
{
	AG_ASSERT(ag_call(ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_NE(0ULL, ag_v(ag, 0));
	AG_ASSERT(ag_call(ag, AG_FREE, ag_v(ag, 0), 0, 0, 0));
}

static aclError export_token(aclrtDrvMemHandle h, uint64_t flags,
			     uint64_t *token)
{
	return aclrtMemExportToShareableHandle(h, ACL_MEM_HANDLE_TYPE_NONE,
					       flags, token);
}

/*
 * aclmem: a token is random, non-zero and below 2^53 (CANN's
 * devmm_svm.c devmm_share_handle_pack: share id | device << 32).
 */
#define EXPECT_TOKEN(t) do {						\
	EXPECT_NE(0ULL, (unsigned long long)(t));			\
	EXPECT_GT(1ULL << 53, (unsigned long long)(t));			\
} while (0)

/* Exports @h with @flags: the token. */
#define ASSERT_EXPORT(h, flags, token) do {				\
	ASSERT_EQ(ACL_SUCCESS, export_token(h, flags, token));		\
	EXPECT_TOKEN(*(token));						\
} while (0)

/* ACLMEM_DEVICE_COUNT=2 for us and the agents we start after this. */
#define ACL_TWO_DEVICES() ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1))

TEST_F(share, whitelisted)
{
	const size_t size = 2 * SZ_2M;
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 1);
	ASSERT_EXPORT(m.h, 0, &token);
	acl_agent_up(_metadata, &ag, 0, &pid);

	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: not on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, size, 1,
			     &h, &addr);

	/*
	 * hicann/driver devmm_svm.c devmm_import_from_share_handle: the
	 * exporter's memory; hicann/runtime memory.cpp
	 * aclrtMemGetAllocationPropertiesFromHandleImpl: handleType NONE
	 */
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

	acl_agent_unmap_free(_metadata, &ag, h, addr);
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
	ASSERT_EXPORT(m.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	acl_agent_up(_metadata, &ag, 0, NULL);
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: no list, any process */
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 11,
			     &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, SZ_2M, 12, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 12);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Another user: admitted by DISABLE_PID_VALIDATION as it is (CANN checks
 * no uid anywhere), and by the list otherwise.
 */
TEST_F(share, other_user)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, token0 = 0, h = 0, addr = 0;
	aclrtDrvMemHandle h0 = NULL;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 21);
	ASSERT_EXPORT(m.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h0, SZ_2M));
	ASSERT_EXPORT(h0, 0, &token0);

	/* the library opens the device as nobody (acl_agent_up lets it) */
	acl_agent_up(_metadata, &ag, ACL_OTHER_UID, &pid);

	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: not on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token0, 0, 0, 0));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: no list, any process */
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 21,
			     &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, SZ_2M, 22, 0));
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 22);
	acl_agent_unmap_free(_metadata, &ag, h, addr);

	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token0, &pid,
							       1));
	agent_import_free(_metadata, &ag, token0);
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
	ASSERT_EXPORT(m.h, 0, &token);
	AG_ASSERT(acl_agent_start_flags(&ag, 0, CLONE_NEWPID));
	AG_ASSERT(ag_call(&ag, AG_BARE_TGID, 0, 0, 0, 0));
	bare = (int32_t)ag_v(&ag, 0);
	nspid = (int32_t)ag_v(&ag, 1);
	/* hicann/driver devdrv_manager_container.c devdrv_manager_container_get_bare_tgid: the global tgid */
	EXPECT_EQ(ag.pid, bare);
	EXPECT_EQ(1, nspid);
	AG_ASSERT(ag_call(&ag, AG_INIT, 0, 0, 0, 0));

	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &nspid,
							       1));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: the list holds global tgids */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &bare,
							       1));
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 71,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Starts an agent under pid @pid, which @token has listed since before:
 * its import is refused until the pid is set again, then it reads @m's
 * pattern @seed. Drops @m. SKIPs the test when no process got @pid.
 */
static void refused_until_set_again(struct __test_metadata *_metadata,
				    struct acl_mapped *m, uint64_t token,
				    int32_t pid, uint64_t seed)
{
	uint64_t h = 0, addr = 0;
	struct acl_agent ag;
	int rc;

	rc = acl_agent_up_as(_metadata, &ag, pid);
	if (rc) {
		ACL_MAPPED_DROP(m);
		ACL_SKIP_NOT_UP_AS(rc, pid);
	}
	/*
	 * hicann/driver svm_master_mem_share.c devmm_pid_set_share_status:
	 * the pid's entry was set before this process started
	 */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	/* hicann/driver svm_master_mem_share.c _devmm_pid_list_insert: setting it again renews its time */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, m->size, seed,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(m);
}

/*
 * A pid reused: the importer exits and another process gets its pid. Its
 * entry predates the new process, which is refused until the exporter
 * sets the pid again.
 */
TEST_F(share, reused_pid_refused)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, addr = 0;
	int32_t pid = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 81);
	ASSERT_EXPORT(m.h, 0, &token);
	acl_agent_up(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 81,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));

	/* a new process under the same pid */
	refused_until_set_again(_metadata, &m, token, pid, 81);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * The pids a process will get, whitelisted before it starts: it is
 * refused, until its pid is set again after it started.
 */
TEST_F(share, pid_listed_before_start_refused)
{
	struct acl_mapped m;
	uint64_t token = 0;
	int32_t pids[16], i, base;
	const int32_t ahead = (int32_t)ACL_ARRAY_SIZE(pids);
	long last, max;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 91);
	ASSERT_EXPORT(m.h, 0, &token);
	last = test_sysctl_read(TEST_NS_LAST_PID);
	max = test_sysctl_read(TEST_PID_MAX);
	ASSERT_LT(0, last);
	ASSERT_LT(0, max);
	base = (int32_t)last + 200;
	if (base + 2 * ahead >= max)
		base = 300;
	for (i = 0; i < ahead; i++)
		pids[i] = base + 1 + i;
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, pids,
							       ahead));

	/* a process under the first of them */
	refused_until_set_again(_metadata, &m, token, base + 1, 91);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * The exporting process importing its own token: refused on the handle's
 * own device whatever the list says; on another device it needs the list
 * (its own pid) or DISABLE_PID_VALIDATION, like any other process.
 */
TEST_F(share, import_in_exporter)
{
	aclrtDrvMemHandle out = NULL, out2 = NULL;
	uint64_t token = 0, token2 = 0;
	struct acl_mapped m, m2;
	int32_t me = (int32_t)getpid();
	void *p = NULL;

	ACL_TWO_DEVICES();
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 101);
	ACL_MAPPED_MAKE(&m2, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 102);
	ASSERT_EXPORT(m.h, 0, &token);
	ASSERT_EXPORT(m2.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token2);

	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_import_local_server: the exporter, its device */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandle(token2, 0, &out));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: another device, not on the list */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandle(token, 1, &out));
	EXPECT_EQ(NULL, out);

	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &me, 1));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_import_local_server: the list changes nothing there */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	EXPECT_EQ(NULL, out);
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: on the list now */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemImportFromShareableHandle(token, 1, &out));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: no list, any process */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemImportFromShareableHandle(token2, 1, &out2));
	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, out2);
	EXPECT_NE(m.h, out);
	EXPECT_NE(m2.h, out2);

	/* the same pages */
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, out, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 101);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, out2, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 102);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out2));
	ACL_MAPPED_DROP(&m);
	ACL_MAPPED_DROP(&m2);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Host memory belongs to no device: the exporter importing it is left to
 * the list on every device.
 */
TEST_F(share, import_host_handle_in_exporter)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST, 0);
	aclrtDrvMemHandle h = NULL, out = NULL, again = NULL;
	int32_t me = (int32_t)getpid();
	uint64_t token = 0;
	void *p = NULL, *q = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	acl_fill(p, SZ_2M, 111);
	ASSERT_EXPORT(h, 0, &token);

	/*
	 * hicann/driver svm_master_mem_share.c devmm_pid_set_share_status:
	 * not on the list (devmm_ioctl_mem_import_local_server refuses the
	 * exporter on the memory's device only: the host is none of them)
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &me, 1));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemImportFromShareableHandle(token, 0, &out));
	ASSERT_NE(NULL, out);
	EXPECT_NE(h, out);
	/* hicann/driver devmm_svm.c devmm_import_record_create_and_get: the same handle again */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemImportFromShareableHandle(token, 0, &again));
	EXPECT_EQ(out, again);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&q, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q, SZ_2M, 0, out, 0));
	ACL_ASSERT_PATTERN(q, SZ_2M, 111);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(again));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * The same token twice in one process: on the same device the same handle
 * with one more reference (free it once per import), on another device a
 * handle of its own.
 */
TEST_F(share, import_twice)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, h = 0, h2 = 0, h3 = 0, addr = 0;
	int32_t pid = 0;

	ACL_TWO_DEVICES();
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 121);
	ASSERT_EXPORT(m.h, 0, &token);
	acl_agent_up(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	h = ag_v(&ag, 0);
	/* hicann/driver devmm_svm.c devmm_import_record_create_and_get: the same handle, one more reference */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(h, ag_v(&ag, 0));
	/* one reference gone, the other one maps */
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_MAP, h, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 121);
	AG_ASSERT(ag_call(&ag, AG_UNMAP, addr, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	/* aclmem: a handle that is gone is 107017 (CANN: undefined) */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_PROPS, h, 0, 0, 0));

	/* hicann/driver svm_master_mem_share.c devmm_share_agent_blk_put_with_share_id: importable again */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	h = ag_v(&ag, 0);
	/* hicann/driver devmm_svm.c devmm_import_record_create_and_get: the record is per device */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 1, 0, 0));
	h2 = ag_v(&ag, 0);
	EXPECT_NE(h, h2);
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 1, 0, 0));
	h3 = ag_v(&ag, 0);
	EXPECT_EQ(h2, h3);
	/*
	 * hicann/driver devmm_svm.c devmm_import_from_share_handle: the
	 * imported handle's device is the exporter's (0), not the importing
	 * one
	 */
	AG_ASSERT(ag_call(&ag, AG_PROPS, h2, 0, 0, 0));
	EXPECT_EQ((uint64_t)ACL_MEM_LOCATION_TYPE_DEVICE, ag_v(&ag, 2));
	EXPECT_EQ(0ULL, ag_v(&ag, 3));
	AG_ASSERT(ag_call(&ag, AG_MAP, h2, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 121);
	AG_ASSERT(ag_call(&ag, AG_UNMAP, addr, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h2, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h3, 0, 0, 0));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* An importer that has no current context (aclInit only). */
TEST_F(share, import_without_context)
{
	const aclrtMemSharedHandleType def = ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT;
	aclrtDrvMemHandle h = NULL;
	struct acl_agent ag;
	uint64_t token = 0, unknown;
	int32_t pid = 0;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	unknown = token ^ 1;
	AG_ASSERT(acl_agent_start(&ag, 0));
	pid = ag.pid;
	AG_ASSERT(ag_call(&ag, AG_ACL_INIT, 0, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));

	/* hicann/runtime api_error.cc ApiErrorDecorator::CheckDeviceIdIsValid: before the context */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_DEVICEID,
		     ag_call(&ag, AG_IMPORT, token, -1, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_DEVICEID,
		     ag_call(&ag, AG_IMPORT, unknown, 64, 0, 0));
	/*
	 * hicann/runtime api_impl.cc ApiImpl::ImportFromShareableHandle:
	 * the token is looked up (npu_driver.cc
	 * NpuDriver::GetPhyDevIdByMemShareHandle) before the context check
	 */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, unknown, 0, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, 0, 0, 0, 0));
	/* hicann/runtime api_impl.cc ApiImpl::ImportFromShareableHandle: no current context */
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));

	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: flags are reserved */
	AG_EXPECT_RC(ACL_ERROR_INVALID_PARAM,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 1, 0));
	/*
	 * hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl:
	 * the current device first (api_c_device.cc rtGetDevice), then the
	 * share type, then the token
	 */
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT_V2, token, 99, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT_V2, unknown, def, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT_V2, token,
			     ACL_MEM_SHARE_HANDLE_TYPE_FABRIC, 0, 0));

	/* with a context it works */
	AG_ASSERT(ag_call(&ag, AG_SET_DEVICE, 0, 0, 0, 0));
	agent_import_free(_metadata, &ag, token);
	AG_ASSERT(ag_call(&ag, AG_IMPORT_V2, token, def, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, ag_v(&ag, 0), 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_RESET_DEVICE, 0, 0, 0, 0));
	/* and needs it again after the reset */
	AG_EXPECT_RC(ACL_ERROR_RT_CONTEXT_NULL,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, export_twice)
{
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t token = 0, again = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 31);
	ASSERT_EXPORT(m.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	/* hicann/driver svm_master_mem_share.c devmm_master_mem_export: the handle was shared already */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  export_token(m.h, 0, &again));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, export_token(m.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, &again));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemExportToShareableHandleV2(m.h, 0,
				ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &again));
	EXPECT_EQ(0ULL, again);
	/* the first token is intact */
	acl_agent_up(_metadata, &ag, 0, NULL);
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 31,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
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
	ASSERT_EXPORT(m.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	acl_agent_up(_metadata, &ag, 0, NULL);
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, SZ_2M, 41,
			     &h, &addr);
	/* hicann/driver svm_master_mem_share.c devmm_master_mem_export: an imported blk is not NORMAL */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_EXPORT, h, ACL_MEM_HANDLE_TYPE_NONE, 0,
			     0));
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_EXPORT, h, ACL_MEM_HANDLE_TYPE_NONE,
			     ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_EXPORT_V2, h, 0,
			     ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 0));
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share, set_pid_errors)
{
	aclrtDrvMemHandle h = NULL;
	int32_t pids[4] = { 0 }, pid = 0;
	uint64_t token = 0, unknown;
	struct acl_agent ag;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	unknown = token ^ 1;
	acl_agent_up(_metadata, &ag, 0, &pid);
	pids[0] = pid;

	/* hicann/runtime memory.cpp aclrtMemSetPidToShareableHandleImpl: NULL, pidNum 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandle(token, NULL, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandle(token, pids, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandle(unknown, NULL, 0));
	/*
	 * hicann/driver devmm_svm.c devmm_set_pid_para_check: more than
	 * 65535 pids, or a count that is 0 as a uint32_t, before the token
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token, pids,
						  ACLMEM_MAX_SHARE_PIDS + 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(unknown, pids,
						  ACLMEM_MAX_SHARE_PIDS + 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandle(token, pids,
						  (size_t)1 << 32));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: no such share */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(unknown, pids, 1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(0, pids, 1));
	pids[0] = 0;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(unknown, pids, 2));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: not the exporter */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_SET_PID, token, pid, 1, 0));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: still not on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	/* hicann/driver svm_master_mem_share.c devmm_set_pids: every pid 0 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token, pids, 4));
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	/* hicann/driver svm_master_mem_share.c devmm_set_pids: 0 entries skipped, the others set */
	pids[2] = pid;
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, pids, 4));
	agent_import_free(_metadata, &ag, token);
	/* hicann/driver svm_master_mem_share.c devmm_set_pids: negative pids are not checked */
	pids[0] = -5;
	EXPECT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, pids, 1));

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* SetPid on a DISABLE_PID_VALIDATION export, which has no list. */
TEST_F(share, set_pid_without_validation)
{
	const aclrtMemSharedHandleType def = ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT;
	aclrtDrvMemHandle h = NULL;
	int32_t pids[2] = { 0, 0 }, pid = 0;
	struct acl_agent ag;
	uint64_t token = 0;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	acl_agent_up(_metadata, &ag, 0, &pid);

	/* hicann/driver svm_master_mem_share.c devmm_set_pids: every pid 0, before the list's mode */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token, pids, 2));
	/* hicann/driver svm_master_mem_share.c devmm_pid_list_insert: no list to set */
	pids[1] = pid;
	EXPECT_EQ(ACL_ERROR_RT_NO_PERMISSION,
		  aclrtMemSetPidToShareableHandle(token, pids, 2));
	EXPECT_EQ(ACL_ERROR_RT_NO_PERMISSION,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));
	EXPECT_EQ(ACL_ERROR_RT_NO_PERMISSION,
		  aclrtMemSetPidToShareableHandleV2(&token, def, &pid, 1));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: not the exporter, checked first */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_SET_PID, token, pid, 1, 0));
	/* it still admits anyone */
	agent_import_free(_metadata, &ag, token);

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* SetPid adds to the list: it never replaces what was set before. */
TEST_F(share, set_pid_appends)
{
	aclrtDrvMemHandle h = NULL;
	struct acl_agent a, b;
	int32_t pa = 0, pb = 0;
	uint64_t token = 0;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	acl_agent_up(_metadata, &a, 0, &pa);
	acl_agent_up(_metadata, &b, 0, &pb);

	/* hicann/driver svm_master_mem_share.c devmm_set_pids: each call inserts, none removes */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pa, 1));
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&b, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pb, 1));
	agent_import_free(_metadata, &a, token);
	agent_import_free(_metadata, &b, token);
	/* setting one again keeps the other */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pa, 1));
	agent_import_free(_metadata, &b, token);
	agent_import_free(_metadata, &a, token);

	EXPECT_EQ(0, acl_agent_stop(&a));
	EXPECT_EQ(0, acl_agent_stop(&b));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Filler pids that no process has: 0x40000000 + i. */
static int32_t *filler_pids(size_t n)
{
	int32_t *pids = calloc(n, sizeof(*pids));
	size_t i;

	for (i = 0; pids && i < n; i++)
		pids[i] = (int32_t)(0x40000000 + i);
	return pids;
}

/* 65535 pids per share, in one call or in many. */
TEST_F_TIMEOUT(share, set_pid_limit, 300)
{
	const size_t max = ACLMEM_MAX_SHARE_PIDS;
	aclrtDrvMemHandle h = NULL, h2 = NULL;
	uint64_t token = 0, token2 = 0;
	struct acl_agent ag;
	int32_t *pids, pid = 0;

	pids = filler_pids(max + 1);
	ASSERT_NE(NULL, pids);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	ASSERT_EXPORT(h2, 0, &token2);
	acl_agent_up(_metadata, &ag, 0, &pid);

	/* 65535 in total, the agent last */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token, pids, max - 1));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));
	/* hicann/driver svm_master_mem_share.c _devmm_pid_list_insert: the list is full */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token, pids + max - 1, 1));
	/*
	 * hicann/driver svm_master_mem_share.c _devmm_pid_list_insert: the
	 * limit is checked before the pid is looked up, so a full list
	 * refuses a pid it holds too
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));
	agent_import_free(_metadata, &ag, token);

	/* 65535 at once, the agent first */
	pids[0] = pid;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token2, pids, max));
	/* hicann/driver svm_master_mem_share.c _devmm_pid_list_insert: the list is full */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token2, pids + max, 1));
	agent_import_free(_metadata, &ag, token2);

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	free(pids);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * A SetPid that does not fit sets none of its pids: aclmem's call is all
 * or nothing, where CANN's keeps those before the one that failed
 * (lib/README.md, differences).
 */
TEST_F_TIMEOUT(share, set_pid_all_or_nothing, 300)
{
	const size_t max = ACLMEM_MAX_SHARE_PIDS;
	aclrtDrvMemHandle h = NULL;
	struct acl_agent ag;
	int32_t *pids, two[2], pid = 0;
	uint64_t token = 0;

	pids = filler_pids(max);
	ASSERT_NE(NULL, pids);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	acl_agent_up(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemSetPidToShareableHandle(token, pids, max - 1));
	/* room for one, two new pids: hicann/driver _devmm_pid_list_insert's 507899 */
	two[0] = pid;
	two[1] = pids[max - 1];
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemSetPidToShareableHandle(token, two, 2));
	/* aclmem: neither went in */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid, 1));
	agent_import_free(_metadata, &ag, token);

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	free(pids);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Tokens that name nothing: freed before the import, random, zero. */
TEST_F(share, unknown_tokens)
{
	const aclrtMemSharedHandleType def = ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT;
	aclrtDrvMemHandle h = NULL;
	struct acl_agent ag;
	uint64_t token = 0, r;
	int32_t pid = 0;
	int i, fd;

	acl_agent_up(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EXPORT(h, 0, &token);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemSetPidToShareableHandle(token, &pid,
							       1));
	/* aclmem: the exporter's free revokes the token */
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_get_info: no such share */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 0, 0));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: no such share */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemSetPidToShareableHandle(token, &pid, 1));

	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_get_info: no such share */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT, 0, 0, 0, 0));
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ((ssize_t)sizeof(r), read(fd, &r, sizeof(r)));
		AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
			     ag_call(&ag, AG_IMPORT, r, 0, 0, 0));
		/* below 2^53, where tokens are */
		AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
			     ag_call(&ag, AG_IMPORT, r >> 11, 0, 0, 0));
	}
	close(fd);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The exporter frees after the import: the importer keeps the pages. */
TEST_F(share, freed_after_import)
{
	const size_t size = 2 * SZ_2M;
	struct acl_agent ag, late;
	struct acl_mapped m;
	uint64_t token = 0, h = 0, addr = 0;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 51);
	ASSERT_EXPORT(m.h, ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION,
		      &token);
	acl_agent_up(_metadata, &ag, 0, NULL);
	acl_agent_import_map(_metadata, &ag, AG_IMPORT, token, size, 51,
			     &h, &addr);
	ACL_MAPPED_DROP(&m);
	/* hicann/driver svm_master_mem_share.c devmm_share_agent_blk_put_with_share_id: the importer holds them */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	/*
	 * hicann/driver devmm_svm.c devmm_import_record_create_and_get: this
	 * process's import of the token, found without the kernel
	 */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(h, ag_v(&ag, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	/*
	 * aclmem: for any other process the token went with the exporter's
	 * handle (CANN keeps it while an importer holds the memory)
	 */
	acl_agent_up(_metadata, &late, 0, NULL);
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&late, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(0, acl_agent_stop(&late));
	AG_ASSERT_PATTERN(&ag, addr, size, 51);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 52, 0));
	AG_ASSERT_PATTERN(&ag, addr, size, 52);
	/* hicann/driver devmm_svm.c svm_mem_release: freed while mapped, the mapping holds them */
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
	static const int types[] = {
		ACL_MEM_HANDLE_TYPE_POSIX, 1, 3, -1,
	};
	uint64_t token = 0;
	uint32_t count = 0;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&freed, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(freed));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));

	/*
	 * hicann/runtime memory.cpp aclrtMemExportToShareableHandleImpl:
	 * handle NULL, handleType not NONE (POSIX too), output NULL, in this
	 * order and before the flags
	 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_token(NULL, 0, &token));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_token(NULL, 2, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_token(h, 0, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_token(h, 2, NULL));
	for (i = 0; i < ACL_ARRAY_SIZE(types); i++) {
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemExportToShareableHandle(h,
				(aclrtMemHandleType)types[i], 0, &token)) {
			TH_LOG("handleType %d", types[i]);
		}
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemExportToShareableHandle(h,
				(aclrtMemHandleType)types[i], 2, &token));
	}
	/* hicann/runtime api_error.cc ApiErrorDecorator::ExportToShareableHandle: flags 0 or 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(h, 2, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(h, 3, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(h, ~0ULL, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_token(freed, 2, &token));
	/* aclmem: a handle that is gone is 107017 (CANN: undefined) */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, export_token(freed, 0, &token));
	EXPECT_EQ(0ULL, token);
	/* none of that exported it */
	ASSERT_EXPORT(h, 0, &token);

	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleImpl: handle NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandle(token, 0, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandle(token, -1, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::CheckDeviceIdIsValid: no such device */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtMemImportFromShareableHandle(token, -1, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtMemImportFromShareableHandle(token, (int32_t)count,
						    &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtMemImportFromShareableHandle(token ^ 1, 64, &out));
	EXPECT_EQ(NULL, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Tokens: one per export, never the same twice, non-zero, below 2^53. */
TEST_F(share, tokens)
{
	aclrtDrvMemHandle h[4];
	uint64_t tokens[16];
	size_t i, j;

	for (i = 0; i < ACL_ARRAY_SIZE(tokens); i++) {
		aclrtDrvMemHandle *hp = &h[i % ACL_ARRAY_SIZE(h)];

		if (i >= ACL_ARRAY_SIZE(h))
			ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(*hp));
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(hp, SZ_2M));
		ASSERT_EXPORT(*hp, i & 1, &tokens[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(tokens[j], tokens[i]);
	}
	for (i = 0; i < ACL_ARRAY_SIZE(h); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
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

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 61);
	ACL_MAPPED_MAKE(&m2, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 62);
	/* hicann/runtime npu_driver_mem.cc NpuDriver::ExportToShareableHandleV2: the V1 token */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemExportToShareableHandleV2(m.h, 0, def, &token));
	EXPECT_TOKEN(token);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemExportToShareableHandleV2(m2.h,
		  ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, def, &token2));
	EXPECT_TOKEN(token2);
	acl_agent_up(_metadata, &ag, 0, &pid);

	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: not on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
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
	/*
	 * hicann/driver devmm_svm.c devmm_import_record_create_and_get: V1
	 * on the same device finds V2's import
	 */
	AG_ASSERT(ag_call(&ag, AG_IMPORT, token, 0, 0, 0));
	EXPECT_EQ(h, ag_v(&ag, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	acl_agent_unmap_free(_metadata, &ag, h, addr);

	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: no list, any process */
	AG_ASSERT(ag_call(&ag, AG_IMPORT_V2, token2, def, 0, 0));
	h = ag_v(&ag, 0);
	AG_ASSERT(ag_call(&ag, AG_MAP, h, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 62);
	acl_agent_unmap_free(_metadata, &ag, h, addr);

	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: not the exporter */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, AG_SET_PID_V2, token, def, pid, 0));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: flags are reserved */
	AG_EXPECT_RC(ACL_ERROR_INVALID_PARAM,
		     ag_call(&ag, AG_IMPORT_V2, token, def, 1, 0));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_get_info: no such share */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_IMPORT_V2, token ^ 1, def, 0, 0));
	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_import_local_server: the exporter, its device */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemImportFromShareableHandleV2(&token, def, 0, &out));
	EXPECT_EQ(NULL, out);
	/* hicann/runtime memory.cpp aclrtMemSetPidToShareableHandleV2Impl: pidNum 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(&token, def, &pid, 0));
	/* hicann/driver devmm_svm.c devmm_set_pid_para_check: more than 65535 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandleV2(&token, def, &pid,
						    ACLMEM_MAX_SHARE_PIDS + 1));

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_MAPPED_DROP(&m2);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* V2 share types: unknown types 107000; FABRIC's context rules. */
TEST_F(share, v2_types)
{
	const aclrtMemSharedHandleType def = ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT;
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

	/* without a context */
	/* hicann/runtime api_impl.cc ApiImpl::ExportToShareableHandleV2: FABRIC needs a context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemExportToShareableHandleV2(h, 0, fabric, &fh));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemExportToShareableHandleV2(h, 1, fabric, &fh));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: the current device first */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemImportFromShareableHandleV2(&fh, fabric, 0, &out));
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++)
		EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
			  aclrtMemImportFromShareableHandleV2(&token,
				(aclrtMemSharedHandleType)bad[i], 0, &out));
	/*
	 * hicann/driver svm_vmm.c halMemTransShareableHandle: SetPid needs
	 * no context; an all-zero handle is not of type FABRIC
	 * (share_fabric_test has the rest of FABRIC)
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandleV2(&fh, fabric, &pid, 1));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		aclrtMemSharedHandleType t = (aclrtMemSharedHandleType)bad[i];

		/* hicann/runtime api_error.cc ApiErrorDecorator::ExportToShareableHandleV2: shareType, before flags */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemExportToShareableHandleV2(h, 0, t, &token));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemExportToShareableHandleV2(h, 2, t, &token));
		/* hicann/runtime api_error.cc ApiErrorDecorator::ImportFromShareableHandleV2: shareType */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemImportFromShareableHandleV2(&token, t, 0,
							      &out));
		/* hicann/runtime api_error.cc ApiErrorDecorator::SetPidToShareableHandleV2: shareType */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemSetPidToShareableHandleV2(&token, t, &pid,
							    1));
		/* hicann/runtime memory.cpp aclrtMemSetPidToShareableHandleV2Impl: pidNum 0, before shareType */
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemSetPidToShareableHandleV2(&token, t, &pid,
							    0));
	}
	/* hicann/runtime memory.cpp aclrtMemExportToShareableHandleV2Impl: NULLs, before shareType */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemExportToShareableHandleV2(h, 0, def, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemExportToShareableHandleV2(NULL, 0, def, &token));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemExportToShareableHandleV2(h, 0,
				(aclrtMemSharedHandleType)99, NULL));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: NULLs, flags */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandleV2(NULL, def, 0, &out));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandleV2(&token, def, 0, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandleV2(&token,
				(aclrtMemSharedHandleType)99, 2, &out));
	/* hicann/runtime memory.cpp aclrtMemSetPidToShareableHandleV2Impl: NULLs */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(NULL, def, &pid, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(&token, def, NULL, 1));
	/* hicann/runtime api_error.cc ApiErrorDecorator::ExportToShareableHandleV2: flags 0 or 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandleV2(h, 2, def, &token));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemExportToShareableHandleV2(h, 2, fabric, &fh));
	EXPECT_EQ(0ULL, token);
	/* nothing of that exported it */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemExportToShareableHandleV2(h, 0, def, &token));
	EXPECT_TOKEN(token);
	EXPECT_EQ(NULL, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

ACL_SHARE_MAIN(share_modes)
