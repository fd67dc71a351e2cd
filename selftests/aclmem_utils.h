/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: helpers shared by the aclmem selftests.
 *
 * - ioctl and mmap wrappers in iommufd style: _aclmem_X() returns 0 or
 *   -errno, aclmem_X() ASSERTs success, aclmem_X_err(errno, ...) EXPECTs
 *   exactly that errno (and undoes an unexpected success). The macros use
 *   the harness's ASSERT/EXPECT and so need _metadata in scope.
 * - pool counters (ACLMEM_IOC_INFO out_pools[]) and a fixture setup and
 *   teardown pair that checks them against a baseline.
 * - a pattern derived from a seed and the offset inside the handle
 *   (tests/common/pattern.h), written and checked in every 4 KiB page
 *   (cheap enough for 1 GiB).
 * - a tracker of the mappings and child processes a test made, so that the
 *   fixture teardown can undo them when an ASSERT cut the test short.
 */
#ifndef __SELFTESTS_ACLMEM_UTILS_H
#define __SELFTESTS_ACLMEM_UTILS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/aclmem.h>

#include "common/pattern.h"

/*
 * The 6.1 harness has an unused parameter in its SIGALRM handler; and its
 * setjmp() in each test wrapper makes -Wclobbered warn about the test's
 * locals, which are never looked at again after the longjmp() of a failed
 * ASSERT (the teardown sees only the fixture), so that warning is off.
 */
#ifndef ACLMEM_UTILS_NO_HARNESS
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

#define ACLMEM_DEV_PATH		"/dev/aclmem"

#define SZ_4K			4096ULL
#define SZ_2M			ACLMEM_PAGE_SIZE_2M
#define SZ_1G			ACLMEM_PAGE_SIZE_1G

/* Mappings up to this size are filled and checked word by word. */
#define ACLMEM_FULL_CHECK_MAX	(64ULL << 20)

/* Generous timeout for tests that touch 1 GiB pages under TCG. */
#define ACLMEM_1G_TIMEOUT	240

int aclmem_pool_index(__u64 page_size);

const char *aclmem_ps_name(__u64 page_size);

/*
 * The entry size (SZ_2M or SZ_1G) a page of @page_size bytes is
 * mapped with on this machine and kernel: the largest the kernel lets
 * aclmem insert (table in aclmem_utils.c). A test that expects it fails
 * when the module maps smaller than that.
 */
__u64 aclmem_entry_size(__u64 page_size);

/*
 * The faults that map @len bytes of @page_size pages once, one fault per
 * entry, as {4 KiB, 2 MiB, 1 GiB} (QUERY's out_faults_pte/pmd/pud).
 */
void aclmem_entry_faults(__u64 page_size, __u64 len, __u64 out[3]);

/* Index of @entry_size (SZ_4K, SZ_2M or SZ_1G) in such an array. */
int aclmem_entry_index(__u64 entry_size);

int aclmem_open(void);

/* ------------------------------------------------------------------ */
/* Tracking of what a test made, for teardown after a failed ASSERT.  */
/* ------------------------------------------------------------------ */

#define ACLMEM_MAX_TRACKED	64

struct aclmem_tracked_map {
	uintptr_t start;
	uintptr_t end;
};

extern struct aclmem_tracked_map aclmem_maps[ACLMEM_MAX_TRACKED];
extern pid_t aclmem_kids[ACLMEM_MAX_TRACKED];

void aclmem_track_map(void *p, size_t len);

/* Forget [p, p + len): cut it out of every tracked range. */
void aclmem_track_unmap(void *p, size_t len);

/* fork(), or clone(2) with @flags (CLONE_NEWPID...), tracked for teardown. */
pid_t aclmem_clone(unsigned long flags);

pid_t aclmem_fork(void);

/* waitpid() a child made by aclmem_fork(); returns the wait status or -1. */
int aclmem_reap(pid_t pid);

/* Kill and reap tracked children, unmap tracked mappings. */
void aclmem_cleanup(void);

/* ------------------------------------------------------------------ */
/* ioctl wrappers                                                     */
/* ------------------------------------------------------------------ */

int _aclmem_ioctl(int fd, unsigned long req, void *arg);

/* ALLOC with a caller-built struct (for reserved/out_ field tests). */
int _aclmem_alloc_cmd(int fd, struct aclmem_alloc *cmd);

int _aclmem_alloc(int fd, __u64 size, __u64 page_size,
		  __u32 node, __u32 *handle, __u64 *offset);

int _aclmem_free_cmd(int fd, struct aclmem_free *cmd);

