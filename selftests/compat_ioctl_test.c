// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a 32-bit caller gets ENOTTY from every ioctl. The module
 * offers no compat_ioctl: a handle's mmap offset (its id << 40) does not
 * fit a 32-bit mmap2 offset, so a 32-bit process could allocate what it
 * cannot map. The 32-bit system calls are made with int $0x80 from this
 * 64-bit program (x86_64 with IA32_EMULATION): the kernel serves them as
 * it serves a 32-bit program's, through compat_sys_ioctl. The structs sit
 * below 4 GiB (MAP_32BIT) so that their addresses pass in 32 bits. The
 * same calls through the 64-bit entry succeed; nothing is allocated.
 */
#include "aclmem_utils.h"

FIXTURE(compat_ioctl) {
	int fd;
	struct aclmem_info base;
};

FIXTURE_SETUP(compat_ioctl)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
}

FIXTURE_TEARDOWN(compat_ioctl)
{
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

#define IA32_NR_IOCTL	54
#define IA32_NR_GETPID	20

#if defined(__x86_64__)
/* A 32-bit system call: the result, or -errno. */
static long ia32_syscall3(long nr, unsigned int a, unsigned int b,
			  unsigned int c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
}

/*
 * Whether the kernel serves int $0x80 at all: without IA32_EMULATION (the
 * debug kernel) the instruction faults. The abi.vsyscall32 sysctl exists
 * exactly when it is there (arch/x86/entry/vdso/vdso32-setup.c).
 */
static bool ia32_entry_exists(void)
{
	return access("/proc/sys/abi/vsyscall32", F_OK) == 0;
}
#endif

TEST_F(compat_ioctl, every_ioctl_is_enotty)
{
#if defined(__x86_64__)
	static const unsigned int cmds[] = {
		ACLMEM_IOC_INFO, ACLMEM_IOC_ALLOC, ACLMEM_IOC_FREE,
		ACLMEM_IOC_QUERY, ACLMEM_IOC_EXPORT, ACLMEM_IOC_SET_PIDS,
		ACLMEM_IOC_IMPORT, ACLMEM_IOC_EXPORT_FD, ACLMEM_IOC_IMPORT_FD,
		ACLMEM_IOC_POPULATE, ACLMEM_IOC_UNEXPORT,
	};
	struct aclmem_alloc *alloc;
	struct aclmem_info *info;
	unsigned int i;
	void *low;

	if (!ia32_entry_exists())
		SKIP(return, "no 32-bit system calls (IA32_EMULATION)");
	/* the 32-bit entry is there: getpid answers as the 64-bit one */
	ASSERT_EQ((long)getpid(), ia32_syscall3(IA32_NR_GETPID, 0, 0, 0));
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	ASSERT_NE(MAP_FAILED, low);
	ASSERT_GT(1ULL << 32, (unsigned long long)(uintptr_t)low);

	info = low;
	memset(info, 0, sizeof(*info));
	EXPECT_EQ(-ENOTTY, ia32_syscall3(IA32_NR_IOCTL, (unsigned int)self->fd,
					 ACLMEM_IOC_INFO,
					 (unsigned int)(uintptr_t)info));
	EXPECT_EQ(0U, info->out_abi_version);
	/* the same struct through the 64-bit entry */
	EXPECT_EQ(0, ioctl(self->fd, ACLMEM_IOC_INFO, info));
	EXPECT_EQ((__u32)ACLMEM_ABI_VERSION, info->out_abi_version);

	alloc = low;
	memset(alloc, 0, sizeof(*alloc));
	alloc->size = SZ_2M;
	alloc->page_size = SZ_2M;
	alloc->node = ACLMEM_NODE_ANY;
	EXPECT_EQ(-ENOTTY, ia32_syscall3(IA32_NR_IOCTL, (unsigned int)self->fd,
					 ACLMEM_IOC_ALLOC,
					 (unsigned int)(uintptr_t)alloc));
	EXPECT_EQ(0U, alloc->out_handle);
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(low, 0, 4096);
		EXPECT_EQ(-ENOTTY,
			  ia32_syscall3(IA32_NR_IOCTL, (unsigned int)self->fd,
					cmds[i], (unsigned int)(uintptr_t)low))
			TH_LOG("ioctl %#x", cmds[i]);
	}
	EXPECT_EQ(0U, aclmem_nr_handles(self->fd));
	munmap(low, 4096);
#else
	SKIP(return, "32-bit system calls are tested on x86_64 only");
#endif
}

TEST_HARNESS_MAIN
