// SPDX-License-Identifier: GPL-2.0
/*
 * Pools of 2 MiB and 1 GiB pages, one per page size and node.
 *
 * A pool keeps up to ->target free pages; a request beyond what is free
 * grows the pool from the kernel, and a page freed while the pool already
 * holds ->target free pages goes back to the kernel. 2 MiB pages are
 * compound order-9 pages from the buddy allocator; 1 GiB pages are ranges
 * taken with alloc_contig_range() after a scan for a free, aligned range
 * (alloc_contig_pages() is not exported).
 *
 * Where 1 GiB pages come from: ZONE_NORMAL only, unless movable_1g is set.
 * Not ZONE_DMA or ZONE_DMA32, which drivers need for their DMA; not
 * ZONE_MOVABLE, whose memory may have to go offline, which a pinned page
 * there keeps from finishing. A node whose free pages less the GiB would
 * fall under its zones' high watermarks is not scanned. A scan migrates up
 * to a GiB of other tasks' memory, so on-demand growth is bounded: callers
 * without CAP_SYS_ADMIN or CAP_IPC_LOCK may grow the 1 GiB pools by
 * grow_1g_unpriv pages a minute between them. The kernel's own CMA areas
 * are no way round this: no kernel aclmem builds for exports cma_alloc().
 *
 * Every page handed out is zero. Zeroing is most of the cost of a huge page,
 * so it is kept off the allocation path: a page freed into the pool goes on
 * the dirty list, and a worker zeroes it and moves it to the zeroed list,
 * from which allocations are served first. Only pages new from the kernel,
 * or dirty ones taken when nothing zeroed is left, are zeroed by the
 * allocating task.
 *
 * A page with a hardware-poisoned 4 KiB part (PG_hwpoison, set by
 * memory_failure()) is quarantined where the pool sees it: when it comes
 * back, before the worker zeroes it, before it is handed out, and before
 * it would go back to the kernel. It leaves the pool's total, is counted
 * in ->poisoned, and is never handed out again. memory_failure() cannot
 * handle the pool's pages (they are not on the LRU): it marks the 4 KiB
 * page and leaves the rest to its owner. A 2 MiB compound page is kept
 * for good (freeing it would put the poisoned part back on the free
 * lists); a 1 GiB range goes back 4 KiB at a time, and the page allocator
 * keeps every poisoned base page off its free lists itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpuset.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/memory_hotplug.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "aclmem.h"
#include "compat.h"

static bool movable_1g;
module_param(movable_1g, bool, 0644);
MODULE_PARM_DESC(movable_1g,
		 "Take 1 GiB pages from ZONE_MOVABLE too; such memory cannot go offline while aclmem holds it (default N)");

/* The minute of grow_1g_unpriv: when it began, and the GiB grown in it. */
static DEFINE_SPINLOCK(aclmem_grow_1g_lock);
static unsigned long aclmem_grow_1g_window;
static unsigned int aclmem_grow_1g_used;

static unsigned int grow_1g_unpriv = 1;

/* A new grow_1g_unpriv starts a new minute, with nothing used yet. */
static int aclmem_grow_1g_unpriv_set(const char *val,
				     const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (ret)
		return ret;
	spin_lock(&aclmem_grow_1g_lock);
	aclmem_grow_1g_window = 0;
	aclmem_grow_1g_used = 0;
	spin_unlock(&aclmem_grow_1g_lock);
	return 0;
}

static const struct kernel_param_ops aclmem_grow_1g_unpriv_ops = {
	.set = aclmem_grow_1g_unpriv_set,
	.get = param_get_uint,
};

module_param_cb(grow_1g_unpriv, &aclmem_grow_1g_unpriv_ops, &grow_1g_unpriv,
		0644);
MODULE_PARM_DESC(grow_1g_unpriv,
		 "1 GiB pages per minute by which callers without CAP_SYS_ADMIN or CAP_IPC_LOCK may grow the pools, all together (default 1; 0: none); setting it starts a new minute");

static struct aclmem_pool *aclmem_pools[ACLMEM_NR_POOLS];

static unsigned int aclmem_pool_index(unsigned int order)
{
	return order == ACLMEM_ORDER_1G ? ACLMEM_POOL_1G : ACLMEM_POOL_2M;
}

static struct aclmem_pool *aclmem_pool(unsigned int order, int nid)
{
	return &aclmem_pools[aclmem_pool_index(order)][nid];
}

/* Every page of the range is online, in @zone and free to be taken. */
static bool aclmem_range_usable(struct zone *zone, unsigned long pfn,
				unsigned long nr)
{
	unsigned long end = pfn + nr;
	struct page *page;

	for (; pfn < end; pfn++) {
		/* QEMU leaves holes without struct pages below 4 GiB. */
		page = pfn_to_online_page(pfn);
		if (!page || page_zone(page) != zone)
			return false;
		if (PageReserved(page) || PageHuge(page))
			return false;
		if ((pfn & 511) == 511)
			cond_resched();
	}
	return true;
}

