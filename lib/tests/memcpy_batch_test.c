// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemcpyBatch, aclrtMemcpyBatchAsync and their V2 forms,
 * with the codes and failIndex CANN gives (each names the hicann/runtime
 * function that defines it).
 *
 * Copies go between host memory (malloc, aclrtMallocHost; HOST or
 * HOST_NUMA in the attribute) and device memory (aclrtMalloc, a mapping;
 * DEVICE with its id); attrs[n] covers copies attrsIndexes[n] up to the
 * next index. On success *failIndex is SIZE_MAX. All sizes 0: success
 * before anything else is looked at. The acl layer's checks (NULL
 * failIndex, sizes, numBatches 0, a NULL array, a size above its destMax,
 * a non-zero rsv) are 100000 and leave *failIndex alone; the runtime's
 * (numAttrs 0 or above numBatches, attrsIndexes not starting at 0, not
 * increasing or past the end, more than 4096 copies for the synchronous
 * form) 107000 with *failIndex SIZE_MAX. A copy whose memory is not where
 * its attribute says, two host or two device sides, or a NULL address is
 * 107000 with *failIndex at it; nothing mapped there 107017. The
 * synchronous form checks all before it copies; the asynchronous one
 * copies up to the failing copy, refuses size 0 in a copy (107000), wants
 * a current context (107002), an existing stream (107017) and, for copies
 * without unregistered memory, one of the current context (107003).
 */
#include "acl_test_utils.h"

#define N	4
#define LEN	(64 * 1024)

#define HOST	ACL_MEM_LOCATION_TYPE_HOST
#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE

FIXTURE(mb) {
	char *dev[N];		/* aclrtMalloc */
	char *host[N];		/* malloc: unregistered */
	char *pinned;		/* aclrtMallocHost */
	void *dsts[N], *srcs[N];
	size_t destMaxs[N], sizes[N];
	aclrtMemcpyBatchAttr attrs[2];
	size_t idx[2];
	aclrtStream stream;
};

static aclrtMemcpyBatchAttr attr(aclrtMemLocationType dst, uint32_t dst_id,
				 aclrtMemLocationType src, uint32_t src_id)
{
	aclrtMemcpyBatchAttr a;

	memset(&a, 0, sizeof(a));
	a.dstLoc = acl_loc(dst, dst_id);
	a.srcLoc = acl_loc(src, src_id);
	return a;
}

/*
 * Copies 0 and 1: host -> device (attrs[0]); 2 and 3: device -> host
 * (attrs[1], from attrsIndexes[1] = 2).
 */
FIXTURE_SETUP(mb)
{
	int i;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&self->pinned, LEN));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&self->dev[i], LEN,
						   ACL_MEM_MALLOC_HUGE_FIRST));
		self->host[i] = malloc(LEN);
		ASSERT_NE(NULL, self->host[i]);
		memset(self->dev[i], 0, LEN);
		memset(self->host[i], 0, LEN);
		self->destMaxs[i] = LEN;
		self->sizes[i] = LEN - i;
	}
	for (i = 0; i < 2; i++) {
		acl_fill(self->host[i], LEN, 10 + i);
		self->dsts[i] = self->dev[i];
		self->srcs[i] = self->host[i];
	}
	for (i = 2; i < N; i++) {
		acl_fill(self->dev[i], LEN, 10 + i);
		self->dsts[i] = self->host[i];
		self->srcs[i] = self->dev[i];
	}
	self->attrs[0] = attr(DEV, 0, HOST, 0);
	self->attrs[1] = attr(HOST, 0, DEV, 0);
	self->idx[0] = 0;
	self->idx[1] = 2;
}

FIXTURE_TEARDOWN(mb)
{
	int i;

	for (i = 0; i < N; i++) {
		free(self->host[i]);
		aclrtFree(self->dev[i]);
	}
	aclrtFreeHost(self->pinned);
	aclrtDestroyStream(self->stream);
	aclrtResetDevice(0);
}

#define SYNC(self, fail) \
	aclrtMemcpyBatch((self)->dsts, (self)->destMaxs, (self)->srcs, \
			 (self)->sizes, N, (self)->attrs, (self)->idx, 2, (fail))
#define ASYNC(self, fail, stream) \
	aclrtMemcpyBatchAsync((self)->dsts, (self)->destMaxs, (self)->srcs, \
			      (self)->sizes, N, (self)->attrs, (self)->idx, 2, \
			      (fail), (stream))

/* Copy i arrived whole, and not a byte past its size. */
static bool copied(void *dst, size_t size, uint64_t seed)
{
	return acl_check_at(dst, size, seed, 0) < 0 &&
	       (size == LEN || ((unsigned char *)dst)[size] == 0);
}

