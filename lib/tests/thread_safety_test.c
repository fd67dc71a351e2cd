// SPDX-License-Identifier: MIT
/*
 * Description: the library under concurrent use.
 *
 * - private cycles: 6 threads, each looping alloc -> reserve -> map ->
 *   check zero -> write -> copy out and check -> unmap -> free -> release
 *   on 2 and 4 MiB handles;
 * - one shared reservation: 4 threads mapping, writing, checking and
 *   unmapping their own 2 MiB slots of it while the others do the same,
 *   asking GetAddressRange about their mappings (each its own range) and
 *   retaining their handles at the mapping starts;
 * - handles made by one thread, mapped and freed by others;
 * - Retain/FreePhysical reference counting raced on one mapped handle,
 *   with GetAccess of the owner (device 0) in between;
 * - one handle mapped and unmapped at their own slots by many threads;
 * - reserve/release churn, each reservation held in the address space
 *   and, unmapped, without an address range (107000);
 * - SetDevice / CreateStream / async copies / DestroyStream / ResetDevice
 *   from many threads.
 * All data must be right, every call must succeed, and the pool counters
 * must be back at the baseline at the end.
 */
#include "acl_test_utils.h"

/* What a worker saw first that it should not have. */
struct fail {
	int line;
	aclError rc;
	char what[200];
};

#define W_CHECK(w, cond, ...) do {					\
	if (!(cond)) {							\
		if (!(w)->f.line) {					\
			(w)->f.line = __LINE__;				\
			snprintf((w)->f.what, sizeof((w)->f.what),	\
				 __VA_ARGS__);				\
		}							\
		goto out;						\
	}								\
} while (0)

#define W_CALL(w, call) do {						\
	aclError __rc = (call);						\
	if (__rc != ACL_SUCCESS) {					\
		(w)->f.rc = __rc;					\
		W_CHECK(w, false, "%s", #call);				\
	}								\
} while (0)

#define EXPECT_NO_FAIL(w) do {						\
	EXPECT_EQ(0, (w)->f.line) {					\
		TH_LOG("worker %d: line %d: %s (rc %d)", (w)->id,	\
		       (w)->f.line, (w)->f.what, (w)->f.rc);		\
	}								\
} while (0)

static void run_workers(struct __test_metadata *_metadata, int n,
			void *(*fn)(void *), void *workers, size_t stride)
{
	pthread_t t[16];
	int i;

	ASSERT_LE(n, 16);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fn,
					    (char *)workers + i * stride));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
}

/* A fixture only for TEST_F_TIMEOUT (the 6.1 harness has no TEST_TIMEOUT). */
FIXTURE(ts) {
	int unused;
};

FIXTURE_SETUP(ts)
{
}

FIXTURE_TEARDOWN(ts)
{
}

/* ---- private cycles -------------------------------------------------- */

struct cycler {
	int id;
	int iters;
	struct fail f;
};

static void *cycle_main(void *arg)
{
	struct cycler *w = arg;
	aclrtDrvMemHandle h = NULL;
	char *p = NULL, *copy = NULL;
	int i;

	copy = malloc(2 * SZ_2M);
	W_CHECK(w, copy, "malloc");
	W_CALL(w, aclrtSetDevice(0));
	for (i = 0; i < w->iters; i++) {
		size_t size = (i & 1) ? 2 * SZ_2M : SZ_2M;
		uint64_t seed = (uint64_t)w->id << 32 | i;
		long bad;

		W_CALL(w, acl_alloc_2m(&h, size));
		W_CALL(w, aclrtReserveMemAddress((void **)&p, size, 0, NULL,
						 i & 1));
		W_CALL(w, aclrtMapMem(p, size, 0, h, 0));
		bad = acl_check_zero(p, size, seed);
		W_CHECK(w, bad < 0, "iter %d: not zero at +%ld", i, bad);
		acl_fill(p, size, seed);
		memset(copy, 0, size);
		W_CALL(w, aclrtMemcpy(copy, 2 * SZ_2M, p, size,
				      ACL_MEMCPY_DEVICE_TO_HOST));
		bad = acl_check(copy, size, seed);
		W_CHECK(w, bad < 0, "iter %d: copy bad at +%ld", i, bad);
		bad = acl_check(p, size, seed);
		W_CHECK(w, bad < 0, "iter %d: bad at +%ld", i, bad);
		W_CALL(w, aclrtUnmapMem(p));
		W_CALL(w, aclrtFreePhysical(h));
		W_CALL(w, aclrtReleaseMemAddress(p));
	}
	W_CALL(w, aclrtResetDevice(0));
out:
	free(copy);
	return NULL;
}

