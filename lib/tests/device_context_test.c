// SPDX-License-Identifier: MIT
/*
 * Description: aclInit/aclFinalize, devices and contexts. Where CANN
 * defines a code the comment names the hicann/runtime function; "aclmem"
 * marks the library's own behaviour where CANN's has no counterpart here.
 *
 * aclInit twice is 100002, aclFinalize without aclInit is 100037, a
 * config file that cannot be read is 100003. aclrtGetDeviceCount is the
 * number of online NUMA nodes, or ACLMEM_DEVICE_COUNT. A device id outside
 * [0, count) is 107001 everywhere. aclrtSetDevice counts uses,
 * aclrtResetDevice drops one (107002 when there is none) and the last one
 * ends the default context; aclrtResetDeviceForce drops them all;
 * aclrtGetDevice is 107002 without a current context and 100000 with a
 * NULL output. Contexts: create/set/get/destroy, NULL outputs 100000, a
 * destroyed or made-up context is 107000. The current context is per
 * thread: a new thread has none (107002 from GetDevice, GetCurrentContext,
 * CreateStream, SynchronizeDevice, GetMemInfo) until it sets one.
 * aclrtDeviceGetBareTgid is getpid() in the initial pid namespace.
 * aclGetRecentErrMsg is per thread: NULL before any error, text after
 * one. aclrtGetMemInfo: NULL outputs 100000, an attribute outside 0..17
 * 107016 (even without a context), otherwise 107002 without a context.
 */
#include "acl_test_utils.h"

/* ---- aclInit / aclFinalize ------------------------------------------- */

TEST(init_finalize)
{
	/* hicann/runtime acl.cpp aclInitImpl: twice */
	ASSERT_EQ(ACL_SUCCESS, aclInit(NULL));
	EXPECT_EQ(ACL_ERROR_REPEAT_INITIALIZE, aclInit(NULL));
	/* hicann/runtime acl.cpp aclFinalizeImpl: twice */
	ASSERT_EQ(ACL_SUCCESS, aclFinalize());
	EXPECT_EQ(ACL_ERROR_REPEAT_FINALIZE, aclFinalize());
	/* and again */
	ASSERT_EQ(ACL_SUCCESS, aclInit(NULL));
	ASSERT_EQ(ACL_SUCCESS, aclFinalize());
	EXPECT_EQ(ACL_ERROR_REPEAT_FINALIZE, aclFinalize());
}

TEST(finalize_without_init)
{
	/* hicann/runtime acl.cpp aclFinalizeImpl: not initialised */
	EXPECT_EQ(ACL_ERROR_REPEAT_FINALIZE, aclFinalize());
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST(init_config_file)
{
	char path[] = "/tmp/acl_test_cfg_XXXXXX";
	int fd;

	/* hicann/runtime acl.cpp aclInitImpl: the config file cannot be read */
	EXPECT_EQ(ACL_ERROR_INVALID_FILE,
		  aclInit("/nonexistent/acl_test/acl.json"));

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(3, write(fd, "{}\n", 3));
	close(fd);
	ASSERT_EQ(ACL_SUCCESS, aclInit(path));
	EXPECT_EQ(ACL_ERROR_REPEAT_INITIALIZE, aclInit(path));
	ASSERT_EQ(ACL_SUCCESS, aclFinalize());
	unlink(path);
}

/* ---- device count ----------------------------------------------------- */

TEST(device_count_is_node_count)
{
	uint32_t count = 0;

	if (getenv("ACLMEM_DEVICE_COUNT"))
		SKIP(return, "ACLMEM_DEVICE_COUNT is set");
	/* aclmem: a device per online NUMA node */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	EXPECT_EQ(acl_online_nodes(), count);
	/* hicann/runtime device.cpp aclrtGetDeviceCountImpl: count NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetDeviceCount(NULL));
}

TEST(device_count_from_env_2)
{
	uint32_t count = 0;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	EXPECT_EQ(2U, count);
}

TEST(device_count_from_env_64)
{
	uint32_t count = 0;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "64", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	EXPECT_EQ(64U, count);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(63));
	/* hicann/runtime api_error.cc ApiErrorDecorator::SetDevice: id >= device count */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(64));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(63));
}

/* ---- set / get / reset ------------------------------------------------- */