/*
 * Zones 1 GiB pages may come from: ZONE_NORMAL, then ZONE_MOVABLE if the
 * administrator opted in. The kernel keeps unmovable allocations out of
 * ZONE_MOVABLE (movablecore=, kernelcore=), so an aligned GiB can nearly
 * always be emptied there; but a page taken there is pinned, which the
 * zone's users do not expect: offlining its memory block retries forever.
 */
static bool aclmem_zone_allowed(enum zone_type z)
{
	if (z == ZONE_MOVABLE)
		return READ_ONCE(movable_1g);
	return z == ZONE_NORMAL;
}

/*
 * Taking @nr more pages leaves @pgdat's zones above their high watermarks
 * taken together. The used pages of a range move elsewhere on the node,
 * not only within the range's zone, so a whole node's free memory is what
 * a GiB is taken from.
 */
static bool aclmem_node_has_room(pg_data_t *pgdat, unsigned long nr)
{
	unsigned long free = 0, high = 0;
	struct zone *zone;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		zone = &pgdat->node_zones[i];
		if (!populated_zone(zone))
			continue;
		free += zone_page_state_snapshot(zone, NR_FREE_PAGES);
		high += high_wmark_pages(zone);
	}
	return free > nr + high;
}

/*
 * alloc_contig_range() is asked for 8 MiB at a time: it hands out pages
 * through post_alloc_hook(), which with init_on_alloc (Debian's default)
 * clears the whole range it was asked for without rescheduling. Under TCG
 * on a busy host, 1 GiB in one call and even 64 MiB tripped the
 * soft-lockup watchdog; each call also drains the per-CPU lists, which
 * keeps the chunks from being much smaller.
 */
#define ACLMEM_CONTIG_CHUNK	(1UL << (23 - PAGE_SHIFT))

static void aclmem_contig_free(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i += ACLMEM_CONTIG_CHUNK) {
		free_contig_range(pfn + i, min(nr - i, ACLMEM_CONTIG_CHUNK));
		cond_resched();
	}
}

/*
 * A long step stops on a fatal signal, and in the fill worker (which gets
 * none) when @stop, its pool's ->fill_stop, is set; NULL for a task.
 */
static bool aclmem_should_stop(const bool *stop)
{
	return fatal_signal_pending(current) || (stop && READ_ONCE(*stop));
}

/* Take [@pfn, @pfn + @nr) from the buddy allocator, a chunk at a time. */
static bool aclmem_contig_take(unsigned long pfn, unsigned long nr,
			       const bool *stop)
{
	unsigned long i, len;

	for (i = 0; i < nr; i += len) {
		len = min(nr - i, ACLMEM_CONTIG_CHUNK);
		cond_resched();
		/* A busy range (-EBUSY) is common: the caller tries the next. */
		if (aclmem_should_stop(stop) ||
		    alloc_contig_range(pfn + i, pfn + i + len, MIGRATE_MOVABLE,
				       GFP_KERNEL | __GFP_NOWARN)) {
			aclmem_contig_free(pfn, i);
			return false;
		}
	}
	return true;
}

/* Take an aligned range of 2^@order pages on @nid (aclmem_zone_allowed()). */
static unsigned long aclmem_contig_alloc(int nid, unsigned int order,
					 const bool *stop)
{
	unsigned long nr = 1UL << order;
	pg_data_t *pgdat = NODE_DATA(nid);
	struct zone *zone;
	unsigned long start, end;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		zone = &pgdat->node_zones[i];
		if (!aclmem_zone_allowed(i) || !populated_zone(zone))
			continue;
		start = ALIGN(zone->zone_start_pfn, nr);
		for (end = ALIGN_DOWN(zone_end_pfn(zone), nr);
		     end >= start + nr; end -= nr) {
			if (aclmem_should_stop(stop))
				return 0;
			cond_resched();
			if (!aclmem_node_has_room(pgdat, nr))
				return 0;
			if (!aclmem_range_usable(zone, end - nr, nr))
				continue;
			if (aclmem_contig_take(end - nr, nr, stop))
				return end - nr;
		}
	}
	return 0;
}

/*
 * Whether a page new from the kernel is zero already. 2 MiB pages are asked
 * for with __GFP_ZERO, which the kernel honours with one clearing whether
 * init_on_alloc is on or not. alloc_contig_range() is not asked to zero:
 * 6.1 ignores the flag there, and only kernels from 6.14 (and late 6.12.y,
 * such as Debian's 6.12.118) pass it on. Every page of the range leaves
 * through post_alloc_hook(), which on all of them clears it when
 * want_init_on_alloc() of the flags it got is true (the init_on_alloc
 * static key, exported, as the flags hold no __GFP_ZERO) and
 * want_init_on_free() is false. With init_on_free the pages were cleared
 * when freed, but not necessarily those freed at boot: cleared here too.
 */