static bool untouched(const void *p)
{
	return acl_check_zero(p, LEN, 0) < 0;
}

/* ApiImpl::MemcpyBatch: NpuDriver::MemcpyBatch makes them all */
TEST_F(mb, sync_copies)
{
	size_t fail = 7;
	int i;

	ASSERT_EQ(ACL_SUCCESS, SYNC(self, &fail));
	EXPECT_EQ(SIZE_MAX, fail);
	for (i = 0; i < N; i++)
		EXPECT_TRUE(copied(self->dsts[i], self->sizes[i], 10 + i));
	/* V2: the same without failIndex; HOST_NUMA counts as HOST */
	self->attrs[1] = attr(ACL_MEM_LOCATION_TYPE_HOST_NUMA, 0, DEV, 0);
	memset(self->host[3], 0, LEN);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyBatchV2(self->dsts, self->destMaxs, self->srcs,
				     self->sizes, N, self->attrs, self->idx,
				     2));
	EXPECT_TRUE(copied(self->host[3], self->sizes[3], 13));
}

/* LoopMemcpyAsync: each copy, in stream order */
TEST_F(mb, async_copies)
{
	size_t fail = 7;
	int i;

	/* pinned memory on the host side: a copy on the stream */
	acl_fill(self->pinned, LEN, 10);
	self->srcs[0] = self->pinned;
	ASSERT_EQ(ACL_SUCCESS, ASYNC(self, &fail, self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	EXPECT_EQ(SIZE_MAX, fail);
	for (i = 0; i < N; i++)
		EXPECT_TRUE(copied(self->dsts[i], self->sizes[i], 10 + i));
	for (i = 0; i < N; i++)
		memset(self->dsts[i], 0, LEN);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyBatchAsyncV2(self->dsts, self->destMaxs,
					  self->srcs, self->sizes, N,
					  self->attrs, self->idx, 2, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(NULL));
	for (i = 0; i < N; i++)
		EXPECT_TRUE(copied(self->dsts[i], self->sizes[i], 10 + i));
}

/* memory.cpp MemcpyBatchImpl: all sizes 0 is done, nothing checked */
TEST_F(mb, all_sizes_zero)
{
	size_t zeros[N] = { 0 };
	size_t fail = 7;

	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyBatch(NULL, NULL, NULL, zeros, N,
						NULL, NULL, 0, &fail));
	EXPECT_EQ(SIZE_MAX, fail);
	fail = 7;
	EXPECT_EQ(ACL_SUCCESS,
		  aclrtMemcpyBatchAsync(NULL, NULL, NULL, zeros, N, NULL, NULL,
					0, &fail, (aclrtStream)&fail));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyBatchV2(NULL, NULL, NULL, zeros, 1,
						  NULL, NULL, 0));
	/* but failIndex, sizes and numBatches come first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyBatch(NULL, NULL, NULL, zeros, N, NULL, NULL, 0,
				   NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyBatchAsync(NULL, NULL, NULL, NULL, N, NULL, NULL,
					0, &fail, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyBatchV2(NULL, NULL, NULL, zeros, 0, NULL, NULL, 0));
}

/* memory.cpp ValidateMemcpyBatchParams: 100000, failIndex untouched */
TEST_F(mb, acl_checks)
{
	size_t fail = 7;
	int i;

#define BOTH_100000(...) do {						\
	fail = 7;							\
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemcpyBatch(__VA_ARGS__, &fail)); \
	EXPECT_EQ(7U, fail);						\
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,				\
		  aclrtMemcpyBatchAsync(__VA_ARGS__, &fail, self->stream)); \
	EXPECT_EQ(7U, fail);						\
} while (0)
	BOTH_100000(NULL, self->destMaxs, self->srcs, self->sizes, N,
		    self->attrs, self->idx, 2);
	BOTH_100000(self->dsts, NULL, self->srcs, self->sizes, N, self->attrs,
		    self->idx, 2);
	BOTH_100000(self->dsts, self->destMaxs, NULL, self->sizes, N,
		    self->attrs, self->idx, 2);
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, NULL, N,
		    self->attrs, self->idx, 2);
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, self->sizes, 0,
		    self->attrs, self->idx, 2);
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, self->sizes, N,
		    NULL, self->idx, 2);
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, self->sizes, N,
		    self->attrs, NULL, 2);
	self->destMaxs[3] = self->sizes[3] - 1;
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, self->sizes, N,
		    self->attrs, self->idx, 2);
	self->destMaxs[3] = LEN;
	self->attrs[1].rsv[15] = 1;
	BOTH_100000(self->dsts, self->destMaxs, self->srcs, self->sizes, N,
		    self->attrs, self->idx, 2);
	/*
	 * only the first numAttrs attributes are looked at: with attrs[0]
	 * for all, copy 2 (device -> host) does not fit it
	 */
	self->attrs[1].rsv[15] = 0;
	self->attrs[1].rsv[0] = 1;
	fail = 7;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpyBatch(self->dsts, self->destMaxs, self->srcs,
				   self->sizes, N, self->attrs, self->idx, 1,
				   &fail));
	EXPECT_EQ(2U, fail);
