// SPDX-License-Identifier: MIT
/*
 * Description: conformance of the IPC memory calls with CANN:
 * aclrtIpcMemGetExportKey, aclrtIpcMemSetImportPid, aclrtIpcMemImportByKey,
 * aclrtIpcMemClose, aclrtIpcMemSetAttr and aclrtIpcMemImportPidInterServer.
 * Other processes are real ones (fork + exec of this binary, driven over
 * a socket), some of them another user.
 *
 * Every expected code names, in a short comment, the CANN function that
 * produces it: hicann/runtime (the acl layer in memory.cpp, the runtime in
 * api_c_memory.cc, api_error.cc, api_impl_standard_soc.cc, api_impl.cc) or
 * hicann/driver (the user HAL in devmm_svm.c, the kernel in
 * svm_shmem_interprocess.c and svm_shmem_node.c). Where aclmem differs from
 * CANN on purpose the comment says "aclmem" (lib/README.md).
 *
 * torch_npu's flow (aclrtMalloc, export with the whitelist, the consumer's
 * bare tgid listed, import, reads and writes both ways, the consumer's
 * close unmaps, the producer's close, aclrtFree) and Mooncake's
 * (DISABLE_PID_VALIDATION, a 256-byte key buffer, ENABLE_PEER_ACCESS
 * imports by any process of any user, a later SetImportPid 207006). A
 * process not on the list is refused; so is one that started after its
 * pid was set (a reused pid, through ns_last_pid) until the pid is set
 * again. The exporter's close revokes the key (new imports 507899) and the
 * memory exports again; importers keep their memory (aclmem). Importing a
 * key twice in one process gives the same address, closed once per
 * import. Every argument check of every call with CANN's code. The pool
 * counters are back at the baseline after each test.
 */
#include "acl_share_utils.h"

#define KEY_LEN		65
/* a key travels in three words of an agent request */
#define KEY_WORDS	3

/* ---- the agent ---------------------------------------------------------- */

/* IPC requests, besides those of acl_share_utils.h (AG_INIT, AG_FILL, ...). */
enum ipc_agent_op {
	IG_MALLOC = 0x40,	/* size -> address (aclrtMalloc) */
	IG_FREE,		/* address (aclrtFree) */
	IG_EXPORT,		/* address, size, flags -> key */
	IG_SET_PID,		/* key, pid */
	IG_IMPORT,		/* key, flags -> address */
	IG_CLOSE,		/* key */
	IG_RANGE,		/* address -> base, size (aclrtMemGetAddressRange) */
	IG_MAPPED,		/* address: 0 if a page is mapped there, -ENOMEM */
	IG_CHECK_AT,		/* address, len, seed, base -> bad offset, word */
};

static void key_unpack(const uint64_t *w, char *key)
{
	memset(key, 0, KEY_LEN);
	memcpy(key, w, KEY_WORDS * sizeof(*w) - 1);
}

static int64_t ipc_agent_serve(void *ctx, const struct test_agent_req *r,
			       struct test_agent_rsp *a)
{
	const uint64_t *x = r->a;
	char key[KEY_LEN];
	int32_t pid;
	size_t size = 0;
	void *p = NULL;
	int64_t rc;

	switch (r->op) {
	case IG_MALLOC:
		rc = aclrtMalloc(&p, x[0], ACL_MEM_MALLOC_HUGE_FIRST);
		a->v[0] = (uintptr_t)p;
		return rc;
	case IG_FREE:
		return aclrtFree(acl_ptr(x[0]));
	case IG_EXPORT:
		memset(key, 0, sizeof(key));
		rc = aclrtIpcMemGetExportKey(acl_ptr(x[0]), x[1], key,
					     sizeof(key), x[2]);
		if (strlen(key) >= KEY_WORDS * sizeof(uint64_t))
			return -E2BIG;
		memcpy(a->v, key, KEY_WORDS * sizeof(uint64_t));
		return rc;
	case IG_SET_PID:
		key_unpack(x, key);
		pid = (int32_t)x[3];
		return aclrtIpcMemSetImportPid(key, &pid, 1);
	case IG_IMPORT:
		key_unpack(x, key);
		rc = aclrtIpcMemImportByKey(&p, key, x[3]);
		a->v[0] = (uintptr_t)p;
		return rc;
	case IG_CLOSE:
		key_unpack(x, key);
		return aclrtIpcMemClose(key);
	case IG_RANGE:
		rc = aclrtMemGetAddressRange(acl_ptr(x[0]), &p, &size);
		a->v[0] = (uintptr_t)p;
		a->v[1] = size;
		return rc;
	case IG_MAPPED:
		return msync(acl_ptr(x[0] & ~(uint64_t)(SZ_4K - 1)), SZ_4K,
			     MS_ASYNC) ? -errno : 0;
	case IG_CHECK_AT:
		return test_agent_check_rsp(a, x[0], acl_check_at(acl_ptr(x[0]),
					    x[1], x[2], x[3]));
	default:
		return acl_agent_serve(ctx, r, a);
	}
}