static bool aclmem_page_new_is_zero(unsigned int order)
{
	if (order != ACLMEM_ORDER_1G)
		return true;
	return want_init_on_alloc(GFP_KERNEL) && !want_init_on_free();
}

static unsigned long aclmem_page_alloc(int nid, unsigned int order,
				       const bool *stop)
{
	struct page *page;

	if (aclmem_should_fail())
		return 0;
	if (order == ACLMEM_ORDER_1G)
		return aclmem_contig_alloc(nid, order, stop);

	page = alloc_pages_node(nid, GFP_KERNEL | __GFP_COMP | __GFP_THISNODE |
				__GFP_ZERO | __GFP_NOWARN | __GFP_RETRY_MAYFAIL,
				order);
	return page ? page_to_pfn(page) : 0;
}

/**
 * aclmem_page_poisoned - whether a 4 KiB part of a page is poisoned
 * @pfn: first pfn of the page
 * @order: its order
 *
 * The kernel keeps no cheaper summary for pages that are neither hugetlb
 * nor on the LRU (num_poisoned_pages is not exported): every base page is
 * looked at, a flag test each.
 */
bool aclmem_page_poisoned(unsigned long pfn, unsigned int order)
{
	unsigned long i;

	if (!IS_ENABLED(CONFIG_MEMORY_FAILURE))
		return false;
	for (i = 0; i < (1UL << order); i++) {
		if (PageHWPoison(pfn_to_page(pfn + i)))
			return true;
		if ((i & 4095) == 4095)
			cond_resched();
	}
	return false;
}

/* Give a page the pool has looked at for poison back to the kernel. */
static void aclmem_page_free(unsigned long pfn, unsigned int order)
{
	/* free_contig_range() does not reschedule: a chunk at a time */
	if (order == ACLMEM_ORDER_1G)
		aclmem_contig_free(pfn, 1UL << order);
	else
		__free_pages(pfn_to_page(pfn), order);
}

/*
 * Give a page that sat on a free list back to the kernel. A 2 MiB page
 * poisoned meanwhile is kept: __free_pages() would put the poisoned part
 * back for use. The page allocator keeps the poisoned base pages of a
 * 1 GiB range off its free lists itself.
 */
static void aclmem_page_release(unsigned long pfn, unsigned int order)
{
	if (order != ACLMEM_ORDER_1G && aclmem_page_poisoned(pfn, order))
		return;
	aclmem_page_free(pfn, order);
}

/*
 * Clear a page, 2 MiB between reschedules. The allocating task stops on a
 * fatal signal (false: the page stays dirty); the worker has none.
 */
static bool aclmem_page_zero(unsigned long pfn, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		clear_highpage(pfn_to_page(pfn + i));
		if ((i & 511) == 511) {
			cond_resched();
			if (fatal_signal_pending(current))
				return false;
		}
	}
	return true;
}

/* Under pool->lock: pages the pool holds free, zeroed or not. */
static unsigned long aclmem_pool_free(const struct aclmem_pool *pool)
{
	return pool->nr_zeroed + pool->nr_dirty + pool->nr_zeroing;
}

/*
 * Take @pfn, owned by @pool and on none of its lists (counted in
 * ->nr_zeroing if @zeroing), out of the pool for good if it has a
 * poisoned part: looked at once here, the one check of this transition.
 * A 2 MiB page is kept for good; a 1 GiB range goes back to the kernel,
 * which keeps the poisoned base pages. Returns true if it was poisoned.
 */
static bool aclmem_pool_quarantine(struct aclmem_pool *pool, unsigned long pfn,
				   bool zeroing)
{
	if (!aclmem_page_poisoned(pfn, pool->order))
		return false;
	mutex_lock(&pool->lock);
	if (zeroing)
		pool->nr_zeroing--;
	pool->nr_total--;
	pool->poisoned++;
	mutex_unlock(&pool->lock);
	pr_warn("pfn %#lx: %lu KiB page with a poisoned part quarantined\n",
		pfn, (PAGE_SIZE << pool->order) >> 10);
	if (pool->order == ACLMEM_ORDER_1G)
		aclmem_page_free(pfn, pool->order);
	return true;
}

/* Drop the poisoned pages of @pfns[0..@nr) from @pool; returns how many stay. */
static unsigned long aclmem_pool_sift(struct aclmem_pool *pool,
				      unsigned long nr, unsigned long *pfns)
{
	unsigned long i, kept = 0;

	for (i = 0; i < nr; i++)
		if (!aclmem_pool_quarantine(pool, pfns[i], false))
			pfns[kept++] = pfns[i];
	return kept;
}

