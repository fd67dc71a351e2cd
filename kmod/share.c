// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens: a handle exported under a random number that another process can
 * import knowing only the number, if the token admits it.
 *
 * A token admits the processes on its list (SET_PIDS). Each entry holds
 * the struct pid its number named when it was set, and the time: the
 * number is resolved then, in the exporter's pid namespace (or the
 * initial one, ACLMEM_EXPORT_INIT_PID_NS), so a process that has the
 * number later (a pid reused) is another struct pid and is refused, and
 * so is a process that started after its entry was set. A number that
 * named no process keeps its place on the list and admits nobody, as
 * CANN's driver keeps the number of a process that is not there. The
 * exporter is a struct pid too: a process that reuses its pid is not it.
 * A token exported with ACLMEM_EXPORT_ANY_PID has no list and admits any
 * process.
 */
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "aclmem.h"

/*
 * Tokens stay below 2^53 so that they survive a signed 64-bit integer, a
 * double and a JSON number on their way between processes.
 */
#define ACLMEM_TOKEN_MASK	(BIT_ULL(53) - 1)

/**
 * struct aclmem_share_pid - a process admitted to a token
 * @nr: the number SET_PIDS gave, a tgid in the token's pid namespace
 * @pid: the thread group @nr named when the entry was set (a reference),
 *       or NULL when it named none
 * @set_ns: CLOCK_MONOTONIC time the entry was (last) set
 */
struct aclmem_share_pid {
	u32 nr;
	struct pid *pid;
	u64 set_ns;
};

/**
 * struct aclmem_share - an exported handle
 * @node: in aclmem_shares, by token
 * @token: the number importers give
 * @buf: the pages; the token holds a reference
 * @owner: the exporter's thread group (a reference)
 * @any_pid: ACLMEM_EXPORT_ANY_PID: no list, any process may import
 * @init_ns: ACLMEM_EXPORT_INIT_PID_NS: the list's numbers are of the
 *           initial pid namespace, not of the exporter's
 * @cookie: the exporter's EXPORT cookie, for importers
 * @nr_pids: entries of @pids
 * @pids: the processes admitted, sorted by @nr
 */
struct aclmem_share {
	struct hlist_node node;
	u64 token;
	struct aclmem_buf *buf;
	struct pid *owner;
	bool any_pid;
	bool init_ns;
	u64 cookie;
	u32 nr_pids;
	struct aclmem_share_pid *pids;
};

static DEFINE_MUTEX(aclmem_shares_lock);
static DEFINE_HASHTABLE(aclmem_shares, 10);

/* The namespace @share's list numbers processes in. */
static struct pid_namespace *aclmem_share_pid_ns(struct aclmem_share *share)
{
	/* the owner's struct pid holds its namespace */
	return share->init_ns ? &init_pid_ns : ns_of_pid(share->owner);
}

