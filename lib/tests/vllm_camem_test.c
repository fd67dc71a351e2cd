// SPDX-License-Identifier: MIT
/*
 * Description: vllm-ascend's sleep mode (CaMemAllocator, camem_allocator.cpp),
 * replayed.
 *
 * my_malloc: ensure_context (aclrtGetCurrentContext; without one
 * aclrtCreateContext + aclrtSetCurrentContext), granularity of
 * ACL_HBM_MEM_HUGE, aclrtReserveMemAddress of the rounded-up size, then
 * create_and_map: aclrtMallocPhysical (NONE, PINNED, ACL_HBM_MEM_HUGE,
 * DEVICE, reserve 0) + aclrtMapMem. sleep: the tensors tagged for offload
 * are copied out with aclrtMemcpy into pinned host memory
 * (aclrtMallocHost), then every allocation goes through unmap_and_release
 * (aclrtUnmapMem + aclrtFreePhysical): the pool gives all pages back while
 * the addresses stay reserved (PROT_NONE, held in the address space, and
 * with no address range: CANN's aclrtMemGetAddressRange answers with a
 * mapping, 107000 where there is none). wake_up: create_and_map at the
 * SAME address with a new handle, copy the backups back: the offloaded
 * tensors read back intact, the discarded ones (KV cache) read zero, and
 * each allocation is one mapping again (its address range).
 * my_free: unmap_and_release + aclrtReleaseMemAddress. Two sleep/wake
 * cycles, then the same with sleep and wake run on threads that have no
 * context yet (the pinned backup is allocated the way torch_npu does it,
 * under the device's context: aclrtMallocHost needs one, 107002).
 */
#include "acl_test_utils.h"

/* ---- camem_allocator.cpp, in C ---------------------------------------- */

static aclError ensure_context(int device)
{
	aclrtContext pctx = NULL;
	aclError rc;

	aclrtGetCurrentContext(&pctx);
	if (!pctx) {
		rc = aclrtCreateContext(&pctx, device);
		if (rc)
			return rc;
		return aclrtSetCurrentContext(pctx);
	}
	return ACL_SUCCESS;
}

static aclrtPhysicalMemProp camem_prop(int device)
{
	aclrtPhysicalMemProp prop;

	memset(&prop, 0, sizeof(prop));
	prop.handleType = ACL_MEM_HANDLE_TYPE_NONE;
	prop.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;
	prop.memAttr = ACL_HBM_MEM_HUGE;
	prop.location.id = (uint32_t)device;
	prop.location.type = ACL_MEM_LOCATION_TYPE_DEVICE;
	prop.reserve = 0;
	return prop;
}

static aclError create_and_map(int device, size_t size, void *d_mem,
			       aclrtDrvMemHandle *p_handle)
{
	aclrtPhysicalMemProp prop = camem_prop(device);
	aclError rc;

	rc = ensure_context(device);
	if (rc)
		return rc;
	rc = aclrtMallocPhysical(p_handle, size, &prop, 0);
	if (rc)
		return rc;
	return aclrtMapMem(d_mem, size, 0, *p_handle, 0);
}

static aclError unmap_and_release(int device, void *d_mem,
				  aclrtDrvMemHandle *p_handle)
{
	aclError rc;

	rc = ensure_context(device);
	if (rc)
		return rc;
	rc = aclrtUnmapMem(d_mem);
	if (rc)
		return rc;
	return aclrtFreePhysical(*p_handle);
}

/* The Python side's record of one allocation (pointer_to_data[ptr]). */
struct alloc_data {
	int device;
	size_t size;			/* the aligned size */
	char *d_mem;
	aclrtDrvMemHandle *p_handle;	/* malloc()ed, as in my_malloc */
	bool offload;			/* tag in offload_tags */
	void *cpu_backup;
	uint64_t seed;
};

static aclError my_malloc(struct alloc_data *d, size_t size, int device)
{
	aclrtPhysicalMemProp prop = camem_prop(device);
	size_t granularity = 0;
	aclError rc;

	rc = ensure_context(device);
	if (rc)
		return rc;
	rc = aclrtMemGetAllocationGranularity(&prop,
		ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &granularity);
	if (rc)
		return rc;
	d->device = device;
	d->size = (size + granularity - 1) / granularity * granularity;
	rc = aclrtReserveMemAddress((void **)&d->d_mem, d->size, 0, NULL, 0);
	if (rc)
		return rc;
	d->p_handle = malloc(sizeof(*d->p_handle));
	if (!d->p_handle)
		return ACL_ERROR_BAD_ALLOC;
	return create_and_map(device, d->size, d->d_mem, d->p_handle);
}

static aclError my_free(struct alloc_data *d)
{
	aclError rc = unmap_and_release(d->device, d->d_mem, d->p_handle);

	if (rc)
		return rc;
	rc = aclrtReleaseMemAddress(d->d_mem);
	if (rc)
		return rc;
	free(d->p_handle);
	d->p_handle = NULL;
	return ACL_SUCCESS;
}

