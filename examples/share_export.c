// SPDX-License-Identifier: MIT
/*
 * share_export: one process allocates memory and shares it with another,
 * the way CANN clients share device memory between processes:
 *
 *   exporter                              importer (share_import)
 *   aclrtMallocPhysical, map, write
 *   aclrtMemExportToShareableHandle
 *     -> a 64-bit token
 *   start the importer, give it the token
 *                                         aclrtDeviceGetBareTgid -> its pid
 *                              <-- pid --
 *   aclrtMemSetPidToShareableHandle
 *     (only listed pids may import)
 *                              -- go --->
 *                                         aclrtMemImportFromShareableHandle
 *                                         map, read, verify
 *   wait for the importer, free
 *
 * The kernel module, not the library, keeps the token's list of pids: a
 * process that is not on it cannot import, whatever it does.
 *
 * Usage: share_export   (share_import must be in the same directory)
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "example.h"

#define SIZE (4 * MiB)		/* two 2 MiB pages */

/* The path of share_import: next to this program. */
static void importer_path(char *path, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", path, len - 1);
	char *slash;

	if (n < 0) {
		perror("readlink /proc/self/exe");
		exit(1);
	}
	path[n] = '\0';
	slash = strrchr(path, '/');
	snprintf(slash + 1, len - (size_t)(slash + 1 - path), "share_import");
}

/*
 * Start share_import TOKEN SIZE RFD WFD: it reads "go" from RFD and writes
 * its pid to WFD. Returns its pid; *to and *from are our pipe ends.
 */
static pid_t start_importer(uint64_t token, int *to, int *from)
{
	char path[PATH_MAX], tok[32], size[32], rfd[16], wfd[16];
	int down[2], up[2];
	pid_t pid;

	importer_path(path, sizeof(path));
	if (pipe(down) || pipe(up)) {
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		snprintf(tok, sizeof(tok), "%#llx", (unsigned long long)token);
		snprintf(size, sizeof(size), "%lu", SIZE);
		snprintf(rfd, sizeof(rfd), "%d", down[0]);
		snprintf(wfd, sizeof(wfd), "%d", up[1]);
		execl(path, "share_import", tok, size, rfd, wfd, (char *)NULL);
		perror(path);
		_exit(127);
	}
	close(down[0]);
	close(up[1]);
	*to = down[1];
	*from = up[0];
	return pid;
}

int main(void)
{
	aclrtPhysicalMemProp prop = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = ACL_HBM_MEM_HUGE,
		.location = { .id = 0, .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};
	aclrtDrvMemHandle handle;
	int32_t importer_tgid;
	uint64_t token;
	unsigned char *p;
	int to, from, status;
	pid_t child;
	size_t i;
	void *va;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines in order in a pipe */
	CHECK(aclInit(NULL));
	CHECK(aclrtSetDevice(0));

	/* Allocate and map 4 MiB, and write a message and a pattern. */
	CHECK(aclrtMallocPhysical(&handle, SIZE, &prop, 0));
	CHECK(aclrtReserveMemAddress(&va, SIZE, 0, NULL, 0));
	CHECK(aclrtMapMem(va, SIZE, 0, handle, 0));
	p = va;
	for (i = 64; i < SIZE; i++)
		p[i] = (unsigned char)(i * 7);
	snprintf((char *)p, 64, "hello from exporter pid %d", (int)getpid());
	printf("exporter: 4 MiB at %p, wrote \"%s\" and a pattern\n", va,
	       (char *)p);

	/* A token that names the memory; nobody may import it yet. */
	CHECK(aclrtMemExportToShareableHandle(handle, ACL_MEM_HANDLE_TYPE_NONE,
					      ACL_RT_VMM_EXPORT_FLAG_DEFAULT,
					      &token));
	printf("exporter: exported, token %#llx\n", (unsigned long long)token);

	child = start_importer(token, &to, &from);
	if (read(from, &importer_tgid, sizeof(importer_tgid)) !=
	    sizeof(importer_tgid)) {
		fprintf(stderr, "exporter: the importer sent no pid\n");
		return 1;
	}

	/*
	 * Admit the importer, by the pid it reported, and let it go on. The
	 * pid is set after the importer started: an entry older than the
	 * process under that pid does not admit it (a reused pid).
	 */
	CHECK(aclrtMemSetPidToShareableHandle(token, &importer_tgid, 1));
	printf("exporter: admitted pid %d\n", importer_tgid);
	if (write(to, "go", 2) != 2) {
		perror("exporter: write");
		return 1;
	}

	if (waitpid(child, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "exporter: the importer failed (status %#x)\n",
			status);
		return 1;
	}

	/* Freeing the handle also revokes the token. */
	CHECK(aclrtUnmapMem(va));
	CHECK(aclrtReleaseMemAddress(va));
	CHECK(aclrtFreePhysical(handle));
	printf("exporter: the importer read the data; freed\n");
	CHECK(aclrtResetDevice(0));
	CHECK(aclFinalize());
	return 0;
}
