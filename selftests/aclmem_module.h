/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Description: unloading aclmem.ko and loading it again from /aclmem.ko
 * (where the initramfs puts it) with the parameters it had, for the tests
 * that check the module goes and comes back cleanly.
 */
#ifndef __SELFTESTS_ACLMEM_MODULE_H
#define __SELFTESTS_ACLMEM_MODULE_H

#include <sys/syscall.h>

#include "aclmem_utils.h"

#define ACLMEM_KO	"/aclmem.ko"

/* delete_module(2) without waiting: 0 or -errno. */
static inline int try_unload(void)
{
	if (syscall(SYS_delete_module, "aclmem", O_NONBLOCK))
		return -errno;
	return 0;
}

/*
 * The load-time parameters ("pool_2m=N pool_1g=N ...") as the loaded
 * module has them, so that a reload keeps what the runner chose.
 */
static inline void current_params(char *buf, size_t len)
{
	static const char * const names[] = {
		"pool_2m", "pool_1g", "user_limit_mb", "movable_1g",
		"grow_1g_unpriv",
	};
	char path[128], val[32];
	size_t i, used = 0;
	FILE *f;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/sys/module/aclmem/parameters/%s",
			 names[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = 0;
			used += snprintf(buf + used, len - used, "%s%s=%s",
					 used ? " " : "", names[i], val);
		}
		fclose(f);
	}
}

static inline int load(const char *params)
{
	int fd = open(ACLMEM_KO, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* Unload, waiting a little for users that are on their way out. */
static inline int unload(void)
{
	int i, ret = -EWOULDBLOCK;

	for (i = 0; i < 50 && ret == -EWOULDBLOCK; i++) {
		ret = try_unload();
		if (ret == -EWOULDBLOCK)
			aclmem_msleep(20);
	}
	return ret;
}

#endif /* __SELFTESTS_ACLMEM_MODULE_H */
