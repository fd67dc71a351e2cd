// SPDX-License-Identifier: MIT
/*
 * pool_stats: the aclmem module's page pools, from its own interface
 * (ioctl ACLMEM_IOC_INFO on /dev/aclmem, include/uapi/linux/aclmem.h)
 * rather than the CANN API, which has no call for them.
 *
 *   total    pages the pool holds, free or in use
 *   free     pages ready to be handed out at once
 *   zeroed   of those, pages already zeroed (handed out first)
 *   dirty    of those, pages waiting to be zeroed in the background
 *   in use   pages held by handles or mappings
 *   target   pages the pool keeps when they are freed (pool_2m, pool_1g)
 *   grown    pages taken from the kernel since the module was loaded
 *   shrunk   pages given back to the kernel since then
 *   failed   allocations the pool could not serve: no pages to be had,
 *            1 GiB growth refused to an unprivileged caller
 *            (grow_1g_unpriv), or the caller killed while it waited;
 *            not those refused by RLIMIT_MEMLOCK or user_limit_mb
 *
 * Usage: pool_stats [DEVICE]   (default /dev/aclmem)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/aclmem.h>

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/aclmem";
	struct aclmem_info info;
	int fd, i;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	memset(&info, 0, sizeof(info));	/* flags and reserved must be 0 */
	if (ioctl(fd, ACLMEM_IOC_INFO, &info)) {
		perror("ACLMEM_IOC_INFO");
		return 1;
	}
	close(fd);

	printf("aclmem ABI %u, pools summed over NUMA nodes (pages):\n",
	       info.out_abi_version);
	printf("  %-6s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "page",
	       "total", "free", "zeroed", "dirty", "in use", "target", "grown",
	       "shrunk", "failed");
	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		const struct aclmem_pool_stats *s = &info.out_pools[i];

		printf("  %-6s %7llu %7llu %7llu %7llu %7llu %7llu %7llu %7llu %7llu\n",
		       s->page_size == ACLMEM_PAGE_SIZE_1G ? "1 GiB" : "2 MiB",
		       (unsigned long long)s->total,
		       (unsigned long long)s->free,
		       (unsigned long long)s->zeroed,
		       (unsigned long long)s->dirty,
		       (unsigned long long)s->in_use,
		       (unsigned long long)s->target,
		       (unsigned long long)s->grown,
		       (unsigned long long)s->shrunk,
		       (unsigned long long)s->failed);
	}
	return 0;
}
