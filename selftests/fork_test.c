// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a fork(2) child shares the parent's mappings: it sees the
 * parent's data and writes, the parent sees the child's writes, in both
 * directions and sequenced through pipes. The child's VMA counts as a
 * mapping while it lives; after it exits the parent's mapping still works;
 * a child may keep the pages alive after the parent has freed and unmapped
 * them; when every mapping is gone in_use is back at the baseline. For
 * 2 MiB (PMD entries) and 1 GiB (a PUD entry copied or faulted at fork).
 * Another process that maps the same pages (an import) and forks leaves
 * our entries alone: none of our faults is served again.
 */
#include "aclmem_utils.h"

FIXTURE(fork) {
	int fd;
	struct aclmem_info base;
	int p2c[2];
	int c2p[2];
};

FIXTURE_VARIANT(fork) {
	__u64 page_size;
	unsigned int npages;
};

FIXTURE_VARIANT_ADD(fork, page_2m) {
	.page_size = SZ_2M,
	.npages = 2,
};

FIXTURE_VARIANT_ADD(fork, page_1g) {
	.page_size = SZ_1G,
	.npages = 1,
};

FIXTURE_SETUP(fork)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	ASSERT_EQ(0, pipe(self->p2c));
	ASSERT_EQ(0, pipe(self->c2p));
}

FIXTURE_TEARDOWN(fork)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
	close(self->p2c[0]);
	close(self->p2c[1]);
	close(self->c2p[0]);
	close(self->c2p[1]);
}

#define BASE_IN_USE(self, ps) \
	((self)->base.out_pools[aclmem_pool_index(ps)].in_use)

/* In the child: wait for @want from the parent. */
static int kid_wait(int rfd, char want)
{
	char c;

	return aclmem_pipe_recv(rfd, &c) || c != want ? -1 : 0;
}

/*
 * Child of shared_writes: checks the parent's pattern, writes the first
 * half, lets the parent check it and write the second half, checks that.
 */
static int kid_shared_writes(int rfd, int wfd, char *p, size_t len)
{
	size_t half = len / 2;

	if (aclmem_check(p, len, 1) != -1)
		return 10;
	aclmem_fill_at(p, half, 2, 0);
	if (aclmem_pipe_send(wfd, 'a'))
		return 11;
	if (kid_wait(rfd, 'b'))
		return 12;
	if (aclmem_check_at(p + half, half, 3, half) != -1)
		return 13;
	if (aclmem_check_at(p, half, 2, 0) != -1)
		return 14;
	if (aclmem_pipe_send(wfd, 'c'))
		return 15;
	if (kid_wait(rfd, 'd'))
		return 16;
	return 0;
}

TEST_F_TIMEOUT(fork, shared_writes, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n, half = len / 2;
	const __u64 base = BASE_IN_USE(self, ps);
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;
	int status;
	pid_t pid;
	char c = 0;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 1);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_shared_writes(self->p2c[0], self->c2p[1], p, len));

	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('a', c);
	/* the child's write is ours to see */
	aclmem_assert_pattern_at(p, half, 2, 0);
	aclmem_assert_pattern_at(p + half, half, 1, half);

	/* the child's copy of the VMA is a mapping of the handle */
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(2U, q.out_mappings);
	TH_LOG("%s faults with the child alive: pte %llu pmd %llu pud %llu",
	       aclmem_ps_name(ps), (unsigned long long)q.out_faults_pte,
	       (unsigned long long)q.out_faults_pmd,
	       (unsigned long long)q.out_faults_pud);
	EXPECT_EQ(0U, q.out_faults_pte);
	aclmem_expect_in_use(self->fd, ps, base + n);

	/* and ours is the child's */
	aclmem_fill_at(p + half, half, 3, half);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'b'));
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('c', c);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'd'));
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));

	/* the child is gone, our mapping is not */
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_assert_pattern_at(p, half, 2, 0);
	aclmem_assert_pattern_at(p + half, half, 3, half);
	aclmem_fill(p, len, 4);
	aclmem_assert_pattern(p, len, 4);

	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps, base);
}

/* Child of child_keeps_pages: waits until the parent let go, then uses. */
static int kid_keeps(int rfd, int wfd, char *p, size_t len)
{
	if (kid_wait(rfd, 'g'))
		return 10;
	if (aclmem_check(p, len, 5) != -1)
		return 11;
	aclmem_fill(p, len, 6);
	if (aclmem_check(p, len, 6) != -1)
		return 12;
	if (aclmem_pipe_send(wfd, 'w'))
		return 13;
	if (kid_wait(rfd, 'x'))
		return 14;
	return 0;
}

/* The parent frees and unmaps; the child's mapping holds the pages. */
TEST_F_TIMEOUT(fork, child_keeps_pages, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;
	int status;
	pid_t pid;
	char c = 0;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 5);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_keeps(self->p2c[0], self->c2p[1], p, len));

	aclmem_free(self->fd, h);
	aclmem_munmap(p, len);
	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_query_err(ENOENT, self->fd, h, 0);

	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'g'));
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('w', c);
	aclmem_expect_in_use(self->fd, ps, base + n);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));
	aclmem_expect_in_use(self->fd, ps, base);
}

/* Child of both_unmap: unmaps its copy, reports, stays alive. */
static int kid_unmaps(int rfd, int wfd, char *p, size_t len)
{
	if (aclmem_check(p, len, 7) != -1)
		return 10;
	if (munmap(p, len))
		return 11;
	if (aclmem_pipe_send(wfd, 'u'))
		return 12;
	if (kid_wait(rfd, 'x'))
		return 13;
	return 0;
}

