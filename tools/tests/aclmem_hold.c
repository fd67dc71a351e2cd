// SPDX-License-Identifier: MIT
/*
 * aclmem_hold: a helper of aclmemctl_test.sh, which cannot make ioctls
 * from the shell. Allocates one handle on /dev/aclmem, maps it, prints
 *   pid=TGID handle=H size=BYTES page_size=BYTES
 * and holds it until killed; with -n it exits after the allocation.
 *
 *   aclmem_hold [-n] SIZE PAGE_SIZE     sizes in bytes or with K, M, G
 *
 * Exit status: 0, 1 when the allocation failed (the errno is printed),
 * 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/aclmem.h>

static unsigned long long parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	return *end ? 0 : v;
}

int main(int argc, char **argv)
{
	struct aclmem_alloc alloc = { .node = ACLMEM_NODE_ANY };
	struct aclmem_info info = { 0 };
	int hold = 1, fd;
	void *p;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		hold = 0;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: aclmem_hold [-n] SIZE PAGE_SIZE\n");
		return 2;
	}
	alloc.size = parse_size(argv[1]);
	alloc.page_size = parse_size(argv[2]);
	if (!alloc.size || !alloc.page_size) {
		fprintf(stderr, "aclmem_hold: bad size\n");
		return 2;
	}
	fd = open("/dev/aclmem", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, ACLMEM_IOC_INFO, &info)) {
		perror("aclmem_hold: /dev/aclmem");
		return 1;
	}
	if (ioctl(fd, ACLMEM_IOC_ALLOC, &alloc)) {
		fprintf(stderr, "aclmem_hold: alloc: %s\n", strerror(errno));
		return 1;
	}
	if (!hold)
		return 0;
	p = mmap(NULL, alloc.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 alloc.out_offset);
	if (p == MAP_FAILED) {
		fprintf(stderr, "aclmem_hold: mmap: %s\n", strerror(errno));
		return 1;
	}
	printf("pid=%u handle=%u size=%llu page_size=%llu\n", info.out_tgid,
	       alloc.out_handle, (unsigned long long)alloc.size,
	       (unsigned long long)alloc.page_size);
	fflush(stdout);
	for (;;)
		pause();
}