#undef BOTH_100000
	for (i = 0; i < N; i++)
		EXPECT_TRUE(untouched(self->dsts[i]));
}

/* ApiErrorDecorator::MemcpyBatch{,Async}: the attribute indexes */
TEST_F(mb, runtime_checks)
{
	static const struct {
		size_t numAttrs;
		size_t idx1;
		size_t idx0;
	} bad[] = {
		{ 0, 2, 0 },	/* numAttrs 0 */
		{ N + 1, 2, 0 },/* numAttrs above numBatches */
		{ 2, 2, 1 },	/* attrsIndexes[0] not 0 */
		{ 2, 0, 0 },	/* not increasing */
		{ 2, N, 0 },	/* past the end */
	};
	aclrtMemcpyBatchAttr many[N + 1];
	size_t idx[N + 1] = { 0, 2 };
	size_t fail, i;

	for (i = 0; i < N + 1; i++)
		many[i] = self->attrs[i % 2];
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		idx[0] = bad[i].idx0;
		idx[1] = bad[i].idx1;
		fail = 7;
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemcpyBatch(self->dsts, self->destMaxs,
					   self->srcs, self->sizes, N, many,
					   idx, bad[i].numAttrs, &fail));
		EXPECT_EQ(SIZE_MAX, fail);
		fail = 7;
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
			  aclrtMemcpyBatchAsync(self->dsts, self->destMaxs,
						self->srcs, self->sizes, N,
						many, idx, bad[i].numAttrs,
						&fail, self->stream));
		EXPECT_EQ(SIZE_MAX, fail);
	}
	for (i = 0; i < N; i++)
		EXPECT_TRUE(untouched(self->dsts[i]));
}

/* DEVMM_MEMCPY_BATCH_MAX_COUNT: the synchronous form only */
TEST_F(mb, at_most_4096_synchronous_copies)
{
	enum { MANY = 4097 };
	void **dsts = calloc(MANY, sizeof(void *));
	void **srcs = calloc(MANY, sizeof(void *));
	size_t *sizes = calloc(MANY, sizeof(size_t));
	size_t *maxs = calloc(MANY, sizeof(size_t));
	size_t idx = 0, fail = 7, i;

	ASSERT_TRUE(dsts && srcs && sizes && maxs);
	for (i = 0; i < MANY; i++) {
		dsts[i] = self->dev[0] + i;
		srcs[i] = self->host[0] + i;
		sizes[i] = maxs[i] = 1;
	}
	acl_fill(self->host[0], LEN, 5);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpyBatch(dsts, maxs, srcs, sizes, MANY, self->attrs,
				   &idx, 1, &fail));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_TRUE(untouched(self->dev[0]));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyBatch(dsts, maxs, srcs, sizes, MANY - 1,
				   self->attrs, &idx, 1, &fail));
	fail = 7;
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyBatchAsync(dsts, maxs, srcs, sizes, MANY,
					self->attrs, &idx, 1, &fail, NULL));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_EQ(0, memcmp(self->dev[0], self->host[0], MANY));
	free(dsts);
	free(srcs);
	free(sizes);
	free(maxs);
}

