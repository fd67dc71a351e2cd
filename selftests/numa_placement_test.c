// SPDX-License-Identifier: GPL-2.0
/*
 * Description: with ACLMEM_NODE_ANY, the pages come from the nodes the
 * caller's memory policy and cpuset allow, not just the local node. Needs
 * a guest with two NUMA nodes or more (scripts/qemu-test.sh QEMU_NODES=2;
 * the one-node runs leave it out) and fails on one. A child runs on a CPU
 * of node A and allocates more 2 MiB pages than every pool holds free, so
 * that the pools grow from the kernel; where they grew shows in the nodes'
 * free pages (/proc/zoneinfo, per-CPU lists included). With no policy the local node A gives the pages; with
 * set_mempolicy(MPOL_BIND, {B}), MPOL_PREFERRED {B}, or in a cgroup v2
 * cpuset whose cpuset.mems is B, node B does, and A gives (almost)
 * nothing. The pool counters are back at the baseline after each test.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "aclmem_utils.h"

#ifndef MPOL_BIND
#define MPOL_PREFERRED	1
#define MPOL_BIND	2
#endif

#define CGROOT		"/sys/fs/cgroup"
#define CGDIR		CGROOT "/aclmem_numa"
/* Pages grown beyond what the pools hold free. */
#define GROW		24
#define MAX_HANDLES	(GROW + 64)

enum how { HOW_NONE, HOW_BIND, HOW_PREFERRED, HOW_CPUSET };

/*
 * Free memory of node @nid in KiB, or -1: its zones' free pages plus the
 * pages on their per-CPU lists (/proc/zoneinfo), which MemFree leaves out
 * and where a freed 2 MiB page may wait to be handed out again.
 */
static long long node_free_kb(int nid)
{
	long long pages = 0, v;
	char line[256];
	bool mine = false;
	FILE *f;
	int n;

	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &n) == 1)
			mine = n == nid;
		else if (mine && (sscanf(line, " pages free %lld", &v) == 1 ||
				  sscanf(line, " count: %lld", &v) == 1))
			pages += v;
	}
	fclose(f);
	return pages * 4;
}

/* The highest online node (0 if only one). */
static int last_online_node(void)
{
	char line[256], *p;

	if (aclmem_read_line("/sys/devices/system/node/online", line,
			     sizeof(line)))
		return 0;
	p = strrchr(line, '-');
	if (!p)
		p = strrchr(line, ',');
	return atoi(p ? p + 1 : line);
}

/* What the child reports back. */
struct placed {
	int line;
	int err;
	long long drop_kb[2];
};

static struct placed *placed;

/* In the child: where it failed, for the parent to tell. */
static int kid_failed(int line)
{
	placed->line = line;
	placed->err = errno;
	return 1;
}

/* In the child: place this process on @target as @how says, on @cpu. */
static int kid_place(int cpu, enum how how, int target)
{
	unsigned long mask = 1UL << target;
	cpu_set_t cpus;
	char pid[32];

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return kid_failed(__LINE__);
	if ((how == HOW_BIND || how == HOW_PREFERRED) &&
	    syscall(SYS_set_mempolicy,
		    how == HOW_BIND ? MPOL_BIND : MPOL_PREFERRED, &mask,
		    sizeof(mask) * 8))
		return kid_failed(__LINE__);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (how == HOW_CPUSET &&
	    aclmem_write_file(CGDIR "/cgroup.procs", pid))
		return kid_failed(__LINE__);
	return sched_getcpu() == cpu ? 0 : kid_failed(__LINE__);
}

/*
 * Child: on @cpu, placed by @how on @target, allocate @n pages of 2 MiB,
 * measure what nodes @a and @target lost, free them.
 */
