// SPDX-License-Identifier: MIT
/*
 * Description: IPC events (aclrtIpcGetEventHandle, aclrtIpcOpenEventHandle).
 * Where CANN defines a code the comment names the hicann/runtime file and
 * function; "aclmem" marks the library's own behaviour.
 *
 * The other process is a real one: this binary exec'd as an agent, driven
 * by lines on a pipe ("open <hex>", "record", "sync <ms>", "query", ...;
 * it answers "<code> [<value>]"). An event of aclrtCreateEventExWithFlag
 * (ACL_EVENT_IPC) exports a handle; the agent opens it, and a record in
 * either process is seen by the other: while the recording stream is held
 * by an unmet value wait, the record is pending in both (query not ready,
 * a synchronisation with a timeout 507047), and done in both once the
 * value is written. Every argument check with CANN's code, in CANN's
 * order; an event without the IPC flag is refused (107000); forged,
 * altered, destroyed-event handles are refused (107017, aclmem); what
 * ApiErrorDecorator refuses an IPC event (reset, aclrtQueryEvent, wait
 * status, elapsed time, timestamp) is 207000 in both processes; either
 * side may destroy its event first.
 */
#include "acl_test_utils.h"
#include "common/agent.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define EV_AGENT_ARG	"--ipc-event-agent"
#define HEX_LEN		(2 * ACL_IPC_EVENT_HANDLE_SIZE)

static void to_hex(const aclrtIpcEventHandle *h, char *out)
{
	const unsigned char *p = (const unsigned char *)h->reserved;
	size_t i;

	for (i = 0; i < ACL_IPC_EVENT_HANDLE_SIZE; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[HEX_LEN] = '\0';
}

static bool from_hex(const char *s, aclrtIpcEventHandle *h)
{
	unsigned int v;
	size_t i;

	for (i = 0; i < ACL_IPC_EVENT_HANDLE_SIZE; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		h->reserved[i] = (char)v;
	}
	return true;
}

/* ---- the agent ---------------------------------------------------------- */

static int ev_agent_main(int argc, char **argv)
{
	char line[512], hex[HEX_LEN + 1];
	aclrtEvent ev = NULL;
	aclrtIpcEventHandle h;
	long rc, val;
	int arg;

	(void)argc;
	(void)argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		val = 0;
		hex[0] = '\0';
		if (!strncmp(line, "setdev", 6)) {
			rc = aclrtSetDevice(0);
		} else if (!strncmp(line, "open ", 5)) {
			rc = from_hex(line + 5, &h) ?
			     aclrtIpcOpenEventHandle(h, &ev) : -1;
		} else if (!strncmp(line, "create", 6)) {
			rc = aclrtCreateEventExWithFlag(&ev, ACL_EVENT_IPC);
		} else if (!strncmp(line, "get", 3)) {
			memset(&h, 0, sizeof(h));
			rc = aclrtIpcGetEventHandle(ev, &h);
			to_hex(&h, hex);
		} else if (!strncmp(line, "record", 6)) {
			rc = aclrtRecordEvent(ev, NULL);
		} else if (sscanf(line, "sync %d", &arg) == 1) {
			rc = arg ? aclrtSynchronizeEventWithTimeout(ev, arg) :
				   aclrtSynchronizeEvent(ev);
		} else if (!strncmp(line, "swait", 5)) {
			rc = aclrtStreamWaitEvent(NULL, ev);
		} else if (!strncmp(line, "query", 5)) {
			aclrtEventRecordedStatus st = 0x5a5a;

			rc = aclrtQueryEventStatus(ev, &st);
			val = st;
		} else if (!strncmp(line, "refused", 7)) {
			aclrtEventWaitStatus ws;
			aclrtEventStatus s;
			uint64_t ts;
			float ms;

			/* the first code that is not 207000, or 207000 */
			rc = aclrtResetEvent(ev, NULL);
			if (rc == ACL_ERROR_RT_FEATURE_NOT_SUPPORT)
				rc = aclrtQueryEvent(ev, &s);
			if (rc == ACL_ERROR_RT_FEATURE_NOT_SUPPORT)
				rc = aclrtQueryEventWaitStatus(ev, &ws);
			if (rc == ACL_ERROR_RT_FEATURE_NOT_SUPPORT)
				rc = aclrtEventGetTimestamp(ev, &ts);
			if (rc == ACL_ERROR_RT_FEATURE_NOT_SUPPORT)
				rc = aclrtEventElapsedTime(&ms, ev, ev);
		} else if (!strncmp(line, "destroy", 7)) {
			rc = aclrtDestroyEvent(ev);
		} else if (!strncmp(line, "reset", 5)) {
			rc = aclrtResetDevice(0);
		} else {
			rc = -2;
		}
		printf("%ld %ld %s\n", rc, val, hex);
	}
	return 0;
}

