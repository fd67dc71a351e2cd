// SPDX-License-Identifier: MIT
/*
 * Description: streams. Where CANN defines a code the comment names the
 * hicann/runtime function; "aclmem" marks the library's own behaviour.
 *
 * aclrtCreateStream needs an output (100000, checked first) and a current
 * context (107002); create, synchronize and destroy work on many streams,
 * in the default context of a device and in a created one;
 * aclrtSynchronizeStream(NULL) is the current context's default stream
 * (107002 without one); a destroyed or made-up stream fails CANN's handle
 * check (107017) in SynchronizeStream, DestroyStream, DestroyStreamForce,
 * MemcpyAsync and MemsetAsync, except for an async call with count 0,
 * which succeeds before anything is looked at; Destroy(NULL) is 100000; DestroyStreamForce destroys; async memset and
 * memcpy on one stream land in order (checked after SynchronizeStream);
 * the last aclrtResetDevice and aclrtResetDeviceForce destroy the default
 * context's streams, a reset that leaves a use does not.
 */
#include "acl_test_utils.h"

TEST(create_without_context)
{
	aclrtStream s = (aclrtStream)(uintptr_t)0x5a5a;

	/* hicann/runtime api_impl.cc ApiImpl::StreamCreate: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateStream(&s));
	EXPECT_EQ((aclrtStream)(uintptr_t)0x5a5a, s);
	/* hicann/runtime stream.cpp aclrtCreateStreamImpl: stream NULL, first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateStream(NULL));
	/* hicann/runtime stream.cpp aclrtSynchronizeStreamImpl: NULL is the current context's default stream */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeStream(NULL));
}

TEST(create_null_output)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* hicann/runtime stream.cpp aclrtCreateStreamImpl: stream NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateStream(NULL));
	/* hicann/runtime stream.cpp aclrtDestroyStreamImpl, aclrtDestroyStreamForceImpl: stream NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyStream(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyStreamForce(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(create_sync_destroy)
{
	aclrtStream s[16];
	size_t i, j;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (i = 0; i < ACL_ARRAY_SIZE(s); i++) {
		s[i] = NULL;
		ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s[i]));
		ASSERT_NE(NULL, s[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(s[j], s[i]);
	}
	for (i = 0; i < ACL_ARRAY_SIZE(s); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s[i]));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeDevice());
	for (i = 0; i < ACL_ARRAY_SIZE(s); i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s[i]));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Every stream call on @s fails (107017) and touches nothing. */
