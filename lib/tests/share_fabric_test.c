// SPDX-License-Identifier: MIT
/*
 * Description: the V2 sharing calls with ACL_MEM_SHARE_HANDLE_TYPE_FABRIC
 * and a 128-byte aclrtMemFabricHandle, served on one host:
 * aclrtMemExportToShareableHandleV2, aclrtMemSetPidToShareableHandleV2,
 * aclrtMemImportFromShareableHandleV2. Other processes are agents (fork +
 * exec of this binary) that share a memfd of handle slots with the test,
 * so that the 128 bytes travel as they do between CANN clients.
 *
 * Every expected code names the CANN function that produces it:
 * hicann/runtime (the acl layer memory.cpp, api_error.cc, api_impl.cc,
 * npu_driver_mem.cc) or hicann/driver (devmm_svm.c, svm_vmm.c, the kernel's
 * svm_master_mem_share.c). "aclmem" marks aclmem's own rules: its handle
 * layout (lib/README.md), a handle of another host or boot, corruption.
 *
 * The call sequences of the clients that use only this type are here:
 * Mooncake's UBShmemTransport (aclrtMemRetainAllocationHandle, export
 * with DISABLE_PID_VALIDATION, a peer imports with flags 0 and maps),
 * hixl (the exporter imports its own host memory on its device), shmem
 * (host memory exported with flags 1, imported by every other rank).
 */
#include "acl_share_utils.h"

#include <endian.h>
#include <stddef.h>
#include <sys/mman.h>

static const aclrtMemSharedHandleType fabric = ACL_MEM_SHARE_HANDLE_TYPE_FABRIC;
static const uint64_t no_pid = ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION;

/*
 * aclmem's layout of the handle (lib/share.c struct fabric_handle), which
 * the tests forge: byte offsets, little-endian.
 */
#define FH_DRV_TYPE	0	/* u32: CANN's MEM_HANDLE_TYPE_FABRIC (1) */
#define FH_MAGIC	4	/* u32 */
#define FH_VERSION	8	/* u16 */
#define FH_TRANSPORT	10	/* u16 */
#define FH_EXPORTER	12	/* u32 */
#define FH_BOOT_ID	16	/* 16 bytes */
#define FH_MACHINE_ID	32	/* 16 bytes */
#define FH_TOKEN	48	/* u64 */
#define FH_SIZE		56	/* u64 */
#define FH_PAGE_SIZE	64	/* u64 */
#define FH_FLAGS	80	/* u32 */
#define FH_REGION	88	/* 36 bytes: 0 for the local transport */
#define FH_CHECK	124	/* u32: FNV-1a of bytes 0..123 */

static uint32_t fh_u32(const aclrtMemFabricHandle *fh, size_t off)
{
	uint32_t v;

	memcpy(&v, fh->data + off, sizeof(v));
	return le32toh(v);
}

static uint64_t fh_u64(const aclrtMemFabricHandle *fh, size_t off)
{
	uint64_t v;

	memcpy(&v, fh->data + off, sizeof(v));
	return le64toh(v);
}

static void fh_set_u32(aclrtMemFabricHandle *fh, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(fh->data + off, &v, sizeof(v));
}

static void fh_set_u64(aclrtMemFabricHandle *fh, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(fh->data + off, &v, sizeof(v));
}

/* Makes the checksum right again after a forgery. */
static void fh_reseal(aclrtMemFabricHandle *fh)
{
	uint32_t hash = 2166136261U;
	size_t i;

	for (i = 0; i < FH_CHECK; i++)
		hash = (hash ^ fh->data[i]) * 16777619U;
	fh_set_u32(fh, FH_CHECK, hash);
}

/* ---- the agent: the ACL agent, plus fabric slots ----------------------- */

#define SLOTS		8
#define SLOTS_BYTES	(SLOTS * sizeof(aclrtMemFabricHandle))

enum fabric_agent_op {
	FAG_BIND = 0x200,	/* fd (AG_RECV_FD's): map the slots */
	FAG_EXPORT,		/* handle, flags, slot */
	FAG_IMPORT,		/* slot, flags -> handle */
	FAG_SET_PID,		/* slot, pid, pidNum (pid repeated) */
	FAG_RETAIN,		/* address -> handle */
};

