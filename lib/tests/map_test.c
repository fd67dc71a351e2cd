// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMapMem, aclrtUnmapMem, aclrtMemMapNoAccess,
 * aclrtMemSetAccess, aclrtMemGetAccess and aclrtMemRetainAllocationHandle.
 *
 * Map, write, read back; every bad argument of MapMem is 107000 (offset,
 * flags, size other than the handle's, an address not aligned to the
 * handle's page size, outside any reservation, crossing the reservation's
 * end, over a mapped range) and a dead handle is 107017; a failed call
 * changes nothing. Unmap wants the start of a mapping; the range is
 * PROT_NONE again and a new handle mapped there reads zero, the same
 * handle mapped again keeps its data. Many handles at offsets of one
 * reservation; one handle at two places shares its pages (pool counters);
 * free while mapped keeps the data until the last unmap. MapNoAccess
 * faults (SIGSEGV in a child) until SetAccess READWRITE; READ makes writes
 * fault; GetAccess reports the flags; SetAccess/GetAccess on unmapped
 * space is 107000. Retain returns the same handle with one more reference,
 * which takes its own FreePhysical. A 1 GiB handle needs a 1 GiB-aligned
 * address.
 */
#include "acl_test_utils.h"

FIXTURE(map) {
	struct acl_pools base;
};

FIXTURE_SETUP(map)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(map)
{
}

static aclrtMemAccessDesc access_desc(aclrtMemAccessFlags flags)
{
	aclrtMemAccessDesc d;

	memset(&d, 0, sizeof(d));
	d.flags = flags;
	d.location.type = ACL_MEM_LOCATION_TYPE_DEVICE;
	d.location.id = 0;
	return d;
}

static uint64_t get_access(struct __test_metadata *_metadata, void *p)
{
	aclrtMemLocation loc;
	uint64_t flags = 0xdead;

	memset(&loc, 0, sizeof(loc));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemGetAccess(p, &loc, &flags));
	return flags;
}

static aclError set_access(void *p, size_t size, aclrtMemAccessFlags flags)
{
	aclrtMemAccessDesc d = access_desc(flags);

	return aclrtMemSetAccess(p, size, &d, 1);
}

