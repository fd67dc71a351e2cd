// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the tests: /sys/kernel/debug/aclmem/fail_nth.
 *
 * Writing N (1 or more) arms it for the writing process: the Nth time that
 * process reaches one of the module's allocation sites, the allocation
 * fails as if memory had run out. Reading gives the sites still to pass
 * before the failure (0 once it fired, or when unarmed). This works on any
 * kernel, with or without CONFIG_FAULT_INJECTION, and costs one atomic
 * read per site when unarmed.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/sched.h>

#include "aclmem.h"

static atomic_t aclmem_fail_left = ATOMIC_INIT(0);
static pid_t aclmem_fail_tgid;
static struct dentry *aclmem_debugfs;

/* Should the allocation about to happen fail? */
bool aclmem_should_fail(void)
{
	if (likely(!atomic_read(&aclmem_fail_left)))
		return false;
	if (READ_ONCE(aclmem_fail_tgid) != task_tgid_nr(current))
		return false;
	/* Exactly one caller takes the count from 1 to 0. */
	return atomic_dec_if_positive(&aclmem_fail_left) == 0;
}

static int aclmem_fail_nth_get(void *data, u64 *val)
{
	*val = atomic_read(&aclmem_fail_left);
	return 0;
}

static int aclmem_fail_nth_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	WRITE_ONCE(aclmem_fail_tgid, task_tgid_nr(current));
	atomic_set(&aclmem_fail_left, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(aclmem_fail_nth_fops, aclmem_fail_nth_get,
			 aclmem_fail_nth_set, "%llu\n");

void aclmem_fault_init(void)
{
	aclmem_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file_unsafe("fail_nth", 0600, aclmem_debugfs, NULL,
				   &aclmem_fail_nth_fops);
}

void aclmem_fault_exit(void)
{
	debugfs_remove_recursive(aclmem_debugfs);
}
