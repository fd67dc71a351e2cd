// SPDX-License-Identifier: MIT
/*
 * share_import: the importing side of share_export (which starts it).
 *
 * Usage: share_import TOKEN SIZE RFD WFD
 *   TOKEN  the exporter's token (aclrtMemExportToShareableHandle)
 *   SIZE   bytes behind it
 *   RFD    pipe from the exporter: "go" once this process may import
 *   WFD    pipe to the exporter: this process's pid, as an int32_t
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "example.h"

int main(int argc, char **argv)
{
	aclrtDrvMemHandle handle;
	uint64_t token;
	int32_t tgid;
	unsigned char *p;
	size_t size, i;
	int rfd, wfd;
	aclError err;
	char go[2];
	void *va;

	if (argc != 5) {
		fprintf(stderr, "usage: %s TOKEN SIZE RFD WFD\n", argv[0]);
		return 2;
	}
	token = strtoull(argv[1], NULL, 0);
	size = strtoul(argv[2], NULL, 0);
	rfd = atoi(argv[3]);
	wfd = atoi(argv[4]);

	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines in order in a pipe */
	CHECK(aclInit(NULL));
	CHECK(aclrtSetDevice(0));

	/* The pid the kernel knows us by (the same inside a container). */
	CHECK(aclrtDeviceGetBareTgid(&tgid));

	/*
	 * Not admitted yet: the kernel refuses the import. CANN reports its
	 * refusals as ACL_ERROR_RT_DRV_INTERNAL_ERROR (507899).
	 */
	err = aclrtMemImportFromShareableHandle(token, 0, &handle);
	printf("importer: pid %d, import before being admitted: %d (%s)\n",
	       tgid, (int)err, err == ACL_ERROR_RT_DRV_INTERNAL_ERROR ?
	       "refused, as it should be" : "UNEXPECTED");
	if (err != ACL_ERROR_RT_DRV_INTERNAL_ERROR)
		return 1;

	/* Tell the exporter our pid and wait until it has admitted us. */
	if (write(wfd, &tgid, sizeof(tgid)) != sizeof(tgid) ||
	    read(rfd, go, sizeof(go)) != sizeof(go)) {
		perror("importer: pipe");
		return 1;
	}

	/* Now the import works: a handle of our own for the same pages. */
	CHECK(aclrtMemImportFromShareableHandle(token, 0, &handle));
	CHECK(aclrtReserveMemAddress(&va, size, 0, NULL, 0));
	CHECK(aclrtMapMem(va, size, 0, handle, 0));
	p = va;
	printf("importer: imported and mapped at %p, it says \"%.63s\"\n", va,
	       (char *)p);
	for (i = 64; i < size; i++) {
		if (p[i] != (unsigned char)(i * 7)) {
			fprintf(stderr, "importer: byte %zu is %u\n", i, p[i]);
			return 1;
		}
	}
	printf("importer: all %zu bytes of the pattern match\n", size - 64);

	CHECK(aclrtUnmapMem(va));
	CHECK(aclrtReleaseMemAddress(va));
	CHECK(aclrtFreePhysical(handle));
	CHECK(aclrtResetDevice(0));
	CHECK(aclFinalize());
	return 0;
}
