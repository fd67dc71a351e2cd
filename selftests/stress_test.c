// SPDX-License-Identifier: GPL-2.0
/*
 * Description: eight processes at once, for a million system calls, doing
 * random operations with valid and invalid arguments on /dev/aclmem: ALLOC
 * and FREE of 2 MiB pages (1 GiB ones rarely: at most MAX_1G in the whole
 * run), mmap at random places and offsets (no hint, an aligned hint,
 * MAP_FIXED), munmap of whole mappings and of pages out of them, mprotect,
 * madvise (DONTNEED, DONTFORK/DOFORK, HUGEPAGE, NOHUGEPAGE), mremap (moves
 * to aligned and unaligned addresses, shrinking, growing, DONTUNMAP),
 * fork(2) with live mappings (the child checks them and exits), close(2)
 * of a /dev/aclmem file while its handles are mapped, EXPORT with SET_PIDS
 * or ACLMEM_EXPORT_ANY_PID and IMPORT between the processes (tokens
 * published in a shared memfd) and in the exporter itself, EXPORT_FD, mmap
 * of the dma-buf, IMPORT_FD, and dma-buf fds taken from another process
 * with pidfd_getfd(2). Invalid calls must fail with the errno the contract
 * (include/uapi/linux/aclmem.h) names. Meanwhile the parent SIGKILLs a
 * child now and then and starts a new one.
 *
 * Buffers shared by token are written by both sides while shared: each
 * process with a mapping of one writes its own lane word (op_lane()) and
 * checks the others' lanes, whose values come through the shared memfd,
 * against what its own mapping reads; a copy of the pages would fail.
 *
 * Each process keeps a model of what it wrote to every page and checks a
 * mapping against it (sampled) before unmapping it, and on the way; at the
 * end every byte of what it still maps (a 1 GiB buffer by its owner only).
 * The run lasts until the children made ACLMEM_STRESS_CALLS system calls
 * on the device, its mappings, dma-bufs and processes (default a million;
 * the debug kernel's leg asks for fewer), and fails if that takes more
 * than MAX_SECONDS. In the end every process frees what it holds (INFO
 * out_handles 0), no child is left, every token published during the run
 * is unknown, and once the zeroing worker is idle no page is in use, every
 * pool holds its target and no dirty page; the kernel logged no splat.
 *
 * The children are this binary again (fork + exec, "--child SEED ID SLOT
 * SHMFD", handled before the harness runs). The run is seeded: it prints
 * "# seed: N"; ACLMEM_STRESS_SEED=N replays the same choices (not the same
 * interleaving). ACLMEM_STRESS_MREMAP_1G=0 leaves out mremap moves of
 * 1 GiB mappings (the kernel cannot move a huge PUD: the module drops it
 * first, see aclmem_vm_open()).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "aclmem_utils.h"
#include "aclmem_kmsg.h"
#include "common/pidfd.h"

#define NR_SLOTS	8		/* children at any time */
#define MAX_PAGES	4		/* pages of one 2 MiB handle */
#define MAX_BUFS	48
#define MAX_HANDLES	32
#define MAX_MAPS	48
#define MAX_DBUFS	6
#define MAX_2M_HELD	16		/* 2 MiB pages a child allocates */
#define MAX_1G		2		/* 1 GiB ALLOCs in the whole run */
#define DEFAULT_CALLS	1000000		/* system calls in the whole run */
#define MAX_SECONDS	200		/* the run fails if it needs longer */
#define MAX_TOKENS	8192		/* tokens remembered for the final check */
#define SETTLE_SECONDS	120		/* for the zeroing worker to finish */

/* ------------------------------------------------------------------ */
/* Shared between the parent and the children (a memfd)                */
/* ------------------------------------------------------------------ */

/* What a child offers the others: a token, a dma-buf fd. */
struct pub {
	__u32 seq;		/* odd while being written */
	__u32 tgid;
	__u64 token;		/* 0: none */
	__u32 any_pid;
	__u32 nr_pids;
	__u32 pids[NR_SLOTS];
	__u64 size, page_size;
	__u64 seeds[MAX_PAGES];
	__s32 dmabuf;		/* fd number in the child, -1: none */
	__u32 pad;
	__u64 db_size, db_page_size;
	__u64 db_seeds[MAX_PAGES];
};

enum stat_index {
	ST_OPS, ST_ALLOC, ST_ALLOC_1G, ST_ALLOC_1G_NOMEM, ST_FREE, ST_MMAP,
	ST_MUNMAP, ST_SPLIT, ST_MPROTECT, ST_MADVISE, ST_MREMAP, ST_FORK,
	ST_CLOSE, ST_EXPORT, ST_IMPORT, ST_IMPORT_DENIED, ST_IMPORT_GONE,
	ST_EXPORT_FD, ST_IMPORT_FD, ST_GETFD, ST_CHECK, ST_WRITE, ST_INVALID,
	ST_CALLS, ST_LANE_WRITE, ST_LANE_CHECK, NR_STATS,
};

static const char *const stat_names[NR_STATS] = {
	"ops", "alloc", "alloc_1g", "alloc_1g_enomem", "free", "mmap",
	"munmap", "split", "mprotect", "madvise", "mremap", "fork", "close",
	"export", "import", "import_eacces", "import_enoent", "export_fd",
	"import_fd", "pidfd_getfd", "check", "write", "invalid",
	"calls", "lane_write", "lane_check",
};

/*
 * A lane: the last value process @writer (a slot) wrote into the lane word
 * of the buffer behind @token, which slot @owner exported. The writer
 * stores the word through its own mapping first, then here, both inside
 * @seq (odd while writing); a reader that sees the same even @seq before
 * and after reads the same value through its mapping, or the pages it
 * maps are not the writer's.
 */
struct lane {
	__u32 seq;
	__u32 pad;
	__u64 token;
	__u64 value;
};

