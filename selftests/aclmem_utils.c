// SPDX-License-Identifier: GPL-2.0
/*
 * Description: helpers shared by the aclmem selftests: see aclmem_utils.h.
 */
#define ACLMEM_UTILS_NO_HARNESS
#include "aclmem_utils.h"

#include <sys/utsname.h>

struct aclmem_tracked_map aclmem_maps[ACLMEM_MAX_TRACKED];
pid_t aclmem_kids[ACLMEM_MAX_TRACKED];

int aclmem_pool_index(__u64 page_size)
{
	return page_size == SZ_1G ? ACLMEM_POOL_1G : ACLMEM_POOL_2M;
}

const char *aclmem_ps_name(__u64 page_size)
{
	return page_size == SZ_1G ? "1G" : page_size == SZ_2M ? "2M" : "?";
}

/*
 * The largest entries a driver's VM_PFNMAP mapping gets (measured, see
 * the README's limits):
 *   machine   2 MiB page   1 GiB page
 *   x86_64    PMD          PUD
 *   aarch64   PMD          PMDs (no PUD pfn-maps in arm64 kernels)
 * Any other machine is expected to map each page with one entry, as on
 * x86_64.
 */
__u64 aclmem_entry_size(__u64 page_size)
{
	static int arm64 = -1;
	struct utsname u;

	if (arm64 < 0)
		arm64 = !uname(&u) && !strcmp(u.machine, "aarch64");
	return arm64 && page_size == SZ_1G ? SZ_2M : page_size;
}

int aclmem_entry_index(__u64 entry_size)
{
	return entry_size == SZ_1G ? 2 : entry_size == SZ_2M ? 1 : 0;
}

void aclmem_entry_faults(__u64 page_size, __u64 len, __u64 out[3])
{
	__u64 entry = aclmem_entry_size(page_size);

	out[0] = out[1] = out[2] = 0;
	out[aclmem_entry_index(entry)] = len / entry;
}

int aclmem_open(void)
{
	return open(ACLMEM_DEV_PATH, O_RDWR | O_CLOEXEC);
}

void aclmem_track_map(void *p, size_t len)
{
	int i;

	for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
		if (aclmem_maps[i].start == aclmem_maps[i].end) {
			aclmem_maps[i].start = (uintptr_t)p;
			aclmem_maps[i].end = (uintptr_t)p + len;
			return;
		}
	}
}

void aclmem_track_unmap(void *p, size_t len)
{
	uintptr_t s = (uintptr_t)p, e = (uintptr_t)p + len;
	int i;

	for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
		struct aclmem_tracked_map *m = &aclmem_maps[i];

		if (m->start == m->end || e <= m->start || s >= m->end)
			continue;
		if (s <= m->start && e >= m->end) {
			m->start = 0;
			m->end = 0;
		} else if (s <= m->start) {
			m->start = e;
		} else if (e >= m->end) {
			m->end = s;
		} else {
			/* a hole in the middle: keep the tail separately */
			uintptr_t tail = m->end;

			m->end = s;
			aclmem_track_map((void *)e, tail - e);
		}
	}
}

pid_t aclmem_clone(unsigned long flags)
{
	pid_t pid;
	int i;

	if (flags) {
		fflush(NULL);
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL,
				     0);
	} else {
		pid = fork();
	}
	if (pid > 0) {
		for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
			if (!aclmem_kids[i]) {
				aclmem_kids[i] = pid;
				break;
			}
		}
	} else if (pid == 0) {
		/* the child owns nothing of the parent's bookkeeping */
		memset(aclmem_kids, 0, sizeof(aclmem_kids));
		memset(aclmem_maps, 0, sizeof(aclmem_maps));
	}
	return pid;
}

pid_t aclmem_fork(void)
{
	return aclmem_clone(0);
}

int aclmem_reap(pid_t pid)
{
	int status, i;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	for (i = 0; i < ACLMEM_MAX_TRACKED; i++)
		if (aclmem_kids[i] == pid)
			aclmem_kids[i] = 0;
	return status;
}

void aclmem_cleanup(void)
{
	int i;

	for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
		if (aclmem_kids[i]) {
			kill(aclmem_kids[i], SIGKILL);
			waitpid(aclmem_kids[i], NULL, 0);
			aclmem_kids[i] = 0;
		}
	}
	for (i = 0; i < ACLMEM_MAX_TRACKED; i++) {
		struct aclmem_tracked_map *m = &aclmem_maps[i];

		if (m->start != m->end)
			munmap((void *)m->start, m->end - m->start);
		m->start = 0;
		m->end = 0;
	}
}

