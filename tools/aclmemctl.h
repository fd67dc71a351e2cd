/* SPDX-License-Identifier: MIT */
/*
 * aclmemctl: the command table, the netlink core (netlink.c) and the
 * output helpers (output.c) shared by the command files cmd_*.c.
 */
#ifndef ACLMEMCTL_H
#define ACLMEMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/aclmem.h>

/* Exit statuses (also in aclmemctl.8). */
#define EXIT_OK			0
#define EXIT_FAILED		1	/* the command failed */
#define EXIT_USAGE		2	/* bad arguments */
#define EXIT_NO_MODULE		3	/* no generic netlink family "aclmem" */
#define EXIT_PERM		4	/* the kernel said EPERM */

struct ctl {
	struct nl_sock *sock;
	int family;
	bool json;
	bool debug;
	const char *cmdname;	/* "stats", "pool set": for messages */
	bool reported;		/* the error was printed already */
	int status;		/* exit status, when not the default */
};

/*
 * A command. The handler gets the arguments after the command's name and
 * returns:
 *   0                  success;
 *   HANDLER_RET_USAGE  bad arguments: the core prints the command's usage
 *                      and exits with EXIT_USAGE;
 *   a negative errno   failure: the core prints "aclmemctl: <command>:
 *                      <strerror> (<n>)" unless the handler reported it
 *                      (ctl_error(), ctl->reported), and exits with
 *                      ctl->status or EXIT_FAILED (EXIT_PERM for -EPERM).
 * Handlers open the netlink socket themselves (aclnl_open()), so that
 * usage errors and "help" never need the module.
 */
#define HANDLER_RET_USAGE	1

struct cmd {
	const char *section;	/* "pool" for "pool set"; NULL at top level */
	const char *name;
	const char *args;	/* argument synopsis, for usage */
	const char *help;	/* one paragraph; lines end in \n */
	int (*handler)(struct ctl *ctl, int argc, char **argv);
};

/*
 * Each cmd_*.c file registers its commands: TOPLEVEL(stats, ...) for
 * "aclmemctl stats", COMMAND(pool, set, ...) for "aclmemctl pool set".
 * main() walks the pointers the linker collects in the section
 * "aclmemctl_cmds" (pointers, not the structs, so that no padding can come
 * between the entries).
 */
#define __COMMAND(_id, _section, _name, _args, _help, _handler)	\
	static const struct cmd __cmd_##_id = {				\
		.section = _section,					\
		.name = _name,						\
		.args = _args,						\
		.help = _help,						\
		.handler = _handler,					\
	};								\
	static const struct cmd *const __cmd_ptr_##_id			\
	__attribute__((used, section("aclmemctl_cmds"))) = &__cmd_##_id

#define TOPLEVEL(_name, _args, _help, _handler)				\
	__COMMAND(_name, NULL, #_name, _args, _help, _handler)

#define COMMAND(_section, _name, _args, _help, _handler)		\
	__COMMAND(_section##_##_name, #_section, #_name, _args, _help,	\
		  _handler)

/* ------------------------------------------------------------------ */
/* netlink.c                                                          */
/* ------------------------------------------------------------------ */

/*
 * The attributes this tool understands: netlink type for validating the
 * kernel's messages, and how to show them. Indexed by ACLMEM_GENL_A_*;
 * ATTR_X_* are values computed here, for output only.
 */
enum fmt {
	FMT_NONE,
	FMT_COUNT,	/* a number */
	FMT_SIZE,	/* bytes, shown as "2.0 MiB" */
	FMT_NODE,	/* a node, ACLMEM_NODE_ANY shown as "any" */
	FMT_STRING,
	FMT_FLAG,	/* present or not */
	FMT_TOKEN,	/* a 64-bit token, hex; a string in JSON */
	FMT_EVENT,	/* enum aclmem_genl_event */
};

#define ATTR_X_MEMORY	(ACLMEM_GENL_A_MAX + 1)	/* total pages in bytes */
#define ATTR_ALL_MAX	ATTR_X_MEMORY

struct attr_desc {
	int nla_type;		/* NLA_U32 ...; NLA_UNSPEC: not in replies */
	enum fmt fmt;
	const char *json;	/* JSON key */
	const char *title;	/* table column title */
	const char *label;	/* in running text (monitor) */
};

extern const struct attr_desc attr_descs[ATTR_ALL_MAX + 1];

/* One message's attributes, copied out of it. */
struct row {
	bool present[ATTR_ALL_MAX + 1];
	uint64_t val[ATTR_ALL_MAX + 1];
	char *str[ATTR_ALL_MAX + 1];
};

/* Rows of a dump, in arrival order. */
struct rows {
	struct row *row;
	size_t nr, alloc;
};

/* Fills the request before it is sent; returns 0 or a negative errno. */
typedef int (*build_fn)(struct nl_msg *msg, void *arg);
/* Takes one validated message of the reply; returns 0 or -errno. */
typedef int (*row_fn)(struct ctl *ctl, const struct row *row, void *arg);

int aclnl_open(struct ctl *ctl);
void aclnl_close(struct ctl *ctl);
int aclnl_request(struct ctl *ctl, uint8_t cmd, int flags, build_fn build,
		  void *build_arg, const int *mandatory, row_fn fn,
		  void *fn_arg);
int aclnl_dump_rows(struct ctl *ctl, uint8_t cmd, build_fn build,
		    void *build_arg, const int *mandatory, struct rows *rows);
int aclnl_join_events(struct ctl *ctl);
int aclnl_recv_events(struct ctl *ctl, const int *mandatory, row_fn fn,
		      void *arg);
int aclnl_msg_to_row(struct ctl *ctl, struct nl_msg *msg,
		     const int *mandatory, struct row *row);

/* ------------------------------------------------------------------ */
/* output.c                                                           */
/* ------------------------------------------------------------------ */

void ctl_error(struct ctl *ctl, const char *what, int err);
void ctl_msg(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rows_free(struct rows *rows);
int rows_add(struct rows *rows, const struct row *row);
void row_free(struct row *row);
const char *size_str(uint64_t bytes, char *buf, size_t len);
const char *event_name(uint64_t event);
/*
 * @cols: attribute numbers, ending in 0. A table with a title line, or
 * with ctl->json a JSON array of one object a line.
 */
void print_rows(struct ctl *ctl, const struct rows *rows, const int *cols);
/*
 * One JSON object of @cols (ATTR_X_* left out), after @extra ("\"k\":v"
 * members, or NULL), no newline.
 */
void print_json_row(const struct row *row, const int *cols,
		    const char *extra, FILE *f);
/* "label value, label value" of @cols, no newline. */
void print_text_row(const struct row *row, const int *cols, FILE *f);
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/* cmd_stats.c: the pool table, also for "pool set" and "monitor". */
extern const int pool_cols[];
extern const int pool_mandatory[];
int pool_dump(struct ctl *ctl, struct rows *rows);

#endif /* ACLMEMCTL_H */
