// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the generic netlink family "aclmem", spoken with raw
 * NETLINK_GENERIC sockets (no libnl): the family and its group resolve
 * through nlctrl; the POOL_GET dump matches INFO, sysfs and what the test
 * allocated; the HANDLE_GET dump shows this process's (and a child's)
 * handles with the right pid, sizes, ids, node, mappings and token, and
 * resumes across messages; an unprivileged user's dump shows only its own
 * uid's files and no token; an EXPORT stalled in its answer (userfaultfd
 * write-protects the caller's struct) blocks neither a dump nor another
 * process's open and close; POOL_SET is refused with EPERM without
 * CAP_SYS_ADMIN and moves the pool with it (target 12: free grows to 12,
 * back to 8: the pool shrinks); the "events" group hears ALLOC_FAILED,
 * POOL_GROWN, POOL_SHRUNK and POOL_LOW (once per fall of free below
 * target / 4); POOL_SET answers before a big fill is done
 * (the pool is still short of the target after the reply) and the fill
 * ends in POOL_FILLED; a second POOL_SET supersedes a running fill (only
 * the new target's end event comes); the module unloads in the middle of
 * a fill, loads again, and the memory is back; malformed requests (wrong lengths, unknown
 * or unexpected attributes, missing ones, bad values, truncated messages,
 * wrong commands) are refused with an error and an extended-ACK message,
 * and leave no warning in the kernel log.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "aclmem_kmsg.h"
#include "aclmem_module.h"
#include "aclmem_utils.h"
#include "meminfo.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NL_BUF_SIZE	65536
#define MAX_ROWS	256
#define NOBODY		65534

/* ------------------------------------------------------------------ */
/* A minimal generic netlink client                                   */
/* ------------------------------------------------------------------ */

struct nlreq {
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	char attrs[512];
};

/* One reply message's attributes, copied out. */
struct nlrow {
	__u8 cmd;
	__u16 type;
	bool has[ACLMEM_GENL_A_MAX + 1];
	__u16 len[ACLMEM_GENL_A_MAX + 1];	/* payload bytes */
	__u64 v[ACLMEM_GENL_A_MAX + 1];
	char comm[32];
};

struct nlrows {
	int nr;
	int msgs;	/* datagrams the reply took */
	struct nlrow row[MAX_ROWS];
};

struct nl {
	int fd;
	__u32 seq;
	size_t rcvlen;		/* bytes per recv(): the kernel sizes dumps by it */
	__u16 family;
	__u32 events_grp;
	__u32 version;
	__u32 maxattr;
	__u32 op_flags[ACLMEM_GENL_CMD_MAX + 1];	/* 0: no such op */
	/* the extended ACK of the last reply */
	char ext_msg[256];
	int ext_offs;		/* -1: none */
	int ext_miss_type;	/* -1: none */
	char buf[NL_BUF_SIZE];
};

static void req_init(struct nlreq *r, __u16 type, __u8 cmd, __u16 flags)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->g.cmd = cmd;
	r->g.version = ACLMEM_GENL_VERSION;
}

/* Any attribute, any length: the malformed ones too. */
static void req_put(struct nlreq *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)r +
					     NLMSG_ALIGN(r->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) +
			   NLA_ALIGN(a->nla_len);
}

static void req_u8(struct nlreq *r, __u16 type, __u8 v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_u32(struct nlreq *r, __u16 type, __u32 v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_u64(struct nlreq *r, __u16 type, __u64 v)
{
	req_put(r, type, &v, sizeof(v));
}

/* tb[type] = the last attribute of that type in [data, data + len). */
static void parse_attrs(const void *data, int len, const struct nlattr **tb,
			int max)
{
	const struct nlattr *a = data;
	int type;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
}

static const void *nla_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int nla_plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static __u64 nla_uint(const struct nlattr *a)
{
	__u64 v64 = 0;
	__u32 v32 = 0;
	__u16 v16 = 0;

	switch (nla_plen(a)) {
	case 8:
		memcpy(&v64, nla_payload(a), 8);
		return v64;
	case 4:
		memcpy(&v32, nla_payload(a), 4);
		return v32;
	case 2:
		memcpy(&v16, nla_payload(a), 2);
		return v16;
	case 1:
		return *(const __u8 *)nla_payload(a);
	}
	return 0;
}

static void ext_ack(struct nl *nl, const void *attrs, int len)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int n;

	parse_attrs(attrs, len, tb, NLMSGERR_ATTR_MAX);
	if (tb[NLMSGERR_ATTR_MSG]) {
		n = nla_plen(tb[NLMSGERR_ATTR_MSG]);
		if (n >= (int)sizeof(nl->ext_msg))
			n = sizeof(nl->ext_msg) - 1;
		memcpy(nl->ext_msg, nla_payload(tb[NLMSGERR_ATTR_MSG]), n);
		nl->ext_msg[n] = 0;
	}
	if (tb[NLMSGERR_ATTR_OFFS])
		nl->ext_offs = nla_uint(tb[NLMSGERR_ATTR_OFFS]);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		nl->ext_miss_type = nla_uint(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static void row_from_msg(const struct nlmsghdr *nlh, struct nlrow *row)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *tb[ACLMEM_GENL_A_MAX + 1];
	int i, n;

	memset(row, 0, sizeof(*row));
	row->cmd = g->cmd;
	row->type = nlh->nlmsg_type;
	parse_attrs((const char *)g + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb,
		    ACLMEM_GENL_A_MAX);
	for (i = 1; i <= ACLMEM_GENL_A_MAX; i++) {
		if (!tb[i])
			continue;
		row->has[i] = true;
		row->len[i] = nla_plen(tb[i]);
		row->v[i] = nla_uint(tb[i]);
	}
	if (tb[ACLMEM_GENL_A_HANDLE_COMM]) {
		n = nla_plen(tb[ACLMEM_GENL_A_HANDLE_COMM]);
		if (n >= (int)sizeof(row->comm))
			n = sizeof(row->comm) - 1;
		memcpy(row->comm, nla_payload(tb[ACLMEM_GENL_A_HANDLE_COMM]), n);
	}
}

/*
 * Send @r; read its answer up to the ACK, the error or the end of the dump,
 * copying each data message into @rows (if not NULL). Returns 0 or the
 * kernel's -errno; -EAGAIN if nothing came within 10 s.
 */
static int nl_talk(struct nl *nl, struct nlreq *r, struct nlrows *rows)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *e;
	ssize_t n;
	int len, err, hdr;

	r->nlh.nlmsg_seq = ++nl->seq;
	nl->ext_msg[0] = 0;
	nl->ext_offs = -1;
	nl->ext_miss_type = -1;
	if (rows) {
		rows->nr = 0;
		rows->msgs = 0;
	}
	if (send(nl->fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len)
		return -errno;
	for (;;) {
		n = recv(nl->fd, nl->buf, nl->rcvlen, MSG_TRUNC);
		if (n < 0)
			return -errno;
		if (n > (ssize_t)nl->rcvlen)
			return -EMSGSIZE;
		if (rows)
			rows->msgs++;
		len = n;
		for (nlh = (const void *)nl->buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				e = NLMSG_DATA(nlh);
				hdr = NLMSG_HDRLEN + sizeof(*e);
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					hdr += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					ext_ack(nl, (const char *)nlh + hdr,
						nlh->nlmsg_len - hdr);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(err));
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					ext_ack(nl, (const char *)nlh + hdr,
						nlh->nlmsg_len - hdr);
				return err;
			}
			if (rows && rows->nr < MAX_ROWS)
				row_from_msg(nlh, &rows->row[rows->nr++]);
		}
	}
}

