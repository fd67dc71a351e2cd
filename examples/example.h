/* SPDX-License-Identifier: MIT */
/*
 * What every aclmem example shares: CHECK() runs one ACL call and, if it
 * does not return ACL_SUCCESS, prints the call, the error code and the
 * library's explanation (aclGetRecentErrMsg) and exits with status 1.
 */
#ifndef ACLMEM_EXAMPLE_H
#define ACLMEM_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "acl/acl.h"

#define CHECK(call)							\
	do {								\
		aclError err_ = (call);					\
		if (err_ != ACL_SUCCESS) {				\
			const char *msg_ = aclGetRecentErrMsg();	\
			fprintf(stderr, "%s:%d: %s failed: %d (%s)\n",	\
				__FILE__, __LINE__, #call, (int)err_,	\
				msg_ ? msg_ : "no message");		\
			exit(1);					\
		}							\
	} while (0)

#define MiB (1UL << 20)
#define GiB (1UL << 30)

/* Seconds since an arbitrary point, for "took 0.012 s" lines. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "2 MiB", "1 GiB": sizes as the examples print them. */
static inline const char *size_str(size_t size, char *buf, size_t len)
{
	if (size >= GiB && size % GiB == 0)
		snprintf(buf, len, "%zu GiB", size / GiB);
	else
		snprintf(buf, len, "%zu MiB", size / MiB);
	return buf;
}

#endif /* ACLMEM_EXAMPLE_H */
