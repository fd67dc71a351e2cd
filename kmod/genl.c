// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "aclmem": pools per page size and node, every
 * process's handles, pool targets, and events. The contract is the DOC
 * block in include/uapi/linux/aclmem.h.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "aclmem.h"

static const unsigned int aclmem_orders[ACLMEM_NR_POOLS] = {
	[ACLMEM_POOL_2M] = ACLMEM_ORDER_2M,
	[ACLMEM_POOL_1G] = ACLMEM_ORDER_1G,
};

static const struct nla_policy aclmem_genl_policy[ACLMEM_GENL_A_MAX + 1] = {
	[ACLMEM_GENL_A_POOL_PAGE_SIZE] = { .type = NLA_U64 },
	[ACLMEM_GENL_A_POOL_NODE] = { .type = NLA_U32 },
	[ACLMEM_GENL_A_POOL_TARGET] = { .type = NLA_U64 },
	[ACLMEM_GENL_A_HANDLE_PID] = { .type = NLA_U32 },
};

static struct genl_family aclmem_genl_family;
static bool aclmem_genl_registered;

static int aclmem_put_u64(struct sk_buff *skb, int attr, u64 val)
{
	return nla_put_u64_64bit(skb, attr, val, ACLMEM_GENL_A_PAD);
}

static int aclmem_put_pool(struct sk_buff *skb, unsigned int order, int nid)
{
	struct aclmem_pool_stats st;

	aclmem_pool_node_stats(order, nid, &st);
	if (aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_PAGE_SIZE, st.page_size) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_POOL_NODE, nid) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_TOTAL, st.total) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_FREE, st.free) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_ZEROED, st.zeroed) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_DIRTY, st.dirty) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_IN_USE, st.in_use) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_TARGET, st.target) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_GROWN, st.grown) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_SHRUNK, st.shrunk) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_FAILED, st.failed) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_POOL_POISONED,
			   aclmem_pool_poisoned(order, nid)))
		return -EMSGSIZE;
	return 0;
}

/* cb->args[0]: pool index, cb->args[1]: node, where the dump resumes. */
static int aclmem_genl_pool_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	unsigned int i;
	void *hdr;
	int nid;

	for (i = cb->args[0]; i < ACLMEM_NR_POOLS; i++, cb->args[1] = 0) {
		for_each_online_node(nid) {
			if (nid < cb->args[1])
				continue;
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq,
					  &aclmem_genl_family, NLM_F_MULTI,
					  ACLMEM_GENL_CMD_POOL_GET);
			if (!hdr)
				goto full;
			if (aclmem_put_pool(skb, aclmem_orders[i], nid)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
		}
	}
	cb->args[0] = i;
	return skb->len;
full:
	cb->args[0] = i;
	cb->args[1] = nid;
	return skb->len;
}

static unsigned int aclmem_page_order(u64 page_size)
{
	if (page_size == ACLMEM_PAGE_SIZE_2M)
		return ACLMEM_ORDER_2M;
	if (page_size == ACLMEM_PAGE_SIZE_1G)
		return ACLMEM_ORDER_1G;
	return 0;
}

static int aclmem_genl_pool_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	unsigned long target;
	unsigned int order;
	int nid;

	/* GENL_ADMIN_PERM would ask for CAP_NET_ADMIN: this is memory. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "POOL_SET needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (!tb[ACLMEM_GENL_A_POOL_PAGE_SIZE] || !tb[ACLMEM_GENL_A_POOL_TARGET]) {
		NL_SET_ERR_MSG(info->extack,
			       "POOL_SET needs a page size and a target");
		return -EINVAL;
	}
	order = aclmem_page_order(nla_get_u64(tb[ACLMEM_GENL_A_POOL_PAGE_SIZE]));
	if (!order) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[ACLMEM_GENL_A_POOL_PAGE_SIZE],
				    "page size must be 2 MiB or 1 GiB");
		return -EINVAL;
	}
	if (nla_get_u64(tb[ACLMEM_GENL_A_POOL_TARGET]) > ULONG_MAX >> order) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ACLMEM_GENL_A_POOL_TARGET],
				    "target too large");
		return -EINVAL;
	}
	target = nla_get_u64(tb[ACLMEM_GENL_A_POOL_TARGET]);
	if (tb[ACLMEM_GENL_A_POOL_NODE]) {
		nid = nla_get_u32(tb[ACLMEM_GENL_A_POOL_NODE]);
		if (nid >= nr_node_ids || !node_online(nid)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[ACLMEM_GENL_A_POOL_NODE],
					    "no such online node");
			return -EINVAL;
		}
		aclmem_pool_set_target(order, nid, target);
		return 0;
	}
	/* The fills run in work items: the events tell how each ended. */
	for_each_online_node(nid)
		aclmem_pool_set_target(order, nid, target);
	return 0;
}

