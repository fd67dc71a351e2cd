// SPDX-License-Identifier: GPL-2.0
/*
 * Description: every allocation an operation makes may fail, and the
 * operation then fails cleanly. For each of open(2) of /dev/aclmem, ALLOC
 * of 2 MiB pages (from a warm pool, and growing it), ALLOC of a 1 GiB page,
 * EXPORT, SET_PIDS, IMPORT (of an ACLMEM_EXPORT_ANY_PID token of the same
 * process: the exporter is admitted like anyone), EXPORT_FD and IMPORT_FD,
 * a sweep arms a fault knob with n = 1, 2, 3, ... and runs the operation
 * once per n, until it succeeds with the knob still armed (no more
 * allocation sites). Every failed attempt must have fired the knob,
 * returned ENOMEM (EMFILE for the fd reservation of EXPORT_FD), and left
 * nothing behind: the file's handle count, the pools' in_use and the
 * process's open fds are what they were before the attempt. An attempt
 * that succeeds although the kernel's knob fired (a failure the kernel
 * absorbed) must leave the same state once undone.
 *
 * Two knobs, one variant each: the module's own,
 * /sys/kernel/debug/aclmem/fail_nth (kmod/fault.c: the Nth allocation site
 * of the writing process fails), and the kernel's fail-nth
 * (/proc/thread-self/fail-nth with failslab and fail_page_alloc set to
 * fail sleeping allocations of any order), which fails allocations deep
 * inside the kernel functions the module calls. The kernel's needs
 * CONFIG_FAULT_INJECTION (not in Debian's kernels): SKIP without it.
 */
#define _GNU_SOURCE
#include <dirent.h>

#include "aclmem_utils.h"

#define KERNEL_KNOB	"/proc/thread-self/fail-nth"
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc/"
#define FAIL_USERCOPY	"/sys/kernel/debug/fail_usercopy"

/* Sites a sweep may find before it gives up. */
#define MAX_SITES	256

/*
 * Debugfs settings of the kernel variant, saved and restored. Quiet, so
 * that no "forcing a failure" stack trace lands in the kernel log; the
 * usercopy knob exists only with CONFIG_FAULT_INJECTION_USERCOPY.
 */
static const struct {
	const char *path, *value;
	bool optional;
} kernel_settings[] = {
	{ FAILSLAB "ignore-gfp-wait", "N", false },
	{ FAILSLAB "verbose", "0", false },
	{ FAIL_PAGE "ignore-gfp-wait", "N", false },
	{ FAIL_PAGE "min-order", "0", false },
	{ FAIL_PAGE "verbose", "0", false },
	{ FAIL_USERCOPY "/verbose", "0", true },
};

#define NR_SETTINGS	(sizeof(kernel_settings) / sizeof(kernel_settings[0]))

/* Open file descriptors of this process (the directory's own included). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------------ */
/* The knob                                                            */
/* ------------------------------------------------------------------ */

/*
 * The module's knob is a debugfs attribute, which cannot be read twice
 * through one open file (nor pread): it is opened for each access, which
 * reaches no allocation site of the module. The kernel's is kept open:
 * an open(2) would be one more fault point.
 */
struct knob {
	int fd;
	bool kernel;
};

static int knob_open(struct knob *k, bool kernel)
{
	k->kernel = kernel;
	k->fd = open(kernel ? KERNEL_KNOB : ACLMEM_FAIL_NTH, O_RDWR | O_CLOEXEC);
	return k->fd < 0 ? -errno : 0;
}

