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
 *
 * /sys/kernel/debug/aclmem/pfn (root only) tells the tests where a handle's
 * memory is, for hwpoison_inject's corrupt-pfn: page walks, and so
 * /proc/PID/pagemap, skip VM_PFNMAP mappings. Write "FD HANDLE OFFSET"
 * (an open /dev/aclmem of the writer, one of its handles, a byte offset
 * into it), then read the pfn of that byte.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

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

static DEFINE_MUTEX(aclmem_pfn_lock);
static unsigned long aclmem_pfn_found;

static ssize_t aclmem_pfn_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct aclmem_buf *buf = NULL;
	unsigned long long off;
	unsigned int fd, id;
	struct file *f;
	char kbuf[64];
	ssize_t ret;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	if (sscanf(kbuf, "%u %u %llu", &fd, &id, &off) != 3)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	ret = -EINVAL;
	if (f->f_op->mmap == aclmem_mmap)
		buf = aclmem_ctx_lookup(f->private_data, id);
	if (buf && off < buf->size) {
		mutex_lock(&aclmem_pfn_lock);
		aclmem_pfn_found = aclmem_buf_pfn(buf, off);
		mutex_unlock(&aclmem_pfn_lock);
		ret = len;
	}
	if (buf)
		aclmem_buf_put(buf);
	fput(f);
	return ret;
}

static ssize_t aclmem_pfn_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char kbuf[32];
	int n;

	mutex_lock(&aclmem_pfn_lock);
	n = scnprintf(kbuf, sizeof(kbuf), "%#lx\n", aclmem_pfn_found);
	mutex_unlock(&aclmem_pfn_lock);
	return simple_read_from_buffer(ubuf, len, ppos, kbuf, n);
}

static const struct file_operations aclmem_pfn_fops = {
	.owner = THIS_MODULE,
	.read = aclmem_pfn_read,
	.write = aclmem_pfn_write,
	.llseek = default_llseek,
};

void aclmem_fault_init(void)
{
	aclmem_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file_unsafe("fail_nth", 0600, aclmem_debugfs, NULL,
				   &aclmem_fail_nth_fops);
	debugfs_create_file("pfn", 0600, aclmem_debugfs, NULL,
			    &aclmem_pfn_fops);
}

void aclmem_fault_exit(void)
{
	debugfs_remove_recursive(aclmem_debugfs);
}