int _aclmem_ioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	if (rc < 0)
		return -errno;
	return rc;
}

int _aclmem_alloc_cmd(int fd, struct aclmem_alloc *cmd)
{
	return _aclmem_ioctl(fd, ACLMEM_IOC_ALLOC, cmd);
}

int _aclmem_alloc(int fd, __u64 size, __u64 page_size,
		  __u32 node, __u32 *handle, __u64 *offset)
{
	struct aclmem_alloc cmd = {
		.size = size,
		.page_size = page_size,
		.node = node,
	};
	int rc = _aclmem_alloc_cmd(fd, &cmd);

	if (rc)
		return rc;
	if (handle)
		*handle = cmd.out_handle;
	if (offset)
		*offset = cmd.out_offset;
	return 0;
}

int _aclmem_free_cmd(int fd, struct aclmem_free *cmd)
{
	return _aclmem_ioctl(fd, ACLMEM_IOC_FREE, cmd);
}

int _aclmem_free(int fd, __u32 handle)
{
	struct aclmem_free cmd = { .handle = handle };

	return _aclmem_free_cmd(fd, &cmd);
}

int _aclmem_query_cmd(int fd, struct aclmem_query *cmd)
{
	return _aclmem_ioctl(fd, ACLMEM_IOC_QUERY, cmd);
}

