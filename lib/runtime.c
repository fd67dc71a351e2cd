// SPDX-License-Identifier: MIT
/*
 * Process state: aclInit/aclFinalize, devices and contexts.
 *
 * A device is a NUMA node's share of host memory. Each device has a
 * default context, created by the first aclrtSetDevice and destroyed with
 * the last aclrtResetDevice; aclrtCreateContext makes more. Threads name
 * their current context by id, so a context destroyed elsewhere is seen as
 * gone (107002) rather than dereferenced. None of this is on the allocation
 * or mapping paths, so one lock serves it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define MAX_DEVICES	64
#define MAX_NODES	1024

struct acl_context {
	struct acl_context *next;
	uint64_t id;
	int32_t device;
	bool primary;
};

static struct {
	pthread_mutex_t lock;
	bool initialized;
	struct acl_context *contexts;
	uint64_t next_ctx_id;
	uint32_t set_count[MAX_DEVICES];
	struct acl_context *primary[MAX_DEVICES];
} rt = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_ctx_id = 1,
};

static __thread uint64_t current_ctx_id;

/* Topology, read once. */
static pthread_once_t topo_once = PTHREAD_ONCE_INIT;
static int nr_nodes;
static int nodes[MAX_NODES];
static int nr_devices;

/* Parse a sysfs cpulist-style node list such as "0-3,5". */
static void parse_node_list(const char *s)
{
	long a, b;
	char *end;

	while (*s && nr_nodes < MAX_NODES) {
		a = strtol(s, &end, 10);
		if (end == s)
			break;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && nr_nodes < MAX_NODES; a++)
			nodes[nr_nodes++] = (int)a;
		s = *end == ',' ? end + 1 : end;
		if (*s == '\n')
			break;
	}
}

static void topo_read(void)
{
	char buf[4096];
	const char *env;
	FILE *f;
	long n;

	f = fopen("/sys/devices/system/node/online", "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			parse_node_list(buf);
		fclose(f);
	}
	if (!nr_nodes)
		nodes[nr_nodes++] = 0;

	nr_devices = nr_nodes < MAX_DEVICES ? nr_nodes : MAX_DEVICES;
	env = getenv("ACLMEM_DEVICE_COUNT");
	if (env) {
		n = strtol(env, NULL, 10);
		if (n >= 1 && n <= MAX_DEVICES)
			nr_devices = (int)n;
	}
}

int acl_device_count(void)
{
	pthread_once(&topo_once, topo_read);
	return nr_devices;
}

int acl_device_node(int32_t device)
{
	pthread_once(&topo_once, topo_read);
	return nodes[device % nr_nodes];
}

bool acl_node_online(uint32_t node)
{
	int i;

	pthread_once(&topo_once, topo_read);
	for (i = 0; i < nr_nodes; i++)
		if ((uint32_t)nodes[i] == node)
			return true;
	return false;
}

/*
 * The driver's answer for a device id (drvDeviceGetPhyIdByIndex): a
 * device from the count on, or below 0, does not exist (107001).
 */
aclError acl_device_check(int64_t device)
{
	if (device < 0 || device >= acl_device_count())
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %lld does not exist (%d devices)",
				(long long)device, acl_device_count());
	return ACL_SUCCESS;
}

