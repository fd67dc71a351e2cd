// SPDX-License-Identifier: GPL-2.0
/*
 * Description: where 1 GiB pages come from and who may grow the pool.
 * The QEMU guest (scripts/qemu-test.sh) has all its memory above 4 GiB in
 * ZONE_MOVABLE (movablecore=3G) and loads aclmem with movable_1g=1: with
 * movable_1g off, growing the 1 GiB pool fails (ZONE_DMA32 is not taken
 * either), counted as failed, nothing grown; with it on, growth works.
 * An unprivileged caller grows the pool by at most grow_1g_unpriv pages a
 * minute (0: never). A task killed while it grows the pool leaves the
 * pool's counters and the kernel's free memory as they were (growth
 * with every CPU busy: grow_1g_busy_test).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>

#include "aclmem_utils.h"
#include "meminfo.h"

#define PARAMS		"/sys/module/aclmem/parameters/"
#define NOBODY		65534

FIXTURE(place_1g) {
	int fd;
	struct aclmem_info base;
	char movable[8];
	char unpriv[16];
};

/* A parameter's text (first line), or "" when missing. */
static void param_get(const char *name, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	if (aclmem_read_line(path, buf, len))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static int param_set(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	return aclmem_write_file(path, val);
}

FIXTURE_SETUP(place_1g)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	param_get("movable_1g", self->movable, sizeof(self->movable));
	param_get("grow_1g_unpriv", self->unpriv, sizeof(self->unpriv));
	ASSERT_NE('\0', self->movable[0]) {
		TH_LOG("aclmem has no movable_1g parameter");
	}
	ASSERT_NE('\0', self->unpriv[0]);
	if (self->movable[0] != 'Y')
		SKIP(return, "this test needs aclmem loaded with movable_1g=1");
}

FIXTURE_TEARDOWN(place_1g)
{
	if (self->movable[0])
		EXPECT_EQ(0, param_set("movable_1g", self->movable));
	if (self->unpriv[0])
		EXPECT_EQ(0, param_set("grow_1g_unpriv", self->unpriv));
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* One more 1 GiB page than the pool holds free: the pool must grow. */
static int alloc_grow(int fd, struct aclmem_pool_stats *st0, __u32 *h)
{
	if (_aclmem_pool(fd, SZ_1G, st0))
		return -EIO;
	return _aclmem_alloc(fd, (st0->free + 1) * SZ_1G, SZ_1G,
			     ACLMEM_NODE_ANY, h, NULL);
}

/* Nothing grown, the failure counted, the counters consistent. */
#define expect_refused(fd, st0) do {					\
	struct aclmem_pool_stats __st;					\
	aclmem_pool(fd, SZ_1G, &__st);					\
	EXPECT_EQ((st0)->grown, __st.grown);				\
	EXPECT_EQ((st0)->total, __st.total);				\
	EXPECT_EQ((st0)->in_use, __st.in_use);				\
	EXPECT_EQ((st0)->failed + 1, __st.failed);			\
	EXPECT_EQ((st0)->free, __st.free);				\
} while (0)

/* Grown by one, then freed: back to the reserve, the page given back. */
#define expect_grown_and_free(fd, st0, h) do {				\
	struct aclmem_pool_stats __st;					\
	aclmem_pool(fd, SZ_1G, &__st);					\
	EXPECT_EQ((st0)->grown + 1, __st.grown);			\
	EXPECT_EQ((st0)->in_use + (st0)->free + 1, __st.in_use);	\
	aclmem_free(fd, h);						\
	aclmem_pool(fd, SZ_1G, &__st);					\
	EXPECT_EQ((st0)->total, __st.total);				\
	EXPECT_EQ((st0)->in_use, __st.in_use);				\
} while (0)

/* The guest's free GiBs are all in ZONE_MOVABLE: only the opt-in reaches them. */
TEST_F_TIMEOUT(place_1g, movable_only_with_opt_in, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats st0;
	__u32 h = 0;

	ASSERT_EQ(0, param_set("movable_1g", "N"));
	EXPECT_EQ(-ENOMEM, alloc_grow(self->fd, &st0, &h));
	expect_refused(self->fd, &st0);

	ASSERT_EQ(0, param_set("movable_1g", "Y"));
	ASSERT_EQ(0, alloc_grow(self->fd, &st0, &h));
	expect_grown_and_free(self->fd, &st0, h);
}

/* Become nobody, without capabilities (as privilege_test does). */
static int drop_to_nobody(void)
{
	char status[4096], *cap;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	if (aclmem_read_file("/proc/self/status", status, sizeof(status)))
		return -1;
	cap = strstr(status, "CapEff:");
	return cap && strtoull(cap + 7, NULL, 16) == 0 ? 0 : -1;
}

/*
 * In a child turned nobody: ALLOC needing one grow, then FREE, @tries
 * times; exit status: 0 for each success (bit i set for a failure).
 */