static int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* CTRL_ATTR_OPS and CTRL_ATTR_MCAST_GROUPS: nests of nests. */
static void parse_family(struct nl *nl, const struct nlattr **tb)
{
	const struct nlattr *item, *t[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *o[CTRL_ATTR_OP_MAX + 1];
	int rem;
	__u64 id;

	if (tb[CTRL_ATTR_VERSION])
		nl->version = nla_uint(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MAXATTR])
		nl->maxattr = nla_uint(tb[CTRL_ATTR_MAXATTR]);
	if (tb[CTRL_ATTR_OPS]) {
		item = nla_payload(tb[CTRL_ATTR_OPS]);
		for (rem = nla_plen(tb[CTRL_ATTR_OPS]);
		     rem >= NLA_HDRLEN && item->nla_len <= rem;
		     rem -= NLA_ALIGN(item->nla_len),
		     item = (const void *)((const char *)item +
					   NLA_ALIGN(item->nla_len))) {
			parse_attrs(nla_payload(item), nla_plen(item), o,
				    CTRL_ATTR_OP_MAX);
			if (!o[CTRL_ATTR_OP_ID])
				continue;
			id = nla_uint(o[CTRL_ATTR_OP_ID]);
			if (id <= ACLMEM_GENL_CMD_MAX)
				nl->op_flags[id] = 0x80000000U |
					(o[CTRL_ATTR_OP_FLAGS] ?
					 nla_uint(o[CTRL_ATTR_OP_FLAGS]) : 0);
		}
	}
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return;
	item = nla_payload(tb[CTRL_ATTR_MCAST_GROUPS]);
	for (rem = nla_plen(tb[CTRL_ATTR_MCAST_GROUPS]);
	     rem >= NLA_HDRLEN && item->nla_len <= rem;
	     rem -= NLA_ALIGN(item->nla_len),
	     item = (const void *)((const char *)item +
				   NLA_ALIGN(item->nla_len))) {
		parse_attrs(nla_payload(item), nla_plen(item), t,
			    CTRL_ATTR_MCAST_GRP_MAX);
		if (t[CTRL_ATTR_MCAST_GRP_NAME] && t[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_payload(t[CTRL_ATTR_MCAST_GRP_NAME]),
			    ACLMEM_GENL_MCGRP_EVENTS))
			nl->events_grp = nla_uint(t[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

/*
 * Open a socket and resolve "aclmem" through nlctrl; 0 or -errno. Every
 * recv() asks for @rcvlen bytes (at most NL_BUF_SIZE).
 */
static int nl_open_len(struct nl *nl, size_t rcvlen)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlmsghdr *nlh;
	struct nlreq r;
	ssize_t n;
	int len;

	memset(nl, 0, offsetof(struct nl, buf));
	nl->rcvlen = rcvlen;
	nl->fd = nl_socket();
	if (nl->fd < 0)
		return nl->fd;
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	r.g.version = 2;
	req_put(&r, CTRL_ATTR_FAMILY_NAME, ACLMEM_GENL_NAME,
		sizeof(ACLMEM_GENL_NAME));
	r.nlh.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, &r, r.nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(nl->fd, nl->buf, nl->rcvlen, 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (const void *)nl->buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error)
					return e->error;
				return nl->family ? 0 : -ENOENT;
			}
			if (nlh->nlmsg_type != GENL_ID_CTRL)
				continue;
			parse_attrs((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
				    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
				    tb, CTRL_ATTR_MAX);
			if (tb[CTRL_ATTR_FAMILY_ID])
				nl->family = nla_uint(tb[CTRL_ATTR_FAMILY_ID]);
			parse_family(nl, tb);
		}
	}
}

static int nl_open(struct nl *nl)
{
	return nl_open_len(nl, NL_BUF_SIZE);
}

static void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static int pool_get(struct nl *nl, struct nlrows *rows)
{
	struct nlreq r;

	req_init(&r, nl->family, ACLMEM_GENL_CMD_POOL_GET, NLM_F_DUMP);
	return nl_talk(nl, &r, rows);
}

/* POOL_SET; @node < 0: no node attribute (every node). */
static int pool_set(struct nl *nl, __u64 page_size, __u64 target, int node)
{
	struct nlreq r;

	req_init(&r, nl->family, ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK);
	req_u64(&r, ACLMEM_GENL_A_POOL_PAGE_SIZE, page_size);
	req_u64(&r, ACLMEM_GENL_A_POOL_TARGET, target);
	if (node >= 0)
		req_u32(&r, ACLMEM_GENL_A_POOL_NODE, node);
	return nl_talk(nl, &r, NULL);
}

static int join_events(struct nl *ev);
static int online_nodes(void);

/*
 * The next message of the "events" group on @ev that @match takes, in
 * @out: 0 (or what @match returns for it), or -ETIMEDOUT after @secs
 * seconds without one.
 */
static int next_event(struct nl *ev, int secs, struct nlrow *out,
		      int (*match)(const struct nlrow *row, const void *arg),
		      const void *arg)
{
	const struct nlmsghdr *nlh;
	struct pollfd pfd = { .fd = ev->fd, .events = POLLIN };
	ssize_t n;
	int len, ret;

	for (;;) {
		if (poll(&pfd, 1, secs * 1000) <= 0)
			return -ETIMEDOUT;
		n = recv(ev->fd, ev->buf, sizeof(ev->buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (const void *)ev->buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != ev->family)
				continue;
			row_from_msg(nlh, out);
			if (out->cmd != ACLMEM_GENL_CMD_EVENT)
				continue;
			ret = match(out, arg);
			if (ret <= 0)
				return ret;
		}
	}
}

/* next_event() matchers: 0 to take the event, 1 to skip it. */
static int is_event(const struct nlrow *row, const void *arg)
{
	return row->v[ACLMEM_GENL_A_EVENT] == *(const __u32 *)arg ? 0 : 1;
}

struct fill_end {
	__u64 page_size;
	int node;		/* -1: any */
	__u64 target;
};

/* POOL_FILLED (0) or POOL_FILL_FAILED (-ENOMEM) of the pool set @arg. */
static int is_fill_end(const struct nlrow *row, const void *arg)
{
	const struct fill_end *f = arg;
	__u64 what = row->v[ACLMEM_GENL_A_EVENT];

	if ((what != ACLMEM_GENL_EVENT_POOL_FILLED &&
	     what != ACLMEM_GENL_EVENT_POOL_FILL_FAILED) ||
	    row->v[ACLMEM_GENL_A_POOL_PAGE_SIZE] != f->page_size ||
	    (f->node >= 0 && row->v[ACLMEM_GENL_A_POOL_NODE] != (__u64)f->node) ||
	    row->v[ACLMEM_GENL_A_POOL_TARGET] != f->target)
		return 1;
	return what == ACLMEM_GENL_EVENT_POOL_FILLED ? 0 : -ENOMEM;
}

/*
 * The end of a pool set on the events socket @ev: POOL_FILLED (0) or
 * POOL_FILL_FAILED (-ENOMEM) of @page_size on @node (any: -1) for
 * @target; -ETIMEDOUT after @secs seconds without one.
 */
static int wait_fill_end(struct nl *ev, __u64 page_size, int node,
			 __u64 target, int secs, struct nlrow *out)
{
	struct fill_end f = {
		.page_size = page_size, .node = node, .target = target,
	};

	return next_event(ev, secs, out, is_fill_end, &f);
}

/*
 * POOL_SET, then wait for its end on every node it set (the fill runs
 * after the reply): 0, -ENOMEM (the kernel ran out) or -errno.
 */
static int pool_set_wait(struct nl *nl, __u64 page_size, __u64 target,
			 int node)
{
	struct nl *ev = calloc(1, sizeof(*ev));
	int i, nodes = node >= 0 ? 1 : online_nodes(), ret;
	struct nlrow e;

	if (!ev)
		return -ENOMEM;
	ret = join_events(ev);
	if (!ret)
		ret = pool_set(nl, page_size, target, node);
	for (i = 0; !ret && i < nodes; i++)
		ret = wait_fill_end(ev, page_size, node, target, 60, &e);
	nl_close(ev);
	free(ev);
	return ret;
}

/* HANDLE_GET; @pid 0: every process. */
static int handle_get(struct nl *nl, __u32 pid, struct nlrows *rows)
{
	struct nlreq r;

	req_init(&r, nl->family, ACLMEM_GENL_CMD_HANDLE_GET, NLM_F_DUMP);
	if (pid)
		req_u32(&r, ACLMEM_GENL_A_HANDLE_PID, pid);
	return nl_talk(nl, &r, rows);
}

/* The pool rows of one page size, summed over the nodes. */
struct pool_sum {
	int nodes;
	__u64 total, free, zeroed, dirty, in_use, target, grown, shrunk,
	      failed, poisoned;
};

static void pool_sum(const struct nlrows *rows, __u64 page_size,
		     struct pool_sum *s)
{
	const struct nlrow *r;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < rows->nr; i++) {
		r = &rows->row[i];
		if (r->v[ACLMEM_GENL_A_POOL_PAGE_SIZE] != page_size)
			continue;
		s->nodes++;
		s->total += r->v[ACLMEM_GENL_A_POOL_TOTAL];
		s->free += r->v[ACLMEM_GENL_A_POOL_FREE];
		s->zeroed += r->v[ACLMEM_GENL_A_POOL_ZEROED];
		s->dirty += r->v[ACLMEM_GENL_A_POOL_DIRTY];
		s->in_use += r->v[ACLMEM_GENL_A_POOL_IN_USE];
		s->target += r->v[ACLMEM_GENL_A_POOL_TARGET];
		s->grown += r->v[ACLMEM_GENL_A_POOL_GROWN];
		s->shrunk += r->v[ACLMEM_GENL_A_POOL_SHRUNK];
		s->failed += r->v[ACLMEM_GENL_A_POOL_FAILED];
		s->poisoned += r->v[ACLMEM_GENL_A_POOL_POISONED];
	}
}