TEST_F_TIMEOUT(ts, private_cycles, 240)
{
	enum { N = 6 };
	struct cycler w[N];
	struct acl_pools base;
	int i;

	ACL_POOLS_BASE(&base);
	memset(w, 0, sizeof(w));
	for (i = 0; i < N; i++) {
		w[i].id = i;
		w[i].iters = 12;
	}
	run_workers(_metadata, N, cycle_main, w, sizeof(w[0]));
	for (i = 0; i < N; i++)
		EXPECT_NO_FAIL(&w[i]);
	ACL_EXPECT_POOLS_BACK(&base);
}

/* ---- one shared reservation ----------------------------------------- */

#define SHARED_THREADS	4
#define SHARED_SLOTS	16	/* each thread owns SHARED_SLOTS / threads */

struct sharer {
	int id;
	int iters;
	char *va;
	struct fail f;
};

static void *share_main(void *arg)
{
	struct sharer *w = arg;
	aclrtDrvMemHandle h[SHARED_SLOTS / SHARED_THREADS];
	int i, k, n = SHARED_SLOTS / SHARED_THREADS;

	memset(h, 0, sizeof(h));
	for (i = 0; i < w->iters; i++) {
		for (k = 0; k < n; k++) {
			int slot = w->id + k * SHARED_THREADS;
			char *p = w->va + slot * SZ_2M;
			void *base = NULL;
			size_t size = 0;
			long bad;

			W_CALL(w, acl_alloc_2m(&h[k], SZ_2M));
			W_CALL(w, aclrtMapMem(p, SZ_2M, 0, h[k], 0));
			bad = acl_check_zero(p, SZ_2M, 0);
			W_CHECK(w, bad < 0, "slot %d: not zero at +%ld", slot,
				bad);
			acl_fill(p, SZ_2M, slot * 1000 + i);
			/* the range is the mapping, not the reservation */
			W_CALL(w, aclrtMemGetAddressRange(
				p + (size_t)(slot * 7 + i) * SZ_4K % SZ_2M,
				&base, &size));
			W_CHECK(w, base == p && size == SZ_2M,
				"range %p+%zu, not %p+%zu", base, size, p,
				SZ_2M);
		}
		for (k = 0; k < n; k++) {
			int slot = w->id + k * SHARED_THREADS;
			char *p = w->va + slot * SZ_2M;
			aclrtDrvMemHandle r = NULL;
			long bad = acl_check(p, SZ_2M, slot * 1000 + i);

			W_CHECK(w, bad < 0, "slot %d iter %d: bad at +%ld",
				slot, i, bad);
			/* only at the start of the mapping */
			W_CALL(w, aclrtMemRetainAllocationHandle(p, &r));
			W_CHECK(w, r == h[k], "retain gave %p, not %p", r,
				h[k]);
			W_CALL(w, aclrtFreePhysical(r));
			W_CALL(w, aclrtUnmapMem(p));
			W_CALL(w, aclrtFreePhysical(h[k]));
			h[k] = NULL;
		}
	}
out:
	return NULL;
}

TEST_F_TIMEOUT(ts, shared_reservation, 240)
{
	struct sharer w[SHARED_THREADS];
	struct acl_pools base;
	char *va = NULL;
	int i;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va, SHARED_SLOTS * SZ_2M, 0,
					 NULL, 1));
	memset(w, 0, sizeof(w));
	for (i = 0; i < SHARED_THREADS; i++) {
		w[i].id = i;
		w[i].iters = 6;
		w[i].va = va;
	}
	run_workers(_metadata, SHARED_THREADS, share_main, w, sizeof(w[0]));
	for (i = 0; i < SHARED_THREADS; i++)
		EXPECT_NO_FAIL(&w[i]);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&base);
}

/* ---- handles crossing threads --------------------------------------- */

#define HANDOFF_THREADS	4
#define HANDOFF_EACH	6

struct handoff {
	int id;
	aclrtDrvMemHandle h[HANDOFF_EACH];
	char *va;
	struct fail f;
};

static void *handoff_main(void *arg)
{
	struct handoff *w = arg;
	int k;

	for (k = 0; k < HANDOFF_EACH; k++) {
		char *p = w->va + (w->id * HANDOFF_EACH + k) * SZ_2M;
		long bad;

		W_CALL(w, aclrtMapMem(p, SZ_2M, 0, w->h[k], 0));
		/* made zero, then written by the main thread before */
		bad = acl_check(p, SZ_2M, 500 + w->id * HANDOFF_EACH + k);
		W_CHECK(w, bad < 0, "handle %d: bad at +%ld", k, bad);
		W_CALL(w, aclrtFreePhysical(w->h[k]));
		W_CALL(w, aclrtUnmapMem(p));
	}
out:
	return NULL;
}

