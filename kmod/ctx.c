// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of open /dev/aclmem files: each file's handles (lookup,
 * publish, destroy) and the walk over every handle of every file that the
 * generic netlink dump reports.
 */
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "aclmem.h"

/* Every open file, in the order they were opened, for aclmem_ctxs_walk(). */
static LIST_HEAD(aclmem_ctxs);
static DEFINE_MUTEX(aclmem_ctxs_lock);
static u64 aclmem_ctxs_seq;

/* A new, empty file context for the calling process. */
struct aclmem_ctx *aclmem_ctx_create(void)
{
	struct aclmem_ctx *ctx;

	ctx = aclmem_should_fail() ? NULL :
	      kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	refcount_set(&ctx->ref, 1);
	mutex_init(&ctx->lock);
	xa_init_flags(&ctx->handles, XA_FLAGS_ALLOC1);
	ctx->pid = task_tgid_nr_ns(current, &init_pid_ns);
	ctx->uid = current_euid();
	get_task_comm(ctx->comm, current);

	mutex_lock(&aclmem_ctxs_lock);
	ctx->seq = ++aclmem_ctxs_seq;
	list_add_tail(&ctx->node, &aclmem_ctxs);
	mutex_unlock(&aclmem_ctxs_lock);
	return ctx;
}

static void aclmem_handle_destroy(struct aclmem_handle *handle)
{
	if (handle->share)
		aclmem_share_revoke(handle->share);
	atomic_dec(&handle->buf->handles);
	aclmem_buf_put(handle->buf);
	kfree(handle);
}

static void aclmem_ctx_put(struct aclmem_ctx *ctx)
{
	if (!refcount_dec_and_test(&ctx->ref))
		return;
	xa_destroy(&ctx->handles);
	kfree(ctx);
}

/*
 * The file is released: its handles go, and so does it once no walk holds
 * it. Each handle leaves under ctx->lock, so a walk that took the file
 * before it left the list sees a handle whole or not at all.
 */
void aclmem_ctx_destroy(struct aclmem_ctx *ctx)
{
	struct aclmem_handle *handle;
	unsigned long id;

	mutex_lock(&aclmem_ctxs_lock);
	list_del(&ctx->node);
	mutex_unlock(&aclmem_ctxs_lock);
	xa_for_each(&ctx->handles, id, handle) {
		mutex_lock(&ctx->lock);
		xa_erase(&ctx->handles, id);
		mutex_unlock(&ctx->lock);
		aclmem_handle_destroy(handle);
	}
	aclmem_ctx_put(ctx);
}

/* Takes a reference for the caller; NULL when @id names no handle. */
struct aclmem_buf *aclmem_ctx_lookup(struct aclmem_ctx *ctx, u32 id)
{
	struct aclmem_handle *handle;
	struct aclmem_buf *buf = NULL;

	xa_lock(&ctx->handles);
	handle = xa_load(&ctx->handles, id);
	if (handle) {
		buf = handle->buf;
		aclmem_buf_get(buf);
	}
	xa_unlock(&ctx->handles);
	return buf;
}

/**
 * aclmem_ctx_reserve - the first half of publishing a handle for @buf
 * @ctx: the file
 * @buf: the pages
 * @imported: made by IMPORT or IMPORT_FD
 * @id: set to the id reserved
 *
 * The id is reserved but names nothing yet: the caller answers its caller
 * and then calls aclmem_ctx_install(), or aclmem_ctx_unreserve().
 *
 * Return: the new handle, or ERR_PTR(-ENOMEM) or -ENOSPC.
 */
struct aclmem_handle *aclmem_ctx_reserve(struct aclmem_ctx *ctx,
					 struct aclmem_buf *buf, bool imported,
					 u32 *id)
{
	struct aclmem_handle *handle;
	int ret;

	handle = aclmem_should_fail() ? NULL :
		 kzalloc(sizeof(*handle), GFP_KERNEL_ACCOUNT);
	if (!handle)
		return ERR_PTR(-ENOMEM);
	handle->buf = buf;
	handle->imported = imported;
	atomic_inc(&buf->handles);

	ret = aclmem_should_fail() ? -ENOMEM :
	      xa_alloc_cyclic(&ctx->handles, id, NULL,
			      XA_LIMIT(1, ACLMEM_MAX_HANDLE_ID), &ctx->next_id,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		atomic_dec(&buf->handles);
		kfree(handle);
		return ERR_PTR(ret == -EBUSY ? -ENOSPC : ret);
	}
	return handle;
}