/* ApiImpl::CheckMemCpyAttr: each copy against its attribute */
TEST_F(mb, attribute_mismatch)
{
	struct acl_mapped m;
	size_t fail;
	int i;

	/* copy 3 says its source is on device 1 */
	self->attrs[1] = attr(HOST, 0, DEV, 1);
	fail = 7;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, SYNC(self, &fail));
	EXPECT_EQ(2U, fail);
	/* the synchronous form copied nothing */
	for (i = 0; i < N; i++)
		EXPECT_TRUE(untouched(self->dsts[i]));
	/* the asynchronous one copied 0 and 1 */
	fail = 7;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, ASYNC(self, &fail, NULL));
	EXPECT_EQ(2U, fail);
	EXPECT_TRUE(copied(self->dsts[0], self->sizes[0], 10));
	EXPECT_TRUE(copied(self->dsts[1], self->sizes[1], 11));
	EXPECT_TRUE(untouched(self->dsts[2]));

	/* a host side called UNREGISTERED is not HOST */
	self->attrs[1] = attr(ACL_MEM_LOCATION_TYPE_UNREGISTERED, 0, DEV, 0);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, SYNC(self, &fail));
	EXPECT_EQ(2U, fail);
	/* host to host: only H2D and D2H */
	self->attrs[1] = attr(HOST, 0, HOST, 0);
	self->srcs[2] = self->pinned;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, SYNC(self, &fail));
	EXPECT_EQ(2U, fail);
	/* a NULL address: drvMemGetAttribute, DRV_ERROR_INVALID_VALUE */
	self->attrs[1] = attr(HOST, 0, DEV, 0);
	self->srcs[2] = self->dev[2];
	self->dsts[1] = NULL;
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, SYNC(self, &fail));
	EXPECT_EQ(1U, fail);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, ASYNC(self, &fail, NULL));
	EXPECT_EQ(1U, fail);
	self->dsts[1] = self->dev[1];
	/* nothing mapped there: DRV_ERROR_INVALID_HANDLE */
	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, SZ_2M, NULL);
	self->dsts[0] = m.p + SZ_2M;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, SYNC(self, &fail));
	EXPECT_EQ(0U, fail);
	/* a mapping is device memory */
	self->dsts[0] = m.p;
	fail = 7;
	ASSERT_EQ(ACL_SUCCESS, SYNC(self, &fail));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_TRUE(copied(m.p, self->sizes[0], 10));
	acl_map_done(_metadata, &m);
}

/* ApiImpl::ValidateMemCpyParamsAndAttributes: size 0 or above destMax */
TEST_F(mb, async_size_checks)
{
	size_t fail = 7;

	self->sizes[1] = 0;
	/* the synchronous form copies 0 bytes */
	ASSERT_EQ(ACL_SUCCESS, SYNC(self, &fail));
	EXPECT_TRUE(untouched(self->dsts[1]));
	memset(self->dsts[0], 0, LEN);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, ASYNC(self, &fail, NULL));
	EXPECT_EQ(1U, fail);
	EXPECT_TRUE(copied(self->dsts[0], self->sizes[0], 10));
}

/* rtsMemcpyBatchAsync, ApiImpl::MemcpyBatchAsync, ApiImpl::MemcpyAsync */
TEST_F(mb, async_streams)
{
	aclrtStream gone;
	aclrtContext other;
	size_t fail = 7;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&gone));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(gone));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, ASYNC(self, &fail, gone));
	EXPECT_EQ(7U, fail);
	/* another context's stream: refused at the first stream copy */
	acl_fill(self->pinned, LEN, 10);
	self->srcs[0] = self->pinned;
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&other, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT,
		  ASYNC(self, &fail, self->stream));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_TRUE(untouched(self->dsts[0]));
	/* unregistered memory on a side: made at once, no stream check */
	self->srcs[0] = self->host[0];
	fail = 7;
	ASSERT_EQ(ACL_SUCCESS, ASYNC(self, &fail, self->stream));
	EXPECT_EQ(SIZE_MAX, fail);
	EXPECT_TRUE(copied(self->dsts[3], self->sizes[3], 13));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(other));
}

struct no_ctx_args {
	void **dsts, **srcs;
	size_t *destMaxs, *sizes, *idx;
	aclrtMemcpyBatchAttr *attrs;
	aclError sync, async;
	size_t fail;
};

static void *batch_without_context(void *arg)
{
	struct no_ctx_args *a = arg;

	a->sync = aclrtMemcpyBatch(a->dsts, a->destMaxs, a->srcs, a->sizes, N,
				   a->attrs, a->idx, 2, &a->fail);
	a->async = aclrtMemcpyBatchAsync(a->dsts, a->destMaxs, a->srcs,
					 a->sizes, N, a->attrs, a->idx, 2,
					 &a->fail, NULL);
	return NULL;
}

/*
 * The synchronous form needs no context (ApiImpl::PtrGetAttributes takes
 * the default driver); the asynchronous one does.
 */
TEST_F(mb, without_context)
{
	struct no_ctx_args a = {
		.dsts = self->dsts, .srcs = self->srcs,
		.destMaxs = self->destMaxs, .sizes = self->sizes,
		.idx = self->idx, .attrs = self->attrs,
	};
	pthread_t t;
	int i;

	ASSERT_EQ(0, pthread_create(&t, NULL, batch_without_context, &a));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_SUCCESS, a.sync);
	for (i = 0; i < N; i++)
		EXPECT_TRUE(copied(self->dsts[i], self->sizes[i], 10 + i));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, a.async);
	EXPECT_EQ(SIZE_MAX, a.fail);
}

TEST_HARNESS_MAIN
