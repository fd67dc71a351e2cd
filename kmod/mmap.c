// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping a handle: one PMD entry per 2 MiB page, one PUD entry per 1 GiB
 * page, 4 KiB entries only where a mapping was moved off the alignment.
 * drivers/dax/device.c is the model.
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/mman.h>
#include <linux/sched/signal.h>

#include "aclmem.h"
#include "compat.h"

static unsigned long aclmem_buf_page_size(const struct aclmem_buf *buf)
{
	return PAGE_SIZE << buf->order;
}

/* Byte offset into the buffer of the first byte of @vma. */
static u64 aclmem_vma_offset(const struct vm_area_struct *vma)
{
	return (u64)(vma->vm_pgoff & ((1UL << ACLMEM_PGOFF_SHIFT) - 1))
	       << PAGE_SHIFT;
}

static vm_fault_t aclmem_insert_pud(struct vm_fault *vmf, unsigned long pfn,
				    bool write)
{
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
	return vmf_insert_pfn_pud(vmf, aclmem_pfn_t(pfn), write);
#else
	return VM_FAULT_FALLBACK;
#endif
}

/* Map the block of 2^@order base pages around the fault, if it fits. */
static vm_fault_t aclmem_fault_order(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct aclmem_buf *buf = vma->vm_private_data;
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	unsigned long pfn;
	vm_fault_t ret;
	u64 off;

	/* The kernel asks for the largest entry first: let it go smaller. */
	if (order > buf->order)
		return VM_FAULT_FALLBACK;
	if (addr < vma->vm_start || addr + size > vma->vm_end)
		return VM_FAULT_FALLBACK;
	off = aclmem_vma_offset(vma) + (addr - vma->vm_start);
	if (off & (size - 1))
		return VM_FAULT_FALLBACK;
	if (off >= buf->size)
		return VM_FAULT_SIGBUS;

	pfn = aclmem_buf_pfn(buf, off);
	/*
	 * A block with a hardware-poisoned 4 KiB page is mapped 4 KiB at a
	 * time: the rest stays usable, and an access to the poisoned page
	 * gets SIGBUS (BUS_MCEERR_AR), as for any poisoned memory.
	 */
	if (aclmem_page_poisoned(pfn, order))
		return order ? VM_FAULT_FALLBACK : VM_FAULT_HWPOISON;
	switch (order) {
	case 0:
		ret = vmf_insert_pfn(vma, addr, pfn);
		if (ret == VM_FAULT_NOPAGE)
			atomic64_inc(&buf->faults_pte);
		return ret;
	case ACLMEM_ORDER_2M:
		ret = vmf_insert_pfn_pmd(vmf, aclmem_pfn_t(pfn), write);
		if (ret == VM_FAULT_NOPAGE)
			atomic64_inc(&buf->faults_pmd);
		return ret;
	case ACLMEM_ORDER_1G:
		ret = aclmem_insert_pud(vmf, pfn, write);
		if (ret == VM_FAULT_NOPAGE)
			atomic64_inc(&buf->faults_pud);
		return ret;
	default:
		return VM_FAULT_FALLBACK;
	}
}

static vm_fault_t aclmem_huge_fault(ACLMEM_HUGE_FAULT_ARGS)
{
	return aclmem_fault_order(vmf, ACLMEM_FAULT_ORDER);
}

static vm_fault_t aclmem_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;

	/*
	 * See ACLMEM_PMD_FROM_FAULT: no table yet, so a PMD may go here,
	 * unless the process asked for none, as the kernel's own check for
	 * huge entries in a DAX mapping says (hugepage_vma_check()).
	 */
	if (ACLMEM_PMD_FROM_FAULT && pmd_none(*vmf->pmd) &&
	    !(vmf->vma->vm_flags & VM_NOHUGEPAGE) &&
	    !test_bit(MMF_DISABLE_THP, &vmf->vma->vm_mm->flags)) {
		ret = aclmem_fault_order(vmf, ACLMEM_ORDER_2M);
		if (ret != VM_FAULT_FALLBACK)
			return ret;
	}
	return aclmem_fault_order(vmf, 0);
}

/*
 * Drop the 1 GiB entries that @mm's own mappings of @vma's file have over
 * @vma's file range, whichever VMA of @mm holds them now.
 */
static void aclmem_zap_own_puds(struct mm_struct *mm,
				struct vm_area_struct *vma)
{
	unsigned long first = vma->vm_pgoff, last = first + vma_pages(vma);
	unsigned long from, to;
	struct vm_area_struct *v;

	for (v = find_vma(mm, 0); v; v = find_vma(mm, v->vm_end)) {
		if (v == vma || v->vm_ops != vma->vm_ops ||
		    v->vm_file != vma->vm_file)
			continue;
		from = max(first, v->vm_pgoff);
		to = min(last, v->vm_pgoff + vma_pages(v));
		if (from < to)
			zap_vma_ptes(v, v->vm_start +
				     ((from - v->vm_pgoff) << PAGE_SHIFT),
				     (to - from) << PAGE_SHIFT);
	}
}