static int knob_set(const struct knob *k, unsigned int n)
{
	char buf[16];
	int len;

	if (!k->kernel)
		return aclmem_fail_nth_set(n);
	len = snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(k->fd, buf, len, 0) == len)
		return 0;
	/*
	 * Disarming is a fault point too: a knob still armed may fire at the
	 * copy_from_user of this very write, which leaves it disarmed; the
	 * second write then goes through.
	 */
	if (errno != EFAULT || n)
		return -errno;
	return pwrite(k->fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Sites still to pass before the failure: 0 once it fired. Reading the
 * kernel's knob may itself be a fault point (a failing copy_to_user): then
 * the count was not 0 when the read began.
 */
static long knob_left(const struct knob *k)
{
	char buf[32];
	ssize_t n;

	if (!k->kernel)
		return aclmem_fail_nth_left();
	n = pread(k->fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return errno == EFAULT ? 1 : -errno;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

struct fi_state {
	/* the /dev/aclmem file the operation works on */
	int fd;
	/* ALLOC */
	__u64 size, page_size;
	/* a handle to export, made by prepare */
	__u32 h;
	/* what a successful operation made */
	__u32 out_h;
	int out_fd;
	/* EXPORT's token; SET_PIDS's and IMPORT's input */
	__u64 token;
	/* IMPORT_FD's input */
	int dmabuf;
};

struct fi_op {
	const char *name;
	/* unarmed, before each attempt: 0 or -errno */
	int (*prepare)(struct fi_state *st);
	/* armed: 0 or -errno */
	int (*run)(struct fi_state *st);
	/* unarmed, after a successful run */
	void (*undo)(struct fi_state *st);
	/* unarmed, after each attempt */
	void (*finish)(struct fi_state *st);
	/* the errno of the last site, if not ENOMEM */
	int last_errno;
};

static int run_open(struct fi_state *st)
{
	st->out_fd = aclmem_open();
	return st->out_fd < 0 ? -errno : 0;
}

static void undo_close(struct fi_state *st)
{
	close(st->out_fd);
	st->out_fd = -1;
}

static int run_alloc(struct fi_state *st)
{
	return _aclmem_alloc(st->fd, st->size, st->page_size, ACLMEM_NODE_ANY,
			     &st->out_h, NULL);
}

static void undo_free(struct fi_state *st)
{
	_aclmem_free(st->fd, st->out_h);
	st->out_h = 0;
}

static int prepare_handle(struct fi_state *st)
{
	return _aclmem_alloc(st->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &st->h,
			     NULL);
}

static void finish_handle(struct fi_state *st)
{
	_aclmem_free(st->fd, st->h);
	st->h = 0;
}

static int run_export(struct fi_state *st)
{
	struct aclmem_export cmd = { .handle = st->h };
	int rc = _aclmem_ioctl(st->fd, ACLMEM_IOC_EXPORT, &cmd);

	st->token = rc ? 0 : cmd.out_token;
	return rc;
}

static void undo_nothing(struct fi_state *st)
{
	(void)st;
}

static int prepare_exported(struct fi_state *st)
{
	int rc = prepare_handle(st);

	if (rc)
		return rc;
	rc = run_export(st);
	if (rc)
		finish_handle(st);
	return rc;
}

static int run_set_pids(struct fi_state *st)
{
	__u32 pids[3] = { 1, (__u32)getpid(), 0x7ffffffe };
	struct aclmem_set_pids cmd = {
		.token = st->token,
		.pids = (uintptr_t)pids,
		.nr_pids = 3,
	};

	return _aclmem_ioctl(st->fd, ACLMEM_IOC_SET_PIDS, &cmd);
}

static int run_import(struct fi_state *st)
{
	struct aclmem_import cmd = { .token = st->token };
	int rc = _aclmem_ioctl(st->fd, ACLMEM_IOC_IMPORT, &cmd);

	st->out_h = rc ? 0 : cmd.out_handle;
	return rc;
}

static int run_export_fd(struct fi_state *st)
{
	struct aclmem_export_fd cmd = {
		.handle = st->h,
		.flags = ACLMEM_EXPORT_FD_CLOEXEC,
	};
	int rc = _aclmem_ioctl(st->fd, ACLMEM_IOC_EXPORT_FD, &cmd);

	st->out_fd = rc ? -1 : cmd.out_fd;
	return rc;
}

static int run_import_fd(struct fi_state *st)
{
	struct aclmem_import cmd = { .token = (__u64)st->dmabuf };
	int rc = _aclmem_ioctl(st->fd, ACLMEM_IOC_IMPORT_FD, &cmd);

	st->out_h = rc ? 0 : cmd.out_handle;
	return rc;
}

static const struct fi_op op_open = {
	.name = "open", .run = run_open, .undo = undo_close,
};

static const struct fi_op op_alloc = {
	.name = "ALLOC", .run = run_alloc, .undo = undo_free,
};

static const struct fi_op op_export = {
	.name = "EXPORT", .prepare = prepare_handle, .run = run_export,
	.undo = undo_nothing, .finish = finish_handle,
};

static const struct fi_op op_set_pids = {
	.name = "SET_PIDS", .prepare = prepare_exported, .run = run_set_pids,
	.undo = undo_nothing, .finish = finish_handle,
};

static const struct fi_op op_import = {
	.name = "IMPORT", .run = run_import, .undo = undo_free,
};

static const struct fi_op op_export_fd = {
	.name = "EXPORT_FD", .run = run_export_fd, .undo = undo_close,
	.last_errno = EMFILE,
};

static const struct fi_op op_import_fd = {
	.name = "IMPORT_FD", .run = run_import_fd, .undo = undo_free,
};

/* ------------------------------------------------------------------ */
/* The sweep                                                           */
/* ------------------------------------------------------------------ */

struct snapshot {
	__u64 handles;
	__u64 in_use[ACLMEM_NR_POOLS];
	int fds;
};

static int snap(int fd, struct snapshot *s)
{
	struct aclmem_info info;
	int i, rc = _aclmem_info(fd, 0, &info);

	if (rc)
		return rc;
	s->handles = info.out_handles;
	for (i = 0; i < ACLMEM_NR_POOLS; i++)
		s->in_use[i] = info.out_pools[i].in_use;
	s->fds = count_fds();
	return 0;
}

#define expect_same(before, after, what, n) do {			\
	EXPECT_EQ((before).handles, (after).handles) {			\
		TH_LOG("%s, n=%u: a handle left behind", what, n);	\
	}								\
	EXPECT_EQ((before).in_use[0], (after).in_use[0]) {		\
		TH_LOG("%s, n=%u: 2M in_use changed", what, n);		\
	}								\
	EXPECT_EQ((before).in_use[1], (after).in_use[1]) {		\
		TH_LOG("%s, n=%u: 1G in_use changed", what, n);		\
	}								\
	EXPECT_EQ((before).fds, (after).fds) {				\
		TH_LOG("%s, n=%u: an fd leaked", what, n);		\
	}								\
} while (0)

/*
 * Runs @op armed with n = 1, 2, ... until it succeeds; checks every failed
 * attempt. Returns the number of sites that failed, -1 after a failure.
 * EXPECT only, so that a forked child can run it too.
 */
static int sweep(struct __test_metadata *_metadata, const struct knob *k,
		 const struct fi_op *op, struct fi_state *st)
{
	struct snapshot before, after;
	bool usercopy = k->kernel && !access(FAIL_USERCOPY, F_OK);
	int errs[MAX_SITES];
	unsigned int n, i, absorbed = 0;
	long left;
	int rc;

	for (n = 1; n <= MAX_SITES; n++) {
		if (op->prepare) {
			rc = op->prepare(st);
			EXPECT_EQ(0, rc) {
				TH_LOG("%s: prepare: %s", op->name,
				       strerror(-rc));
			}
			if (rc)
				return -1;
		}
		EXPECT_EQ(0, snap(st->fd, &before));
		EXPECT_EQ(0, knob_set(k, n));
		rc = op->run(st);
		left = knob_left(k);
		EXPECT_EQ(0, knob_set(k, 0));

		if (!rc && left > 0) {
			/* no site left to fail: the knob never fired */
			op->undo(st);
			if (op->finish)
				op->finish(st);
			break;
		}
		errs[n - 1] = -rc;
		if (!rc) {
			/*
			 * The knob fired where the kernel absorbs a failure:
			 * beside each allocation, KASAN's stack depot and
			 * kmemleak's metadata allocate too, and fall back
			 * quietly. Only the kernel's knob reaches such sites;
			 * the operation's result must still be whole.
			 */
			EXPECT_TRUE(k->kernel) {
				TH_LOG("%s, n=%u: succeeded but the knob fired",
				       op->name, n);
			}
			absorbed++;
			op->undo(st);
			EXPECT_EQ(0, snap(st->fd, &after));
			expect_same(before, after, op->name, n);
			if (op->finish)
				op->finish(st);
			if (!_metadata->passed)
				return -1;
			continue;
		}
		EXPECT_EQ(0, left) {
			TH_LOG("%s, n=%u: %s without the knob firing (%ld left)",
			       op->name, n, strerror(-rc), left);
		}
		EXPECT_EQ(0, snap(st->fd, &after));
		expect_same(before, after, op->name, n);
		if (op->finish)
			op->finish(st);
		if (!_metadata->passed)
			return -1;
	}
	EXPECT_GE(MAX_SITES, n) {
		TH_LOG("%s: still failing after %d sites", op->name, MAX_SITES);
	}
	if (n > MAX_SITES)
		return -1;

	/* the errnos: ENOMEM, or the last site's own */
	for (i = 0; i + 1 < n; i++) {
		int want = ENOMEM;

		if (!errs[i])
			continue;
		if (op->last_errno && i + 2 == n)
			want = op->last_errno;
		if (k->kernel) {
			/* any allocation in the kernel may be the one */
			EXPECT_TRUE(errs[i] == ENOMEM || errs[i] == want ||
				    (usercopy && errs[i] == EFAULT)) {
				TH_LOG("%s, n=%u: %s", op->name, i + 1,
				       strerror(errs[i]));
			}
		} else {
			EXPECT_EQ(want, errs[i]) {
				TH_LOG("%s, n=%u: %s, want %s", op->name, i + 1,
				       strerror(errs[i]), strerror(want));
			}
		}
	}
	TH_LOG("%s: %u allocation sites (%s knob), %u failures absorbed",
	       op->name, n - 1 - absorbed, k->kernel ? "kernel" : "module",
	       absorbed);
	return _metadata->passed ? (int)(n - 1 - absorbed) : -1;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

FIXTURE(fi) {
	int fd;
	struct aclmem_info base;
	struct knob knob;
	char skip[128];
	char saved[NR_SETTINGS][32];
	bool changed[NR_SETTINGS];
};

FIXTURE_VARIANT(fi) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(fi, module) {
	.kernel = false,
};

FIXTURE_VARIANT_ADD(fi, kernel) {
	.kernel = true,
};

FIXTURE_SETUP(fi)
{
	unsigned int i;

	self->knob.fd = -1;
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	if (variant->kernel) {
		if (access("/proc/self/fail-nth", F_OK) ||
		    access(FAILSLAB, F_OK) || access(FAIL_PAGE, F_OK)) {
			snprintf(self->skip, sizeof(self->skip),
				 "no fail-nth, failslab or fail_page_alloc (CONFIG_FAULT_INJECTION)");
			return;
		}
		for (i = 0; i < NR_SETTINGS; i++) {
			const char *path = kernel_settings[i].path;

			if (kernel_settings[i].optional && access(path, F_OK))
				continue;
			ASSERT_EQ(0, aclmem_read_line(path, self->saved[i],
					       sizeof(self->saved[i])));
			self->changed[i] = true;
			ASSERT_EQ(0, aclmem_write_file(path,
						kernel_settings[i].value));
		}
	} else if (access(ACLMEM_FAIL_NTH, F_OK)) {
		snprintf(self->skip, sizeof(self->skip), "%s: %s", ACLMEM_FAIL_NTH,
			 strerror(errno));
		return;
	}
	ASSERT_EQ(0, knob_open(&self->knob, variant->kernel));
	ASSERT_EQ(0, knob_set(&self->knob, 0));
}

FIXTURE_TEARDOWN(fi)
{
	unsigned int i;

	if (self->knob.fd >= 0) {
		knob_set(&self->knob, 0);
		close(self->knob.fd);
	}
	for (i = 0; i < NR_SETTINGS; i++) {
		if (self->changed[i]) {
			EXPECT_EQ(0, aclmem_write_file(kernel_settings[i].path,
						self->saved[i]));
		}
	}
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define require_knob(self) do {						\
	if ((self)->skip[0])						\
		SKIP(return, "%s", (self)->skip);			\
} while (0)

static void st_init(struct fi_state *st, int fd)
{
	memset(st, 0, sizeof(*st));
	st->fd = fd;
	st->out_fd = -1;
	st->dmabuf = -1;
}

TEST_F(fi, open)
{
	struct fi_state st;

	require_knob(self);
	st_init(&st, self->fd);
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_open, &st));
}

/*
 * ALLOC of one 2 MiB page from the warm pool, then of one page more than
 * the pool holds free, which grows it: one more site.
 */
TEST_F(fi, alloc_2m)
{
	struct aclmem_pool_stats st0, st1;
	struct fi_state st;
	int warm, grow;

	require_knob(self);
	st_init(&st, self->fd);
	aclmem_pool(self->fd, SZ_2M, &st0);
	ASSERT_LE(1U, st0.free);
	st.size = SZ_2M;
	st.page_size = SZ_2M;
	warm = sweep(_metadata, &self->knob, &op_alloc, &st);
	ASSERT_LE(1, warm);

	aclmem_pool(self->fd, SZ_2M, &st0);
	st.size = (st0.free + 1) * SZ_2M;
	grow = sweep(_metadata, &self->knob, &op_alloc, &st);
	ASSERT_LE(1, grow);
	aclmem_pool(self->fd, SZ_2M, &st1);
	/* the last attempt took a page from the kernel */
	EXPECT_LT(st0.grown, st1.grown);
	EXPECT_EQ(st0.free, st1.free);
	if (!self->knob.kernel) {
		EXPECT_EQ(warm + 1, grow);
	}
}

TEST_F_TIMEOUT(fi, alloc_1g, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats st0;
	struct fi_state st;

	require_knob(self);
	st_init(&st, self->fd);
	aclmem_pool(self->fd, SZ_1G, &st0);
	if (!st0.free)
		SKIP(return, "no free 1 GiB page in the pool");
	st.size = SZ_1G;
	st.page_size = SZ_1G;
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_alloc, &st));
}

