// SPDX-License-Identifier: MIT
/*
 * The netlink core of aclmemctl: the socket, the family, one request and
 * its reply (with the kernel's extended-ACK message), the event group, and
 * the checks every message of the kernel passes before it is shown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "aclmemctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/*
 * WARNING: this table mirrors the kernel's (kmod/genl.c) and
 * include/uapi/linux/aclmem.h: a new attribute goes into all three. The
 * netlink type checks every message of the kernel (the policy is built
 * from it); the rest says how the value is shown, in tables, in JSON and
 * in monitor lines.
 */
const struct attr_desc attr_descs[ATTR_ALL_MAX + 1] = {
	[ACLMEM_GENL_A_POOL_PAGE_SIZE] = { NLA_U64, FMT_SIZE, "page_size", "PAGE", "page" },
	[ACLMEM_GENL_A_POOL_NODE] = { NLA_U32, FMT_NODE, "node", "NODE", "node" },
	[ACLMEM_GENL_A_POOL_TOTAL] = { NLA_U64, FMT_COUNT, "total", "TOTAL", "total" },
	[ACLMEM_GENL_A_POOL_FREE] = { NLA_U64, FMT_COUNT, "free", "FREE", "free" },
	[ACLMEM_GENL_A_POOL_ZEROED] = { NLA_U64, FMT_COUNT, "zeroed", "ZEROED", "zeroed" },
	[ACLMEM_GENL_A_POOL_DIRTY] = { NLA_U64, FMT_COUNT, "dirty", "DIRTY", "dirty" },
	[ACLMEM_GENL_A_POOL_IN_USE] = { NLA_U64, FMT_COUNT, "in_use", "IN USE", "in use" },
	[ACLMEM_GENL_A_POOL_TARGET] = { NLA_U64, FMT_COUNT, "target", "TARGET", "target" },
	[ACLMEM_GENL_A_POOL_GROWN] = { NLA_U64, FMT_COUNT, "grown", "GROWN", "grown" },
	[ACLMEM_GENL_A_POOL_SHRUNK] = { NLA_U64, FMT_COUNT, "shrunk", "SHRUNK", "shrunk" },
	[ACLMEM_GENL_A_POOL_FAILED] = { NLA_U64, FMT_COUNT, "failed", "FAILED", "failed" },
	[ACLMEM_GENL_A_POOL_POISONED] = { NLA_U64, FMT_COUNT, "poisoned", "POISONED", "poisoned" },
	[ACLMEM_GENL_A_HANDLE_PID] = { NLA_U32, FMT_COUNT, "pid", "PID", "pid" },
	[ACLMEM_GENL_A_HANDLE_COMM] = { NLA_STRING, FMT_STRING, "comm", "COMMAND", "command" },
	[ACLMEM_GENL_A_HANDLE_ID] = { NLA_U32, FMT_COUNT, "id", "HANDLE", "handle" },
	[ACLMEM_GENL_A_HANDLE_SIZE] = { NLA_U64, FMT_SIZE, "size", "SIZE", "size" },
	[ACLMEM_GENL_A_HANDLE_PAGE_SIZE] = { NLA_U64, FMT_SIZE, "page_size", "PAGE", "page" },
	[ACLMEM_GENL_A_HANDLE_NODE] = { NLA_U32, FMT_NODE, "node", "NODE", "node" },
	[ACLMEM_GENL_A_HANDLE_MAPPINGS] = { NLA_U32, FMT_COUNT, "mappings", "MAPS", "mappings" },
	[ACLMEM_GENL_A_HANDLE_TOKEN] = { NLA_U64, FMT_TOKEN, "token", "TOKEN", "token" },
	[ACLMEM_GENL_A_HANDLE_IMPORTED] = { NLA_FLAG, FMT_FLAG, "imported", "IMPORTED", "imported" },
	[ACLMEM_GENL_A_HANDLE_SHARERS] = { NLA_U32, FMT_COUNT, "sharers", "SHARERS", "sharers" },
	[ACLMEM_GENL_A_HANDLE_DMABUFS] = { NLA_U32, FMT_COUNT, "dmabufs", "DMABUFS", "dma-bufs" },
	[ACLMEM_GENL_A_EVENT] = { NLA_U32, FMT_EVENT, "event", "EVENT", "event" },
	[ATTR_X_MEMORY] = { NLA_UNSPEC, FMT_SIZE, NULL, "MEMORY", "memory" },
};

static struct nla_policy policy[ACLMEM_GENL_A_MAX + 1];

static void policy_init(void)
{
	int i;

	for (i = 1; i <= ACLMEM_GENL_A_MAX; i++)
		policy[i].type = attr_descs[i].nla_type;
}

