/* SPDX-License-Identifier: MIT */
/*
 * Description: helpers shared by the libascendcl tests (lib/tests/).
 *
 * Include this header first: it sets _GNU_SOURCE and pulls in the
 * kselftest harness, the ACL headers and the aclmem uapi header.
 *
 * - pool counters of the aclmem kernel module (ACLMEM_IOC_INFO on a
 *   /dev/aclmem file of our own), to prove that pages went back;
 * - aclrtPhysicalMemProp builders;
 * - a data pattern derived from a seed and the byte offset
 *   (tests/common/pattern.h), written and checked in full up to 64 MiB,
 *   sampled above (three words per 4 KiB page): fill and check a buffer
 *   with the same length;
 * - probing an address from a forked child, which dies with SIGSEGV when
 *   the access is not allowed;
 * - NUMA node queries from sysfs.
 * - virtual memory: location and access descriptor builders, whether an
 *   address is held in the process's address space, a free aligned range
 *   to pass as expectPtr, a handle mapped in a reservation of its own.
 *
 * The harness's ASSERT_* longjmp()s: never use them outside the test's own
 * thread. Threads record what they saw and the test thread checks it.
 *
 * Build (from the top of the tree):
 *   gcc -O2 -Wall -Wextra -Werror -I<kselftest dir> -Iinclude -Iinclude/uapi \
 *       -Itests -o foo_test lib/tests/foo_test.c -Lbuild/lib -lascendcl \
 *       -lpthread
 */
#ifndef ACL_TEST_UTILS_H
#define ACL_TEST_UTILS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <acl/acl.h>
#include <linux/aclmem.h>

#include "common/pattern.h"

/*
 * The 6.1 harness has unused parameters in its SIGALRM handler and in the
 * wrapper TEST() expands to (which lands in our files when the harness is
 * not an -isystem header), and its setjmp() in each test wrapper makes
 * -Wclobbered warn about the test's locals, which are never looked at
 * again after the longjmp() of a failed ASSERT. Both stay off for the
 * whole test file.
 */
#ifndef ACL_TEST_UTILS_NO_HARNESS
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#endif

#define SZ_4K		((size_t)4096)
#define SZ_1M		((size_t)1 << 20)
#define SZ_2M		((size_t)2 << 20)
#define SZ_1G		((size_t)1 << 30)

/* Timeout for tests that touch 1 GiB pages under QEMU TCG. */
#define ACL_1G_TIMEOUT	180

#define ACL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Pool counters                                                      */
/* ------------------------------------------------------------------ */

struct acl_pools {
	uint64_t in_use[ACLMEM_NR_POOLS];
	uint64_t total[ACLMEM_NR_POOLS];
	uint64_t free[ACLMEM_NR_POOLS];
};

/* Reads the kernel pool counters through a /dev/aclmem file of our own. */
int acl_pools_read(struct acl_pools *p);

uint64_t acl_in_use(int pool);

/* Records the counters in *base (ASSERTs: needs _metadata). */
#define ACL_POOLS_BASE(base) do {					\
	ASSERT_EQ(0, acl_pools_read(base)) {				\
		TH_LOG("cannot read /dev/aclmem pool counters: %s"	\
		       " (is aclmem.ko loaded?)", strerror(errno));	\
	}								\
} while (0)

/*
 * The 2 MiB / 1 GiB pools have @d2m / @d1g more pages in use than @base.
 * EXPECTs only, so that a fixture teardown may use it too.
 */
#define ACL_EXPECT_IN_USE(base, d2m, d1g) do {				\
	struct acl_pools __now;						\
	int __rc = acl_pools_read(&__now);				\
	EXPECT_EQ(0, __rc);						\
	if (__rc)							\
		break;							\
	EXPECT_EQ((base)->in_use[ACLMEM_POOL_2M] + (uint64_t)(d2m),	\
		  __now.in_use[ACLMEM_POOL_2M]) {			\
		TH_LOG("2M pool in_use %llu, baseline %llu",		\
		       (unsigned long long)__now.in_use[ACLMEM_POOL_2M], \
		       (unsigned long long)(base)->in_use[ACLMEM_POOL_2M]); \
	}								\
	EXPECT_EQ((base)->in_use[ACLMEM_POOL_1G] + (uint64_t)(d1g),	\
		  __now.in_use[ACLMEM_POOL_1G]) {			\
		TH_LOG("1G pool in_use %llu, baseline %llu",		\
		       (unsigned long long)__now.in_use[ACLMEM_POOL_1G], \
		       (unsigned long long)(base)->in_use[ACLMEM_POOL_1G]); \
	}								\
} while (0)