int _aclmem_query(int fd, __u32 handle, __u32 flags,
		  struct aclmem_query *out)
{
	struct aclmem_query cmd = { .handle = handle, .flags = flags };
	int rc = _aclmem_query_cmd(fd, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

int _aclmem_info_cmd(int fd, struct aclmem_info *cmd)
{
	return _aclmem_ioctl(fd, ACLMEM_IOC_INFO, cmd);
}

int _aclmem_info(int fd, __u32 flags, struct aclmem_info *out)
{
	struct aclmem_info cmd = { .flags = flags };
	int rc = _aclmem_info_cmd(fd, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

int _aclmem_pool(int fd, __u64 page_size,
		 struct aclmem_pool_stats *st)
{
	struct aclmem_info info;
	int rc = _aclmem_info(fd, 0, &info);

	if (!rc)
		*st = info.out_pools[aclmem_pool_index(page_size)];
	return rc;
}

__u64 aclmem_in_use(int fd, __u64 page_size)
{
	struct aclmem_pool_stats st;

	return _aclmem_pool(fd, page_size, &st) ? (__u64)-1 : st.in_use;
}

__u64 aclmem_free_pages(int fd, __u64 page_size)
{
	struct aclmem_pool_stats st;

	return _aclmem_pool(fd, page_size, &st) ? (__u64)-1 : st.free;
}

__u64 aclmem_nr_handles(int fd)
{
	struct aclmem_info info;

	return _aclmem_info(fd, 0, &info) ? (__u64)-1 : info.out_handles;
}

int _aclmem_mmap(int fd, void *hint, size_t len, __u64 offset,
		 int flags, void **out)
{
	void *p = mmap(hint, len, PROT_READ | PROT_WRITE, flags, fd,
		       (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	aclmem_track_map(p, len);
	if (out)
		*out = p;
	return 0;
}

int _aclmem_munmap(void *p, size_t len)
{
	if (munmap(p, len))
		return -errno;
	aclmem_track_unmap(p, len);
	return 0;
}

unsigned int aclmem_slot(__u64 seed, __u64 off)
{
	return aclmem_mix(seed ^ (off / SZ_4K) ^ 0x5bd1e995ULL) % 512;
}

bool aclmem_full_page(__u64 off)
{
	__u64 in2m = off & (SZ_2M - 1);

	return in2m == 0 || in2m == SZ_2M - SZ_4K;
}

void aclmem_fill_sampled(void *buf, size_t len, __u64 seed,
			 __u64 base)
{
	volatile __u64 *w = buf;
	size_t off, i;

	for (off = 0; off < len; off += SZ_4K) {
		__u64 hoff = base + off;

		if (aclmem_full_page(hoff)) {
			for (i = 0; i < SZ_4K / 8; i++)
				w[(off / 8) + i] = aclmem_word(seed, hoff + i * 8);
		} else {
			unsigned int s = aclmem_slot(seed, hoff);

			w[(off / 8) + s] = aclmem_word(seed, hoff + s * 8);
		}
	}
}

long aclmem_check_sampled(const void *buf, size_t len,
			  __u64 seed, __u64 base)
{
	const volatile __u64 *w = buf;
	size_t off, i;

	for (off = 0; off < len; off += SZ_4K) {
		__u64 hoff = base + off;

		if (aclmem_full_page(hoff)) {
			for (i = 0; i < SZ_4K / 8; i++)
				if (w[(off / 8) + i] !=
				    aclmem_word(seed, hoff + i * 8))
					return off + i * 8;
		} else {
			unsigned int s = aclmem_slot(seed, hoff);

			if (w[(off / 8) + s] != aclmem_word(seed, hoff + s * 8))
				return off + s * 8;
		}
	}
	return -1;
}

long aclmem_check_zero_sampled(const void *buf, size_t len,
			       __u64 seed, __u64 base)
{
	const volatile __u64 *w = buf;
	size_t off, i;

	for (off = 0; off < len; off += SZ_4K) {
		__u64 hoff = base + off;
		size_t first = off / 8, last = first + SZ_4K / 8 - 1;

		if (aclmem_full_page(hoff)) {
			for (i = first; i <= last; i++)
				if (w[i])
					return i * 8;
			continue;
		}
		if (w[first])
			return first * 8;
		if (w[last])
			return last * 8;
		i = first + aclmem_slot(seed, hoff);
		if (w[i])
			return i * 8;
	}
	return -1;
}

void aclmem_fill_at(void *buf, size_t len, __u64 seed,
		    __u64 base)
{
	if (len > ACLMEM_FULL_CHECK_MAX)
		aclmem_fill_sampled(buf, len, seed, base);
	else
		pattern_fill(buf, len, seed, base);
}

void aclmem_fill(void *buf, size_t len, __u64 seed)
{
	aclmem_fill_at(buf, len, seed, 0);
}

long aclmem_check_at(const void *buf, size_t len, __u64 seed,
		     __u64 base)
{
	if (len > ACLMEM_FULL_CHECK_MAX)
		return aclmem_check_sampled(buf, len, seed, base);
	return pattern_check(buf, len, seed, base);
}

long aclmem_check(const void *buf, size_t len, __u64 seed)
{
	return aclmem_check_at(buf, len, seed, 0);
}

long aclmem_check_zero_at(const void *buf, size_t len,
			  __u64 seed, __u64 base)
{
	if (len > ACLMEM_FULL_CHECK_MAX)
		return aclmem_check_zero_sampled(buf, len, seed, base);
	return pattern_check_zero(buf, len);
}

long aclmem_check_zero(const void *buf, size_t len, __u64 seed)
{
	return aclmem_check_zero_at(buf, len, seed, 0);
}

__u64 aclmem_read_each_page(const void *buf, size_t len)
{
	const volatile unsigned char *b = buf;
	__u64 sum = 0;
	size_t off;

	for (off = 0; off < len; off += SZ_4K)
		sum += b[off];
	return sum;
}

int aclmem_pipe_send(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

int aclmem_pipe_recv(int fd, char *c)
{
	ssize_t n;

	do {
		n = read(fd, c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int aclmem_exit_code(int status)
{
	if (status < 0)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int aclmem_write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int aclmem_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (got + 1 < len) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (n < 0)
		n = -errno;
	close(fd);
	buf[got] = '\0';
	return n < 0 ? (int)n : 0;
}

int aclmem_read_line(const char *path, char *buf, size_t len)
{
	int rc = aclmem_read_file(path, buf, len);

	if (!rc)
		buf[strcspn(buf, "\n")] = '\0';
	return rc;
}

int aclmem_node_first_cpu(int nid)
{
	char path[96], line[256];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
		 nid);
	if (aclmem_read_line(path, line, sizeof(line)) || !line[0])
		return -1;
	return atoi(line);
}

long long aclmem_read_number(const char *path)
{
	char buf[32];
	int rc = aclmem_read_line(path, buf, sizeof(buf));

	if (rc)
		return rc;
	return buf[0] ? strtoll(buf, NULL, 10) : -EIO;
}

int aclmem_fail_nth_set(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	return aclmem_write_file(ACLMEM_FAIL_NTH, buf);
}

long aclmem_fail_nth_left(void)
{
	return (long)aclmem_read_number(ACLMEM_FAIL_NTH);
}

void aclmem_msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
