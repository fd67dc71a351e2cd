// SPDX-License-Identifier: MIT
/*
 * Description: torch_npu's expandable segments, replayed.
 *
 * First the probe torch_npu's allocator config makes when it reads
 * expandable_segments:True: aclrtReserveMemAddress(&p, 512, 0, NULL, 1)
 * must succeed with a pointer (a 2 MiB reservation: CANN reserves 2 MiB
 * below 2 MiB), then aclrtReleaseMemAddress(p); a failure turns the
 * feature off. Then the call sequence of ExpandableSegment in torch_npu's
 * NPUCachingAllocator.cpp (PYTORCH_NPU_ALLOC_CONF=expandable_segments:True):
 * aclrtGetMemInfo(ACL_HBM_MEM) sizes one reservation of 9/8 of the device
 * memory (aclrtReserveMemAddress, flags 1); map() covers a range with
 * segment-size handles (aclrtMallocPhysical: handle type NONE, PINNED,
 * ACL_HBM_MEM_HUGE, location DEVICE) mapped at increasing offsets
 * (aclrtMapMem); unmap() synchronizes the stream, then aclrtUnmapMem +
 * aclrtFreePhysical for every segment wholly inside the range; the
 * destructor unmaps what is left and releases the reservation. Blocks are
 * written with async copies on the allocator's stream and directly, freed
 * in the middle and re-mapped there (zero), the survivors keep their data,
 * and the pool counters follow the live handles and end at the baseline.
 * Each segment is a mapping of its own: aclrtMemGetAddressRange inside one
 * gives that segment (CANN answers with the mapping), the unmapped rest of
 * the reservation has no range (107000).
 * Done with torch's small (2 MiB) and large (20 MiB) segment sizes.
 */
#include "acl_test_utils.h"

/* ---- a C rendering of torch_npu's ExpandableSegment --------------------- */

struct expandable_segment {
	int device;
	aclrtStream stream;
	size_t segment_size;
	size_t max_handles;
	char *ptr;
	aclrtDrvMemHandle *handles;	/* NULL: not mapped */
	size_t nr_handles;		/* torch's handles_.size() */
};

struct seg_range {
	char *ptr;
	size_t size;
};

static size_t num_segments(struct expandable_segment *es, size_t size)
{
	return (size + es->segment_size - 1) / es->segment_size;
}

static size_t segment_left(struct expandable_segment *es, char *p)
{
	return (size_t)(p - es->ptr) / es->segment_size;
}

static size_t segment_right(struct expandable_segment *es, char *p)
{
	return num_segments(es, (size_t)(p - es->ptr));
}

static struct seg_range range_from_handles(struct expandable_segment *es,
					   size_t begin, size_t end)
{
	struct seg_range r = {
		es->ptr + es->segment_size * begin,
		es->segment_size * (end - begin),
	};

	return r;
}

static void trim_handles(struct expandable_segment *es)
{
	while (es->nr_handles && !es->handles[es->nr_handles - 1])
		es->nr_handles--;
}

static aclError es_init(struct expandable_segment *es, int device,
			aclrtStream stream, size_t size)
{
	size_t dev_free = 0, dev_total = 0;
	aclError rc;

	memset(es, 0, sizeof(*es));
	es->device = device;
	es->stream = stream;
	es->segment_size = size;
	rc = aclrtGetMemInfo(ACL_HBM_MEM, &dev_free, &dev_total);
	if (rc)
		return rc;
	/* 1 1/8 of the device memory, as torch does */
	es->max_handles = num_segments(es, dev_total + dev_total / 8);
	es->handles = calloc(es->max_handles, sizeof(*es->handles));
	if (!es->handles)
		return ACL_ERROR_BAD_ALLOC;
	return aclrtReserveMemAddress((void **)&es->ptr,
				      es->segment_size * es->max_handles, 0,
				      NULL, 1);
}