struct shared {
	__u32 stop;
	__u32 nr_1g;
	struct pub pub[NR_SLOTS];
	struct lane lanes[NR_SLOTS][NR_SLOTS];	/* [owner][writer] */
	__u64 stats[NR_STATS];
	__u64 op_ns[32], op_nr[32];		/* time spent per operation */
	__u32 nr_tokens;
	__u32 pad;
	__u64 tokens[MAX_TOKENS];		/* every token published */
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pub_begin(struct pub *p)
{
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void pub_end(struct pub *p)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_add_fetch(&p->seq, 1, __ATOMIC_SEQ_CST);
}

/* A consistent copy of @p; false while it is being written. */
static bool pub_read(struct pub *p, struct pub *out, __u32 *seq)
{
	__u32 s1 = __atomic_load_n(&p->seq, __ATOMIC_SEQ_CST);

	if (s1 & 1)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(out, (const void *)p, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (seq)
		*seq = s1;
	return __atomic_load_n(&p->seq, __ATOMIC_SEQ_CST) == s1;
}

static bool pub_unchanged(struct pub *p, __u32 seq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&p->seq, __ATOMIC_SEQ_CST) == seq;
}

/* ------------------------------------------------------------------ */
/* Patterns: sampled (one word per 4 KiB page, the first and last       */
/* 4 KiB of each 2 MiB in full), cheap enough for 1 GiB pages           */
/* ------------------------------------------------------------------ */

/* Seed 0 is a page never written: zero. Returns the bad offset or -1. */
static long check(const void *buf, size_t len, __u64 seed, __u64 base)
{
	if (!seed)
		return aclmem_check_zero_sampled(buf, len, 1, base);
	return aclmem_check_sampled(buf, len, seed, base);
}

/* ------------------------------------------------------------------ */
/* Child: state and model                                               */
/* ------------------------------------------------------------------ */

struct buf {
	bool used;
	bool frozen;		/* shared with other processes: no writes */
	bool own;		/* allocated here (counts against MAX_2M_HELD) */
	bool checked;		/* in full, at the end */
	int refs;		/* handles, mappings and dma-bufs on it */
	int owner;		/* with @token: the slot that exported it */
	__u64 token;		/* shared by this token: it has lanes */
	__u64 size, ps;
	unsigned int npages;
	__u64 seed[MAX_PAGES];
};

struct handle {
	bool used;
	bool imported;
	bool exported;
	int dev;
	int buf;
	__u32 id;
	__u64 off;
	__u64 token;
};

struct map {
	bool used;
	bool dontfork;
	bool dmabuf;		/* a mapping of a dma-buf fd: whole only */
	int prot;
	int buf;
	char *addr;
	size_t len;
	__u64 boff;		/* offset in the buffer */
};

struct dbuf {
	bool used;
	bool published;
	int fd;
	int buf;
};

static struct {
	unsigned int id, slot;
	struct shared *sh;
	__u64 rng;
	int dev[2];
	__u32 tgid;
	bool mremap_1g;
	unsigned int held_2m;
	struct buf bufs[MAX_BUFS];
	struct handle handles[MAX_HANDLES];
	struct map maps[MAX_MAPS];
	struct dbuf dbufs[MAX_DBUFS];
	const char *op;
} K;

static __u64 rnd(void)
{
	K.rng += 0x9e3779b97f4a7c15ULL;
	return aclmem_mix(K.rng);
}

static unsigned int below(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static void stat_inc(enum stat_index i)
{
	__atomic_add_fetch(&K.sh->stats[i], 1, __ATOMIC_RELAXED);
}

/*
 * The system calls a child makes on the device, its mappings, its
 * dma-bufs and processes, counted here and added to ST_CALLS after each
 * operation: the run lasts until the children made ACLMEM_STRESS_CALLS.
 */
static __u64 calls;

#define COUNTED(call)		(calls++, (call))
#define _aclmem_ioctl(...)	COUNTED(_aclmem_ioctl(__VA_ARGS__))
#define _aclmem_alloc(...)	COUNTED(_aclmem_alloc(__VA_ARGS__))
#define _aclmem_alloc_cmd(...)	COUNTED(_aclmem_alloc_cmd(__VA_ARGS__))
#define _aclmem_free(...)	COUNTED(_aclmem_free(__VA_ARGS__))
#define _aclmem_free_cmd(...)	COUNTED(_aclmem_free_cmd(__VA_ARGS__))
#define _aclmem_query(...)	COUNTED(_aclmem_query(__VA_ARGS__))
#define _aclmem_query_cmd(...)	COUNTED(_aclmem_query_cmd(__VA_ARGS__))
#define _aclmem_info(...)	COUNTED(_aclmem_info(__VA_ARGS__))
#define _aclmem_info_cmd(...)	COUNTED(_aclmem_info_cmd(__VA_ARGS__))
#define aclmem_nr_handles(...)	COUNTED(aclmem_nr_handles(__VA_ARGS__))
#define aclmem_open(...)	COUNTED(aclmem_open(__VA_ARGS__))
#define mmap(...)		COUNTED(mmap(__VA_ARGS__))
#define munmap(...)		COUNTED(munmap(__VA_ARGS__))
#define mprotect(...)		COUNTED(mprotect(__VA_ARGS__))
#define madvise(...)		COUNTED(madvise(__VA_ARGS__))
#define mremap(...)		COUNTED(mremap(__VA_ARGS__))
#define fork(...)		COUNTED(fork(__VA_ARGS__))
#define close(...)		COUNTED(close(__VA_ARGS__))
#define syscall(...)		COUNTED(syscall(__VA_ARGS__))

static void calls_flush(void)
{
	if (!calls)
		return;
	__atomic_add_fetch(&K.sh->stats[ST_CALLS], calls, __ATOMIC_RELAXED);
	calls = 0;
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fail(int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "# stress child %u (slot %u, pid %d) line %d, %s: %s\n",
		K.id, K.slot, getpid(), line, K.op ? K.op : "-", msg);
	fflush(stderr);
	_exit(1);
}

#define CHECK(cond, fmt, ...) do {					\
	if (!(cond))							\
		fail(__LINE__, fmt, ##__VA_ARGS__);			\
} while (0)

static const char *err_name(int err)
{
	return err ? strerror(err) : "success";
}

/* @rc is 0 or -errno; it must be -@want (0: success). */
#define CHECK_RC(want, rc, what) do {					\
	int __rc = (rc);						\
	CHECK(__rc == -(want), "%s: %s, want %s", what, err_name(-__rc), \
	      err_name(want));						\
} while (0)

/* A system call that returns -1/errno, as 0 or -errno. */
static int sys_rc(long ret)
{
	return ret < 0 ? -errno : 0;
}

static int new_slot(bool *used, size_t stride, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!*(bool *)((char *)used + i * stride))
			return i;
	return -1;
}

#define FREE_SLOT(arr, n) new_slot(&(arr)[0].used, sizeof((arr)[0]), n)

static int free_count(bool *used, size_t stride, int n)
{
	int i, nr = 0;

	for (i = 0; i < n; i++)
		if (!*(bool *)((char *)used + i * stride))
			nr++;
	return nr;
}

#define FREE_COUNT(arr, n) free_count(&(arr)[0].used, sizeof((arr)[0]), n)

/*
 * Room in the model for what an operation may add: @maps mappings (a
 * split makes two more), a buffer and a handle.
 */
static bool room(int maps, bool handle)
{
	if (FREE_COUNT(K.maps, MAX_MAPS) < maps)
		return false;
	return !handle || (FREE_COUNT(K.handles, MAX_HANDLES) >= 1 &&
			   FREE_COUNT(K.bufs, MAX_BUFS) >= 1);
}

/* A random used entry of @arr, or -1. */
#define PICK(arr, n, cond) ({						\
	int __idx[n], __nr = 0, __i;					\
	for (__i = 0; __i < (n); __i++)					\
		if ((arr)[__i].used && (cond(&(arr)[__i])))		\
			__idx[__nr++] = __i;				\
	__nr ? __idx[below(__nr)] : -1;					\
})

static bool any(const void *p)
{
	(void)p;
	return true;
}

static void buf_put(int b)
{
	struct buf *buf = &K.bufs[b];

	if (--buf->refs > 0)
		return;
	if (buf->own && buf->ps == SZ_2M)
		K.held_2m -= buf->npages;
	memset(buf, 0, sizeof(*buf));
}

static int buf_new(__u64 size, __u64 ps, bool own)
{
	int b = FREE_SLOT(K.bufs, MAX_BUFS);
	struct buf *buf;

	CHECK(b >= 0, "out of buffer slots");
	buf = &K.bufs[b];
	memset(buf, 0, sizeof(*buf));
	buf->used = true;
	buf->own = own;
	buf->size = size;
	buf->ps = ps;
	buf->npages = size / ps;
	if (own && ps == SZ_2M)
		K.held_2m += buf->npages;
	return b;
}

static int handle_new(int dev, int b, __u32 id, __u64 off, bool imported)
{
	int i = FREE_SLOT(K.handles, MAX_HANDLES);
	struct handle *h;

	CHECK(i >= 0, "out of handle slots");
	h = &K.handles[i];
	memset(h, 0, sizeof(*h));
	h->used = true;
	h->dev = dev;
	h->buf = b;
	h->id = id;
	h->off = off;
	h->imported = imported;
	K.bufs[b].refs++;
	return i;
}

static int map_new(char *addr, size_t len, int b, __u64 boff, bool dmabuf)
{
	int i = FREE_SLOT(K.maps, MAX_MAPS);
	struct map *m;

	CHECK(i >= 0, "out of mapping slots");
	m = &K.maps[i];
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->addr = addr;
	m->len = len;
	m->buf = b;
	m->boff = boff;
	m->prot = PROT_READ | PROT_WRITE;
	m->dmabuf = dmabuf;
	K.bufs[b].refs++;
	return i;
}

/* Check mapping @m against the model of its buffer. */
static void check_map(const struct map *m)
{
	const struct buf *b = &K.bufs[m->buf];
	size_t off = 0;

	while (off < m->len) {
		__u64 boff = m->boff + off;
		unsigned int page = boff / b->ps;
		size_t chunk = (page + 1) * b->ps - boff;
		long bad;

		if (chunk > m->len - off)
			chunk = m->len - off;
		bad = check(m->addr + off, chunk, b->seed[page], boff);
		CHECK(bad == -1,
		      "mapping %p+0x%zx (buffer offset 0x%llx, %s page %u, seed %llx%s): bad word at +0x%lx: 0x%llx",
		      (void *)m->addr, off, (unsigned long long)boff,
		      aclmem_ps_name(b->ps), page,
		      (unsigned long long)b->seed[page],
		      m->dmabuf ? ", dma-buf" : "", bad,
		      (unsigned long long)*(volatile __u64 *)(m->addr + off + bad));
		off += chunk;
	}
	stat_inc(ST_CHECK);
}

static bool is_lane(const struct buf *b, unsigned int i);

/*
 * Every word of mapping @m against the model: the pattern where
 * aclmem_fill_sampled() put it, zero everywhere else, but for the lanes of
 * a shared buffer (see op_lane()).
 */
static void check_full(const struct map *m)
{
	const struct buf *b = &K.bufs[m->buf];
	const volatile __u64 *w = (const volatile __u64 *)m->addr;
	size_t off;

	for (off = 0; off < m->len; off += SZ_4K) {
		__u64 boff = m->boff + off, seed = b->seed[boff / b->ps];
		unsigned int slot = aclmem_slot(seed ? seed : 1, boff), i;
		bool full = aclmem_full_page(boff);

		for (i = 0; i < SZ_4K / 8; i++) {
			__u64 got = w[off / 8 + i], want = 0;

			if (boff == SZ_4K && b->frozen && is_lane(b, i))
				continue;
			if (seed && (full || i == slot))
				want = aclmem_word(seed, boff + i * 8);
			CHECK(got == want,
			      "mapping %p (%s page %llu, seed %llx%s): word at buffer offset 0x%llx is 0x%llx, want 0x%llx",
			      (void *)m->addr, aclmem_ps_name(b->ps),
			      (unsigned long long)(boff / b->ps),
			      (unsigned long long)seed,
			      m->dmabuf ? ", dma-buf" : "",
			      (unsigned long long)(boff + i * 8),
			      (unsigned long long)got, (unsigned long long)want);
		}
	}
}