/* Undo aclmem_ctx_reserve(); the caller keeps its reference to the buf. */
void aclmem_ctx_unreserve(struct aclmem_ctx *ctx, u32 id,
			  struct aclmem_handle *handle)
{
	xa_erase(&ctx->handles, id);
	atomic_dec(&handle->buf->handles);
	kfree(handle);
}

/*
 * Publish a handle aclmem_ctx_reserve() made: from now on it owns the
 * caller's reference to its buf. On error it is unreserved.
 */
int aclmem_ctx_install(struct aclmem_ctx *ctx, u32 id,
		       struct aclmem_handle *handle)
{
	void *old;

	/* Fills the slot xa_alloc_cyclic() reserved, so it allocates nothing. */
	mutex_lock(&ctx->lock);
	old = xa_store(&ctx->handles, id, handle, GFP_KERNEL);
	mutex_unlock(&ctx->lock);
	if (xa_is_err(old)) {
		aclmem_ctx_unreserve(ctx, id, handle);
		return xa_err(old);
	}
	return 0;
}

/* FREE: the handle goes; its pages stay while something else holds them. */
int aclmem_ctx_remove(struct aclmem_ctx *ctx, u32 id)
{
	struct aclmem_handle *handle;

	mutex_lock(&ctx->lock);
	handle = xa_erase(&ctx->handles, id);
	mutex_unlock(&ctx->lock);
	if (!handle)
		return -ENOENT;
	aclmem_handle_destroy(handle);
	return 0;
}

/**
 * aclmem_ctx_share - export handle @id under a new token
 * @ctx: the file
 * @id: the handle
 * @flags: the EXPORT flags (ACLMEM_EXPORT_ANY_PID, ACLMEM_EXPORT_INIT_PID_NS)
 * @cookie: for importers
 * @token: set to the token
 *
 * The token is published at once; a caller that cannot answer its caller
 * takes it back with aclmem_ctx_unshare().
 *
 * Return: 0, -ENOENT (no such handle), -EPERM (an imported handle),
 * -EEXIST (already exported) or -ENOMEM.
 */
int aclmem_ctx_share(struct aclmem_ctx *ctx, u32 id, u32 flags, u64 cookie,
		     u64 *token)
{
	struct aclmem_handle *handle;
	struct aclmem_share *share;
	int ret = 0;

	mutex_lock(&ctx->lock);
	handle = xa_load(&ctx->handles, id);
	if (!handle) {
		ret = -ENOENT;
	} else if (handle->imported) {
		ret = -EPERM;
	} else if (handle->share) {
		ret = -EEXIST;
	} else {
		share = aclmem_share_create(handle->buf, flags, cookie);
		ret = PTR_ERR_OR_ZERO(share);
		if (!ret) {
			handle->share = share;
			*token = aclmem_share_token(share);
		}
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * Undo aclmem_ctx_share(): handle @id loses @token if it still has it (it
 * may have been freed or unexported meanwhile).
 */
void aclmem_ctx_unshare(struct aclmem_ctx *ctx, u32 id, u64 token)
{
	struct aclmem_handle *handle;

	mutex_lock(&ctx->lock);
	handle = xa_load(&ctx->handles, id);
	if (handle && handle->share &&
	    aclmem_share_token(handle->share) == token) {
		aclmem_share_revoke(handle->share);
		handle->share = NULL;
	}
	mutex_unlock(&ctx->lock);
}

/**
 * aclmem_ctx_unexport - revoke a token before its handle goes
 * @ctx: the open file the call came on
 * @token: a token exported from one of @ctx's handles
 *
 * The handle loses its token (and may be exported again); importers keep
 * their handles. The token is looked for among @ctx's handles, a walk
 * that costs as many steps as the file holds handles: revoking is rare.
 *
 * Return: 0, -ENOENT (no such token) or -EACCES (the token is not this
 * file's, or another process exported it).
 */
int aclmem_ctx_unexport(struct aclmem_ctx *ctx, u64 token)
{
	struct aclmem_handle *handle, *found = NULL;
	unsigned long id;
	int ret = 0;

	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->handles, id, handle) {
		if (handle->share && aclmem_share_token(handle->share) == token) {
			found = handle;
			break;
		}
	}
	if (found && aclmem_share_owned(found->share)) {
		/* under ctx->lock: no second UNEXPORT finds it half gone */
		aclmem_share_revoke(found->share);
		found->share = NULL;
	} else if (found) {
		ret = -EACCES;
	} else {
		ret = aclmem_share_exists(token) ? -EACCES : -ENOENT;
	}
	mutex_unlock(&ctx->lock);
	return ret;
}

/* How many handles the file has now (INFO). */
u32 aclmem_ctx_nr_handles(struct aclmem_ctx *ctx)
{
	struct aclmem_handle *handle;
	unsigned long id;
	u32 n = 0;

	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->handles, id, handle)
		n++;
	mutex_unlock(&ctx->lock);
	return n;
}

