// SPDX-License-Identifier: GPL-2.0
/*
 * Charging pinned memory. Pages in aclmem buffers cannot be swapped,
 * reclaimed or migrated, so they are charged as the kernel charges other
 * long-term pins (io_uring's registered buffers, RDMA umem, VFIO):
 *
 * - RLIMIT_MEMLOCK: a task without CAP_IPC_LOCK may only allocate while its
 *   user's locked_vm (struct user_struct, shared with io_uring, XDP
 *   sockets and iommufd) stays within the task's RLIMIT_MEMLOCK, as
 *   io_uring's __io_account_mem() does. The buffer keeps a reference to
 *   the user_struct, so the charge is returned when the buffer's last
 *   reference goes, even after the allocating process has exited and only
 *   a dma-buf fd or an importer holds the pages.
 * - mm->pinned_vm of the allocating process (VmPin in /proc/PID/status),
 *   for every allocation, with the mm grabbed (mmgrab(): the struct, not
 *   the address space) for as long as the buffer lives, as io_uring does.
 *   account_locked_vm() (VFIO's) is not used: it charges mm->locked_vm,
 *   which is mlock()'s, per process, and needs the mm alive to uncharge.
 * - user_limit_mb: a per-uid cap that also binds users with CAP_IPC_LOCK
 *   (only CAP_SYS_ADMIN is exempt). CAP_IPC_LOCK lifts RLIMIT_MEMLOCK, and
 *   the pages cannot be charged to a memory cgroup (see README.md), so
 *   without it nothing would bound a CAP_IPC_LOCK service or container;
 *   0 (the default) is no cap.
 *
 * Imports are not charged: the pages are charged once, to the allocator.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/xarray.h>

#include "aclmem.h"

static unsigned long user_limit_mb;
module_param(user_limit_mb, ulong, 0644);
MODULE_PARM_DESC(user_limit_mb,
		 "MiB of pages a user without CAP_SYS_ADMIN may hold, CAP_IPC_LOCK or not (default 0: no cap)");

/* uid -> bytes charged, stored as an xarray value. */
static DEFINE_XARRAY(aclmem_user_bytes);

/* Charge @bytes to @uid against user_limit_mb (0: count, never refuse). */
static int aclmem_uid_charge(uid_t uid, u64 bytes, u64 limit)
{
	unsigned long held;
	void *old;
	int ret = 0;

	xa_lock(&aclmem_user_bytes);
	held = xa_to_value(xa_load(&aclmem_user_bytes, uid) ?: xa_mk_value(0));
	if (limit && (bytes > limit || held > limit - bytes)) {
		ret = -ENOMEM;
	} else {
		old = __xa_store(&aclmem_user_bytes, uid,
				 xa_mk_value(held + bytes), GFP_ATOMIC);
		if (xa_is_err(old))
			ret = xa_err(old);
	}
	xa_unlock(&aclmem_user_bytes);
	return ret;
}

static void aclmem_uid_uncharge(uid_t uid, u64 bytes)
{
	unsigned long held;

	/* Replacing the entry charge() made allocates nothing: no error. */
	xa_lock(&aclmem_user_bytes);
	held = xa_to_value(xa_load(&aclmem_user_bytes, uid));
	if (held > bytes)
		WARN_ON_ONCE(xa_is_err(__xa_store(&aclmem_user_bytes, uid,
						  xa_mk_value(held - bytes),
						  GFP_ATOMIC)));
	else
		__xa_erase(&aclmem_user_bytes, uid);
	xa_unlock(&aclmem_user_bytes);
}

/* Add @pages to @user's locked_vm if it stays within RLIMIT_MEMLOCK. */
static int aclmem_memlock_charge(struct user_struct *user,
				 unsigned long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur = atomic_long_read(&user->locked_vm);

	do {
		if (pages > limit || cur > limit - pages)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur,
					  cur + pages));
	return 0;
}

/**
 * aclmem_charge - charge a new buffer of @bytes to the calling task
 * @bytes: the size of the buffer
 * @c: filled in with what was charged, for aclmem_uncharge()
 *
 * Return: 0, or -ENOMEM when the task's RLIMIT_MEMLOCK or user_limit_mb
 * does not leave room for @bytes.
 */
int aclmem_charge(u64 bytes, struct aclmem_charge *c)
{
	u64 limit = (u64)READ_ONCE(user_limit_mb) << 20;
	unsigned long pages = bytes >> PAGE_SHIFT;
	struct user_struct *user = NULL;
	int ret;

	if (limit && capable(CAP_SYS_ADMIN))
		limit = 0;
	c->uid = from_kuid(&init_user_ns, current_uid());
	ret = aclmem_uid_charge(c->uid, bytes, limit);
	if (ret)
		return ret;
	if (!capable(CAP_IPC_LOCK)) {
		user = current_user();
		ret = aclmem_memlock_charge(user, pages);
		if (ret) {
			aclmem_uid_uncharge(c->uid, bytes);
			return ret;
		}
		get_uid(user);
	}
	c->user = user;
	c->mm = current->mm;
	if (c->mm) {
		mmgrab(c->mm);
		atomic64_add(pages, &c->mm->pinned_vm);
	}
	c->bytes = bytes;
	return 0;
}

/* Give back what aclmem_charge() charged to @c. */
void aclmem_uncharge(struct aclmem_charge *c)
{
	unsigned long pages = c->bytes >> PAGE_SHIFT;

	if (c->mm) {
		atomic64_sub(pages, &c->mm->pinned_vm);
		mmdrop(c->mm);
	}
	if (c->user) {
		atomic_long_sub(pages, &c->user->locked_vm);
		free_uid(c->user);
	}
	aclmem_uid_uncharge(c->uid, c->bytes);
}