/* CaMemAllocator.sleep(offload_tags) */
static aclError camem_sleep(struct alloc_data *d, int n)
{
	aclError rc;
	int i;

	for (i = 0; i < n; i++) {
		if (d[i].offload) {
			/*
			 * torch.empty(pin_memory=True): torch_npu's pinned
			 * host allocator runs under the device guard, so the
			 * thread has a context (aclrtMallocHost needs one:
			 * hicann/runtime api_impl.cc ApiImpl::HostMalloc)
			 */
			rc = ensure_context(d[i].device);
			if (rc)
				return rc;
			rc = aclrtMallocHost(&d[i].cpu_backup, d[i].size);
			if (rc)
				return rc;
			rc = aclrtMemcpy(d[i].cpu_backup, d[i].size, d[i].d_mem,
					 d[i].size, ACL_MEMCPY_DEVICE_TO_HOST);
			if (rc)
				return rc;
		}
		rc = unmap_and_release(d[i].device, d[i].d_mem, d[i].p_handle);
		if (rc)
			return rc;
	}
	return ACL_SUCCESS;
}

/* CaMemAllocator.wake_up() */
static aclError camem_wake(struct alloc_data *d, int n)
{
	aclError rc;
	int i;

	for (i = 0; i < n; i++) {
		rc = create_and_map(d[i].device, d[i].size, d[i].d_mem,
				    d[i].p_handle);
		if (rc)
			return rc;
		if (d[i].cpu_backup) {
			rc = aclrtMemcpy(d[i].d_mem, d[i].size, d[i].cpu_backup,
					 d[i].size, ACL_MEMCPY_HOST_TO_DEVICE);
			if (rc)
				return rc;
			rc = aclrtFreeHost(d[i].cpu_backup);
			if (rc)
				return rc;
			d[i].cpu_backup = NULL;
		}
	}
	return ACL_SUCCESS;
}

/* ---- the scenario ------------------------------------------------------- */

#define NR_ALLOCS 4

/* Requested sizes: rounded up to 2 MiB by my_malloc. */
static const size_t req_size[NR_ALLOCS] = {
	5 * SZ_1M + 123,	/* weights */
	SZ_2M,			/* weights */
	8 * SZ_1M,		/* kv cache */
	SZ_1M,			/* kv cache */
};
static const bool is_weights[NR_ALLOCS] = { true, true, false, false };

FIXTURE(camem) {
	struct acl_pools base;
	struct alloc_data d[NR_ALLOCS];
	char *host;
};

FIXTURE_SETUP(camem)
{
	int i;

	ACL_POOLS_BASE(&self->base);
	memset(self->d, 0, sizeof(self->d));
	self->host = malloc(8 * SZ_1M);
	ASSERT_NE(NULL, self->host);
	for (i = 0; i < NR_ALLOCS; i++) {
		self->d[i].offload = is_weights[i];
		self->d[i].seed = 1000 + i;
	}
}

FIXTURE_TEARDOWN(camem)
{
	free(self->host);
}

static void malloc_all(struct __test_metadata *_metadata,
		       FIXTURE_DATA(camem) *self)
{
	aclrtContext ctx = (aclrtContext)(uintptr_t)0x5a5a;
	size_t pages = 0;
	int i;

	/* no context yet: ensure_context() will create one */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetCurrentContext(&ctx));
	for (i = 0; i < NR_ALLOCS; i++) {
		struct alloc_data *d = &self->d[i];

		ASSERT_EQ(ACL_SUCCESS, my_malloc(d, req_size[i], 0));
		EXPECT_EQ((req_size[i] + SZ_2M - 1) / SZ_2M * SZ_2M, d->size);
		EXPECT_TRUE(acl_aligned(d->d_mem, SZ_2M));
		pages += d->size / SZ_2M;
		ACL_ASSERT_ZERO(d->d_mem, d->size);
		/* the model writes its tensors */
		acl_fill(self->host, d->size, d->seed);
		ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(d->d_mem, d->size,
						   self->host, d->size,
						   ACL_MEMCPY_HOST_TO_DEVICE));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ctx));
	EXPECT_NE(NULL, ctx);
	ACL_EXPECT_IN_USE(&self->base, pages, 0);
}

/* Asleep: no page held, every address still reserved and PROT_NONE. */
static void check_asleep(struct __test_metadata *_metadata,
			 FIXTURE_DATA(camem) *self)
{
	int i;

	ACL_EXPECT_POOLS_BACK(&self->base);
	for (i = 0; i < NR_ALLOCS; i++) {
		struct alloc_data *d = &self->d[i];
		void *base = NULL;
		size_t size = 0;

		EXPECT_TRUE(acl_va_held(d->d_mem));
		EXPECT_TRUE(acl_va_held(d->d_mem + d->size - SZ_4K));
		/*
		 * hicann/driver svm_master_mem_map.c
		 * devmm_ioctl_resv_addr_info_query: unmapped, no range
		 */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemGetAddressRange(d->d_mem + d->size / 2,
						  &base, &size));
		EXPECT_EQ(SIGSEGV, acl_probe(d->d_mem, ACL_PROBE_READ));
		EXPECT_EQ(d->offload, d->cpu_backup != NULL);
	}
}