static void ctl_nlerror(struct ctl *ctl, const char *what, int nlerr)
{
	fprintf(stderr, "aclmemctl: %s: %s (%d)\n", what, nl_geterror(nlerr),
		nlerr);
	ctl->reported = true;
}

/*
 * "the aclmem module is not loaded", or why a loaded one has no family
 * here: the family lives in the initial network namespace only, and a
 * module older than it has none.
 */
static void report_no_family(struct ctl *ctl)
{
	if (access("/sys/module/aclmem", F_OK) == 0)
		ctl_msg(ctl, "the aclmem module is loaded, but its generic netlink family \"%s\" is not here (another network namespace, or an older module)",
			ACLMEM_GENL_NAME);
	else
		ctl_msg(ctl, "the aclmem module is not loaded (no generic netlink family \"%s\")",
			ACLMEM_GENL_NAME);
	ctl->status = EXIT_NO_MODULE;
}

int aclnl_open(struct ctl *ctl)
{
	int one = 1, err;

	policy_init();
	if (ctl->debug) {
		struct nl_cb *cb = nl_cb_alloc(NL_CB_DEBUG);

		ctl->sock = cb ? nl_socket_alloc_cb(cb) : NULL;
		nl_cb_put(cb);
	} else {
		ctl->sock = nl_socket_alloc();
	}
	if (!ctl->sock) {
		ctl_error(ctl, "netlink socket", -ENOMEM);
		return -ENOMEM;
	}
	err = genl_connect(ctl->sock);
	if (err) {
		ctl_nlerror(ctl, "connecting to generic netlink", err);
		goto err_free;
	}
	nl_socket_enable_msg_peek(ctl->sock);
	/* The kernel's reason for an error, and no copy of our request. */
	setsockopt(nl_socket_get_fd(ctl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ctl->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	ctl->family = genl_ctrl_resolve(ctl->sock, ACLMEM_GENL_NAME);
	if (ctl->family == -NLE_OBJ_NOTFOUND) {
		report_no_family(ctl);
		goto err_free;
	}
	if (ctl->family < 0) {
		ctl_nlerror(ctl, "resolving the generic netlink family \"" ACLMEM_GENL_NAME "\"",
			    ctl->family);
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(ctl->sock);
	ctl->sock = NULL;
	return -ENOENT;
}

void aclnl_close(struct ctl *ctl)
{
	if (ctl->sock)
		nl_socket_free(ctl->sock);
	ctl->sock = NULL;
}

/* The name of the attribute at @offset of the message we sent, or NULL. */
static const char *attr_at(struct nl_msg *sent, uint32_t offset)
{
	struct nlmsghdr *nlh = nlmsg_hdr(sent);
	struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, nlh, GENL_HDRLEN, rem) {
		if ((uint32_t)((char *)nla - (char *)nlh) != offset)
			continue;
		if (nla_type(nla) <= ACLMEM_GENL_A_MAX &&
		    attr_descs[nla_type(nla)].json)
			return attr_descs[nla_type(nla)].json;
		return "an unknown attribute";
	}
	return NULL;
}

/*
 * Print the extended-ACK attributes at @attrs: the kernel's message, and
 * the attribute it is about when it names one of @sent.
 */
static void print_ext_ack(struct ctl *ctl, struct nl_msg *sent, void *attrs,
			  int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *name = NULL, *what = "";
	int type;

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) == 4 &&
	    sent)
		name = attr_at(sent, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) == 4) {
		type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		if (type > 0 && type <= ACLMEM_GENL_A_MAX &&
		    attr_descs[type].json)
			name = attr_descs[type].json;
		what = "missing ";
	}
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		fprintf(stderr, "aclmemctl: kernel says: %.*s",
			(int)strnlen(nla_data(tb[NLMSGERR_ATTR_MSG]),
				     nla_len(tb[NLMSGERR_ATTR_MSG])),
			(char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
		if (name)
			fprintf(stderr, " (%sattribute %s)", what, name);
		fputc('\n', stderr);
	} else if (name) {
		fprintf(stderr, "aclmemctl: kernel says: %sattribute %s\n",
			what, name);
	}
	(void)ctl;
}