TEST_F_TIMEOUT(ts, handles_cross_threads, 120)
{
	struct handoff w[HANDOFF_THREADS];
	struct acl_pools base;
	char *va = NULL, *tmp = NULL;
	int i, k;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va,
					 HANDOFF_THREADS * HANDOFF_EACH * SZ_2M,
					 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&tmp, SZ_2M, 0, NULL, 0));
	memset(w, 0, sizeof(w));
	for (i = 0; i < HANDOFF_THREADS; i++) {
		w[i].id = i;
		w[i].va = va;
		for (k = 0; k < HANDOFF_EACH; k++) {
			ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&w[i].h[k], SZ_2M));
			ASSERT_EQ(ACL_SUCCESS,
				  aclrtMapMem(tmp, SZ_2M, 0, w[i].h[k], 0));
			acl_fill(tmp, SZ_2M, 500 + i * HANDOFF_EACH + k);
			ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(tmp));
		}
	}
	run_workers(_metadata, HANDOFF_THREADS, handoff_main, w, sizeof(w[0]));
	for (i = 0; i < HANDOFF_THREADS; i++) {
		EXPECT_NO_FAIL(&w[i]);
		for (k = 0; k < HANDOFF_EACH; k++)
			EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
				  aclrtFreePhysical(w[i].h[k]));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(tmp));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&base);
}

/* ---- Retain / FreePhysical race -------------------------------------- */

struct retainer {
	int id;
	char *p;
	aclrtDrvMemHandle h;
	struct fail f;
};

static void *retain_main(void *arg)
{
	struct retainer *w = arg;
	int i;

	for (i = 0; i < 300; i++) {
		aclrtDrvMemHandle r = NULL;
		aclrtPhysicalMemProp prop;
		uint64_t flags = 0;

		W_CALL(w, aclrtMemRetainAllocationHandle(w->p, &r));
		W_CHECK(w, r == w->h, "retain gave %p, not %p", r, w->h);
		W_CALL(w, aclrtMemGetAllocationPropertiesFromHandle(r, &prop));
		/* any address of the mapping, for its owner */
		W_CALL(w, acl_get_access(
				w->p + ((size_t)(i * 4096 + w->id) % (2 * SZ_2M)),
				ACL_MEM_LOCATION_TYPE_DEVICE, 0, &flags));
		W_CHECK(w, flags == ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
			"flags %llu", (unsigned long long)flags);
		W_CALL(w, aclrtFreePhysical(r));
	}
out:
	return NULL;
}

TEST_F_TIMEOUT(ts, retain_release_race, 120)
{
	enum { N = 4 };
	struct retainer w[N];
	struct acl_pools base;
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;
	int i;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	acl_fill(p, 2 * SZ_2M, 9);
	memset(w, 0, sizeof(w));
	for (i = 0; i < N; i++) {
		w[i].id = i;
		w[i].p = p;
		w[i].h = h;
	}
	run_workers(_metadata, N, retain_main, w, sizeof(w[0]));
	for (i = 0; i < N; i++)
		EXPECT_NO_FAIL(&w[i]);
	/* every retain was matched by a free: ours is the last reference */
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 9);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/*
	 * the mapping's is all that is left: hicann/driver devmm_svm.c
	 * devmm_vmm_handle_ref_check, "too many times" (107000)
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	/* aclmem decision: gone, not live (107017) */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&base);
}

/* ---- reserve / release churn ----------------------------------------- */

struct reserver {
	int id;
	struct fail f;
};

static void *reserve_main(void *arg)
{
	struct reserver *w = arg;
	void *keep[4] = { NULL, NULL, NULL, NULL };
	int i, k;

	for (i = 0; i < 200; i++) {
		size_t size = (1 + (i + w->id) % 4) * SZ_2M;
		void *p = NULL, *base = NULL;
		size_t got = 0;

		k = i % 4;
		if (keep[k]) {
			W_CALL(w, aclrtReleaseMemAddress(keep[k]));
			keep[k] = NULL;
		}
		W_CALL(w, aclrtReserveMemAddress(&p, size, 0, NULL, i & 1));
		W_CHECK(w, acl_aligned(p, SZ_2M), "unaligned %p", p);
		W_CHECK(w, acl_va_held((char *)p + size - SZ_4K),
			"%p+%zu not held", p, size);
		/* nothing mapped: no range */
		W_CHECK(w, aclrtMemGetAddressRange((char *)p + size - 1, &base,
						   &got) ==
			   ACL_ERROR_RT_PARAM_INVALID,
			"range %p+%zu for unmapped %p+%zu", base, got, p, size);
		keep[k] = p;
	}
out:
	for (k = 0; k < 4; k++)
		if (keep[k] && aclrtReleaseMemAddress(keep[k]) && !w->f.line)
			w->f.line = -1;
	return NULL;
}