int _aclmem_free(int fd, __u32 handle);

int _aclmem_query_cmd(int fd, struct aclmem_query *cmd);

int _aclmem_query(int fd, __u32 handle, __u32 flags,
		  struct aclmem_query *out);

int _aclmem_info_cmd(int fd, struct aclmem_info *cmd);

int _aclmem_info(int fd, __u32 flags, struct aclmem_info *out);

int _aclmem_pool(int fd, __u64 page_size,
		 struct aclmem_pool_stats *st);

/* Counter readers; (__u64)-1 when INFO fails (which no test expects). */
__u64 aclmem_in_use(int fd, __u64 page_size);

__u64 aclmem_free_pages(int fd, __u64 page_size);

__u64 aclmem_nr_handles(int fd);

/* mmap(PROT_READ | PROT_WRITE); a success is tracked for teardown. */
int _aclmem_mmap(int fd, void *hint, size_t len, __u64 offset,
		 int flags, void **out);

int _aclmem_munmap(void *p, size_t len);

#define ACLMEM_EXPECT_ERRNO(_errno, _rc) do {				\
	int __want = -(_errno), __got = (_rc);				\
	EXPECT_EQ(__want, __got) {					\
		TH_LOG("wanted %s, got %s", strerror(_errno),		\
		       __got ? strerror(-__got) : "success");		\
	}								\
} while (0)

#define aclmem_alloc(fd, size, page_size, node, handle, offset) do {	\
	ASSERT_EQ(0, _aclmem_alloc(fd, size, page_size, node,		\
				   handle, offset));			\
} while (0)

#define aclmem_alloc_err(_errno, fd, size, page_size, node) do {	\
	__u32 __h = 0;							\
	int __rc = _aclmem_alloc(fd, size, page_size, node, &__h, NULL); \
	if (!__rc)							\
		_aclmem_free(fd, __h);					\
	ACLMEM_EXPECT_ERRNO(_errno, __rc);				\
} while (0)

#define aclmem_alloc_cmd_err(_errno, fd, cmd) do {			\
	int __rc = _aclmem_alloc_cmd(fd, cmd);				\
	if (!__rc)							\
		_aclmem_free(fd, (cmd)->out_handle);			\
	ACLMEM_EXPECT_ERRNO(_errno, __rc);				\
} while (0)

#define aclmem_free(fd, handle) do {					\
	ASSERT_EQ(0, _aclmem_free(fd, handle));				\
} while (0)

#define aclmem_free_err(_errno, fd, handle)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_free(fd, handle))

#define aclmem_free_cmd_err(_errno, fd, cmd)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_free_cmd(fd, cmd))

#define aclmem_query(fd, handle, flags, out) do {			\
	ASSERT_EQ(0, _aclmem_query(fd, handle, flags, out));		\
} while (0)

#define aclmem_query_err(_errno, fd, handle, flags)			\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_query(fd, handle, flags, NULL))

#define aclmem_query_cmd_err(_errno, fd, cmd)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_query_cmd(fd, cmd))

#define aclmem_info(fd, out) do {					\
	ASSERT_EQ(0, _aclmem_info(fd, 0, out));				\
} while (0)

#define aclmem_info_err(_errno, fd, flags)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_info(fd, flags, NULL))

#define aclmem_info_cmd_err(_errno, fd, cmd)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_info_cmd(fd, cmd))

#define aclmem_pool(fd, page_size, st) do {				\
	ASSERT_EQ(0, _aclmem_pool(fd, page_size, st));			\
} while (0)

/* MAP_SHARED, no hint, read/write. */
#define aclmem_mmap(fd, len, offset, out) do {				\
	ASSERT_EQ(0, _aclmem_mmap(fd, NULL, len, offset, MAP_SHARED,	\
				  (void **)(out)));			\
} while (0)

#define aclmem_mmap_err(_errno, fd, hint, len, offset, flags) do {	\
	void *__p = NULL;						\
	int __rc = _aclmem_mmap(fd, hint, len, offset, flags, &__p);	\
	if (!__rc)							\
		_aclmem_munmap(__p, len);				\
	ACLMEM_EXPECT_ERRNO(_errno, __rc);				\
} while (0)

#define aclmem_munmap(p, len) do {					\
	ASSERT_EQ(0, _aclmem_munmap(p, len));				\
} while (0)

#define aclmem_munmap_err(_errno, p, len)				\
	ACLMEM_EXPECT_ERRNO(_errno, _aclmem_munmap(p, len))

