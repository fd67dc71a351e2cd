/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aclmem internals shared by the module's files.
 */
#ifndef _ACLMEM_H
#define _ACLMEM_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/aclmem.h>

struct aclmem_share;
struct dma_buf;
struct mm_struct;
struct user_struct;

#define ACLMEM_ORDER_2M		(21 - PAGE_SHIFT)
#define ACLMEM_ORDER_1G		(30 - PAGE_SHIFT)

/*
 * The mmap offset of a handle is its id shifted by ACLMEM_HANDLE_SHIFT, so
 * each handle owns a window of ACLMEM_MAX_HANDLE_SIZE bytes of file offsets;
 * ids are capped so that every window fits in a signed 64-bit offset.
 */
#define ACLMEM_HANDLE_SHIFT	40
#define ACLMEM_MAX_HANDLE_ID	((1U << (63 - ACLMEM_HANDLE_SHIFT)) - 1)
#define ACLMEM_PGOFF_SHIFT	(ACLMEM_HANDLE_SHIFT - PAGE_SHIFT)

/**
 * struct aclmem_pool - free pages of one size on one node
 * @lock: protects the lists and the counters below it
 * @zeroed: free pages ready to hand out, linked through the first struct
 *          page's lru
 * @dirty: free pages waiting for @zero_work
 * @zero_work: zeroes the pages on @dirty and moves them to @zeroed
 * @zeroing_done: woken each time @zero_work is done with a page
 * @fill_work: grows the pool to @target after a change of the target
 * @fill_stop: tells @fill_work to stop, in the middle of a 1 GiB scan too
 * @order: page order (ACLMEM_ORDER_2M or ACLMEM_ORDER_1G)
 * @nid: the node every page of the pool is on
 * @nr_zeroed: pages on @zeroed
 * @nr_dirty: pages on @dirty
 * @nr_zeroing: pages @zero_work is zeroing now (on neither list)
 * @nr_total: pages the pool owns, free or handed out
 * @target: free pages kept when pages are freed; above it they go back
 * @grown: pages ever taken from the kernel
 * @shrunk: pages ever given back
 * @failed: requests that could not be served
 * @poisoned: pages taken out of the pool for a hardware-poisoned part
 */
struct aclmem_pool {
	struct mutex lock; /* see above */
	struct list_head zeroed;
	struct list_head dirty;
	struct work_struct zero_work;
	wait_queue_head_t zeroing_done;
	struct work_struct fill_work;
	bool fill_stop;
	unsigned int order;
	int nid;
	unsigned long nr_zeroed;
	unsigned long nr_dirty;
	unsigned long nr_zeroing;
	unsigned long nr_total;
	unsigned long target;
	u64 grown;
	u64 shrunk;
	u64 failed;
	u64 poisoned;
};

/**
 * struct aclmem_charge - what a buffer is charged to (limit.c)
 * @user: the allocating user, whose locked_vm holds the buffer's pages
 *        (with a reference), or NULL if it had CAP_IPC_LOCK
 * @mm: the allocating process's mm, whose pinned_vm holds them (grabbed)
 * @uid: the allocating uid, charged for user_limit_mb
 * @bytes: the size charged
 */
struct aclmem_charge {
	struct user_struct *user;
	struct mm_struct *mm;
	uid_t uid;
	u64 bytes;
};

/**
 * struct aclmem_buf - the pages behind one handle
 * @ref: one for the handle, one per VMA that maps the buffer
 * @size: bytes
 * @order: page order of every page
 * @node: the node asked for, or ACLMEM_NODE_ANY
 * @charge: what it is charged to (limit.c)
 * @nr_pages: entries of @pfns
 * @mappings: VMAs that map the buffer
 * @handles: handles on the buffer, in any file
 * @dmabufs: dma-bufs exported from it
 * @faults_pte: faults served with a 4 KiB entry, likewise @faults_pmd and
 *              @faults_pud for 2 MiB and 1 GiB entries
 * @file: the vm_file of its mappings through /dev/aclmem, made at the
 *        first (mmap.c); the buffer holds it, it does not hold the buffer
 * @pfns: first pfn of each page
 */
struct aclmem_buf {
	struct kref ref;
	u64 size;
	unsigned int order;
	u32 node;
	struct aclmem_charge charge;
	unsigned long nr_pages;
	atomic_t mappings;
	atomic_t handles;
	atomic_t dmabufs;
	atomic64_t faults_pte;
	atomic64_t faults_pmd;
	atomic64_t faults_pud;
	struct file *file;
	unsigned long *pfns;
};

/**
 * struct aclmem_handle - one handle of an open file
 * @buf: its pages; the handle holds a reference
 * @share: the token exported from this handle, or NULL
 * @imported: made by IMPORT or IMPORT_FD, so not exportable as a token
 */
struct aclmem_handle {
	struct aclmem_buf *buf;
	struct aclmem_share *share;
	bool imported;
};

/**
 * struct aclmem_ctx - one open file of /dev/aclmem
 * @node: in the list of every open file (ctx.c)
 * @seq: its place in that list, for resumable walks
 * @ref: the file's, and one per walk looking at it
 * @pid: tgid (initial pid namespace) of the process that opened it
 * @uid: effective uid of that process, for the dump's filter
 * @comm: that process's command
 * @lock: serialises changes to handles (publish, free, export)
 * @handles: id -> struct aclmem_handle
 * @next_id: where the search for a free id starts: ids are not reused
 *           soon, so a stale handle does not name a new buffer
 */
