// SPDX-License-Identifier: MIT
/*
 * Description: aclrtMemcpy, aclrtMemset, aclrtMemcpyAsync and
 * aclrtMemsetAsync, with the codes CANN gives (each names the
 * hicann/runtime or hicann/driver function that defines it).
 *
 * Copies host -> mapped memory -> host, between two handles, between two
 * mappings of one handle, across handle boundaries inside a reservation,
 * from aclrtMalloc/aclrtMallocHost memory; every copy kind 0..5 works, a
 * copy onto itself too. count 0 succeeds at once, even with NULL pointers,
 * a bad kind or destMax 0; otherwise NULL pointers and a kind outside
 * 0..5 are 100000, destMax 0 and count > destMax 107000 and copy
 * nothing; any larger destMax is accepted, SIZE_MAX too. aclrtMemset:
 * count 0 succeeds, NULL is 100000, count > maxCount 107000. Without a
 * current context both are 107002, after the argument checks of the acl
 * layer and of the runtime's decorator (which also completes a copy onto
 * itself); count 0 needs no context. The Async forms make the same acl
 * checks (count 0 first) and otherwise do the same on a created stream
 * and on the default (NULL) stream, and need a current context for the
 * default stream (107002).
 */
#include "acl_test_utils.h"

FIXTURE(cp) {
	struct acl_pools base;
	char *va;		/* reservation of 3 x 2 MiB */
	aclrtDrvMemHandle h[3];	/* one 2 MiB handle mapped in each slot */
	char *host;		/* 6 MiB of malloc() */
	char *host2;		/* 6 MiB of malloc() */
	aclrtStream stream;
};

#define CP_SIZE (3 * SZ_2M)

FIXTURE_SETUP(cp)
{
	int i;

	ACL_POOLS_BASE(&self->base);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&self->stream));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&self->va, CP_SIZE, 0, NULL,
					 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&self->h[i], SZ_2M));
		ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(self->va + i * SZ_2M, SZ_2M,
						   0, self->h[i], 0));
	}
	self->host = malloc(CP_SIZE);
	self->host2 = malloc(CP_SIZE);
	ASSERT_NE(NULL, self->host);
	ASSERT_NE(NULL, self->host2);
	memset(self->host2, 0, CP_SIZE);
}

FIXTURE_TEARDOWN(cp)
{
	int i;

	if (self->va) {
		for (i = 0; i < 3; i++) {
			aclrtUnmapMem(self->va + i * SZ_2M);
			if (self->h[i])
				aclrtFreePhysical(self->h[i]);
		}
		aclrtReleaseMemAddress(self->va);
	}
	if (self->stream)
		aclrtDestroyStream(self->stream);
	aclrtResetDevice(0);
	free(self->host);
	free(self->host2);
	if (_metadata->passed)
		ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(cp, host_to_mapped_and_back)
{
	acl_fill(self->host, CP_SIZE, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, CP_SIZE, self->host,
					   CP_SIZE, ACL_MEMCPY_HOST_TO_DEVICE));
	/* across the three handles */
	ACL_ASSERT_PATTERN(self->va, CP_SIZE, 1);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->host2, CP_SIZE, self->va,
					   CP_SIZE, ACL_MEMCPY_DEVICE_TO_HOST));
	ACL_ASSERT_PATTERN(self->host2, CP_SIZE, 1);
}

TEST_F(cp, every_kind)
{
	static const aclrtMemcpyKind kinds[] = {
		ACL_MEMCPY_HOST_TO_HOST, ACL_MEMCPY_HOST_TO_DEVICE,
		ACL_MEMCPY_DEVICE_TO_HOST, ACL_MEMCPY_DEVICE_TO_DEVICE,
		ACL_MEMCPY_DEFAULT, ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE,
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(kinds); i++) {
		char *src = self->va, *dst = self->va + SZ_2M;

		acl_fill(src, SZ_2M, 10 + i);
		/* hicann/runtime memory.cpp MemcpyKindTranslate: kinds 0..5 */
		ASSERT_EQ(ACL_SUCCESS,
			  aclrtMemcpy(dst, SZ_2M, src, SZ_2M, kinds[i])) {
			TH_LOG("kind %d", kinds[i]);
		}
		ACL_ASSERT_PATTERN(dst, SZ_2M, 10 + i);
	}
}