/* Both pools are back at the baseline. */
#define ACL_EXPECT_POOLS_BACK(base) ACL_EXPECT_IN_USE(base, 0, 0)

/* ------------------------------------------------------------------ */
/* Properties                                                         */
/* ------------------------------------------------------------------ */

aclrtPhysicalMemProp acl_prop(aclrtMemAttr attr,
			      aclrtMemLocationType type,
			      uint32_t id);

/* The usual prop: 2 MiB pages on device 0. */
aclrtPhysicalMemProp acl_prop_2m(void);

aclrtPhysicalMemProp acl_prop_1g(void);

/* Allocates a 2 MiB-page handle of @size on device 0. */
aclError acl_alloc_2m(aclrtDrvMemHandle *h, size_t size);

/* ------------------------------------------------------------------ */
/* Data patterns                                                      */
/* ------------------------------------------------------------------ */

/* Up to this size every word is written and checked. */
#define ACL_FULL_CHECK_MAX	(64 * SZ_1M)

/* The word at byte offset @off for @seed; never 0 (common/pattern.h). */
#define acl_word	pattern_word

/* Word indexes written in sampled mode, for the 4 KiB page at @off. */
size_t acl_mid_slot(uint64_t seed, uint64_t off);

/*
 * Writes the pattern of @seed into @buf (at offset @base of whatever it
 * is part of; @len and @base multiples of 4 KiB). Up to ACL_FULL_CHECK_MAX
 * every word, above the first, the last and one middle word of every
 * 4 KiB page.
 */
void acl_fill_at(void *buf, size_t len, uint64_t seed,
		 uint64_t base);

void acl_fill(void *buf, size_t len, uint64_t seed);

/* Byte offset of the first word that differs from acl_fill_at(), or -1. */
long acl_check_at(const void *buf, size_t len, uint64_t seed,
		  uint64_t base);

long acl_check(const void *buf, size_t len, uint64_t seed);

/*
 * Byte offset of the first non-zero word, or -1: every word up to
 * ACL_FULL_CHECK_MAX; above, the words a sampled fill with @seed would
 * write.
 */
long acl_check_zero(const void *buf, size_t len, uint64_t seed);

#define ACL_ASSERT_PATTERN_AT(buf, len, seed, base) do {		\
	long __bad = acl_check_at(buf, len, seed, base);		\
	ASSERT_EQ(-1, __bad) {						\
		TH_LOG("pattern %llu: bad word at %p+0x%lx: 0x%llx, want 0x%llx", \
		       (unsigned long long)(seed), (void *)(buf), __bad, \
		       (unsigned long long)*(volatile uint64_t *)	\
				((char *)(buf) + __bad),		\
		       (unsigned long long)acl_word(seed, (base) + __bad)); \
	}								\
} while (0)

#define ACL_ASSERT_PATTERN(buf, len, seed)				\
	ACL_ASSERT_PATTERN_AT(buf, len, seed, 0)

