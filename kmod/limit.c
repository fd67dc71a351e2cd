// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limit on pinned memory: pages in aclmem buffers cannot be
 * swapped or reclaimed, so a user without CAP_IPC_LOCK may hold at most
 * user_limit_mb of them (0: no limit), charged to the user that allocated
 * them until the pages go back to the pool, even if other processes hold
 * them by then. Sharing does not charge the importer.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/xarray.h>

#include "aclmem.h"

static unsigned long user_limit_mb;
module_param(user_limit_mb, ulong, 0644);
MODULE_PARM_DESC(user_limit_mb,
		 "MiB of pages a user without CAP_IPC_LOCK may hold (default 0: no limit)");

/* uid -> bytes charged, stored as an xarray value. */
static DEFINE_XARRAY(aclmem_user_bytes);

/**
 * aclmem_user_charge - charge @bytes to the calling user
 * @bytes: the size of a new buffer
 * @uid: receives the uid charged, for aclmem_user_uncharge()
 *
 * Return: 0, or -ENOMEM when the user would go over the limit.
 */
int aclmem_user_charge(u64 bytes, uid_t *uid)
{
	u64 limit = (u64)READ_ONCE(user_limit_mb) << 20;
	unsigned long held;
	void *old;
	int ret = 0;

	if (limit && capable(CAP_IPC_LOCK))
		limit = 0;
	*uid = from_kuid(&init_user_ns, current_uid());
	xa_lock(&aclmem_user_bytes);
	held = xa_to_value(xa_load(&aclmem_user_bytes, *uid) ?: xa_mk_value(0));
	if (limit && (bytes > limit || held > limit - bytes)) {
		ret = -ENOMEM;
	} else {
		old = __xa_store(&aclmem_user_bytes, *uid,
				 xa_mk_value(held + bytes), GFP_ATOMIC);
		if (xa_is_err(old))
			ret = xa_err(old);
	}
	xa_unlock(&aclmem_user_bytes);
	return ret;
}

void aclmem_user_uncharge(u64 bytes, uid_t uid)
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