/* The pool row of @page_size on @node, or NULL. */
static const struct nlrow *pool_row(const struct nlrows *rows,
				    __u64 page_size, __u32 node)
{
	int i;

	for (i = 0; i < rows->nr; i++)
		if (rows->row[i].v[ACLMEM_GENL_A_POOL_PAGE_SIZE] == page_size &&
		    rows->row[i].v[ACLMEM_GENL_A_POOL_NODE] == node)
			return &rows->row[i];
	return NULL;
}

/* Online nodes, from sysfs (1 without NUMA). */
static int online_nodes(void)
{
	char buf[256], *p = buf, *end;
	long a, b;
	int n = 0;

	if (aclmem_read_file("/sys/devices/system/node/online", buf,
			     sizeof(buf)))
		return 1;
	while (*p >= '0' && *p <= '9') {
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += b - a + 1;
		p = *end == ',' ? end + 1 : end;
	}
	return n ? n : 1;
}

/* A counter from /sys/kernel/aclmem/<2M|1G>/@name, or -1. */
static long long sysfs_counter(__u64 page_size, const char *name)
{
	char path[96];
	long long v;

	snprintf(path, sizeof(path), "/sys/kernel/aclmem/%s/%s",
		 aclmem_ps_name(page_size), name);
	v = aclmem_read_number(path);
	return v < 0 ? -1 : v;
}

/* The process's own command name, as the kernel keeps it. */
static void own_comm(char *buf, size_t len)
{
	if (aclmem_read_line("/proc/self/comm", buf, len))
		buf[0] = 0;
}

/* Drop @cap from every set of the calling thread. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	d[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */

FIXTURE(genl) {
	int fd;
	struct aclmem_info base;
	struct nl *nl;
	struct nlrows *rows;
	__u64 target_2m;	/* per node, to restore */
};

FIXTURE_SETUP(genl)
{
	struct nlrows *rows;
	const struct nlrow *r;

	self->nl = NULL;
	self->rows = NULL;
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	self->nl = calloc(1, sizeof(*self->nl));
	self->rows = calloc(1, sizeof(*self->rows));
	ASSERT_NE(NULL, self->nl);
	ASSERT_NE(NULL, self->rows);
	self->nl->fd = -1;
	ASSERT_EQ(0, nl_open(self->nl)) {
		TH_LOG("no generic netlink family \"%s\"", ACLMEM_GENL_NAME);
	}
	rows = self->rows;
	ASSERT_EQ(0, pool_get(self->nl, rows));
	r = pool_row(rows, SZ_2M, 0);
	ASSERT_NE(NULL, r);
	self->target_2m = r->v[ACLMEM_GENL_A_POOL_TARGET];
}

FIXTURE_TEARDOWN(genl)
{
	struct nlrows *rows = self->rows;
	int i;

	/* a test cut short may have left another 2 MiB target */
	if (self->nl && self->nl->fd >= 0 && rows && !pool_get(self->nl, rows)) {
		for (i = 0; i < rows->nr; i++) {
			if (rows->row[i].v[ACLMEM_GENL_A_POOL_PAGE_SIZE] == SZ_2M &&
			    rows->row[i].v[ACLMEM_GENL_A_POOL_TARGET] != self->target_2m) {
				EXPECT_EQ(0, pool_set_wait(self->nl, SZ_2M,
							   self->target_2m, -1));
				break;
			}
		}
	}
	if (self->nl)
		nl_close(self->nl);
	free(self->nl);
	free(self->rows);
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* nlctrl knows the family, its version, attributes, commands and group. */
TEST_F(genl, family)
{
	struct nl *nl = self->nl;

	EXPECT_NE(0, nl->family);
	EXPECT_EQ((__u32)ACLMEM_GENL_VERSION, nl->version);
	EXPECT_EQ((__u32)ACLMEM_GENL_A_MAX, nl->maxattr);
	EXPECT_NE(0U, nl->events_grp);
	EXPECT_TRUE(nl->op_flags[ACLMEM_GENL_CMD_POOL_GET] & GENL_CMD_CAP_DUMP);
	EXPECT_TRUE(nl->op_flags[ACLMEM_GENL_CMD_HANDLE_GET] & GENL_CMD_CAP_DUMP);
	EXPECT_TRUE(nl->op_flags[ACLMEM_GENL_CMD_POOL_SET] & GENL_CMD_CAP_DO);
	/* EVENT is sent, never received */
	EXPECT_EQ(0U, nl->op_flags[ACLMEM_GENL_CMD_EVENT]);
}

/* One message per page size and online node, agreeing with INFO and sysfs. */
TEST_F(genl, pool_dump_matches_info)
{
	static const char *const names[] = {
		"total", "free", "in_use", "target", "grown", "shrunk",
		"failed",
	};
	struct nlrows *rows = self->rows;
	struct aclmem_info info;
	struct pool_sum s;
	__u64 want[7];
	long long got;
	int i, p, a;

	ASSERT_EQ(0, pool_get(self->nl, rows));
	aclmem_info(self->fd, &info);
	EXPECT_EQ(2 * online_nodes(), rows->nr);
	for (i = 0; i < rows->nr; i++) {
		const struct nlrow *r = &rows->row[i];

		EXPECT_EQ(ACLMEM_GENL_CMD_POOL_GET, r->cmd);
		for (a = ACLMEM_GENL_A_POOL_PAGE_SIZE;
		     a <= ACLMEM_GENL_A_POOL_FAILED; a++) {
			EXPECT_TRUE(r->has[a]) {
				TH_LOG("row %d lacks attribute %d", i, a);
			}
			EXPECT_EQ(a == ACLMEM_GENL_A_POOL_NODE ? 4 : 8, r->len[a]);
		}
		/* each node's pool owns what it took less what left it */
		EXPECT_EQ(r->v[ACLMEM_GENL_A_POOL_TOTAL],
			  r->v[ACLMEM_GENL_A_POOL_GROWN] -
			  r->v[ACLMEM_GENL_A_POOL_SHRUNK] -
			  r->v[ACLMEM_GENL_A_POOL_POISONED]);
	}
	for (p = 0; p < ACLMEM_NR_POOLS; p++) {
		const struct aclmem_pool_stats *st = &info.out_pools[p];

		pool_sum(rows, st->page_size, &s);
		EXPECT_EQ(online_nodes(), s.nodes);
		EXPECT_EQ(st->total, s.total);
		EXPECT_EQ(st->free, s.free);
		EXPECT_EQ(st->in_use, s.in_use);
		EXPECT_EQ(st->target, s.target);
		EXPECT_EQ(st->grown, s.grown);
		EXPECT_EQ(st->shrunk, s.shrunk);
		EXPECT_EQ(st->failed, s.failed);

		want[0] = s.total;
		want[1] = s.free;
		want[2] = s.in_use;
		want[3] = s.target;
		want[4] = s.grown;
		want[5] = s.shrunk;
		want[6] = s.failed;
		for (a = 0; a < 7; a++) {
			got = sysfs_counter(st->page_size, names[a]);
			EXPECT_EQ((long long)want[a], got) {
				TH_LOG("/sys/kernel/aclmem/%s/%s",
				       aclmem_ps_name(st->page_size), names[a]);
			}
		}
	}
}

/* The counters follow what this test allocates and frees. */
TEST_F_TIMEOUT(genl, pool_counters_follow_alloc, 120)
{
	struct nlrows *rows = self->rows;
	struct pool_sum s0, s1, s2;
	__u32 h2 = 0, h1g = 0;
	bool have_1g;

	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s0);
	have_1g = self->base.out_pools[ACLMEM_POOL_1G].free > 0;

	aclmem_alloc(self->fd, 3 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h2, NULL);
	if (have_1g)
		aclmem_alloc(self->fd, SZ_1G, SZ_1G, ACLMEM_NODE_ANY, &h1g,
			     NULL);
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s1);
	EXPECT_EQ(s0.in_use + 3, s1.in_use);
	/* pages the pool owns: what it took from the kernel, less the rest */
	EXPECT_EQ(s1.total, s1.grown - s1.shrunk - s1.poisoned);
	EXPECT_LE(s0.total, s1.total);
	EXPECT_EQ(aclmem_in_use(self->fd, SZ_2M), s1.in_use);
	EXPECT_EQ(aclmem_free_pages(self->fd, SZ_2M), s1.free);
	if (have_1g) {
		pool_sum(rows, SZ_1G, &s2);
		EXPECT_EQ(self->base.out_pools[ACLMEM_POOL_1G].in_use + 1,
			  s2.in_use);
		EXPECT_EQ(aclmem_in_use(self->fd, SZ_1G), s2.in_use);
		EXPECT_EQ((long long)s2.in_use,
			  sysfs_counter(SZ_1G, "in_use"));
		aclmem_free(self->fd, h1g);
	}
	EXPECT_EQ((long long)s1.in_use, sysfs_counter(SZ_2M, "in_use"));

	aclmem_free(self->fd, h2);
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s2);
	EXPECT_EQ(s0.in_use, s2.in_use);
	EXPECT_EQ(s2.total, s2.grown - s2.shrunk - s2.poisoned);
	EXPECT_EQ(aclmem_free_pages(self->fd, SZ_2M), s2.free);
	pool_sum(rows, SZ_1G, &s2);
	EXPECT_EQ(self->base.out_pools[ACLMEM_POOL_1G].in_use, s2.in_use);
}