static aclrtMemFabricHandle *agent_slots;

static int64_t fabric_agent_serve(void *ctx, const struct test_agent_req *r,
				  struct test_agent_rsp *a)
{
	const uint64_t *x = r->a;
	aclrtDrvMemHandle h = NULL;
	int32_t pids[4];
	void *p;
	int64_t rc;
	int i;

	if (r->op >= FAG_EXPORT && r->op <= FAG_SET_PID && !agent_slots)
		return -ENXIO;
	switch (r->op) {
	case FAG_BIND:
		p = mmap(NULL, SLOTS_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
			 (int)x[0], 0);
		if (p == MAP_FAILED)
			return -errno;
		agent_slots = p;
		return 0;
	case FAG_EXPORT:
		return aclrtMemExportToShareableHandleV2(acl_ptr(x[0]), x[1],
				fabric, &agent_slots[x[2] % SLOTS]);
	case FAG_IMPORT:
		rc = aclrtMemImportFromShareableHandleV2(
				&agent_slots[x[0] % SLOTS], fabric, x[1], &h);
		a->v[0] = (uintptr_t)h;
		return rc;
	case FAG_SET_PID:
		for (i = 0; i < 4; i++)
			pids[i] = (int32_t)x[1];
		return aclrtMemSetPidToShareableHandleV2(
				&agent_slots[x[0] % SLOTS], fabric, pids,
				(size_t)x[2]);
	case FAG_RETAIN:
		rc = aclrtMemRetainAllocationHandle(acl_ptr(x[0]), &h);
		a->v[0] = (uintptr_t)h;
		return rc;
	default:
		return acl_agent_serve(ctx, r, a);
	}
}

/* ---- the test's side ------------------------------------------------------ */

FIXTURE(fabric) {
	struct acl_pools base;
	int slots_fd;
	aclrtMemFabricHandle *slot;	/* SLOTS, shared with the agents */
};

