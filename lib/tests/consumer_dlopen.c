// SPDX-License-Identifier: MIT
/*
 * Description: a client that dlopen()s "libascendcl.so" by name, as
 * torch_npu's loaders do, finds the API with dlsym(), and does not find
 * the library's internals.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	int (*get_count)(uint32_t *count);
	uint32_t count = 0;
	void *lib;

	lib = dlopen("libascendcl.so", RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	*(void **)&get_count = dlsym(lib, "aclrtGetDeviceCount");
	if (!get_count || get_count(&count) || !count)
		return 1;
	if (dlsym(lib, "acl_fail") || dlsym(lib, "aclmem_ioctl"))
		return 1;	/* internals must stay hidden */
	printf("consumer_dlopen: %u device(s)\n", count);
	return dlclose(lib);
}
