// SPDX-License-Identifier: GPL-2.0
/*
 * aclmem: physically contiguous 2 MiB and 1 GiB pages for userspace.
 *
 * /dev/aclmem hands out handles to zeroed pages from per-node pools and maps
 * them with one page-table entry per page. Each open file owns its handles.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "aclmem.h"

static unsigned long pool_2m = 8;
module_param(pool_2m, ulong, 0444);
MODULE_PARM_DESC(pool_2m,
		 "2 MiB pages each node's pool takes at load and keeps free (default 8)");

static unsigned long pool_1g;
module_param(pool_1g, ulong, 0444);
MODULE_PARM_DESC(pool_1g,
		 "1 GiB pages each node's pool takes at load and keeps free (default 0)");

/**
 * struct aclmem_ucmd - one ioctl call being served
 * @ctx: the open file's context
 * @ubuf: the caller's struct
 * @size: its size
 * @cmd: the kernel's copy of it
 */
struct aclmem_ucmd {
	struct aclmem_ctx *ctx;
	void __user *ubuf;
	size_t size;
	void *cmd;
};

static int aclmem_ucmd_respond(struct aclmem_ucmd *ucmd)
{
	return copy_to_user(ucmd->ubuf, ucmd->cmd, ucmd->size) ? -EFAULT : 0;
}

/* Takes a reference for the caller; NULL when @id names no handle. */
struct aclmem_buf *aclmem_ctx_lookup(struct aclmem_ctx *ctx, u32 id)
{
	struct aclmem_buf *buf;

	xa_lock(&ctx->handles);
	buf = xa_load(&ctx->handles, id);
	if (buf)
		aclmem_buf_get(buf);
	xa_unlock(&ctx->handles);
	return buf;
}

static int aclmem_ioctl_info(struct aclmem_ucmd *ucmd)
{
	struct aclmem_info *cmd = ucmd->cmd;
	struct aclmem_buf *buf;
	unsigned long id;

	if (cmd->flags & ~ACLMEM_INFO_VALID_FLAGS)
		return -EINVAL;
	/* Everything after flags is reserved or output: it must be zero. */
	if (memchr_inv(&cmd->out_abi_version, 0,
		       sizeof(*cmd) - offsetof(struct aclmem_info,
					       out_abi_version)))
		return -EINVAL;

	cmd->out_abi_version = ACLMEM_ABI_VERSION;
	cmd->out_page_sizes = ACLMEM_PAGE_SIZE_2M | ACLMEM_PAGE_SIZE_1G;
	cmd->out_tgid = task_tgid_nr_ns(current, &init_pid_ns);
	xa_for_each(&ucmd->ctx->handles, id, buf)
		cmd->out_handles++;
	aclmem_pools_stats(ACLMEM_ORDER_2M, &cmd->out_pools[ACLMEM_POOL_2M]);
	aclmem_pools_stats(ACLMEM_ORDER_1G, &cmd->out_pools[ACLMEM_POOL_1G]);
	return aclmem_ucmd_respond(ucmd);
}

static int aclmem_ioctl_alloc(struct aclmem_ucmd *ucmd)
{
	struct aclmem_alloc *cmd = ucmd->cmd;
	struct aclmem_ctx *ctx = ucmd->ctx;
	struct aclmem_buf *buf;
	unsigned int order;
	u32 id;
	int ret;

	if (cmd->flags & ~ACLMEM_ALLOC_VALID_FLAGS || cmd->reserved0 ||
	    cmd->reserved[0] || cmd->reserved[1] || cmd->out_handle ||
	    cmd->out_offset)
		return -EINVAL;
	if (cmd->page_size == ACLMEM_PAGE_SIZE_2M)
		order = ACLMEM_ORDER_2M;
	else if (cmd->page_size == ACLMEM_PAGE_SIZE_1G)
		order = ACLMEM_ORDER_1G;
	else
		return -EINVAL;
	if (!cmd->size || !IS_ALIGNED(cmd->size, cmd->page_size))
		return -EINVAL;
	if (cmd->size > ACLMEM_MAX_HANDLE_SIZE)
		return -EOVERFLOW;
	if (cmd->node != ACLMEM_NODE_ANY &&
	    (cmd->node >= nr_node_ids || !node_online(cmd->node)))
		return -EINVAL;

	/* Reserve the id, build the buffer, answer, and only then publish. */
	ret = xa_alloc_cyclic(&ctx->handles, &id, NULL,
			      XA_LIMIT(1, ACLMEM_MAX_HANDLE_ID), &ctx->next_id,
			      GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;

	buf = aclmem_buf_create(cmd->size, order, cmd->node);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto err_id;
	}
	buf->offset = (u64)id << ACLMEM_HANDLE_SHIFT;
	cmd->out_handle = id;
	cmd->out_offset = buf->offset;
	ret = aclmem_ucmd_respond(ucmd);
	if (ret)
		goto err_buf;
	xa_store(&ctx->handles, id, buf, GFP_KERNEL);
	return 0;

err_buf:
	aclmem_buf_put(buf);
err_id:
	xa_erase(&ctx->handles, id);
	return ret;
}

static int aclmem_ioctl_free(struct aclmem_ucmd *ucmd)
{
	struct aclmem_free *cmd = ucmd->cmd;
	struct aclmem_buf *buf;

	if (cmd->flags & ~ACLMEM_FREE_VALID_FLAGS || cmd->reserved[0] ||
	    cmd->reserved[1])
		return -EINVAL;
	buf = xa_erase(&ucmd->ctx->handles, cmd->handle);
	if (!buf)
		return -ENOENT;
	aclmem_buf_put(buf);
	return 0;
}