/* This process's handles: pid, command, ids, sizes, node, maps, token. */
TEST_F(genl, handle_dump_own)
{
	struct nlrows *rows = self->rows;
	struct aclmem_export ex = { 0 };
	struct aclmem_info info;
	__u32 h1 = 0, h2 = 0;
	__u64 off1 = 0;
	char comm[32];
	void *p = NULL;
	int i, seen = 0;

	aclmem_info(self->fd, &info);
	own_comm(comm, sizeof(comm));
	aclmem_alloc(self->fd, 2 * SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h1, &off1);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, 0, &h2, NULL);
	aclmem_mmap(self->fd, 2 * SZ_2M, off1, &p);
	ex.handle = h2;
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_EXPORT, &ex));

	ASSERT_EQ(0, handle_get(self->nl, info.out_tgid, rows));
	EXPECT_EQ(2, rows->nr);
	for (i = 0; i < rows->nr; i++) {
		const struct nlrow *r = &rows->row[i];

		EXPECT_EQ(ACLMEM_GENL_CMD_HANDLE_GET, r->cmd);
		EXPECT_EQ(info.out_tgid, r->v[ACLMEM_GENL_A_HANDLE_PID]);
		EXPECT_STREQ(comm, r->comm);
		EXPECT_EQ(8, r->len[ACLMEM_GENL_A_HANDLE_SIZE]);
		EXPECT_EQ(8, r->len[ACLMEM_GENL_A_HANDLE_PAGE_SIZE]);
		EXPECT_EQ(SZ_2M, r->v[ACLMEM_GENL_A_HANDLE_PAGE_SIZE]);
		EXPECT_FALSE(r->has[ACLMEM_GENL_A_HANDLE_IMPORTED]);
		EXPECT_EQ(0U, r->v[ACLMEM_GENL_A_HANDLE_SHARERS]);
		EXPECT_EQ(0U, r->v[ACLMEM_GENL_A_HANDLE_DMABUFS]);
		if (r->v[ACLMEM_GENL_A_HANDLE_ID] == h1) {
			seen |= 1;
			EXPECT_EQ(2 * SZ_2M, r->v[ACLMEM_GENL_A_HANDLE_SIZE]);
			EXPECT_EQ(ACLMEM_NODE_ANY, r->v[ACLMEM_GENL_A_HANDLE_NODE]);
			EXPECT_EQ(1U, r->v[ACLMEM_GENL_A_HANDLE_MAPPINGS]);
			EXPECT_FALSE(r->has[ACLMEM_GENL_A_HANDLE_TOKEN]);
		} else if (r->v[ACLMEM_GENL_A_HANDLE_ID] == h2) {
			seen |= 2;
			EXPECT_EQ(SZ_2M, r->v[ACLMEM_GENL_A_HANDLE_SIZE]);
			EXPECT_EQ(0U, r->v[ACLMEM_GENL_A_HANDLE_NODE]);
			EXPECT_EQ(0U, r->v[ACLMEM_GENL_A_HANDLE_MAPPINGS]);
			EXPECT_TRUE(r->has[ACLMEM_GENL_A_HANDLE_TOKEN]);
			EXPECT_EQ(ex.out_token, r->v[ACLMEM_GENL_A_HANDLE_TOKEN]);
		}
	}
	EXPECT_EQ(3, seen);

	/* without the filter they are there too */
	ASSERT_EQ(0, handle_get(self->nl, 0, rows));
	seen = 0;
	for (i = 0; i < rows->nr; i++)
		if (rows->row[i].v[ACLMEM_GENL_A_HANDLE_PID] == info.out_tgid)
			seen++;
	EXPECT_EQ(2, seen);

	/* a process without handles has none */
	ASSERT_EQ(0, handle_get(self->nl, 1, rows));
	EXPECT_EQ(0, rows->nr);

	aclmem_munmap(p, 2 * SZ_2M);
	aclmem_free(self->fd, h1);
	aclmem_free(self->fd, h2);
	ASSERT_EQ(0, handle_get(self->nl, info.out_tgid, rows));
	EXPECT_EQ(0, rows->nr);
}