/* A request with @key in the first three words and @extra in the fourth. */
static int ag_key(struct acl_agent *ag, uint32_t op, const char *key,
		  uint64_t extra)
{
	uint64_t w[KEY_WORDS] = { 0, 0, 0 };

	memcpy(w, key, strnlen(key, sizeof(w) - 1));
	return test_agent_call(ag, op, -1, w[0], w[1], w[2], extra);
}

/*
 * The agent imports @key with @flags and sees @seed's pattern in @len
 * bytes there: the address in *addr.
 */
static void agent_import(struct __test_metadata *_metadata,
			 struct acl_agent *ag, const char *key,
			 uint64_t flags, size_t len, uint64_t seed,
			 uint64_t *addr)
{
	AG_ASSERT(ag_key(ag, IG_IMPORT, key, flags));
	*addr = ag_v(ag, 0);
	ASSERT_NE(0ULL, *addr);
	AG_ASSERT_PATTERN(ag, *addr, len, seed);
}

/* The agent closes @key; its import at @addr is gone (unmapped) after. */
static void agent_close(struct __test_metadata *_metadata,
			struct acl_agent *ag, const char *key, uint64_t addr)
{
	AG_ASSERT(ag_key(ag, IG_CLOSE, key, 0));
	/* the reservation went with the mapping: not memory of ACL any more */
	AG_EXPECT_RC(ACL_ERROR_RT_PARAM_INVALID,
		     ag_call(ag, IG_RANGE, addr, 0, 0, 0));
	/* nor of anything: the agent's address space has a hole there */
	AG_EXPECT_RC(-ENOMEM, ag_call(ag, IG_MAPPED, addr, 0, 0, 0));
}

/* ---- the test's side ---------------------------------------------------- */

FIXTURE(ipc) {
	struct acl_pools base;
	void *p;		/* an aclrtMalloc allocation, filled */
	size_t size;
	char key[KEY_LEN];
};

#define ALLOC_SIZE	(2 * SZ_2M)

FIXTURE_SETUP(ipc)
{
	ACL_POOLS_BASE(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	self->size = ALLOC_SIZE;
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc(&self->p, self->size,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	acl_fill(self->p, self->size, 1);
	memset(self->key, 0, sizeof(self->key));
}

FIXTURE_TEARDOWN(ipc)
{
	acl_kill_kids();
	EXPECT_EQ(0, acl_dev_restore());
	if (self->p)
		EXPECT_EQ(ACL_SUCCESS, aclrtFree(self->p));
	if (_metadata->passed)
		ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Exports the fixture's allocation with @flags into self->key. */
#define EXPORT(flags)							\
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(self->p, self->size, \
						       self->key, KEY_LEN, \
						       flags))

/* ---- the flows of the clients ------------------------------------------- */

/*
 * torch_npu's tensor sharing: the producer exports its aclrtMalloc block
 * and lists the consumer's aclrtDeviceGetBareTgid; the consumer imports,
 * both write and read each other's bytes, the consumer closes (its
 * mapping goes), then the producer closes and frees.
 */
TEST_F(ipc, torch_npu_flow)
{
	struct acl_agent ag;
	uint64_t addr = 0;
	int32_t pid = 0;

	acl_fill(self->p, self->size, 11);
	EXPORT(ACL_RT_IPC_MEM_EXPORT_FLAG_DEFAULT);
	/* halShmemCreateHandle: a name of up to 64 characters, NUL-padded to 65 */
	EXPECT_LT(0U, strlen(self->key));
	EXPECT_GT((size_t)KEY_LEN, strlen(self->key));
	acl_agent_up(_metadata, &ag, 0, &pid);
	/* svm_shmem_node.c _devmm_ipc_node_get_wlist: not on the list yet */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&ag, IG_IMPORT, self->key, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, &pid, 1));
	agent_import(_metadata, &ag, self->key, 0, self->size, 11, &addr);

	AG_ASSERT(ag_call(&ag, AG_FILL, addr, self->size, 12, 0));
	ACL_ASSERT_PATTERN(self->p, self->size, 12);
	acl_fill(self->p, self->size, 13);
	AG_ASSERT_PATTERN(&ag, addr, self->size, 13);
	/* the consumer sees the exported range only as its own ACL memory */
	AG_ASSERT(ag_call(&ag, IG_RANGE, addr + 8, 0, 0, 0));
	EXPECT_EQ(addr, ag_v(&ag, 0));
	EXPECT_EQ((uint64_t)self->size, ag_v(&ag, 1));

	agent_close(_metadata, &ag, self->key, addr);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(self->p));
	self->p = NULL;
}