/* map(): returns the range mapped; size 0 means out of memory. */
static aclError es_map(struct expandable_segment *es, char *p, size_t size,
		       struct seg_range *out)
{
	size_t begin = segment_left(es, p);
	size_t end = segment_right(es, p + size);
	size_t i, j;
	aclError rc;

	if (begin == end) {
		*out = range_from_handles(es, begin, end);
		return ACL_SUCCESS;
	}
	if (end > es->nr_handles)
		es->nr_handles = end;
	for (i = begin; i < end; i++) {
		aclrtPhysicalMemProp prop;
		aclrtDrvMemHandle h = NULL;

		if (es->handles[i])
			return ACL_ERROR_INTERNAL_ERROR; /* torch asserts */
		memset(&prop, 0, sizeof(prop));
		prop.handleType = ACL_MEM_HANDLE_TYPE_NONE;
		prop.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;
		prop.memAttr = es->segment_size == SZ_1G ? ACL_HBM_MEM_HUGE1G :
							   ACL_HBM_MEM_HUGE;
		prop.location.type = ACL_MEM_LOCATION_TYPE_DEVICE;
		prop.location.id = (uint32_t)es->device;
		prop.reserve = 0;
		rc = aclrtMallocPhysical(&h, es->segment_size, &prop, 0);
		if (rc == ACL_ERROR_RT_MEMORY_ALLOCATION) {
			for (j = begin; j < i; j++) {
				aclrtDrvMemHandle hj = es->handles[j];

				es->handles[j] = NULL;
				rc = aclrtFreePhysical(hj);
				if (rc)
					return rc;
			}
			trim_handles(es);
			*out = range_from_handles(es, begin, begin);
			return ACL_SUCCESS;
		}
		if (rc)
			return rc;
		es->handles[i] = h;
	}
	for (i = begin; i < end; i++) {
		rc = aclrtMapMem(es->ptr + i * es->segment_size,
				 es->segment_size, 0, es->handles[i], 0);
		if (rc)
			return rc;
	}
	*out = range_from_handles(es, begin, end);
	return ACL_SUCCESS;
}

static aclError es_unmap_handles(struct expandable_segment *es, size_t begin,
				 size_t end)
{
	size_t i;
	aclError rc;

	rc = aclrtSynchronizeStream(es->stream);
	if (rc)
		return rc;
	for (i = begin; i < end; i++) {
		aclrtDrvMemHandle h = es->handles[i];

		es->handles[i] = NULL;
		rc = aclrtUnmapMem(es->ptr + es->segment_size * i);
		if (rc)
			return rc;
		rc = aclrtFreePhysical(h);
		if (rc)
			return rc;
	}
	trim_handles(es);
	return ACL_SUCCESS;
}

/* unmap(): only the segments wholly inside the range. */
static aclError es_unmap(struct expandable_segment *es, char *p, size_t size,
			 struct seg_range *out)
{
	size_t begin = segment_right(es, p);
	size_t end = segment_left(es, p + size);

	if (begin >= end) {
		out->ptr = p;
		out->size = 0;
		return ACL_SUCCESS;
	}
	*out = range_from_handles(es, begin, end);
	return es_unmap_handles(es, begin, end);
}

static aclError es_destroy(struct expandable_segment *es)
{
	size_t i, start = 0;
	aclError rc;

	/* forEachAllocatedRange(unmapHandles) */
	for (i = 0; i < es->nr_handles; i++) {
		if (es->handles[i] && (i == 0 || !es->handles[i - 1]))
			start = i;
		if (es->handles[i] &&
		    (i + 1 == es->nr_handles || !es->handles[i + 1])) {
			size_t end = i + 1;

			rc = es_unmap_handles(es, start, end);
			if (rc)
				return rc;
			/* the vector shrank: stay within it */
			if (i >= es->nr_handles)
				break;
		}
	}
	rc = aclrtReleaseMemAddress(es->ptr);
	free(es->handles);
	es->handles = NULL;
	return rc;
}

static size_t live_handles(struct expandable_segment *es)
{
	size_t i, n = 0;

	for (i = 0; i < es->nr_handles; i++)
		n += es->handles[i] != NULL;
	return n;
}