/* Under pool->lock: move up to @nr pages of @list into @pfns. */
static unsigned long aclmem_list_take(struct list_head *list,
				      unsigned long *count, unsigned long nr,
				      unsigned long *pfns)
{
	unsigned long got = 0;
	struct page *page;

	while (got < nr && *count) {
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		(*count)--;
		pfns[got++] = page_to_pfn(page);
	}
	return got;
}

/*
 * Whether the worker, clearing @busy pages when we looked, finished one
 * (or there is a page to take): read unlocked, the wait checks again.
 */
static bool aclmem_pool_moved(struct aclmem_pool *pool, unsigned long busy)
{
	return READ_ONCE(pool->nr_zeroing) < busy ||
	       READ_ONCE(pool->nr_zeroed) || READ_ONCE(pool->nr_dirty);
}

/*
 * Move up to @nr free pages of @pool into @pfns, zeroed ones first; dirty
 * ones are zeroed here. A page the worker is zeroing is waited for rather
 * than replaced by a new one. Returns how many.
 */
static unsigned long aclmem_pool_take(struct aclmem_pool *pool,
				      unsigned long nr, unsigned long *pfns)
{
	unsigned long got = 0, zeroed, dirty, kept, i, low;
	bool busy, fell, dropped;

	for (;;) {
		mutex_lock(&pool->lock);
		low = pool->target / 4;
		fell = aclmem_pool_free(pool) >= low;
		zeroed = aclmem_list_take(&pool->zeroed, &pool->nr_zeroed,
					  nr - got, pfns + got);
		dirty = aclmem_list_take(&pool->dirty, &pool->nr_dirty,
					 nr - got - zeroed, pfns + got + zeroed);
		busy = pool->nr_zeroing;
		fell = fell && aclmem_pool_free(pool) < low;
		mutex_unlock(&pool->lock);
		if (fell)
			aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_LOW,
					  pool->order, pool->nid);
		/* Poisoned ones leave the pool: take more if any did. */
		kept = aclmem_pool_sift(pool, zeroed, pfns + got);
		dropped = kept != zeroed;
		memmove(pfns + got + kept, pfns + got + zeroed,
			dirty * sizeof(*pfns));
		zeroed = kept;
		kept = aclmem_pool_sift(pool, dirty, pfns + got + zeroed);
		dropped |= kept != dirty;
		dirty = kept;
		for (i = got + zeroed; i < got + zeroed + dirty; i++) {
			if (!aclmem_page_zero(pfns[i], pool->order)) {
				/* killed: the rest go back, dirty */
				aclmem_pages_put(pool->order,
						 got + zeroed + dirty - i,
						 pfns + i);
				return i;
			}
		}
		got += zeroed + dirty;
		if (got == nr || (!busy && !dropped))
			return got;
		/*
		 * What is left is the page the worker clears now: wait for
		 * that one, not (as flush_work() would) for every page others
		 * free meanwhile too.
		 */
		if (busy && wait_event_killable(pool->zeroing_done,
						aclmem_pool_moved(pool, busy)))
			return got;
	}
}

/* The pool's worker: zero what is on the dirty list, one page at a time. */
static void aclmem_pool_zero_work(struct work_struct *work)
{
	struct aclmem_pool *pool = container_of(work, struct aclmem_pool,
						zero_work);
	unsigned long pfn;

	for (;;) {
		mutex_lock(&pool->lock);
		if (!aclmem_list_take(&pool->dirty, &pool->nr_dirty, 1, &pfn)) {
			mutex_unlock(&pool->lock);
			return;
		}
		pool->nr_zeroing++;
		mutex_unlock(&pool->lock);

		/* Clearing a poisoned page would touch the bad memory. */
		if (aclmem_pool_quarantine(pool, pfn, true)) {
			wake_up_all(&pool->zeroing_done);
			continue;
		}
		aclmem_page_zero(pfn, pool->order);

		mutex_lock(&pool->lock);
		pool->nr_zeroing--;
		list_add_tail(&pfn_to_page(pfn)->lru, &pool->zeroed);
		pool->nr_zeroed++;
		mutex_unlock(&pool->lock);
		wake_up_all(&pool->zeroing_done);
	}
}

/*
 * Take a new page from the kernel for @pool, counted as in use; @stop as
 * for aclmem_should_stop().
 */
static unsigned long aclmem_pool_grow(struct aclmem_pool *pool,
				      const bool *stop)
{
	unsigned long pfn = aclmem_page_alloc(pool->nid, pool->order, stop);

	if (!pfn)
		return 0;
	mutex_lock(&pool->lock);
	pool->nr_total++;
	pool->grown++;
	mutex_unlock(&pool->lock);
	return pfn;
}

/*
 * The nodes the calling task's cpuset (cpuset_current_mems_allowed) lets
 * it allocate from, narrowed by an MPOL_BIND policy, in @allowed; in
 * @preferred those its memory policy names (BIND, PREFERRED,
 * PREFERRED_MANY, the interleaves), none for the default and local ones.
 * Copied under task_lock(), which cpuset holds while it rebinds both.
 */