/* Each side unmaps its own copy; the pages go with the second. */
TEST_F_TIMEOUT(fork, both_unmap, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;
	int status;
	pid_t pid;
	char c = 0;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 7);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_unmaps(self->p2c[0], self->c2p[1], p, len));

	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('u', c);
	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_assert_pattern(p, len, 7);

	/* FREE and munmap in the parent while the child still lives */
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps, base + n);
	aclmem_munmap(p, len);
	aclmem_expect_in_use(self->fd, ps, base);

	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));
	aclmem_expect_in_use(self->fd, ps, base);
}

/* A grandchild too: three processes, one mapping each, one set of pages. */
static int kid_forks_again(int rfd, int wfd, char *p, size_t len)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return 20;
	if (pid == 0) {
		/* grandchild: writes the pattern, reports through the pipe */
		aclmem_fill(p, len, 9);
		_exit(aclmem_pipe_send(wfd, 'g') ? 21 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || aclmem_exit_code(status))
		return 22;
	if (aclmem_check(p, len, 9) != -1)
		return 23;
	if (kid_wait(rfd, 'x'))
		return 24;
	return 0;
}

TEST_F_TIMEOUT(fork, grandchild, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const unsigned int n = variant->npages;
	const size_t len = ps * n;
	const __u64 base = BASE_IN_USE(self, ps);
	struct aclmem_query q;
	__u32 h = 0;
	__u64 off = 0;
	char *p = NULL;
	int status;
	pid_t pid;
	char c = 0;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 8);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_forks_again(self->p2c[0], self->c2p[1], p, len));

	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('g', c);
	aclmem_assert_pattern(p, len, 9);
	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));

	aclmem_query(self->fd, h, 0, &q);
	EXPECT_EQ(1U, q.out_mappings);
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps, base);
}

/*
 * Child of other_process_keeps_entries, a process of its own (it drops
 * the mapping it inherited): imports @token in a file of its own, maps it
 * and touches it, then forks @forks times when told to.
 */
static int kid_imports_and_forks(int rfd, int wfd, char *inherited,
				 size_t len, __u64 token, __u32 want_id,
				 int forks)
{
	struct aclmem_import imp = { .token = token };
	volatile char *p;
	int fd, i, status;
	pid_t pid;

	if (munmap(inherited, len))
		return 10;
	fd = aclmem_open();
	if (fd < 0 || _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT, &imp))
		return 11;
	/* the same handle id: the same offsets of the buffer's file */
	if (imp.out_handle != want_id)
		return 12;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 imp.out_offset);
	if (p == MAP_FAILED)
		return 13;
	(void)p[len - 1];
	if (aclmem_pipe_send(wfd, 'm') || kid_wait(rfd, 'f'))
		return 14;
	for (i = 0; i < forks; i++) {
		pid = fork();
		if (pid < 0)
			return 15;
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || aclmem_exit_code(status))
			return 16;
	}
	if (aclmem_pipe_send(wfd, 'd') || kid_wait(rfd, 'x'))
		return 17;
	return 0;
}

/*
 * Another process mapping the same pages forks in a loop: our entries
 * stay (no fault of ours is served again, whatever the page size), so its
 * forks cannot keep us refaulting.
 */
TEST_F_TIMEOUT(fork, other_process_keeps_entries, ACLMEM_1G_TIMEOUT)
{
	const __u64 ps = variant->page_size;
	const size_t len = ps * variant->npages;
	struct aclmem_export exp = { 0 };
	struct aclmem_query q0, q1;
	volatile char *v;
	__u32 h = 0;
	__u64 off = 0, i;
	char *p = NULL;
	int status;
	pid_t pid;
	char c = 0;

	aclmem_alloc(self->fd, len, ps, ACLMEM_NODE_ANY, &h, &off);
	exp.handle = h;
	exp.flags = ACLMEM_EXPORT_ANY_PID;
	ASSERT_EQ(0, _aclmem_ioctl(self->fd, ACLMEM_IOC_EXPORT, &exp));
	aclmem_mmap(self->fd, len, off, &p);
	aclmem_fill(p, len, 11);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_imports_and_forks(self->p2c[0], self->c2p[1], p, len,
					    exp.out_token, h, 8));
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('m', c);

	/* Our entries, writable (our own fork above may have write-protected them). */
	v = p;
	for (i = 0; i < len; i += ps)
		v[i] = v[i];
	aclmem_query(self->fd, h, 0, &q0);

	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'f'));
	ASSERT_EQ(0, aclmem_pipe_recv(self->c2p[0], &c)) {
		TH_LOG("child exit code %d",
		       aclmem_exit_code(aclmem_reap(pid)));
	}
	ASSERT_EQ('d', c);

	for (i = 0; i < len; i += ps)
		v[i] = v[i];
	aclmem_query(self->fd, h, 0, &q1);
	EXPECT_EQ(q0.out_faults_pud, q1.out_faults_pud);
	EXPECT_EQ(q0.out_faults_pmd, q1.out_faults_pmd);
	EXPECT_EQ(q0.out_faults_pte, q1.out_faults_pte);
	aclmem_assert_pattern(p, len, 11);

	ASSERT_EQ(0, aclmem_pipe_send(self->p2c[1], 'x'));
	status = aclmem_reap(pid);
	ASSERT_EQ(0, aclmem_exit_code(status));
	aclmem_munmap(p, len);
	aclmem_free(self->fd, h);
}

TEST_HARNESS_MAIN
