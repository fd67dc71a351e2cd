// SPDX-License-Identifier: MIT
/*
 * aclmemctl monitor [--count N]: one line per event of the multicast group
 * "events" (ACLMEM_GENL_CMD_EVENT), until SIGINT or SIGTERM, or N events.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <netlink/socket.h>

#include "aclmemctl.h"

static const int event_cols[] = {
	ACLMEM_GENL_A_EVENT,
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
	0
};

static const int event_mandatory[] = { ACLMEM_GENL_A_EVENT, 0 };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct monitor {
	uint64_t count;		/* stop after this many; 0: never */
	uint64_t seen;
};

#define STOP_COUNT	1	/* not an errno: the count was reached */

static int print_event(struct ctl *ctl, const struct row *row, void *arg)
{
	struct monitor *m = arg;
	struct timeval tv;
	char when[32];
	struct tm tm;

	gettimeofday(&tv, NULL);
	if (ctl->json) {
		snprintf(when, sizeof(when), "\"time\":%lld.%03ld",
			 (long long)tv.tv_sec, (long)(tv.tv_usec / 1000));
		print_json_row(row, event_cols, when, stdout);
		putchar('\n');
	} else {
		localtime_r(&tv.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		printf("%s.%03ld %s: ", when, (long)(tv.tv_usec / 1000),
		       event_name(row->val[ACLMEM_GENL_A_EVENT]) ?:
		       "unknown event");
		print_text_row(row, event_cols + 1, stdout);
		putchar('\n');
	}
	fflush(stdout);
	m->seen++;
	return m->count && m->seen >= m->count ? STOP_COUNT : 0;
}

static int monitor(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { 0 };
	struct sigaction sa;
	sigset_t block, orig;
	struct pollfd pfd;
	int opt, err;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_u64(optarg, UINT64_MAX, &m.count) || !m.count) {
				ctl_msg(ctl, "monitor: --count needs a number above 0, not \"%s\"",
					optarg);
				return HANDLER_RET_USAGE;
			}
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
	err = aclnl_join_events(ctl);
	if (err)
		return err;

	/* Signals only while waiting in ppoll(): no race with the check. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);

	pfd.fd = nl_socket_get_fd(ctl->sock);
	pfd.events = POLLIN;
	while (!stop) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			ctl_error(ctl, "monitor: waiting for events", err);
			break;
		}
		err = aclnl_recv_events(ctl, event_mandatory, print_event, &m);
		if (err == -ENOBUFS) {
			ctl_msg(ctl, "monitor: events were lost (the socket buffer overflowed)");
			ctl->reported = false;
			err = 0;
			continue;
		}
		if (err)
			break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return err == STOP_COUNT ? 0 : err;
}

TOPLEVEL(monitor, "[--count N]",
	 "Print the module's events as they come, one a line, until\n"
	 "interrupted or N events: alloc-failed (an allocation was refused),\n"
	 "pool-grown, pool-shrunk, pool-low (free pages below a quarter of\n"
	 "the target), each with the counters of the pool.\n",
	 monitor);
