// SPDX-License-Identifier: GPL-2.0
/*
 * A private pseudo filesystem whose inodes host the f_mapping of the files
 * that map a buffer: a buffer's own file, which stands in for /dev/aclmem
 * in its mappings (mmap.c), and each dma-buf's. On 6.1 the inodes are
 * marked S_DAX, which is what routes page faults to ->huge_fault (see
 * compat.h).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "aclmem.h"
#include "compat.h"

#define ACLMEM_FS_MAGIC	0x61636c6d	/* "aclm" */

static struct vfsmount *aclmem_mnt;

static int aclmem_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, ACLMEM_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type aclmem_fs_type = {
	.name = "aclmem",
	.init_fs_context = aclmem_init_fs_context,
	.kill_sb = kill_anon_super,
};

int aclmem_fs_init(void)
{
	aclmem_mnt = kern_mount(&aclmem_fs_type);
	return PTR_ERR_OR_ZERO(aclmem_mnt);
}

void aclmem_fs_exit(void)
{
	kern_unmount(aclmem_mnt);
}

/* A new inode, to host a file's f_mapping; iput() it when the file goes. */
struct inode *aclmem_fs_inode(void)
{
	struct inode *inode;

	if (aclmem_should_fail())
		return ERR_PTR(-ENOMEM);
	inode = alloc_anon_inode(aclmem_mnt->mnt_sb);

	if (!IS_ERR(inode))
		inode->i_flags |= ACLMEM_INODE_FLAGS;
	return inode;
}

/*
 * A new file on a new inode of the filesystem, with @fops and @priv as its
 * private_data; fput() it. Like anon_inode_getfile(), take the reference
 * on @fops->owner that fput() drops.
 */
struct file *aclmem_fs_file(const struct file_operations *fops, void *priv)
{
	struct inode *inode;
	struct file *file;

	if (!try_module_get(fops->owner))
		return ERR_PTR(-ENOENT);
	inode = aclmem_fs_inode();
	if (IS_ERR(inode)) {
		module_put(fops->owner);
		return ERR_CAST(inode);
	}
	file = alloc_file_pseudo(inode, aclmem_mnt, "aclmem", O_RDWR, fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(fops->owner);
		return file;
	}
	file->private_data = priv;
	return file;
}
