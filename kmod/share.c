// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens: a handle exported under a random 64-bit number that another
 * process can import knowing only the number, if the token admits it.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "aclmem.h"

/**
 * struct aclmem_share - an exported handle
 * @node: in aclmem_shares, by token
 * @token: the number importers give
 * @buf: the pages; the token holds a reference
 * @owner: the exporter's tgid in the initial pid namespace
 * @uid: the exporter's effective uid
 * @any_pid: ACLMEM_EXPORT_ANY_PID
 * @nr_pids: entries of @pids
 * @pids: tgids (initial pid namespace) admitted
 */
struct aclmem_share {
	struct hlist_node node;
	u64 token;
	struct aclmem_buf *buf;
	pid_t owner;
	kuid_t uid;
	bool any_pid;
	u32 nr_pids;
	u32 *pids;
};

static DEFINE_MUTEX(aclmem_shares_lock);
static DEFINE_HASHTABLE(aclmem_shares, 10);

static pid_t aclmem_current_tgid(void)
{
	return task_tgid_nr_ns(current, &init_pid_ns);
}

/* Under aclmem_shares_lock. */
static struct aclmem_share *aclmem_share_find(u64 token)
{
	struct aclmem_share *share;

	hash_for_each_possible(aclmem_shares, share, node, token)
		if (share->token == token)
			return share;
	return NULL;
}

/* A new token for @buf, published under a fresh random number. */
struct aclmem_share *aclmem_share_create(struct aclmem_buf *buf, bool any_pid)
{
	struct aclmem_share *share;

	share = aclmem_should_fail() ? NULL : kzalloc(sizeof(*share), GFP_KERNEL);
	if (!share)
		return ERR_PTR(-ENOMEM);
	aclmem_buf_get(buf);
	share->buf = buf;
	share->owner = aclmem_current_tgid();
	share->uid = current_euid();
	share->any_pid = any_pid;

	mutex_lock(&aclmem_shares_lock);
	do {
		share->token = get_random_u64();
	} while (!share->token || aclmem_share_find(share->token));
	hash_add(aclmem_shares, &share->node, share->token);
	mutex_unlock(&aclmem_shares_lock);
	return share;
}

u64 aclmem_share_token(const struct aclmem_share *share)
{
	return share->token;
}

static void aclmem_share_free(struct aclmem_share *share)
{
	aclmem_buf_put(share->buf);
	kvfree(share->pids);
	kfree(share);
}

/* The exporter's handle is gone: so is the token. */
void aclmem_share_revoke(struct aclmem_share *share)
{
	mutex_lock(&aclmem_shares_lock);
	hash_del(&share->node);
	mutex_unlock(&aclmem_shares_lock);
	aclmem_share_free(share);
}

/**
 * aclmem_share_set_pids - admit more processes to a token
 * @token: a token the caller's process exported
 * @upids: user array of tgids
 * @nr: its length
 *
 * Return: 0, -EINVAL, -EFAULT, -ENOMEM, -ENOENT (no such token), -EPERM
 * (another process's token) or -ENOSPC (more than ACLMEM_MAX_SHARE_PIDS).
 */
int aclmem_share_set_pids(u64 token, const u32 __user *upids, u32 nr)
{
	struct aclmem_share *share;
	u32 *pids, *grown;
	int ret = 0;

	if (!nr || nr > ACLMEM_MAX_SHARE_PIDS)
		return -EINVAL;
	if (aclmem_should_fail())
		return -ENOMEM;
	pids = vmemdup_user(upids, array_size(nr, sizeof(*pids)));
	if (IS_ERR(pids))
		return PTR_ERR(pids);

	mutex_lock(&aclmem_shares_lock);
	share = aclmem_share_find(token);
	if (!share) {
		ret = -ENOENT;
	} else if (share->owner != aclmem_current_tgid()) {
		ret = -EPERM;
	} else if (nr > ACLMEM_MAX_SHARE_PIDS - share->nr_pids) {
		ret = -ENOSPC;
	} else {
		grown = aclmem_should_fail() ? NULL :
			kvmalloc_array(share->nr_pids + nr, sizeof(*pids),
				       GFP_KERNEL);
		if (!grown) {
			ret = -ENOMEM;
		} else {
			memcpy(grown, share->pids,
			       array_size(share->nr_pids, sizeof(*pids)));
			memcpy(grown + share->nr_pids, pids,
			       array_size(nr, sizeof(*pids)));
			kvfree(share->pids);
			share->pids = grown;
			share->nr_pids += nr;
		}
	}
	mutex_unlock(&aclmem_shares_lock);
	kvfree(pids);
	return ret;
}

/* Under aclmem_shares_lock: may the calling process import @share? */
static bool aclmem_share_admits(const struct aclmem_share *share, pid_t tgid)
{
	u32 i;

	for (i = 0; i < share->nr_pids; i++)
		if (share->pids[i] == (u32)tgid)
			return true;
	return share->any_pid &&
	       (uid_eq(current_euid(), share->uid) || capable(CAP_SYS_ADMIN));
}

/**
 * aclmem_share_import - the pages behind a token, for a new handle
 * @token: the token
 *
 * Return: the buffer with a reference for the caller, or ERR_PTR(-ENOENT)
 * (no such token), -EINVAL (the exporting process itself) or -EACCES (not
 * admitted).
 */
struct aclmem_buf *aclmem_share_import(u64 token)
{
	pid_t tgid = aclmem_current_tgid();
	struct aclmem_share *share;
	struct aclmem_buf *buf;

	mutex_lock(&aclmem_shares_lock);
	share = aclmem_share_find(token);
	if (!share)
		buf = ERR_PTR(-ENOENT);
	else if (share->owner == tgid)
		buf = ERR_PTR(-EINVAL);
	else if (!aclmem_share_admits(share, tgid))
		buf = ERR_PTR(-EACCES);
	else
		buf = share->buf;
	if (!IS_ERR(buf))
		aclmem_buf_get(buf);
	mutex_unlock(&aclmem_shares_lock);
	return buf;
}