TEST_F(cp, device_to_device_partial)
{
	char *a = self->va, *b = self->va + 2 * SZ_2M;

	acl_fill(a, SZ_2M, 3);
	memset(b, 0, SZ_2M);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(b + 8192, SZ_2M - 8192, a + 4096,
					   12288, ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_ZERO(b, 8192);
	ACL_ASSERT_PATTERN_AT(b + 8192, 12288, 3, 4096);
	ACL_ASSERT_ZERO(b + 8192 + 12288, SZ_2M - 8192 - 12288);
}

/* Written through one mapping, read through another of the same handle. */
TEST_F(cp, two_mappings_of_one_handle)
{
	char *other = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&other, SZ_2M, 0, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(other, SZ_2M, 0, self->h[1], 0));
	acl_fill(self->host, SZ_2M, 4);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va + SZ_2M, SZ_2M, self->host,
					   SZ_2M, ACL_MEMCPY_HOST_TO_DEVICE));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->host2, SZ_2M, other, SZ_2M,
					   ACL_MEMCPY_DEVICE_TO_HOST));
	ACL_ASSERT_PATTERN(self->host2, SZ_2M, 4);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(other));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(other));
}

TEST_F(cp, count_above_dest_max)
{
	memset(self->va, 0, SZ_2M);
	acl_fill(self->host, SZ_2M, 5);
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: count > destMax */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy(self->va, 4096, self->host, 4097,
			      ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy(self->va, SZ_2M, self->host, SZ_2M + 1,
			      ACL_MEMCPY_HOST_TO_DEVICE));
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: destMax 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy(self->va, 0, self->host, 8,
			      ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	/* nothing was copied */
	ACL_ASSERT_ZERO(self->va, SZ_2M);

	/* count == destMax is fine */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, 4096, self->host, 4096,
					   ACL_MEMCPY_HOST_TO_DEVICE));
	ACL_ASSERT_PATTERN(self->va, 4096, 5);
	ACL_ASSERT_ZERO(self->va + 4096, SZ_2M - 4096);
}

/* count 0: nothing to do, and nothing checked. */
TEST_F(cp, count_zero)
{
	memset(self->va, 0, 64);
	acl_fill(self->host, SZ_2M, 13);
	/* hicann/runtime memory.cpp aclrtMemcpyImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy(NULL, 0, NULL, 0,
					   ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, 0, self->host, 0,
					   (aclrtMemcpyKind)99));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, SZ_2M, self->host, 0,
					   ACL_MEMCPY_HOST_TO_DEVICE));
	/* hicann/runtime memory.cpp aclrtMemsetImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemset(NULL, 0, 1, 0));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemset(self->va, 0, 1, 0));
	/* hicann/runtime memory.cpp aclrtMemcpyAsyncImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(NULL, 0, NULL, 0,
						(aclrtMemcpyKind)99,
						self->stream));
	/* hicann/runtime memory.cpp aclrtMemsetAsyncImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemsetAsync(NULL, 0, 1, 0, self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	ACL_ASSERT_ZERO(self->va, 64);
}

/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: dst == src is done */
TEST_F(cp, copy_onto_itself)
{
	acl_fill(self->va, SZ_2M, 14);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, SZ_2M, self->va, SZ_2M,
					   ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_PATTERN(self->va, SZ_2M, 14);
}

/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: count <= destMax is all it asks */
TEST_F(cp, huge_dest_max)
{
	acl_fill(self->host, SZ_2M, 6);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, SIZE_MAX, self->host,
					   SZ_2M, ACL_MEMCPY_HOST_TO_DEVICE));
	ACL_ASSERT_PATTERN(self->va, SZ_2M, 6);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->host2, SIZE_MAX / 2 + 1,
					   self->va, SZ_2M,
					   ACL_MEMCPY_DEVICE_TO_HOST));
	ACL_ASSERT_PATTERN(self->host2, SZ_2M, 6);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(self->va, SIZE_MAX, 0, SZ_2M));
	ACL_ASSERT_ZERO(self->va, SZ_2M);
}

