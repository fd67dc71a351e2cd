// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a process that dies holding handles and mappings gives every
 * page back: a child that opens /dev/aclmem itself, allocates, maps and
 * writes, then exits without FREE, or is killed with SIGKILL while blocked,
 * while looping over ALLOC/mmap/FREE, or while the 1 GiB pool grows for
 * it. Handles on a file the child inherited stay with that file.
 */
#include "aclmem_utils.h"

FIXTURE(process_exit) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(process_exit)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(process_exit)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define BASE_IN_USE(self, ps) \
	((self)->base.out_pools[aclmem_pool_index(ps)].in_use)

/* Pages of pool @i quarantined for poison (INFO's out_poisoned). */
static __u64 poisoned(int fd, int i)
{
	struct aclmem_info info;

	return _aclmem_info(fd, 0, &info) ? ~0ULL : info.out_poisoned[i];
}

/* 2 MiB pages the "hold" child keeps when it reports ready. */
#define HOLD_PAGES	(4 + 2 + 1)

/*
 * Child: four unmapped one-page handles, a mapped two-page handle with a
 * pattern, and a one-page handle freed while mapped. Reports 'r', then
 * waits for a byte (or forever with @pause_forever). Returns an exit code.
 */
static int kid_hold(int rfd, int wfd, bool pause_forever)
{
	__u32 h = 0;
	__u64 off = 0;
	void *p = NULL, *q = NULL;
	char c;
	int fd, i;

	fd = aclmem_open();
	if (fd < 0)
		return 10;
	for (i = 0; i < 4; i++)
		if (_aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL))
			return 11;
	if (_aclmem_alloc(fd, 2 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off))
		return 12;
	if (_aclmem_mmap(fd, NULL, 2 * SZ_2M, off, MAP_SHARED, &p))
		return 13;
	aclmem_fill(p, 2 * SZ_2M, 77);
	if (aclmem_check(p, 2 * SZ_2M, 77) != -1)
		return 14;
	if (_aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, &off))
		return 15;
	if (_aclmem_mmap(fd, NULL, SZ_2M, off, MAP_SHARED, &q))
		return 16;
	aclmem_fill(q, SZ_2M, 78);
	if (_aclmem_free(fd, h))
		return 17;
	if (aclmem_pipe_send(wfd, 'r'))
		return 18;
	if (pause_forever)
		for (;;)
			pause();
	if (aclmem_pipe_recv(rfd, &c))
		return 19;
	return 0;
}

/* Forks a child running kid_hold(); returns its pid, pipes in to/from. */
static pid_t start_hold_kid(bool pause_forever, int *to, int *from)
{
	int p2c[2], c2p[2];
	pid_t pid;

	if (pipe(p2c) || pipe(c2p))
		return -1;
	pid = aclmem_fork();
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		_exit(kid_hold(p2c[0], c2p[1], pause_forever));
	}
	close(p2c[0]);
	close(c2p[1]);
	*to = p2c[1];
	*from = c2p[0];
	return pid;
}

TEST_F(process_exit, exit_without_free)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	int to = -1, from = -1, status;
	pid_t pid;
	char c = 0;

	pid = start_hold_kid(false, &to, &from);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, aclmem_pipe_recv(from, &c)) {
		TH_LOG("child died early, exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('r', c);
	aclmem_expect_in_use(self->fd, SZ_2M, base + HOLD_PAGES);
	/* nothing of it is on our file */
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));

	ASSERT_EQ(0, aclmem_pipe_send(to, 'x'));
	status = aclmem_reap(pid);
	EXPECT_EQ(0, aclmem_exit_code(status));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	close(to);
	close(from);
}

TEST_F(process_exit, sigkill_while_blocked)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	int to = -1, from = -1, status;
	pid_t pid;
	char c = 0;

	pid = start_hold_kid(true, &to, &from);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, aclmem_pipe_recv(from, &c)) {
		TH_LOG("child died early, exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('r', c);
	aclmem_expect_in_use(self->fd, SZ_2M, base + HOLD_PAGES);

	ASSERT_EQ(0, kill(pid, SIGKILL));
	status = aclmem_reap(pid);
	EXPECT_EQ(128 + SIGKILL, aclmem_exit_code(status));
	aclmem_expect_in_use(self->fd, SZ_2M, base);
	close(to);
	close(from);
}

/*
 * Child: ALLOC of 1..@maxpages pages (beyond the reserve, so the pool grows
 * and shrinks), sometimes mmap and a write, FREE; counts rounds in *rounds.
 */
static int kid_loop(volatile unsigned long *rounds, unsigned int maxpages)
{
	__u64 seed = getpid();
	unsigned long i;
	int fd;

	fd = aclmem_open();
	if (fd < 0)
		return 10;
	for (i = 0;; i++) {
		unsigned int n = 1 + aclmem_mix(seed + i) % maxpages;
		__u32 h = 0;
		__u64 off = 0;
		void *p = NULL;

		if (_aclmem_alloc(fd, n * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
				  &off))
			return 11;
		if (i & 1) {
			if (_aclmem_mmap(fd, NULL, n * SZ_2M, off, MAP_SHARED,
					 &p))
				return 12;
			*(volatile __u64 *)((char *)p + (n - 1) * SZ_2M) = i;
			if (i & 2) {
				/* free first, unmap after */
				if (_aclmem_free(fd, h))
					return 13;
				munmap(p, n * SZ_2M);
				(*rounds)++;
				continue;
			}
			munmap(p, n * SZ_2M);
		}
		if (_aclmem_free(fd, h))
			return 14;
		(*rounds)++;
	}
	return 0;
}

TEST_F_TIMEOUT(process_exit, sigkill_in_alloc_loop, 180)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	const unsigned int maxpages =
		self->base.out_pools[ACLMEM_POOL_2M].target + 4;
	volatile unsigned long *rounds;
	struct aclmem_pool_stats st;
	unsigned int k;

	rounds = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rounds);
	aclmem_track_map((void *)rounds, SZ_4K);

	for (k = 0; k < 4; k++) {
		unsigned long want = 3 + 4 * k, waited = 0;
		int status;
		pid_t pid;

		*rounds = 0;
		pid = aclmem_fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(kid_loop(rounds, maxpages));

		while (*rounds < want && waited < 60000) {
			aclmem_msleep(1);
			waited++;
			if (waitpid(pid, &status, WNOHANG) == pid) {
				ASSERT_TRUE(0) {
					TH_LOG("loop child died: exit code %d",
					       aclmem_exit_code(status));
				}
			}
		}
		ASSERT_LE(want, *rounds);
		/* land the kill at different points of a round */
		aclmem_msleep(k * 7);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		status = aclmem_reap(pid);
		EXPECT_EQ(128 + SIGKILL, aclmem_exit_code(status));

		aclmem_pool(self->fd, SZ_2M, &st);
		EXPECT_EQ(base, st.in_use) {
			TH_LOG("kill %u after %lu rounds", k, *rounds);
		}
		/* every page the loop grew was given back or kept free */
		EXPECT_EQ(st.total, st.grown - st.shrunk -
			  poisoned(self->fd, ACLMEM_POOL_2M));
		/* what the loop grew beyond the reserve went back */
		EXPECT_GE(st.target, st.free);
	}
}

