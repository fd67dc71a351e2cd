// SPDX-License-Identifier: MIT
/*
 * aclmemctl: the aclmem module's pools, handles and events over its
 * generic netlink family "aclmem". main() reads the global options, finds
 * the command in the table the cmd_*.c files fill (COMMAND/TOPLEVEL) and
 * turns the handler's result into one message and an exit status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aclmemctl.h"

#ifndef ACLMEMCTL_VERSION
#define ACLMEMCTL_VERSION "unknown"
#endif

extern const struct cmd *const __start_aclmemctl_cmds[];
extern const struct cmd *const __stop_aclmemctl_cmds[];

#define for_each_cmd(c, p)						\
	for ((p) = __start_aclmemctl_cmds;				\
	     (p) < __stop_aclmemctl_cmds && ((c) = *(p), 1); (p)++)

static void cmd_synopsis(const struct cmd *c, FILE *f)
{
	fprintf(f, "  %s%s%s%s%s\n", c->section ? c->section : "",
		c->section ? " " : "", c->name, *c->args ? " " : "", c->args);
}

static void cmd_usage(const struct cmd *c, FILE *f)
{
	const char *line, *end;

	fprintf(f, "Usage: aclmemctl [--json] %s%s%s%s%s\n\n",
		c->section ? c->section : "", c->section ? " " : "", c->name,
		*c->args ? " " : "", c->args);
	for (line = c->help; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line) - 1;
		fprintf(f, "  %.*s\n", (int)(end - line), line);
	}
}

static void usage(FILE *f, const char *section)
{
	const struct cmd *const *p;
	const struct cmd *c;

	fputs("Usage: aclmemctl [OPTIONS] COMMAND [ARGS]\n\n"
	      "Commands:\n", f);
	for_each_cmd(c, p)
		if (!section || (c->section && !strcmp(c->section, section)))
			cmd_synopsis(c, f);
	if (!section)
		fputs("  help [COMMAND]\n", f);
	fputs("\nOptions:\n"
	      "  -j, --json      JSON for scripts: an array of objects, one a\n"
	      "                  line (monitor: one object a line)\n"
	      "  -d, --debug     print every netlink message (libnl)\n"
	      "  -h, --help      this text; \"aclmemctl help COMMAND\" for one\n"
	      "  -V, --version   the version\n"
	      "\nThe tables are for people and may change: scripts should use\n"
	      "--json. See aclmemctl(8).\n", f);
}

/* The command @argv names; *@used: how many words its name took. */
static const struct cmd *find_cmd(int argc, char **argv, int *used)
{
	const struct cmd *const *p;
	const struct cmd *c;

	for_each_cmd(c, p) {
		if (!c->section && !strcmp(c->name, argv[0])) {
			*used = 1;
			return c;
		}
		if (c->section && argc > 1 && !strcmp(c->section, argv[0]) &&
		    !strcmp(c->name, argv[1])) {
			*used = 2;
			return c;
		}
	}
	return NULL;
}

static bool is_section(const char *word)
{
	const struct cmd *const *p;
	const struct cmd *c;

	for_each_cmd(c, p)
		if (c->section && !strcmp(c->section, word))
			return true;
	return false;
}

/* "help", "help COMMAND...": needs no module. */
static int help(int argc, char **argv)
{
	const struct cmd *c;
	int used;

	if (argc < 2) {
		usage(stdout, NULL);
		return EXIT_OK;
	}
	c = find_cmd(argc - 1, argv + 1, &used);
	if (c) {
		cmd_usage(c, stdout);
		return EXIT_OK;
	}
	if (is_section(argv[1])) {
		usage(stdout, argv[1]);
		return EXIT_OK;
	}
	fprintf(stderr, "aclmemctl: no command \"%s\"\n", argv[1]);
	usage(stderr, NULL);
	return EXIT_USAGE;
}

/*
 * Take the global options out of argv, wherever they are (up to "--"),
 * so that "aclmemctl stats --json" works as "aclmemctl --json stats".
 * Returns the new argc, or -1 with *status set to exit at once.
 */
static int global_options(struct ctl *ctl, int argc, char **argv,
			  int *status)
{
	bool help_asked = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < argc)
				argv[++n] = argv[i];
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json"))
			ctl->json = true;
		else if (!strcmp(a, "-d") || !strcmp(a, "--debug"))
			ctl->debug = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			help_asked = true;
		else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("aclmemctl %s\n", ACLMEMCTL_VERSION);
			*status = EXIT_OK;
			return -1;
		} else
			argv[++n] = argv[i];
	}
	argv[n + 1] = NULL;
	if (help_asked) {
		/* "aclmemctl pool set --help" is "aclmemctl help pool set" */
		argv[0] = "help";
		*status = help(n + 1, argv);
		return -1;
	}
	return n + 1;
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .family = -1 };
	const struct cmd *c;
	char name[64];
	int status, used, ret;

	argc = global_options(&ctl, argc, argv, &status);
	if (argc < 0)
		return status;
	if (argc < 2) {
		usage(stderr, NULL);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	if (!strcmp(argv[0], "help"))
		return help(argc, argv);

	c = find_cmd(argc, argv, &used);
	if (!c) {
		if (is_section(argv[0])) {
			if (argc > 1)
				fprintf(stderr, "aclmemctl: no command \"%s %s\"\n",
					argv[0], argv[1]);
			usage(stderr, argv[0]);
		} else {
			fprintf(stderr, "aclmemctl: no command \"%s\"\n", argv[0]);
			usage(stderr, NULL);
		}
		return EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "%s%s%s", c->section ? c->section : "",
		 c->section ? " " : "", c->name);
	ctl.cmdname = name;

	/* the handler sees its own name as argv[0], as getopt wants */
	ret = c->handler(&ctl, argc - used + 1, argv + used - 1);
	aclnl_close(&ctl);
	if (ret == HANDLER_RET_USAGE) {
		cmd_usage(c, stderr);
		return EXIT_USAGE;
	}
	if (ret > 0)	/* a handler bug: not a documented result */
		ret = -EPROTO;
	if (!ret)
		return EXIT_OK;
	if (!ctl.reported)
		ctl_error(&ctl, name, ret);
	if (ctl.status)
		return ctl.status;
	return ret == -EPERM ? EXIT_PERM : EXIT_FAILED;
}