static void aclmem_task_nodes(nodemask_t *allowed, nodemask_t *preferred)
{
	unsigned short mode = MPOL_DEFAULT;
	struct mempolicy *pol;
	nodemask_t pnodes;

	task_lock(current);
	*allowed = cpuset_current_mems_allowed;
	pol = current->mempolicy;
	if (pol) {
		mode = pol->mode;
		pnodes = pol->nodes;
	}
	task_unlock(current);

	nodes_and(*allowed, *allowed, node_states[N_ONLINE]);
	if (mode == MPOL_BIND && nodes_intersects(*allowed, pnodes))
		nodes_and(*allowed, *allowed, pnodes);
	if (nodes_empty(*allowed))
		node_set(numa_node_id(), *allowed);
	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL)
		nodes_clear(*preferred);
	else
		nodes_and(*preferred, pnodes, *allowed);
}

/**
 * struct aclmem_nodes - where one allocation may take pages from
 * @node: the node asked for, or ACLMEM_NODE_ANY
 * @local: the node the allocation started on
 * @allowed: for ACLMEM_NODE_ANY, the task's nodes (aclmem_task_nodes())
 * @preferred: for ACLMEM_NODE_ANY, those its memory policy prefers
 */
struct aclmem_nodes {
	u32 node;
	int local;
	nodemask_t allowed;
	nodemask_t preferred;
};

/* The task's nodes, looked up once for a whole allocation. */
static void aclmem_nodes_init(struct aclmem_nodes *nodes, u32 node)
{
	nodes->node = node;
	if (node != ACLMEM_NODE_ANY)
		return;
	nodes->local = numa_node_id();
	aclmem_task_nodes(&nodes->allowed, &nodes->preferred);
}

/*
 * The node to try in round @i: the asked-for one; for ACLMEM_NODE_ANY the
 * nodes the task's policy prefers, then the rest its cpuset allows, the
 * local node first in each.
 */
static int aclmem_node_at(const struct aclmem_nodes *nodes, int i)
{
	nodemask_t tier;
	int nid, local, t;

	if (nodes->node != ACLMEM_NODE_ANY)
		return i ? NUMA_NO_NODE : nodes->node;
	local = nodes->local;
	for (t = 0; t < 2; t++) {
		if (!t)
			tier = nodes->preferred;
		else
			nodes_andnot(tier, nodes->allowed, nodes->preferred);
		if (node_isset(local, tier) && !i--)
			return local;
		for_each_node_mask(nid, tier)
			if (nid != local && !i--)
				return nid;
	}
	return NUMA_NO_NODE;
}

/* Take up to @nr free pages from the pools of the nodes @nodes allows. */
static unsigned long aclmem_pools_take(unsigned int order,
				       const struct aclmem_nodes *nodes,
				       unsigned long nr, unsigned long *pfns)
{
	unsigned long got = 0;
	int nid, round;

	for (round = 0; got < nr; round++) {
		nid = aclmem_node_at(nodes, round);
		if (nid == NUMA_NO_NODE)
			break;
		got += aclmem_pool_take(aclmem_pool(order, nid), nr - got,
					pfns + got);
	}
	return got;
}

/*
 * Whether the caller is exempt from grow_1g_unpriv: CAP_SYS_ADMIN or
 * CAP_IPC_LOCK. Asked once per allocation, and without an audit record:
 * a refusal is no denial, only the bounded path.
 */
static bool aclmem_grow_1g_privileged(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN) ||
	       ns_capable_noaudit(&init_user_ns, CAP_IPC_LOCK);
}

/*
 * Whether the caller may grow a 1 GiB pool by one more page: always if
 * @privileged (aclmem_grow_1g_privileged()), else while this minute's
 * grow_1g_unpriv grows (shared by all such callers) last.
 */
static bool aclmem_grow_1g_allowed(bool privileged)
{
	bool ok;

	if (privileged)
		return true;
	spin_lock(&aclmem_grow_1g_lock);
	if (!aclmem_grow_1g_window ||
	    time_after(jiffies, aclmem_grow_1g_window + 60 * HZ)) {
		aclmem_grow_1g_window = jiffies;
		aclmem_grow_1g_used = 0;
	}
	ok = aclmem_grow_1g_used < READ_ONCE(grow_1g_unpriv);
	if (ok)
		aclmem_grow_1g_used++;
	spin_unlock(&aclmem_grow_1g_lock);
	if (!ok)
		pr_info_ratelimited("1 GiB pool growth refused to uid %u: grow_1g_unpriv (%u a minute) used up\n",
				    from_kuid(&init_user_ns, current_uid()),
				    READ_ONCE(grow_1g_unpriv));
	return ok;
}