FIXTURE_SETUP(fabric)
{
	void *p;

	ACL_POOLS_BASE(&self->base);
	self->slots_fd = memfd_create("fabric_slots", MFD_CLOEXEC);
	ASSERT_LE(0, self->slots_fd);
	ASSERT_EQ(0, ftruncate(self->slots_fd, SLOTS_BYTES));
	p = mmap(NULL, SLOTS_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->slots_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	self->slot = p;
}

FIXTURE_TEARDOWN(fabric)
{
	acl_kill_kids();
	EXPECT_EQ(0, acl_dev_restore());
	munmap(self->slot, SLOTS_BYTES);
	close(self->slots_fd);
	if (_metadata->passed)
		ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The agent maps the slots (the test's @slots_fd). */
static void agent_bind(struct __test_metadata *_metadata,
		       struct acl_agent *ag, int slots_fd)
{
	AG_ASSERT(test_agent_call(ag, AG_RECV_FD, slots_fd, 0, 0, 0, 0));
	AG_ASSERT(ag_call(ag, FAG_BIND, ag_v(ag, 0), 0, 0, 0));
}

/* acl_agent_up(), the slots shared. */
static void agent_start(struct __test_metadata *_metadata,
			struct acl_agent *ag, uid_t uid, int slots_fd,
			int32_t *pid)
{
	acl_agent_up(_metadata, ag, uid, pid);
	agent_bind(_metadata, ag, slots_fd);
}


/* Both ways through the agent's mapping at @addr of @m. */
static void both_ways(struct __test_metadata *_metadata, struct acl_agent *ag,
		      struct acl_mapped *m, uint64_t addr, uint64_t seed)
{
	AG_ASSERT(ag_call(ag, AG_FILL, addr, m->size, seed, 0));
	ACL_ASSERT_PATTERN(m->p, m->size, seed);
	acl_fill(m->p, m->size, seed + 1);
	AG_ASSERT_PATTERN(ag, addr, m->size, seed + 1);
}

static aclError export_fabric(aclrtDrvMemHandle h, uint64_t flags,
			      aclrtMemFabricHandle *fh)
{
	return aclrtMemExportToShareableHandleV2(h, flags, fabric, fh);
}

static aclError import_fabric(aclrtMemFabricHandle *fh, aclrtDrvMemHandle *h)
{
	return aclrtMemImportFromShareableHandleV2(fh, fabric, 0, h);
}

static aclError set_pid_fabric(aclrtMemFabricHandle *fh, int32_t pid)
{
	return aclrtMemSetPidToShareableHandleV2(fh, fabric, &pid, 1);
}

/* The end of a test: @m dropped, device 0 reset, the pools at @base. */
static void drop_and_reset(struct __test_metadata *_metadata,
			   struct acl_mapped *m, const struct acl_pools *base)
{
	ACL_MAPPED_DROP(m);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ACL_EXPECT_POOLS_BACK(base);
}

/* ACLMEM_DEVICE_COUNT=2 for us and the agents we start after this. */
#define ACL_TWO_DEVICES() ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1))

/* The error message of this thread's last call names @what. */
#define EXPECT_MSG(what) do {						\
	const char *__msg = aclGetRecentErrMsg();			\
	ASSERT_NE(NULL, __msg);						\
	EXPECT_NE(NULL, strstr(__msg, what)) {				\
		TH_LOG("message: %s", __msg);				\
	}								\
} while (0)

/*
 * The handle's fields: CANN's type where CANN's driver has it, then
 * aclmem's (lib/README.md). A whitelisted import sees the data, both ways.
 */
TEST_F(fabric, whitelisted)
{
	aclrtMemFabricHandle *fh = &self->slot[0];
	const size_t size = 2 * SZ_2M;
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t h = 0, addr = 0;
	int32_t pid = 0;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 1);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, 0, fh));
	/* hicann/driver svm_vmm.c halMemTransShareableHandle: the type comes first */
	EXPECT_EQ(1U, fh_u32(fh, FH_DRV_TYPE));
	/* aclmem: its layout */
	EXPECT_EQ(0x464c4341U, fh_u32(fh, FH_MAGIC));
	EXPECT_EQ(1U, fh_u32(fh, FH_VERSION) & 0xffff);
	EXPECT_EQ(0U, fh_u32(fh, FH_VERSION) >> 16);	/* the local transport */
	EXPECT_EQ((uint32_t)getpid(), fh_u32(fh, FH_EXPORTER));
	EXPECT_NE(0ULL, fh_u64(fh, FH_TOKEN));
	EXPECT_GT(1ULL << 53, fh_u64(fh, FH_TOKEN));
	EXPECT_EQ((uint64_t)size, fh_u64(fh, FH_SIZE));
	EXPECT_EQ((uint64_t)SZ_2M, fh_u64(fh, FH_PAGE_SIZE));
	EXPECT_EQ(0U, fh_u32(fh, FH_FLAGS));
	for (i = FH_REGION; i < FH_CHECK; i++)
		EXPECT_EQ(0, fh->data[i]);

	agent_start(_metadata, &ag, 0, self->slots_fd, &pid);
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: not on the list */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, FAG_IMPORT, 0, 0, 0, 0));
	/* hicann/runtime api_impl.cc ApiImpl::SetPidToShareableHandleV2: the token inside, the V1 list */
	ASSERT_EQ(ACL_SUCCESS, set_pid_fabric(fh, pid));
	acl_agent_import_map(_metadata, &ag, FAG_IMPORT, 0, size, 1, &h, &addr);

	/*
	 * hicann/driver devmm_svm.c devmm_import_from_share_handle: the
	 * exporter's memory (device 0, 2 MiB pages)
	 */
	AG_ASSERT(ag_call(&ag, AG_PROPS, h, 0, 0, 0));
	EXPECT_EQ((uint64_t)ACL_MEM_HANDLE_TYPE_NONE, ag_v(&ag, 0));
	EXPECT_EQ((uint64_t)ACL_HBM_MEM_HUGE, ag_v(&ag, 1));
	EXPECT_EQ((uint64_t)ACL_MEM_LOCATION_TYPE_DEVICE, ag_v(&ag, 2));
	EXPECT_EQ(0ULL, ag_v(&ag, 3));
	both_ways(_metadata, &ag, &m, addr, 2);
	/* one set of pages */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_set_pid: not the exporter */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, FAG_SET_PID, 0, pid, 1, 0));
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	drop_and_reset(_metadata, &m, &self->base);
}