/*
 * The check of torch_npu's allocator config (parsing expandable_segments):
 * a 512-byte reservation, released at once; anything else turns
 * expandable segments off.
 */
static aclError es_config_probe(void **out)
{
	void *ptr = NULL;
	aclError rc = aclrtReserveMemAddress(&ptr, 512, 0, NULL, 1);

	*out = ptr;
	if (rc == ACL_SUCCESS && ptr == NULL)
		return ACL_ERROR_INTERNAL_ERROR;
	if (rc)
		return rc;
	return aclrtReleaseMemAddress(ptr);
}

/* ---- the scenario ------------------------------------------------------- */

FIXTURE(torch) {
	struct acl_pools base;
	aclrtStream stream;
	char *host;
	size_t host_size;
};

FIXTURE_SETUP(torch)
{
	ACL_POOLS_BASE(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&self->stream));
	self->host_size = 64 * SZ_1M;
	self->host = malloc(self->host_size);
	ASSERT_NE(NULL, self->host);
}

FIXTURE_TEARDOWN(torch)
{
	free(self->host);
	if (self->stream)
		aclrtDestroyStream(self->stream);
	aclrtResetDevice(0);
}

/* Writes a block the way a caching allocator user would: async H2D. */
static void write_block(struct __test_metadata *_metadata,
			FIXTURE_DATA(torch) *self, char *p, size_t size,
			uint64_t seed)
{
	ASSERT_LE(size, self->host_size);
	acl_fill(self->host, size, seed);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(p, size, self->host, size,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
}

/* Reads a block back with a synchronous D2H and checks it. */
static void check_block(struct __test_metadata *_metadata,
			FIXTURE_DATA(torch) *self, char *p, size_t size,
			uint64_t seed)
{
	ASSERT_LE(size, self->host_size);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	memset(self->host, 0, size);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->host, size, p, size,
					   ACL_MEMCPY_DEVICE_TO_HOST));
	ACL_ASSERT_PATTERN(self->host, size, seed);
	/* and directly, the way a kernel on the NPU would see it */
	ACL_ASSERT_PATTERN(p, size, seed);
}