TEST_F(map, map_write_read)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *base = NULL;
	size_t size = 0;

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	ACL_EXPECT_IN_USE(&self->base, 1, 0);
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
		  get_access(_metadata, p));
	ACL_ASSERT_ZERO(p, SZ_2M);
	acl_fill(p, SZ_2M, 11);
	ACL_ASSERT_PATTERN(p, SZ_2M, 11);
	/* a child shares the mapping */
	EXPECT_EQ(0, acl_probe((char *)p + 4096, ACL_PROBE_READ));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	/* unmapped: PROT_NONE again, still reserved */
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAddressRange(p, &base, &size));
	EXPECT_EQ(p, base);
	EXPECT_EQ(SZ_2M, size);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, bad_offset)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, SZ_2M, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, SZ_2M, SZ_2M, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, SZ_4K, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, 1, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess(p, 2 * SZ_2M, SZ_2M, h, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, bad_flags)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, SZ_2M, 0, h, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, SZ_2M, 0, h, 2));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, SZ_2M, 0, h, 1ULL << 63));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess(p, SZ_2M, 0, h, 1));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(map, size_must_be_handle_size)
{
	aclrtDrvMemHandle h2 = NULL, h4 = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 8 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h4, 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, 0, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, SZ_1M, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, SZ_2M + SZ_4K, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, SZ_2M - SZ_4K, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, SZ_2M, 0, h4, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 4 * SZ_2M, 0, h4, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess(p, SZ_2M, 0, h4, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h4, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem((char *)p + 2 * SZ_2M, SZ_2M, 0, h2, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h4));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, misaligned_address)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + SZ_4K, SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + SZ_1M, SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + 1, SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess((char *)p + SZ_4K, SZ_2M, 0, h, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe((char *)p + SZ_2M, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem((char *)p + SZ_2M, SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(map, outside_any_reservation)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *gone = NULL, *anon;
	uintptr_t a;
	static char local[4 * 1024 * 1024];

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	/* the end of a reservation is outside it */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + 2 * SZ_2M, SZ_2M, 0, h, 0));
	/* a released reservation */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&gone, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(gone));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(gone, SZ_2M, 0, h, 0));
	/* plain process memory, 2 MiB-aligned */
	a = ((uintptr_t)local + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	if (a + SZ_2M <= (uintptr_t)local + sizeof(local))
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMapMem((void *)a, SZ_2M, 0, h, 0));
	anon = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	a = ((uintptr_t)anon + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((void *)a, SZ_2M, 0, h, 0));
	munmap(anon, 2 * SZ_2M);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((void *)(uintptr_t)SZ_2M, SZ_2M, 0, h, 0));
	EXPECT_NE(NULL, aclGetRecentErrMsg());

	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, crosses_reservation_end)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + SZ_2M, 2 * SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess((char *)p + SZ_2M, 2 * SZ_2M, 0, h, 0));
	/* nothing was mapped, not even the part inside */
	EXPECT_EQ(SIGSEGV, acl_probe((char *)p + SZ_2M, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

/* Two adjacent reservations are still two: no mapping across both. */
TEST_F(map, spans_two_reservations)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *q = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, p, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, SZ_2M, 0, (char *)p + SZ_2M, 0));
	if (q != (char *)p + SZ_2M) {
		aclrtReleaseMemAddress(q);
		aclrtReleaseMemAddress(p);
		SKIP(return, "could not place two reservations side by side");
	}
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(map, over_a_mapped_range)
{
	aclrtDrvMemHandle h1 = NULL, h2 = NULL, h3 = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 8 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h1, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h3, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h1, 0));
	acl_fill(p, 2 * SZ_2M, 21);

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, 0, h1, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMapMem(p, SZ_2M, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + SZ_2M, SZ_2M, 0, h2, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem((char *)p + SZ_2M, 2 * SZ_2M, 0, h3, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemMapNoAccess((char *)p + SZ_2M, SZ_2M, 0, h2, 0));
	/* the mapped data is untouched by the refusals */
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 21);
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
		  get_access(_metadata, (char *)p + SZ_2M));

	/* right after it is fine */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem((char *)p + 2 * SZ_2M, SZ_2M, 0, h2, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem((char *)p + 4 * SZ_2M, 2 * SZ_2M, 0, h3, 0));
	ACL_ASSERT_ZERO((char *)p + 2 * SZ_2M, SZ_2M);
	ACL_ASSERT_ZERO((char *)p + 4 * SZ_2M, 2 * SZ_2M);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 21);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)p + 4 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h3));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, dead_handle)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtMapMem(p, SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemMapNoAccess(p, SZ_2M, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMapMem(p, SZ_2M, 0, (aclrtDrvMemHandle)&local, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMapMem(p, SZ_2M, 0,
			      (aclrtDrvMemHandle)(uintptr_t)0xdead000, 0));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, unmap_errors)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	acl_fill(p, 2 * SZ_2M, 31);

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtUnmapMem((char *)p + SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtUnmapMem((char *)p + SZ_4K));
	/* reserved but not mapped */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtUnmapMem((char *)p + 2 * SZ_2M));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtUnmapMem((char *)p + 3 * SZ_2M));
	/* outside */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtUnmapMem(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtUnmapMem((char *)p + 4 * SZ_2M));
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 31);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtUnmapMem(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, new_handle_after_unmap_reads_zero)
{
	aclrtDrvMemHandle h1 = NULL, h2 = NULL;
	void *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h1, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h1, 0));
	acl_fill(p, 2 * SZ_2M, 41);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ACL_EXPECT_POOLS_BACK(&self->base);

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h2, 0));
	ACL_ASSERT_ZERO(p, 2 * SZ_2M);
	acl_fill(p, 2 * SZ_2M, 42);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 42);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, same_handle_keeps_data_across_unmap)
{
	aclrtDrvMemHandle h = NULL;
	void *p = NULL, *q = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress(&q, 4 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	acl_fill(p, SZ_2M, 51);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	/* the pages stay with the handle */
	ACL_EXPECT_IN_USE(&self->base, 1, 0);

	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	ACL_ASSERT_PATTERN(p, SZ_2M, 51);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));

	/* elsewhere, at an offset of another reservation */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMapMem((char *)q + 3 * SZ_2M, SZ_2M, 0, h, 0));
	ACL_ASSERT_PATTERN((char *)q + 3 * SZ_2M, SZ_2M, 51);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem((char *)q + 3 * SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(q));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, many_handles_one_reservation)
{
	enum { N = 8 };
	aclrtDrvMemHandle h[N];
	char *p = NULL;
	int i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, N * SZ_2M, 0, NULL, 1));
	for (i = 0; i < N; i++) {
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0));
		acl_fill(p + i * SZ_2M, SZ_2M, 100 + i);
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	/* one contiguous buffer made of N handles */
	for (i = 0; i < N; i++)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M, 100 + i);

	/* replace the odd ones */
	for (i = 1; i < N; i += 2) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
		EXPECT_EQ(SIGSEGV, acl_probe(p + i * SZ_2M, ACL_PROBE_READ));
	}
	ACL_EXPECT_IN_USE(&self->base, N / 2, 0);
	for (i = 0; i < N; i += 2)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M, 100 + i);
	for (i = 1; i < N; i += 2) {
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0));
		ACL_ASSERT_ZERO(p + i * SZ_2M, SZ_2M);
		acl_fill(p + i * SZ_2M, SZ_2M, 200 + i);
	}
	for (i = 0; i < N; i++)
		ACL_ASSERT_PATTERN(p + i * SZ_2M, SZ_2M,
				   (i & 1 ? 200 : 100) + i);

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtReleaseMemAddress(p));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Handles of different sizes side by side. */
TEST_F(map, mixed_sizes_side_by_side)
{
	static const size_t sizes[] = { SZ_2M, 3 * SZ_2M, SZ_2M, 2 * SZ_2M };
	aclrtDrvMemHandle h[4];
	char *p = NULL;
	size_t i, off;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 7 * SZ_2M, 0, NULL, 0));
	for (i = 0, off = 0; i < 4; off += sizes[i], i++) {
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], sizes[i]));
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + off, sizes[i], 0, h[i], 0));
	}
	/* one pattern over the whole range, across the handle boundaries */
	acl_fill(p, 7 * SZ_2M, 61);
	ACL_ASSERT_PATTERN(p, 7 * SZ_2M, 61);
	for (i = 0, off = 0; i < 4; off += sizes[i], i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + off));
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, one_handle_two_places)
{
	aclrtDrvMemHandle h = NULL;
	char *a = NULL, *b = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&a, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&b, 4 * SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(a, 2 * SZ_2M, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(b + 2 * SZ_2M, 2 * SZ_2M, 0, h, 0));
	/* two mappings, one set of pages */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	acl_fill(a, 2 * SZ_2M, 71);
	ACL_ASSERT_PATTERN(b + 2 * SZ_2M, 2 * SZ_2M, 71);
	acl_fill(b + 2 * SZ_2M + SZ_2M, SZ_2M, 72);
	ACL_ASSERT_PATTERN(a + SZ_2M, SZ_2M, 72);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(a));
	ACL_ASSERT_PATTERN(b + 2 * SZ_2M, SZ_2M, 71);
	ACL_ASSERT_PATTERN(b + 3 * SZ_2M, SZ_2M, 72);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/* still mapped at b: the pages stay */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_ASSERT_PATTERN(b + 3 * SZ_2M, SZ_2M, 72);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(b + 2 * SZ_2M));
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(b));
}