/* The handles of /dev/aclmem file @dev, per the model. */
static unsigned int dev_handles(int dev)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_HANDLES; i++)
		if (K.handles[i].used && K.handles[i].dev == dev)
			n++;
	return n;
}

/* An address range of @len + 2 * @align, PROT_NONE, to place things in. */
struct area {
	char *start;
	size_t len;
	char *aligned;
};

static void area_get(struct area *a, size_t len, size_t align)
{
	a->len = len + 2 * align;
	a->start = mmap(NULL, a->len, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(a->start != MAP_FAILED, "reserve %zu bytes: %s", a->len,
	      strerror(errno));
	a->aligned = (char *)(((uintptr_t)a->start + align - 1) &
			      ~(uintptr_t)(align - 1));
}

/* Give back the area around [used, used + len) (NULL: all of it). */
static void area_put(const struct area *a, char *used, size_t len)
{
	if (!used) {
		munmap(a->start, a->len);
		return;
	}
	if (used > a->start)
		munmap(a->start, used - a->start);
	if (used + len < a->start + a->len)
		munmap(used + len, a->start + a->len - (used + len));
}

/*
 * Split the model's mapping @mi so that [off, off + len) of it is an entry
 * of its own; returns that entry. The kernel splits its VMA likewise.
 */
static int map_carve(int mi, size_t off, size_t len)
{
	struct map m = K.maps[mi];
	int tail;

	if (off + len < m.len) {
		tail = map_new(m.addr + off + len, m.len - off - len, m.buf,
			       m.boff + off + len, m.dmabuf);
		K.maps[tail].prot = m.prot;
		K.maps[tail].dontfork = m.dontfork;
		K.maps[mi].len = off + len;
		stat_inc(ST_SPLIT);
	}
	if (off) {
		int mid = map_new(m.addr + off, len, m.buf, m.boff + off,
				  m.dmabuf);

		K.maps[mid].prot = m.prot;
		K.maps[mid].dontfork = m.dontfork;
		K.maps[mi].len = off;
		stat_inc(ST_SPLIT);
		return mid;
	}
	return mi;
}

static void map_drop(int mi)
{
	int b = K.maps[mi].buf;

	memset(&K.maps[mi], 0, sizeof(K.maps[mi]));
	buf_put(b);
}

/* A page-aligned part of mapping @m: page offset and count in it. */
static void pick_part(const struct map *m, size_t *off, size_t *len,
		      bool proper)
{
	__u64 ps = K.bufs[m->buf].ps;
	unsigned int n = m->len / ps, first, cnt;

	do {
		first = below(n);
		cnt = 1 + below(n - first);
	} while (proper && n > 1 && first == 0 && cnt == n);
	*off = first * ps;
	*len = cnt * ps;
}

/* How far inside a page a bad cut is: 4 KiB, or 2 MiB for 1 GiB pages. */
static size_t bad_cut(const struct map *m)
{
	return K.bufs[m->buf].ps == SZ_1G ? SZ_2M : SZ_4K;
}

static bool is_multi(const void *p)
{
	const struct map *m = p;

	return !m->dmabuf && m->len > K.bufs[m->buf].ps;
}

static bool is_writable(const void *p)
{
	const struct map *m = p;

	return (m->prot & PROT_WRITE) && !K.bufs[m->buf].frozen;
}

static bool is_own_exportable(const void *p)
{
	const struct handle *h = p;

	return !h->imported && !h->exported;
}

/* ------------------------------------------------------------------ */
/* Publications                                                        */
/* ------------------------------------------------------------------ */

static struct pub *my_pub(void)
{
	return &K.sh->pub[K.slot];
}

static void unpublish_token(__u64 token)
{
	struct pub *p = my_pub();

	if (!token || p->token != token)
		return;
	pub_begin(p);
	p->token = 0;
	pub_end(p);
}

static void unpublish_dmabuf(int d)
{
	struct pub *p = my_pub();

	if (!K.dbufs[d].published)
		return;
	pub_begin(p);
	p->dmabuf = -1;
	pub_end(p);
	K.dbufs[d].published = false;
}

/* Remember @token for the final check that no token outlives the run. */
static void log_token(__u64 token)
{
	__u32 i = __atomic_fetch_add(&K.sh->nr_tokens, 1, __ATOMIC_RELAXED);

	if (i < MAX_TOKENS)
		__atomic_store_n(&K.sh->tokens[i], token, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Lanes: both sides of a token write the buffer while it is shared    */
/* ------------------------------------------------------------------ */

/*
 * The word of lane @w (a writer's slot) in its second 4 KiB, where the
 * sampled pattern uses one word (aclmem_slot(), seed 1 for a page never
 * written) and the zero check also the first and the last.
 */
static unsigned int lane_index(const struct buf *b, unsigned int w)
{
	unsigned int slot = aclmem_slot(b->seed[0] ? b->seed[0] : 1, SZ_4K);

	return 1 + (slot + w) % 510;
}

/* Whether word @i of the buffer's second 4 KiB is a lane. */
static bool is_lane(const struct buf *b, unsigned int i)
{
	unsigned int w;

	for (w = 0; w < NR_SLOTS; w++)
		if (i == lane_index(b, w))
			return true;
	return false;
}

/* Where a mapping of buffer @b holds lane @w (writable if @write). */
static volatile __u64 *lane_word(int b, unsigned int w, bool write)
{
	__u64 off = SZ_4K + 8 * lane_index(&K.bufs[b], w);
	int i;

	for (i = 0; i < MAX_MAPS; i++) {
		const struct map *m = &K.maps[i];

		if (!m->used || m->buf != b || off < m->boff ||
		    off >= m->boff + m->len)
			continue;
		if (write && !(m->prot & PROT_WRITE))
			continue;
		return (volatile __u64 *)(m->addr + (off - m->boff));
	}
	return NULL;
}

static bool has_lanes(const void *p)
{
	return ((const struct buf *)p)->token != 0;
}

/*
 * Write our lane of a buffer shared by token (exported here or imported),
 * then check the other processes' lanes through our own mapping: a copy
 * of the pages instead of the pages fails here.
 */
static void lane_visit(int b)
{
	volatile __u64 *w;
	struct lane *ln;
	unsigned int s;

	w = lane_word(b, K.slot, true);
	if (w) {
		__u64 v = rnd() | 1;

		ln = &K.sh->lanes[K.bufs[b].owner][K.slot];
		__atomic_add_fetch(&ln->seq, 1, __ATOMIC_SEQ_CST);
		*w = v;
		__atomic_store_n(&ln->token, K.bufs[b].token, __ATOMIC_SEQ_CST);
		__atomic_store_n(&ln->value, v, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&ln->seq, 1, __ATOMIC_SEQ_CST);
		stat_inc(ST_LANE_WRITE);
	}
	for (s = 0; s < NR_SLOTS; s++) {
		__u64 token, value, got;
		__u32 s1, s2;

		w = lane_word(b, s, false);
		if (s == K.slot || !w)
			continue;
		ln = &K.sh->lanes[K.bufs[b].owner][s];
		s1 = __atomic_load_n(&ln->seq, __ATOMIC_SEQ_CST);
		token = __atomic_load_n(&ln->token, __ATOMIC_SEQ_CST);
		value = __atomic_load_n(&ln->value, __ATOMIC_SEQ_CST);
		got = *w;
		s2 = __atomic_load_n(&ln->seq, __ATOMIC_SEQ_CST);
		if ((s1 & 1) || s1 != s2 || token != K.bufs[b].token)
			continue;
		CHECK(got == value,
		      "lane of slot %u in the buffer of token 0x%llx (slot %d's): 0x%llx here, 0x%llx written there: not the same pages",
		      s, (unsigned long long)token, K.bufs[b].owner,
		      (unsigned long long)got, (unsigned long long)value);
		stat_inc(ST_LANE_CHECK);
	}
}

static void op_lane(void)
{
	int b = PICK(K.bufs, MAX_BUFS, has_lanes);

	if (b >= 0)
		lane_visit(b);
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

static void op_free(void);

static void op_alloc(void)
{
	unsigned int n = 1 + below(MAX_PAGES);
	int dev = below(2), b;
	__u32 id = 0;
	__u64 off = 0;
	int rc;

	if (K.held_2m + n > MAX_2M_HELD ||
	    FREE_COUNT(K.handles, MAX_HANDLES) < MAX_HANDLES / 4 ||
	    FREE_COUNT(K.bufs, MAX_BUFS) < MAX_BUFS / 4) {
		op_free();
		return;
	}
	rc = _aclmem_alloc(K.dev[dev], n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &id,
			   &off);
	CHECK_RC(0, rc, "ALLOC 2M");
	CHECK(id && off == (__u64)id << 40, "handle %u at offset 0x%llx", id,
	      (unsigned long long)off);
	b = buf_new(n * SZ_2M, SZ_2M, true);
	handle_new(dev, b, id, off, false);
	stat_inc(ST_ALLOC);
}

static void op_alloc_1g(void)
{
	int dev = below(2), b;
	__u32 id = 0;
	__u64 off = 0;
	int rc;

	if (!room(0, true) ||
	    __atomic_fetch_add(&K.sh->nr_1g, 1, __ATOMIC_SEQ_CST) >= MAX_1G)
		return;
	rc = _aclmem_alloc(K.dev[dev], SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &id,
			   &off);
	if (rc == -ENOMEM) {
		/* no free aligned GiB to grow the pool with: allowed */
		stat_inc(ST_ALLOC_1G_NOMEM);
		return;
	}
	CHECK_RC(0, rc, "ALLOC 1G");
	b = buf_new(SZ_1G, SZ_1G, true);
	handle_new(dev, b, id, off, false);
	stat_inc(ST_ALLOC_1G);
}

static void op_free(void)
{
	int i = PICK(K.handles, MAX_HANDLES, any);
	struct handle *h;

	if (i < 0)
		return;
	h = &K.handles[i];
	if (h->exported)
		unpublish_token(h->token);
	CHECK_RC(0, _aclmem_free(K.dev[h->dev], h->id), "FREE");
	buf_put(h->buf);
	memset(h, 0, sizeof(*h));
	stat_inc(ST_FREE);
}

static void op_munmap(void);

static void op_mmap(void)
{
	int i = PICK(K.handles, MAX_HANDLES, any), mode;
	struct handle *h;
	struct buf *b;
	struct area a;
	size_t off, len;
	char *p, *want = NULL;
	int flags = MAP_SHARED;

	if (!room(MAX_MAPS / 4, false)) {
		op_munmap();
		return;
	}
	if (i < 0)
		return;
	h = &K.handles[i];
	b = &K.bufs[h->buf];
	off = below(b->npages);
	len = (1 + below(b->npages - off)) * b->ps;
	off *= b->ps;
	mode = below(3);
	if (mode) {
		area_get(&a, len, b->ps);
		want = a.aligned;
		if (mode == 1)
			area_put(&a, NULL, 0);	/* a hint, now free */
		else
			flags |= MAP_FIXED;
	}
	p = mmap(want, len, PROT_READ | PROT_WRITE, flags, K.dev[h->dev],
		 (off_t)(h->off + off));
	CHECK(p != MAP_FAILED, "mmap %s handle %u +0x%zx len 0x%zx (mode %d): %s",
	      aclmem_ps_name(b->ps), h->id, off, len, mode, strerror(errno));
	if (mode == 2) {
		CHECK(p == want, "MAP_FIXED at %p gave %p", want, p);
		area_put(&a, p, len);
	}
	CHECK((uintptr_t)p % b->ps == 0, "mmap of %s pages at %p",
	      aclmem_ps_name(b->ps), p);
	i = map_new(p, len, h->buf, off, false);
	if (below(2))
		check_map(&K.maps[i]);
	stat_inc(ST_MMAP);
}

static void op_munmap(void)
{
	int i = PICK(K.maps, MAX_MAPS, any);
	struct map *m;

	if (i < 0)
		return;
	m = &K.maps[i];
	check_map(m);
	CHECK_RC(0, sys_rc(munmap(m->addr, m->len)), "munmap");
	map_drop(i);
	stat_inc(ST_MUNMAP);
}

/* munmap of whole pages out of a mapping, or of a part of a page (EINVAL) */
static void op_munmap_part(void)
{
	int i = PICK(K.maps, MAX_MAPS, is_multi);
	size_t off, len;
	struct map *m;

	if (i < 0 || !room(2, false))
		return;
	m = &K.maps[i];
	if (!below(4)) {
		size_t cut = bad_cut(m);

		CHECK_RC(EINVAL, sys_rc(munmap(m->addr + cut, cut)),
			 "munmap inside a page");
		stat_inc(ST_INVALID);
		return;
	}
	pick_part(m, &off, &len, true);
	i = map_carve(i, off, len);
	m = &K.maps[i];
	check_map(m);
	CHECK_RC(0, sys_rc(munmap(m->addr, m->len)), "munmap of pages");
	map_drop(i);
	stat_inc(ST_MUNMAP);
}

static void op_mprotect(void)
{
	int i = PICK(K.maps, MAX_MAPS, any);
	size_t off = 0, len;
	struct map *m;
	int prot;

	if (i < 0 || !room(2, false))
		return;
	m = &K.maps[i];
	len = m->len;
	prot = m->prot == PROT_READ ? PROT_READ | PROT_WRITE : PROT_READ;
	if (!m->dmabuf && !below(4)) {
		size_t cut = bad_cut(m);

		/* a change inside a page (no change would be no split) */
		CHECK_RC(EINVAL, sys_rc(mprotect(m->addr + cut, cut, prot)),
			 "mprotect inside a page");
		stat_inc(ST_INVALID);
		return;
	}
	if (!m->dmabuf)
		pick_part(m, &off, &len, false);
	CHECK_RC(0, sys_rc(mprotect(m->addr + off, len, prot)), "mprotect");
	i = map_carve(i, off, len);
	K.maps[i].prot = prot;
	if (below(2))
		check_map(&K.maps[i]);
	stat_inc(ST_MPROTECT);
}

static void op_madvise(void)
{
	int i = PICK(K.maps, MAX_MAPS, any);
	size_t off = 0, len;
	struct map *m;
	int adv;

	if (i < 0 || !room(2, false))
		return;
	m = &K.maps[i];
	len = m->len;
	switch (below(6)) {
	case 0:
		/* VM_PFNMAP: no LRU advice */
		CHECK_RC(EINVAL, sys_rc(madvise(m->addr, len, MADV_DONTNEED)),
			 "MADV_DONTNEED");
		stat_inc(ST_INVALID);
		check_map(m);
		return;
	case 1:
		CHECK_RC(0, sys_rc(madvise(m->addr, len, MADV_HUGEPAGE)),
			 "MADV_HUGEPAGE");
		break;
	case 2:
		/* 4 KiB entries: only where that stays cheap */
		if (K.bufs[m->buf].ps != SZ_2M)
			return;
		CHECK_RC(0, sys_rc(madvise(m->addr, len, MADV_NOHUGEPAGE)),
			 "MADV_NOHUGEPAGE");
		break;
	case 3:
		if (!m->dmabuf) {
			size_t cut = bad_cut(m);
			int rc = sys_rc(madvise(m->addr + cut, cut,
						MADV_DONTFORK));

			/* a split inside a page, unless nothing changes */
			CHECK_RC(m->dontfork ? 0 : EINVAL, rc,
				 "MADV_DONTFORK inside a page");
			stat_inc(ST_INVALID);
			return;
		}
		/* fall through */
	default:
		adv = below(2) ? MADV_DONTFORK : MADV_DOFORK;
		if (!m->dmabuf)
			pick_part(m, &off, &len, false);
		CHECK_RC(0, sys_rc(madvise(m->addr + off, len, adv)),
			 adv == MADV_DONTFORK ? "MADV_DONTFORK" : "MADV_DOFORK");
		i = map_carve(i, off, len);
		K.maps[i].dontfork = adv == MADV_DONTFORK;
		break;
	}
	stat_inc(ST_MADVISE);
}

static void op_mremap(void)
{
	int i = PICK(K.maps, MAX_MAPS, any);
	size_t off = 0, len, ps, cut;
	struct area a;
	struct map *m;
	char *p;

	if (i < 0 || !room(2, false))
		return;
	m = &K.maps[i];
	ps = K.bufs[m->buf].ps;
	cut = bad_cut(m);
	switch (below(5)) {
	case 0:
		/* VM_DONTEXPAND */
		p = mremap(m->addr, m->len, m->len + ps, MREMAP_MAYMOVE);
		CHECK_RC(EFAULT, p == MAP_FAILED ? -errno : 0, "mremap grow");
		stat_inc(ST_INVALID);
		return;
	case 1:
		p = mremap(m->addr, m->len, m->len,
			   MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mremap DONTUNMAP");
		stat_inc(ST_INVALID);
		return;
	case 2:
		/* shrink by whole pages, or to inside a page */
		if (m->dmabuf || m->len == ps)
			return;
		if (below(3)) {
			size_t keep = (1 + below(m->len / ps - 1)) * ps;
			size_t len0 = m->len;
			char *addr = m->addr;

			check_map(m);
			p = mremap(addr, len0, keep, 0);
			CHECK(p == addr, "mremap shrink to 0x%zx: %s", keep,
			      p == MAP_FAILED ? strerror(errno) : "moved");
			map_drop(map_carve(i, keep, len0 - keep));
			stat_inc(ST_MREMAP);
			return;
		}
		p = mremap(m->addr, m->len, m->len - cut, 0);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mremap shrink inside a page");
		stat_inc(ST_INVALID);
		return;
	default:
		break;
	}
	/* a move, of the mapping or of some of its pages */
	if (m->dmabuf || (ps == SZ_1G && !K.mremap_1g))
		return;
	pick_part(m, &off, &len, false);
	area_get(&a, len, ps);
	if (!below(3)) {
		p = mremap(m->addr + off, len, len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, a.aligned + cut);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mremap to an unaligned address");
		area_put(&a, NULL, 0);
		stat_inc(ST_INVALID);
		check_map(m);
		return;
	}
	check_map(m);
	p = mremap(m->addr + off, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   a.aligned);
	CHECK(p == a.aligned, "mremap to %p: %s", (void *)a.aligned,
	      p == MAP_FAILED ? strerror(errno) : "elsewhere");
	area_put(&a, p, len);
	i = map_carve(i, off, len);
	K.maps[i].addr = p;
	check_map(&K.maps[i]);
	stat_inc(ST_MREMAP);
}

/* fork(2): the child checks every mapping it inherited and exits. */
static void op_fork(void)
{
	pid_t parent = getpid(), pid;
	int status, i;

	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		K.op = "fork child";
		for (i = 0; i < MAX_MAPS; i++) {
			struct map *m = &K.maps[i];
			unsigned char vec;

			if (!m->used)
				continue;
			if (m->dontfork) {
				CHECK(mincore(m->addr, SZ_4K, &vec) == -1 &&
				      errno == ENOMEM,
				      "MADV_DONTFORK mapping %p is in the child",
				      (void *)m->addr);
				continue;
			}
			check_map(m);
		}
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "fork child: status 0x%x", status);
	stat_inc(ST_FORK);
}

/* close(2) of a /dev/aclmem file: its handles go, mappings stay. */
static void op_close(void)
{
	int dev = below(2), i;

	for (i = 0; i < MAX_HANDLES; i++) {
		struct handle *h = &K.handles[i];

		if (!h->used || h->dev != dev)
			continue;
		if (h->exported)
			unpublish_token(h->token);
		buf_put(h->buf);
		memset(h, 0, sizeof(*h));
	}
	CHECK_RC(0, sys_rc(close(K.dev[dev])), "close");
	K.dev[dev] = aclmem_open();
	CHECK(K.dev[dev] >= 0, "open: %s", strerror(errno));
	stat_inc(ST_CLOSE);
}

static int _export(int fd, __u32 h, __u32 flags, __u64 *token)
{
	struct aclmem_export cmd = { .handle = h, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT, &cmd);

	if (!rc)
		*token = cmd.out_token;
	return rc;
}

static int _set_pids(int fd, __u64 token, const __u32 *pids, __u32 nr)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)pids,
		.nr_pids = nr,
	};

	return _aclmem_ioctl(fd, ACLMEM_IOC_SET_PIDS, &cmd);
}

static int _import(int fd, __u64 token, bool by_fd, struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = token };
	int rc = _aclmem_ioctl(fd, by_fd ? ACLMEM_IOC_IMPORT_FD :
			       ACLMEM_IOC_IMPORT, &cmd);

	if (!rc)
		*out = cmd;
	return rc;
}

