// SPDX-License-Identifier: MIT
/*
 * Per-node pool counters and POOL_SET over generic netlink, without libnl
 * (see node_pools.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "node_pools.h"

#define NP_BUF	32768

struct np_req {
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	char attrs[128];
};

static void np_put(struct np_req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)r +
					     NLMSG_ALIGN(r->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void np_init(struct np_req *r, __u16 type, __u8 cmd, __u8 version,
		    __u16 flags)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->nlh.nlmsg_seq = 1;
	r->g.cmd = cmd;
	r->g.version = version;
}

/* The value of an unsigned attribute of 1 to 8 bytes. */
static __u64 np_uint(const struct nlattr *a)
{
	__u64 v = 0;
	__u32 v32;

	if (a->nla_len == NLA_HDRLEN + 8) {
		memcpy(&v, (const char *)a + NLA_HDRLEN, 8);
	} else if (a->nla_len == NLA_HDRLEN + 4) {
		memcpy(&v32, (const char *)a + NLA_HDRLEN, 4);
		v = v32;
	}
	return v;
}

/*
 * Call @row for each attribute of each data message of the answer to @r,
 * up to its ACK, error or end of dump. Returns 0 or the -errno.
 */
static int np_talk(int fd, struct np_req *r, char *buf,
		   void (*attr)(const struct nlattr *a, void *arg),
		   void (*end)(void *arg), void *arg)
{
	const struct nlmsghdr *nlh;
	const struct nlattr *a;
	int len, alen, err;
	ssize_t n;

	if (send(fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len)
		return -errno;
	for (;;) {
		n = recv(fd, buf, NP_BUF, 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (const void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				return err;
			}
			a = (const void *)((const char *)NLMSG_DATA(nlh) +
					   GENL_HDRLEN);
			alen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= alen) {
				attr(a, arg);
				alen -= NLA_ALIGN(a->nla_len);
				a = (const void *)((const char *)a +
						   NLA_ALIGN(a->nla_len));
			}
			if (end)
				end(arg);
		}
	}
}

static void np_family_attr(const struct nlattr *a, void *arg)
{
	if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
		*(__u16 *)arg = *(const __u16 *)((const char *)a + NLA_HDRLEN);
}

/* A bound socket with the family's id in @family; fd or -errno. */
static int np_open(char *buf, __u16 *family)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	struct np_req r;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		close(fd);
		return err;
	}
	*family = 0;
	np_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, NLM_F_ACK);
	np_put(&r, CTRL_ATTR_FAMILY_NAME, ACLMEM_GENL_NAME,
	       sizeof(ACLMEM_GENL_NAME));
	err = np_talk(fd, &r, buf, np_family_attr, NULL, family);
	if (!err && !*family)
		err = -ENOENT;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

struct np_dump {
	__u64 page_size;
	struct aclmem_pool_stats *st;
	int max;
	int seen;
	struct aclmem_pool_stats row;
	__u32 node;
};

static void np_pool_attr(const struct nlattr *a, void *arg)
{
	struct np_dump *d = arg;
	__u64 v = np_uint(a);

	switch (a->nla_type & NLA_TYPE_MASK) {
	case ACLMEM_GENL_A_POOL_PAGE_SIZE: d->row.page_size = v; break;
	case ACLMEM_GENL_A_POOL_NODE: d->node = v; break;
	case ACLMEM_GENL_A_POOL_TOTAL: d->row.total = v; break;
	case ACLMEM_GENL_A_POOL_FREE: d->row.free = v; break;
	case ACLMEM_GENL_A_POOL_IN_USE: d->row.in_use = v; break;
	case ACLMEM_GENL_A_POOL_TARGET: d->row.target = v; break;
	case ACLMEM_GENL_A_POOL_GROWN: d->row.grown = v; break;
	case ACLMEM_GENL_A_POOL_SHRUNK: d->row.shrunk = v; break;
	case ACLMEM_GENL_A_POOL_FAILED: d->row.failed = v; break;
	case ACLMEM_GENL_A_POOL_ZEROED: d->row.zeroed = v; break;
	case ACLMEM_GENL_A_POOL_DIRTY: d->row.dirty = v; break;
	}
}

/* One message done: keep its row if it is of our page size. */
static void np_pool_end(void *arg)
{
	struct np_dump *d = arg;

	if (d->row.page_size == d->page_size) {
		d->seen++;
		if (d->node < (__u32)d->max)
			d->st[d->node] = d->row;
	}
	memset(&d->row, 0, sizeof(d->row));
}

int aclmem_node_pools(__u64 page_size, struct aclmem_pool_stats *st, int max)
{
	struct np_dump d = { .page_size = page_size, .st = st, .max = max };
	char buf[NP_BUF];
	struct np_req r;
	__u16 family;
	int fd, err;

	memset(st, 0, max * sizeof(*st));
	fd = np_open(buf, &family);
	if (fd < 0)
		return fd;
	np_init(&r, family, ACLMEM_GENL_CMD_POOL_GET, ACLMEM_GENL_VERSION,
		NLM_F_DUMP);
	err = np_talk(fd, &r, buf, np_pool_attr, np_pool_end, &d);
	close(fd);
	return err ? err : d.seen;
}

static void np_ignore(const struct nlattr *a, void *arg)
{
	(void)a;
	(void)arg;
}

int aclmem_node_pool_set(__u64 page_size, __u32 node, __u64 target)
{
	char buf[NP_BUF];
	struct np_req r;
	__u16 family;
	int fd, err;

	fd = np_open(buf, &family);
	if (fd < 0)
		return fd;
	np_init(&r, family, ACLMEM_GENL_CMD_POOL_SET, ACLMEM_GENL_VERSION,
		NLM_F_ACK);
	np_put(&r, ACLMEM_GENL_A_POOL_PAGE_SIZE, &page_size, sizeof(page_size));
	np_put(&r, ACLMEM_GENL_A_POOL_TARGET, &target, sizeof(target));
	np_put(&r, ACLMEM_GENL_A_POOL_NODE, &node, sizeof(node));
	err = np_talk(fd, &r, buf, np_ignore, NULL, NULL);
	close(fd);
	return err;
}

int aclmem_node_pool_wait_free(__u64 page_size, __u32 node, __u64 free,
			       int secs)
{
	struct aclmem_pool_stats st[ACLMEM_TEST_MAX_NODES];
	const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
	int i, n;

	if (node >= ACLMEM_TEST_MAX_NODES)
		return -EINVAL;
	for (i = 0; i <= secs * 50; i++) {
		n = aclmem_node_pools(page_size, st, ACLMEM_TEST_MAX_NODES);
		if (n < 0)
			return n;
		if (st[node].free >= free)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -ETIMEDOUT;
}