TEST(get_device_without_one)
{
	aclrtContext ctx = NULL;
	int32_t dev = -5;

	/* hicann/runtime api_c_device.cc rtGetDevice: no context, no default device */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	EXPECT_EQ(-5, dev);
	/* aclmem: no current context (CANN: rtCtxGetCurrent) */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetCurrentContext(&ctx));
	/* hicann/runtime device.cpp aclrtGetDeviceImpl: deviceId NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetDevice(NULL));
}

TEST(set_and_get_device)
{
	aclrtContext ctx = NULL;
	int32_t dev = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ctx));
	EXPECT_NE(NULL, ctx);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(bad_device_id)
{
	aclrtContext ctx = NULL;
	uint32_t count = 0;
	int32_t dev;

	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	/* hicann/runtime api_error.cc ApiErrorDecorator::SetDevice: id < 0 or >= device count */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice((int32_t)count));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(-1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(64));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(INT32_MIN));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtResetDevice((int32_t)count));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtResetDevice(-1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtResetDeviceForce((int32_t)count));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtResetDeviceForce(-1));
	/* hicann/runtime api_error.cc ApiErrorDecorator::ContextCreate: id < 0 or >= device count */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclrtCreateContext(&ctx, (int32_t)count));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtCreateContext(&ctx, -1));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
	/* nothing became current */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
}

TEST(reset_device_counts_uses)
{
	int32_t dev = -1;

	/* aclmem: no use of the device to drop */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* one use left: still current */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	/* the last use ended the default context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtResetDevice(0));
	/* and it can start over */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(reset_device_force)
{
	int32_t dev = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDeviceForce(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtResetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(two_devices)
{
	aclrtContext c0 = NULL, c1 = NULL;
	int32_t dev = -1;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(1, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&c0));
	EXPECT_NE(c0, c1);
	/* back to device 1: its default context again */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(1, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtResetDevice(1));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(2));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- contexts ------------------------------------------------------------ */

TEST(contexts)
{
	aclrtContext c1 = NULL, c2 = NULL, cur = NULL;
	int32_t dev = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c1, 0));
	ASSERT_NE(NULL, c1);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(c1, cur);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c2, 0));
	EXPECT_NE(c1, c2);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(c2, cur);

	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(c1, cur);

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c2));
	/* aclmem: a context that does not exist */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetCurrentContext(c2));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDestroyContext(c2));
	/* the failed set left c1 current */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(c1, cur);

	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetCurrentContext(c1));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDestroyContext(c1));
}

TEST(context_errors)
{
	aclrtContext ctx = NULL;
	int local;

	/* hicann/runtime context.cpp aclrtCreateContextImpl: context NULL, before the id */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateContext(NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtCreateContext(NULL, -1));
	/* hicann/runtime context.cpp aclrtGetCurrentContextImpl: context NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtGetCurrentContext(NULL));
	/* hicann/runtime context.cpp aclrtSetCurrentContextImpl, aclrtDestroyContextImpl: NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtSetCurrentContext(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDestroyContext(NULL));
	/* aclmem: not a context */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSetCurrentContext(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtDestroyContext(&local));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtSetCurrentContext((aclrtContext)(uintptr_t)0xdead000));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetCurrentContext(&ctx));
}

TEST(context_on_second_device)
{
	aclrtContext c = NULL, d = NULL;
	int32_t dev = -1;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(1, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&d, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(c));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(1, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(d));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

/* A context made by SetDevice is not the same as a created one. */
TEST(default_context_vs_created)
{
	aclrtContext def = NULL, mine = NULL, cur = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&def));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&mine, 0));
	EXPECT_NE(def, mine);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetCurrentContext(def));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(def, cur);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(mine));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- per-thread state ----------------------------------------------------- */

struct thread_report {
	aclrtContext give;	/* context to make current, or NULL */
	bool set_device;	/* call aclrtSetDevice(0) instead */
	aclError get_device_before;
	aclError get_ctx_before;
	aclError create_stream_before;
	aclError sync_device_before;
	aclError mem_info_before;
	aclError sync_default_stream_before;
	const char *errmsg_before;
	aclError set;
	aclError get_device_after;
	int32_t device_after;
	aclError get_ctx_after;
	aclrtContext ctx_after;
	aclError create_stream_after;
	aclError destroy_stream_after;
	aclError reset_after;
	int32_t tgid;
	aclError tgid_rc;
};