/*
 * Mooncake's transport: export with DISABLE_PID_VALIDATION into a
 * 256-byte buffer, import with ENABLE_PEER_ACCESS by processes of any
 * user without a list; a later SetImportPid is refused.
 */
TEST_F(ipc, mooncake_flow_no_pid_validation)
{
	char key[256];
	struct acl_agent ag, other;
	uint64_t addr = 0, addr2 = 0;
	int32_t pid = 0;

	memset(key, 'x', sizeof(key));
	acl_fill(self->p, self->size, 21);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(self->p, self->size,
			key, sizeof(key),
			ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION));
	/* halShmemCreateHandle: the name and its padding, 65 bytes, no more */
	EXPECT_EQ('\0', key[KEY_LEN - 1]);
	EXPECT_EQ('x', key[KEY_LEN]);

	acl_agent_up(_metadata, &ag, 0, &pid);
	acl_agent_up(_metadata, &other, ACL_OTHER_UID, NULL);
	/* svm_shmem_node.c _devmm_ipc_node_get_wlist: no list needed */
	agent_import(_metadata, &ag, key,
		     ACL_RT_IPC_MEM_IMPORT_FLAG_ENABLE_PEER_ACCESS, self->size,
		     21, &addr);
	agent_import(_metadata, &other, key, ACL_RT_IPC_MEM_IMPORT_FLAG_DEFAULT,
		     self->size, 21, &addr2);
	AG_ASSERT(ag_call(&other, AG_FILL, addr2, self->size, 22, 0));
	AG_ASSERT_PATTERN(&ag, addr, self->size, 22);
	ACL_ASSERT_PATTERN(self->p, self->size, 22);

	/* svm_shmem_node.c devmm_ipc_node_set_pids: need_set_wlist is off, EPERM */
	EXPECT_EQ(ACL_ERROR_RT_NO_PERMISSION,
		  aclrtIpcMemSetImportPid(key, &pid, 1));

	agent_close(_metadata, &ag, key, addr);
	agent_close(_metadata, &other, key, addr2);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	EXPECT_EQ(0, acl_agent_stop(&other));
}

/* ---- the whitelist ------------------------------------------------------ */

/*
 * Only listed processes import: another one, root or not, is refused;
 * another user's process on the list imports (CANN checks no uid); the
 * list grows; the exporter's own pid is left off it, so a list of it
 * alone sets nothing.
 */