/* The pool of @page_size has @in_use pages in use and adds up. */
#define aclmem_expect_in_use(fd, page_size, _in_use) do {		\
	struct aclmem_pool_stats __st;					\
	struct aclmem_info __i;						\
	ASSERT_EQ(0, _aclmem_pool(fd, page_size, &__st));		\
	EXPECT_EQ((__u64)(_in_use), __st.in_use) {			\
		TH_LOG("%s pool: total %llu free %llu in_use %llu",	\
		       aclmem_ps_name(page_size),			\
		       (unsigned long long)__st.total,			\
		       (unsigned long long)__st.free,			\
		       (unsigned long long)__st.in_use);		\
	}								\
	ASSERT_EQ(0, _aclmem_info(fd, 0, &__i));			\
	/* what the module took from the kernel and has not given back */ \
	EXPECT_EQ(__st.total, __st.grown - __st.shrunk -		\
		  __i.out_poisoned[aclmem_pool_index(page_size)]);	\
} while (0)

/* QUERY with ACLMEM_QUERY_CHECK_REFS reports no changed refcount. */
#define aclmem_expect_no_bad_refs(fd, handle) do {			\
	struct aclmem_query __q;					\
	ASSERT_EQ(0, _aclmem_query(fd, handle,				\
				   ACLMEM_QUERY_CHECK_REFS, &__q));	\
	EXPECT_EQ(0U, __q.out_bad_refs);					\
} while (0)

#ifndef ACLMEM_UTILS_NO_HARNESS
/* ------------------------------------------------------------------ */
/* Fixture setup/teardown shared by every test file                   */
/* ------------------------------------------------------------------ */

/* Opens /dev/aclmem into *fd and records the pool counters in *base. */
static inline void aclmem_fixture_setup(struct __test_metadata *_metadata,
					int *fd, struct aclmem_info *base)
{
	*fd = aclmem_open();
	ASSERT_LE(0, *fd) {
		TH_LOG("open %s: %s (is aclmem.ko loaded?)", ACLMEM_DEV_PATH,
		       strerror(errno));
	}
	ASSERT_EQ(0, _aclmem_info(*fd, 0, base));
	ASSERT_EQ(0U, base->out_handles);
}

/*
 * Undoes what the test left (children, mappings), checks that a passing
 * test freed all its handles, closes *fd (freeing anything left) and checks
 * that the pools' in_use is back at the baseline. EXPECT only: an ASSERT
 * here would jump back into the teardown.
 */
static inline void aclmem_fixture_teardown(struct __test_metadata *_metadata,
					   int *fd,
					   const struct aclmem_info *base)
{
	struct aclmem_info info;
	int i, fd2;

	memset(&info, 0, sizeof(info));
	aclmem_cleanup();
	if (*fd >= 0) {
		if (_metadata->passed && !_metadata->skip) {
			EXPECT_EQ(0, _aclmem_info(*fd, 0, &info));
			EXPECT_EQ(0U, info.out_handles);
		}
		close(*fd);
		*fd = -1;
	}

	fd2 = aclmem_open();
	EXPECT_LE(0, fd2);
	if (fd2 < 0)
		return;
	EXPECT_EQ(0, _aclmem_info(fd2, 0, &info));
	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		const struct aclmem_pool_stats *st = &info.out_pools[i];

		EXPECT_EQ(base->out_pools[i].in_use, st->in_use) {
			TH_LOG("pool %d in_use not back at baseline", i);
		}
	}
	close(fd2);
}
#endif /* ACLMEM_UTILS_NO_HARNESS */

/* ------------------------------------------------------------------ */
/* Memory patterns                                                    */
/* ------------------------------------------------------------------ */

/* The mixer of the pattern (tests/common/pattern.h). */
#define aclmem_mix		pattern_mix

/* The word at byte offset @off of the handle for @seed; never 0. */
#define aclmem_word		pattern_word

/* The word index (0..511) sampled in the 4 KiB page at handle offset @off. */
unsigned int aclmem_slot(__u64 seed, __u64 off);

/*
 * 4 KiB pages written and checked in full in sampled mode: the first and
 * the last of every 2 MiB of the handle.
 */
bool aclmem_full_page(__u64 off);

/*
 * The sampled pattern, whatever the length: one word per 4 KiB page plus
 * the aclmem_full_page() pages in full. The first access to every 4 KiB
 * page is a write. @buf sits at offset @base of the handle.
 */
void aclmem_fill_sampled(void *buf, size_t len, __u64 seed,
			 __u64 base);

/* Checks what aclmem_fill_sampled() wrote: the bad word's offset or -1. */
long aclmem_check_sampled(const void *buf, size_t len,
			  __u64 seed, __u64 base);