/* Under ctx->lock. */
static void aclmem_handle_info(const struct aclmem_ctx *ctx, u32 id,
			       const struct aclmem_handle *handle,
			       struct aclmem_handle_info *hi)
{
	const struct aclmem_buf *buf = handle->buf;

	*hi = (struct aclmem_handle_info) {
		.pid = ctx->pid,
		.comm = ctx->comm,
		.id = id,
		.size = buf->size,
		.page_size = PAGE_SIZE << buf->order,
		.node = buf->node,
		.mappings = atomic_read(&buf->mappings),
		.sharers = atomic_read(&buf->handles) - 1,
		.dmabufs = atomic_read(&buf->dmabufs),
		.token = handle->share ? aclmem_share_token(handle->share) : 0,
		.imported = handle->imported,
	};
}

/*
 * The first file at or after @seq that @pid and @uid let through, with a
 * reference for the caller; NULL at the end of the list.
 */
static struct aclmem_ctx *aclmem_ctxs_next(unsigned long seq, pid_t pid,
					   const kuid_t *uid)
{
	struct aclmem_ctx *ctx, *found = NULL;

	mutex_lock(&aclmem_ctxs_lock);
	list_for_each_entry(ctx, &aclmem_ctxs, node) {
		if (ctx->seq < seq || (pid >= 0 && ctx->pid != pid) ||
		    (uid && !uid_eq(ctx->uid, *uid)))
			continue;
		refcount_inc(&ctx->ref);
		found = ctx;
		break;
	}
	mutex_unlock(&aclmem_ctxs_lock);
	return found;
}

/**
 * aclmem_ctxs_walk - report every handle of every open file
 * @pid: only the files this tgid opened, or -1 for all
 * @uid: only the files opened with this effective uid, or NULL for all
 * @seq: the file to start at (by sequence number); updated to resume
 * @id: the handle id to start at in that file; updated to resume
 * @fn: called for each handle, under that file's lock only (it must not
 *      sleep on anything a file's owner may hold); returning false stops
 *      the walk there, and the next walk from @seq and @id starts with
 *      that handle again
 * @arg: passed to @fn
 *
 * The list lock is held only to find the next file and take a reference:
 * no file's lock is taken under it, so a slow file stalls neither open and
 * close nor the walk's view of other files.
 */
void aclmem_ctxs_walk(pid_t pid, const kuid_t *uid, unsigned long *seq,
		      unsigned long *id,
		      bool (*fn)(const struct aclmem_handle_info *hi,
				 void *arg),
		      void *arg)
{
	struct aclmem_handle_info hi;
	struct aclmem_handle *handle;
	struct aclmem_ctx *ctx;
	unsigned long i;
	bool full = false;

	while (!full && (ctx = aclmem_ctxs_next(*seq, pid, uid))) {
		if (ctx->seq > *seq) {
			*seq = ctx->seq;
			*id = 0;
		}
		mutex_lock(&ctx->lock);
		xa_for_each_start(&ctx->handles, i, handle, *id) {
			aclmem_handle_info(ctx, i, handle, &hi);
			if (!fn(&hi, arg)) {
				*id = i;
				full = true;
				break;
			}
		}
		mutex_unlock(&ctx->lock);
		if (!full) {
			*seq = ctx->seq + 1;
			*id = 0;
		}
		aclmem_ctx_put(ctx);
	}
	if (!full)
		*seq = ULONG_MAX;
}