/* EXPORT a handle of ours, name the others (or ANY_PID), publish. */
static void op_export(void)
{
	int i = PICK(K.handles, MAX_HANDLES, is_own_exportable), s;
	struct pub *p = my_pub(), peer;
	__u32 pids[NR_SLOTS] = { 0 }, nr = 0;
	struct handle *h;
	struct buf *b;
	bool any_pid = below(2);
	__u64 token = 0;

	if (i < 0)
		return;
	h = &K.handles[i];
	b = &K.bufs[h->buf];
	b->frozen = true;
	CHECK_RC(0, _export(K.dev[h->dev], h->id,
			    any_pid ? ACLMEM_EXPORT_ANY_PID : 0, &token),
		 "EXPORT");
	CHECK(token, "token 0");
	h->exported = true;
	h->token = token;
	b->token = token;
	b->owner = K.slot;
	log_token(token);
	CHECK_RC(EEXIST, _export(K.dev[h->dev], h->id, 0, &token),
		 "EXPORT again");
	if (!any_pid) {
		for (s = 0; s < NR_SLOTS; s++) {
			if (s == (int)K.slot || !pub_read(&K.sh->pub[s], &peer,
							  NULL))
				continue;
			if (peer.tgid && below(4))
				pids[nr++] = peer.tgid;
		}
		/* our own pid too, so that we may import it ourselves */
		pids[nr++] = K.tgid;
		CHECK_RC(0, _set_pids(K.dev[h->dev], token, pids, nr),
			 "SET_PIDS");
		CHECK_RC(EINVAL, _set_pids(K.dev[h->dev], token, pids, 0),
			 "SET_PIDS of none");
	} else {
		CHECK_RC(EPERM, _set_pids(K.dev[h->dev], token, &K.tgid, 1),
			 "SET_PIDS of an ANY_PID token");
	}
	/* the exporter is admitted like anyone: another handle, freed */
	{
		struct aclmem_import imp;
		int dev = below(2);

		CHECK_RC(0, _import(K.dev[dev], token, false, &imp),
			 "IMPORT of our own token");
		CHECK_RC(0, _aclmem_free(K.dev[dev], imp.out_handle),
			 "FREE of our own import");
	}
	pub_begin(p);
	p->token = token;
	p->any_pid = any_pid;
	p->nr_pids = nr;
	memcpy(p->pids, pids, sizeof(p->pids));
	p->size = b->size;
	p->page_size = b->ps;
	memcpy(p->seeds, b->seed, sizeof(p->seeds));
	pub_end(p);
	stat_inc(ST_EXPORT);
}