static int aclmem_ioctl_query(struct aclmem_ucmd *ucmd)
{
	struct aclmem_query *cmd = ucmd->cmd;
	struct aclmem_buf *buf;

	if (cmd->flags & ~ACLMEM_QUERY_VALID_FLAGS)
		return -EINVAL;
	if (memchr_inv(&cmd->out_size, 0,
		       sizeof(*cmd) - offsetof(struct aclmem_query, out_size)))
		return -EINVAL;
	buf = aclmem_ctx_lookup(ucmd->ctx, cmd->handle);
	if (!buf)
		return -ENOENT;

	cmd->out_size = buf->size;
	cmd->out_page_size = PAGE_SIZE << buf->order;
	cmd->out_offset = buf->offset;
	cmd->out_node = buf->node;
	cmd->out_mappings = atomic_read(&buf->mappings);
	cmd->out_faults_pte = atomic64_read(&buf->faults_pte);
	cmd->out_faults_pmd = atomic64_read(&buf->faults_pmd);
	cmd->out_faults_pud = atomic64_read(&buf->faults_pud);
	if (cmd->flags & ACLMEM_QUERY_CHECK_REFS)
		cmd->out_bad_refs = aclmem_buf_bad_refs(buf);
	aclmem_buf_put(buf);
	return aclmem_ucmd_respond(ucmd);
}

struct aclmem_ioctl_op {
	unsigned int cmd;
	int (*handler)(struct aclmem_ucmd *ucmd);
};

#define ACLMEM_IOCTL_OP(_name, _handler)				\
	[ACLMEM_CMD_##_name - ACLMEM_IOCTL_BASE] = {			\
		.cmd = ACLMEM_IOC_##_name, .handler = _handler,		\
	}

static const struct aclmem_ioctl_op aclmem_ioctl_ops[] = {
	ACLMEM_IOCTL_OP(INFO, aclmem_ioctl_info),
	ACLMEM_IOCTL_OP(ALLOC, aclmem_ioctl_alloc),
	ACLMEM_IOCTL_OP(FREE, aclmem_ioctl_free),
	ACLMEM_IOCTL_OP(QUERY, aclmem_ioctl_query),
};

union aclmem_ioctl_buf {
	struct aclmem_info info;
	struct aclmem_alloc alloc;
	struct aclmem_free free;
	struct aclmem_query query;
};

static long aclmem_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	union aclmem_ioctl_buf buf;
	struct aclmem_ucmd ucmd = {
		.ctx = file->private_data,
		.ubuf = (void __user *)arg,
		.size = _IOC_SIZE(cmd),
		.cmd = &buf,
	};
	const struct aclmem_ioctl_op *op;
	unsigned int nr = _IOC_NR(cmd) - ACLMEM_IOCTL_BASE;

	/* The size is part of the number: a struct of another size is ENOTTY. */
	if (_IOC_TYPE(cmd) != ACLMEM_IOCTL_MAGIC ||
	    nr >= ARRAY_SIZE(aclmem_ioctl_ops))
		return -ENOTTY;
	op = &aclmem_ioctl_ops[array_index_nospec(nr,
						  ARRAY_SIZE(aclmem_ioctl_ops))];
	if (op->cmd != cmd || ucmd.size > sizeof(buf))
		return -ENOTTY;
	if (copy_from_user(&buf, ucmd.ubuf, ucmd.size))
		return -EFAULT;
	return op->handler(&ucmd);
}

static int aclmem_open(struct inode *inode, struct file *file)
{
	struct aclmem_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->inode = aclmem_fs_inode();
	if (IS_ERR(ctx->inode)) {
		int ret = PTR_ERR(ctx->inode);

		kfree(ctx);
		return ret;
	}
	xa_init_flags(&ctx->handles, XA_FLAGS_ALLOC1);
	file->f_mapping = ctx->inode->i_mapping;
	file->private_data = ctx;
	return 0;
}

static int aclmem_release(struct inode *inode, struct file *file)
{
	struct aclmem_ctx *ctx = file->private_data;
	struct aclmem_buf *buf;
	unsigned long id;

	xa_for_each(&ctx->handles, id, buf) {
		xa_erase(&ctx->handles, id);
		aclmem_buf_put(buf);
	}
	xa_destroy(&ctx->handles);
	iput(ctx->inode);
	kfree(ctx);
	return 0;
}

static const struct file_operations aclmem_fops = {
	.owner = THIS_MODULE,
	.open = aclmem_open,
	.release = aclmem_release,
	.unlocked_ioctl = aclmem_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
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
	ret = aclmem_pools_init(pool_2m, pool_1g);
	if (ret)
		goto err_fs;
	ret = misc_register(&aclmem_misc);
	if (ret)
		goto err_pools;
	return 0;

err_pools:
	aclmem_pools_exit();
err_fs:
	aclmem_fs_exit();
	return ret;
}

static void __exit aclmem_exit(void)
{
	misc_deregister(&aclmem_misc);
	aclmem_pools_exit();
	aclmem_fs_exit();
}

module_init(aclmem_init);
module_exit(aclmem_exit);

MODULE_DESCRIPTION("Physically contiguous 2 MiB and 1 GiB pages for userspace");
MODULE_LICENSE("GPL");
MODULE_VERSION(ACLMEM_VERSION);
