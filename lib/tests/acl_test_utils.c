// SPDX-License-Identifier: MIT
/*
 * Description: helpers shared by the libascendcl tests: see acl_test_utils.h.
 */
#define ACL_TEST_UTILS_NO_HARNESS
#include "acl_test_utils.h"

int acl_pools_read(struct acl_pools *p)
{
	struct aclmem_info info;
	int fd, rc, i;

	memset(p, 0, sizeof(*p));
	fd = open("/dev/aclmem", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	rc = ioctl(fd, ACLMEM_IOC_INFO, &info);
	if (rc < 0)
		rc = -errno;
	close(fd);
	if (rc)
		return rc;
	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		p->in_use[i] = info.out_pools[i].in_use;
		p->total[i] = info.out_pools[i].total;
		p->free[i] = info.out_pools[i].free;
	}
	return 0;
}

uint64_t acl_in_use(int pool)
{
	struct acl_pools p;

	if (acl_pools_read(&p))
		return (uint64_t)-1;
	return p.in_use[pool];
}

aclrtPhysicalMemProp acl_prop(aclrtMemAttr attr,
			      aclrtMemLocationType type,
			      uint32_t id)
{
	aclrtPhysicalMemProp prop;

	memset(&prop, 0, sizeof(prop));
	prop.handleType = ACL_MEM_HANDLE_TYPE_NONE;
	prop.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;
	prop.memAttr = attr;
	prop.location.type = type;
	prop.location.id = id;
	prop.reserve = 0;
	return prop;
}

aclrtPhysicalMemProp acl_prop_2m(void)
{
	return acl_prop(ACL_HBM_MEM_HUGE, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
}

aclrtPhysicalMemProp acl_prop_1g(void)
{
	return acl_prop(ACL_HBM_MEM_HUGE1G, ACL_MEM_LOCATION_TYPE_DEVICE, 0);
}

aclError acl_alloc_2m(aclrtDrvMemHandle *h, size_t size)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();

	return aclrtMallocPhysical(h, size, &prop, 0);
}

size_t acl_mid_slot(uint64_t seed, uint64_t off)
{
	return 1 + pattern_mix(seed ^ (off >> 12)) % 510;
}

void acl_fill_at(void *buf, size_t len, uint64_t seed,
		 uint64_t base)
{
	volatile uint64_t *w = buf;
	size_t off;

	if (len <= ACL_FULL_CHECK_MAX) {
		pattern_fill(buf, len, seed, base);
		return;
	}
	for (off = 0; off < len; off += SZ_4K) {
		size_t first = off / 8, last = first + SZ_4K / 8 - 1;
		size_t mid = first + acl_mid_slot(seed, base + off);

		w[first] = acl_word(seed, base + first * 8);
		w[mid] = acl_word(seed, base + mid * 8);
		w[last] = acl_word(seed, base + last * 8);
	}
}

void acl_fill(void *buf, size_t len, uint64_t seed)
{
	acl_fill_at(buf, len, seed, 0);
}

long acl_check_at(const void *buf, size_t len, uint64_t seed,
		  uint64_t base)
{
	const volatile uint64_t *w = buf;
	size_t off;

	if (len <= ACL_FULL_CHECK_MAX)
		return pattern_check(buf, len, seed, base);
	for (off = 0; off < len; off += SZ_4K) {
		size_t first = off / 8, last = first + SZ_4K / 8 - 1;
		size_t mid = first + acl_mid_slot(seed, base + off);

		if (w[first] != acl_word(seed, base + first * 8))
			return (long)(first * 8);
		if (w[mid] != acl_word(seed, base + mid * 8))
			return (long)(mid * 8);
		if (w[last] != acl_word(seed, base + last * 8))
			return (long)(last * 8);
	}
	return -1;
}

long acl_check(const void *buf, size_t len, uint64_t seed)
{
	return acl_check_at(buf, len, seed, 0);
}

long acl_check_zero(const void *buf, size_t len, uint64_t seed)
{
	const volatile uint64_t *w = buf;
	size_t off;

	if (len <= ACL_FULL_CHECK_MAX)
		return pattern_check_zero(buf, len);
	for (off = 0; off < len; off += SZ_4K) {
		size_t first = off / 8, last = first + SZ_4K / 8 - 1;
		size_t mid = first + acl_mid_slot(seed, off);

		if (w[first])
			return (long)(first * 8);
		if (w[mid])
			return (long)(mid * 8);
		if (w[last])
			return (long)(last * 8);
	}
	return -1;
}

int acl_probe(void *p, enum acl_probe how)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		volatile char *c = p;

		struct rlimit nocore = { 0, 0 };

		/* the fault is expected: no core file */
		setrlimit(RLIMIT_CORE, &nocore);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		if (how == ACL_PROBE_WRITE)
			*c = (char)0x5a;
		else
			(void)*c;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -1;
}

bool acl_node_online(unsigned int n)
{
	char path[64];
	struct stat st;

	if (stat("/sys/devices/system/node", &st))
		return n == 0;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", n);
	return stat(path, &st) == 0;
}

unsigned int acl_online_nodes(void)
{
	unsigned int n, count = 0;

	for (n = 0; n < 1024; n++)
		if (acl_node_online(n))
			count++;
	return count ? count : 1;
}

unsigned int acl_first_offline_node(void)
{
	unsigned int n = 0;

	while (acl_node_online(n))
		n++;
	return n;
}

double acl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool acl_aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

aclrtMemLocation acl_loc(aclrtMemLocationType type, uint32_t id)
{
	aclrtMemLocation loc;

	memset(&loc, 0, sizeof(loc));
	loc.type = type;
	loc.id = id;
	return loc;
}

aclrtMemAccessDesc acl_access(aclrtMemAccessFlags flags,
			      aclrtMemLocationType type,
			      uint32_t id)
{
	aclrtMemAccessDesc d;

	memset(&d, 0, sizeof(d));
	d.flags = flags;
	d.location = acl_loc(type, id);
	return d;
}

aclError acl_set_access(void *p, size_t size,
			aclrtMemAccessFlags flags,
			aclrtMemLocationType type, uint32_t id)
{
	aclrtMemAccessDesc d = acl_access(flags, type, id);

	return aclrtMemSetAccess(p, size, &d, 1);
}

aclError acl_get_access(void *p, aclrtMemLocationType type,
			uint32_t id, uint64_t *flags)
{
	aclrtMemLocation loc = acl_loc(type, id);

	return aclrtMemGetAccess(p, &loc, flags);
}

bool acl_va_held(const void *addr)
{
	void *m = mmap((void *)addr, SZ_4K, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (m == MAP_FAILED)
		return errno == EEXIST;
	munmap(m, SZ_4K);
	return m != addr;	/* an old kernel took it as a hint */
}

void *acl_free_range(size_t size, size_t align)
{
	uintptr_t a;
	void *m = mmap(NULL, size + align, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	munmap(m, size + align);
	a = ((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1);
	return (void *)a;
}

uint32_t acl_device_count(void)
{
	uint32_t count = 0;

	if (aclrtGetDeviceCount(&count))
		return 0;
	return count;
}