TEST_F(fi, export)
{
	struct fi_state st;

	require_knob(self);
	st_init(&st, self->fd);
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_export, &st));
}

TEST_F(fi, set_pids)
{
	struct fi_state st;

	require_knob(self);
	st_init(&st, self->fd);
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_set_pids, &st));
}

/* IMPORT of our own ANY_PID token: a new handle each time. */
TEST_F(fi, import)
{
	struct fi_state st;
	struct aclmem_export exp = { .flags = ACLMEM_EXPORT_ANY_PID };
	__u32 h = 0;

	require_knob(self);
	st_init(&st, self->fd);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	exp.handle = h;
	ASSERT_EQ(0, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT, &exp));
	st.token = exp.out_token;
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_import, &st));
	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	aclmem_free(self->fd, h);
}

TEST_F(fi, export_fd)
{
	struct fi_state st;

	require_knob(self);
	st_init(&st, self->fd);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &st.h, NULL);
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_export_fd, &st));
	aclmem_free(self->fd, st.h);
}

TEST_F(fi, import_fd)
{
	struct aclmem_export_fd exp = { .flags = ACLMEM_EXPORT_FD_CLOEXEC };
	struct fi_state st;
	__u32 h = 0;

	require_knob(self);
	st_init(&st, self->fd);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	exp.handle = h;
	ASSERT_EQ(0, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT_FD, &exp));
	aclmem_free(self->fd, h);
	/* the dma-buf holds the pages; its import is the only handle */
	st.dmabuf = exp.out_fd;
	EXPECT_LE(1, sweep(_metadata, &self->knob, &op_import_fd, &st));
	close(exp.out_fd);
}

TEST_HARNESS_MAIN
