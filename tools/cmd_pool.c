// SPDX-License-Identifier: MIT
/*
 * aclmemctl pool set 2m=N 1g=N [--node N] [--no-wait]: the pages each
 * pool keeps free (ACLMEM_GENL_CMD_POOL_SET, one request per page size),
 * then, once every pool it set has said how its fill ended (the events
 * POOL_FILLED and POOL_FILL_FAILED), the pools as they are now.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netlink/socket.h>

#include "aclmemctl.h"

struct target {
	const char *key;	/* "2m" */
	uint64_t page_size;
	bool set;
	uint64_t pages;
	bool has_node;
	uint32_t node;
};

static int put_target(struct nl_msg *msg, void *arg)
{
	struct target *t = arg;

	if (nla_put_u64(msg, ACLMEM_GENL_A_POOL_PAGE_SIZE, t->page_size) ||
	    nla_put_u64(msg, ACLMEM_GENL_A_POOL_TARGET, t->pages) ||
	    (t->has_node && nla_put_u32(msg, ACLMEM_GENL_A_POOL_NODE, t->node)))
		return -ENOBUFS;
	return 0;
}

/* The pools whose target was set, after the change. */
static int show(struct ctl *ctl, const struct target *t, size_t nr)
{
	struct rows rows = { 0 }, shown = { 0 };
	const struct row *r;
	size_t i, j;
	int err;

	err = pool_dump(ctl, &rows);
	for (i = 0; !err && i < rows.nr; i++) {
		r = &rows.row[i];
		for (j = 0; j < nr; j++) {
			if (!t[j].set ||
			    r->val[ACLMEM_GENL_A_POOL_PAGE_SIZE] != t[j].page_size ||
			    (t[j].has_node &&
			     r->val[ACLMEM_GENL_A_POOL_NODE] != t[j].node))
				continue;
			err = rows_add(&shown, r);
			break;
		}
	}
	if (!err)
		print_rows(ctl, &shown, pool_cols);
	rows_free(&shown);
	rows_free(&rows);
	return err;
}

/* A pool (page size and node) whose fill is waited for. */
struct pending {
	const struct target *t;
	uint32_t node;
	bool done;
	int err;	/* 0, -ENOMEM (the kernel ran out), -EBUSY (superseded) */
};

struct fill_wait {
	struct ctl *req;	/* the socket for requests (not the events') */
	struct pending *p;
	size_t nr, left;
};

static const int event_mandatory[] = {
	ACLMEM_GENL_A_EVENT,
	ACLMEM_GENL_A_POOL_PAGE_SIZE,
	ACLMEM_GENL_A_POOL_NODE,
	ACLMEM_GENL_A_POOL_TARGET,
	0
};

#define FILLS_DONE	1	/* not an errno: every fill ended */

/* The target the pool of @page_size on @node has now, or -1. */
static int64_t pool_target_now(struct ctl *ctl, uint64_t page_size,
			       uint32_t node)
{
	struct rows rows = { 0 };
	int64_t target = -1;
	size_t i;

	if (!pool_dump(ctl, &rows))
		for (i = 0; i < rows.nr; i++)
			if (rows.row[i].val[ACLMEM_GENL_A_POOL_PAGE_SIZE] == page_size &&
			    rows.row[i].val[ACLMEM_GENL_A_POOL_NODE] == node)
				target = rows.row[i].val[ACLMEM_GENL_A_POOL_TARGET];
	rows_free(&rows);
	return target;
}

/*
 * An event: the end of a fill we wait for, or of another one. An end
 * with another target is either a fill that finished before our request
 * (stale: the pool has our target) or one that superseded ours.
 */
static int on_event(struct ctl *evctl, const struct row *row, void *arg)
{
	struct fill_wait *w = arg;
	uint64_t ev = row->val[ACLMEM_GENL_A_EVENT];
	struct pending *p;
	int64_t now;
	size_t i;

	(void)evctl;
	if (ev != ACLMEM_GENL_EVENT_POOL_FILLED &&
	    ev != ACLMEM_GENL_EVENT_POOL_FILL_FAILED)
		return 0;
	for (i = 0; i < w->nr; i++) {
		p = &w->p[i];
		if (p->done ||
		    row->val[ACLMEM_GENL_A_POOL_PAGE_SIZE] != p->t->page_size ||
		    row->val[ACLMEM_GENL_A_POOL_NODE] != p->node)
			continue;
		if (row->val[ACLMEM_GENL_A_POOL_TARGET] == p->t->pages) {
			p->err = ev == ACLMEM_GENL_EVENT_POOL_FILLED ? 0 : -ENOMEM;
		} else {
			now = pool_target_now(w->req, p->t->page_size, p->node);
			if (now < 0 || (uint64_t)now == p->t->pages)
				return 0;
			p->err = -EBUSY;
		}
		p->done = true;
		return --w->left ? 0 : FILLS_DONE;
	}
	return 0;
}

