/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels aclmem builds for (6.1 to 6.12), in one
 * place: an interface that changed is keyed on the release that changed
 * it, a behaviour on the configuration that brings it, and a kernel the
 * module cannot serve stops the build with a message.
 */
#ifndef _ACLMEM_COMPAT_H
#define _ACLMEM_COMPAT_H

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pfn_t.h>
#include <linux/version.h>

/* The kernel is release @major.@minor or a later one. */
#define ACLMEM_SINCE(major, minor) \
	(KERNEL_VERSION(major, minor, 0) <= LINUX_VERSION_CODE)

/*
 * PMD and PUD entries are put in place by the THP code
 * (vmf_insert_pfn_pmd/pud). Debian's PREEMPT_RT kernels are built without
 * it; so is any kernel that leaves THP out.
 */
#ifndef CONFIG_TRANSPARENT_HUGEPAGE
#error "aclmem needs CONFIG_TRANSPARENT_HUGEPAGE for its huge entries (Debian -rt has none)"
#endif

#ifdef CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP

/* The kernel maps VM_PFNMAP memory with huge, special entries itself. */
#define ACLMEM_INODE_FLAGS	0
#define ACLMEM_PFN_FLAGS	0

#else

/*
 * Before huge pfnmaps, faults reach ->huge_fault only for DAX VMAs: the
 * file's mapping gets an S_DAX host inode. Entries are marked devmap
 * (PFN_DEV | PFN_MAP): GUP-fast finds no dev_pagemap for them and gives
 * up, and the slow path refuses VM_PFNMAP, so nobody takes references on
 * the pool's pages.
 */
#define ACLMEM_INODE_FLAGS	S_DAX
#define ACLMEM_PFN_FLAGS	(PFN_DEV | PFN_MAP)

#endif

/*
 * Without huge pfnmaps and without CONFIG_FS_DAX (Debian's 6.1 arm64) S_DAX
 * is 0, and a first fault never reaches ->huge_fault. ->fault still finds
 * the PMD empty then (the kernel has only preallocated a page table), and
 * installs the 2 MiB entry itself; a write to a read-only one does reach
 * ->huge_fault. Only where the entry is marked devmap, which keeps GUP-fast
 * off it as above.
 */
#if !defined(CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP) && !defined(CONFIG_FS_DAX) && \
	defined(CONFIG_ARCH_HAS_PTE_DEVMAP)
#define ACLMEM_PMD_FROM_FAULT	1
#else
#define ACLMEM_PMD_FROM_FAULT	0
#endif

/*
 * Before 6.12 mprotect() does not know huge PUD entries: change_pud_range()
 * reports them as bad and clears them without a TLB flush.
 */
#define ACLMEM_MPROTECT_ZAPS_PUD	(!ACLMEM_SINCE(6, 12))

/* 6.6 passes ->huge_fault the order of the entry, no enum any more. */
#if !ACLMEM_SINCE(6, 6)

#define ACLMEM_HUGE_FAULT_ARGS	struct vm_fault *vmf, enum page_entry_size pe_size

static inline unsigned int aclmem_pe_order(enum page_entry_size pe_size)
{
	switch (pe_size) {
	case PE_SIZE_PMD:
		return PMD_SHIFT - PAGE_SHIFT;
	case PE_SIZE_PUD:
		return PUD_SHIFT - PAGE_SHIFT;
	default:
		return 0;
	}
}

#define ACLMEM_FAULT_ORDER	aclmem_pe_order(pe_size)

#else

#define ACLMEM_HUGE_FAULT_ARGS	struct vm_fault *vmf, unsigned int order
#define ACLMEM_FAULT_ORDER	order

#endif

/* 6.3 made vma->vm_flags read-only: vm_flags_set() takes the VMA lock. */
static inline void aclmem_vm_flags_set(struct vm_area_struct *vma,
				       unsigned long flags)
{
#if !ACLMEM_SINCE(6, 3)
	vma->vm_flags |= flags;
#else
	vm_flags_set(vma, flags);
#endif
}

/* 6.10 dropped mm->get_unmapped_area for mm_get_unmapped_area(). */
static inline unsigned long
aclmem_default_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
#if !ACLMEM_SINCE(6, 10)
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#else
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#endif
}

static inline pfn_t aclmem_pfn_t(unsigned long pfn)
{
	return __pfn_to_pfn_t(pfn, ACLMEM_PFN_FLAGS);
}

/*
 * 6.2 moved the dma-buf core's vmap and vunmap under the reservation lock;
 * before, they ran under the dma-buf's own mutex.
 */
static inline void aclmem_dmabuf_assert_vmap_locked(struct dma_buf *dmabuf)
{
#if !ACLMEM_SINCE(6, 2)
	lockdep_assert_held(&dmabuf->lock);
#else
	dma_resv_assert_held(dmabuf->resv);
#endif
}

#endif /* _ACLMEM_COMPAT_H */
