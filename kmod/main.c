// SPDX-License-Identifier: GPL-2.0
/*
 * aclmem: physically contiguous 2 MiB and 1 GiB pages for userspace.
 *
 * /dev/aclmem hands out handles to zeroed pages from per-node pools and maps
 * them with one page-table entry per page. Each open file owns its handles.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "aclmem.h"

static unsigned long pool_2m = 8;
module_param(pool_2m, ulong, 0444);
MODULE_PARM_DESC(pool_2m,
		 "2 MiB pages each node's pool takes at load and keeps free (default 8)");

static unsigned long pool_1g;
module_param(pool_1g, ulong, 0444);
MODULE_PARM_DESC(pool_1g,
		 "1 GiB pages each node's pool takes at load and keeps free (default 0)");

static int aclmem_open(struct inode *inode, struct file *file)
{
	struct aclmem_ctx *ctx = aclmem_ctx_create();

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	file->private_data = ctx;
	return 0;
}

static int aclmem_release(struct inode *inode, struct file *file)
{
	aclmem_ctx_destroy(file->private_data);
	return 0;
}

static const struct file_operations aclmem_fops = {
	.owner = THIS_MODULE,
	.open = aclmem_open,
	.release = aclmem_release,
	.unlocked_ioctl = aclmem_ioctl,
	.mmap = aclmem_mmap,
	.get_unmapped_area = aclmem_get_unmapped_area,
	.llseek = noop_llseek,
};

static struct miscdevice aclmem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "aclmem",
	.fops = &aclmem_fops,
};

static int __init aclmem_init(void)
{
	int ret;

	ret = aclmem_fs_init();
	if (ret)
		return ret;
	aclmem_fault_init();
	ret = aclmem_pools_init(pool_2m, pool_1g);
	if (ret)
		goto err_fs;
	ret = aclmem_sysfs_init();
	if (ret)
		goto err_pools;
	ret = aclmem_genl_init();
	if (ret)
		goto err_sysfs;
	ret = misc_register(&aclmem_misc);
	if (ret)
		goto err_genl;
	return 0;

err_genl:
	aclmem_genl_exit();
err_sysfs:
	aclmem_sysfs_exit();
err_pools:
	aclmem_pools_exit();
err_fs:
	aclmem_fault_exit();
	aclmem_fs_exit();
	return ret;
}

static void __exit aclmem_exit(void)
{
	misc_deregister(&aclmem_misc);
	aclmem_genl_exit();
	aclmem_sysfs_exit();
	aclmem_pools_exit();
	aclmem_fault_exit();
	aclmem_fs_exit();
}

module_init(aclmem_init);
module_exit(aclmem_exit);

MODULE_DESCRIPTION("Physically contiguous 2 MiB and 1 GiB pages for userspace");
MODULE_LICENSE("GPL");
MODULE_VERSION(ACLMEM_VERSION);
