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

aclError acl_fail(aclError code, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(acl_errmsg, sizeof(acl_errmsg), "EE%d: ", code);
	va_start(ap, fmt);
	vsnprintf(acl_errmsg + n, sizeof(acl_errmsg) - n, fmt, ap);
	va_end(ap);
	acl_errmsg_set = true;
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

ACL_API const char *aclGetRecentErrMsg(void)
{
	return acl_errmsg_set ? acl_errmsg : NULL;
}