/* Model a successful import of @pp (a token, or its dma-buf with @by_fd). */
static void import_model(const struct pub *pp, int slot, bool by_fd, int dev,
			 const struct aclmem_import *imp)
{
	__u64 token;
	int b, i;

	CHECK(imp->out_size == (by_fd ? pp->db_size : pp->size) &&
	      imp->out_page_size == (by_fd ? pp->db_page_size :
				     pp->page_size),
	      "imported %llu bytes of %llu byte pages",
	      (unsigned long long)imp->out_size,
	      (unsigned long long)imp->out_page_size);
	b = buf_new(imp->out_size, imp->out_page_size, false);
	K.bufs[b].frozen = true;
	memcpy(K.bufs[b].seed, by_fd ? pp->db_seeds : pp->seeds,
	       sizeof(K.bufs[b].seed));
	if (!by_fd) {
		K.bufs[b].token = pp->token;
		K.bufs[b].owner = slot;
	}
	i = handle_new(dev, b, imp->out_handle, imp->out_offset, true);
	CHECK_RC(EPERM, _export(K.dev[dev], imp->out_handle, 0, &token),
		 "EXPORT of an imported handle");
	if (!by_fd || below(2)) {
		char *p = mmap(NULL, imp->out_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, K.dev[dev], (off_t)imp->out_offset);
		int m;

		CHECK(p != MAP_FAILED, "mmap of an import: %s", strerror(errno));
		m = map_new(p, imp->out_size, K.handles[i].buf, 0, false);
		check_map(&K.maps[m]);
		if (K.bufs[b].token)
			lane_visit(b);
	}
}

/* IMPORT another child's token: admitted, refused, or gone. */
static void op_import(void)
{
	unsigned int s = below(NR_SLOTS), j;
	int dev = below(2), rc;
	struct aclmem_import imp;
	struct pub pp;
	bool admitted;

	if (s == K.slot || !room(1, true) ||
	    !pub_read(&K.sh->pub[s], &pp, NULL) || !pp.token)
		return;
	admitted = pp.any_pid;
	for (j = 0; j < pp.nr_pids && j < NR_SLOTS; j++)
		if (pp.pids[j] == K.tgid)
			admitted = true;
	rc = _import(K.dev[dev], pp.token, false, &imp);
	/* the exporter may have freed the handle, or died, meanwhile */
	if (rc == -ENOENT) {
		stat_inc(ST_IMPORT_GONE);
		return;
	}
	if (!admitted) {
		CHECK_RC(EACCES, rc, "IMPORT without being named");
		stat_inc(ST_IMPORT_DENIED);
		return;
	}
	CHECK_RC(0, rc, "IMPORT");
	import_model(&pp, s, false, dev, &imp);
	stat_inc(ST_IMPORT);
}