static int kid_alloc(int fd, int cpu, enum how how, int a, int target,
		     unsigned int n)
{
	long long before[2], after[2];
	__u32 h[MAX_HANDLES];
	unsigned int i;

	if (kid_place(cpu, how, target))
		return 1;
	before[0] = node_free_kb(a);
	before[1] = node_free_kb(target);
	for (i = 0; i < n; i++)
		if (_aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
				  NULL))
			return kid_failed(__LINE__);
	after[0] = node_free_kb(a);
	after[1] = node_free_kb(target);
	for (i = 0; i < n; i++)
		if (_aclmem_free(fd, h[i]))
			return kid_failed(__LINE__);
	placed->drop_kb[0] = before[0] - after[0];
	placed->drop_kb[1] = before[1] - after[1];
	return 0;
}

FIXTURE(numa) {
	int fd;
	struct aclmem_info base;
	int a, b, cpu;
	bool cgroup;
};

FIXTURE_VARIANT(numa) {
	enum how how;
};

FIXTURE_VARIANT_ADD(numa, local) {
	.how = HOW_NONE,
};

FIXTURE_VARIANT_ADD(numa, mpol_bind) {
	.how = HOW_BIND,
};

FIXTURE_VARIANT_ADD(numa, mpol_preferred) {
	.how = HOW_PREFERRED,
};

FIXTURE_VARIANT_ADD(numa, cpuset) {
	.how = HOW_CPUSET,
};

/* A cgroup v2 cpuset of node @b and CPU @cpu at CGDIR. */
static int cpuset_make(int b, int cpu)
{
	char text[32];

	mkdir(CGROOT, 0755);
	if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL) && errno != EBUSY)
		return -errno;
	if (aclmem_write_file(CGROOT "/cgroup.subtree_control", "+cpuset"))
		return -EIO;
	if (mkdir(CGDIR, 0755) && errno != EEXIST)
		return -errno;
	snprintf(text, sizeof(text), "%d", cpu);
	if (aclmem_write_file(CGDIR "/cpuset.cpus", text))
		return -EIO;
	snprintf(text, sizeof(text), "%d", b);
	if (aclmem_write_file(CGDIR "/cpuset.mems", text))
		return -EIO;
	return 0;
}

FIXTURE_SETUP(numa)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	placed = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, placed);
	self->a = 0;
	self->b = last_online_node();
	ASSERT_LT(0, self->b) {
		TH_LOG("one NUMA node: boot with QEMU_NODES=2");
	}
	self->cpu = aclmem_node_first_cpu(self->a);
	ASSERT_LE(0, self->cpu);
	if (variant->how == HOW_CPUSET) {
		self->cgroup = true;
		ASSERT_EQ(0, cpuset_make(self->b, self->cpu));
	}
}

FIXTURE_TEARDOWN(numa)
{
	if (self->cgroup)
		EXPECT_EQ(0, rmdir(CGDIR));
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
	munmap(placed, SZ_4K);
}

TEST_F(numa, node_any)
{
	const long long want_kb = (GROW - 4) * 2048LL, stray_kb = 8 * 2048LL;
	unsigned int n = self->base.out_pools[ACLMEM_POOL_2M].free + GROW;
	int from = variant->how == HOW_NONE ? 0 : 1;
	pid_t pid;
	int code;

	ASSERT_GE(MAX_HANDLES, n);
	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_alloc(self->fd, self->cpu, variant->how, self->a,
				self->b, n));
	code = aclmem_exit_code(aclmem_reap(pid));
	ASSERT_EQ(0, code) {
		TH_LOG("child failed at line %d: %s", placed->line,
		       strerror(placed->err));
	}
	TH_LOG("%u pages of 2 MiB from CPU %d: node %d lost %lld KiB, node %d %lld KiB",
	       n, self->cpu, self->a, placed->drop_kb[0], self->b,
	       placed->drop_kb[1]);
	/* the node the pages should come from grew them, the other did not */
	EXPECT_LE(want_kb, placed->drop_kb[from]);
	EXPECT_GT(stray_kb, placed->drop_kb[!from]);
	aclmem_expect_in_use(self->fd, SZ_2M,
			     self->base.out_pools[ACLMEM_POOL_2M].in_use);
}

TEST_HARNESS_MAIN