TEST_F(map, free_while_mapped)
{
	aclrtPhysicalMemProp prop;
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	acl_fill(p, 2 * SZ_2M, 81);

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/* the handle is gone at once ... */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &prop));
	/* ... the memory is not */
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 81);
	acl_fill(p, 2 * SZ_2M, 82);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 82);
	EXPECT_EQ(0, acl_probe(p + SZ_2M, ACL_PROBE_WRITE));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(map, map_no_access)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemMapNoAccess(p, 2 * SZ_2M, 0, h, 0));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_NONE,
		  get_access(_metadata, p));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M + 64, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_WRITE));
	/* it is a mapping: a second map there is refused */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));

	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, 2 * SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READWRITE));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
		  get_access(_metadata, p + SZ_2M));
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_READ));
	ACL_ASSERT_ZERO(p, 2 * SZ_2M);
	acl_fill(p, 2 * SZ_2M, 91);
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 91);
	EXPECT_EQ(0, acl_probe(p + SZ_2M, ACL_PROBE_WRITE));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, set_access_read_only_and_none)
{
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));
	acl_fill(p, SZ_2M, 101);

	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READ));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READ,
		  get_access(_metadata, p));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_WRITE));
	EXPECT_EQ(SIGSEGV, acl_probe(p + SZ_2M - 1, ACL_PROBE_WRITE));
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_READ));
	ACL_ASSERT_PATTERN(p, SZ_2M, 101);

	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_NONE));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_NONE,
		  get_access(_metadata, p));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_READ));

	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READWRITE));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
		  get_access(_metadata, p));
	/* the data went through all of it */
	ACL_ASSERT_PATTERN(p, SZ_2M, 101);
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_WRITE));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* One SetAccess over two adjacent mappings. */
TEST_F(map, set_access_over_two_mappings)
{
	aclrtDrvMemHandle h1 = NULL, h2 = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 3 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h1, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h2, 2 * SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemMapNoAccess(p, SZ_2M, 0, h1, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemMapNoAccess(p + SZ_2M, 2 * SZ_2M, 0, h2, 0));
	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, 3 * SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READ));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READ,
		  get_access(_metadata, p));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READ,
		  get_access(_metadata, p + 2 * SZ_2M));
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_READ));
	EXPECT_EQ(0, acl_probe(p + 3 * SZ_2M - 8, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(p, ACL_PROBE_WRITE));
	EXPECT_EQ(SIGSEGV, acl_probe(p + 2 * SZ_2M, ACL_PROBE_WRITE));

	ASSERT_EQ(ACL_SUCCESS,
		  set_access(p, 3 * SZ_2M, ACL_RT_MEM_ACCESS_FLAGS_READWRITE));
	acl_fill(p, 3 * SZ_2M, 111);
	ACL_ASSERT_PATTERN(p, 3 * SZ_2M, 111);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, set_access_errors)
{
	aclrtMemAccessDesc d = access_desc(ACL_RT_MEM_ACCESS_FLAGS_READ);
	aclrtDrvMemHandle h = NULL;
	char *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemSetAccess(p, SZ_2M, NULL, 1));
	d.flags = (aclrtMemAccessFlags)2;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(p, SZ_2M, &d, 1));
	d.flags = (aclrtMemAccessFlags)7;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(p, SZ_2M, &d, 1));
	d.flags = ACL_RT_MEM_ACCESS_FLAGS_READ;
	/* reserved, not mapped */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(p + 2 * SZ_2M, SZ_2M, &d, 1));
	/* running past the mapping into unmapped space */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(p, 2 * SZ_2M, &d, 1));
	/* outside any reservation */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(&local, SZ_2M, &d, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemSetAccess(p + 4 * SZ_2M, SZ_2M, &d, 1));

	/* none of it changed the access */
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE,
		  get_access(_metadata, p));
	EXPECT_EQ(0, acl_probe(p, ACL_PROBE_WRITE));
	EXPECT_EQ(SIGSEGV, acl_probe(p + 2 * SZ_2M, ACL_PROBE_READ));

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	/* after unmap the range is not mapped any more */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemSetAccess(p, SZ_2M, &d, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, get_access_errors)
{
	aclrtMemLocation loc;
	aclrtDrvMemHandle h = NULL;
	uint64_t flags = 0;
	char *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAccess(p, NULL, &flags));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemGetAccess(p, &loc, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAccess(p + SZ_2M, &loc, &flags));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAccess(&local, &loc, &flags));
	/* any address inside the mapping */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAccess(p + SZ_2M - 1, &loc, &flags));
	EXPECT_EQ((uint64_t)ACL_RT_MEM_ACCESS_FLAGS_READWRITE, flags);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtMemGetAccess(p, &loc, &flags));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_F(map, retain_allocation_handle)
{
	aclrtPhysicalMemProp prop, want;
	aclrtDrvMemHandle h = NULL, r1 = NULL, r2 = NULL;
	char *p = NULL;

	want = acl_prop(ACL_MEM_HUGE, ACL_MEM_LOCATION_TYPE_HOST_NUMA, 0);
	want.handleType = ACL_MEM_HANDLE_TYPE_POSIX;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 4 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, 2 * SZ_2M, &want, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + 2 * SZ_2M, 2 * SZ_2M, 0, h, 0));
	acl_fill(p + 2 * SZ_2M, 2 * SZ_2M, 121);

	ASSERT_EQ(ACL_SUCCESS, aclrtMemRetainAllocationHandle(p + 2 * SZ_2M,
							      &r1));
	EXPECT_EQ(h, r1);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemRetainAllocationHandle(p + 3 * SZ_2M + 12345, &r2));
	EXPECT_EQ(h, r2);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(r2, &prop));
	EXPECT_EQ(want.handleType, prop.handleType);
	EXPECT_EQ(want.allocationType, prop.allocationType);
	EXPECT_EQ(want.memAttr, prop.memAttr);
	EXPECT_EQ(want.location.type, prop.location.type);
	EXPECT_EQ(want.location.id, prop.location.id);
	EXPECT_EQ(want.reserve, prop.reserve);

	/* three references now: unmap, then three frees */
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + 2 * SZ_2M));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r1));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	/* one reference left: still a handle, still its data */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &prop));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, 2 * SZ_2M, 0, h, 0));
	ACL_ASSERT_PATTERN(p, 2 * SZ_2M, 121);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r2));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemGetAllocationPropertiesFromHandle(h, &prop));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(map, retain_errors)
{
	aclrtDrvMemHandle h = NULL, r = (aclrtDrvMemHandle)(uintptr_t)0x5a5a;
	char *p = NULL;
	int local;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemRetainAllocationHandle(p, NULL));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemRetainAllocationHandle(p + SZ_2M, &r));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemRetainAllocationHandle(&local, &r));
	EXPECT_EQ((aclrtDrvMemHandle)(uintptr_t)0x5a5a, r);

	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemRetainAllocationHandle(p, &r));
	/* no reference was taken by the failures: one free is enough */
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(map, handle_1g_alignment, ACL_1G_TIMEOUT)
{
	aclrtPhysicalMemProp prop = acl_prop_1g();
	aclrtDrvMemHandle h = NULL, small = NULL;
	char *p = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 2 * SZ_1G, 0, NULL, 1));
	ASSERT_TRUE(acl_aligned(p, SZ_1G));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&h, SZ_1G, &prop, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);

	/* 2 MiB-aligned is not enough for 1 GiB pages */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p + SZ_2M, SZ_1G, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p + SZ_1G / 2, SZ_1G, 0, h, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMapMem(p + SZ_1G, 2 * SZ_1G, 0, h, 0));

	/* at both 1 GiB slots at once: one page, two mappings */
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_1G, SZ_1G, 0, h, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_1G, 0, h, 0));
	ACL_EXPECT_IN_USE(&self->base, 0, 1);
	ACL_ASSERT_ZERO(p + SZ_1G, SZ_1G);
	acl_fill(p, SZ_1G, 131);
	ACL_ASSERT_PATTERN(p + SZ_1G, SZ_1G, 131);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_1G));

	/* a 2 MiB handle only needs 2 MiB alignment, even in there */
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&small, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p + SZ_2M, SZ_2M, 0, small, 0));
	acl_fill(p + SZ_2M, SZ_2M, 132);
	ACL_ASSERT_PATTERN(p + SZ_2M, SZ_2M, 132);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + SZ_2M));

	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(small));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Many mappings in one reservation, made and removed in scattered orders. */
