/* SPDX-License-Identifier: MIT */
/*
 * The per-node pool counters of the generic netlink family "aclmem"
 * (ACLMEM_GENL_CMD_POOL_GET), and POOL_SET, over a raw NETLINK_GENERIC
 * socket: for tests that check which node's pool moved (INFO and sysfs
 * only give sums over the nodes).
 */
#ifndef ACLMEM_TESTS_NODE_POOLS_H
#define ACLMEM_TESTS_NODE_POOLS_H

#include <linux/aclmem.h>

/* Nodes aclmem_node_pools() reports at most. */
#define ACLMEM_TEST_MAX_NODES	64

/*
 * Fill @st[nid] with the counters of node @nid's pool of @page_size, for
 * every online node below @max (the others are zeroed, page_size 0).
 * Returns the number of online nodes seen, or -errno.
 */
int aclmem_node_pools(__u64 page_size, struct aclmem_pool_stats *st, int max);

/* POOL_SET of @target pages of @page_size on @node; 0 or the -errno. */
int aclmem_node_pool_set(__u64 page_size, __u32 node, __u64 target);

/*
 * Wait up to @secs seconds until node @node's pool of @page_size holds at
 * least @free free pages; 0, or -ETIMEDOUT (or another -errno).
 */
int aclmem_node_pool_wait_free(__u64 page_size, __u32 node, __u64 free,
			       int secs);

#endif