/* Every pool @t sets: one per online node, or the one of --node. */
static int add_pending(struct ctl *ctl, const struct target *t,
		       struct fill_wait *w)
{
	struct rows rows = { 0 };
	const struct row *r;
	struct pending *grown;
	size_t i;
	int err;

	err = pool_dump(ctl, &rows);
	for (i = 0; !err && i < rows.nr; i++) {
		r = &rows.row[i];
		if (r->val[ACLMEM_GENL_A_POOL_PAGE_SIZE] != t->page_size ||
		    (t->has_node && r->val[ACLMEM_GENL_A_POOL_NODE] != t->node))
			continue;
		grown = realloc(w->p, (w->nr + 1) * sizeof(*w->p));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		w->p = grown;
		w->p[w->nr++] = (struct pending){
			.t = t, .node = r->val[ACLMEM_GENL_A_POOL_NODE],
		};
		w->left++;
	}
	rows_free(&rows);
	return err;
}

/*
 * The pools at their target already are done: the fill was short, or the
 * module is one whose POOL_SET fills before it answers (no end event).
 */
static int mark_reached(struct ctl *ctl, struct fill_wait *w)
{
	struct rows rows = { 0 };
	const struct row *r;
	struct pending *p;
	size_t i, j;
	int err;

	err = pool_dump(ctl, &rows);
	for (i = 0; !err && i < rows.nr; i++) {
		r = &rows.row[i];
		for (j = 0; j < w->nr; j++) {
			p = &w->p[j];
			if (!p->done &&
			    r->val[ACLMEM_GENL_A_POOL_PAGE_SIZE] == p->t->page_size &&
			    r->val[ACLMEM_GENL_A_POOL_NODE] == p->node &&
			    r->val[ACLMEM_GENL_A_POOL_TARGET] == p->t->pages &&
			    r->val[ACLMEM_GENL_A_POOL_FREE] >= p->t->pages) {
				p->done = true;
				w->left--;
			}
		}
	}
	rows_free(&rows);
	return err;
}

/* Wait on @ev (joined to "events") until every fill of @w ended. */
static int wait_fills(struct ctl *ctl, struct ctl *ev, struct fill_wait *w)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(ev->sock), .events = POLLIN };
	int err = 0;

	while (w->left) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			ctl_error(ctl, "pool set: waiting for the fill", err);
			return err;
		}
		err = aclnl_recv_events(ev, event_mandatory, on_event, w);
		if (err == FILLS_DONE)
			return 0;
		if (err == -ENOBUFS) {
			ctl_msg(ctl, "pool set: events were lost; the pools below are as they are now, the fill may go on");
			ctl->reported = false;
			return 0;
		}
		if (err) {
			ctl->status = ev->status;
			ctl->reported = ev->reported;
			return err;
		}
	}
	return 0;
}

/* How the fills ended, as the request's errors were told: first error. */
static int report_fills(struct ctl *ctl, const struct fill_wait *w)
{
	const struct pending *p;
	char what[64];
	int first = 0;
	size_t i;

	for (i = 0; i < w->nr; i++) {
		p = &w->p[i];
		if (!p->done || !p->err)
			continue;
		snprintf(what, sizeof(what), "pool set %s=%llu", p->t->key,
			 (unsigned long long)p->t->pages);
		if (p->err == -ENOMEM)
			ctl_msg(ctl, "%s: node %u: the kernel gave fewer pages than the target (which stays set; the pool keeps freed pages up to it)",
				what, p->node);
		else
			ctl_msg(ctl, "%s: node %u: superseded by another pool set before it was reached",
				what, p->node);
		if (!first)
			first = p->err;
	}
	if (first)
		ctl_error(ctl, "pool set", first);
	return first;
}

