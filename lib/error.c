// SPDX-License-Identifier: MIT
/*
 * Error reporting: each failing call records a message for
 * aclGetRecentErrMsg() on the calling thread, and kernel errors become
 * aclError codes in one place.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread char acl_errmsg[256];
static __thread bool acl_errmsg_set;
/* The runtime's last error on this thread (InnerThreadLocalContainer). */
static __thread aclError acl_last_error;

/*
 * The runtime's codes (107xxx, 207xxx, 507xxx): what CANN's runtime
 * records as the thread's last error (GetRtExtErrCodeAndSetGlobalErr);
 * the acl layer's own checks (100000 and the like) never reach it.
 */
static bool runtime_code(aclError code)
{
	int group = code / 1000;

	return group == 107 || group == 207 || group == 507;
}

aclError acl_fail(aclError code, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(acl_errmsg, sizeof(acl_errmsg), "EE%d: ", code);
	va_start(ap, fmt);
	vsnprintf(acl_errmsg + n, sizeof(acl_errmsg) - n, fmt, ap);
	va_end(ap);
	acl_errmsg_set = true;
	if (runtime_code(code))
		acl_last_error = code;
	return code;
}

/* Map a kernel errno (positive) to the code CANN clients branch on. */
aclError acl_fail_errno(int err, const char *what)
{
	aclError code;

	switch (err) {
	case EINVAL:
	case EOVERFLOW:
		code = ACL_ERROR_RT_PARAM_INVALID;
		break;
	case ENOMEM:
	case ENOSPC:
		code = ACL_ERROR_RT_MEMORY_ALLOCATION;
		break;
	case ENOENT:
		code = ACL_ERROR_RT_INVALID_HANDLE;
		break;
	case EPERM:
	case EACCES:
		code = ACL_ERROR_RT_NO_PERMISSION;
		break;
	default:
		code = ACL_ERROR_RT_DRV_INTERNAL_ERROR;
		break;
	}
	return acl_fail(code, "%s: %s", what, strerror(err));
}

/*
 * The kernel's refusals of a shared token (ACLMEM_IOC_EXPORT, IMPORT,
 * SET_PIDS, UNEXPORT), as CANN's driver reports them: ENOENT is @why's
 * code, what else it refuses 507899, each with @why's reason; any other
 * errno as acl_fail_errno() has it.
 */
aclError acl_share_fail(int err, const char *what,
			const struct acl_share_errors *why)
{
	aclError code = ACL_ERROR_RT_DRV_INTERNAL_ERROR;
	const char *reason;

	switch (err) {
	case ENOENT:
		code = why->gone;
		reason = why->enoent;
		break;
	case EACCES:
		reason = why->eacces;
		break;
	case EEXIST:
		reason = why->eexist;
		break;
	case EPERM:
		reason = why->eperm;
		break;
	case EINVAL:
	case ENOSPC:
		reason = why->refused;
		break;
	default:
		return acl_fail_errno(err, what);
	}
	return acl_fail(code, "%s: %s", what, reason);
}

ACL_API const char *aclGetRecentErrMsg(void)
{
	return acl_errmsg_set ? acl_errmsg : NULL;
}

/*
 * context.cpp aclrtGetLastErrorImpl, aclrtPeekAtLastErrorImpl: a level
 * other than ACL_RT_THREAD_LEVEL is 100000 (and is not recorded); then
 * rtGetLastError returns the thread's last runtime error and clears it,
 * rtPeekAtLastError returns it and leaves it.
 */
ACL_API aclError aclrtGetLastError(aclrtLastErrLevel level)
{
	aclError code;

	if (level != ACL_RT_THREAD_LEVEL)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"level %d: ACL_RT_THREAD_LEVEL only", (int)level);
	code = acl_last_error;
	acl_last_error = ACL_SUCCESS;
	return code;
}

ACL_API aclError aclrtPeekAtLastError(aclrtLastErrLevel level)
{
	if (level != ACL_RT_THREAD_LEVEL)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"level %d: ACL_RT_THREAD_LEVEL only", (int)level);
	return acl_last_error;
}