/* Take up to @nr new pages from the kernel on the nodes @nodes allows. */
static unsigned long aclmem_pools_grow(unsigned int order,
				       const struct aclmem_nodes *nodes,
				       unsigned long nr, unsigned long *pfns)
{
	unsigned long got = 0, grown, pfn;
	struct aclmem_pool *pool;
	bool privileged = false;
	int nid, round;

	/*
	 * Asking for more than the kernel has available would only push the
	 * rest of the system into reclaim and the OOM killer before failing.
	 */
	if (nr << order > si_mem_available())
		return 0;
	if (order == ACLMEM_ORDER_1G)
		privileged = aclmem_grow_1g_privileged();
	for (round = 0; got < nr; round++) {
		nid = aclmem_node_at(nodes, round);
		if (nid == NUMA_NO_NODE)
			break;
		pool = aclmem_pool(order, nid);
		grown = got;
		while (got < nr && !fatal_signal_pending(current)) {
			if (order == ACLMEM_ORDER_1G &&
			    !aclmem_grow_1g_allowed(privileged))
				break;
			pfn = aclmem_pool_grow(pool, NULL);
			if (!pfn)
				break;
			if (!aclmem_page_new_is_zero(order) &&
			    !aclmem_page_zero(pfn, order)) {
				/* killed: to the pool, dirty, or the kernel */
				aclmem_pages_put(order, 1, &pfn);
				break;
			}
			pfns[got++] = pfn;
		}
		if (got > grown)
			aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_GROWN, order,
					  nid);
	}
	return got;
}

/**
 * aclmem_pages_get - take @nr zeroed pages of 2^@order base pages
 * @order: ACLMEM_ORDER_2M or ACLMEM_ORDER_1G
 * @node: a node that is online, or ACLMEM_NODE_ANY
 * @nr: how many
 * @pfns: receives the first pfn of each page
 *
 * Return: 0, -ENOMEM when the pages cannot be had, or -EINTR on a fatal
 * signal. On error nothing is taken.
 */
int aclmem_pages_get(unsigned int order, u32 node, unsigned long nr,
		     unsigned long *pfns)
{
	struct aclmem_nodes nodes;
	struct aclmem_pool *pool;
	unsigned long got;

	aclmem_nodes_init(&nodes, node);
	got = aclmem_pools_take(order, &nodes, nr, pfns);
	if (got < nr)
		got += aclmem_pools_grow(order, &nodes, nr - got, pfns + got);
	if (got < nr) {
		pool = aclmem_pool(order, aclmem_node_at(&nodes, 0));
		mutex_lock(&pool->lock);
		pool->failed++;
		mutex_unlock(&pool->lock);
		aclmem_genl_event(ACLMEM_GENL_EVENT_ALLOC_FAILED, order,
				  pool->nid);
		aclmem_pages_put(order, got, pfns);
		return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
	}
	return 0;
}

/*
 * Give @nr pages to their pools, or to the kernel above the target: dirty
 * ones to be zeroed by the worker, or straight to the zeroed list if @zero.
 */
static void aclmem_pages_give(unsigned int order, unsigned long nr,
			      const unsigned long *pfns, bool zero)
{
	struct aclmem_pool *pool, *shrunk = NULL;
	struct page *page;
	bool keep;
	unsigned long i;

	for (i = 0; i < nr; i++) {
		page = pfn_to_page(pfns[i]);
		pool = aclmem_pool(order, page_to_nid(page));
		if (aclmem_pool_quarantine(pool, pfns[i], false))
			continue;
		if (shrunk && shrunk != pool) {
			aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_SHRUNK, order,
					  shrunk->nid);
			shrunk = NULL;
		}
		mutex_lock(&pool->lock);
		keep = aclmem_pool_free(pool) < pool->target;
		if (keep && zero) {
			list_add_tail(&page->lru, &pool->zeroed);
			pool->nr_zeroed++;
		} else if (keep) {
			list_add_tail(&page->lru, &pool->dirty);
			pool->nr_dirty++;
		} else {
			pool->nr_total--;
			pool->shrunk++;
		}
		mutex_unlock(&pool->lock);
		if (keep && !zero) {
			queue_work(system_unbound_wq, &pool->zero_work);
		} else if (!keep) {
			/* looked at for poison above */
			aclmem_page_free(pfns[i], order);
			shrunk = pool;
		}
	}
	if (shrunk)
		aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_SHRUNK, order,
				  shrunk->nid);
}

/* Pages handed out come back dirty. */
void aclmem_pages_put(unsigned int order, unsigned long nr,
		      const unsigned long *pfns)
{
	aclmem_pages_give(order, nr, pfns, false);
}

/* The counters of one node's pool of 2^@order pages. */
void aclmem_pool_node_stats(unsigned int order, int nid,
			    struct aclmem_pool_stats *st)
{
	struct aclmem_pool *pool = aclmem_pool(order, nid);