/* expandable_segments:True: the allocator config's reservation probe. */
TEST_F(torch, config_probe_reserves_512_bytes)
{
	char *p = NULL;

	/*
	 * hicann/runtime memory.cpp aclrtReserveMemAddressImpl: flags 1 is
	 * kept for compatibility; hicann/driver devmm_svm.c
	 * halMemAddressReserve: below 2 MiB reserves 2 MiB
	 */
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, 512, 0, NULL, 1));
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(acl_aligned(p, SZ_2M));
	EXPECT_TRUE(acl_va_held(p + SZ_2M - SZ_4K));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	EXPECT_FALSE(acl_va_held(p));
	/* as torch_npu runs it, twice: nothing is left behind */
	ASSERT_EQ(ACL_SUCCESS, es_config_probe((void **)&p));
	ASSERT_EQ(ACL_SUCCESS, es_config_probe((void **)&p));
	EXPECT_FALSE(acl_va_held(p));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F_TIMEOUT(torch, small_segments, 120)
{
	struct expandable_segment es;
	struct seg_range r;
	void *base = NULL, *probe = NULL;
	size_t size = 0;
	char *A, *B, *C;

	ASSERT_EQ(ACL_SUCCESS, es_config_probe(&probe));
	ASSERT_EQ(ACL_SUCCESS, es_init(&es, 0, self->stream, SZ_2M));
	ASSERT_TRUE(acl_aligned(es.ptr, SZ_2M));
	/*
	 * hicann/driver svm_master_mem_map.c devmm_ioctl_resv_addr_info_query:
	 * nothing mapped yet, no range
	 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(es.ptr + 12345, &base, &size));
	ACL_EXPECT_POOLS_BACK(&self->base);

	/* block A, 5 MiB at the start: three segments */
	A = es.ptr;
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, A, 5 * SZ_1M, &r));
	EXPECT_EQ(A, r.ptr);
	EXPECT_EQ(3 * SZ_2M, r.size);
	ACL_ASSERT_ZERO(A, 3 * SZ_2M);
	/* each segment is one aclrtMapMem: its own range */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemGetAddressRange(A + SZ_2M + 12345,
						       &base, &size));
	EXPECT_EQ(A + SZ_2M, base);
	EXPECT_EQ(SZ_2M, size);
	write_block(_metadata, self, A, 6 * SZ_1M, 1);

	/* block B, 4 MiB right after: two more */
	B = es.ptr + 3 * SZ_2M;
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, B, 4 * SZ_1M, &r));
	EXPECT_EQ(B, r.ptr);
	EXPECT_EQ(2 * SZ_2M, r.size);
	write_block(_metadata, self, B, 4 * SZ_1M, 2);

	/* block C, 8 MiB after that */
	C = es.ptr + 5 * SZ_2M;
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, C, 8 * SZ_1M, &r));
	EXPECT_EQ(4 * SZ_2M, r.size);
	write_block(_metadata, self, C, 8 * SZ_1M, 3);
	EXPECT_EQ(9U, live_handles(&es));
	ACL_EXPECT_IN_USE(&self->base, 9, 0);

	check_block(_metadata, self, A, 6 * SZ_1M, 1);
	check_block(_metadata, self, B, 4 * SZ_1M, 2);
	check_block(_metadata, self, C, 8 * SZ_1M, 3);

	/* free B: its segments go, the neighbours stay */
	ASSERT_EQ(ACL_SUCCESS, es_unmap(&es, B, 4 * SZ_1M, &r));
	EXPECT_EQ(B, r.ptr);
	EXPECT_EQ(2 * SZ_2M, r.size);
	ACL_EXPECT_IN_USE(&self->base, 7, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(B, ACL_PROBE_READ));
	EXPECT_EQ(SIGSEGV, acl_probe(B + 4 * SZ_1M - 1, ACL_PROBE_READ));
	check_block(_metadata, self, A, 6 * SZ_1M, 1);
	check_block(_metadata, self, C, 8 * SZ_1M, 3);

	/* a new block where B was: fresh, zero pages */
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, B, 4 * SZ_1M, &r));
	EXPECT_EQ(2 * SZ_2M, r.size);
	ACL_ASSERT_ZERO(B, 4 * SZ_1M);
	write_block(_metadata, self, B, 4 * SZ_1M, 4);
	ACL_EXPECT_IN_USE(&self->base, 9, 0);

	/* a partial free of A: only the segment wholly inside goes */
	ASSERT_EQ(ACL_SUCCESS, es_unmap(&es, A + SZ_1M, 4 * SZ_1M, &r));
	EXPECT_EQ(A + SZ_2M, r.ptr);
	EXPECT_EQ(SZ_2M, r.size);
	ACL_EXPECT_IN_USE(&self->base, 8, 0);
	EXPECT_EQ(SIGSEGV, acl_probe(A + SZ_2M, ACL_PROBE_READ));
	check_block(_metadata, self, A, SZ_2M, 1);
	ACL_ASSERT_PATTERN_AT(A + 2 * SZ_2M, SZ_2M, 1, 2 * SZ_2M);
	/* a range without a whole segment unmaps nothing */
	ASSERT_EQ(ACL_SUCCESS, es_unmap(&es, A + SZ_1M, SZ_1M, &r));
	EXPECT_EQ(0U, r.size);
	ACL_EXPECT_IN_USE(&self->base, 8, 0);

	/* the segment grows at the end, past a gap */
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, es.ptr + 12 * SZ_2M, SZ_2M, &r));
	EXPECT_EQ(13U, es.nr_handles);
	write_block(_metadata, self, es.ptr + 12 * SZ_2M, SZ_2M, 5);
	ACL_EXPECT_IN_USE(&self->base, 9, 0);

	check_block(_metadata, self, B, 4 * SZ_1M, 4);
	check_block(_metadata, self, C, 8 * SZ_1M, 3);
	check_block(_metadata, self, es.ptr + 12 * SZ_2M, SZ_2M, 5);

	/* ~ExpandableSegment */
	ASSERT_EQ(ACL_SUCCESS, es_destroy(&es));
	ACL_EXPECT_POOLS_BACK(&self->base);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemGetAddressRange(es.ptr, &base, &size));
}