/* EXPORT_FD: map the dma-buf, import it back, maybe publish it. */
static void op_export_fd(void)
{
	int i = PICK(K.handles, MAX_HANDLES, any), d, m;
	struct aclmem_export_fd cmd = { 0 };
	struct handle *h;
	struct buf *b;

	if (i < 0 || !room(1, true))
		return;
	d = FREE_SLOT(K.dbufs, MAX_DBUFS);
	if (d < 0)
		return;
	h = &K.handles[i];
	b = &K.bufs[h->buf];
	cmd.handle = h->id;
	cmd.flags = below(2) ? ACLMEM_EXPORT_FD_CLOEXEC : 0;
	CHECK_RC(0, _aclmem_ioctl(K.dev[h->dev], ACLMEM_IOC_EXPORT_FD, &cmd),
		 "EXPORT_FD");
	K.dbufs[d].used = true;
	K.dbufs[d].fd = cmd.out_fd;
	K.dbufs[d].buf = h->buf;
	b->refs++;
	stat_inc(ST_EXPORT_FD);

	if (below(2)) {
		struct area a;
		char *p;

		/* an aligned hint for huge entries, or wherever it lands */
		if (b->ps == SZ_1G || below(2)) {
			area_get(&a, b->size, b->ps);
			area_put(&a, NULL, 0);
			p = mmap(a.aligned, b->size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, cmd.out_fd, 0);
		} else {
			p = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, cmd.out_fd, 0);
		}
		CHECK(p != MAP_FAILED, "mmap of a dma-buf: %s", strerror(errno));
		m = map_new(p, b->size, h->buf, 0, true);
		check_map(&K.maps[m]);
		p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 cmd.out_fd, 0);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "MAP_PRIVATE of a dma-buf");
	}
	if (below(2)) {
		struct aclmem_import imp;
		int dev = below(2);

		CHECK_RC(0, _import(K.dev[dev], (__u64)cmd.out_fd, true, &imp),
			 "IMPORT_FD");
		CHECK(imp.out_size == b->size, "IMPORT_FD size");
		handle_new(dev, h->buf, imp.out_handle, imp.out_offset, true);
		stat_inc(ST_IMPORT_FD);
	}
	if (my_pub()->dmabuf < 0 && below(2)) {
		struct pub *p = my_pub();

		b->frozen = true;
		pub_begin(p);
		p->dmabuf = cmd.out_fd;
		p->db_size = b->size;
		p->db_page_size = b->ps;
		memcpy(p->db_seeds, b->seed, sizeof(p->db_seeds));
		pub_end(p);
		K.dbufs[d].published = true;
	}
}

static void op_close_dmabuf(void)
{
	int d = PICK(K.dbufs, MAX_DBUFS, any);

	if (d < 0)
		return;
	unpublish_dmabuf(d);
	CHECK_RC(0, sys_rc(close(K.dbufs[d].fd)), "close of a dma-buf");
	buf_put(K.dbufs[d].buf);
	memset(&K.dbufs[d], 0, sizeof(K.dbufs[d]));
}

/* Take another child's published dma-buf fd with pidfd_getfd(2). */
static void op_getfd(void)
{
	unsigned int s = below(NR_SLOTS);
	struct pub pp;
	__u32 seq;
	int pidfd, fd;

	if (s == K.slot || !room(1, true) ||
	    !pub_read(&K.sh->pub[s], &pp, &seq) || pp.dmabuf < 0 || !pp.tgid)
		return;
	pidfd = syscall(SYS_pidfd_open, pp.tgid, 0);
	if (pidfd < 0)
		return;		/* gone */
	fd = syscall(SYS_pidfd_getfd, pidfd, pp.dmabuf, 0);
	close(pidfd);
	if (fd < 0)
		return;		/* closed, or its process died */
	/* still published after we took it: it is the dma-buf it says */
	if (!pub_unchanged(&K.sh->pub[s], seq)) {
		close(fd);
		return;
	}
	{
		struct aclmem_import imp;
		int dev = below(2);

		CHECK_RC(0, _import(K.dev[dev], (__u64)fd, true, &imp),
			 "IMPORT_FD of a dma-buf from pidfd_getfd");
		import_model(&pp, s, true, dev, &imp);
	}
	close(fd);
	stat_inc(ST_GETFD);
}

static void op_check(void)
{
	int i = PICK(K.maps, MAX_MAPS, any);

	if (i >= 0)
		check_map(&K.maps[i]);
}

/* Zero the words aclmem_fill_sampled(@seed) wrote outside its full pages. */
static void clear_sampled(void *buf, size_t len, __u64 seed, __u64 base)
{
	volatile __u64 *w = buf;
	size_t off;

	for (off = 0; off < len; off += SZ_4K)
		if (!aclmem_full_page(base + off))
			w[off / 8 + aclmem_slot(seed, base + off)] = 0;
}

static void op_write(void)
{
	int i = PICK(K.maps, MAX_MAPS, is_writable);
	struct map *m;
	struct buf *b;
	unsigned int page;
	__u64 seed;
	char *p;

	if (i < 0)
		return;
	m = &K.maps[i];
	b = &K.bufs[m->buf];
	page = m->boff / b->ps + below(m->len / b->ps);
	seed = rnd() | 1;
	p = m->addr + page * b->ps - m->boff;
	/* the old pattern's sampled words go, so that the rest stays zero */
	if (b->seed[page])
		clear_sampled(p, b->ps, b->seed[page], page * b->ps);
	aclmem_fill_sampled(p, b->ps, seed, page * b->ps);
	b->seed[page] = seed;
	stat_inc(ST_WRITE);
}


/* INFO and QUERY agree with the model; no page reference changed. */
/* INFO of /dev/aclmem file @dev agrees with the model. */
static void info_check(int dev)
{
	__u64 n = aclmem_nr_handles(K.dev[dev]);

	CHECK(n == dev_handles(dev), "INFO: %llu handles, want %u",
	      (unsigned long long)n, dev_handles(dev));
}

/* QUERY of handle @h (with @flags) agrees with the model. */
static void query_check(const struct handle *h, __u32 flags)
{
	struct aclmem_query q;

	CHECK_RC(0, _aclmem_query(K.dev[h->dev], h->id, flags, &q), "QUERY");
	CHECK(q.out_size == K.bufs[h->buf].size &&
	      q.out_page_size == K.bufs[h->buf].ps && q.out_offset == h->off,
	      "QUERY: size %llu page size %llu offset 0x%llx",
	      (unsigned long long)q.out_size,
	      (unsigned long long)q.out_page_size,
	      (unsigned long long)q.out_offset);
	CHECK(q.out_bad_refs == 0, "%llu pages with a changed refcount",
	      (unsigned long long)q.out_bad_refs);
}

static void op_query(void)
{
	int i = PICK(K.handles, MAX_HANDLES, any), dev;

	for (dev = 0; dev < 2; dev++)
		info_check(dev);
	if (i >= 0)
		query_check(&K.handles[i],
			    below(4) ? 0 : ACLMEM_QUERY_CHECK_REFS);
}

/* ioctls that must fail (@which < NR_INVALID_IOCTLS), on file @dev. */
#define NR_INVALID_IOCTLS	9

static void invalid_ioctl(int dev, unsigned int which)
{
	struct aclmem_alloc a = { .size = SZ_2M, .page_size = SZ_2M,
				  .node = ACLMEM_NODE_ANY };
	struct aclmem_import imp;
	int fd = K.dev[dev];

	switch (which) {
	case 0:
		a.size = 0;
		CHECK_RC(EINVAL, _aclmem_alloc_cmd(fd, &a), "ALLOC size 0");
		break;
	case 1:
		a.size = 3 * SZ_4K * 256;	/* 3 MiB */
		CHECK_RC(EINVAL, _aclmem_alloc_cmd(fd, &a), "ALLOC 3 MiB");
		break;
	case 2:
		a.page_size = SZ_4K;
		CHECK_RC(EINVAL, _aclmem_alloc_cmd(fd, &a), "ALLOC 4K pages");
		break;
	case 3:
		a.flags = 1U << below(32);
		CHECK_RC(EINVAL, _aclmem_alloc_cmd(fd, &a), "ALLOC flags");
		break;
	case 4:
		a.size = ACLMEM_MAX_HANDLE_SIZE + SZ_2M;
		CHECK_RC(EOVERFLOW, _aclmem_alloc_cmd(fd, &a), "ALLOC huge");
		break;
	case 5:
		a.node = 4096 + below(1000);
		CHECK_RC(EINVAL, _aclmem_alloc_cmd(fd, &a), "ALLOC node");
		break;
	case 6:
		CHECK_RC(ENOENT, _aclmem_free(fd, 0x7fff0000U + below(1000)),
			 "FREE of no handle");
		break;
	case 7:
		CHECK_RC(ENOENT, _import(fd, rnd() | 1, false, &imp),
			 "IMPORT of a random token");
		break;
	case 8:
		/* not a dma-buf; and a closed fd */
		CHECK_RC(EINVAL, _import(fd, (__u64)K.dev[!dev], true, &imp),
			 "IMPORT_FD of /dev/aclmem");
		CHECK_RC(EBADF, _import(fd, 1000 + below(1000), true, &imp),
			 "IMPORT_FD of a closed fd");
		break;
	}
}