static void *thread_main(void *arg)
{
	struct thread_report *r = arg;
	aclrtContext ctx = NULL;
	aclrtStream s = NULL;
	size_t fr, tot;
	int32_t dev;

	r->errmsg_before = aclGetRecentErrMsg();
	r->get_device_before = aclrtGetDevice(&dev);
	r->get_ctx_before = aclrtGetCurrentContext(&ctx);
	r->create_stream_before = aclrtCreateStream(&s);
	r->sync_device_before = aclrtSynchronizeDevice();
	r->mem_info_before = aclrtGetMemInfo(ACL_HBM_MEM, &fr, &tot);
	r->sync_default_stream_before = aclrtSynchronizeStream(NULL);

	if (r->set_device)
		r->set = aclrtSetDevice(0);
	else
		r->set = aclrtSetCurrentContext(r->give);
	r->get_device_after = aclrtGetDevice(&r->device_after);
	r->get_ctx_after = aclrtGetCurrentContext(&r->ctx_after);
	s = NULL;
	r->create_stream_after = aclrtCreateStream(&s);
	r->destroy_stream_after = aclrtDestroyStream(s);
	r->reset_after = r->set_device ? aclrtResetDevice(0) : ACL_SUCCESS;
	r->tgid_rc = aclrtDeviceGetBareTgid(&r->tgid);
	return NULL;
}

static void run_thread(struct __test_metadata *_metadata,
		       struct thread_report *r)
{
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, thread_main, r));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(NULL, r->errmsg_before);
	/*
	 * hicann/runtime: a thread without a context (api_c_device.cc
	 * rtGetDevice, api_impl.cc ApiImpl::StreamCreate,
	 * ApiImpl::MemGetInfoEx, stream.cpp aclrtSynchronizeStreamImpl with
	 * the default stream)
	 */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->get_device_before);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->get_ctx_before);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->create_stream_before);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->sync_device_before);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->mem_info_before);
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, r->sync_default_stream_before);
	EXPECT_EQ(ACL_SUCCESS, r->set);
	EXPECT_EQ(ACL_SUCCESS, r->get_device_after);
	EXPECT_EQ(ACL_SUCCESS, r->get_ctx_after);
	EXPECT_EQ(ACL_SUCCESS, r->create_stream_after);
	EXPECT_EQ(ACL_SUCCESS, r->destroy_stream_after);
	EXPECT_EQ(ACL_SUCCESS, r->reset_after);
	EXPECT_EQ(ACL_SUCCESS, r->tgid_rc);
}

TEST(current_context_is_per_thread)
{
	struct thread_report r;
	aclrtContext main_ctx = NULL, cur = NULL;
	int32_t dev = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&main_ctx));

	/* a thread that takes our context */
	memset(&r, 0, sizeof(r));
	r.give = main_ctx;
	run_thread(_metadata, &r);
	EXPECT_EQ(0, r.device_after);
	EXPECT_EQ(main_ctx, r.ctx_after);

	/* a thread that sets the device: the same default context */
	memset(&r, 0, sizeof(r));
	r.set_device = true;
	run_thread(_metadata, &r);
	EXPECT_EQ(0, r.device_after);
	EXPECT_EQ(main_ctx, r.ctx_after);

	/* ours did not change */
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&cur));
	EXPECT_EQ(main_ctx, cur);
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(0, dev);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(created_context_in_another_thread)
{
	struct thread_report r;
	aclrtContext c = NULL;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 1));
	memset(&r, 0, sizeof(r));
	r.give = c;
	run_thread(_metadata, &r);
	EXPECT_EQ(1, r.device_after);
	EXPECT_EQ(c, r.ctx_after);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

/* ---- the rest ----------------------------------------------------------- */

TEST(synchronize_device)
{
	/* aclmem: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeDevice());
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeDevice());
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtSynchronizeDevice());
}

/* Number of pid namespaces between us and the root one, from NSpid. */
static int pid_ns_depth(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int depth = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "NSpid:", 6))
			continue;
		depth = 0;
		for (p = line + 6; *p; p++)
			if (*p == '\t' || *p == ' ')
				if (p[1] >= '0' && p[1] <= '9')
					depth++;
		break;
	}
	fclose(f);
	return depth;
}

