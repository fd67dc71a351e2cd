// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemcpy2d and aclrtMemcpy2dAsync, with the codes CANN
 * gives (each names the hicann/runtime or hicann/driver function that
 * defines it).
 *
 * height rows of width bytes go from src (rows spitch apart) to dst (rows
 * dpitch apart); the bytes between rows are not touched. The kind is
 * corrected from where the memory is (MemcpyKindAutoCorrect): between
 * host and device memory it is fixed, with unregistered memory DEFAULT
 * takes the direction and other kinds must fit it. Synchronous copies are
 * H2D or D2H after the correction (107000 otherwise; D2D asked 207000);
 * asynchronous ones H2D, D2H or D2D. Width or height 0 succeeds before
 * anything. NULL pointers, width above a pitch and kinds other than H2D,
 * D2H, D2D and DEFAULT are 100000; height above 5242880 or width above
 * 5000000 107000; no context 107002 (the async form with the default
 * stream: 107000); a stream that does not exist 107017, another context's
 * 107003 unless the copy touches unregistered memory (then it is made
 * synchronously); a reservation with nothing mapped 107017; a pitch that
 * wraps the address space 507899.
 */
#include "acl_test_utils.h"

#define W	1000	/* bytes per row */
#define H	37	/* rows */
#define SP	1536	/* source pitch */
#define DP	4096	/* destination pitch */

FIXTURE(c2) {
	char *dev;	/* aclrtMalloc, H * DP */
	char *dev2;	/* aclrtMalloc, H * DP */
	char *host;	/* malloc, H * SP: unregistered */
	char *pinned;	/* aclrtMallocHost, H * DP */
	aclrtStream stream;
};

FIXTURE_SETUP(c2)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&self->dev, H * DP,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&self->dev2, H * DP,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&self->pinned,
					       H * DP));
	self->host = malloc(H * DP);
	ASSERT_NE(NULL, self->host);
	acl_fill(self->host, H * DP, 7);
	memset(self->dev, 0x11, H * DP);
	memset(self->dev2, 0x22, H * DP);
	memset(self->pinned, 0x33, H * DP);
}

FIXTURE_TEARDOWN(c2)
{
	free(self->host);
	aclrtFreeHost(self->pinned);
	aclrtFree(self->dev2);
	aclrtFree(self->dev);
	aclrtDestroyStream(self->stream);
	aclrtResetDevice(0);
}

/*
 * Row r of dst (pitch dp) holds row r of src (pitch sp), w bytes; the rest
 * of each dst pitch still holds @fill.
 */
static bool rows_copied(const char *dst, size_t dp, const char *src,
			size_t sp, size_t w, size_t h, unsigned char fill)
{
	size_t r, i;

	for (r = 0; r < h; r++) {
		if (memcmp(dst + r * dp, src + r * sp, w))
			return false;
		for (i = w; i < dp && r + 1 < h; i++)
			if ((unsigned char)dst[r * dp + i] != fill)
				return false;
	}
	return true;
}

/* api_error.cc MemCopy2DSync: H2D and D2H, with the driver's row copy */
TEST_F(c2, sync_h2d_d2h)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->dev, DP, self->host, SP, W,
					     H, ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_TRUE(rows_copied(self->dev, DP, self->host, SP, W, H, 0x11));
	/* a row past the last is not touched */
	EXPECT_EQ(0x11, (unsigned char)self->dev[(H - 1) * DP + W]);

	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->pinned, 2000, self->dev,
					     DP, W, H,
					     ACL_MEMCPY_DEVICE_TO_HOST));
	EXPECT_TRUE(rows_copied(self->pinned, 2000, self->dev, DP, W, H,
				0x33));
	/* DEFAULT: unregistered -> device is H2D; pinned -> device fixes it */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->dev2, W, self->host, W, W,
					     H, ACL_MEMCPY_DEFAULT));
	EXPECT_EQ(0, memcmp(self->dev2, self->host, W * H));
	memset(self->dev2, 0x22, H * DP);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->dev2, DP, self->pinned, DP,
					     W, 3, ACL_MEMCPY_DEVICE_TO_HOST));
	EXPECT_TRUE(rows_copied(self->dev2, DP, self->pinned, DP, W, 3, 0x22));
	/* one row with a pitch equal to the width */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->host, 5, self->dev, 5, 5, 1,
					     ACL_MEMCPY_DEVICE_TO_HOST));
	EXPECT_EQ(0, memcmp(self->host, self->dev, 5));
}

