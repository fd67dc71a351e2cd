// SPDX-License-Identifier: MIT
/*
 * The device file: opened once per process, on first use, close-on-exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#define ACLMEM_DEV_PATH "/dev/aclmem"

static pthread_once_t aclmem_once = PTHREAD_ONCE_INIT;
static int aclmem_dev_fd = -1;
static int aclmem_dev_errno;

static void aclmem_open(void)
{
	aclmem_dev_fd = open(ACLMEM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (aclmem_dev_fd < 0)	/* no module: not a missing handle */
		aclmem_dev_errno = errno == ENOENT ? ENODEV : errno;
}

/* The fd of /dev/aclmem, or -errno when it cannot be opened. */
int aclmem_fd(void)
{
	pthread_once(&aclmem_once, aclmem_open);
	return aclmem_dev_fd >= 0 ? aclmem_dev_fd : -aclmem_dev_errno;
}

/* One ioctl on the device: 0 or -errno, never the errno global. */
int aclmem_ioctl(unsigned long cmd, void *arg)
{
	int fd = aclmem_fd();

	if (fd < 0)
		return fd;
	while (ioctl(fd, cmd, arg) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}