static int aclmem_put_handle(struct sk_buff *skb,
			     const struct aclmem_handle_info *hi, bool tokens)
{
	if (nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_PID, hi->pid) ||
	    nla_put_string(skb, ACLMEM_GENL_A_HANDLE_COMM, hi->comm) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_ID, hi->id) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_HANDLE_SIZE, hi->size) ||
	    aclmem_put_u64(skb, ACLMEM_GENL_A_HANDLE_PAGE_SIZE, hi->page_size) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_NODE, hi->node) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_MAPPINGS, hi->mappings) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_SHARERS, hi->sharers) ||
	    nla_put_u32(skb, ACLMEM_GENL_A_HANDLE_DMABUFS, hi->dmabufs))
		return -EMSGSIZE;
	if (tokens && hi->token &&
	    aclmem_put_u64(skb, ACLMEM_GENL_A_HANDLE_TOKEN, hi->token))
		return -EMSGSIZE;
	if (hi->imported && nla_put_flag(skb, ACLMEM_GENL_A_HANDLE_IMPORTED))
		return -EMSGSIZE;
	return 0;
}

struct aclmem_handle_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	bool tokens;	/* the requester may see tokens */
};

/* One handle into the dump; false when the message is full. */
static bool aclmem_dump_one(const struct aclmem_handle_info *hi, void *arg)
{
	struct aclmem_handle_dump *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &aclmem_genl_family,
			  NLM_F_MULTI, ACLMEM_GENL_CMD_HANDLE_GET);
	if (!hdr)
		return false;
	if (aclmem_put_handle(d->skb, hi, d->tokens)) {
		genlmsg_cancel(d->skb, hdr);
		return false;
	}
	genlmsg_end(d->skb, hdr);
	return true;
}

/*
 * cb->args[0] and [1]: the file (by sequence number) and handle id where
 * the dump resumes; cb->args[2]: 0 before the request was parsed, 1 for
 * every process, 2 for the process whose tgid is in cb->args[3].
 */
static int aclmem_genl_handle_dump(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct aclmem_handle_dump d = {
		.skb = skb,
		.cb = cb,
		/* A token lets whoever knows it import: only for admins. */
		.tokens = netlink_capable(cb->skb, CAP_SYS_ADMIN),
	};
	struct nlattr *tb[ACLMEM_GENL_A_MAX + 1];
	kuid_t uid;
	int ret;

	if (!cb->args[2]) {
		ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, ACLMEM_GENL_A_MAX,
				  aclmem_genl_policy, cb->extack);
		if (ret)
			return ret;
		cb->args[2] = 1;
		if (tb[ACLMEM_GENL_A_HANDLE_PID]) {
			cb->args[2] = 2;
			cb->args[3] = nla_get_u32(tb[ACLMEM_GENL_A_HANDLE_PID]);
		}
	}
	/*
	 * Like /proc/PID/fd without ptrace rights: who is not an admin sees
	 * only the files of its own uid (that of the socket's opener).
	 */
	uid = sock_i_uid(NETLINK_CB(cb->skb).sk);
	aclmem_ctxs_walk(cb->args[2] == 2 ? (pid_t)cb->args[3] : -1,
			 d.tokens ? NULL : &uid, &cb->args[0], &cb->args[1],
			 aclmem_dump_one, &d);
	return skb->len;
}

static const struct genl_ops aclmem_genl_ops[] = {
	{
		.cmd = ACLMEM_GENL_CMD_POOL_GET,
		.dumpit = aclmem_genl_pool_dump,
	},
	{
		.cmd = ACLMEM_GENL_CMD_POOL_SET,
		.doit = aclmem_genl_pool_set,
	},
	{
		.cmd = ACLMEM_GENL_CMD_HANDLE_GET,
		.dumpit = aclmem_genl_handle_dump,
	},
};

static const struct genl_multicast_group aclmem_genl_mcgrps[] = {
	{ .name = ACLMEM_GENL_MCGRP_EVENTS },
};

static struct genl_family aclmem_genl_family = {
	.name = ACLMEM_GENL_NAME,
	.version = ACLMEM_GENL_VERSION,
	.maxattr = ACLMEM_GENL_A_MAX,
	.policy = aclmem_genl_policy,
	.resv_start_op = ACLMEM_GENL_CMD_MAX + 1,
	/* Handlers need no global genl lock (POOL_SET has its own). */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = aclmem_genl_ops,
	.n_ops = ARRAY_SIZE(aclmem_genl_ops),
	.mcgrps = aclmem_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(aclmem_genl_mcgrps),
};

/* Tell the "events" group; nothing is sent before the family exists. */
void aclmem_genl_event(enum aclmem_genl_event event, unsigned int order,
		       int nid)
{
	struct sk_buff *skb;
	void *hdr;

	if (!READ_ONCE(aclmem_genl_registered) ||
	    !genl_has_listeners(&aclmem_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &aclmem_genl_family, 0,
			  ACLMEM_GENL_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, ACLMEM_GENL_A_EVENT, event) ||
	    aclmem_put_pool(skb, order, nid)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&aclmem_genl_family, skb, 0, 0, GFP_KERNEL);
}

int aclmem_genl_init(void)
{
	int ret = genl_register_family(&aclmem_genl_family);

	if (!ret)
		WRITE_ONCE(aclmem_genl_registered, true);
	return ret;
}

void aclmem_genl_exit(void)
{
	WRITE_ONCE(aclmem_genl_registered, false);
	genl_unregister_family(&aclmem_genl_family);
}