ACL_API aclError aclInit(const char *configPath)
{
	aclError ret = ACL_SUCCESS;

	if (configPath && *configPath && access(configPath, R_OK))
		return acl_fail(ACL_ERROR_INVALID_FILE, "cannot read %s: %s",
				configPath, strerror(errno));
	pthread_mutex_lock(&rt.lock);
	if (rt.initialized)
		ret = acl_fail(ACL_ERROR_REPEAT_INITIALIZE,
			       "aclInit was called before");
	rt.initialized = true;
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

ACL_API aclError aclFinalize(void)
{
	aclError ret = ACL_SUCCESS;

	pthread_mutex_lock(&rt.lock);
	if (!rt.initialized)
		ret = acl_fail(ACL_ERROR_REPEAT_FINALIZE,
			       "aclFinalize without aclInit");
	rt.initialized = false;
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

/* Under rt.lock. */
static struct acl_context *context_by_id(uint64_t id)
{
	struct acl_context *ctx;

	for (ctx = rt.contexts; ctx; ctx = ctx->next)
		if (ctx->id == id)
			return ctx;
	return NULL;
}

/* Under rt.lock. */
static struct acl_context *context_by_ptr(const void *p)
{
	struct acl_context *ctx;

	for (ctx = rt.contexts; ctx; ctx = ctx->next)
		if (ctx == p)
			return ctx;
	return NULL;
}

/* Under rt.lock. */
static struct acl_context *context_new(int32_t device, bool primary)
{
	struct acl_context *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->id = rt.next_ctx_id++;
	ctx->device = device;
	ctx->primary = primary;
	ctx->next = rt.contexts;
	rt.contexts = ctx;
	return ctx;
}

/* Under rt.lock. */
static void context_destroy(struct acl_context *ctx)
{
	struct acl_context **pp;

	for (pp = &rt.contexts; *pp; pp = &(*pp)->next) {
		if (*pp == ctx) {
			*pp = ctx->next;
			break;
		}
	}
	acl_streams_drop_context(ctx->id);
	acl_events_drop_context(ctx->id);
	free(ctx);
}

/* The device of the calling thread's current context. */
aclError acl_current_device(int32_t *device)
{
	struct acl_context *ctx;
	aclError ret = ACL_SUCCESS;

	pthread_mutex_lock(&rt.lock);
	ctx = context_by_id(current_ctx_id);
	if (ctx)
		*device = ctx->device;
	else
		ret = acl_fail(ACL_ERROR_RT_CONTEXT_NULL,
			       "no current context: call aclrtSetDevice");
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

/* The id of the calling thread's current context, or 0 with 107002. */
uint64_t acl_current_context(aclError *ret)
{
	int32_t device;

	return acl_current_context_device(&device, ret);
}

/* The same, and the context's device. */
uint64_t acl_current_context_device(int32_t *device, aclError *ret)
{
	*ret = acl_current_device(device);
	return *ret ? 0 : current_ctx_id;
}

/* Whether the device's default context exists (aclrtSetDevice). */
bool acl_device_has_primary(int32_t device)
{
	bool ret;

	if (device < 0 || device >= MAX_DEVICES)
		return false;
	pthread_mutex_lock(&rt.lock);
	ret = rt.primary[device] != NULL;
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

ACL_API aclError aclrtSetDevice(int32_t deviceId)
{
	struct acl_context *ctx;
	aclError ret;

	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	pthread_mutex_lock(&rt.lock);
	ctx = rt.primary[deviceId];
	if (!ctx) {
		ctx = context_new(deviceId, true);
		rt.primary[deviceId] = ctx;
	}
	if (ctx) {
		rt.set_count[deviceId]++;
		current_ctx_id = ctx->id;
	}
	pthread_mutex_unlock(&rt.lock);
	if (!ctx)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	return ACL_SUCCESS;
}

static aclError reset_device(int32_t deviceId, bool force)
{
	aclError ret;

	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	pthread_mutex_lock(&rt.lock);
	if (!rt.set_count[deviceId]) {
		ret = acl_fail(ACL_ERROR_RT_CONTEXT_NULL,
			       "device %d is not set", deviceId);
	} else {
		rt.set_count[deviceId] = force ? 0 : rt.set_count[deviceId] - 1;
		if (!rt.set_count[deviceId]) {
			context_destroy(rt.primary[deviceId]);
			rt.primary[deviceId] = NULL;
		}
	}
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

ACL_API aclError aclrtResetDevice(int32_t deviceId)
{
	return reset_device(deviceId, false);
}

ACL_API aclError aclrtResetDeviceForce(int32_t deviceId)
{
	return reset_device(deviceId, true);
}

ACL_API aclError aclrtGetDevice(int32_t *deviceId)
{
	if (!deviceId)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "deviceId is NULL");
	return acl_current_device(deviceId);
}

ACL_API aclError aclrtGetDeviceCount(uint32_t *count)
{
	if (!count)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "count is NULL");
	*count = acl_device_count();
	return ACL_SUCCESS;
}

ACL_API aclError aclrtCreateContext(aclrtContext *context, int32_t deviceId)
{
	struct acl_context *ctx;
	aclError ret;

	if (!context)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "context is NULL");
	ret = acl_device_check(deviceId);
	if (ret)
		return ret;
	pthread_mutex_lock(&rt.lock);
	ctx = context_new(deviceId, false);
	if (ctx)
		current_ctx_id = ctx->id;
	pthread_mutex_unlock(&rt.lock);
	if (!ctx)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	*context = ctx;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtDestroyContext(aclrtContext context)
{
	struct acl_context *ctx;
	aclError ret = ACL_SUCCESS;

	if (!context)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "context is NULL");
	pthread_mutex_lock(&rt.lock);
	ctx = context_by_ptr(context);
	if (!ctx || ctx->primary)
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID, ctx ?
			       "a default context goes with aclrtResetDevice" :
			       "%p is not a context", context);
	else
		context_destroy(ctx);
	pthread_mutex_unlock(&rt.lock);
	return ret;
}

ACL_API aclError aclrtSetCurrentContext(aclrtContext context)
{
	struct acl_context *ctx;

	if (!context)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "context is NULL");
	pthread_mutex_lock(&rt.lock);
	ctx = context_by_ptr(context);
	if (ctx)
		current_ctx_id = ctx->id;
	pthread_mutex_unlock(&rt.lock);
	if (!ctx)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not a context", context);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtGetCurrentContext(aclrtContext *context)
{
	struct acl_context *ctx;

	if (!context)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "context is NULL");
	pthread_mutex_lock(&rt.lock);
	ctx = context_by_id(current_ctx_id);
	pthread_mutex_unlock(&rt.lock);
	/* NULL too: vllm-ascend tests the pointer, not the code. */
	*context = ctx;
	if (!ctx)
		return acl_fail(ACL_ERROR_RT_CONTEXT_NULL,
				"no current context");
	return ACL_SUCCESS;
}

ACL_API aclError aclrtSynchronizeDevice(void)
{
	return acl_context_sync(-1);
}

/*
 * device.cpp aclrtSynchronizeDeviceWithTimeoutImpl refuses a timeout
 * below -1, ApiErrorDecorator::DeviceSynchronize 0 as well (both 107000);
 * then the current context (107002), whose streams' callbacks are waited
 * for: 507046 when the time runs out.
 */
ACL_API aclError aclrtSynchronizeDeviceWithTimeout(int32_t timeout)
{
	if (timeout < -1 || !timeout)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"timeout %d: -1 or more than 0", timeout);
	return acl_context_sync(timeout);
}

ACL_API aclError aclrtDeviceGetBareTgid(int32_t *pid)
{
	struct aclmem_info info = { 0 };
	int err;

	if (!pid)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "pid is NULL");
	/* Only the kernel knows our pid in the initial pid namespace. */
	err = aclmem_ioctl(ACLMEM_IOC_INFO, &info);
	if (err)
		return acl_fail_errno(-err, "asking /dev/aclmem for the tgid");
	*pid = (int32_t)info.out_tgid;
	return ACL_SUCCESS;
}
