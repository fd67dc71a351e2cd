// SPDX-License-Identifier: MIT
/*
 * alloc_map: the CANN virtual-memory calls, once with 2 MiB pages and once
 * with a 1 GiB page.
 *
 *   aclrtMallocPhysical     physical memory: a handle, no address yet
 *   aclrtReserveMemAddress  a range of virtual addresses, nothing behind it
 *   aclrtMapMem             the handle's pages behind the range
 *   ... use the memory like any other ...
 *   aclrtUnmapMem, aclrtReleaseMemAddress, aclrtFreePhysical
 *
 * With aclmem each 2 MiB page is mapped by one PMD entry and the 1 GiB page
 * by one PUD entry, so the CPU needs one TLB entry per page.
 */
#include <stdint.h>

#include "example.h"

/*
 * Allocate @size bytes of memory of kind @attr (ACL_HBM_MEM_HUGE: 2 MiB
 * pages, ACL_HBM_MEM_HUGE1G: 1 GiB pages) on device 0, map it, write every
 * 4 KiB page and read it back, then give everything back.
 */
static void alloc_map(size_t size, aclrtMemAttr attr)
{
	aclrtPhysicalMemProp prop = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = attr,
		.location = { .id = 0, .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};
	aclrtDrvMemHandle handle;
	size_t granularity, i, words = 0;
	uint64_t *p;
	void *va;
	char buf[32], gbuf[32];
	double t;

	/* Sizes must be a multiple of the page size of the memory kind. */
	CHECK(aclrtMemGetAllocationGranularity(&prop,
		ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &granularity));
	printf("%s with %s pages:\n", size_str(size, buf, sizeof(buf)),
	       size_str(granularity, gbuf, sizeof(gbuf)));

	t = now();
	CHECK(aclrtMallocPhysical(&handle, size, &prop, 0));
	printf("  aclrtMallocPhysical     handle %p (%.3f s)\n", handle,
	       now() - t);

	/* Alignment 0: the library aligns the range to the page size. */
	CHECK(aclrtReserveMemAddress(&va, size, 0, NULL, 0));
	printf("  aclrtReserveMemAddress  [%p, %p)\n", va, (char *)va + size);

	t = now();
	CHECK(aclrtMapMem(va, size, 0, handle, 0));
	printf("  aclrtMapMem             mapped (%.3f s)\n", now() - t);

	/* The memory is zero when allocated; write one word per 4 KiB. */
	t = now();
	p = va;
	for (i = 0; i < size / sizeof(*p); i += 4096 / sizeof(*p))
		p[i] = 0xac1e000000000000ULL | i;
	for (i = 0; i < size / sizeof(*p); i += 4096 / sizeof(*p), words++) {
		if (p[i] != (0xac1e000000000000ULL | i)) {
			fprintf(stderr, "  word %zu reads %#lx\n", i,
				(unsigned long)p[i]);
			exit(1);
		}
	}
	printf("  write and read back     %zu pages of 4 KiB ok (%.3f s)\n",
	       words, now() - t);

	CHECK(aclrtUnmapMem(va));
	CHECK(aclrtReleaseMemAddress(va));
	CHECK(aclrtFreePhysical(handle));
	printf("  unmapped, released, freed\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines in order in a pipe */
	CHECK(aclInit(NULL));
	CHECK(aclrtSetDevice(0));	/* device 0 = NUMA node 0 */

	alloc_map(2 * MiB, ACL_HBM_MEM_HUGE);
	alloc_map(1 * GiB, ACL_HBM_MEM_HUGE1G);

	CHECK(aclrtResetDevice(0));
	CHECK(aclFinalize());
	return 0;
}