/* MemcpyKindReviseMap: what the kind becomes, and what it may not be */
TEST_F(c2, kind_correction)
{
	char *host2 = malloc(H * SP);

	ASSERT_NE(NULL, host2);
	memset(host2, 0x44, H * SP);
	/* unregistered -> unregistered: H2D is allowed */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(host2, SP, self->host, SP, W, H,
					     ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_TRUE(rows_copied(host2, SP, self->host, SP, W, H, 0x44));
	/* ... DEFAULT makes it H2H, which a synchronous copy is not */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(host2, SP, self->host, SP, W, H,
				ACL_MEMCPY_DEFAULT));
	/* pinned -> pinned is H2H whatever is asked */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->pinned, DP, self->pinned + 8, DP, W, 2,
				ACL_MEMCPY_HOST_TO_DEVICE));
	/* device -> device is D2D */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->dev, DP, self->dev2, DP, W, H,
				ACL_MEMCPY_DEVICE_TO_HOST));
	/* unregistered -> device may not be D2H */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->dev, DP, self->host, SP, W, H,
				ACL_MEMCPY_DEVICE_TO_HOST));
	/* ApiErrorDecorator::MemCopy2DSync: D2D asked */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtMemcpy2d(self->dev, DP, self->dev2, DP, W, H,
				ACL_MEMCPY_DEVICE_TO_DEVICE));
	/* none of these copied */
	EXPECT_EQ(0x11, (unsigned char)self->dev[0]);
	EXPECT_EQ(0x33, (unsigned char)self->pinned[0]);
	free(host2);
}

/* memory.cpp CheckMemcpy2dParam, api_error.cc MemCopy2DCheckParam */
TEST_F(c2, argument_checks)
{
	static const aclrtMemcpyKind bad_kinds[] = {
		ACL_MEMCPY_HOST_TO_HOST, ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE,
		ACL_MEMCPY_INNER_DEVICE_TO_DEVICE, (aclrtMemcpyKind)99,
	};
	size_t i;

	/* width or height 0: done before anything is checked */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy2d(NULL, 0, NULL, 0, 0, 5,
					     (aclrtMemcpyKind)99));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy2d(NULL, 0, NULL, 0, 5, 0,
					     (aclrtMemcpyKind)99));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy2dAsync(NULL, 0, NULL, 0, 0, 0,
						  (aclrtMemcpyKind)99,
						  (aclrtStream)&i));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy2d(NULL, DP, self->host, SP, W, H,
				ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy2d(self->dev, DP, NULL, SP, W, H,
				ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy2d(self->dev, DP, self->host, W - 1, W, H,
				ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy2d(self->dev, W - 1, self->host, SP, W, H,
				ACL_MEMCPY_HOST_TO_DEVICE));
	for (i = 0; i < ACL_ARRAY_SIZE(bad_kinds); i++) {
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemcpy2d(self->dev, DP, self->host, SP, W, H,
					bad_kinds[i]));
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemcpy2dAsync(self->dev, DP, self->host, SP, W,
					     H, bad_kinds[i], self->stream));
	}
	/* the acl layer's checks come before the stream's */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy2dAsync(self->dev, DP, NULL, SP, W, H,
				     ACL_MEMCPY_HOST_TO_DEVICE,
				     (aclrtStream)&i));
	/* RT_MAX_MEMCPY2D_HEIGHT, RT_MAX_MEMCPY2D_WIDTH */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->dev, 1, self->host, 1, 1, 5242881,
				ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->dev, 5000001, self->host, 5000001,
				5000001, 1, ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2dAsync(self->dev, 1, self->host, 1, 1, 5242881,
				     ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	/* the limits before the D2D refusal of the synchronous form */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2d(self->dev, 1, self->dev2, 1, 1, 5242881,
				ACL_MEMCPY_DEVICE_TO_DEVICE));
	EXPECT_EQ(0x11, (unsigned char)self->dev[0]);
}

