// SPDX-License-Identifier: MIT
/*
 * Description: aclrtValueWrite and aclrtValueWait. Where CANN defines a
 * code the comment names the hicann/runtime function; "aclmem" marks the
 * library's own behaviour.
 *
 * A NULL address is 100000 (first), a dead stream 107017, a write flag
 * other than 0 or a wait flag past NOR 107000, memory that is not device
 * memory 107000, no context 107002, a stream of another context 107003.
 * A write stores the 64 bits. A wait holds its stream back until the
 * memory meets the condition (GEQ, EQ, AND, NOR), whoever writes it: the
 * query says NOT_READY, a synchronisation with a timeout runs out (507046),
 * work issued on the stream after it waits; a write from another stream
 * or a plain copy releases it; an abort drops it.
 */
#include "acl_test_utils.h"

static void expect_status(struct __test_metadata *_metadata, aclrtStream s,
			  aclrtStreamStatus want)
{
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;

	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(s, &st));
	EXPECT_EQ(want, st);
}

TEST(checks)
{
	uint64_t host = 0, *dev = NULL, *pinned = NULL;
	aclrtContext c = NULL;
	aclrtStream s = NULL, dead = NULL;

	/* memory.cpp aclrtValueWriteImpl, aclrtValueWaitImpl: devAddr NULL, first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtValueWrite(NULL, 1, 7, (aclrtStream)(uintptr_t)0xdead0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtValueWait(NULL, 1, 7, (aclrtStream)(uintptr_t)0xdead0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&dead));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(dead));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocHost((void **)&pinned, 4096));
	/* rtsValueWrite, rtsValueWait: the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtValueWrite(dev, 1, 0, dead));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtValueWait(dev, 1, 0, dead));
	/* ApiErrorDecorator::MemWriteValue, MemWaitValue: the flag */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWrite(dev, 1, 1, s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWait(dev, 1, 4, s));
	/* ...then device memory only: the host's, registered or not */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWrite(&host, 1, 0, s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWait(&host, 1, 0, s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWrite(pinned, 1, 0, s));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtValueWait(pinned, 1, 0, NULL));
	EXPECT_EQ(0, host);
	/* ApiImpl::MemWriteValue, MemWaitValue: no current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtValueWrite(dev, 1, 0, s));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtValueWait(dev, 1, 0, s));
	/* a stream of another context */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtValueWrite(dev, 1, 0, s));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtValueWait(dev, 1, 0, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreeHost(pinned));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

TEST(write_stores_64_bits)
{
	uint64_t *dev = NULL, out[2] = { 0, 0 };

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(dev, SZ_2M, 0xff, 16));
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWrite(dev, 0x0123456789abcdefULL, 0, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(out, sizeof(out), dev, sizeof(out),
					   ACL_MEMCPY_DEVICE_TO_HOST));
	EXPECT_EQ(0x0123456789abcdefULL, out[0]);
	EXPECT_EQ(~0ULL, out[1]);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* Whether a wait for (flag, value) passes with the memory at @now. */
static void expect_wait(struct __test_metadata *_metadata, aclrtStream s,
			uint64_t *dev, uint64_t now, uint32_t flag,
			uint64_t value, bool passes)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtMemcpy(dev, 8, &now, 8, ACL_MEMCPY_HOST_TO_DEVICE));
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(dev, value, flag, s));
	expect_status(_metadata, s, passes ? ACL_STREAM_STATUS_COMPLETE :
					     ACL_STREAM_STATUS_NOT_READY);
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamAbort(s));
	expect_status(_metadata, s, ACL_STREAM_STATUS_COMPLETE);
}

/* stars_cond_isa_define.hpp MEM_WAIT_VALUE_TYPE_GEQ, EQ, AND, NOR */
TEST(conditions)
{
	aclrtStream s = NULL;
	uint64_t *dev = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_GEQ, 5, true);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_GEQ, 4, true);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_GEQ, 6, false);
	/* unsigned: 2^63 is above 1 */
	expect_wait(_metadata, s, dev, 1ULL << 63, ACL_STREAM_WAIT_VALUE_GEQ, 1, true);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_EQ, 5, true);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_EQ, 6, false);
	/* 64 bits compared, not 32 */
	expect_wait(_metadata, s, dev, 5 | 1ULL << 40, ACL_STREAM_WAIT_VALUE_EQ, 5, false);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_AND, 4, true);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_AND, 2, false);
	expect_wait(_metadata, s, dev, 5, ACL_STREAM_WAIT_VALUE_NOR, 2, true);
	expect_wait(_metadata, s, dev, ~0ULL, ACL_STREAM_WAIT_VALUE_NOR, 0, false);
	expect_wait(_metadata, s, dev, ~2ULL, ACL_STREAM_WAIT_VALUE_NOR, 2, false);
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

struct later_work {
	aclrtContext ctx;
	aclrtStream s;
	unsigned char *buf;
	volatile int done;
	aclError ret;
};

static void *issue_memset(void *arg)
{
	struct later_work *w = arg;

	aclrtSetCurrentContext(w->ctx);
	w->ret = aclrtMemsetAsync(w->buf, 64, 0x3c, 64, w->s);
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* As memory/9_multistream_sync_memory: one stream waits, another writes. */
TEST(wait_released_by_another_stream)
{
	aclrtStream a = NULL, b = NULL;
	struct later_work w;
	unsigned char buf[64];
	uint64_t *dev = NULL;
	pthread_t th;

	memset(&w, 0, sizeof(w));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&a));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&b));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&dev, SZ_2M, ACL_MEM_MALLOC_HUGE_FIRST));
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(dev, 8, 0, 8));
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(dev, 100, ACL_STREAM_WAIT_VALUE_EQ, a));
	expect_status(_metadata, a, ACL_STREAM_STATUS_NOT_READY);
	expect_status(_metadata, b, ACL_STREAM_STATUS_COMPLETE);
	/* stream.cpp aclrtSynchronizeStreamWithTimeoutImpl: ACL_ERROR_RT_STREAM_SYNC_TIMEOUT */
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, aclrtSynchronizeStreamWithTimeout(a, 50));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(b, 50));
	/* aclmem: work issued on @a after the wait waits for it */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&w.ctx));
	w.s = a;
	w.buf = buf;
	ASSERT_EQ(0, pthread_create(&th, NULL, issue_memset, &w));
	usleep(200 * 1000);
	EXPECT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST));
	EXPECT_EQ(0, buf[0]);
	/* a write on another stream releases it */
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWrite(dev, 100, 0, b));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ACL_SUCCESS, w.ret);
	EXPECT_EQ(0x3c, buf[63]);
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStream(a));
	expect_status(_metadata, a, ACL_STREAM_STATUS_COMPLETE);

	/* a plain copy to the memory releases a wait too */
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(dev, 200, ACL_STREAM_WAIT_VALUE_GEQ, a));
	expect_status(_metadata, a, ACL_STREAM_STATUS_NOT_READY);
	ASSERT_EQ(ACL_SUCCESS, aclrtMemset(dev, 8, 0xff, 8));
	ASSERT_EQ(ACL_SUCCESS, aclrtSynchronizeStreamWithTimeout(a, 5000));
	/* a wait never met goes with a forced destroy */
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(dev, 1, ACL_STREAM_WAIT_VALUE_EQ, a));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, aclrtSynchronizeDeviceWithTimeout(20));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStreamForce(a));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeDeviceWithTimeout(20));
	ASSERT_EQ(ACL_SUCCESS, aclrtFree(dev));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(b));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
