// SPDX-License-Identifier: MIT
/*
 * Description: notifies (hicann/runtime src/acl/aclrt_impl/notify.cpp;
 * api_c_event.cc rtsNotifyCreate, rtsNotifyWaitAndReset,
 * rtsNotifyBatchReset; api_c.cc rtNotifyDestroy, rtNotifyRecord,
 * rtNotifyWait, rtGetNotifyID; ApiErrorDecorator::Notify*; ApiImpl::
 * NotifyCreate, NotifyDestroy, NotifyRecord, NotifyReset, NotifyWait,
 * GetNotifyID). The acl layer's NULL checks are 100000, a handle that is
 * not a notify or stream 107017, a flag other than DEFAULT or
 * DEVICE_USE_ONLY 107000, no current context 107002, a stream of another
 * context 107003. A record sets the flag, a wait consumes it; "aclmem":
 * stream work is done when issued, so a wait on a flag not set holds the
 * calling thread until another thread records it, or until the timeout
 * (seconds) passes: 107019.
 */
#include "acl_test_utils.h"

static const aclrtNotify dead = (aclrtNotify)(uintptr_t)0xdead0;

TEST(create_destroy)
{
	aclrtNotify a, b;
	uint32_t ida = 99, idb = 99;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateNotify(NULL, 0));
	/* rtsNotifyCreate: the flag before the device */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtCreateNotify(&a, 2));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtCreateNotify(&a, ACL_NOTIFY_DEFAULT));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&a, ACL_NOTIFY_DEFAULT));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&b, ACL_NOTIFY_DEVICE_USE_ONLY));
	/* ids differ */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetNotifyId(a, &ida));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetNotifyId(b, &idb));
	EXPECT_NE(ida, idb);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetNotifyId(NULL, &ida));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetNotifyId(a, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtGetNotifyId(dead, &ida));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyNotify(b));
	/* destroyed: 107017 everywhere */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtDestroyNotify(b));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtGetNotifyId(b, &idb));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtRecordNotify(b, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyNotify(NULL));
	/* ApiImpl::NotifyDestroy, GetNotifyID: a current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetNotifyId(a, &ida));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtDestroyNotify(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_SUCCESS, aclrtDestroyNotify(a));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(record_wait)
{
	aclrtStream s;
	aclrtNotify n;
	double t0;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&n, 0));
	/* recorded, then waited on: done, and the flag is consumed */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(n, NULL, 0));
	t0 = acl_now();
	EXPECT_EQ(ACL_ERROR_RT_WAIT_TIMEOUT, aclrtWaitAndResetNotify(n, s, 1));
	EXPECT_LE(0.9, acl_now() - t0);
	/* two records set one flag: one wait takes it */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n, s));
	ASSERT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(n, s, 1));
	EXPECT_EQ(ACL_ERROR_RT_WAIT_TIMEOUT, aclrtWaitAndResetNotify(n, s, 1));
	/* NULL notify 100000; not a notify, not a stream 107017 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtRecordNotify(NULL, s));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtWaitAndResetNotify(NULL, s, 1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtRecordNotify(dead, s));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtWaitAndResetNotify(dead, s, 1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtRecordNotify(n, (aclrtStream)(uintptr_t)0xdead0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtWaitAndResetNotify(n, (aclrtStream)(uintptr_t)0xdead0, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyNotify(n));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(stream_of_another_context)
{
	aclrtContext c1, c2;
	aclrtStream s1;
	aclrtNotify n;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&s1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&n, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtRecordNotify(n, s1));
	EXPECT_EQ(ACL_ERROR_RT_STREAM_CONTEXT, aclrtWaitAndResetNotify(n, s1, 1));
	/* the notify itself is not bound to a context: its default stream here */
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordNotify(n, NULL));
	/* no current context: 107002 */
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtRecordNotify(n, NULL));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtWaitAndResetNotify(n, NULL, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	EXPECT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(n, s1, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyNotify(n));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
}

struct recorder {
	aclrtNotify n;
	aclError ret;
};

static void *record_later(void *arg)
{
	struct recorder *r = arg;

	r->ret = aclrtSetDevice(0);
	if (r->ret)
		return NULL;
	usleep(200 * 1000);
	r->ret = aclrtRecordNotify(r->n, NULL);
	return NULL;
}

/* A wait with no limit returns once another thread records the notify. */
TEST(wait_for_another_thread)
{
	struct recorder r;
	pthread_t t;
	double t0;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&r.n, 0));
	r.ret = -1;
	t0 = acl_now();
	ASSERT_EQ(0, pthread_create(&t, NULL, record_later, &r));
	EXPECT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(r.n, NULL, 0));
	EXPECT_LE(0.15, acl_now() - t0);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_SUCCESS, r.ret);
	/* UINT32_MAX is rtNotifyWait's default: no limit either */
	r.ret = -1;
	ASSERT_EQ(0, pthread_create(&t, NULL, record_later, &r));
	EXPECT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(r.n, NULL, UINT32_MAX));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ACL_SUCCESS, r.ret);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyNotify(r.n));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(batch_reset)
{
	aclrtNotify n[3];

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtCreateNotify(&n[i], 0));
		ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n[i], NULL));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtNotifyBatchReset(n, 2));
	EXPECT_EQ(ACL_ERROR_RT_WAIT_TIMEOUT, aclrtWaitAndResetNotify(n[0], NULL, 1));
	EXPECT_EQ(ACL_ERROR_RT_WAIT_TIMEOUT, aclrtWaitAndResetNotify(n[1], NULL, 1));
	/* the third was not in the batch: still set */
	EXPECT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(n[2], NULL, 1));
	/* NULL 100000, num 0 (as 32 bits) 107000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtNotifyBatchReset(NULL, 1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtNotifyBatchReset(n, 0));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtNotifyBatchReset(n, (size_t)1 << 32));
	/* the first bad one ends it: those before are reset, those after not */
	{
		aclrtNotify mixed[3] = { n[0], dead, n[2] };

		ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n[0], NULL));
		ASSERT_EQ(ACL_SUCCESS, aclrtRecordNotify(n[2], NULL));
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtNotifyBatchReset(mixed, 3));
		EXPECT_EQ(ACL_ERROR_RT_WAIT_TIMEOUT,
			  aclrtWaitAndResetNotify(n[0], NULL, 1));
		EXPECT_EQ(ACL_SUCCESS, aclrtWaitAndResetNotify(n[2], NULL, 1));
		mixed[1] = NULL;	/* ApiErrorDecorator::NotifyReset: 107000 */
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtNotifyBatchReset(mixed, 3));
	}
	/* ApiImpl::NotifyReset: a current context */
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtNotifyBatchReset(n, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyNotify(n[i]));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_HARNESS_MAIN