TEST_F(cp, null_pointers)
{
	/* hicann/runtime memory.cpp aclrtMemcpyImpl: dst, src NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy(NULL, SZ_2M, self->host, 4096,
			      ACL_MEMCPY_HOST_TO_DEVICE));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy(self->va, SZ_2M, NULL, 4096,
			      ACL_MEMCPY_HOST_TO_DEVICE));
	/* before the kind and destMax */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy(NULL, 0, self->host, 4096, (aclrtMemcpyKind)99));
	/* hicann/runtime memory.cpp aclrtMemsetImpl: devPtr NULL, before maxCount */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemset(NULL, SZ_2M, 0, 4096));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemset(NULL, 0, 0, 4096));
	/* hicann/runtime memory.cpp aclrtMemcpyAsyncImpl: dst, src NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyAsync(NULL, SZ_2M, self->host, 4096,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpyAsync(self->va, SZ_2M, NULL, 4096,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	/* hicann/runtime memory.cpp aclrtMemsetAsyncImpl: devPtr NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemsetAsync(NULL, SZ_2M, 0, 4096, self->stream));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST_F(cp, bad_kind)
{
	static const int bad[] = {
		ACL_MEMCPY_INNER_DEVICE_TO_DEVICE,
		ACL_MEMCPY_INTER_DEVICE_TO_DEVICE, 8, 99, -1, 0x7fffffff,
	};
	size_t i;

	memset(self->va, 0, SZ_2M);
	acl_fill(self->host, SZ_2M, 7);
	for (i = 0; i < ACL_ARRAY_SIZE(bad); i++) {
		/* hicann/runtime memory.cpp MemcpyKindTranslate: not 0..5 */
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemcpy(self->va, SZ_2M, self->host, SZ_2M,
				      (aclrtMemcpyKind)bad[i])) {
			TH_LOG("kind %d", bad[i]);
		}
		/* before destMax */
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemcpy(self->va, 0, self->host, SZ_2M,
				      (aclrtMemcpyKind)bad[i]));
		/* hicann/runtime memory.cpp aclrtMemcpyAsyncImpl: MemcpyKindTranslate too */
		EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
			  aclrtMemcpyAsync(self->va, SZ_2M, self->host, SZ_2M,
					   (aclrtMemcpyKind)bad[i],
					   self->stream)) {
			TH_LOG("kind %d", bad[i]);
		}
	}
	ACL_ASSERT_ZERO(self->va, SZ_2M);
}

TEST_F(cp, memset)
{
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(self->va, CP_SIZE, 0xa5, CP_SIZE));
	for (i = 0; i < CP_SIZE; i += 4093)
		ASSERT_EQ(0xa5, (unsigned char)self->va[i]) {
			TH_LOG("byte %zu", i);
		}
	ASSERT_EQ(0xa5, (unsigned char)self->va[CP_SIZE - 1]);

	/* a part in the middle, across a handle boundary */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(self->va + SZ_2M - 100, 200, 0x3c,
					   200));
	EXPECT_EQ(0xa5, (unsigned char)self->va[SZ_2M - 101]);
	EXPECT_EQ(0x3c, (unsigned char)self->va[SZ_2M - 100]);
	EXPECT_EQ(0x3c, (unsigned char)self->va[SZ_2M + 99]);
	EXPECT_EQ(0xa5, (unsigned char)self->va[SZ_2M + 100]);

	/* hicann/driver devmm_svm.c drvMemsetD8Inner: maxCount < count */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemset(self->va, 100, 0, 101));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemset(self->va, 0, 0, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemsetAsync(self->va, 100, 0, 101, self->stream));
	EXPECT_EQ(0xa5, (unsigned char)self->va[0]);
	EXPECT_EQ(0xa5, (unsigned char)self->va[100]);

	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(self->va, CP_SIZE, 0, CP_SIZE));
	ACL_ASSERT_ZERO(self->va, CP_SIZE);
}

