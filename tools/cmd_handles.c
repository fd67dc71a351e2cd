// SPDX-License-Identifier: MIT
/*
 * aclmemctl handles [--pid PID]: every handle of every open /dev/aclmem
 * file, or one process's (ACLMEM_GENL_CMD_HANDLE_GET).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>

#include "aclmemctl.h"

static const int handle_cols[] = {
	ACLMEM_GENL_A_HANDLE_PID,
	ACLMEM_GENL_A_HANDLE_COMM,
	ACLMEM_GENL_A_HANDLE_ID,
	ACLMEM_GENL_A_HANDLE_SIZE,
	ACLMEM_GENL_A_HANDLE_PAGE_SIZE,
	ACLMEM_GENL_A_HANDLE_NODE,
	ACLMEM_GENL_A_HANDLE_MAPPINGS,
	ACLMEM_GENL_A_HANDLE_SHARERS,
	ACLMEM_GENL_A_HANDLE_DMABUFS,
	ACLMEM_GENL_A_HANDLE_IMPORTED,
	ACLMEM_GENL_A_HANDLE_TOKEN,
	0
};

static const int handle_mandatory[] = {
	ACLMEM_GENL_A_HANDLE_PID,
	ACLMEM_GENL_A_HANDLE_ID,
	ACLMEM_GENL_A_HANDLE_SIZE,
	ACLMEM_GENL_A_HANDLE_PAGE_SIZE,
	0
};

static int put_pid(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, ACLMEM_GENL_A_HANDLE_PID,
			   *(uint32_t *)arg) ? -ENOBUFS : 0;
}

static int handles(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct rows rows = { 0 };
	bool by_pid = false;
	uint32_t pid = 0;
	uint64_t v;
	int opt, err;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_u64(optarg, INT32_MAX, &v) || !v) {
				ctl_msg(ctl, "handles: --pid needs a process id, not \"%s\"",
					optarg);
				return HANDLER_RET_USAGE;
			}
			pid = v;
			by_pid = true;
			break;
		default:
			ctl_msg(ctl, "%s: bad option \"%s\"", ctl->cmdname,
				argv[optind - 1]);
			return HANDLER_RET_USAGE;
		}
	}
	if (optind != argc)
		return HANDLER_RET_USAGE;
	err = aclnl_open(ctl);
	if (err)
		return err;
	err = aclnl_dump_rows(ctl, ACLMEM_GENL_CMD_HANDLE_GET,
			      by_pid ? put_pid : NULL, &pid,
			      handle_mandatory, &rows);
	if (!err) {
		if (!ctl->json && !rows.nr && by_pid)
			printf("no handles in process %u\n", pid);
		else if (!ctl->json && !rows.nr)
			printf("no handles\n");
		else
			print_rows(ctl, &rows, handle_cols);
	}
	rows_free(&rows);
	return err;
}

TOPLEVEL(handles, "[--pid PID]",
	 "The handles of every process that has /dev/aclmem open, or of\n"
	 "process PID: owner, handle, size, page size, the node asked for,\n"
	 "mappings, other handles and dma-bufs on the pages, whether it was\n"
	 "imported, and the token exported from it.\n",
	 handles);