/* npu_driver_mem.cc PtrGetRealLocation, devmm_ioctl_memcpy2d_proc */
TEST_F(c2, memory_checks)
{
	struct acl_mapped m;

	acl_map_new(_metadata, &m, 2 * SZ_2M, 0, SZ_2M, NULL);
	memset(m.p, 0x55, SZ_2M);
	/* a mapping is device memory */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2d(self->host, SP, m.p, DP, W, H,
					     ACL_MEMCPY_DEFAULT));
	EXPECT_EQ(0x55, (unsigned char)self->host[(H - 1) * SP + W - 1]);
	/* drvMemGetAttribute: nothing mapped, DRV_ERROR_INVALID_HANDLE */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemcpy2d(self->host, SP, m.p + SZ_2M, DP, W, H,
				ACL_MEMCPY_DEVICE_TO_HOST));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemcpy2dAsync(m.p + SZ_2M, DP, self->host, SP, W, H,
				     ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	acl_map_done(_metadata, &m);
	/* devmm_ioctl_memcpy2d_proc: the second row's address wraps */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemcpy2d(self->dev, SIZE_MAX - 4096, self->host, SP, W,
				2, ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(0x11, (unsigned char)self->dev[0]);
}

/* api_error.cc MemCopy2DAsync, api_impl.cc ApiImpl::MemCopy2DAsync */
TEST_F(c2, async)
{
	aclrtStream gone;

	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2dAsync(self->dev, DP, self->host,
						  SP, W, H,
						  ACL_MEMCPY_HOST_TO_DEVICE,
						  self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	EXPECT_TRUE(rows_copied(self->dev, DP, self->host, SP, W, H, 0x11));
	/* D2D is served asynchronously */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2dAsync(self->dev2, 2048, self->dev,
						  DP, W, H,
						  ACL_MEMCPY_DEVICE_TO_DEVICE,
						  NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(NULL));
	EXPECT_TRUE(rows_copied(self->dev2, 2048, self->dev, DP, W, H, 0x22));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2dAsync(self->pinned, DP, self->dev2,
						  2048, W, H,
						  ACL_MEMCPY_DEFAULT,
						  self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	EXPECT_TRUE(rows_copied(self->pinned, DP, self->dev2, 2048, W, H,
				0x33));
	/* pinned -> pinned is H2H, which no 2D copy is */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy2dAsync(self->pinned, DP, self->pinned + 8, DP, W,
				     2, ACL_MEMCPY_DEFAULT, self->stream));

	/* runtime_handle_guard.cc: a stream that does not exist */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&gone));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(gone));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemcpy2dAsync(self->dev, DP, self->host, SP, W, H,
				     ACL_MEMCPY_HOST_TO_DEVICE, gone));
}

/* ApiImpl::MemCopy2DAsync: the stream must be the current context's */
TEST_F(c2, stream_of_another_context)
{
	aclrtContext other;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&other, 0));
	/* pinned -> device goes to the stream */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT,
		  aclrtMemcpy2dAsync(self->dev, DP, self->pinned, DP, W, H,
				     ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	EXPECT_EQ(0x11, (unsigned char)self->dev[0]);
	/* unregistered memory makes it a synchronous copy: no stream check */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy2dAsync(self->dev, DP, self->host,
						  SP, W, H,
						  ACL_MEMCPY_HOST_TO_DEVICE,
						  self->stream));
	EXPECT_TRUE(rows_copied(self->dev, DP, self->host, SP, W, H, 0x11));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(other));
}

struct no_ctx_args {
	void *dst, *src;
	aclrtStream stream;
	aclError sync, async_default, async_stream;
};

static void *copy_without_context(void *arg)
{
	struct no_ctx_args *a = arg;

	a->sync = aclrtMemcpy2d(a->dst, DP, a->src, SP, W, H,
				ACL_MEMCPY_HOST_TO_DEVICE);
	a->async_default = aclrtMemcpy2dAsync(a->dst, DP, a->src, SP, W, H,
					      ACL_MEMCPY_HOST_TO_DEVICE, NULL);
	a->async_stream = aclrtMemcpy2dAsync(a->dst, DP, a->src, SP, W, H,
					     ACL_MEMCPY_HOST_TO_DEVICE,
					     a->stream);
	return NULL;
}

/*
 * A thread without a context: GetLocationType wants one (107002); the
 * async form's GetCurStream finds no default stream first (107000).
 */
TEST_F(c2, without_context)
{
	struct no_ctx_args a = { .dst = self->dev, .src = self->host,
				 .stream = self->stream };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, copy_without_context, &a));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, a.sync);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, a.async_default);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, a.async_stream);
	EXPECT_EQ(0x11, (unsigned char)self->dev[0]);
}

TEST_HARNESS_MAIN