/*
 * Mooncake's UBShmemTransport: the handle behind a mapping
 * (aclrtMemRetainAllocationHandle) exported with DISABLE_PID_VALIDATION;
 * a peer of another user imports with flags 0, maps and copies. The
 * agent exports, the test imports: the other direction works too.
 */
TEST_F(fabric, no_pid_validation_other_user)
{
	aclrtMemFabricHandle *fh = &self->slot[1], *back = &self->slot[2];
	aclrtDrvMemHandle retained = NULL, out = NULL;
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t h = 0, addr = 0, ah = 0, aaddr = 0;
	int32_t pid = 0;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 11);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemRetainAllocationHandle(m.p, &retained));
	ASSERT_EQ(m.h, retained);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(retained, no_pid, fh));
	EXPECT_EQ((uint32_t)no_pid, fh_u32(fh, FH_FLAGS));

	/* the library opens the device as nobody (acl_agent_up lets it) */
	agent_start(_metadata, &ag, ACL_OTHER_UID, self->slots_fd, &pid);

	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: no list, any process */
	acl_agent_import_map(_metadata, &ag, FAG_IMPORT, 1, SZ_2M, 11,
			     &h, &addr);
	both_ways(_metadata, &ag, &m, addr, 12);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	/* hicann/runtime api_impl.cc ApiImpl::ExportToShareableHandleV2: SetMemShareHandleDisablePidVerify, no list */
	EXPECT_EQ(ACL_ERROR_RT_NO_PERMISSION, set_pid_fabric(fh, pid));

	/* the other way: the agent exports, with a list */
	acl_agent_malloc_map(_metadata, &ag, SZ_2M, 13, &ah, &aaddr);
	AG_ASSERT(ag_call(&ag, FAG_EXPORT, ah, 0, 2, 0));
	EXPECT_EQ((uint32_t)ag.pid, fh_u32(back, FH_EXPORTER));
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: not on the list */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, import_fabric(back, &out));
	EXPECT_EQ(NULL, out);
	AG_ASSERT(ag_call(&ag, FAG_SET_PID, 2, getpid(), 1, 0));
	ASSERT_EQ(ACL_SUCCESS, import_fabric(back, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, out, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 13);
	acl_fill(p, SZ_2M, 14);
	AG_ASSERT_PATTERN(&ag, aaddr, SZ_2M, 14);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out));
	acl_agent_unmap_free(_metadata, &ag, ah, aaddr);

	EXPECT_EQ(0, acl_agent_stop(&ag));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(retained));
	drop_and_reset(_metadata, &m, &self->base);
}

/*
 * A pid reused: the importer exits and another process gets its pid. Its
 * entry predates the new process, which is refused until the exporter sets
 * the pid again.
 */
TEST_F(fabric, reused_pid_refused)
{
	aclrtMemFabricHandle *fh = &self->slot[3];
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t h = 0, addr = 0;
	int32_t pid = 0;
	int rc;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 81);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, 0, fh));
	agent_start(_metadata, &ag, 0, self->slots_fd, &pid);
	ASSERT_EQ(ACL_SUCCESS, set_pid_fabric(fh, pid));
	acl_agent_import_map(_metadata, &ag, FAG_IMPORT, 3, SZ_2M, 81,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));

	rc = acl_agent_up_as(_metadata, &ag, pid);
	if (rc) {
		ACL_MAPPED_DROP(&m);
		ACL_SKIP_NOT_UP_AS(rc, pid);
	}
	agent_bind(_metadata, &ag, self->slots_fd);
	/*
	 * hicann/driver svm_master_mem_share.c devmm_pid_set_share_status:
	 * the pid's entry was set before this process started
	 */
	AG_EXPECT_RC(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		     ag_call(&ag, FAG_IMPORT, 3, 0, 0, 0));
	/* hicann/driver svm_master_mem_share.c _devmm_pid_list_insert: setting it again renews its time */
	ASSERT_EQ(ACL_SUCCESS, set_pid_fabric(fh, pid));
	acl_agent_import_map(_metadata, &ag, FAG_IMPORT, 3, SZ_2M, 81,
			     &h, &addr);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	drop_and_reset(_metadata, &m, &self->base);
}