/* Whether the calling process exported @share. */
bool aclmem_share_owned(const struct aclmem_share *share)
{
	return share->owner == task_tgid(current);
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
struct aclmem_share *aclmem_share_create(struct aclmem_buf *buf, u32 flags,
					 u64 cookie)
{
	struct aclmem_share *share;

	share = aclmem_should_fail() ? NULL :
		kzalloc(sizeof(*share), GFP_KERNEL_ACCOUNT);
	if (!share)
		return ERR_PTR(-ENOMEM);
	aclmem_buf_get(buf);
	share->buf = buf;
	share->owner = get_pid(task_tgid(current));
	share->any_pid = flags & ACLMEM_EXPORT_ANY_PID;
	share->init_ns = flags & ACLMEM_EXPORT_INIT_PID_NS;
	share->cookie = cookie;

	mutex_lock(&aclmem_shares_lock);
	do {
		share->token = get_random_u64() & ACLMEM_TOKEN_MASK;
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
	u32 i;

	for (i = 0; i < share->nr_pids; i++)
		put_pid(share->pids[i].pid);
	put_pid(share->owner);
	aclmem_buf_put(share->buf);
	kvfree(share->pids);
	kfree(share);
}

/* The exporter's handle is gone, or it unexported the token. */
void aclmem_share_revoke(struct aclmem_share *share)
{
	mutex_lock(&aclmem_shares_lock);
	hash_del(&share->node);
	mutex_unlock(&aclmem_shares_lock);
	aclmem_share_free(share);
}

/* Whether @token names a token now, whoever exported it. */
bool aclmem_share_exists(u64 token)
{
	bool found;

	mutex_lock(&aclmem_shares_lock);
	found = aclmem_share_find(token);
	mutex_unlock(&aclmem_shares_lock);
	return found;
}

/* Under aclmem_shares_lock: @share's entry for @nr, or NULL. */
static struct aclmem_share_pid *aclmem_share_entry(struct aclmem_share *share,
						   u32 nr)
{
	u32 lo = 0, hi = share->nr_pids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (share->pids[mid].nr == nr)
			return &share->pids[mid];
		if (share->pids[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int aclmem_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Sort @pids and drop zeros and repeats; returns how many are left. */
static u32 aclmem_pids_normalise(u32 *pids, u32 nr)
{
	u32 i, n = 0;

	sort(pids, nr, sizeof(*pids), aclmem_cmp_u32, NULL);
	for (i = 0; i < nr; i++)
		if (pids[i] && (!n || pids[n - 1] != pids[i]))
			pids[n++] = pids[i];
	return n;
}

/*
 * The thread group @nr names in @ns now, with a reference, or NULL: no
 * process, a thread that does not lead its group, or one still forking.
 */
static struct pid *aclmem_tgid_resolve(struct pid_namespace *ns, u32 nr)
{
	struct pid *pid;

	if (nr > PID_MAX_LIMIT)
		return NULL;
	rcu_read_lock();
	pid = find_pid_ns(nr, ns);
	if (pid && pid_has_task(pid, PIDTYPE_TGID))
		get_pid(pid);
	else
		pid = NULL;
	rcu_read_unlock();
	return pid;
}

/*
 * Under aclmem_shares_lock: merge the sorted, distinct @pids into the list,
 * each with the process it names and the time now (both set anew for those
 * already there). Linear in the two lengths, so the lock is never held for
 * long.
 */
static int aclmem_share_add_pids(struct aclmem_share *share, const u32 *pids,
				 u32 nr)
{
	struct pid_namespace *ns = aclmem_share_pid_ns(share);
	struct aclmem_share_pid *old = share->pids, *merged;
	u32 i = 0, j = 0, n = 0, fresh = 0;
	u64 now;

	while (j < nr) {
		if (i < share->nr_pids && old[i].nr < pids[j]) {
			i++;
		} else {
			if (i == share->nr_pids || old[i].nr != pids[j])
				fresh++;
			j++;
		}
	}
	/* A full list takes nothing, not even a pid it has (as CANN's). */
	if (share->nr_pids == ACLMEM_MAX_SHARE_PIDS ||
	    fresh > ACLMEM_MAX_SHARE_PIDS - share->nr_pids)
		return -ENOSPC;
	merged = aclmem_should_fail() ? NULL :
		 kvmalloc_array(share->nr_pids + fresh, sizeof(*merged),
				GFP_KERNEL_ACCOUNT);
	if (!merged)
		return -ENOMEM;
	for (i = 0, j = 0; i < share->nr_pids || j < nr;) {
		if (j == nr || (i < share->nr_pids && old[i].nr < pids[j])) {
			merged[n++] = old[i++];
			continue;
		}
		if (i < share->nr_pids && old[i].nr == pids[j])
			put_pid(old[i++].pid);
		merged[n].nr = pids[j];
		merged[n].pid = aclmem_tgid_resolve(ns, pids[j++]);
		merged[n++].set_ns = U64_MAX;
	}
	/* after the lookups: each process found started before this time */
	now = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (merged[i].set_ns == U64_MAX)
			merged[i].set_ns = now;
	kvfree(old);
	share->pids = merged;
	share->nr_pids = n;
	return 0;
}

/**
 * aclmem_share_set_pids - admit more processes to a token
 * @token: a token the caller's process exported
 * @upids: user array of tgids in the token's pid namespace; 0 entries are
 *         ignored, and a number that names no process is kept but admits
 *         nobody
 * @nr: its length
 *
 * Return: 0, -EINVAL (@nr out of range, or every entry 0), -EFAULT,
 * -ENOMEM, -ENOENT (no such token), -EACCES (another process's token),
 * -EPERM (the token admits any process: it has no list) or -ENOSPC (more
 * than ACLMEM_MAX_SHARE_PIDS).
 */
int aclmem_share_set_pids(u64 token, const u32 __user *upids, u32 nr)
{
	struct aclmem_share *share;
	u32 *pids;
	int ret;

	if (!nr || nr > ACLMEM_MAX_SHARE_PIDS)
		return -EINVAL;
	if (aclmem_should_fail())
		return -ENOMEM;
	/* The caller picks the size: charged to its memory cgroup. */
	pids = kvmalloc_array(nr, sizeof(*pids), GFP_KERNEL_ACCOUNT);
	if (!pids)
		return -ENOMEM;
	if (copy_from_user(pids, upids, array_size(nr, sizeof(*pids)))) {
		kvfree(pids);
		return -EFAULT;
	}

	nr = aclmem_pids_normalise(pids, nr);

	mutex_lock(&aclmem_shares_lock);
	share = aclmem_share_find(token);
	if (!share)
		ret = -ENOENT;
	else if (!aclmem_share_owned(share))
		ret = -EACCES;
	else if (!nr)
		ret = -EINVAL;
	else if (share->any_pid)
		ret = -EPERM;
	else
		ret = aclmem_share_add_pids(share, pids, nr);
	mutex_unlock(&aclmem_shares_lock);
	kvfree(pids);
	return ret;
}

/*
 * Under aclmem_shares_lock: may the calling process import @share? Its
 * entry must name its very thread group, and predate the process.
 */
static bool aclmem_share_admits(struct aclmem_share *share)
{
	struct pid *tgid = task_tgid(current);
	struct aclmem_share_pid *entry;
	pid_t nr;

	if (share->any_pid)
		return true;
	nr = pid_nr_ns(tgid, aclmem_share_pid_ns(share));
	entry = nr > 0 ? aclmem_share_entry(share, nr) : NULL;
	return entry && entry->pid == tgid &&
	       entry->set_ns >= current->group_leader->start_time;
}

/**
 * aclmem_share_import - the pages behind a token, for a new handle
 * @token: the token
 * @cookie: set to the exporter's cookie
 *
 * The exporting process may import its own token like any other process
 * (on its list, or ANY_PID): which imports of its own make sense is the
 * caller's business.
 *
 * Return: the buffer with a reference for the caller, or ERR_PTR(-ENOENT)
 * (no such token) or -EACCES (not admitted).
 */
struct aclmem_buf *aclmem_share_import(u64 token, u64 *cookie)
{
	struct aclmem_share *share;
	struct aclmem_buf *buf;

	mutex_lock(&aclmem_shares_lock);
	share = aclmem_share_find(token);
	if (!share)
		buf = ERR_PTR(-ENOENT);
	else if (!aclmem_share_admits(share))
		buf = ERR_PTR(-EACCES);
	else
		buf = share->buf;
	if (!IS_ERR(buf)) {
		aclmem_buf_get(buf);
		*cookie = share->cookie;
	}
	mutex_unlock(&aclmem_shares_lock);
	return buf;
}