struct req_state {
	struct ctl *ctl;
	struct nl_msg *sent;
	const int *mandatory;
	row_fn fn;
	void *fn_arg;
	int ret;	/* 1 while waiting, then 0 or -errno */
	int row_err;	/* the first error of a reply message */
};

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct req_state *st = arg;
	int ack_len;

	(void)nla;
	st->ret = err->error > 0 ? -EPROTO : err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	ack_len = sizeof(*nlh) + sizeof(int) + sizeof(*nlh);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += err->msg.nlmsg_len - sizeof(*nlh);
	if ((int)nlh->nlmsg_len > ack_len)
		print_ext_ack(st->ctl, st->sent, (char *)nlh + ack_len,
			      nlh->nlmsg_len - ack_len);
	return NL_STOP;
}

/* NLMSG_DONE: the end of a dump, with an error of the dump if it failed. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req_state *st = arg;
	int err = 0;

	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(int));
		if (err > 0)
			err = -EPROTO;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			print_ext_ack(st->ctl, st->sent,
				      (char *)nlmsg_data(nlh) + NLMSG_ALIGN(sizeof(int)),
				      nlmsg_datalen(nlh) - NLMSG_ALIGN(sizeof(int)));
	}
	st->ret = err;
	return NL_SKIP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	(void)msg;
	st->ret = 0;
	return NL_STOP;
}

int aclnl_msg_to_row(struct ctl *ctl, struct nl_msg *msg,
		     const int *mandatory, struct row *row)
{
	struct nlattr *tb[ACLMEM_GENL_A_MAX + 1];
	const struct attr_desc *d;
	int i, err;

	memset(row, 0, sizeof(*row));
	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, ACLMEM_GENL_A_MAX, policy);
	if (err) {
		ctl_nlerror(ctl, "malformed message from the kernel", err);
		return -EPROTO;
	}
	for (i = 1; i <= ACLMEM_GENL_A_MAX; i++) {
		d = &attr_descs[i];
		if (!tb[i] || d->nla_type == NLA_UNSPEC)
			continue;
		switch (d->nla_type) {
		case NLA_U32:
			row->val[i] = nla_get_u32(tb[i]);
			break;
		case NLA_U64:
			row->val[i] = nla_get_u64(tb[i]);
			break;
		case NLA_STRING:
			row->str[i] = strndup(nla_data(tb[i]), nla_len(tb[i]));
			if (!row->str[i]) {
				row_free(row);
				return -ENOMEM;
			}
			break;
		case NLA_FLAG:
			row->val[i] = 1;
			break;
		}
		row->present[i] = true;
	}
	for (; mandatory && *mandatory; mandatory++) {
		if (!row->present[*mandatory]) {
			ctl_msg(ctl, "malformed message from the kernel: no attribute %s",
				attr_descs[*mandatory].json);
			row_free(row);
			return -EPROTO;
		}
	}
	if (row->present[ACLMEM_GENL_A_POOL_TOTAL] &&
	    row->present[ACLMEM_GENL_A_POOL_PAGE_SIZE]) {
		row->val[ATTR_X_MEMORY] = row->val[ACLMEM_GENL_A_POOL_TOTAL] *
					  row->val[ACLMEM_GENL_A_POOL_PAGE_SIZE];
		row->present[ATTR_X_MEMORY] = true;
	}
	return 0;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	struct row row;
	int err;

	if (st->row_err)
		return NL_SKIP;
	err = aclnl_msg_to_row(st->ctl, msg, st->mandatory, &row);
	if (!err) {
		if (st->fn)
			err = st->fn(st->ctl, &row, st->fn_arg);
		row_free(&row);
	}
	st->row_err = err;
	return NL_SKIP;
}

static struct nl_cb *cb_alloc(struct ctl *ctl)
{
	return nl_cb_alloc(ctl->debug ? NL_CB_DEBUG : NL_CB_DEFAULT);
}

int aclnl_request(struct ctl *ctl, uint8_t cmd, int flags, build_fn build,
		  void *build_arg, const int *mandatory, row_fn fn,
		  void *fn_arg)
{
	struct req_state st = {
		.ctl = ctl,
		.mandatory = mandatory,
		.fn = fn,
		.fn_arg = fn_arg,
		.ret = 1,
	};
	struct nl_cb *cb;
	int err;

	st.sent = nlmsg_alloc();
	cb = cb_alloc(ctl);
	if (!st.sent || !cb) {
		err = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(st.sent, NL_AUTO_PORT, NL_AUTO_SEQ, ctl->family, 0,
			 flags, cmd, ACLMEM_GENL_VERSION)) {
		err = -ENOBUFS;
		goto out;
	}
	if (build) {
		err = build(st.sent, build_arg);
		if (err)
			goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &st);

	err = nl_send_auto(ctl->sock, st.sent);
	if (err < 0) {
		ctl_nlerror(ctl, "sending the request", err);
		err = -EIO;
		goto out;
	}
	/*
	 * nl_recvmsgs() returns the kernel's error too, after error_cb():
	 * only a failure the callbacks did not see is one of receiving.
	 */
	while (st.ret > 0) {
		err = nl_recvmsgs(ctl->sock, cb);
		if (err < 0 && st.ret > 0) {
			ctl_nlerror(ctl, "receiving the reply", err);
			err = -EIO;
			goto out;
		}
	}
	err = st.row_err ? st.row_err : st.ret;