TEST_F_TIMEOUT(torch, large_segments, 120)
{
	struct expandable_segment es;
	struct seg_range r;
	const size_t seg = 20 * SZ_1M;	/* torch's kLargeBuffer */
	const size_t pages = seg / SZ_2M;
	char *p;

	ASSERT_EQ(ACL_SUCCESS, es_init(&es, 0, self->stream, seg));
	ASSERT_TRUE(acl_aligned(es.ptr, SZ_2M));

	/* a 30 MiB tensor takes two segments */
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, es.ptr, 30 * SZ_1M, &r));
	EXPECT_EQ(2 * seg, r.size);
	ACL_EXPECT_IN_USE(&self->base, 2 * pages, 0);
	write_block(_metadata, self, es.ptr, 2 * seg, 10);

	/* a third segment for a second tensor */
	p = es.ptr + 2 * seg;
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, p, 16 * SZ_1M, &r));
	EXPECT_EQ(seg, r.size);
	write_block(_metadata, self, p, seg, 11);
	ACL_EXPECT_IN_USE(&self->base, 3 * pages, 0);

	/* the first tensor is freed: its two segments go */
	ASSERT_EQ(ACL_SUCCESS, es_unmap(&es, es.ptr, 2 * seg, &r));
	EXPECT_EQ(2 * seg, r.size);
	ACL_EXPECT_IN_USE(&self->base, pages, 0);
	check_block(_metadata, self, p, seg, 11);

	/* and mapped again for a new one */
	ASSERT_EQ(ACL_SUCCESS, es_map(&es, es.ptr, seg, &r));
	ACL_ASSERT_ZERO(es.ptr, seg);
	write_block(_metadata, self, es.ptr, seg, 12);
	check_block(_metadata, self, es.ptr, seg, 12);
	check_block(_metadata, self, p, seg, 11);

	ASSERT_EQ(ACL_SUCCESS, es_destroy(&es));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* Two segments (two streams) side by side, as torch has per stream. */
TEST_F_TIMEOUT(torch, two_segments_two_streams, 120)
{
	struct expandable_segment a, b;
	struct seg_range r;
	aclrtStream s2 = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s2));
	ASSERT_EQ(ACL_SUCCESS, es_init(&a, 0, self->stream, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, es_init(&b, 0, s2, SZ_2M));
	EXPECT_TRUE(a.ptr + a.segment_size * a.max_handles <= b.ptr ||
		    b.ptr + b.segment_size * b.max_handles <= a.ptr);

	ASSERT_EQ(ACL_SUCCESS, es_map(&a, a.ptr, 2 * SZ_2M, &r));
	ASSERT_EQ(ACL_SUCCESS, es_map(&b, b.ptr, 2 * SZ_2M, &r));
	write_block(_metadata, self, a.ptr, 2 * SZ_2M, 20);
	acl_fill(self->host, 2 * SZ_2M, 21);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(b.ptr, 2 * SZ_2M, self->host,
						2 * SZ_2M,
						ACL_MEMCPY_HOST_TO_DEVICE, s2));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s2));
	ACL_ASSERT_PATTERN(b.ptr, 2 * SZ_2M, 21);
	check_block(_metadata, self, a.ptr, 2 * SZ_2M, 20);
	ACL_EXPECT_IN_USE(&self->base, 4, 0);

	ASSERT_EQ(ACL_SUCCESS, es_destroy(&a));
	ACL_ASSERT_PATTERN(b.ptr, 2 * SZ_2M, 21);
	ASSERT_EQ(ACL_SUCCESS, es_destroy(&b));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s2));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_HARNESS_MAIN
