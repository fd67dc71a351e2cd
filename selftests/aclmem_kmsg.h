/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: a test's own look at the kernel log. aclmem_kmsg_open()
 * opens /dev/kmsg positioned after the last record; aclmem_kmsg_scan()
 * reads the records logged since and counts those that show a kernel
 * complaint (the patterns scripts/qemu-test.sh fails a run on, and the
 * hung-task report), so that the test that provoked one fails itself, by
 * name.
 */
#ifndef __SELFTESTS_ACLMEM_KMSG_H
#define __SELFTESTS_ACLMEM_KMSG_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const aclmem_kmsg_splats[] = {
	"WARNING:", "BUG:", "Oops", "KASAN", "general protection fault",
	"Call Trace:", "lockdep", "possible circular locking",
	"unreferenced object", "page dumped because", "Bad page",
	"Kernel panic", ": bad pgd ", ": bad p4d ", ": bad pud ",
	": bad pmd ", "detected stall", "blocked for more than",
};

/* -1 when /dev/kmsg cannot be read (then nothing is checked). */
static inline int aclmem_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Reads every record since the last call (or the open) and returns how
 * many match a splat pattern; the first one goes to @first.
 */
static inline int aclmem_kmsg_scan(int fd, char *first, size_t first_len)
{
	char rec[1024];
	int found = 0;
	size_t i;
	ssize_t n;

	if (first_len)
		first[0] = '\0';
	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (i = 0; i < sizeof(aclmem_kmsg_splats) /
				sizeof(aclmem_kmsg_splats[0]); i++) {
			if (!strstr(rec, aclmem_kmsg_splats[i]))
				continue;
			if (!found++ && first_len) {
				char *msg = strchr(rec, ';');

				const char *text = msg ? msg + 1 : rec;
				size_t len = strcspn(text, "\n");

				if (len >= first_len)
					len = first_len - 1;
				memcpy(first, text, len);
				first[len] = '\0';
			}
			break;
		}
	}
	return found;
}

#endif /* __SELFTESTS_ACLMEM_KMSG_H */