struct agent {
	pid_t pid;
	FILE *to, *from;
};

static void agent_start(struct __test_metadata *_metadata, struct agent *a)
{
	int in[2], out[2];

	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	a->pid = fork();
	ASSERT_LE(0, a->pid);
	if (!a->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl("/proc/self/exe", "ipc_event_agent", EV_AGENT_ARG,
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	a->to = fdopen(in[1], "w");
	a->from = fdopen(out[0], "r");
	ASSERT_NE(NULL, a->to);
	ASSERT_NE(NULL, a->from);
	setvbuf(a->to, NULL, _IOLBF, 0);
}

/* Sends @cmd; returns the agent's code, its value in @val, handle in @h. */
static long agent_do(struct agent *a, const char *cmd, long *val,
		     aclrtIpcEventHandle *h)
{
	char line[512], hex[HEX_LEN + 1] = "";
	long rc = -100, v = 0;

	fprintf(a->to, "%s\n", cmd);
	fflush(a->to);
	if (!fgets(line, sizeof(line), a->from))
		return -101;
	if (sscanf(line, "%ld %ld %128s", &rc, &v, hex) < 2)
		return -102;
	if (val)
		*val = v;
	if (h && !from_hex(hex, h))
		return -103;
	return rc;
}

static long agent_open(struct agent *a, const aclrtIpcEventHandle *h)
{
	char cmd[8 + HEX_LEN];

	strcpy(cmd, "open ");
	to_hex(h, cmd + 5);
	return agent_do(a, cmd, NULL, NULL);
}

static void agent_stop(struct __test_metadata *_metadata, struct agent *a)
{
	int status;

	fclose(a->to);
	fclose(a->from);
	ASSERT_EQ(a->pid, waitpid(a->pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* ---- helpers ------------------------------------------------------------ */

static aclrtEvent ipc_event(struct __test_metadata *_metadata,
			    aclrtIpcEventHandle *h)
{
	aclrtEvent e = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&e, ACL_EVENT_IPC));
	ASSERT_NE(NULL, e);
	if (h) {
		memset(h, 0, sizeof(*h));
		ASSERT_EQ(ACL_SUCCESS, aclrtIpcGetEventHandle(e, h));
	}
	return e;
}

static aclrtEventRecordedStatus status_of(aclrtEvent e)
{
	aclrtEventRecordedStatus st = (aclrtEventRecordedStatus)0x5a5a;

	if (aclrtQueryEventStatus(e, &st))
		return (aclrtEventRecordedStatus)0x6b6b;
	return st;
}

/* ---- argument checks ---------------------------------------------------- */

TEST(get_handle_checks)
{
	aclrtIpcEventHandle h, zero;
	aclrtEvent e, plain, dead;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, NULL);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&plain, ACL_EVENT_SYNC));
	dead = ipc_event(_metadata, NULL);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(dead));
	memset(&h, 0, sizeof(h));
	memset(&zero, 0, sizeof(zero));

	/* hicann/runtime event.cpp aclrtIpcGetEventHandleImpl: handle NULL, then event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcGetEventHandle(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcGetEventHandle(e, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcGetEventHandle(dead, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcGetEventHandle(NULL, &h));
	/* hicann/runtime api_c_standard_soc.cc rtIpcGetEventHandle: the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtIpcGetEventHandle(dead, &h));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtIpcGetEventHandle((aclrtEvent)(uintptr_t)0xdead000, &h));
	/* hicann/runtime api_impl_event.cc ApiImplEvent::IpcGetEventHandle: not ACL_EVENT_IPC */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcGetEventHandle(plain, &h));
	EXPECT_EQ(0, memcmp(&h, &zero, sizeof(h)));

	EXPECT_EQ(ACL_SUCCESS, aclrtIpcGetEventHandle(e, &h));
	EXPECT_NE(0, memcmp(&h, &zero, sizeof(h)));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(plain));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(event_without_ipc_flag)
{
	static const uint32_t flags[] = {
		ACL_EVENT_SYNC, ACL_EVENT_TIME_LINE, 0x4,
		ACL_EVENT_CAPTURE_STREAM_PROGRESS,
	};
	aclrtIpcEventHandle h;
	aclrtEvent e;
	size_t i;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	/* hicann/runtime api_impl_event.cc ApiImplEvent::IpcGetEventHandle: evt.eventFlag_ != RT_EVENT_IPC */
	for (i = 0; i < ACL_ARRAY_SIZE(flags); i++) {
		ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventExWithFlag(&e, flags[i]));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcGetEventHandle(e, &h)) {
			TH_LOG("Ex flag 0x%x", flags[i]);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
		ASSERT_EQ(ACL_SUCCESS, aclrtCreateEventWithFlag(&e, flags[i]));
		EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcGetEventHandle(e, &h)) {
			TH_LOG("flag 0x%x", flags[i]);
		}
		ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	}
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEvent(&e));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtIpcGetEventHandle(e, &h));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventCreateEx: IPC stands alone; EventCreate has no IPC */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtCreateEventExWithFlag(&e, ACL_EVENT_IPC | ACL_EVENT_SYNC));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclrtCreateEventWithFlag(&e, ACL_EVENT_IPC));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST(open_handle_checks)
{
	aclrtIpcEventHandle h, bad;
	aclrtEvent e, o = (aclrtEvent)(uintptr_t)0x5a5a;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, &h);
	/* hicann/runtime event.cpp aclrtIpcOpenEventHandleImpl: event NULL */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcOpenEventHandle(h, NULL));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));

	/* hicann/runtime api_impl_event.cc ApiImplEvent::IpcOpenEventHandle: a current context (the event is gone with it) */
	EXPECT_EQ(ACL_ERROR_RT_CONTEXT_NULL, aclrtIpcOpenEventHandle(h, &o));
	EXPECT_EQ((aclrtEvent)(uintptr_t)0x5a5a, o);
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtIpcOpenEventHandle(h, NULL));
	(void)e;

	/* aclmem: a forged handle is an unknown shareable handle (107017) */
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, &h);
	memset(&bad, 0, sizeof(bad));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtIpcOpenEventHandle(bad, &o));
	memset(&bad, 0xff, sizeof(bad));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtIpcOpenEventHandle(bad, &o));
	for (size_t i = 0; i < sizeof(h.reserved); i++) {
		bad = h;
		bad.reserved[i] ^= 0x10;
		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
			  aclrtIpcOpenEventHandle(bad, &o)) {
			TH_LOG("byte %zu altered", i);
		}
	}
	EXPECT_EQ((aclrtEvent)(uintptr_t)0x5a5a, o);
	/* the handle opens in its own process too */
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcOpenEventHandle(h, &o));
	EXPECT_NE(e, o);
	EXPECT_EQ(ACL_SUCCESS, aclrtDestroyEvent(o));
	/* aclmem: the handle of a destroyed event does not open */
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	o = (aclrtEvent)(uintptr_t)0x5a5a;
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtIpcOpenEventHandle(h, &o));
	EXPECT_EQ((aclrtEvent)(uintptr_t)0x5a5a, o);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* What ApiErrorDecorator refuses an IPC event, and what it serves. */