/*
 * The exporter importing its own fabric handle: refused on the device of
 * its device memory; on another device by the list. Host memory belongs to
 * no device: hixl imports its own host memory on its current device.
 */
TEST_F(fabric, import_in_exporter)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_HBM_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST, 0);
	aclrtMemFabricHandle *fh = &self->slot[4], *hfh = &self->slot[5];
	aclrtDrvMemHandle out = NULL, hout = NULL;
	struct acl_mapped m, hm;
	void *p = NULL, *q = NULL;

	ACL_TWO_DEVICES();
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 101);
	acl_map_new(_metadata, &hm, SZ_2M, 0, SZ_2M, &host);
	acl_fill(hm.p, SZ_2M, 102);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, 0, fh));
	ASSERT_EQ(ACL_SUCCESS, export_fabric(hm.h, no_pid, hfh));

	/* hicann/driver svm_master_mem_share.c devmm_ioctl_mem_import_local_server: the exporter, its device */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, import_fabric(fh, &out));
	ASSERT_EQ(ACL_SUCCESS, set_pid_fabric(fh, (int32_t)getpid()));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, import_fabric(fh, &out));
	EXPECT_EQ(NULL, out);
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: another device, on the list */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, import_fabric(fh, &out));
	EXPECT_NE(m.h, out);
	/* hicann/driver svm_master_mem_share.c devmm_pid_set_share_status: host memory, no list */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, import_fabric(hfh, &hout));
	EXPECT_NE(hm.h, hout);

	/* a reservation for each: they belong to different devices */
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, out, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 101);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&q, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(q, SZ_2M, 0, hout, 0));
	ACL_ASSERT_PATTERN(q, SZ_2M, 102);
	acl_fill(q, SZ_2M, 103);
	ACL_ASSERT_PATTERN(hm.p, SZ_2M, 103);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hout));
	ACL_MAPPED_DROP(&m);
	ACL_MAPPED_DROP(&hm);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * The same fabric handle twice in one process and device: the same handle
 * with one more reference (free it once per import), as CANN's record of
 * local-server imports gives; the DEFAULT token inside finds it too.
 */
TEST_F(fabric, import_twice)
{
	aclrtMemFabricHandle *fh = &self->slot[6];
	struct acl_mapped m;
	struct acl_agent ag;
	uint64_t h = 0, addr = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 121);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, no_pid, fh));
	agent_start(_metadata, &ag, 0, self->slots_fd, NULL);
	AG_ASSERT(ag_call(&ag, FAG_IMPORT, 6, 0, 0, 0));
	h = ag_v(&ag, 0);
	/* hicann/driver devmm_svm.c devmm_import_is_support_record: a local-server FABRIC import is recorded */
	AG_ASSERT(ag_call(&ag, FAG_IMPORT, 6, 0, 0, 0));
	EXPECT_EQ(h, ag_v(&ag, 0));
	/* hicann/driver devmm_svm.c devmm_import_record_create_and_get: the key is the token */
	AG_ASSERT(ag_call(&ag, AG_IMPORT_V2, fh_u64(fh, FH_TOKEN),
			  ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 0, 0));
	EXPECT_EQ(h, ag_v(&ag, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FREE, h, 0, 0, 0));
	/* one reference left: it maps */
	AG_ASSERT(ag_call(&ag, AG_MAP, h, SZ_2M, 0, 0));
	addr = ag_v(&ag, 0);
	AG_ASSERT_PATTERN(&ag, addr, SZ_2M, 121);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	/* aclmem: a handle that is gone is 107017 (CANN: undefined) */
	AG_EXPECT_RC(ACL_ERROR_RT_INVALID_HANDLE,
		     ag_call(&ag, AG_PROPS, h, 0, 0, 0));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	drop_and_reset(_metadata, &m, &self->base);
}

/*
 * shmem's symmetric heap on the host: host memory exported with flags 1,
 * every other rank imports and maps it on its device.
 */
