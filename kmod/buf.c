// SPDX-License-Identifier: GPL-2.0
/*
 * The pages behind one handle, shared by the handle and its mappings.
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "aclmem.h"

/**
 * aclmem_buf_create - take the pages of a new buffer from the pools
 * @size: bytes, a non-zero multiple of the page size
 * @order: ACLMEM_ORDER_2M or ACLMEM_ORDER_1G
 * @node: an online node or ACLMEM_NODE_ANY
 *
 * Return: the buffer with one reference, or ERR_PTR(-ENOMEM) (out of pages,
 * or over RLIMIT_MEMLOCK or user_limit_mb) or ERR_PTR(-EINTR).
 */
struct aclmem_buf *aclmem_buf_create(u64 size, unsigned int order, u32 node)
{
	unsigned long nr = size >> (PAGE_SHIFT + order);
	struct aclmem_buf *buf;
	int ret;

	buf = aclmem_should_fail() ? NULL :
	      kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->pfns = aclmem_should_fail() ? NULL :
		    kvmalloc_array(nr, sizeof(*buf->pfns), GFP_KERNEL_ACCOUNT);
	if (!buf->pfns) {
		ret = -ENOMEM;
		goto err_buf;
	}
	ret = aclmem_charge(size, &buf->charge);
	if (ret)
		goto err_pfns;
	ret = aclmem_pages_get(order, node, nr, buf->pfns);
	if (ret)
		goto err_charge;

	kref_init(&buf->ref);
	buf->size = size;
	buf->order = order;
	buf->node = node;
	buf->nr_pages = nr;
	return buf;

err_charge:
	aclmem_uncharge(&buf->charge);
err_pfns:
	kvfree(buf->pfns);
err_buf:
	kfree(buf);
	return ERR_PTR(ret);
}

static void aclmem_buf_release(struct kref *ref)
{
	struct aclmem_buf *buf = container_of(ref, struct aclmem_buf, ref);

	aclmem_pages_put(buf->order, buf->nr_pages, buf->pfns);
	aclmem_uncharge(&buf->charge);
	if (buf->file)
		fput(buf->file);
	kvfree(buf->pfns);
	kfree(buf);
}

void aclmem_buf_get(struct aclmem_buf *buf)
{
	kref_get(&buf->ref);
}

void aclmem_buf_put(struct aclmem_buf *buf)
{
	kref_put(&buf->ref, aclmem_buf_release);
}

/* The pfn of the 4 KiB page at byte @off; @off must be below buf->size. */
unsigned long aclmem_buf_pfn(const struct aclmem_buf *buf, u64 off)
{
	unsigned int shift = PAGE_SHIFT + buf->order;

	return buf->pfns[off >> shift] +
	       ((off & ((1ULL << shift) - 1)) >> PAGE_SHIFT);
}

/*
 * Count the 4 KiB pages whose reference count differs from what the pool
 * left: a 2 MiB page is compound (the head holds one reference, tails
 * none); every page of a 1 GiB range from alloc_contig_range() holds one.
 */
u64 aclmem_buf_bad_refs(const struct aclmem_buf *buf)
{
	unsigned long per = 1UL << buf->order, i, j;
	struct page *page;
	u64 bad = 0;
	int want;

	for (i = 0; i < buf->nr_pages; i++) {
		for (j = 0; j < per; j++) {
			page = pfn_to_page(buf->pfns[i] + j);
			if (buf->order == ACLMEM_ORDER_1G)
				want = 1;
			else
				want = j ? 0 : 1;
			if (page_ref_count(page) != want)
				bad++;
			if ((j & 511) == 511)
				cond_resched();
		}
	}
	return bad;
}