TEST_F(ipc, whitelist)
{
	struct acl_agent ag, nobody;
	int32_t pid = 0, pid2 = 0, me = 0, both[2];
	uint64_t addr = 0;

	acl_fill(self->p, self->size, 31);
	EXPORT(0);
	acl_agent_up(_metadata, &ag, 0, &pid);
	acl_agent_up(_metadata, &nobody, ACL_OTHER_UID, &pid2);
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetBareTgid(&me));

	/* svm_shmem_node.c _devmm_ipc_node_set_pids: the creator's pid is skipped, none set: EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemSetImportPid(self->key, &me, 1));
	/* svm_shmem_node.c _devmm_ipc_node_get_wlist: the exporter is not on the list */
	{
		void *p = NULL;

		EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			  aclrtIpcMemImportByKey(&p, self->key, 0));
		EXPECT_EQ(NULL, p);
	}
	both[0] = me;
	both[1] = pid;
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, both, 2));
	agent_import(_metadata, &ag, self->key, 0, self->size, 31, &addr);
	/* svm_shmem_node.c _devmm_ipc_node_get_wlist: another process, not listed */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&nobody, IG_IMPORT, self->key, 0));
	/* svm_shmem_node.c devmm_ipc_node_set_pids_check: only the creator sets the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&ag, IG_SET_PID, self->key, (uint64_t)pid2));
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&nobody, IG_IMPORT, self->key, 0));

	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, &pid2, 1));
	{
		uint64_t addr2 = 0;

		agent_import(_metadata, &nobody, self->key, 0, self->size, 31,
			     &addr2);
		AG_ASSERT(ag_call(&nobody, AG_FILL, addr2, self->size, 32, 0));
		AG_ASSERT_PATTERN(&ag, addr, self->size, 32);
		agent_close(_metadata, &nobody, self->key, addr2);
	}
	agent_close(_metadata, &ag, self->key, addr);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	EXPECT_EQ(0, acl_agent_stop(&nobody));
}

/*
 * A pid reused: the importer exits and another process gets its pid. Its
 * entry predates the new process, which is refused until the exporter
 * sets the pid again.
 */
TEST_F(ipc, reused_pid_refused)
{
	struct acl_agent ag;
	uint64_t addr = 0;
	int32_t pid = 0;
	int rc;

	acl_fill(self->p, self->size, 41);
	EXPORT(0);
	acl_agent_up(_metadata, &ag, 0, &pid);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, &pid, 1));
	agent_import(_metadata, &ag, self->key, 0, self->size, 41, &addr);
	agent_close(_metadata, &ag, self->key, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));

	rc = acl_agent_up_as(_metadata, &ag, pid);
	if (rc) {
		ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
		ACL_SKIP_NOT_UP_AS(rc, pid);
	}
	/* svm_shmem_node.c _devmm_ipc_node_get_wlist: the process started after its entry was set */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&ag, IG_IMPORT, self->key, 0));
	/* svm_shmem_node.c _devmm_ipc_node_set_pid: setting it again renews its time */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, &pid, 1));
	agent_import(_metadata, &ag, self->key, 0, self->size, 41, &addr);
	agent_close(_metadata, &ag, self->key, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

/* ---- close, import twice, free ------------------------------------------ */

/*
 * The exporter's close revokes the key: new imports and SetImportPid are
 * 507899, closing again too; an importer from before keeps its memory and
 * still shares the bytes (aclmem: CANN's driver frees the importers'
 * pages, its docs ask importers to close first). The memory exports again
 * under a new key.
 */
TEST_F(ipc, exporter_close_revokes)
{
	char key2[KEY_LEN];
	struct acl_agent ag, late;
	uint64_t addr = 0, addr2 = 0;
	int32_t pids[2] = { 0, 0 };

	acl_fill(self->p, self->size, 51);
	EXPORT(0);
	acl_agent_up(_metadata, &ag, 0, &pids[0]);
	acl_agent_up(_metadata, &late, 0, &pids[1]);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, pids, 2));
	agent_import(_metadata, &ag, self->key, 0, self->size, 51, &addr);

	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_query: no such name, EINVAL */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&late, IG_IMPORT, self->key, 0));
	/* svm_shmem_node.c devmm_ipc_node_set_pids: no such name, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemSetImportPid(self->key, &pids[1], 1));
	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_destroy: no such name, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemClose(self->key));

	/* aclmem: the importer keeps the memory, shared both ways */
	AG_ASSERT_PATTERN(&ag, addr, self->size, 51);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, self->size, 52, 0));
	ACL_ASSERT_PATTERN(self->p, self->size, 52);

	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_create: a new name for the memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(self->p, self->size, key2,
						       KEY_LEN, 0));
	EXPECT_STRNE(self->key, key2);
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&late, IG_IMPORT, key2, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(key2, &pids[1], 1));
	agent_import(_metadata, &late, key2, 0, self->size, 52, &addr2);

	agent_close(_metadata, &late, key2, addr2);
	agent_close(_metadata, &ag, self->key, addr);
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key2));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	EXPECT_EQ(0, acl_agent_stop(&late));
}

/*
 * Importing a key twice in one process and on one device gives the same
 * address: each import takes a close, the memory stays until the last.
 * A key exported from part of an allocation (at a page boundary) gives
 * those bytes.
 */