TEST_F(fabric, host_memory_to_other_ranks)
{
	aclrtPhysicalMemProp host = acl_prop(ACL_HBM_MEM_HUGE,
					     ACL_MEM_LOCATION_TYPE_HOST, 0);
	aclrtMemFabricHandle *fh = &self->slot[7];
	struct acl_agent ag[2];
	struct acl_mapped m;
	uint64_t h[2], addr[2];
	int i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	acl_map_new(_metadata, &m, SZ_2M, 0, SZ_2M, &host);
	acl_fill(m.p, SZ_2M, 131);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, 1, fh));
	for (i = 0; i < 2; i++) {
		agent_start(_metadata, &ag[i], 0, self->slots_fd, NULL);
		acl_agent_import_map(_metadata, &ag[i], FAG_IMPORT, 7, SZ_2M,
				     131, &h[i], &addr[i]);
		/*
		 * hicann/driver devmm_svm.c devmm_import_from_share_handle:
		 * the exporter's side, the host
		 */
		AG_ASSERT(ag_call(&ag[i], AG_PROPS, h[i], 0, 0, 0));
		EXPECT_EQ((uint64_t)ACL_MEM_LOCATION_TYPE_HOST,
			  ag_v(&ag[i], 2));
	}
	/* what one rank writes the other and the exporter read */
	AG_ASSERT(ag_call(&ag[0], AG_FILL, addr[0], SZ_2M, 132, 0));
	AG_ASSERT_PATTERN(&ag[1], addr[1], SZ_2M, 132);
	ACL_ASSERT_PATTERN(m.p, SZ_2M, 132);
	for (i = 0; i < 2; i++) {
		acl_agent_unmap_free(_metadata, &ag[i], h[i], addr[i]);
		EXPECT_EQ(0, acl_agent_stop(&ag[i]));
	}
	drop_and_reset(_metadata, &m, &self->base);
}