TEST(what_an_ipc_event_does)
{
	aclrtEventWaitStatus ws;
	aclrtEventStatus s;
	aclrtEvent e, t;
	uint64_t ts;
	float ms;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, NULL);
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateEvent(&t));
	/* hicann/runtime ipc_event.cc IpcEvent::IpcEventQuery, IpcEventSync: nothing recorded, complete */
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, e));
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, 100));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEventWithTimeout(e, -1));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventSynchronize: timeout 0 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtSynchronizeEventWithTimeout(e, 0));
	EXPECT_EQ(ACL_SUCCESS, aclrtStreamWaitEvent(NULL, e));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventReset: IPC events */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtResetEvent(e, NULL));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventQuery, EventQueryWaitStatus: new mode (IPC too) */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtQueryEvent(e, &s));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtQueryEventWaitStatus(e, &ws));
	/* hicann/runtime api_error.cc ApiErrorDecorator::EventElapsedTime, EventGetTimeStamp: IPC events */
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(t, NULL));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtEventGetTimestamp(e, &ts));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtEventElapsedTime(&ms, e, t));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtEventElapsedTime(&ms, t, e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(t));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	/* gone: the handle check */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtSynchronizeEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* ---- across processes --------------------------------------------------- */

TEST(record_in_one_sync_in_the_other)
{
	aclrtIpcEventHandle h, back;
	struct agent a;
	aclrtEvent e;
	long val;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, &h);
	agent_start(_metadata, &a);
	ASSERT_EQ(0, agent_do(&a, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_open(&a, &h));
	/* an opened event gives the handle back */
	ASSERT_EQ(0, agent_do(&a, "get", NULL, &back));
	EXPECT_EQ(0, memcmp(&h, &back, sizeof(h)));
	/* hicann/runtime ipc_event.cc IpcEvent::IpcEventQuery: nothing recorded yet, complete */
	EXPECT_EQ(0, agent_do(&a, "query", &val, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, val);
	EXPECT_EQ(0, agent_do(&a, "sync 0", NULL, NULL));

	/* a record in the exporter, seen by the importer */
	ASSERT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(0, agent_do(&a, "query", &val, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, val);
	EXPECT_EQ(0, agent_do(&a, "sync 0", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "sync 50", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "swait", NULL, NULL));
	/* and one in the importer, seen by the exporter */
	EXPECT_EQ(0, agent_do(&a, "record", NULL, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(e));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	/* ApiErrorDecorator's refusals hold for an opened event too */
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  agent_do(&a, "refused", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "destroy", NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  agent_do(&a, "destroy", NULL, NULL));
	agent_stop(_metadata, &a);
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

struct rec_arg {
	aclrtContext ctx;
	aclrtEvent e;
	aclrtStream s;
	aclError rc;
};

static void *record_thread(void *p)
{
	struct rec_arg *ra = p;

	ra->rc = aclrtSetCurrentContext(ra->ctx);
	if (!ra->rc)
		ra->rc = aclrtRecordEvent(ra->e, ra->s);
	return NULL;
}

static int64_t now_ms(void)
{
	return (int64_t)(acl_now() * 1000);
}

TEST(pending_record_seen_by_the_other)
{
	struct rec_arg ra;
	aclrtIpcEventHandle h;
	aclrtStream stream;
	struct agent a;
	uint64_t *flag;
	pthread_t thr;
	int64_t t0;
	long val;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ra.e = ipc_event(_metadata, &h);
	agent_start(_metadata, &a);
	ASSERT_EQ(0, agent_do(&a, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_open(&a, &h));

	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(&stream));
	ASSERT_EQ(ACL_SUCCESS, aclrtMalloc((void **)&flag, SZ_2M,
					   ACL_MEM_MALLOC_HUGE_FIRST));
	__atomic_store_n(flag, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(flag, 1,
					      ACL_STREAM_WAIT_VALUE_GEQ, stream));
	ra.s = stream;
	ra.rc = -1;
	ASSERT_EQ(ACL_SUCCESS, aclrtGetCurrentContext(&ra.ctx));
	ASSERT_EQ(0, pthread_create(&thr, NULL, record_thread, &ra));
	/* the record is issued: pending, in this process and in the agent */
	t0 = now_ms();
	while (status_of(ra.e) != ACL_EVENT_RECORDED_STATUS_NOT_READY &&
	       now_ms() - t0 < 5000)
		usleep(1000);
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_NOT_READY, status_of(ra.e));
	EXPECT_EQ(0, agent_do(&a, "query", &val, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_NOT_READY, val);
	/* hicann/runtime ipc_event.cc IpcEvent::IpcEventSync: the timeout */
	t0 = now_ms();
	EXPECT_EQ(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT,
		  agent_do(&a, "sync 100", NULL, NULL));
	EXPECT_LE(90, now_ms() - t0);
	EXPECT_EQ(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT,
		  aclrtSynchronizeEventWithTimeout(ra.e, 20));

	/* the value is met: the record is done, for both */
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(thr, NULL));
	EXPECT_EQ(ACL_SUCCESS, ra.rc);
	EXPECT_EQ(0, agent_do(&a, "sync 0", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "query", &val, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, val);
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(ra.e));

	/* again, with the agent blocked in a synchronisation with no limit */
	__atomic_store_n(flag, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(ACL_SUCCESS, aclrtValueWait(flag, 2,
					      ACL_STREAM_WAIT_VALUE_GEQ, stream));
	ASSERT_EQ(0, pthread_create(&thr, NULL, record_thread, &ra));
	t0 = now_ms();
	while (status_of(ra.e) != ACL_EVENT_RECORDED_STATUS_NOT_READY &&
	       now_ms() - t0 < 5000)
		usleep(1000);
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_NOT_READY, status_of(ra.e));
	fprintf(a.to, "sync 0\n");
	fflush(a.to);
	usleep(200 * 1000);
	__atomic_store_n(flag, 2, __ATOMIC_RELEASE);
	{
		char line[512] = "";

		ASSERT_NE(NULL, fgets(line, sizeof(line), a.from));
		EXPECT_EQ(0, atoi(line)) {
			TH_LOG("agent: %s", line);
		}
	}
	ASSERT_EQ(0, pthread_join(thr, NULL));
	EXPECT_EQ(ACL_SUCCESS, ra.rc);

	agent_stop(_metadata, &a);
	EXPECT_EQ(ACL_SUCCESS, aclrtDestroyStream(stream));
	EXPECT_EQ(ACL_SUCCESS, aclrtFree(flag));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(ra.e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* The exporter's event destroyed first: the opened one works on. */
TEST(exporter_destroys_first)
{
	aclrtIpcEventHandle h;
	struct agent a, b;
	aclrtEvent e;
	long val;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, &h);
	agent_start(_metadata, &a);
	agent_start(_metadata, &b);
	ASSERT_EQ(0, agent_do(&a, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_do(&b, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_open(&a, &h));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	/* aclmem: no new opens of a destroyed event's handle */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, agent_open(&b, &h));
	EXPECT_EQ(0, agent_do(&a, "record", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "sync 0", NULL, NULL));
	EXPECT_EQ(0, agent_do(&a, "query", &val, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, val);
	EXPECT_EQ(0, agent_do(&a, "destroy", NULL, NULL));
	agent_stop(_metadata, &a);
	agent_stop(_metadata, &b);
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* The importer's destroyed first, or it exits: the exporter's works on. */
TEST(importer_destroys_first)
{
	aclrtIpcEventHandle h;
	struct agent a;
	aclrtEvent e;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	e = ipc_event(_metadata, &h);
	agent_start(_metadata, &a);
	ASSERT_EQ(0, agent_do(&a, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_open(&a, &h));
	EXPECT_EQ(0, agent_do(&a, "destroy", NULL, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(e));
	/* the handle opens again, then the agent exits holding it */
	ASSERT_EQ(0, agent_open(&a, &h));
	agent_stop(_metadata, &a);
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(e, NULL));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(e));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

/* An event of the agent's, opened here; its process gone, the handle is too. */
TEST(agent_exports)
{
	aclrtIpcEventHandle h;
	struct agent a;
	aclrtEvent o;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	agent_start(_metadata, &a);
	ASSERT_EQ(0, agent_do(&a, "setdev", NULL, NULL));
	ASSERT_EQ(0, agent_do(&a, "create", NULL, NULL));
	ASSERT_EQ(0, agent_do(&a, "get", NULL, &h));
	ASSERT_EQ(ACL_SUCCESS, aclrtIpcOpenEventHandle(h, &o));
	EXPECT_EQ(0, agent_do(&a, "record", NULL, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(o));
	EXPECT_EQ(ACL_EVENT_RECORDED_STATUS_COMPLETE, status_of(o));
	agent_stop(_metadata, &a);
	/* aclmem: the exporter is gone, its handle with it */
	{
		aclrtEvent x = (aclrtEvent)(uintptr_t)0x5a5a;

		EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
			  aclrtIpcOpenEventHandle(h, &x));
		EXPECT_EQ((aclrtEvent)(uintptr_t)0x5a5a, x);
	}
	EXPECT_EQ(ACL_SUCCESS, aclrtRecordEvent(o, NULL));
	EXPECT_EQ(ACL_SUCCESS, aclrtSynchronizeEvent(o));
	ASSERT_EQ(ACL_SUCCESS, aclrtDestroyEvent(o));
	ASSERT_EQ(ACL_SUCCESS, aclrtResetDevice(0));
}

TEST_AGENT_MAIN(EV_AGENT_ARG, ev_agent_main, NULL)