	memset(st, 0, sizeof(*st));
	st->page_size = PAGE_SIZE << order;
	mutex_lock(&pool->lock);
	st->total = pool->nr_total;
	st->free = aclmem_pool_free(pool);
	st->zeroed = pool->nr_zeroed;
	st->dirty = pool->nr_dirty + pool->nr_zeroing;
	st->target = pool->target;
	st->grown = pool->grown;
	st->shrunk = pool->shrunk;
	st->failed = pool->failed;
	mutex_unlock(&pool->lock);
	st->in_use = st->total - st->free;
}

/* Pages of 2^@order quarantined for poison, on @nid or every node (-1). */
u64 aclmem_pool_poisoned(unsigned int order, int nid)
{
	struct aclmem_pool *pool;
	u64 sum = 0;
	int n;

	for_each_node(n) {
		if (nid != NUMA_NO_NODE && n != nid)
			continue;
		pool = aclmem_pool(order, n);
		mutex_lock(&pool->lock);
		sum += pool->poisoned;
		mutex_unlock(&pool->lock);
	}
	return sum;
}

/* The counters of every node's pool of 2^@order pages, summed. */
void aclmem_pools_stats(unsigned int order, struct aclmem_pool_stats *st)
{
	struct aclmem_pool_stats one;
	int nid;

	memset(st, 0, sizeof(*st));
	st->page_size = PAGE_SIZE << order;
	for_each_node(nid) {
		aclmem_pool_node_stats(order, nid, &one);
		st->total += one.total;
		st->free += one.free;
		st->zeroed += one.zeroed;
		st->dirty += one.dirty;
		st->in_use += one.in_use;
		st->target += one.target;
		st->grown += one.grown;
		st->shrunk += one.shrunk;
		st->failed += one.failed;
	}
}

/* Whether @pool holds fewer free pages than its target; both read locked. */
static bool aclmem_pool_short(struct aclmem_pool *pool, unsigned long *free,
			      unsigned long *target)
{
	mutex_lock(&pool->lock);
	*free = aclmem_pool_free(pool);
	*target = pool->target;
	mutex_unlock(&pool->lock);
	return *free < *target;
}

/*
 * Grow @pool to its target, telling the events group how far it got at
 * most once a second (POOL_GROWN); @grown counts the pages taken. Returns
 * 0, -ENOMEM when the kernel ran out of pages, or -EINTR when told to stop
 * (->fill_stop, a fatal signal), also in the middle of a 1 GiB scan.
 */
static int aclmem_pool_fill(struct aclmem_pool *pool, unsigned long *grown)
{
	unsigned long pfn, free, target, told = jiffies;

	while (aclmem_pool_short(pool, &free, &target)) {
		if (aclmem_should_stop(&pool->fill_stop))
			return -EINTR;
		if ((1UL << pool->order) > si_mem_available())
			return -ENOMEM;
		pfn = aclmem_pool_grow(pool, &pool->fill_stop);
		if (!pfn && aclmem_should_stop(&pool->fill_stop))
			return -EINTR;
		if (!pfn) {
			pr_info("node %d: %lu of %lu pages of %lu KiB\n",
				pool->nid, free, target,
				(PAGE_SIZE << pool->order) >> 10);
			return -ENOMEM;
		}
		(*grown)++;
		aclmem_pages_give(pool->order, 1, &pfn,
				  aclmem_page_new_is_zero(pool->order));
		if (time_after(jiffies, told + HZ)) {
			aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_GROWN,
					  pool->order, pool->nid);
			told = jiffies;
		}
	}
	return 0;
}

/*
 * The fill a target change starts: grow the pool, then tell the events
 * group how it ended (POOL_FILLED, or POOL_FILL_FAILED with the target
 * left set). A fill that was stopped says nothing: the change that
 * stopped it starts the next fill, which does.
 */
static void aclmem_pool_fill_work(struct work_struct *work)
{
	struct aclmem_pool *pool = container_of(work, struct aclmem_pool,
						fill_work);
	unsigned long grown = 0;
	int ret = aclmem_pool_fill(pool, &grown);

	if (ret == -EINTR)
		return;
	if (grown)
		aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_GROWN, pool->order,
				  pool->nid);
	aclmem_genl_event(ret ? ACLMEM_GENL_EVENT_POOL_FILL_FAILED :
			  ACLMEM_GENL_EVENT_POOL_FILLED, pool->order, pool->nid);
}

/* Stop @pool's fill, if one runs: it gives up the page it is taking. */
static void aclmem_pool_fill_stop(struct aclmem_pool *pool)
{
	WRITE_ONCE(pool->fill_stop, true);
	cancel_work_sync(&pool->fill_work);
	WRITE_ONCE(pool->fill_stop, false);
}

/* Serialises target changes, each with the fill it starts. */
static DEFINE_MUTEX(aclmem_pool_set_lock);