static void expect_dead_stream(struct __test_metadata *_metadata,
			       aclrtStream s)
{
	char dst[64], src[64];

	memset(dst, 0, sizeof(dst));
	memset(src, 7, sizeof(src));
	/*
	 * hicann/runtime runtime_handle_guard.cc ValidateInnerObject, which
	 * every stream entry point runs (api_c_stream.cc
	 * rtStreamSynchronize, rtStreamDestroy, rtStreamDestroyForce; api_c.cc
	 * rtMemcpyAsync, rtMemsetAsync): not a live stream
	 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtSynchronizeStream(s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemcpyAsync(dst, sizeof(dst), src, sizeof(src),
				   ACL_MEMCPY_HOST_TO_HOST, s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemsetAsync(dst, sizeof(dst), 9, sizeof(dst), s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyStream(s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyStreamForce(s));
	EXPECT_EQ(0, dst[0]);
	EXPECT_EQ(0, dst[63]);
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST(destroyed_stream)
{
	aclrtStream s = NULL, other = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&other));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	expect_dead_stream(_metadata, s);
	/* the other stream is fine */
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(other));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(other));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* An async call with count 0 is done before the stream is looked at. */
TEST(async_count_zero_on_dead_stream)
{
	aclrtStream s = NULL;
	char dst[64], src[64];

	memset(dst, 0, sizeof(dst));
	memset(src, 7, sizeof(src));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	/*
	 * hicann/runtime memory.cpp aclrtMemcpyAsyncImpl,
	 * aclrtMemsetAsyncImpl (and api_c.cc rtMemcpyAsync, rtMemsetAsync):
	 * count 0 first
	 */
	EXPECT_EQ(ACL_SUCCESS, aclrtMemcpyAsync(dst, sizeof(dst), src, 0,
						ACL_MEMCPY_HOST_TO_HOST, s));
	EXPECT_EQ(ACL_SUCCESS, aclrtMemsetAsync(dst, sizeof(dst), 9, 0, s));
	EXPECT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(NULL, 0, NULL, 0, (aclrtMemcpyKind)99,
				   (aclrtStream)(uintptr_t)0xdead000));
	EXPECT_EQ(0, dst[0]);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(never_created_stream)
{
	int local;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	expect_dead_stream(_metadata, (aclrtStream)&local);
	expect_dead_stream(_metadata, (aclrtStream)(uintptr_t)0xdead000);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(destroy_stream_force)
{
	aclrtStream s = NULL;
	char buf[4096];

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemsetAsync(buf, sizeof(buf), 3, sizeof(buf), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStreamForce(s));
	expect_dead_stream(_metadata, s);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(async_ops_in_order)
{
	aclrtDrvMemHandle h = NULL;
	aclrtStream s = NULL;
	struct acl_pools base;
	unsigned char *p = NULL, *src, *out;
	size_t i;

	ACL_POOLS_BASE(&base);
	src = malloc(SZ_2M);
	out = malloc(SZ_2M);
	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, out);
	acl_fill(src, SZ_2M, 1);
	memset(out, 0, SZ_2M);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtReserveMemAddress((void **)&p, SZ_2M, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, SZ_2M, 0, h, 0));

	/* fill, copy over the middle, set a part of that, copy it all out */
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(p, SZ_2M, 0x11, SZ_2M, s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(p + SZ_1M / 2, SZ_2M - SZ_1M / 2, src, SZ_1M,
				   ACL_MEMCPY_HOST_TO_DEVICE, s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemsetAsync(p + SZ_1M, SZ_1M, 0x22, 4096, s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemcpyAsync(out, SZ_2M, p, SZ_2M,
				   ACL_MEMCPY_DEVICE_TO_HOST, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));

	for (i = 0; i < SZ_1M / 2; i++)
		ASSERT_EQ(0x11, out[i]) {
			TH_LOG("byte %zu", i);
		}
	ACL_ASSERT_PATTERN(out + SZ_1M / 2, SZ_1M / 2, 1);
	for (i = SZ_1M; i < SZ_1M + 4096; i++)
		ASSERT_EQ(0x22, out[i]) {
			TH_LOG("byte %zu", i);
		}
	ACL_ASSERT_PATTERN_AT(out + SZ_1M + 4096, SZ_1M / 2 - 4096, 1,
			      SZ_1M / 2 + 4096);
	for (i = SZ_1M + SZ_1M / 2; i < SZ_2M; i++)
		ASSERT_EQ(0x11, out[i]) {
			TH_LOG("byte %zu", i);
		}

	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeDevice());
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	free(src);
	free(out);
	ACL_EXPECT_POOLS_BACK(&base);
}

TEST(reset_device_force_destroys_streams)
{
	aclrtStream s = NULL, t = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&t));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	expect_dead_stream(_metadata, s);
	expect_dead_stream(_metadata, t);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(last_reset_destroys_streams)
{
	aclrtStream s = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	/* one use left: the stream lives */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	/* the last use goes, with the default context and its streams */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	expect_dead_stream(_metadata, s);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(streams_of_a_created_context)
{
	aclrtContext c = NULL;
	aclrtStream s = NULL;
	char buf[256];

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemsetAsync(buf, sizeof(buf), 0x77,
						sizeof(buf), s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(s));
	EXPECT_EQ(0x77, buf[0]);
	EXPECT_EQ(0x77, buf[255]);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeDevice());
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	expect_dead_stream(_metadata, s);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

struct stream_thread {
	aclrtContext ctx;
	aclrtStream s;
	unsigned char *buf;
	aclError set, memset, sync;
};

static void *use_stream(void *arg)
{
	struct stream_thread *t = arg;

	t->set = aclrtSetCurrentContext(t->ctx);
	t->memset = aclrtMemsetAsync(t->buf, 4096, 0x42, 4096, t->s);
	t->sync = aclrtSynchronizeStream(t->s);
	return NULL;
}

/* A stream made in one thread works in another that shares the context. */
TEST(stream_used_by_another_thread)
{
	struct stream_thread t;
	unsigned char buf[4096];
	pthread_t th;

	memset(&t, 0, sizeof(t));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&t.ctx));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&t.s));
	t.buf = buf;
	ASSERT_EQ(0, pthread_create(&th, NULL, use_stream, &t));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ACL_SUCCESS, t.set);
	EXPECT_EQ(ACL_SUCCESS, t.memset);
	EXPECT_EQ(ACL_SUCCESS, t.sync);
	EXPECT_EQ(0x42, buf[0]);
	EXPECT_EQ(0x42, buf[4095]);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(t.s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