/* Awake: offloaded tensors are back, discarded ones are zero. */
static void check_awake(struct __test_metadata *_metadata,
			FIXTURE_DATA(camem) *self)
{
	size_t pages = 0;
	int i;

	for (i = 0; i < NR_ALLOCS; i++) {
		struct alloc_data *d = &self->d[i];
		void *base = NULL;
		size_t size = 0;

		pages += d->size / SZ_2M;
		EXPECT_EQ(NULL, d->cpu_backup);
		/* one aclrtMapMem of the whole allocation */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemGetAddressRange(d->d_mem + d->size - 1,
						  &base, &size));
		EXPECT_EQ(d->d_mem, base);
		EXPECT_EQ(d->size, size);
		if (d->offload) {
			ACL_ASSERT_PATTERN(d->d_mem, d->size, d->seed);
		} else {
			ACL_ASSERT_ZERO(d->d_mem, d->size);
		}
	}
	ACL_EXPECT_IN_USE(&self->base, pages, 0);
}

static void free_all(struct __test_metadata *_metadata,
		     FIXTURE_DATA(camem) *self)
{
	int i;

	for (i = 0; i < NR_ALLOCS; i++)
		ASSERT_EQ(ACL_SUCCESS, my_free(&self->d[i]));
	ACL_EXPECT_POOLS_BACK(&self->base);
	for (i = 0; i < NR_ALLOCS; i++) {
		void *base;
		size_t size;

		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemGetAddressRange(self->d[i].d_mem, &base,
						  &size));
	}
}

TEST_F_TIMEOUT(camem, sleep_and_wake, 120)
{
	aclrtContext ctx = NULL;
	int i;

	malloc_all(_metadata, self);

	/* level 1 sleep: offload the weights, discard the KV cache */
	ASSERT_EQ(ACL_SUCCESS, camem_sleep(self->d, NR_ALLOCS));
	check_asleep(_metadata, self);
	ASSERT_EQ(ACL_SUCCESS, camem_wake(self->d, NR_ALLOCS));
	check_awake(_metadata, self);

	/* the engine runs again and rewrites its KV cache */
	for (i = 0; i < NR_ALLOCS; i++) {
		struct alloc_data *d = &self->d[i];

		if (!d->offload) {
			d->seed += 50;
			acl_fill(d->d_mem, d->size, d->seed);
		}
	}

	/* second cycle: offload everything */
	for (i = 0; i < NR_ALLOCS; i++)
		self->d[i].offload = true;
	ASSERT_EQ(ACL_SUCCESS, camem_sleep(self->d, NR_ALLOCS));
	check_asleep(_metadata, self);
	ASSERT_EQ(ACL_SUCCESS, camem_wake(self->d, NR_ALLOCS));
	check_awake(_metadata, self);

	free_all(_metadata, self);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ctx));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(ctx));
}

struct camem_job {
	struct alloc_data *d;
	bool wake;
	aclError rc;
	aclError ctx_before;
};

static void *camem_thread(void *arg)
{
	struct camem_job *j = arg;
	aclrtContext ctx = NULL;

	j->ctx_before = aclrtGetCurrentContext(&ctx);
	j->rc = j->wake ? camem_wake(j->d, NR_ALLOCS) :
			  camem_sleep(j->d, NR_ALLOCS);
	if (aclrtGetCurrentContext(&ctx) == ACL_SUCCESS)
		aclrtDestroyContext(ctx);
	return NULL;
}

/* sleep() and wake_up() called from threads that never had a context. */
TEST_F_TIMEOUT(camem, sleep_and_wake_on_other_threads, 120)
{
	struct camem_job job;
	aclrtContext ctx = NULL;
	pthread_t t;

	malloc_all(_metadata, self);

	memset(&job, 0, sizeof(job));
	job.d = self->d;
	ASSERT_EQ(0, pthread_create(&t, NULL, camem_thread, &job));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, job.ctx_before);
	ASSERT_EQ(ACL_SUCCESS, job.rc);
	check_asleep(_metadata, self);

	memset(&job, 0, sizeof(job));
	job.d = self->d;
	job.wake = true;
	ASSERT_EQ(0, pthread_create(&t, NULL, camem_thread, &job));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, job.ctx_before);
	ASSERT_EQ(ACL_SUCCESS, job.rc);
	check_awake(_metadata, self);

	free_all(_metadata, self);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ctx));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(ctx));
}

TEST_HARNESS_MAIN