TEST_F(map, many_mappings_scattered)
{
	enum { N = 64 };
	aclrtDrvMemHandle h[N];
	char *p = NULL;
	int k, i;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, N * SZ_2M, 0, NULL, 1));
	for (k = 0; k < N; k++) {
		i = (k * 37) % N;
		h[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMapMem(p + i * SZ_2M, SZ_2M, 0, h[i], 0)) {
			TH_LOG("slot %d", i);
		}
		/* a word at each end of the slot */
		*(volatile uint64_t *)(p + i * SZ_2M) = acl_word(i, 0);
		*(volatile uint64_t *)(p + (i + 1) * SZ_2M - 8) =
			acl_word(i, SZ_2M - 8);
	}
	ACL_EXPECT_IN_USE(&self->base, N, 0);
	for (i = 0; i < N; i++) {
		aclrtDrvMemHandle r = NULL;

		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemRetainAllocationHandle(p + i * SZ_2M + 4096,
							 &r));
		EXPECT_EQ(h[i], r);
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(r));
		EXPECT_EQ(acl_word(i, 0), *(volatile uint64_t *)(p + i * SZ_2M));
		EXPECT_EQ(acl_word(i, SZ_2M - 8),
			  *(volatile uint64_t *)(p + (i + 1) * SZ_2M - 8));
	}
	for (k = 0; k < N; k++) {
		i = (k * 23 + 5) % N;
		ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p + i * SZ_2M)) {
			TH_LOG("slot %d", i);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h[i]));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtUnmapMem(p + i * SZ_2M));
		/* the next one to go is still there */
		if (k + 1 < N) {
			int j = ((k + 1) * 23 + 5) % N;

			EXPECT_EQ(acl_word(j, 0),
				  *(volatile uint64_t *)(p + j * SZ_2M));
		}
	}
	ACL_EXPECT_POOLS_BACK(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
}

TEST_HARNESS_MAIN