/* The argument checks, in CANN's order. */
TEST_F(fabric, argument_errors)
{
	static const int bad[] = { 0, 3, -1 };
	aclrtMemFabricHandle fh, junk;
	aclrtDrvMemHandle h = NULL, out = NULL;
	int32_t pid = (int32_t)getpid();
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	memset(&fh, 0, sizeof(fh));
	memset(&junk, 0, sizeof(junk));

	/* hicann/runtime api_impl.cc ApiImpl::ExportToShareableHandleV2: FABRIC needs a context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, export_fabric(h, 0, &fh));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: rtsGetDevice */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, import_fabric(&fh, &out));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* hicann/runtime memory.cpp aclrtMemExportToShareableHandleV2Impl: NULLs */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_fabric(NULL, 0, &fh));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, export_fabric(h, 0, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::ExportToShareableHandleV2: flags 0 or 1 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, export_fabric(h, 2, &fh));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: NULLs, reserved flags */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, import_fabric(NULL, &out));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, import_fabric(&fh, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemImportFromShareableHandleV2(&fh, fabric, 1, &out));
	/* hicann/runtime memory.cpp aclrtMemSetPidToShareableHandleV2Impl: NULLs, pidNum 0 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(NULL, fabric, &pid, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(&fh, fabric, NULL, 1));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemSetPidToShareableHandleV2(&fh, fabric, &pid, 0));
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		aclrtMemSharedHandleType t = (aclrtMemSharedHandleType)bad[i];

		/* hicann/runtime api_error.cc ApiErrorDecorator::*ShareableHandleV2: shareType */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemExportToShareableHandleV2(h, 0, t, &fh));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemImportFromShareableHandleV2(&fh, t, 0, &out));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemSetPidToShareableHandleV2(&fh, t, &pid, 1));
	}
	/* nothing of that wrote the handle */
	EXPECT_EQ(0, memcmp(&fh, &junk, sizeof(fh)));
	EXPECT_EQ(NULL, out);

	/* hicann/driver svm_vmm.c halMemTransShareableHandle: an all-zero handle is not of type FABRIC */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, import_fabric(&junk, &out));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, set_pid_fabric(&junk, pid));

	ASSERT_EQ(ACL_SUCCESS, export_fabric(h, 0, &fh));
	/* hicann/driver svm_master_mem_share.c devmm_master_mem_export: shared already */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR, export_fabric(h, 0, &junk));
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemExportToShareableHandleV2(h, 0,
			ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, &junk));
	/* hicann/driver svm_vmm.c vmm_share_mem_set_pid_para_check: more than 65535 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetPidToShareableHandleV2(&fh, fabric, &pid,
						    ACLMEM_MAX_SHARE_PIDS + 1));
	/* hicann/runtime api_impl.cc ApiImpl::SetPidToShareableHandleV2: no server id needed, no context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_SUCCESS, set_pid_fabric(&fh, pid));
	/* hicann/runtime memory.cpp aclrtMemImportFromShareableHandleV2Impl: rtsGetDevice before the type */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, import_fabric(&junk, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Handles that name nothing here. aclmem: its header, its checksum, this
 * host's boot and the token are checked, each an invalid handle (107017);
 * a transport it does not serve is 207000. Nothing is imported.
 */
TEST_F(fabric, invalid_handles)
{
	aclrtMemFabricHandle fh, bad;
	aclrtDrvMemHandle out = NULL;
	int32_t pid = (int32_t)getpid();
	struct acl_mapped m;

	/* memory of device 0, imported on device 1 by its own list */
	ACL_TWO_DEVICES();
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ACL_MAPPED_MAKE(&m, SZ_2M, ACL_MEM_HANDLE_TYPE_NONE, 141);
	ASSERT_EQ(ACL_SUCCESS, export_fabric(m.h, 0, &fh));
	ASSERT_EQ(ACL_SUCCESS, set_pid_fabric(&fh, pid));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));

	/* hicann/driver svm_vmm.c halMemTransShareableHandle: the type field */
	bad = fh;
	fh_set_u32(&bad, FH_DRV_TYPE, 0);
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, import_fabric(&bad, &out));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, set_pid_fabric(&bad, pid));

	/* aclmem: a corrupted magic */
	bad = fh;
	bad.data[FH_MAGIC] ^= 0x20;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, set_pid_fabric(&bad, pid));
	/* aclmem: any other byte (the checksum) */
	bad = fh;
	bad.data[FH_SIZE + 3] ^= 1;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_MSG("corrupted");
	bad = fh;
	bad.data[FH_REGION + 5] ^= 0x80;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	/* aclmem: a later version */
	bad = fh;
	fh_set_u32(&bad, FH_VERSION, 2);
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	/* aclmem: a transport between hosts is not served yet */
	bad = fh;
	fh_set_u32(&bad, FH_VERSION, 1 | 1U << 16);
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, import_fabric(&bad, &out));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, set_pid_fabric(&bad, pid));

	/* aclmem: another host (machine and boot) */
	bad = fh;
	bad.data[FH_BOOT_ID] ^= 0xff;
	bad.data[FH_MACHINE_ID + 15] ^= 0xff;
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_MSG("another host");
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, set_pid_fabric(&bad, pid));
	/* aclmem: this host, an earlier boot */
	bad = fh;
	bad.data[FH_BOOT_ID + 7] ^= 0x11;
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_MSG("last boot");

	/* hicann/driver svm_master_mem_share.c devmm_share_agent_blk_get: no such share */
	bad = fh;
	fh_set_u64(&bad, FH_TOKEN, fh_u64(&fh, FH_TOKEN) ^ 1);
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, set_pid_fabric(&bad, pid));
	/* aclmem: the token is right, the memory it describes is not */
	bad = fh;
	fh_set_u64(&bad, FH_SIZE, 2 * SZ_2M);
	fh_reseal(&bad);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&bad, &out));
	EXPECT_EQ(NULL, out);
	/* the real one still imports */
	ASSERT_EQ(ACL_SUCCESS, import_fabric(&fh, &out));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(out));
	out = NULL;

	/* hicann/driver svm_master_mem_share.c devmm_share_agent_blk_get: aclmem revokes it with the exporter's handle */
	ACL_MAPPED_DROP(&m);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, import_fabric(&fh, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, set_pid_fabric(&fh, pid));
	EXPECT_EQ(NULL, out);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

ACL_SHARE_MAIN_SERVING(fabric_agent_serve, NULL)