#define ACL_ASSERT_ZERO(buf, len) do {					\
	long __bad = acl_check_zero(buf, len, 0);			\
	ASSERT_EQ(-1, __bad) {						\
		TH_LOG("non-zero word at %p+0x%lx: 0x%llx", (void *)(buf), \
		       __bad, (unsigned long long)*(volatile uint64_t *) \
				((char *)(buf) + __bad));		\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* Access probes in a child                                           */
/* ------------------------------------------------------------------ */

enum acl_probe {
	ACL_PROBE_READ,
	ACL_PROBE_WRITE,
};

/*
 * Touches @p (one byte) from a forked child, which shares our mappings.
 * Returns 0 when the access worked, the signal that killed the child
 * (SIGSEGV, SIGBUS) otherwise, or -1 on a fork/wait problem. The child
 * leaves with _exit(): no atexit handler or library destructor runs there.
 */
int acl_probe(void *p, enum acl_probe how);

/* ------------------------------------------------------------------ */
/* NUMA nodes                                                         */
/* ------------------------------------------------------------------ */

/* Whether node @n is online (sysfs; without NUMA sysfs only node 0 is). */
bool acl_node_online(unsigned int n);

unsigned int acl_online_nodes(void);

unsigned int acl_first_offline_node(void);

/* ------------------------------------------------------------------ */
/* Misc                                                               */
/* ------------------------------------------------------------------ */

double acl_now(void);

bool acl_aligned(const void *p, size_t a);

/* ------------------------------------------------------------------ */
/* Virtual memory helpers                                             */
/* ------------------------------------------------------------------ */

aclrtMemLocation acl_loc(aclrtMemLocationType type, uint32_t id);

aclrtMemAccessDesc acl_access(aclrtMemAccessFlags flags,
			      aclrtMemLocationType type,
			      uint32_t id);

/* aclrtMemSetAccess with one descriptor. */
aclError acl_set_access(void *p, size_t size,
			aclrtMemAccessFlags flags,
			aclrtMemLocationType type, uint32_t id);

/* aclrtMemGetAccess for the accessor {@type, @id}; *flags as returned. */
aclError acl_get_access(void *p, aclrtMemLocationType type,
			uint32_t id, uint64_t *flags);

/*
 * Whether the 4 KiB page at @addr is taken in this process's address space
 * (a reservation holds its whole range as a PROT_NONE mapping): a
 * MAP_FIXED_NOREPLACE mmap there fails with EEXIST.
 */
bool acl_va_held(const void *addr);

/*
 * A free range of @size bytes aligned to @align (a power of two), found
 * with a plain mmap and given back at once: an expectPtr that nothing
 * holds. NULL if there is no room.
 */
void *acl_free_range(size_t size, size_t align);

/* One reservation with one handle mapped at an offset of it. */
struct acl_mapped {
	char *resv;		/* the reservation */
	char *p;		/* where the handle is mapped */
	aclrtDrvMemHandle h;
	size_t size;		/* of the handle and the mapping */
};

#ifndef ACL_TEST_UTILS_NO_HARNESS
/*
 * Reserves @resv_size and allocates @size with @prop (NULL: acl_prop_2m());
 * m->p is +@off in the reservation, nothing is mapped yet (ASSERTs).
 */
static inline void acl_resv_new(struct __test_metadata *_metadata,
				struct acl_mapped *m, size_t resv_size,
				size_t off, size_t size,
				const aclrtPhysicalMemProp *prop)
{
	aclrtPhysicalMemProp p2m = acl_prop_2m();

	memset(m, 0, sizeof(*m));
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress((void **)&m->resv,
						      resv_size, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(&m->h, size,
						   prop ? prop : &p2m, 0));
	m->p = m->resv + off;
	m->size = size;
}

/* Frees and releases what acl_resv_new() made (ASSERTs). */
static inline void acl_resv_done(struct __test_metadata *_metadata,
				 struct acl_mapped *m)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(m->h));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(m->resv));
}

/* acl_resv_new(), then the whole handle mapped at m->p (ASSERTs). */
static inline void acl_map_new(struct __test_metadata *_metadata,
			       struct acl_mapped *m, size_t resv_size,
			       size_t off, size_t size,
			       const aclrtPhysicalMemProp *prop)
{
	acl_resv_new(_metadata, m, resv_size, off, size, prop);
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(m->p, size, 0, m->h, 0));
}

/* Unmaps, frees and releases what acl_map_new() made (ASSERTs). */
static inline void acl_map_done(struct __test_metadata *_metadata,
				struct acl_mapped *m)
{
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(m->p));
	acl_resv_done(_metadata, m);
}

/*
 * Sets device 0 and makes *@s a stream that a BLOCK callback @fn(@arg)
 * keeps busy (NOT_READY): the thread @tid it is subscribed to never calls
 * aclrtProcessReport (ASSERTs).
 */
static inline void acl_stream_blocked(struct __test_metadata *_metadata,
				      aclrtStream *s, uint64_t tid,
				      aclrtCallback fn, void *arg)
{
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	ASSERT_EQ(ACL_SUCCESS, aclrtCreateStream(s));
	ASSERT_EQ(ACL_SUCCESS, aclrtSubscribeReport(tid, *s));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtLaunchCallback(fn, arg, ACL_CALLBACK_BLOCK, *s));
	/* stream.cpp aclrtStreamQueryImpl: ACL_ERROR_RT_STREAM_NOT_COMPLETE is NOT_READY */
	ASSERT_EQ(ACL_SUCCESS, aclrtStreamQuery(*s, &st));
	ASSERT_EQ(ACL_STREAM_STATUS_NOT_READY, st);
}
#endif /* ACL_TEST_UTILS_NO_HARNESS */

uint32_t acl_device_count(void);

#endif /* ACL_TEST_UTILS_H */
