// SPDX-License-Identifier: MIT
/*
 * aclmemctl pool set 2m=N 1g=N [--node N]: the pages each pool keeps free
 * (ACLMEM_GENL_CMD_POOL_SET, one request per page size), then the pools
 * as they are now.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	if (err == -EPERM) {
		ctl_msg(ctl, "pool set needs CAP_SYS_ADMIN");
	} else if (err == -ENOMEM) {
		ctl_msg(ctl, "%s: the kernel gave fewer pages than the target (which stays set; the pool keeps freed pages up to it)",
			what);
		ctl_error(ctl, what, err);
	} else {
		ctl_error(ctl, what, err);
	}
	return err;
}

static int pool_set(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t[] = {
		{ .key = "2m", .page_size = ACLMEM_PAGE_SIZE_2M },
		{ .key = "1g", .page_size = ACLMEM_PAGE_SIZE_1G },
	};
	const size_t nr = sizeof(t) / sizeof(t[0]);
	bool has_node = false, any = false;
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
	for (j = 0; j < nr; j++) {
		if (!t[j].set)
			continue;
		err = set_one(ctl, &t[j]);
		if (err == -EPERM)
			return err;
		if (err && !first_err)
			first_err = err;
	}
	err = show(ctl, t, nr);
	return first_err ? first_err : err;
}

COMMAND(pool, set, "2m=PAGES 1g=PAGES [--node N]",
	"Keep PAGES free pages of 2 MiB (2m) or 1 GiB (1g) in the pool of\n"
	"node N, or of every node: the pool grows or shrinks to it at once,\n"
	"as far as the kernel gives pages, and keeps pages freed later up to\n"
	"it. Give one size or both. Needs CAP_SYS_ADMIN. Prints the pools\n"
	"afterwards.\n",
	pool_set);