/*
 * A VMA is copied: by fork, a split, or mremap, which calls this before it
 * moves the page tables. Neither 6.1 nor 6.12 moves a huge PUD there:
 * get_old_pud() takes it for a bad entry and clears it without a TLB
 * flush. So drop the 1 GiB entries of the range first (properly, with the
 * flush); the next access faults them back.
 *
 * Only the calling process's own entries: a split or mremap runs in the
 * mm of the VMA, with its mmap lock held for writing. Fork (dup_mmap())
 * calls this for the child's new VMA, in a mm that is not the caller's:
 * there nothing is dropped, and copy_page_range() copies the parent's PUD
 * entries into the child (copy_huge_pud(), on 6.1 and 6.12 alike). The
 * mapping of the file is shared by every process that maps the buffer, so
 * unmap_mapping_range() there would drop theirs too, and a process forking
 * in a loop would keep the others refaulting.
 */
static void aclmem_vm_open(struct vm_area_struct *vma)
{
	struct aclmem_buf *buf = vma->vm_private_data;

	aclmem_buf_get(buf);
	atomic_inc(&buf->mappings);
	if (buf->order == ACLMEM_ORDER_1G && vma->vm_file &&
	    vma->vm_mm == current->mm)
		aclmem_zap_own_puds(vma->vm_mm, vma);
}

static void aclmem_vm_close(struct vm_area_struct *vma)
{
	struct aclmem_buf *buf = vma->vm_private_data;

	atomic_dec(&buf->mappings);
	aclmem_buf_put(buf);
}

/* munmap and mprotect may cut a mapping only between pages. */
static int aclmem_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct aclmem_buf *buf = vma->vm_private_data;

	if (!IS_ALIGNED(addr, aclmem_buf_page_size(buf)))
		return -EINVAL;
	return 0;
}

/* mremap may move a mapping only to an address it can map huge. */
static int aclmem_vm_mremap(struct vm_area_struct *vma)
{
	struct aclmem_buf *buf = vma->vm_private_data;

	if (!IS_ALIGNED(vma->vm_start, aclmem_buf_page_size(buf)))
		return -EINVAL;
	return 0;
}

/*
 * Where mprotect() cannot change a PUD entry (see compat.h), drop the
 * entries first: the next access faults them back with the new protection.
 */
static int aclmem_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, unsigned long newflags)
{
	struct aclmem_buf *buf = vma->vm_private_data;

	if (ACLMEM_MPROTECT_ZAPS_PUD && buf->order == ACLMEM_ORDER_1G)
		zap_vma_ptes(vma, start, end - start);
	return 0;
}

static unsigned long aclmem_vm_pagesize(struct vm_area_struct *vma)
{
	return aclmem_buf_page_size(vma->vm_private_data);
}

static const struct vm_operations_struct aclmem_vm_ops = {
	.open = aclmem_vm_open,
	.close = aclmem_vm_close,
	.may_split = aclmem_vm_may_split,
	.mremap = aclmem_vm_mremap,
	.mprotect = aclmem_vm_mprotect,
	.fault = aclmem_fault,
	.huge_fault = aclmem_huge_fault,
	.pagesize = aclmem_vm_pagesize,
};

/**
 * aclmem_buf_mmap - set up @vma to map @buf
 * @buf: the buffer; the VMA takes its own reference
 * @vma: a new VMA whose pgoff (modulo the handle window) is the offset into
 *       @buf
 * @strict: the VMA's start, length and offset must be multiples of the page
 *          size; without it (dma-buf mappings, whose address the kernel
 *          picks) a misaligned part is served with smaller entries
 *
 * Return: 0, -EINVAL or -ENXIO.
 */
int aclmem_buf_mmap(struct aclmem_buf *buf, struct vm_area_struct *vma,
		    bool strict)
{
	u64 off = aclmem_vma_offset(vma);
	u64 len = vma->vm_end - vma->vm_start;

	/* Private (copy-on-write) mappings of pfns cannot work. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (strict &&
	    !IS_ALIGNED(off | len | vma->vm_start, aclmem_buf_page_size(buf)))
		return -EINVAL;
	if (off >= buf->size || len > buf->size - off)
		return -ENXIO;

	aclmem_buf_get(buf);
	vma->vm_private_data = buf;
	vma->vm_ops = &aclmem_vm_ops;
	aclmem_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			    VM_HUGEPAGE);
	atomic_inc(&buf->mappings);
	return 0;
}

static const struct file_operations aclmem_buf_fops;

/* The file that stands in for /dev/aclmem in @buf's mappings (fs.c). */
static struct file *aclmem_buf_file(struct aclmem_buf *buf)
{
	struct file *file = READ_ONCE(buf->file), *old;

	if (file)
		return file;
	file = aclmem_fs_file(&aclmem_buf_fops, buf);
	if (IS_ERR(file))
		return file;
	old = cmpxchg(&buf->file, NULL, file);
	if (old) {
		fput(file);
		return old;
	}
	return file;
}

/*
 * A mapping holds its buffer, not the open file it came through: the
 * VMA's file becomes the buffer's own (as dma_buf_mmap() does), so the
 * last close(2) releases the file and every handle no mapping holds.
 */
int aclmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct aclmem_buf *buf;
	struct file *bfile;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	buf = aclmem_ctx_lookup(file->private_data,
				vma->vm_pgoff >> ACLMEM_PGOFF_SHIFT);
	if (!buf)
		return -ENXIO;
	bfile = aclmem_buf_file(buf);
	ret = PTR_ERR_OR_ZERO(bfile);
	if (!ret)
		ret = aclmem_buf_mmap(buf, vma, true);
	if (!ret)
		vma_set_file(vma, bfile);
	aclmem_buf_put(buf);
	return ret;
}

