// SPDX-License-Identifier: GPL-2.0
/*
 * A private pseudo filesystem whose inodes host the f_mapping of each open
 * /dev/aclmem file. On 6.1 the inode is marked S_DAX, which is what routes
 * page faults to ->huge_fault (see compat.h).
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
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

/* A new inode for one open file; iput() it when the file is released. */
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