/* Another process's handle shows under its pid, not ours. */
TEST_F(genl, handle_dump_child)
{
	struct nlrows *rows = self->rows;
	struct aclmem_info info;
	int ready[2], done[2], status;
	char c = 0;
	pid_t pid;

	aclmem_info(self->fd, &info);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = aclmem_open();
		__u32 h;

		close(ready[0]);
		close(done[1]);
		if (fd < 0 || _aclmem_alloc(fd, 3 * SZ_2M, SZ_2M,
					    ACLMEM_NODE_ANY, &h, NULL))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (read(done[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	ASSERT_EQ(0, handle_get(self->nl, pid, rows));
	ASSERT_EQ(1, rows->nr);
	EXPECT_EQ((__u64)pid, rows->row[0].v[ACLMEM_GENL_A_HANDLE_PID]);
	EXPECT_EQ(3 * SZ_2M, rows->row[0].v[ACLMEM_GENL_A_HANDLE_SIZE]);
	EXPECT_EQ(SZ_2M, rows->row[0].v[ACLMEM_GENL_A_HANDLE_PAGE_SIZE]);
	ASSERT_EQ(0, handle_get(self->nl, info.out_tgid, rows));
	EXPECT_EQ(0, rows->nr);

	ASSERT_EQ(1, write(done[1], "d", 1));
	status = aclmem_reap(pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);
	close(done[1]);
	ASSERT_EQ(0, handle_get(self->nl, pid, rows));
	EXPECT_EQ(0, rows->nr);
}

/* More handles than one message holds: the dump resumes, none twice. */
TEST_F_TIMEOUT(genl, handle_dump_resumes, 180)
{
	enum { N = 80 };
	struct nlrows *rows = self->rows;
	struct aclmem_info info;
	struct nl *small;
	__u32 h[N];
	bool seen[N];
	int i, j;

	/* 4 KiB reads: the kernel fills about 35 handles a message */
	small = calloc(1, sizeof(*small));
	ASSERT_NE(NULL, small);
	ASSERT_EQ(0, nl_open_len(small, 4096));
	aclmem_info(self->fd, &info);
	for (i = 0; i < N; i++)
		aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h[i],
			     NULL);
	ASSERT_EQ(0, handle_get(small, info.out_tgid, rows));
	EXPECT_EQ(N, rows->nr);
	EXPECT_LT(1, rows->msgs) {
		TH_LOG("%d handles came in %d datagrams", N, rows->msgs);
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < rows->nr; i++) {
		for (j = 0; j < N; j++) {
			if (rows->row[i].v[ACLMEM_GENL_A_HANDLE_ID] != h[j])
				continue;
			EXPECT_FALSE(seen[j]);
			seen[j] = true;
		}
	}
	for (j = 0; j < N; j++)
		EXPECT_TRUE(seen[j]);
	for (i = 0; i < N; i++)
		aclmem_free(self->fd, h[i]);
	nl_close(small);
	free(small);
}

/*
 * The child of handle_dump_unprivileged, as nobody: its handle, then what
 * its dumps show. @res: [0] 0 or -errno, [1] rows of the full dump, [2]
 * rows of other processes, [3] rows with a token, [4] rows of @parent.
 */
static void dump_as_nobody(pid_t parent, int res[5])
{
	struct nlrows *rows = calloc(1, sizeof(*rows));
	struct nl *nl = calloc(1, sizeof(*nl));
	struct aclmem_export ex = { 0 };
	int fd, i;
	__u32 h;

	if (!rows || !nl) {
		res[0] = -ENOMEM;
		return;
	}
	nl->fd = -1;
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		res[0] = -errno;
		return;
	}
	fd = aclmem_open();
	if (fd < 0) {
		res[0] = fd;
		return;
	}
	res[0] = _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	if (res[0])
		return;
	ex.handle = h;
	if (ioctl(fd, ACLMEM_IOC_EXPORT, &ex) || nl_open(nl) ||
	    handle_get(nl, 0, rows)) {
		res[0] = -EIO;
		return;
	}
	res[1] = rows->nr;
	res[2] = res[3] = 0;
	for (i = 0; i < rows->nr; i++) {
		if (rows->row[i].v[ACLMEM_GENL_A_HANDLE_PID] != (__u64)getpid())
			res[2]++;
		if (rows->row[i].has[ACLMEM_GENL_A_HANDLE_TOKEN])
			res[3]++;
	}
	res[4] = handle_get(nl, parent, rows) ? -1 : rows->nr;
}

/*
 * Without CAP_SYS_ADMIN the dump shows what /proc would: the files of the
 * caller's own uid (its own handle here, not root's), and no token at all.
 */
TEST_F(genl, handle_dump_unprivileged)
{
	struct aclmem_export ex = { 0 };
	int p[2], res[5] = { -EIO, -1, -1, -1, -1 };
	struct aclmem_info info;
	struct stat st;
	__u32 h = 0;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to become another user");
	aclmem_info(self->fd, &info);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	ex.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, ACLMEM_IOC_EXPORT, &ex));
	/* nobody opens the device itself: its file is nobody's */
	ASSERT_EQ(0, stat(ACLMEM_DEV_PATH, &st));
	ASSERT_EQ(0, chmod(ACLMEM_DEV_PATH, 0666));
	ASSERT_EQ(0, pipe(p));
	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		dump_as_nobody(info.out_tgid, res);
		if (write(p[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	EXPECT_EQ((ssize_t)sizeof(res), read(p[0], res, sizeof(res)));
	close(p[0]);
	EXPECT_EQ(0, aclmem_exit_code(aclmem_reap(pid)));
	EXPECT_EQ(0, chmod(ACLMEM_DEV_PATH, st.st_mode & 07777));

	ASSERT_EQ(0, res[0]);
	EXPECT_EQ(1, res[1]);	/* its own handle */
	EXPECT_EQ(0, res[2]);	/* nobody else's */
	EXPECT_EQ(0, res[3]);	/* no token, not even its own */
	EXPECT_EQ(0, res[4]);	/* root's process shows nothing */
	aclmem_free(self->fd, h);
}

struct export_call {
	int fd;
	void *arg;
	int ret;
	int err;
	int done;	/* eventfd, written when the call returned */
};

static void *export_thread(void *arg)
{
	struct export_call *c = arg;
	__u64 one = 1;

	c->ret = ioctl(c->fd, ACLMEM_IOC_EXPORT, c->arg);
	c->err = errno;
	if (write(c->done, &one, sizeof(one)) != sizeof(one))
		c->ret = -2;
	return NULL;
}

/*
 * In another process: a dump, open, ALLOC, close, and a dump again; its
 * exit status is 0 if all of them worked.
 */
static int dump_open_close(void)
{
	struct nlrows *rows = calloc(1, sizeof(*rows));
	struct nl *nl = calloc(1, sizeof(*nl));
	__u32 h;
	int fd;

	if (!rows || !nl)
		return 1;
	nl->fd = -1;
	if (nl_open(nl) || handle_get(nl, 0, rows))
		return 2;
	fd = aclmem_open();
	if (fd < 0 || _aclmem_alloc(fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h,
				    NULL))
		return 3;
	if (close(fd))
		return 4;
	if (handle_get(nl, getpid(), rows) || rows->nr)
		return 5;
	return 0;
}

/*
 * An EXPORT whose answer stalls (the caller's struct is write-protected
 * with userfaultfd) holds no lock that others need: another process dumps,
 * opens and closes meanwhile. The test waits for that process to finish:
 * a module that answered under the file's lock hangs it (until the harness
 * times the test out). Then it lets the answer through.
 */
TEST_F_TIMEOUT(genl, export_stall_blocks_nobody, 120)
{
	struct export_call c = { .fd = self->fd };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	struct nlrows *rows = self->rows;
	struct aclmem_info info;
	struct aclmem_export *ex;
	struct uffd_msg msg;
	struct pollfd pfd[2];
	pthread_t thread;
	int uffd, i, found = 0;
	__u32 h = 0;
	pid_t pid;
	void *page;

	if (geteuid() != 0)
		SKIP(return, "kernel-mode userfaults need root");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 && errno == ENOSYS)
		SKIP(return, "no userfaultfd in this kernel");
	aclmem_info(self->fd, &info);
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, ACLMEM_NODE_ANY, &h, NULL);
	ASSERT_LE(0, uffd) {
		TH_LOG("userfaultfd: %s", strerror(errno));
	}
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	if (!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP)) {
		close(uffd);
		SKIP(return, "no userfaultfd write-protect in this kernel");
	}
	page = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	memset(page, 0, SZ_4K);
	ex = page;
	ex->handle = h;
	reg.range.start = (unsigned long)page;
	reg.range.len = SZ_4K;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		TH_LOG("UFFDIO_REGISTER (WP): %s", strerror(errno));
	}
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));

	c.arg = ex;
	c.done = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, c.done);
	ASSERT_EQ(0, pthread_create(&thread, NULL, export_thread, &c));
	/* the exporter writes its answer and stalls, or it did not stall */
	pfd[0] = (struct pollfd){ .fd = uffd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = c.done, .events = POLLIN };
	ASSERT_LT(0, poll(pfd, 2, -1));
	ASSERT_FALSE(pfd[1].revents) {
		TH_LOG("EXPORT answered without a fault: %d", c.ret);
	}
	ASSERT_EQ((ssize_t)sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	EXPECT_TRUE(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP);

	pid = aclmem_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(dump_open_close());
	EXPECT_EQ(0, aclmem_exit_code(aclmem_reap(pid)));
	/* and this process's own dump, with the stalled handle in it */
	ASSERT_EQ(0, handle_get(self->nl, info.out_tgid, rows));
	EXPECT_EQ(1, rows->nr);

	/* let the answer through */
	wp.mode = 0;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, c.ret) {
		TH_LOG("EXPORT: %s", strerror(c.err));
	}
	EXPECT_NE(0ULL, ex->out_token);
	ASSERT_EQ(0, handle_get(self->nl, info.out_tgid, rows));
	for (i = 0; i < rows->nr; i++)
		if (rows->row[i].v[ACLMEM_GENL_A_HANDLE_TOKEN] == ex->out_token)
			found++;
	EXPECT_EQ(1, found);

	aclmem_free(self->fd, h);
	close(c.done);
	close(uffd);
	munmap(page, SZ_4K);
}