TEST_F_TIMEOUT(ts, reserve_release_churn, 120)
{
	enum { N = 6 };
	struct reserver w[N];
	int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < N; i++)
		w[i].id = i;
	run_workers(_metadata, N, reserve_main, w, sizeof(w[0]));
	for (i = 0; i < N; i++)
		EXPECT_NO_FAIL(&w[i]);
}

/* ---- devices, contexts and streams from many threads ----------------- */

struct streamer {
	int id;
	struct fail f;
};

static void *stream_main(void *arg)
{
	struct streamer *w = arg;
	unsigned char src[8192], dst[8192];
	int i;

	memset(src, w->id + 1, sizeof(src));
	for (i = 0; i < 25; i++) {
		aclrtStream s = NULL;
		int32_t dev = -1;

		W_CALL(w, aclrtSetDevice(0));
		W_CALL(w, aclrtGetDevice(&dev));
		W_CHECK(w, dev == 0, "device %d", dev);
		W_CALL(w, aclrtCreateStream(&s));
		W_CALL(w, aclrtMemsetAsync(dst, sizeof(dst), 0, sizeof(dst), s));
		W_CALL(w, aclrtMemcpyAsync(dst, sizeof(dst), src, 4096,
					   ACL_MEMCPY_HOST_TO_HOST, s));
		W_CALL(w, aclrtSynchronizeStream(s));
		W_CHECK(w, dst[0] == w->id + 1 && dst[4095] == w->id + 1 &&
			dst[4096] == 0, "stream data wrong");
		W_CALL(w, aclrtDestroyStream(s));
		W_CALL(w, aclrtResetDevice(0));
	}
out:
	return NULL;
}

TEST_F_TIMEOUT(ts, devices_and_streams, 120)
{
	enum { N = 8 };
	struct streamer w[N];
	aclrtStream s = NULL;
	int32_t dev;
	int i;

	/* our own use of device 0 keeps its default context alive */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	memset(w, 0, sizeof(w));
	for (i = 0; i < N; i++)
		w[i].id = i;
	run_workers(_metadata, N, stream_main, w, sizeof(w[0]));
	for (i = 0; i < N; i++)
		EXPECT_NO_FAIL(&w[i]);
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* every SetDevice was matched by a ResetDevice */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
}

/* ---- one handle mapped and unmapped by many threads at once ----------- */

struct mapper {
	int id;
	aclrtDrvMemHandle h;
	char *va;
	struct fail f;
};

static void *mapper_main(void *arg)
{
	struct mapper *w = arg;
	char *p = w->va + w->id * SZ_2M;
	int i;

	for (i = 0; i < 40; i++) {
		long bad;

		W_CALL(w, aclrtMapMem(p, SZ_2M, 0, w->h, 0));
		bad = acl_check(p, SZ_2M, 77);
		W_CHECK(w, bad < 0, "iter %d: bad at +%ld", i, bad);
		W_CALL(w, aclrtUnmapMem(p));
	}
out:
	return NULL;
}

TEST_F_TIMEOUT(ts, one_handle_many_mappers, 120)
{
	enum { N = 4 };
	struct mapper w[N];
	struct acl_pools base;
	aclrtDrvMemHandle h = NULL;
	char *va = NULL;
	int i;

	ACL_POOLS_BASE(&base);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&va, (N + 1) * SZ_2M, 0, NULL,
					 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	/* the last slot stays mapped throughout */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va + N * SZ_2M, SZ_2M, 0, h, 0));
	acl_fill(va + N * SZ_2M, SZ_2M, 77);
	memset(w, 0, sizeof(w));
	for (i = 0; i < N; i++) {
		w[i].id = i;
		w[i].h = h;
		w[i].va = va;
	}
	run_workers(_metadata, N, mapper_main, w, sizeof(w[0]));
	for (i = 0; i < N; i++)
		EXPECT_NO_FAIL(&w[i]);
	ACL_EXPECT_IN_USE(&base, 1, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_ASSERT_PATTERN(va + N * SZ_2M, SZ_2M, 77);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va + N * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ACL_EXPECT_POOLS_BACK(&base);
}

TEST_HARNESS_MAIN
