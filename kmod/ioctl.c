// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of /dev/aclmem: each checks its struct, does its work through
 * the registry (ctx.c) and the buffers, and answers the caller outside
 * every lock.
 */
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/nospec.h>
#include <linux/pid_namespace.h>
#include <linux/uaccess.h>

#include "aclmem.h"

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

static u64 aclmem_handle_offset(u32 id)
{
	return (u64)id << ACLMEM_HANDLE_SHIFT;
}

/*
 * Give @buf a new handle in the caller's file: reserve the id, answer the
 * caller through @out_handle and @out_offset (which live in ucmd->cmd),
 * and only then publish. On success the handle owns the caller's
 * reference to @buf; on error the caller keeps it.
 */
static int aclmem_ctx_publish(struct aclmem_ucmd *ucmd, struct aclmem_buf *buf,
			      bool imported, u32 *out_handle, u64 *out_offset)
{
	struct aclmem_ctx *ctx = ucmd->ctx;
	struct aclmem_handle *handle;
	u32 id;
	int ret;

	handle = aclmem_ctx_reserve(ctx, buf, imported, &id);
	if (IS_ERR(handle))
		return PTR_ERR(handle);
	*out_handle = id;
	*out_offset = aclmem_handle_offset(id);
	ret = aclmem_ucmd_respond(ucmd);
	if (ret) {
		aclmem_ctx_unreserve(ctx, id, handle);
		return ret;
	}
	return aclmem_ctx_install(ctx, id, handle);
}

static int aclmem_ioctl_info(struct aclmem_ucmd *ucmd)
{
	struct aclmem_info *cmd = ucmd->cmd;

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
	cmd->out_handles = aclmem_ctx_nr_handles(ucmd->ctx);
	aclmem_pools_stats(ACLMEM_ORDER_2M, &cmd->out_pools[ACLMEM_POOL_2M]);
	aclmem_pools_stats(ACLMEM_ORDER_1G, &cmd->out_pools[ACLMEM_POOL_1G]);
	cmd->out_poisoned[ACLMEM_POOL_2M] =
		aclmem_pool_poisoned(ACLMEM_ORDER_2M, NUMA_NO_NODE);
	cmd->out_poisoned[ACLMEM_POOL_1G] =
		aclmem_pool_poisoned(ACLMEM_ORDER_1G, NUMA_NO_NODE);
	return aclmem_ucmd_respond(ucmd);
}

static int aclmem_ioctl_alloc(struct aclmem_ucmd *ucmd)
{
	struct aclmem_alloc *cmd = ucmd->cmd;
	struct aclmem_buf *buf;
	unsigned int order;
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

	buf = aclmem_buf_create(cmd->size, order, cmd->node);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = aclmem_ctx_publish(ucmd, buf, false, &cmd->out_handle,
				 &cmd->out_offset);
	if (ret)
		aclmem_buf_put(buf);
	return ret;
}