static int set_one(struct ctl *ctl, struct target *t)
{
	char what[64];
	int err;

	err = aclnl_request(ctl, ACLMEM_GENL_CMD_POOL_SET, 0, put_target, t,
			    NULL, NULL, NULL);
	if (!err)
		return 0;
	snprintf(what, sizeof(what), "pool set %s=%llu", t->key,
		 (unsigned long long)t->pages);
	if (err == -EPERM)
		ctl_msg(ctl, "pool set needs CAP_SYS_ADMIN");
	else
		ctl_error(ctl, what, err);
	return err;
}

static int pool_set(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "no-wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t[] = {
		{ .key = "2m", .page_size = ACLMEM_PAGE_SIZE_2M },
		{ .key = "1g", .page_size = ACLMEM_PAGE_SIZE_1G },
	};
	const size_t nr = sizeof(t) / sizeof(t[0]);
	bool has_node = false, any = false, wait = true;
	struct fill_wait w = { .req = ctl };
	struct ctl ev = *ctl;
	uint32_t node = 0;
	char *eq;
	uint64_t v;
	size_t j;
	int opt, i, err = 0, first_err = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_u64(optarg, UINT32_MAX - 1, &v)) {
				ctl_msg(ctl, "pool set: --node needs a node number, not \"%s\"",
					optarg);
				return HANDLER_RET_USAGE;
			}
			node = v;
			has_node = true;
			break;
		case 'w':
			wait = false;
			break;
		default:
			ctl_msg(ctl, "%s: bad option \"%s\"", ctl->cmdname,
				argv[optind - 1]);
			return HANDLER_RET_USAGE;
		}
	}
	for (i = optind; i < argc; i++) {
		eq = strchr(argv[i], '=');
		for (j = 0; eq && j < nr; j++)
			if (!strncasecmp(argv[i], t[j].key, eq - argv[i]) &&
			    (size_t)(eq - argv[i]) == strlen(t[j].key))
				break;
		if (!eq || j == nr || t[j].set ||
		    parse_u64(eq + 1, UINT64_MAX, &t[j].pages)) {
			ctl_msg(ctl, "pool set: \"%s\" is not 2m=PAGES or 1g=PAGES (each once)",
				argv[i]);
			return HANDLER_RET_USAGE;
		}
		t[j].set = true;
		any = true;
	}
	if (!any)
		return HANDLER_RET_USAGE;
	for (j = 0; j < nr; j++) {
		t[j].has_node = has_node;
		t[j].node = node;
	}

	err = aclnl_open(ctl);
	if (err)
		return err;
	/* Listen before asking: the end of a short fill comes quickly. */
	ev.sock = NULL;
	if (wait) {
		err = aclnl_open(&ev);
		if (!err)
			err = aclnl_join_events(&ev);
		if (err) {
			ctl->reported = ev.reported;
			goto out;
		}
	}
	for (j = 0; j < nr; j++) {
		if (!t[j].set)
			continue;
		err = set_one(ctl, &t[j]);
		if (err == -EPERM)
			goto out;
		if (err && !first_err)
			first_err = err;
		if (!err && wait)
			err = add_pending(ctl, &t[j], &w);
		if (err && !first_err)
			first_err = err;
	}
	if (wait && w.left)
		err = mark_reached(ctl, &w);
	if (!err && wait && w.left) {
		err = wait_fills(ctl, &ev, &w);
		if (err)
			goto out;
	}
	err = report_fills(ctl, &w);
	if (err && !first_err)
		first_err = err;
	err = show(ctl, t, nr);
	err = first_err ? first_err : err;
out:
	aclnl_close(&ev);
	free(w.p);
	return err;
}

COMMAND(pool, set, "2m=PAGES 1g=PAGES [--node N] [--no-wait]",
	"Keep PAGES free pages of 2 MiB (2m) or 1 GiB (1g) in the pool of\n"
	"node N, or of every node: the pool shrinks to it at once, or grows\n"
	"to it as far as the kernel gives pages, and keeps pages freed later\n"
	"up to it. Give one size or both. Needs CAP_SYS_ADMIN. Waits until\n"
	"every pool it set reached the target or the kernel ran out (the\n"
	"kernel grows the pool in the background and says when it is done),\n"
	"then prints the pools; --no-wait prints them at once, while they\n"
	"grow. Ctrl-C stops the waiting, not the growing.\n",
	pool_set);