TEST_F(cp, async_on_stream)
{
	acl_fill(self->host, CP_SIZE, 8);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemsetAsync(self->va, CP_SIZE, 0x11, CP_SIZE,
				   self->stream));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(self->va, CP_SIZE, self->host, CP_SIZE,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(self->host2, CP_SIZE, self->va, CP_SIZE,
				   ACL_MEMCPY_DEVICE_TO_HOST, self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	ACL_ASSERT_PATTERN(self->host2, CP_SIZE, 8);

	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpyAsync(self->va, 10, self->host, 11,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(self->va, SIZE_MAX, self->host, 64,
				   ACL_MEMCPY_HOST_TO_DEVICE, self->stream));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemsetAsync(self->va, SIZE_MAX, 0, 64, self->stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(self->stream));
	ACL_ASSERT_ZERO(self->va, 64);
}

TEST_F(cp, async_on_default_stream)
{
	acl_fill(self->host, SZ_2M, 9);
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemsetAsync(self->va, SZ_2M, 0xff, SZ_2M, NULL));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(self->va, SZ_2M, self->host, SZ_2M,
				   ACL_MEMCPY_HOST_TO_DEVICE, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(NULL));
	ACL_ASSERT_PATTERN(self->va, SZ_2M, 9);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeDevice());
}

TEST_F(cp, acl_malloc_memory)
{
	void *dev = NULL, *host = NULL;

	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMalloc(&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost(&host, SZ_2M));
	acl_fill(host, SZ_2M, 12);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(dev, SZ_2M, host, SZ_2M,
					   ACL_MEMCPY_HOST_TO_DEVICE));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(self->va, SZ_2M, dev, SZ_2M,
					   ACL_MEMCPY_DEVICE_TO_DEVICE));
	ACL_ASSERT_PATTERN(self->va, SZ_2M, 12);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(host, SZ_2M, 0, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(host, SZ_2M, self->va, SZ_2M,
					   ACL_MEMCPY_DEVICE_TO_HOST));
	ACL_ASSERT_PATTERN(host, SZ_2M, 12);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(host));
}

/* Without a current context: no default stream, no device to copy on. */
TEST(no_context)
{
	char buf[64], src[64];

	memset(src, 1, sizeof(src));
	memset(buf, 0, sizeof(buf));
	/* aclmem: the default stream is the current context's */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemcpyAsync(buf, sizeof(buf), src, sizeof(src),
				   ACL_MEMCPY_HOST_TO_HOST, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemsetAsync(buf, sizeof(buf), 2, sizeof(buf), NULL));
	/* hicann/runtime api_impl.cc ApiImpl::MemCopySync: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemcpy(buf, sizeof(buf), src, sizeof(src),
			      ACL_MEMCPY_HOST_TO_HOST));
	/* hicann/runtime api_impl.cc ApiImpl::MemSetSync: no current context, before maxCount */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemset(buf, sizeof(buf), 2, sizeof(buf)));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtMemset(buf, 1, 2, sizeof(buf)));
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: its checks come first */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy(buf, 1, src, sizeof(src),
			      ACL_MEMCPY_HOST_TO_HOST));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtMemcpy(buf, 0, src, sizeof(src),
			      ACL_MEMCPY_HOST_TO_HOST));
	/* hicann/runtime memory.cpp: the acl checks come before all that */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy(buf, sizeof(buf), src, sizeof(src),
			      (aclrtMemcpyKind)99));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemcpy(NULL, sizeof(buf), src, sizeof(src),
			      ACL_MEMCPY_HOST_TO_HOST));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtMemset(NULL, 1, 2, 8));
	EXPECT_EQ(0, buf[0]);
	EXPECT_EQ(0, buf[63]);
}

/* Without a current context, what is done before the context is needed. */
TEST(done_without_context)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	/* hicann/runtime memory.cpp aclrtMemcpyImpl, aclrtMemsetImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpy(NULL, 0, NULL, 0,
					   ACL_MEMCPY_HOST_TO_HOST));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemset(NULL, 0, 2, 0));
	/* hicann/runtime memory.cpp aclrtMemcpyAsyncImpl, aclrtMemsetAsyncImpl: count 0 first */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(buf, sizeof(buf), buf, 0,
						ACL_MEMCPY_HOST_TO_HOST,
						NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 2, 0, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemCopySync: dst == src, before the context */
	EXPECT_EQ(ACL_SUCCESS,
		  aclrtMemcpy(buf, sizeof(buf), buf, sizeof(buf),
			      ACL_MEMCPY_HOST_TO_HOST));
	EXPECT_EQ(0, buf[0]);
}

TEST_HARNESS_MAIN