/* Calls that must fail, with the errno the contract names. */
static void op_invalid(void)
{
	int dev = below(2), i = PICK(K.handles, MAX_HANDLES, any);
	struct area ar;
	struct handle *h = i >= 0 ? &K.handles[i] : NULL;
	struct buf *b = h ? &K.bufs[h->buf] : NULL;
	unsigned int which = below(16);
	int fd = K.dev[dev];
	void *p;

	switch (which) {
	case 0 ... NR_INVALID_IOCTLS - 1:
		invalid_ioctl(dev, which);
		break;
	case 9:
		/* offset of no handle */
		p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)(0x7fff0ULL << 40));
		CHECK_RC(ENXIO, p == MAP_FAILED ? -errno : 0,
			 "mmap of no handle");
		break;
	case 10:
		if (!h)
			return;
		p = mmap(NULL, b->ps, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 K.dev[h->dev], (off_t)h->off);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mmap MAP_PRIVATE");
		break;
	case 11:
		if (!h)
			return;
		p = mmap(NULL, b->ps, PROT_READ | PROT_WRITE, MAP_SHARED,
			 K.dev[h->dev], (off_t)(h->off + (b->ps == SZ_1G ?
							  SZ_2M : SZ_4K)));
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mmap at an offset inside a page");
		break;
	case 12:
		if (!h)
			return;
		p = mmap(NULL, b->size + b->ps, PROT_READ | PROT_WRITE,
			 MAP_SHARED, K.dev[h->dev], (off_t)h->off);
		CHECK_RC(ENXIO, p == MAP_FAILED ? -errno : 0,
			 "mmap beyond the handle");
		break;
	case 13:
		if (!h || b->ps != SZ_2M)
			return;
		p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
			 K.dev[h->dev], (off_t)h->off);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mmap of 4 KiB");
		break;
	case 14:
		if (!h)
			return;
		area_get(&ar, b->ps, b->ps);
		p = mmap(ar.aligned + (b->ps == SZ_1G ? SZ_2M : SZ_4K), b->ps,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 K.dev[h->dev], (off_t)h->off);
		CHECK_RC(EINVAL, p == MAP_FAILED ? -errno : 0,
			 "mmap MAP_FIXED unaligned");
		area_put(&ar, NULL, 0);
		break;
	default:
		if (!h)
			return;
		/* another process's token cannot take our pids (EACCES) */
		{
			struct pub pp;
			unsigned int s = below(NR_SLOTS);
			__u32 me = K.tgid;

			if (s == K.slot || !pub_read(&K.sh->pub[s], &pp, NULL) ||
			    !pp.token)
				return;
			int rc = _set_pids(fd, pp.token, &me, 1);

			CHECK(rc == -EACCES || rc == -ENOENT,
			      "SET_PIDS of another process's token: %s",
			      err_name(-rc));
		}
		break;
	}
	stat_inc(ST_INVALID);
}

/*
 * A run of cheap calls, each checked against the model: INFO, QUERY (no
 * page walk), ioctls that must fail. (No ALLOC + FREE here: under TCG a
 * freed 2 MiB page takes ~10 ms to clear, which op_alloc() and op_free()
 * pay often enough.)
 */
static void op_calls(void)
{
	unsigned int n = 256 + below(512), j;
	int dev, i;

	for (j = 0; j < n; j++) {
		dev = below(2);
		switch (below(32)) {
		case 0 ... 8:
			info_check(dev);
			break;
		case 9 ... 16:
			i = PICK(K.handles, MAX_HANDLES, any);
			if (i >= 0)
				query_check(&K.handles[i], 0);
			break;
		default:
			invalid_ioctl(dev, below(NR_INVALID_IOCTLS));
			break;
		}
		/* a kill loses at most the last few */
		if (j % 32 == 31)
			calls_flush();
	}
}

struct op_entry {
	void (*fn)(void);
	unsigned int weight;
	const char *name;
};

static const struct op_entry ops[] = {
	{ op_alloc, 10, "alloc" },
	{ op_alloc_1g, 1, "alloc 1G" },
	{ op_free, 6, "free" },
	{ op_mmap, 10, "mmap" },
	{ op_munmap, 6, "munmap" },
	{ op_munmap_part, 4, "munmap part" },
	{ op_mprotect, 4, "mprotect" },
	{ op_madvise, 4, "madvise" },
	{ op_mremap, 5, "mremap" },
	{ op_fork, 2, "fork" },
	{ op_close, 1, "close" },
	{ op_export, 4, "export" },
	{ op_import, 8, "import" },
	{ op_export_fd, 3, "export_fd" },
	{ op_close_dmabuf, 2, "close dma-buf" },
	{ op_getfd, 3, "pidfd_getfd" },
	{ op_check, 6, "check" },
	{ op_write, 6, "write" },
	{ op_query, 2, "query" },
	{ op_invalid, 6, "invalid" },
	{ op_lane, 12, "lane" },
	{ op_calls, 24, "calls" },
};

/* Check, unmap and free everything; the files must hold no handle. */
static void child_finish(void)
{
	struct pub *p = my_pub();
	int i;

	K.op = "finish";
	pub_begin(p);
	p->token = 0;
	p->dmabuf = -1;
	pub_end(p);
	for (i = 0; i < MAX_MAPS; i++) {
		struct buf *b = &K.bufs[K.maps[i].buf];

		if (!K.maps[i].used)
			continue;
		check_map(&K.maps[i]);
		/* every byte; a 1 GiB buffer once, and only by its owner */
		if (b->ps == SZ_2M || (b->own && !b->checked)) {
			check_full(&K.maps[i]);
			b->checked = true;
		}
		CHECK_RC(0, sys_rc(munmap(K.maps[i].addr, K.maps[i].len)),
			 "munmap");
		map_drop(i);
	}
	for (i = 0; i < MAX_DBUFS; i++) {
		if (!K.dbufs[i].used)
			continue;
		close(K.dbufs[i].fd);
		buf_put(K.dbufs[i].buf);
		memset(&K.dbufs[i], 0, sizeof(K.dbufs[i]));
	}
	for (i = 0; i < MAX_HANDLES; i++) {
		struct handle *h = &K.handles[i];

		if (!h->used)
			continue;
		CHECK_RC(0, _aclmem_free(K.dev[h->dev], h->id), "FREE");
		buf_put(h->buf);
		memset(h, 0, sizeof(*h));
	}
	for (i = 0; i < 2; i++) {
		__u64 n = aclmem_nr_handles(K.dev[i]);

		CHECK(n == 0, "file %d holds %llu handles after FREE of all", i,
		      (unsigned long long)n);
		close(K.dev[i]);
	}
	for (i = 0; i < MAX_BUFS; i++)
		CHECK(!K.bufs[i].used, "model: buffer %d still referenced", i);
}