/* A child's POOL_SET result (0 or -errno), the child being @how. */
enum how { NO_SYS_ADMIN, NOBODY_USER };

static int pool_set_as(enum how how, __u64 target, int *dump_rows)
{
	int p[2], res[2] = { -EIO, -1 }, status;
	struct nlrows *rows;
	struct nl *nl;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(p[0]);
		nl = calloc(1, sizeof(*nl));
		rows = calloc(1, sizeof(*rows));
		if (how == NO_SYS_ADMIN)
			res[0] = drop_cap(CAP_SYS_ADMIN);
		else
			res[0] = setresgid(NOBODY, NOBODY, NOBODY) ||
				 setresuid(NOBODY, NOBODY, NOBODY) ? -errno : 0;
		/* the socket is opened without the capability, too */
		if (!res[0] && nl && rows && !(res[0] = nl_open(nl))) {
			res[0] = pool_set(nl, SZ_2M, target, -1);
			res[1] = pool_get(nl, rows) ? -1 : rows->nr;
		}
		if (write(p[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], res, sizeof(res)) != sizeof(res))
		res[0] = -EIO;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (dump_rows)
		*dump_rows = res[1];
	return res[0];
}

/*
 * POOL_SET without CAP_SYS_ADMIN: EPERM, and nothing changes. The target
 * asked for is another one, so that a wrong success shows.
 */
TEST_F(genl, pool_set_needs_cap_sys_admin)
{
	struct nlrows *rows = self->rows;
	int dumped = 0;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop the capability");

	ACLMEM_EXPECT_ERRNO(EPERM, pool_set_as(NO_SYS_ADMIN,
					       self->target_2m + 1, NULL));
	ACLMEM_EXPECT_ERRNO(EPERM, pool_set_as(NOBODY_USER,
					       self->target_2m + 1, &dumped));
	/* reading is for everyone */
	EXPECT_LT(0, dumped);
	ASSERT_EQ(0, pool_get(self->nl, rows));
	EXPECT_EQ(self->target_2m,
		  pool_row(rows, SZ_2M, 0)->v[ACLMEM_GENL_A_POOL_TARGET]);
}

/* As root the pool follows: target 12, free 12; back to 8, free 8. */
TEST_F_TIMEOUT(genl, pool_set_moves_the_pool, 120)
{
	struct nlrows *rows = self->rows;
	const struct nlrow *r;
	struct pool_sum s0, s1, s2;
	__u64 up = 12, down = self->target_2m;
	int nodes = online_nodes();

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN");
	if (down >= up)
		up = down + 4;
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s0);
	ASSERT_EQ(s0.target, s0.free) {
		TH_LOG("a quiet pool keeps its target");
	}

	/* every node */
	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, up, -1));
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s1);
	EXPECT_EQ(up * nodes, s1.target);
	EXPECT_EQ(up * nodes, s1.free);
	EXPECT_EQ(s0.total + (up - down) * nodes, s1.total);
	EXPECT_EQ(s0.grown + (up - down) * nodes, s1.grown);
	EXPECT_EQ(s0.in_use, s1.in_use);
	EXPECT_EQ((long long)s1.target, sysfs_counter(SZ_2M, "target"));
	EXPECT_EQ((long long)s1.free, sysfs_counter(SZ_2M, "free"));
	EXPECT_EQ(up * nodes, aclmem_free_pages(self->fd, SZ_2M));

	/* node 0 alone, back down */
	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, down, 0));
	ASSERT_EQ(0, pool_get(self->nl, rows));
	r = pool_row(rows, SZ_2M, 0);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(down, r->v[ACLMEM_GENL_A_POOL_TARGET]);
	EXPECT_EQ(down, r->v[ACLMEM_GENL_A_POOL_FREE]);
	pool_sum(rows, SZ_2M, &s2);
	EXPECT_EQ(s1.shrunk + (up - down), s2.shrunk);
	EXPECT_EQ(s1.total - (up - down), s2.total);

	/* and the rest */
	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, down, -1));
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s2);
	EXPECT_EQ(s0.target, s2.target);
	EXPECT_EQ(s0.free, s2.free);
	EXPECT_EQ(s0.total, s2.total);
}

/* The next event of the "events" group with @event, within @secs s. */
static int wait_event_secs(struct nl *ev, __u32 event, int secs,
			   struct nlrow *out)
{
	return next_event(ev, secs, out, is_event, &event);
}

/* The next event of the "events" group with @event, within 10 s. */
static int wait_event(struct nl *ev, __u32 event, struct nlrow *out)
{
	return wait_event_secs(ev, event, 10, out);
}

static int join_events(struct nl *ev)
{
	int grp;

	if (nl_open(ev))
		return -ENOENT;
	grp = ev->events_grp;
	if (setsockopt(ev->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)))
		return -errno;
	return 0;
}

/* An allocation the pages cannot cover: ENOMEM and ALLOC_FAILED. */
TEST_F_TIMEOUT(genl, event_alloc_failed, 120)
{
	static const __u64 sizes[] = { SZ_2M, SZ_1G };
	struct nl *ev = calloc(1, sizeof(*ev));
	struct aclmem_pool_stats st;
	struct nlrow e;
	size_t i;
	__u64 ps;

	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, join_events(ev));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ps = sizes[i];
		aclmem_alloc_err(ENOMEM, self->fd, 64ULL << 30, ps,
				 ACLMEM_NODE_ANY);
		ASSERT_EQ(0, wait_event(ev, ACLMEM_GENL_EVENT_ALLOC_FAILED, &e)) {
			TH_LOG("no ALLOC_FAILED for %s pages", aclmem_ps_name(ps));
		}
		EXPECT_EQ(ev->family, e.type);
		EXPECT_EQ(4, e.len[ACLMEM_GENL_A_EVENT]);
		EXPECT_EQ(ps, e.v[ACLMEM_GENL_A_POOL_PAGE_SIZE]);
		EXPECT_TRUE(e.has[ACLMEM_GENL_A_POOL_NODE]);
		EXPECT_LT(e.v[ACLMEM_GENL_A_POOL_NODE], 1024ULL);
		aclmem_pool(self->fd, ps, &st);
		EXPECT_TRUE(e.has[ACLMEM_GENL_A_POOL_FAILED]);
		EXPECT_EQ(st.failed, e.v[ACLMEM_GENL_A_POOL_FAILED]);
		EXPECT_EQ(self->base.out_pools[aclmem_pool_index(ps)].failed + 1,
			  st.failed);
	}
	nl_close(ev);
	free(ev);
}

/* Growing and shrinking a pool by POOL_SET is heard in the group. */
TEST_F_TIMEOUT(genl, event_grown_shrunk, 120)
{
	struct nl *ev;
	struct nlrow e;

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN");
	ev = calloc(1, sizeof(*ev));
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, join_events(ev));
	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, self->target_2m + 2, 0));
	ASSERT_EQ(0, wait_event(ev, ACLMEM_GENL_EVENT_POOL_GROWN, &e));
	EXPECT_EQ(SZ_2M, e.v[ACLMEM_GENL_A_POOL_PAGE_SIZE]);
	EXPECT_EQ(0U, e.v[ACLMEM_GENL_A_POOL_NODE]);
	EXPECT_EQ(self->target_2m + 2, e.v[ACLMEM_GENL_A_POOL_TARGET]);
	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, self->target_2m, 0));
	ASSERT_EQ(0, wait_event(ev, ACLMEM_GENL_EVENT_POOL_SHRUNK, &e));
	EXPECT_EQ(SZ_2M, e.v[ACLMEM_GENL_A_POOL_PAGE_SIZE]);
	EXPECT_EQ(self->target_2m, e.v[ACLMEM_GENL_A_POOL_TARGET]);
	nl_close(ev);
	free(ev);
}

/* The 2 MiB target POOL_LOW is tried at: its low mark (target / 4) is 2. */
#define LOW_TARGET	8ULL

/*
 * POOL_LOW is sent when an allocation takes the free pages of a pool from
 * at or above its low mark (target / 4) to below it: not for an
 * allocation that leaves them at the mark, and not again for one that
 * finds them below it already. The event names the pool and its counters
 * after the fall.
 */
