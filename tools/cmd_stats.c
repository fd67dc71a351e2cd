// SPDX-License-Identifier: MIT
/*
 * aclmemctl stats: the pools, one line per page size and node
 * (ACLMEM_GENL_CMD_POOL_GET).
 */
#include <errno.h>

#include "aclmemctl.h"

const int pool_cols[] = {
	ACLMEM_GENL_A_POOL_PAGE_SIZE,
	ACLMEM_GENL_A_POOL_NODE,
	ACLMEM_GENL_A_POOL_TOTAL,
	ACLMEM_GENL_A_POOL_FREE,
	ACLMEM_GENL_A_POOL_ZEROED,
	ACLMEM_GENL_A_POOL_DIRTY,
	ACLMEM_GENL_A_POOL_IN_USE,
	ACLMEM_GENL_A_POOL_TARGET,
	ACLMEM_GENL_A_POOL_GROWN,
	ACLMEM_GENL_A_POOL_SHRUNK,
	ACLMEM_GENL_A_POOL_FAILED,
	ACLMEM_GENL_A_POOL_POISONED,
	ATTR_X_MEMORY,
	0
};

const int pool_mandatory[] = {
	ACLMEM_GENL_A_POOL_PAGE_SIZE,
	ACLMEM_GENL_A_POOL_NODE,
	ACLMEM_GENL_A_POOL_TOTAL,
	ACLMEM_GENL_A_POOL_FREE,
	ACLMEM_GENL_A_POOL_IN_USE,
	ACLMEM_GENL_A_POOL_TARGET,
	0
};

int pool_dump(struct ctl *ctl, struct rows *rows)
{
	return aclnl_dump_rows(ctl, ACLMEM_GENL_CMD_POOL_GET, NULL, NULL,
			       pool_mandatory, rows);
}

static int stats(struct ctl *ctl, int argc, char **argv)
{
	struct rows rows = { 0 };
	int err;

	(void)argv;
	if (argc > 1)
		return HANDLER_RET_USAGE;
	err = aclnl_open(ctl);
	if (err)
		return err;
	err = pool_dump(ctl, &rows);
	if (!err)
		print_rows(ctl, &rows, pool_cols);
	rows_free(&rows);
	return err;
}

TOPLEVEL(stats, "",
	 "The pools of 2 MiB and 1 GiB pages, one line per page size and\n"
	 "node. Counters are in pages: TOTAL the pool holds (FREE + IN USE),\n"
	 "FREE ready to hand out (ZEROED ready now, DIRTY being zeroed),\n"
	 "TARGET kept free, GROWN taken from and SHRUNK given back to the\n"
	 "kernel since load; FAILED counts refused allocations; POISONED\n"
	 "pages taken out for good (hardware-poisoned memory); MEMORY is\n"
	 "TOTAL in bytes.\n",
	 stats);