static int stress_child(char **argv)
{
	unsigned int total = 0, i, r;
	__u64 seed = strtoull(argv[2], NULL, 0), t;
	int shmfd = atoi(argv[5]);
	const char *env = getenv("ACLMEM_STRESS_MREMAP_1G");
	struct pub *p;

	K.id = atoi(argv[3]);
	K.slot = atoi(argv[4]);
	K.rng = aclmem_mix(seed ^ (0x51ed27ULL * (K.id + 1)));
	K.mremap_1g = !env || atoi(env);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	K.sh = mmap(NULL, sizeof(*K.sh), PROT_READ | PROT_WRITE, MAP_SHARED,
		    shmfd, 0);
	CHECK(K.sh != MAP_FAILED, "mmap of the shared memfd: %s",
	      strerror(errno));
	close(shmfd);
	for (i = 0; i < 2; i++) {
		K.dev[i] = aclmem_open();
		CHECK(K.dev[i] >= 0, "open: %s", strerror(errno));
	}
	{
		struct aclmem_info info;

		CHECK_RC(0, _aclmem_info(K.dev[0], 0, &info), "INFO");
		K.tgid = info.out_tgid;
	}
	p = my_pub();
	pub_begin(p);
	p->tgid = K.tgid;
	p->token = 0;
	p->dmabuf = -1;
	pub_end(p);

	/* the first child takes a 1 GiB page early, before any kill */
	if (K.id == 0) {
		K.op = "alloc 1G";
		op_alloc_1g();
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	while (!__atomic_load_n(&K.sh->stop, __ATOMIC_RELAXED)) {
		r = below(total);
		for (i = 0; r >= ops[i].weight; i++)
			r -= ops[i].weight;
		K.op = ops[i].name;
		t = now_ns();
		ops[i].fn();
		__atomic_add_fetch(&K.sh->op_ns[i], now_ns() - t,
				   __ATOMIC_RELAXED);
		__atomic_add_fetch(&K.sh->op_nr[i], 1, __ATOMIC_RELAXED);
		stat_inc(ST_OPS);
		calls_flush();
	}
	child_finish();
	calls_flush();
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parent                                                              */
/* ------------------------------------------------------------------ */

FIXTURE(stress) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(stress)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(stress)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

static pid_t spawn(__u64 seed, unsigned int id, unsigned int slot, int shmfd)
{
	char s_seed[32], s_id[16], s_slot[16], s_fd[16];
	pid_t pid;

	snprintf(s_seed, sizeof(s_seed), "%llu", (unsigned long long)seed);
	snprintf(s_id, sizeof(s_id), "%u", id);
	snprintf(s_slot, sizeof(s_slot), "%u", slot);
	snprintf(s_fd, sizeof(s_fd), "%d", shmfd);
	fflush(stdout);
	fflush(stderr);
	pid = aclmem_fork();
	if (pid == 0) {
		execl("/proc/self/exe", "stress_test", "--child", s_seed, s_id,
		      s_slot, s_fd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void untrack(pid_t pid)
{
	int i;

	for (i = 0; i < ACLMEM_MAX_TRACKED; i++)
		if (aclmem_kids[i] == pid)
			aclmem_kids[i] = 0;
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : def;
}

/* A slot's child is gone: what it published and its lanes go too. */
static void slot_reset(struct shared *sh, unsigned int s)
{
	struct pub *p = &sh->pub[s];
	unsigned int o;

	/* it may have died half way through a publication */
	if (p->seq & 1)
		p->seq++;
	pub_begin(p);
	p->tgid = 0;
	p->token = 0;
	p->dmabuf = -1;
	pub_end(p);
	/* the token first, so that no reader pairs the new seq with it */
	for (o = 0; o < NR_SLOTS; o++) {
		struct lane *ln = &sh->lanes[o][s];

		if (!(ln->seq & 1))
			__atomic_add_fetch(&ln->seq, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&ln->token, 0, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&ln->seq, 1, __ATOMIC_SEQ_CST);
	}
}

/* Poll INFO until both pools are idle and at their target, or give up. */
static int pools_settle(int fd, struct aclmem_info *info)
{
	unsigned int tries, i;

	for (tries = 0; tries < SETTLE_SECONDS * 10; tries++) {
		bool idle = true;

		if (_aclmem_info(fd, 0, info))
			return -1;
		for (i = 0; i < ACLMEM_NR_POOLS; i++) {
			const struct aclmem_pool_stats *st = &info->out_pools[i];

			if (st->dirty || st->free != st->target || st->in_use)
				idle = false;
		}
		if (idle)
			return 0;
		aclmem_msleep(100);
	}
	return -1;
}

TEST_F_TIMEOUT(stress, random_ops, MAX_SECONDS + SETTLE_SECONDS + 60)
{
	const char *env_seed = getenv("ACLMEM_STRESS_SEED");
	unsigned int target = env_uint("ACLMEM_STRESS_CALLS", DEFAULT_CALLS);
	pid_t kids[NR_SLOTS] = { 0 };
	unsigned int next_id = 0, kills = 0, failures = 0, s, i;
	__u64 seed, rng, next_kill, start, deadline, done;
	struct aclmem_info info;
	struct shared *sh;
	char first[256];
	int shmfd, kmsg, status;
	pid_t pid;

	seed = env_seed && *env_seed ? strtoull(env_seed, NULL, 0) :
	       (now_ns() ^ ((__u64)getpid() << 32));
	printf("# seed: %llu (replay: ACLMEM_STRESS_SEED=%llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	printf("# %u processes at a time until they made %u system calls (ACLMEM_STRESS_CALLS), at most %u s\n",
	       NR_SLOTS, target, MAX_SECONDS);
	fflush(stdout);
	rng = aclmem_mix(seed);

	kmsg = aclmem_kmsg_open();
	/* orphaned grandchildren come to us, to be reaped */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	shmfd = memfd_create("aclmem-stress", 0);
	ASSERT_LE(0, shmfd);
	ASSERT_EQ(0, ftruncate(shmfd, sizeof(*sh)));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, shmfd,
		  0);
	ASSERT_NE(MAP_FAILED, sh);
	for (s = 0; s < NR_SLOTS; s++)
		sh->pub[s].dmabuf = -1;
	start = now_ns();
	deadline = start + MAX_SECONDS * 1000000000ULL;

	for (s = 0; s < NR_SLOTS; s++) {
		kids[s] = spawn(seed, next_id++, s, shmfd);
		ASSERT_LT(0, kids[s]);
	}
	rng += 1;
	next_kill = now_ns() + (500 + aclmem_mix(rng) % 2500) * 1000000ULL;

	while (!failures) {
		done = __atomic_load_n(&sh->stats[ST_CALLS], __ATOMIC_RELAXED);
		if (done >= target || now_ns() >= deadline)
			break;
		aclmem_msleep(20);
		/* a child ends only when told to, or when it failed */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			untrack(pid);
			for (s = 0; s < NR_SLOTS; s++) {
				if (kids[s] != pid)
					continue;
				kids[s] = 0;
				failures++;
				TH_LOG("child in slot %u ended early: %d", s,
				       aclmem_exit_code(status));
			}
		}
		if (now_ns() < next_kill)
			continue;
		/* SIGKILL one in the middle of whatever it does, replace it */
		rng += 1;
		s = aclmem_mix(rng) % NR_SLOTS;
		if (!kids[s])
			continue;
		kill(kids[s], SIGKILL);
		ASSERT_EQ(kids[s], waitpid(kids[s], &status, 0));
		untrack(kids[s]);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
			failures++;
			TH_LOG("child in slot %u: exit %d before the kill", s,
			       aclmem_exit_code(status));
		}
		kills++;
		slot_reset(sh, s);
		kids[s] = spawn(seed, next_id++, s, shmfd);
		ASSERT_LT(0, kids[s]);
		rng += 1;
		next_kill = now_ns() + (500 + aclmem_mix(rng) % 2500) *
			    1000000ULL;
	}

	/* the end: every child checks, frees and exits */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	for (s = 0; s < NR_SLOTS; s++) {
		if (!kids[s])
			continue;
		ASSERT_EQ(kids[s], waitpid(kids[s], &status, 0));
		untrack(kids[s]);
		EXPECT_EQ(0, aclmem_exit_code(status)) {
			TH_LOG("child in slot %u failed", s);
		}
	}
	/* and whatever they forked: no child left */
	while ((pid = waitpid(-1, &status, 0)) > 0)
		untrack(pid);
	EXPECT_EQ(ECHILD, errno);
	EXPECT_EQ(0U, failures);

	done = sh->stats[ST_CALLS];
	printf("# %llu system calls in %llu s by %u processes (%u killed, at least %u at a time):",
	       (unsigned long long)done,
	       (unsigned long long)((now_ns() - start) / 1000000000ULL),
	       next_id, kills, NR_SLOTS);
	for (i = 0; i < NR_STATS; i++)
		printf(" %s %llu", stat_names[i],
		       (unsigned long long)sh->stats[i]);
	printf("\n# time per operation (count, ms in all):");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		printf(" %s %llu %llu;", ops[i].name,
		       (unsigned long long)sh->op_nr[i],
		       (unsigned long long)(sh->op_ns[i] / 1000000));
	printf("\n");
	fflush(stdout);
	EXPECT_LE(target, done) {
		TH_LOG("only %llu of %u system calls in %u s",
		       (unsigned long long)done, target, MAX_SECONDS);
	}
	EXPECT_LT(0U, kills);
	/* buffers were written by both sides while shared, and checked */
	EXPECT_LT(0U, sh->stats[ST_LANE_CHECK]);

	/* no token outlives the run: every one is unknown now */
	for (i = 0; i < sh->nr_tokens && i < MAX_TOKENS; i++) {
		struct aclmem_import imp = { .token = sh->tokens[i] };

		EXPECT_EQ(-ENOENT, _aclmem_ioctl(self->fd, ACLMEM_IOC_IMPORT,
						 &imp)) {
			TH_LOG("token 0x%llx still imports",
			       (unsigned long long)sh->tokens[i]);
		}
	}
	printf("# %u tokens published, %u checked gone\n", sh->nr_tokens,
	       sh->nr_tokens < MAX_TOKENS ? sh->nr_tokens : MAX_TOKENS);

	/*
	 * Once the zeroing worker is idle: no page in use, every pool at its
	 * target (the rest back to the kernel), nothing left to clear, and a
	 * new file has no handle.
	 */
	EXPECT_EQ(0, pools_settle(self->fd, &info));
	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		const struct aclmem_pool_stats *st = &info.out_pools[i];

		EXPECT_EQ(0U, st->in_use) {
			TH_LOG("%s pool: %llu pages in use", aclmem_ps_name(
			       st->page_size), (unsigned long long)st->in_use);
		}
		EXPECT_EQ(st->target, st->free) {
			TH_LOG("%s pool: %llu free, target %llu",
			       aclmem_ps_name(st->page_size),
			       (unsigned long long)st->free,
			       (unsigned long long)st->target);
		}
		EXPECT_EQ(0U, st->dirty);
	}
	{
		int fd = aclmem_open();

		ASSERT_LE(0, fd);
		EXPECT_EQ(0U, aclmem_nr_handles(fd));
		close(fd);
	}
	EXPECT_EQ(0, aclmem_kmsg_scan(kmsg, first, sizeof(first))) {
		TH_LOG("kernel log: %s", first);
	}
	if (kmsg >= 0)
		close(kmsg);
	munmap(sh, sizeof(*sh));
	close(shmfd);
}

/* The harness's main, after the children's. */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "--child"))
		return stress_child(argv);
	return test_harness_run(argc, argv);
}