struct aclmem_ctx {
	struct list_head node;
	u64 seq;
	refcount_t ref;
	pid_t pid;
	kuid_t uid;
	char comm[TASK_COMM_LEN];
	struct mutex lock; /* see above */
	struct xarray handles;
	u32 next_id;
};

/**
 * struct aclmem_handle_info - what a walk over every handle reports
 * @pid: owner's tgid (initial pid namespace)
 * @comm: owner's command
 * @id: the handle in its file
 * @size: bytes
 * @page_size: bytes
 * @node: node asked for
 * @mappings: VMAs mapping the pages
 * @sharers: other handles on the pages
 * @dmabufs: dma-bufs of the pages
 * @token: the token exported from the handle, or 0
 * @imported: made by IMPORT or IMPORT_FD
 */
struct aclmem_handle_info {
	pid_t pid;
	const char *comm;
	u32 id;
	u64 size;
	u64 page_size;
	u32 node;
	u32 mappings;
	u32 sharers;
	u32 dmabufs;
	u64 token;
	bool imported;
};

/* ctx.c */
struct aclmem_ctx *aclmem_ctx_create(void);
void aclmem_ctx_destroy(struct aclmem_ctx *ctx);
struct aclmem_buf *aclmem_ctx_lookup(struct aclmem_ctx *ctx, u32 id);
struct aclmem_handle *aclmem_ctx_reserve(struct aclmem_ctx *ctx,
					 struct aclmem_buf *buf, bool imported,
					 u32 *id);
void aclmem_ctx_unreserve(struct aclmem_ctx *ctx, u32 id,
			  struct aclmem_handle *handle);
int aclmem_ctx_install(struct aclmem_ctx *ctx, u32 id,
		       struct aclmem_handle *handle);
int aclmem_ctx_remove(struct aclmem_ctx *ctx, u32 id);
int aclmem_ctx_share(struct aclmem_ctx *ctx, u32 id, u32 flags, u64 cookie,
		     u64 *token);
void aclmem_ctx_unshare(struct aclmem_ctx *ctx, u32 id, u64 token);
int aclmem_ctx_unexport(struct aclmem_ctx *ctx, u64 token);
u32 aclmem_ctx_nr_handles(struct aclmem_ctx *ctx);
void aclmem_ctxs_walk(pid_t pid, const kuid_t *uid, unsigned long *seq,
		      unsigned long *id,
		      bool (*fn)(const struct aclmem_handle_info *hi,
				 void *arg),
		      void *arg);

/* pool.c */
int aclmem_pools_init(unsigned long nr_2m, unsigned long nr_1g);
void aclmem_pools_exit(void);
int aclmem_pages_get(unsigned int order, u32 node, unsigned long nr,
		     unsigned long *pfns);
void aclmem_pages_put(unsigned int order, unsigned long nr,
		      const unsigned long *pfns);
void aclmem_pools_stats(unsigned int order, struct aclmem_pool_stats *st);
void aclmem_pool_node_stats(unsigned int order, int nid,
			    struct aclmem_pool_stats *st);
void aclmem_pool_set_target(unsigned int order, int nid, unsigned long target);
u64 aclmem_pool_poisoned(unsigned int order, int nid);
bool aclmem_page_poisoned(unsigned long pfn, unsigned int order);

/* genl.c */
void aclmem_genl_event(enum aclmem_genl_event event, unsigned int order,
		       int nid);
int aclmem_genl_init(void);
void aclmem_genl_exit(void);

/* sysfs.c */
int aclmem_sysfs_init(void);
void aclmem_sysfs_exit(void);

/* buf.c */
struct aclmem_buf *aclmem_buf_create(u64 size, unsigned int order, u32 node);
void aclmem_buf_get(struct aclmem_buf *buf);
void aclmem_buf_put(struct aclmem_buf *buf);
unsigned long aclmem_buf_pfn(const struct aclmem_buf *buf, u64 off);
u64 aclmem_buf_bad_refs(const struct aclmem_buf *buf);

/* mmap.c */
int aclmem_buf_mmap(struct aclmem_buf *buf, struct vm_area_struct *vma,
		    bool strict);
int aclmem_mmap(struct file *file, struct vm_area_struct *vma);
int aclmem_populate(unsigned long addr, unsigned long len);
unsigned long aclmem_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags);

/* ioctl.c */
long aclmem_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* share.c */
struct aclmem_share *aclmem_share_create(struct aclmem_buf *buf, u32 flags,
					 u64 cookie);
void aclmem_share_revoke(struct aclmem_share *share);
u64 aclmem_share_token(const struct aclmem_share *share);
bool aclmem_share_owned(const struct aclmem_share *share);
bool aclmem_share_exists(u64 token);
int aclmem_share_set_pids(u64 token, const u32 __user *pids, u32 nr);
struct aclmem_buf *aclmem_share_import(u64 token, u64 *cookie);

/* dmabuf.c */
struct dma_buf *aclmem_dmabuf_export(struct aclmem_buf *buf);
struct aclmem_buf *aclmem_dmabuf_import(int fd);

/* limit.c */
int aclmem_charge(u64 bytes, struct aclmem_charge *c);
void aclmem_uncharge(struct aclmem_charge *c);

/* fault.c */
bool aclmem_should_fail(void);
void aclmem_fault_init(void);
void aclmem_fault_exit(void);

/* fs.c */
int aclmem_fs_init(void);
void aclmem_fs_exit(void);
struct inode *aclmem_fs_inode(void);
struct file *aclmem_fs_file(const struct file_operations *fops, void *priv);

#endif /* _ACLMEM_H */