/* SIGKILL while ALLOC waits for the 1 GiB pool to grow. */
TEST_F_TIMEOUT(process_exit, sigkill_while_growing_1g, ACLMEM_1G_TIMEOUT)
{
	const __u64 base = BASE_IN_USE(self, SZ_1G);
	struct aclmem_pool_stats st;
	int p2c[2], c2p[2], status;
	unsigned int delay;
	pid_t pid;
	char c = 0;

	for (delay = 0; delay <= 1000; delay += 500) {
		ASSERT_EQ(0, pipe(p2c));
		ASSERT_EQ(0, pipe(c2p));
		pid = aclmem_fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct aclmem_pool_stats cst;
			__u32 h = 0;
			int fd = aclmem_open();

			if (fd < 0 || _aclmem_pool(fd, SZ_1G, &cst))
				_exit(10);
			/* more than the pool has free: it must grow */
			aclmem_pipe_send(c2p[1], 'r');
			_aclmem_alloc(fd, (cst.free + 1) * SZ_1G, SZ_1G,
				      ACLMEM_NODE_ANY, &h, NULL);
			aclmem_pipe_send(c2p[1], 'd');
			pause();
			_exit(0);
		}
		close(c2p[1]);
		close(p2c[0]);
		ASSERT_EQ(0, aclmem_pipe_recv(c2p[0], &c));
		ASSERT_EQ('r', c);
		aclmem_msleep(delay);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		status = aclmem_reap(pid);
		EXPECT_EQ(128 + SIGKILL, aclmem_exit_code(status));
		if (aclmem_pipe_recv(c2p[0], &c) == 0)
			TH_LOG("delay %u ms: ALLOC had returned before the kill",
			       delay);
		close(c2p[0]);
		close(p2c[1]);

		aclmem_pool(self->fd, SZ_1G, &st);
		EXPECT_EQ(base, st.in_use);
		EXPECT_EQ(st.total, st.grown - st.shrunk -
			  poisoned(self->fd, ACLMEM_POOL_1G));
		EXPECT_GE(st.target, st.free);
	}
}

/*
 * Handles belong to the open file: a child that allocates on a file it
 * inherited leaves the handle there when it exits, and its mapping of it
 * goes with the child.
 */
TEST_F(process_exit, inherited_file_keeps_handles)
{
	const __u64 base = BASE_IN_USE(self, SZ_2M);
	struct aclmem_query q;
	struct {
		__u32 h;
		__u64 off;
		int rc;
	} *shared;
	void *p = NULL;
	int status;
	pid_t pid;

	shared = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	aclmem_track_map(shared, SZ_4K);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *cp = NULL;

		shared->rc = _aclmem_alloc(self->fd, 2 * SZ_2M, SZ_2M,
					   ACLMEM_NODE_ANY, &shared->h,
					   &shared->off);
		if (shared->rc)
			_exit(1);
		if (_aclmem_mmap(self->fd, NULL, 2 * SZ_2M, shared->off,
				 MAP_SHARED, &cp))
			_exit(2);
		aclmem_fill(cp, 2 * SZ_2M, 91);
		_exit(0);
	}
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));

	EXPECT_EQ(1U, aclmem_nr_handles(self->fd));
	aclmem_expect_in_use(self->fd, SZ_2M, base + 2);
	aclmem_query(self->fd, shared->h, 0, &q);
	EXPECT_EQ(0U, q.out_mappings);
	EXPECT_EQ(2 * SZ_2M, q.out_size);

	aclmem_mmap(self->fd, 2 * SZ_2M, shared->off, &p);
	aclmem_assert_pattern(p, 2 * SZ_2M, 91);
	aclmem_munmap(p, 2 * SZ_2M);
	aclmem_free(self->fd, shared->h);
	aclmem_expect_in_use(self->fd, SZ_2M, base);
}

TEST_HARNESS_MAIN