TEST_F(ipc, import_twice_and_part)
{
	char part[KEY_LEN];
	struct acl_agent ag;
	uint64_t addr = 0, addr2 = 0, paddr = 0;
	int32_t pid = 0;

	acl_fill(self->p, self->size, 61);
	EXPORT(ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION);
	acl_agent_up(_metadata, &ag, 0, &pid);
	agent_import(_metadata, &ag, self->key, 0, self->size, 61, &addr);
	/* devmm_svm.c halShmemOpenHandleByDevId: the record of the name, one more reference */
	AG_ASSERT(ag_key(&ag, IG_IMPORT, self->key, 0));
	addr2 = ag_v(&ag, 0);
	EXPECT_EQ(addr, addr2);
	/* devmm_svm.c halShmemCloseHandle: not the last reference, still mapped */
	AG_ASSERT(ag_key(&ag, IG_CLOSE, self->key, 0));
	AG_ASSERT_PATTERN(&ag, addr, self->size, 61);
	agent_close(_metadata, &ag, self->key, addr);
	/* api_impl_standard_soc.cc ApiImpl::IpcCloseMemoryByName: then the name is not ours, DestroyIpcMem: not the creator, EACCES */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&ag, IG_CLOSE, self->key, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));

	/* the second 2 MiB page alone */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey((char *)self->p + SZ_2M,
			SZ_2M, part, KEY_LEN,
			ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION));
	AG_ASSERT(ag_key(&ag, IG_IMPORT, part, 0));
	paddr = ag_v(&ag, 0);
	TEST_AGENT_ASSERT_PATTERN(&ag, ag_call(&ag, IG_CHECK_AT, paddr, SZ_2M,
					       61, SZ_2M), 61);
	AG_ASSERT(ag_key(&ag, IG_CLOSE, part, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(part));
	EXPECT_EQ(0, acl_agent_stop(&ag));
}

/*
 * The exporter frees its memory before closing the key: imports are
 * refused from then on, the importer keeps its memory, and the close
 * still succeeds (CANN keeps the name until it is closed), once.
 */
TEST_F(ipc, free_before_close)
{
	struct acl_agent ag;
	uint64_t addr = 0;
	int32_t pid = 0;
	void *p = NULL;

	acl_fill(self->p, self->size, 71);
	EXPORT(ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION);
	acl_agent_up(_metadata, &ag, 0, &pid);
	agent_import(_metadata, &ag, self->key, 0, self->size, 71, &addr);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(self->p));
	self->p = NULL;
	/*
	 * svm_shmem_node.c _devmm_ipc_open_check: the open pages were freed,
	 * EINVAL (aclmem: the memory went, and with it the key)
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemImportByKey(&p, self->key, 0));
	EXPECT_EQ(NULL, p);
	/* aclmem: the importer keeps the memory */
	AG_ASSERT_PATTERN(&ag, addr, self->size, 71);
	/* svm_shmem_node.c devmm_ipc_node_destroy: the name lives until it is closed */
	EXPECT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_destroy: gone now, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemClose(self->key));
	agent_close(_metadata, &ag, self->key, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
}

/* ---- argument checks ---------------------------------------------------- */