TEST(bare_tgid)
{
	struct thread_report r;
	aclrtContext c = NULL;
	int32_t pid = 0;

	/* hicann/runtime memory.cpp aclrtDeviceGetBareTgidImpl: pid NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtDeviceGetBareTgid(NULL));
	if (pid_ns_depth() > 1)
		SKIP(return, "in a nested pid namespace: the bare tgid is not getpid()");
	/* hicann/driver devdrv_manager_container.c devdrv_manager_container_get_bare_tgid: the global tgid */
	ASSERT_EQ(ACL_SUCCESS, aclrtDeviceGetBareTgid(&pid));
	EXPECT_EQ(getpid(), pid);

	/* the thread-group id, from any thread */
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateContext(&c, 0));
	memset(&r, 0, sizeof(r));
	r.give = c;
	run_thread(_metadata, &r);
	EXPECT_EQ(getpid(), r.tgid);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyContext(c));
}

struct errmsg_report {
	const char *before;
	char after[256];
	aclError rc;
};

static void *errmsg_thread(void *arg)
{
	struct errmsg_report *r = arg;
	const char *m;

	r->before = aclGetRecentErrMsg();
	r->rc = aclrtSetDevice(-7);
	m = aclGetRecentErrMsg();
	snprintf(r->after, sizeof(r->after), "%s", m ? m : "(null)");
	return NULL;
}

TEST(recent_err_msg)
{
	struct errmsg_report r;
	char mine[256];
	const char *m;
	pthread_t t;
	int32_t dev;

	EXPECT_EQ(NULL, aclGetRecentErrMsg());
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtGetDevice(&dev));
	m = aclGetRecentErrMsg();
	ASSERT_NE(NULL, m);
	EXPECT_LT(0U, strlen(m));
	snprintf(mine, sizeof(mine), "%s", m);

	/* another thread has its own (none yet, then its own error) */
	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, pthread_create(&t, NULL, errmsg_thread, &r));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(NULL, r.before);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, r.rc);
	EXPECT_STRNE("(null)", r.after);
	EXPECT_LT(0U, strlen(r.after));

	/* ours is untouched by the other thread's error */
	m = aclGetRecentErrMsg();
	ASSERT_NE(NULL, m);
	EXPECT_STREQ(mine, m);
}

TEST(get_mem_info)
{
	size_t fr = 0, tot = 0;
	int attr;

	/* hicann/runtime api_impl.cc ApiImpl::MemGetInfoEx: no current context */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL,
		  aclrtGetMemInfo(ACL_HBM_MEM, &fr, &tot));
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemGetInfoEx: the attribute first */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
		  aclrtGetMemInfo((aclrtMemAttr)18, &fr, &tot));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
		  aclrtGetMemInfo((aclrtMemAttr)-1, &fr, &tot));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetMemInfo(ACL_HBM_MEM, &fr, &tot));
	EXPECT_LT(0U, tot);
	EXPECT_LE(fr, tot);
	/* hicann/runtime api_error.cc ApiErrorDecorator::MemGetInfoEx: 0..17 (RT_MEMORYINFO_P2P_HUGE1G) */
	for (attr = 0; attr <= ACL_MEM_P2P_HUGE1G; attr++)
		EXPECT_EQ(ACL_SUCCESS,
			  aclrtGetMemInfo((aclrtMemAttr)attr, &fr, &tot)) {
			TH_LOG("attr %d", attr);
		}
	EXPECT_EQ(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
		  aclrtGetMemInfo((aclrtMemAttr)(ACL_MEM_P2P_HUGE1G + 1), &fr,
				  &tot));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
		  aclrtGetMemInfo((aclrtMemAttr)0x7fffffff, &fr, &tot));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
		  aclrtGetMemInfo((aclrtMemAttr)-1, &fr, &tot));
	/* hicann/runtime memory.cpp aclrtGetMemInfoImpl: free, total NULL, before the attribute */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtGetMemInfo(ACL_HBM_MEM, NULL, &tot));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtGetMemInfo(ACL_HBM_MEM, &fr, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtGetMemInfo((aclrtMemAttr)18, NULL, &tot));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(get_mem_info_second_device)
{
	size_t fr = 0, tot = 0;

	ASSERT_EQ(0, setenv("ACLMEM_DEVICE_COUNT", "2", 1));
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetMemInfo(ACL_HBM_MEM, &fr, &tot));
	EXPECT_LT(0U, tot);
	EXPECT_LE(fr, tot);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(1));
}

TEST_HARNESS_MAIN