/**
 * aclmem_pool_set_target - keep @target free pages in a node's pool
 * @order: ACLMEM_ORDER_2M or ACLMEM_ORDER_1G
 * @nid: an online node
 * @target: free pages to keep
 *
 * Free pages above the target go back to the kernel at once; below it the
 * pool grows, as far as the kernel gives pages, in a work item that tells
 * the events group how it ended (aclmem_pool_fill_work()). A fill still
 * under way for an earlier target stops first: the new target supersedes
 * it.
 */
void aclmem_pool_set_target(unsigned int order, int nid, unsigned long target)
{
	struct aclmem_pool *pool = aclmem_pool(order, nid);
	unsigned long excess, pfn;
	LIST_HEAD(release);
	struct page *page;

	mutex_lock(&aclmem_pool_set_lock);
	aclmem_pool_fill_stop(pool);
	mutex_lock(&pool->lock);
	pool->target = target;
	excess = aclmem_pool_free(pool) > target ?
		 aclmem_pool_free(pool) - target : 0;
	while (excess && (pool->nr_dirty || pool->nr_zeroed)) {
		if (aclmem_list_take(&pool->dirty, &pool->nr_dirty, 1, &pfn) ||
		    aclmem_list_take(&pool->zeroed, &pool->nr_zeroed, 1, &pfn)) {
			list_add(&pfn_to_page(pfn)->lru, &release);
			pool->nr_total--;
			pool->shrunk++;
			excess--;
		}
	}
	mutex_unlock(&pool->lock);

	if (!list_empty(&release)) {
		while ((page = list_first_entry_or_null(&release, struct page,
							lru))) {
			list_del(&page->lru);
			aclmem_page_release(page_to_pfn(page), order);
		}
		aclmem_genl_event(ACLMEM_GENL_EVENT_POOL_SHRUNK, order, nid);
	}
	queue_work(system_unbound_wq, &pool->fill_work);
	mutex_unlock(&aclmem_pool_set_lock);
}

static void aclmem_pool_drain(struct aclmem_pool *pool)
{
	struct page *page, *next;

	/* The genl family is gone: nothing starts a fill any more. */
	WRITE_ONCE(pool->fill_stop, true);
	cancel_work_sync(&pool->fill_work);
	cancel_work_sync(&pool->zero_work);
	list_splice_init(&pool->dirty, &pool->zeroed);
	list_for_each_entry_safe(page, next, &pool->zeroed, lru) {
		list_del(&page->lru);
		aclmem_page_release(page_to_pfn(page), pool->order);
	}
	/* Every buffer is gone by now: the module cannot unload before. */
	WARN_ON(pool->nr_total != aclmem_pool_free(pool));
	pool->nr_zeroed = 0;
	pool->nr_dirty = 0;
	pool->nr_total = 0;
}

int aclmem_pools_init(unsigned long nr_2m, unsigned long nr_1g)
{
	static const unsigned int orders[ACLMEM_NR_POOLS] = {
		[ACLMEM_POOL_2M] = ACLMEM_ORDER_2M,
		[ACLMEM_POOL_1G] = ACLMEM_ORDER_1G,
	};
	const unsigned long targets[ACLMEM_NR_POOLS] = {
		[ACLMEM_POOL_2M] = nr_2m,
		[ACLMEM_POOL_1G] = nr_1g,
	};
	struct aclmem_pool *pool;
	unsigned long grown = 0;
	unsigned int i;
	int nid;

	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		aclmem_pools[i] = kcalloc(nr_node_ids, sizeof(*pool),
					  GFP_KERNEL);
		if (!aclmem_pools[i])
			goto err;
		for_each_node(nid) {
			pool = &aclmem_pools[i][nid];
			mutex_init(&pool->lock);
			INIT_LIST_HEAD(&pool->zeroed);
			INIT_LIST_HEAD(&pool->dirty);
			INIT_WORK(&pool->zero_work, aclmem_pool_zero_work);
			init_waitqueue_head(&pool->zeroing_done);
			INIT_WORK(&pool->fill_work, aclmem_pool_fill_work);
			pool->order = orders[i];
			pool->nid = nid;
			if (node_online(nid))
				pool->target = targets[i];
		}
	}
	for (i = 0; i < ACLMEM_NR_POOLS; i++)
		for_each_online_node(nid)
			aclmem_pool_fill(&aclmem_pools[i][nid], &grown);
	return 0;
err:
	aclmem_pools_exit();
	return -ENOMEM;
}

void aclmem_pools_exit(void)
{
	unsigned int i;
	int nid;

	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		if (!aclmem_pools[i])
			continue;
		for_each_node(nid)
			aclmem_pool_drain(&aclmem_pools[i][nid]);
		kfree(aclmem_pools[i]);
		aclmem_pools[i] = NULL;
	}
}