TEST_F_TIMEOUT(genl, event_pool_low, 120)
{
	const __u64 low = LOW_TARGET / 4;
	struct nlrows *rows = self->rows;
	const struct nlrow *r;
	__u32 h[3] = { 0 };
	struct nl *ev;
	struct nlrow e;
	__u64 free0;

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN");
	/* the pool of node 0 at LOW_TARGET free pages */
	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, LOW_TARGET, 0));
	ASSERT_EQ(0, pool_get(self->nl, rows));
	r = pool_row(rows, SZ_2M, 0);
	ASSERT_NE(NULL, r);
	free0 = r->v[ACLMEM_GENL_A_POOL_FREE];
	ASSERT_EQ(LOW_TARGET, free0);
	ev = calloc(1, sizeof(*ev));
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, join_events(ev));

	/* down to the mark: no event */
	aclmem_alloc(self->fd, (free0 - low) * SZ_2M, SZ_2M, 0, &h[0], NULL);
	EXPECT_EQ(-ETIMEDOUT, wait_event_secs(ev, ACLMEM_GENL_EVENT_POOL_LOW,
					      2, &e)) {
		TH_LOG("POOL_LOW with %llu free, the mark being %llu",
		       (unsigned long long)e.v[ACLMEM_GENL_A_POOL_FREE],
		       (unsigned long long)low);
	}
	/* one below it: the event, for this pool */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, 0, &h[1], NULL);
	ASSERT_EQ(0, wait_event(ev, ACLMEM_GENL_EVENT_POOL_LOW, &e)) {
		TH_LOG("no POOL_LOW when free fell to %llu",
		       (unsigned long long)(low - 1));
	}
	EXPECT_EQ(SZ_2M, e.v[ACLMEM_GENL_A_POOL_PAGE_SIZE]);
	EXPECT_EQ(0U, e.v[ACLMEM_GENL_A_POOL_NODE]);
	EXPECT_EQ(LOW_TARGET, e.v[ACLMEM_GENL_A_POOL_TARGET]);
	EXPECT_EQ(low - 1, e.v[ACLMEM_GENL_A_POOL_FREE]);
	/* already below: no second one */
	aclmem_alloc(self->fd, SZ_2M, SZ_2M, 0, &h[2], NULL);
	EXPECT_EQ(-ETIMEDOUT, wait_event_secs(ev, ACLMEM_GENL_EVENT_POOL_LOW,
					      2, &e));

	aclmem_free(self->fd, h[2]);
	aclmem_free(self->fd, h[1]);
	aclmem_free(self->fd, h[0]);
	nl_close(ev);
	free(ev);
	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, self->target_2m, 0));
}

/* 2 MiB pages a big fill adds: 512 MiB, some seconds of work under TCG. */
#define BIG_FILL	256

/* POOL_GET, then the row of the 2 MiB pool of node 0; NULL if none. */
static const struct nlrow *pool_2m_node0(struct nl *nl, struct nlrows *rows)
{
	return pool_get(nl, rows) ? NULL : pool_row(rows, SZ_2M, 0);
}

/* A socket that joined the "events" group, or NULL. */
static struct nl *events_open(void)
{
	struct nl *ev = calloc(1, sizeof(*ev));

	if (ev && join_events(ev)) {
		nl_close(ev);
		free(ev);
		ev = NULL;
	}
	return ev;
}

/*
 * POOL_SET comes back before a big fill is done: right after the reply
 * the pool is still short of the target; POOL_FILLED follows, with the
 * pool at the target. Going down is at once. A second POOL_SET
 * supersedes a fill under way.
 */
TEST_F_TIMEOUT(genl, pool_set_fills_in_background, 240)
{
	__u64 big = self->target_2m + BIG_FILL;
	struct nlrows *rows = self->rows;
	const struct nlrow *r;
	struct nlrow e;
	struct nl *ev;

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN");
	ev = events_open();
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, big, 0));
	r = pool_2m_node0(self->nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(big, r->v[ACLMEM_GENL_A_POOL_TARGET]);
	EXPECT_GT(big, r->v[ACLMEM_GENL_A_POOL_FREE]) {
		TH_LOG("the pool was full when POOL_SET answered: the fill ran in the request");
	}
	ASSERT_EQ(0, wait_fill_end(ev, SZ_2M, 0, big, 120, &e));
	EXPECT_EQ(big, e.v[ACLMEM_GENL_A_POOL_FREE]);
	r = pool_2m_node0(self->nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(big, r->v[ACLMEM_GENL_A_POOL_FREE]);

	/* back down: at once, and the end event all the same */
	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, self->target_2m, 0));
	r = pool_2m_node0(self->nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(self->target_2m, r->v[ACLMEM_GENL_A_POOL_FREE]);
	EXPECT_EQ(0, wait_fill_end(ev, SZ_2M, 0, self->target_2m, 10, &e));

	/*
	 * A POOL_SET while a fill runs supersedes it: the old fill stops
	 * without an end event, the new target's comes, and the pool is at
	 * the new target.
	 */
	r = pool_2m_node0(self->nl, rows);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(self->target_2m, r->v[ACLMEM_GENL_A_POOL_FREE]);

	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, big, 0));
	ASSERT_EQ(0, pool_set(self->nl, SZ_2M, self->target_2m + 1, 0));
	ASSERT_EQ(0, wait_fill_end(ev, SZ_2M, 0, self->target_2m + 1, 60,
				   &e));
	EXPECT_EQ(self->target_2m + 1, e.v[ACLMEM_GENL_A_POOL_FREE]);
	r = pool_2m_node0(self->nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(self->target_2m + 1, r->v[ACLMEM_GENL_A_POOL_TARGET]);
	EXPECT_EQ(self->target_2m + 1, r->v[ACLMEM_GENL_A_POOL_FREE]);
	/* the first fill was cut short: it never ends */
	EXPECT_EQ(-ETIMEDOUT, wait_fill_end(ev, SZ_2M, 0, big, 2, &e));

	ASSERT_EQ(0, pool_set_wait(self->nl, SZ_2M, self->target_2m, 0));
	nl_close(ev);
	free(ev);
}


/* ------------------------------------------------------------------ */
/* Malformed requests                                                 */
/* ------------------------------------------------------------------ */

struct bad_req {
	const char *what;
	__u8 cmd;
	__u16 flags;
	int err;		/* the errno expected */
	bool ext_msg;		/* an extended-ACK message is expected */
	void (*build)(struct nlreq *r);
};

static void ps_u8(struct nlreq *r)
{
	req_u8(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, 21);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
}

static void target_u32(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u32(r, ACLMEM_GENL_A_POOL_TARGET, 8);
}

static void node_u64(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	req_u64(r, ACLMEM_GENL_A_POOL_NODE, 0);
}

static void unknown_attr(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	req_u32(r, ACLMEM_GENL_A_MAX + 7, 1);
}

static void output_attr(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	req_u64(r, ACLMEM_GENL_A_POOL_TOTAL, 1000);
}

static void no_page_size(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
}

static void no_target(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
}

static void bad_page_size(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, 4096);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
}

static void node_9999(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	req_u32(r, ACLMEM_GENL_A_POOL_NODE, 9999);
}

static void node_any(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	req_u32(r, ACLMEM_GENL_A_POOL_NODE, ACLMEM_NODE_ANY);
}

static void huge_target(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, ~0ULL);
}

/* An attribute whose length runs past the end of the message. */
static void overlong_attr(struct nlreq *r)
{
	struct nlattr *a;

	req_u64(r, ACLMEM_GENL_A_POOL_PAGE_SIZE, SZ_2M);
	req_u64(r, ACLMEM_GENL_A_POOL_TARGET, 8);
	a = (struct nlattr *)((char *)r + r->nlh.nlmsg_len - NLA_HDRLEN - 8);
	a->nla_len = 200;
}

/* Only a netlink header: no room for the genetlink one. */
static void truncated(struct nlreq *r)
{
	r->nlh.nlmsg_len = NLMSG_HDRLEN + 2;
}

static void pid_u64(struct nlreq *r)
{
	req_u64(r, ACLMEM_GENL_A_HANDLE_PID, 1);
}

static void pid_u8(struct nlreq *r)
{
	req_u8(r, ACLMEM_GENL_A_HANDLE_PID, 1);
}