out:
	nl_cb_put(cb);
	nlmsg_free(st.sent);
	return err;
}

static int add_row(struct ctl *ctl, const struct row *row, void *arg)
{
	(void)ctl;
	return rows_add(arg, row);
}

int aclnl_dump_rows(struct ctl *ctl, uint8_t cmd, build_fn build,
		    void *build_arg, const int *mandatory, struct rows *rows)
{
	return aclnl_request(ctl, cmd, NLM_F_DUMP, build, build_arg,
			     mandatory, add_row, rows);
}

/* ------------------------------------------------------------------ */
/* Events                                                             */
/* ------------------------------------------------------------------ */

static int ctrl_family;		/* "nlctrl", to see the module go */

int aclnl_join_events(struct ctl *ctl)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(ctl->sock, ACLMEM_GENL_NAME,
				    ACLMEM_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		ctl_nlerror(ctl, "finding the group \"" ACLMEM_GENL_MCGRP_EVENTS "\"",
			    grp);
		return -ENOENT;
	}
	err = nl_socket_add_membership(ctl->sock, grp);
	if (err) {
		ctl_nlerror(ctl, "joining the group \"" ACLMEM_GENL_MCGRP_EVENTS "\"",
			    err);
		return -EIO;
	}
	/* Best effort: "nlctrl" tells when the family goes away. */
	grp = genl_ctrl_resolve_grp(ctl->sock, "nlctrl", "notify");
	if (grp >= 0 && !nl_socket_add_membership(ctl->sock, grp))
		ctrl_family = GENL_ID_CTRL;
	nl_socket_set_nonblocking(ctl->sock);
	return 0;
}

struct event_state {
	struct ctl *ctl;
	const int *mandatory;
	row_fn fn;
	void *arg;
	int ret;
};

/* CTRL_CMD_DELFAMILY of "aclmem": the module is going away. */
static bool family_deleted(struct nl_msg *msg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));

	if (gnlh->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return false;
	return !strncmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), ACLMEM_GENL_NAME,
			nla_len(tb[CTRL_ATTR_FAMILY_NAME]));
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct event_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	struct row row;
	int err;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	gnlh = nlmsg_data(nlh);
	if (ctrl_family && nlh->nlmsg_type == ctrl_family) {
		if (family_deleted(msg)) {
			ctl_msg(st->ctl, "the aclmem module was unloaded");
			st->ctl->status = EXIT_NO_MODULE;
			st->ret = -ENOENT;
			st->ctl->reported = true;
			return NL_STOP;
		}
		return NL_SKIP;
	}
	if (nlh->nlmsg_type != st->ctl->family ||
	    gnlh->cmd != ACLMEM_GENL_CMD_EVENT)
		return NL_SKIP;
	err = aclnl_msg_to_row(st->ctl, msg, st->mandatory, &row);
	if (err)	/* reported; the next event may be fine */
		return NL_SKIP;
	err = st->fn(st->ctl, &row, st->arg);
	row_free(&row);
	if (err) {
		st->ret = err;
		return NL_STOP;
	}
	return NL_SKIP;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * Read what the socket holds (it is non-blocking) and give each event to
 * @fn. Returns 0, a negative errno (from @fn, or -ENOENT when the module
 * went away), or -ENOBUFS when events were lost.
 */
int aclnl_recv_events(struct ctl *ctl, const int *mandatory, row_fn fn,
		      void *arg)
{
	struct event_state st = {
		.ctl = ctl, .mandatory = mandatory, .fn = fn, .arg = arg,
	};
	struct nl_cb *cb = cb_alloc(ctl);
	int err;

	if (!cb)
		return -ENOMEM;
	/* notifications carry sequence number 0 */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &st);
	err = nl_recvmsgs(ctl->sock, cb);
	nl_cb_put(cb);
	if (st.ret)
		return st.ret;
	if (err == -NLE_AGAIN || err >= 0)
		return 0;
	/* libnl turns ENOBUFS (the socket overflowed) into NLE_NOMEM. */
	if (err == -NLE_NOMEM)
		return -ENOBUFS;
	ctl_nlerror(ctl, "receiving events", err);
	return -EIO;
}
