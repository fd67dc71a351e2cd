/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels aclmem supports (6.1 and 6.12), in one
 * place. The split is keyed on the feature that matters most: from 6.12 the
 * kernel maps VM_PFNMAP memory with huge entries itself
 * (CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP); the interfaces that changed on the way
 * (huge_fault's argument, vm_flags_set(), mm_get_unmapped_area()) are all
 * in place by then.
 */
#ifndef _ACLMEM_COMPAT_H
#define _ACLMEM_COMPAT_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pfn_t.h>

#ifndef CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP

/*
 * 6.1 sends faults to ->huge_fault only for DAX VMAs: the file's mapping
 * gets an S_DAX host inode. Entries are marked devmap (PFN_DEV | PFN_MAP):
 * GUP-fast finds no dev_pagemap for them and gives up, and the slow path
 * refuses VM_PFNMAP, so nobody takes references on the pool's pages.
 */
#define ACLMEM_INODE_FLAGS	S_DAX
#define ACLMEM_PFN_FLAGS	(PFN_DEV | PFN_MAP)

/*
 * 6.1's mprotect() does not know huge PUD entries: change_pud_range()
 * reports them as bad and clears them without a TLB flush.
 */
#define ACLMEM_MPROTECT_ZAPS_PUD	true

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

static inline void aclmem_vm_flags_set(struct vm_area_struct *vma,
				       unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline unsigned long
aclmem_default_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
}

#else

/* From 6.12 VM_PFNMAP mappings get huge faults, with special entries. */
#define ACLMEM_INODE_FLAGS	0
#define ACLMEM_PFN_FLAGS	0
#define ACLMEM_MPROTECT_ZAPS_PUD	false

#define ACLMEM_HUGE_FAULT_ARGS	struct vm_fault *vmf, unsigned int order
#define ACLMEM_FAULT_ORDER	order

static inline void aclmem_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

static inline unsigned long
aclmem_default_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
}

#endif

static inline pfn_t aclmem_pfn_t(unsigned long pfn)
{
	return __pfn_to_pfn_t(pfn, ACLMEM_PFN_FLAGS);
}

#endif /* _ACLMEM_COMPAT_H */