static int aclmem_ioctl_free(struct aclmem_ucmd *ucmd)
{
	struct aclmem_free *cmd = ucmd->cmd;
	struct aclmem_ctx *ctx = ucmd->ctx;

	if (cmd->flags & ~ACLMEM_FREE_VALID_FLAGS || cmd->reserved[0] ||
	    cmd->reserved[1])
		return -EINVAL;
	return aclmem_ctx_remove(ctx, cmd->handle);
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
	cmd->out_offset = aclmem_handle_offset(cmd->handle);
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

/* The token is published first and taken back if the answer fails. */
static int aclmem_ioctl_export(struct aclmem_ucmd *ucmd)
{
	struct aclmem_export *cmd = ucmd->cmd;
	int ret;

	if (cmd->flags & ~ACLMEM_EXPORT_VALID_FLAGS || cmd->out_token ||
	    cmd->reserved[0])
		return -EINVAL;
	ret = aclmem_ctx_share(ucmd->ctx, cmd->handle, cmd->flags, cmd->cookie,
			       &cmd->out_token);
	if (ret)
		return ret;
	ret = aclmem_ucmd_respond(ucmd);
	if (ret)
		aclmem_ctx_unshare(ucmd->ctx, cmd->handle, cmd->out_token);
	return ret;
}

static int aclmem_ioctl_set_pids(struct aclmem_ucmd *ucmd)
{
	struct aclmem_set_pids *cmd = ucmd->cmd;

	if (cmd->flags & ~ACLMEM_SET_PIDS_VALID_FLAGS || cmd->reserved[0] ||
	    cmd->reserved[1])
		return -EINVAL;
	return aclmem_share_set_pids(cmd->token, u64_to_user_ptr(cmd->pids),
				     cmd->nr_pids);
}

static int aclmem_ioctl_unexport(struct aclmem_ucmd *ucmd)
{
	struct aclmem_unexport *cmd = ucmd->cmd;

	if (cmd->flags & ~ACLMEM_UNEXPORT_VALID_FLAGS || cmd->reserved0 ||
	    cmd->reserved[0] || cmd->reserved[1])
		return -EINVAL;
	return aclmem_ctx_unexport(ucmd->ctx, cmd->token);
}

/* IMPORT and IMPORT_FD: a new handle for @buf, answered in @cmd. */
static int aclmem_import_publish(struct aclmem_ucmd *ucmd,
				 struct aclmem_import *cmd,
				 struct aclmem_buf *buf)
{
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cmd->out_size = buf->size;
	cmd->out_page_size = PAGE_SIZE << buf->order;
	ret = aclmem_ctx_publish(ucmd, buf, true, &cmd->out_handle,
				 &cmd->out_offset);
	if (ret)
		aclmem_buf_put(buf);
	return ret;
}

static bool aclmem_import_valid(const struct aclmem_import *cmd)
{
	return !(cmd->flags & ~ACLMEM_IMPORT_VALID_FLAGS) &&
	       !memchr_inv(&cmd->out_handle, 0,
			   sizeof(*cmd) -
			   offsetof(struct aclmem_import, out_handle));
}

static int aclmem_ioctl_import(struct aclmem_ucmd *ucmd)
{
	struct aclmem_import *cmd = ucmd->cmd;

	if (!aclmem_import_valid(cmd))
		return -EINVAL;
	return aclmem_import_publish(ucmd, cmd,
				     aclmem_share_import(cmd->token,
							 &cmd->out_cookie));
}

static int aclmem_ioctl_import_fd(struct aclmem_ucmd *ucmd)
{
	struct aclmem_import *cmd = ucmd->cmd;

	if (!aclmem_import_valid(cmd))
		return -EINVAL;
	if (cmd->token > INT_MAX)
		return -EBADF;
	return aclmem_import_publish(ucmd, cmd,
				     aclmem_dmabuf_import(cmd->token));
}

static int aclmem_ioctl_export_fd(struct aclmem_ucmd *ucmd)
{
	struct aclmem_export_fd *cmd = ucmd->cmd;
	struct dma_buf *dmabuf;
	struct aclmem_buf *buf;
	int fd;

	if (cmd->flags & ~ACLMEM_EXPORT_FD_VALID_FLAGS || cmd->out_fd ||
	    cmd->reserved0 || cmd->reserved[0] || cmd->reserved[1])
		return -EINVAL;
	buf = aclmem_ctx_lookup(ucmd->ctx, cmd->handle);
	if (!buf)
		return -ENOENT;
	dmabuf = aclmem_dmabuf_export(buf);
	aclmem_buf_put(buf);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	/* Reserve the fd, answer, and install it only then. */
	fd = aclmem_should_fail() ? -EMFILE :
	     get_unused_fd_flags(cmd->flags & ACLMEM_EXPORT_FD_CLOEXEC ?
				 O_CLOEXEC : 0);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	cmd->out_fd = fd;
	if (aclmem_ucmd_respond(ucmd)) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;
}

static int aclmem_ioctl_populate(struct aclmem_ucmd *ucmd)
{
	struct aclmem_populate *cmd = ucmd->cmd;

	if (cmd->flags & ~ACLMEM_POPULATE_VALID_FLAGS || cmd->reserved0 ||
	    cmd->reserved[0] || cmd->reserved[1])
		return -EINVAL;
	if (!cmd->len || !PAGE_ALIGNED(cmd->addr | cmd->len) ||
	    cmd->addr + cmd->len < cmd->addr || cmd->addr + cmd->len > TASK_SIZE)
		return -EINVAL;
	return aclmem_populate(cmd->addr, cmd->len);
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
	ACLMEM_IOCTL_OP(EXPORT, aclmem_ioctl_export),
	ACLMEM_IOCTL_OP(SET_PIDS, aclmem_ioctl_set_pids),
	ACLMEM_IOCTL_OP(IMPORT, aclmem_ioctl_import),
	ACLMEM_IOCTL_OP(EXPORT_FD, aclmem_ioctl_export_fd),
	ACLMEM_IOCTL_OP(IMPORT_FD, aclmem_ioctl_import_fd),
	ACLMEM_IOCTL_OP(POPULATE, aclmem_ioctl_populate),
	ACLMEM_IOCTL_OP(UNEXPORT, aclmem_ioctl_unexport),
};

union aclmem_ioctl_buf {
	struct aclmem_info info;
	struct aclmem_alloc alloc;
	struct aclmem_free free;
	struct aclmem_query query;
	struct aclmem_export export;
	struct aclmem_set_pids set_pids;
	struct aclmem_import import;
	struct aclmem_export_fd export_fd;
	struct aclmem_populate populate;
	struct aclmem_unexport unexport;
};

long aclmem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
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