/*
 * The end of the entry that maps @addr in @mm, or of its 4 KiB page if
 * none does. A fault may install a smaller entry than the buffer's page
 * (MADV_NOHUGEPAGE, or no PUD pfn-maps on arm64), so POPULATE steps by
 * what is really there. Only a hint: an entry zapped meanwhile is faulted
 * again on the next step. Page tables stay while mmap_lock is held.
 */
static unsigned long aclmem_mapped_end(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud, pudv;
	pmd_t pmdv;

	if (pgd_none(READ_ONCE(*pgd)))
		goto pte;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		goto pte;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_leaf(pudv))
		return ALIGN_DOWN(addr, PUD_SIZE) + PUD_SIZE;
	if (pud_none(pudv))
		goto pte;
	pmdv = READ_ONCE(*pmd_offset(pud, addr));
	if (pmd_leaf(pmdv))
		return ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE;
pte:
	return ALIGN_DOWN(addr, PAGE_SIZE) + PAGE_SIZE;
}

/**
 * aclmem_populate - fault in the aclmem mappings of [@addr, @addr + @len)
 * @addr: start, page aligned
 * @len: length, page aligned, not 0
 *
 * Return: 0, -EFAULT if part of the range is not an aclmem mapping, or
 * -EINTR on a fatal signal.
 */
int aclmem_populate(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = addr + len, stop;
	struct vm_area_struct *vma;
	unsigned int flags;
	int ret = 0;

	mmap_read_lock(mm);
	while (addr < end && !ret) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr || vma->vm_ops != &aclmem_vm_ops) {
			ret = -EFAULT;
			break;
		}
		stop = min(end, vma->vm_end);
		if (!(vma->vm_flags & (VM_READ | VM_WRITE))) {
			addr = stop;
			continue;
		}
		flags = vma->vm_flags & VM_WRITE ? FAULT_FLAG_WRITE : 0;
		while (addr < stop && !ret) {
			if (fatal_signal_pending(current))
				ret = -EINTR;
			else
				ret = fixup_user_fault(mm, addr, flags, NULL);
			addr = aclmem_mapped_end(mm, addr);
			cond_resched();
		}
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * Without a usable hint, place a mapping of pages of @align bytes so that
 * the address agrees with the file offset modulo @align: ask for len +
 * @align and slide.
 */
static unsigned long aclmem_aligned_area(struct file *file, unsigned long addr,
					 unsigned long len, unsigned long pgoff,
					 unsigned long flags, unsigned long align)
{
	unsigned long area, off;

	if (flags & MAP_FIXED || align <= PAGE_SIZE || len < align ||
	    len + align < len)
		goto fallback;
	if (addr && IS_ALIGNED(addr, align)) {
		area = aclmem_default_unmapped_area(file, addr, len, pgoff,
						    flags);
		if (area == addr)
			return area;
	}

	area = aclmem_default_unmapped_area(file, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(area))
		goto fallback;
	off = pgoff << PAGE_SHIFT;
	return area + ((off - area) & (align - 1));
fallback:
	return aclmem_default_unmapped_area(file, addr, len, pgoff, flags);
}

/* mmap of /dev/aclmem: the handle is named by @pgoff. */
unsigned long aclmem_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags)
{
	unsigned long align = PAGE_SIZE;
	struct aclmem_buf *buf;

	buf = flags & MAP_FIXED ? NULL :
	      aclmem_ctx_lookup(file->private_data,
				pgoff >> ACLMEM_PGOFF_SHIFT);
	if (buf) {
		align = aclmem_buf_page_size(buf);
		aclmem_buf_put(buf);
	}
	return aclmem_aligned_area(file, addr, len, pgoff, flags, align);
}

/* mremap of a mapping, whose file is the buffer's (its mappings hold it). */
static unsigned long aclmem_buf_get_unmapped_area(struct file *file,
						  unsigned long addr,
						  unsigned long len,
						  unsigned long pgoff,
						  unsigned long flags)
{
	return aclmem_aligned_area(file, addr, len, pgoff, flags,
				   aclmem_buf_page_size(file->private_data));
}

static const struct file_operations aclmem_buf_fops = {
	.owner = THIS_MODULE,
	.get_unmapped_area = aclmem_buf_get_unmapped_area,
	.llseek = noop_llseek,
};