static void dump_unknown_attr(struct nlreq *r)
{
	req_u32(r, ACLMEM_GENL_A_MAX + 7, 1);
}

static void nothing(struct nlreq *r)
{
	(void)r;
}

static const struct bad_req bad_reqs[] = {
	{ "POOL_SET page size as u8", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, ps_u8 },
	{ "POOL_SET target as u32", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, target_u32 },
	{ "POOL_SET node as u64", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, node_u64 },
	{ "POOL_SET unknown attribute", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, unknown_attr },
	{ "POOL_SET with an output attribute", ACLMEM_GENL_CMD_POOL_SET,
	  NLM_F_ACK, EINVAL, true, output_attr },
	{ "POOL_SET without page size", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, no_page_size },
	{ "POOL_SET without target", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, no_target },
	{ "POOL_SET page size 4096", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, bad_page_size },
	{ "POOL_SET node 9999", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, node_9999 },
	{ "POOL_SET node ANY", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, node_any },
	{ "POOL_SET target 2^64-1", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, true, huge_target },
	{ "POOL_SET attribute past the end", ACLMEM_GENL_CMD_POOL_SET,
	  NLM_F_ACK, EINVAL, true, overlong_attr },
	{ "POOL_SET truncated", ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK,
	  EINVAL, false, truncated },
	{ "POOL_SET as a dump", ACLMEM_GENL_CMD_POOL_SET, NLM_F_DUMP,
	  EOPNOTSUPP, false, no_target },
	{ "POOL_GET as a do", ACLMEM_GENL_CMD_POOL_GET, NLM_F_ACK,
	  EOPNOTSUPP, false, nothing },
	{ "POOL_GET unknown attribute", ACLMEM_GENL_CMD_POOL_GET, NLM_F_DUMP,
	  EINVAL, true, dump_unknown_attr },
	{ "HANDLE_GET pid as u64", ACLMEM_GENL_CMD_HANDLE_GET, NLM_F_DUMP,
	  EINVAL, true, pid_u64 },
	{ "HANDLE_GET pid as u8", ACLMEM_GENL_CMD_HANDLE_GET, NLM_F_DUMP,
	  EINVAL, true, pid_u8 },
	{ "HANDLE_GET unknown attribute", ACLMEM_GENL_CMD_HANDLE_GET,
	  NLM_F_DUMP, EINVAL, true, dump_unknown_attr },
	{ "EVENT sent to the kernel", ACLMEM_GENL_CMD_EVENT, NLM_F_ACK,
	  EOPNOTSUPP, false, nothing },
	{ "command 0", ACLMEM_GENL_CMD_UNSPEC, NLM_F_ACK, EOPNOTSUPP, false,
	  nothing },
	{ "command 200", 200, NLM_F_ACK, EOPNOTSUPP, false, nothing },
};

/*
 * Each malformed request: the errno, a message saying why where one is
 * due, no change to the pools, no warning in the kernel log.
 */
TEST_F(genl, malformed_requests)
{
	struct nlrows *rows = self->rows;
	struct pool_sum s0, s1;
	char first[256];
	struct nlreq r;
	size_t i;
	int kmsg, err;

	if (geteuid() != 0)
		SKIP(return, "POOL_SET needs CAP_SYS_ADMIN to get to the checks");
	kmsg = aclmem_kmsg_open();
	ASSERT_EQ(0, pool_get(self->nl, rows));
	pool_sum(rows, SZ_2M, &s0);
	for (i = 0; i < sizeof(bad_reqs) / sizeof(bad_reqs[0]); i++) {
		const struct bad_req *b = &bad_reqs[i];

		req_init(&r, self->nl->family, b->cmd, b->flags);
		b->build(&r);
		err = nl_talk(self->nl, &r, rows);
		EXPECT_EQ(-b->err, err) {
			TH_LOG("%s: wanted %s, got %s", b->what,
			       strerror(b->err), err ? strerror(-err) : "success");
		}
		if (b->ext_msg) {
			EXPECT_NE(0, self->nl->ext_msg[0]) {
				TH_LOG("%s: no extended-ACK message", b->what);
			}
		}
		TH_LOG("%s: %s; kernel says \"%s\"", b->what,
		       err ? strerror(-err) : "success", self->nl->ext_msg);
		/* the socket still works */
		ASSERT_EQ(0, pool_get(self->nl, rows)) {
			TH_LOG("after %s", b->what);
		}
	}
	pool_sum(rows, SZ_2M, &s1);
	EXPECT_EQ(s0.target, s1.target);
	EXPECT_EQ(s0.total, s1.total);
	EXPECT_EQ(0, aclmem_kmsg_scan(kmsg, first, sizeof(first))) {
		TH_LOG("kernel: %s", first);
	}
	if (kmsg >= 0)
		close(kmsg);
}

/* The message of a missing attribute names it, or points at a bad one. */
TEST_F(genl, ext_ack_points_at_attribute)
{
	struct nlreq r;
	int err;

	if (geteuid() != 0)
		SKIP(return, "POOL_SET needs CAP_SYS_ADMIN to get to the checks");
	req_init(&r, self->nl->family, ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK);
	bad_page_size(&r);
	err = nl_talk(self->nl, &r, NULL);
	EXPECT_EQ(-EINVAL, err);
	/* the page size is the first attribute, after both headers */
	EXPECT_EQ((int)NLMSG_LENGTH(GENL_HDRLEN), self->nl->ext_offs);

	req_init(&r, self->nl->family, ACLMEM_GENL_CMD_POOL_SET, NLM_F_ACK);
	ps_u8(&r);
	err = nl_talk(self->nl, &r, NULL);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_EQ((int)NLMSG_LENGTH(GENL_HDRLEN), self->nl->ext_offs);
}

/*
 * rmmod in the middle of a fill: the fill stops, the module goes, nothing
 * is left behind (the memory is back, no complaint in the kernel log), and
 * it loads again with its parameters.
 */
FIXTURE(genl_unload) {
	int unused;
};

FIXTURE_SETUP(genl_unload)
{
}

FIXTURE_TEARDOWN(genl_unload)
{
}

TEST_F_TIMEOUT(genl_unload, during_fill, 180)
{
	long long before, after;
	struct nlrows *rows = calloc(1, sizeof(*rows));
	struct nl *nl = calloc(1, sizeof(*nl));
	const struct nlrow *r;
	char params[256], first[256];
	__u64 target;
	int kmsg;

	ASSERT_TRUE(rows && nl);
	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN");
	if (access(ACLMEM_KO, R_OK))
		SKIP(return, "no %s to load again", ACLMEM_KO);
	current_params(params, sizeof(params));
	kmsg = aclmem_kmsg_open();
	before = mem_free_kb();
	ASSERT_EQ(0, nl_open(nl));
	r = pool_2m_node0(nl, rows);
	ASSERT_NE(NULL, r);
	target = r->v[ACLMEM_GENL_A_POOL_TARGET];
	ASSERT_EQ(0, pool_set(nl, SZ_2M, target + 2 * BIG_FILL, 0));
	r = pool_2m_node0(nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_GT(target + 2 * BIG_FILL, r->v[ACLMEM_GENL_A_POOL_FREE]);
	nl_close(nl);

	ASSERT_EQ(0, unload());
	ASSERT_NE(0, access(ACLMEM_DEV_PATH, F_OK));
	ASSERT_EQ(0, load(params)) {
		TH_LOG("the module did not load again (%s)", params);
	}
	after = mem_free_kb();
	/* 2 MiB pages of the fill left behind would show here */
	EXPECT_GT(after + 64 * 1024, before) {
		TH_LOG("MemFree %lld kB before, %lld kB after", before, after);
	}
	ASSERT_EQ(0, nl_open(nl));
	r = pool_2m_node0(nl, rows);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(target, r->v[ACLMEM_GENL_A_POOL_TARGET]);
	EXPECT_EQ(target, r->v[ACLMEM_GENL_A_POOL_FREE]);
	nl_close(nl);
	EXPECT_EQ(0, aclmem_kmsg_scan(kmsg, first, sizeof(first))) {
		TH_LOG("kernel log: %s", first);
	}
	if (kmsg >= 0)
		close(kmsg);
	free(nl);
	free(rows);
}

TEST_HARNESS_MAIN