/* aclrtIpcMemGetExportKey: the checks of every layer, in their order. */
TEST_F(ipc, export_checks)
{
	char key[KEY_LEN], key2[KEY_LEN];
	aclrtDrvMemHandle h = NULL;
	void *host = NULL, *imported = NULL, *va = NULL;
	int local = 0;

	/* memory.cpp aclrtIpcMemGetExportKeyImpl: ACL_REQUIRES_NOT_NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtIpcMemGetExportKey(NULL, self->size, key, KEY_LEN, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtIpcMemGetExportKey(self->p, self->size, NULL, KEY_LEN, 0));
	/* api_error.cc ApiErrorDecorator::IpcSetMemoryName: size 0, len 0 (as uint32_t), flags above 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemGetExportKey(self->p, 0, key, KEY_LEN, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemGetExportKey(self->p, self->size, key, 0, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemGetExportKey(self->p, self->size, key,
					  (size_t)1 << 32, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemGetExportKey(self->p, self->size, key, KEY_LEN, 2));
	/* devmm_svm.c halShmemCreateHandle: name_len below DEVMM_MAX_NAME_SIZE */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemGetExportKey(self->p, self->size, key,
					  KEY_LEN - 1, 0));
	/* svm_shmem_interprocess.c devmm_ipc_mem_create_para_check: not device memory, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(&local, sizeof(local), key, KEY_LEN,
					  0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost(&host, SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(host, SZ_2M, key, KEY_LEN, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(host));
	/* devmm_ipc_mem_create_para_check: not at a page boundary; past the allocation */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey((char *)self->p + 4096, SZ_2M, key,
					  KEY_LEN, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(self->p, self->size + 1, key,
					  KEY_LEN, 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey((char *)self->p + SZ_2M, SZ_2M + 1,
					  key, KEY_LEN, 0));

	/* the checks exported nothing: a key now, the whole allocation */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(self->p, self->size, key,
						       KEY_LEN, 0));
	/* aclmem: one key at a time per allocation (CANN names it again) */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(self->p, SZ_2M, key2, KEY_LEN, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key));

	/* devmm_ipc_mem_create_para_check: imported IPC memory (is_ipc_open), EINVAL */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(self->p, self->size, key,
			KEY_LEN, ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemImportByKey(&imported, key, 0));
	ACL_ASSERT_PATTERN(imported, self->size, 1);
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(imported, self->size, key2, KEY_LEN,
					  0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key));	/* the import */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key));	/* the export */

	/* a mapped physical handle exports; one shared as a VMM handle (is_mem_export) does not */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&va, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemGetExportKey(va, SZ_2M, key, KEY_LEN,
						       0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(key));
	{
		uint64_t token = 0;

		ASSERT_EQ(ACL_SUCCESS, aclrtMemExportToShareableHandle(h,
				ACL_MEM_HANDLE_TYPE_NONE, 0, &token));
	}
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemGetExportKey(va, SZ_2M, key, KEY_LEN, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));

	/* api_impl_standard_soc.cc ApiImpl::IpcSetMemoryName: no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtIpcMemGetExportKey(self->p, self->size, key, KEY_LEN, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
}

/* aclrtIpcMemSetImportPid */
TEST_F(ipc, set_pid_checks)
{
	int32_t pids[32];
	char longkey[KEY_LEN + 1];
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(pids); i++)
		pids[i] = 0x7ff00000 + (int32_t)i;
	EXPORT(0);
	/* memory.cpp aclrtIpcMemSetImportPidImpl: ACL_REQUIRES_NOT_NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtIpcMemSetImportPid(NULL, pids, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtIpcMemSetImportPid(self->key, NULL, 1));
	/* api_error.cc ApiErrorDecorator::SetIpcMemPid: num <= 0 as int32_t */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid(self->key, pids, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid(self->key, pids, (size_t)1 << 32));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid(self->key, pids, 0x80000000U));
	/* devmm_svm.c halShmemSetPid: more than DEVMM_SECONDARY_PROCESS_NUM - 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid(self->key, pids, 32));
	EXPECT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, pids, 31));
	/* devmm_svm.c halShmemSetPid: the name's length, 1 to 64 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid("", pids, 1));
	memset(longkey, 'a', KEY_LEN);
	longkey[KEY_LEN] = '\0';
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetImportPid(longkey, pids, 1));
	/* svm_shmem_node.c devmm_ipc_node_set_pids: no such name, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemSetImportPid("not-a-key", pids, 1));
	longkey[KEY_LEN - 1] = '\0';
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemSetImportPid(longkey, pids, 1));
	/* svm_shmem_node.c _devmm_ipc_node_set_pids: only 0 entries, EINVAL */
	memset(pids, 0, sizeof(pids));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemSetImportPid(self->key, pids, 3));
	/* api_impl.cc ApiImpl::SetIpcMemPid: no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtIpcMemSetImportPid(self->key, pids, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

/* aclrtIpcMemImportByKey */
TEST_F(ipc, import_checks)
{
	char longkey[KEY_LEN + 1];
	void *p = NULL;

	EXPORT(0);
	/* memory.cpp aclrtIpcMemImportByKeyImpl: ACL_REQUIRES_NOT_NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtIpcMemImportByKey(NULL, self->key, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcMemImportByKey(&p, NULL, 0));
	/* api_error.cc ApiErrorDecorator::IpcOpenMemory: flags above 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportByKey(&p, self->key, 2));
	/* devmm_svm.c halShmemOpenHandleByDevId: the name's length */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcMemImportByKey(&p, "", 0));
	memset(longkey, 'a', KEY_LEN);
	longkey[KEY_LEN] = '\0';
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportByKey(&p, longkey, 0));
	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_query: no such name, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemImportByKey(&p, "not-a-key", 0));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtIpcMemImportByKey(&p, "0000000000000001",
					 ACL_RT_IPC_MEM_IMPORT_FLAG_ENABLE_PEER_ACCESS));
	EXPECT_EQ(NULL, p);
	/* api_impl_standard_soc.cc ApiImpl::IpcOpenMemory: no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtIpcMemImportByKey(&p, self->key, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

/* aclrtIpcMemClose */
TEST_F(ipc, close_checks)
{
	struct acl_agent ag;
	uint64_t addr = 0;
	int32_t pid = 0;

	EXPORT(0);
	/* memory.cpp aclrtIpcMemCloseImpl: ACL_REQUIRES_NOT_NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcMemClose(NULL));
	/* devmm_svm.c halShmemDestroyHandle: the name's length */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcMemClose(""));
	/* svm_shmem_interprocess.c devmm_ioctl_ipc_mem_destroy: no such name, EINVAL */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, aclrtIpcMemClose("xyz"));
	/* svm_shmem_node.c _devmm_ipc_node_uninit: not the creator, EACCES; the key stays */
	acl_agent_up(_metadata, &ag, 0, &pid);
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_key(&ag, IG_CLOSE, self->key, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemSetImportPid(self->key, &pid, 1));
	agent_import(_metadata, &ag, self->key, 0, self->size, 1, &addr);
	agent_close(_metadata, &ag, self->key, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	/* api_impl_standard_soc.cc ApiImpl::IpcCloseMemoryByName: no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtIpcMemClose(self->key));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

/*
 * aclrtIpcMemSetAttr: the runtime's checks, then 207000: CANN serves it
 * on address-flat devices only, not on A2/A3.
 */
TEST_F(ipc, set_attr)
{
	EXPORT(0);
	/* api_error.cc ApiErrorDecorator::IpcSetMemoryAttr: name NULL, type >= RT_ATTR_TYPE_MAX, attr >= RT_IPC_MEM_ATTR_MAX */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetAttr(NULL, ACL_RT_IPC_MEM_ATTR_ACCESS_LINK,
				     ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_SIO));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetAttr(self->key, (aclrtIpcMemAttrType)1,
				     ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_SIO));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemSetAttr(self->key, ACL_RT_IPC_MEM_ATTR_ACCESS_LINK,
				     4));
	/* api_impl.cc ApiImpl::IpcSetMemoryAttr: not an address-flat device */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtIpcMemSetAttr(self->key, ACL_RT_IPC_MEM_ATTR_ACCESS_LINK,
				     ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_HCCS));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtIpcMemSetAttr(self->key, ACL_RT_IPC_MEM_ATTR_ACCESS_LINK,
				     ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_UB_MULTI_PORT_PATH));
	/* api_impl.cc ApiImpl::IpcSetMemoryAttr: no current context, first */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtIpcMemSetAttr(self->key, ACL_RT_IPC_MEM_ATTR_ACCESS_LINK,
				     ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_SIO));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

/*
 * aclrtIpcMemImportPidInterServer: the runtime's and the driver library's
 * checks, then 207000: no super pod here.
 */
TEST_F(ipc, import_pid_inter_server)
{
	int32_t pid = 1234;
	aclrtServerPid sp = { .sdid = 0, .pid = &pid, .num = 1 };

	EXPORT(0);
	/* api_c_standard_soc.cc rtIpcMemImportPidInterServer: NULLs and num 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(NULL, &sp, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(self->key, NULL, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(self->key, &sp, 0));
	sp.pid = NULL;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(self->key, &sp, 1));
	sp.pid = &pid;
	/* devmm_svm.c halShmemSetPid: num out of 1..31, the name's length */
	sp.num = 0;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(self->key, &sp, 1));
	sp.num = 32;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer(self->key, &sp, 1));
	sp.num = 1;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtIpcMemImportPidInterServer("", &sp, 1));
	/* npu_driver_res.cc NpuDriver::ShmemSetPodPid: DRV_ERROR_NOT_SUPPORT */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtIpcMemImportPidInterServer(self->key, &sp, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcMemClose(self->key));
}

ACL_SHARE_MAIN_SERVING(ipc_agent_serve, NULL)
