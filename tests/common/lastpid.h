/* SPDX-License-Identifier: MIT */
/*
 * Description: predictable pids, for tests of the whitelist's rule that a
 * process started after its pid was set is refused (a reused pid): read
 * and set the last pid handed out (/proc/sys/kernel/ns_last_pid, root
 * only), and wait until CLOCK_MONOTONIC has moved on, so that a process
 * forked next starts strictly after what came before.
 */
#ifndef TESTS_COMMON_LASTPID_H
#define TESTS_COMMON_LASTPID_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TEST_NS_LAST_PID	"/proc/sys/kernel/ns_last_pid"
#define TEST_PID_MAX		"/proc/sys/kernel/pid_max"

/* The number in a /proc/sys (or sysfs) file, or -errno. */
static inline long test_sysctl_read(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EIO;
	fclose(f);
	return v;
}

/*
 * Makes @last the last pid handed out, so that the next fork() gets
 * @last + 1 if nothing forks in between and it is free: 0 or -errno.
 */
static inline int test_set_last_pid(pid_t last)
{
	char buf[16];
	int fd, n, rc = 0;

	fd = open(TEST_NS_LAST_PID, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d", (int)last);
	if (write(fd, buf, (size_t)n) != n)
		rc = -errno;
	close(fd);
	return rc;
}

/* Returns once CLOCK_MONOTONIC reads later than when it was called. */
static inline void test_wait_clock_tick(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec == t0.tv_sec && t.tv_nsec == t0.tv_nsec);
}

#endif /* TESTS_COMMON_LASTPID_H */