/*
 * Checks @buf is zero where a sampled fill with @seed would have written,
 * and the first and last word of every 4 KiB page: the offset of the first
 * non-zero word, or -1.
 */
long aclmem_check_zero_sampled(const void *buf, size_t len,
			       __u64 seed, __u64 base);

/*
 * Writes the pattern of @seed into @buf, which sits at offset @base of the
 * handle (@base and @len multiples of 4 KiB). Up to ACLMEM_FULL_CHECK_MAX
 * every word is written; above, one word per 4 KiB page plus the pages of
 * aclmem_full_page(). The first access to every 4 KiB page is a write.
 */
void aclmem_fill_at(void *buf, size_t len, __u64 seed,
		    __u64 base);

void aclmem_fill(void *buf, size_t len, __u64 seed);

/*
 * Checks what aclmem_fill_at() wrote (a check over at most
 * ACLMEM_FULL_CHECK_MAX bytes expects a full fill). Returns the byte offset
 * in @buf of the first bad word, or -1.
 */
long aclmem_check_at(const void *buf, size_t len, __u64 seed,
		     __u64 base);

long aclmem_check(const void *buf, size_t len, __u64 seed);

/*
 * Checks @buf is zero: every word up to ACLMEM_FULL_CHECK_MAX; above, the
 * first and last word of every 4 KiB page, the word a fill with @seed
 * wrote there, and the aclmem_full_page() pages in full. Returns the byte
 * offset of the first non-zero word, or -1.
 */
long aclmem_check_zero_at(const void *buf, size_t len,
			  __u64 seed, __u64 base);

long aclmem_check_zero(const void *buf, size_t len, __u64 seed);

#define aclmem_assert_pattern_at(buf, len, seed, base) do {		\
	long __bad = aclmem_check_at(buf, len, seed, base);		\
	ASSERT_EQ(-1, __bad) {						\
		TH_LOG("pattern %llu: bad word at +0x%lx: 0x%llx, want 0x%llx", \
		       (unsigned long long)(seed), __bad,		\
		       (unsigned long long)*(volatile __u64 *)((char *)(buf) + __bad), \
		       (unsigned long long)aclmem_word(seed, (base) + __bad)); \
	}								\
} while (0)

#define aclmem_assert_pattern(buf, len, seed)				\
	aclmem_assert_pattern_at(buf, len, seed, 0)

#define aclmem_assert_zero(buf, len, seed) do {				\
	long __bad = aclmem_check_zero(buf, len, seed);			\
	ASSERT_EQ(-1, __bad) {						\
		TH_LOG("non-zero word at +0x%lx: 0x%llx", __bad,	\
		       (unsigned long long)*(volatile __u64 *)((char *)(buf) + __bad)); \
	}								\
} while (0)

/* Reads one byte of every 4 KiB page (first access is a read). */
__u64 aclmem_read_each_page(const void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Small process helpers                                              */
/* ------------------------------------------------------------------ */

/* Blocking one-byte pipe messages; return 0 or -1. */
int aclmem_pipe_send(int fd, char c);

int aclmem_pipe_recv(int fd, char *c);

/* A child's exit code, or 128 + signal, or -1. */
int aclmem_exit_code(int status);

/* Writes @text to @path: 0, or -errno (-EIO for a short write). */
int aclmem_write_file(const char *path, const char *text);

/*
 * Reads @path up to @len - 1 bytes into @buf, NUL-terminated: 0 or -errno.
 * Loops: proc files hand out a page or a record per read.
 */
int aclmem_read_file(const char *path, char *buf, size_t len);

/* The first line of @path, without its newline. */
int aclmem_read_line(const char *path, char *buf, size_t len);

/* The first CPU of NUMA node @nid, or -1. */
int aclmem_node_first_cpu(int nid);

/* A number from the first line of @path, or -errno (-EIO if empty). */
long long aclmem_read_number(const char *path);

/*
 * The module's fault knob (kmod/fault.c): the Nth allocation site the
 * writing process reaches fails. A debugfs attribute is read once per
 * open, so each access opens it anew (which reaches no allocation site).
 */
#define ACLMEM_FAIL_NTH		"/sys/kernel/debug/aclmem/fail_nth"

/* Arms the knob for this process (0 disarms): 0 or -errno. */
int aclmem_fail_nth_set(unsigned int n);

/* The sites still to pass before the armed failure (0: fired), or -errno. */
long aclmem_fail_nth_left(void);

void aclmem_msleep(unsigned int ms);

#endif /* __SELFTESTS_ACLMEM_UTILS_H */