static int unpriv_grows(int fd, int tries)
{
	struct aclmem_pool_stats st0;
	pid_t pid = fork();
	int status, i, rc, out = 0;
	__u32 h;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (drop_to_nobody())
			_exit(255);
		for (i = 0; i < tries; i++) {
			rc = alloc_grow(fd, &st0, &h);
			if (rc == -ENOMEM)
				out |= 1 << i;
			else if (rc || _aclmem_free(fd, h))
				_exit(254);
		}
		_exit(out);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * @n children turned nobody, released at once, each an ALLOC of one GiB
 * (the caller leaves the pool none free), held until all have answered,
 * then FREE: how many were refused
 * (ENOMEM), or -1. They all ask within a moment, so that however long a
 * growth takes they fall in one minute of grow_1g_unpriv (the bound is
 * checked before the scan); held, no page one frees serves a late one.
 */
static int unpriv_grows_together(int fd, int n)
{
	int go[2], done[2], hold[2], i, status, refused = 0, bad = 0;
	pid_t pids[4];
	__u32 h;
	char c;

	if (n > 4 || pipe(go) || pipe(done) || pipe(hold))
		return -1;
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (!pids[i]) {
			int rc;

			close(go[1]);
			close(done[0]);
			close(hold[1]);
			if (drop_to_nobody() || read(go[0], &c, 1) != 1)
				_exit(255);
			rc = _aclmem_alloc(fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY,
					   &h, NULL);
			if (write(done[1], "d", 1) != 1)
				_exit(255);
			/* the parent closes hold[1] once every child answered */
			while (read(hold[0], &c, 1) > 0)
				;
			if (rc == -ENOMEM)
				_exit(1);
			_exit(rc || _aclmem_free(fd, h) ? 254 : 0);
		}
	}
	close(go[0]);
	close(done[1]);
	close(hold[0]);
	for (i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			bad++;
	close(go[1]);
	for (i = 0; i < n; i++)
		if (read(done[0], &c, 1) != 1)
			bad++;
	close(done[0]);
	close(hold[1]);
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) > 1)
			bad++;
		else
			refused += WEXITSTATUS(status);
	}
	return bad ? -1 : refused;
}

/* grow_1g_unpriv=0: never; =1: one grow of the minute, not the next. */
TEST_F_TIMEOUT(place_1g, unpriv_growth_bounded, ACLMEM_1G_TIMEOUT)
{
	struct aclmem_pool_stats st0, st1;
	__u32 hold = 0;
	__u64 off;

	aclmem_pool(self->fd, SZ_1G, &st0);
	ASSERT_EQ(0, param_set("grow_1g_unpriv", "0"));
	EXPECT_EQ(1, unpriv_grows(self->fd, 1));
	expect_refused(self->fd, &st0);

	/* root is not bounded */
	ASSERT_EQ(0, param_set("grow_1g_unpriv", "0"));
	{
		__u32 h = 0;

		ASSERT_EQ(0, alloc_grow(self->fd, &st0, &h));
		expect_grown_and_free(self->fd, &st0, h);
	}

	/* the pool's free GiBs held here: each GiB below needs a grow */
	aclmem_pool(self->fd, SZ_1G, &st0);
	if (st0.free)
		aclmem_alloc(self->fd, st0.free * SZ_1G, SZ_1G,
			     ACLMEM_NODE_ANY, &hold, &off);
	aclmem_pool(self->fd, SZ_1G, &st0);
	ASSERT_EQ(0U, st0.free);
	ASSERT_EQ(0, param_set("grow_1g_unpriv", "1"));
	/*
	 * Setting the parameter started a new minute: of two asking at once,
	 * one grows and the other is refused.
	 */
	EXPECT_EQ(1, unpriv_grows_together(self->fd, 2));
	aclmem_pool(self->fd, SZ_1G, &st1);
	EXPECT_EQ(st0.grown + 1, st1.grown);
	EXPECT_EQ(st0.failed + 1, st1.failed);
	EXPECT_EQ(st0.in_use, st1.in_use);
	if (hold)
		aclmem_free(self->fd, hold);
}

/*
 * SIGKILL while the pool grows by a GiB (scan, migration, clearing): the
 * killed task's growth leaves nothing behind, whenever the signal lands.
 */
TEST_F_TIMEOUT(place_1g, killed_growth_leaks_nothing, ACLMEM_1G_TIMEOUT)
{
	static const unsigned int delays_ms[] = { 50, 400, 1500 };
	struct aclmem_pool_stats st0, st1;
	struct aclmem_info info;
	long long free0, free1;
	unsigned int i;
	int status;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(delays_ms); i++) {
		aclmem_pool(self->fd, SZ_1G, &st0);
		free0 = mem_free_kb();
		ASSERT_LT(0, free0);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			int fd = aclmem_open();
			struct aclmem_pool_stats st;
			__u32 h;

			if (fd < 0)
				_exit(1);
			/* grow, free, grow again until killed */
			for (;;) {
				if (!alloc_grow(fd, &st, &h))
					_aclmem_free(fd, h);
			}
		}
		aclmem_msleep(delays_ms[i]);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		aclmem_pool(self->fd, SZ_1G, &st1);
		EXPECT_EQ(st0.total, st1.total) {
			TH_LOG("after %u ms: total %llu, was %llu", delays_ms[i],
			       (unsigned long long)st1.total,
			       (unsigned long long)st0.total);
		}
		EXPECT_EQ(st0.in_use, st1.in_use);
		EXPECT_EQ(st0.free, st1.free);
		/* pages quarantined for poison (hwpoison_test) left too */
		aclmem_info(self->fd, &info);
		EXPECT_EQ(st1.total, st1.grown - st1.shrunk -
			  info.out_poisoned[ACLMEM_POOL_1G]);
		/* the GiB is back with the kernel (64 MiB of slack) */
		free1 = mem_free_kb();
		EXPECT_LT(free0 - 65536, free1) {
			TH_LOG("after %u ms: MemFree %lld KiB, was %lld KiB",
			       delays_ms[i], free1, free0);
		}
		TH_LOG("killed after %u ms: grown %llu, failed %llu since",
		       delays_ms[i],
		       (unsigned long long)(st1.grown - st0.grown),
		       (unsigned long long)(st1.failed - st0.failed));
	}
}

TEST_HARNESS_MAIN
