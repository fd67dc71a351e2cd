// SPDX-License-Identifier: GPL-2.0
/*
 * A handle as a dma-buf file descriptor: mmap-able, passable over unix
 * sockets, importable by other drivers and back into aclmem handles.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "aclmem.h"
#include "compat.h"

/**
 * struct aclmem_dmabuf - what one exported dma-buf holds
 * @buf: the pages; the dma-buf holds a reference
 * @inode: host of the dma-buf file's f_mapping, as for a buffer's own file
 *         (see fs.c), so that its mappings get huge entries too
 * @lock: protects @maps and @vaddr
 * @maps: the importers' mapped tables (struct aclmem_dmabuf_map), synced
 *        around CPU access
 * @vaddr: the kernel mapping made by vmap, or NULL
 */
struct aclmem_dmabuf {
	struct aclmem_buf *buf;
	struct inode *inode;
	struct mutex lock; /* see above */
	struct list_head maps;
	void *vaddr;
};

/**
 * struct aclmem_dmabuf_map - one mapping of an attachment
 * @sgt: the table the importer got
 * @dev: the importer's device
 * @dir: the direction it was mapped for
 * @node: in the dma-buf's @maps
 */
struct aclmem_dmabuf_map {
	struct sg_table sgt;
	struct device *dev;
	enum dma_data_direction dir;
	struct list_head node;
};

static struct sg_table *aclmem_dmabuf_map(struct dma_buf_attachment *at,
					  enum dma_data_direction dir)
{
	struct aclmem_dmabuf *priv = at->dmabuf->priv;
	struct aclmem_buf *buf = priv->buf;
	struct aclmem_dmabuf_map *map;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(&map->sgt, buf->nr_pages, GFP_KERNEL);
	if (ret)
		goto err_free;
	/* One entry per page: at most 1 GiB, well within an entry's length. */
	for_each_sgtable_sg(&map->sgt, sg, i)
		sg_set_page(sg, pfn_to_page(buf->pfns[i]),
			    PAGE_SIZE << buf->order, 0);
	ret = dma_map_sgtable(at->dev, &map->sgt, dir, 0);
	if (ret)
		goto err_table;
	map->dev = at->dev;
	map->dir = dir;
	mutex_lock(&priv->lock);
	list_add_tail(&map->node, &priv->maps);
	mutex_unlock(&priv->lock);
	return &map->sgt;

err_table:
	sg_free_table(&map->sgt);
err_free:
	kfree(map);
	return ERR_PTR(ret);
}

static void aclmem_dmabuf_unmap(struct dma_buf_attachment *at,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	struct aclmem_dmabuf_map *map =
		container_of(sgt, struct aclmem_dmabuf_map, sgt);
	struct aclmem_dmabuf *priv = at->dmabuf->priv;

	mutex_lock(&priv->lock);
	list_del(&map->node);
	mutex_unlock(&priv->lock);
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(map);
}

/*
 * A table mapped for one direction is synced for that direction (the DMA
 * API wants the two to agree); a bidirectional one for what the CPU does.
 */
static enum dma_data_direction
aclmem_dmabuf_sync_dir(const struct aclmem_dmabuf_map *map,
		       enum dma_data_direction cpu)
{
	return map->dir == DMA_BIDIRECTIONAL ? cpu : map->dir;
}

/*
 * Hand the memory to the CPU, or back to the devices: the kernel mapping
 * page by page (the helpers take an int size), then every mapped table.
 */
static void aclmem_dmabuf_sync(struct aclmem_dmabuf *priv,
			       enum dma_data_direction dir, bool for_cpu)
{
	size_t len = PAGE_SIZE << priv->buf->order;
	struct aclmem_dmabuf_map *map;
	enum dma_data_direction d;
	unsigned long i;

	mutex_lock(&priv->lock);
	for (i = 0; priv->vaddr && i < priv->buf->nr_pages; i++) {
		if (for_cpu)
			invalidate_kernel_vmap_range(priv->vaddr + i * len, len);
		else
			flush_kernel_vmap_range(priv->vaddr + i * len, len);
	}
	list_for_each_entry(map, &priv->maps, node) {
		d = aclmem_dmabuf_sync_dir(map, dir);
		if (for_cpu)
			dma_sync_sgtable_for_cpu(map->dev, &map->sgt, d);
		else
			dma_sync_sgtable_for_device(map->dev, &map->sgt, d);
	}
	mutex_unlock(&priv->lock);
}

static int aclmem_dmabuf_begin_cpu_access(struct dma_buf *dmabuf,
					  enum dma_data_direction dir)
{
	aclmem_dmabuf_sync(dmabuf->priv, dir, true);
	return 0;
}

static int aclmem_dmabuf_end_cpu_access(struct dma_buf *dmabuf,
					enum dma_data_direction dir)
{
	aclmem_dmabuf_sync(dmabuf->priv, dir, false);
	return 0;
}

/*
 * One kernel mapping of every 4 KiB page, in order; the dma-buf core
 * counts the vmaps and calls this for the first only.
 */
static int aclmem_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct aclmem_dmabuf *priv = dmabuf->priv;
	struct aclmem_buf *buf = priv->buf;
	u64 nr = buf->size >> PAGE_SHIFT, i;
	struct page **pages;
	void *vaddr;

	aclmem_dmabuf_assert_vmap_locked(dmabuf);
	if (nr > UINT_MAX)
		return -E2BIG;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pages[i] = pfn_to_page(aclmem_buf_pfn(buf, i << PAGE_SHIFT));
	vaddr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	if (!vaddr)
		return -ENOMEM;
	mutex_lock(&priv->lock);
	priv->vaddr = vaddr;
	mutex_unlock(&priv->lock);
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void aclmem_dmabuf_vunmap(struct dma_buf *dmabuf,
				 struct iosys_map *map)
{
	struct aclmem_dmabuf *priv = dmabuf->priv;

	aclmem_dmabuf_assert_vmap_locked(dmabuf);
	mutex_lock(&priv->lock);
	priv->vaddr = NULL;
	mutex_unlock(&priv->lock);
	vunmap(map->vaddr);
}

static int aclmem_dmabuf_mmap(struct dma_buf *dmabuf,
			      struct vm_area_struct *vma)
{
	struct aclmem_dmabuf *priv = dmabuf->priv;

	return aclmem_buf_mmap(priv->buf, vma, false);
}

static void aclmem_dmabuf_release(struct dma_buf *dmabuf)
{
	struct aclmem_dmabuf *priv = dmabuf->priv;

	atomic_dec(&priv->buf->dmabufs);
	aclmem_buf_put(priv->buf);
	iput(priv->inode);
	mutex_destroy(&priv->lock);
	kfree(priv);
}

static const struct dma_buf_ops aclmem_dmabuf_ops = {
	.map_dma_buf = aclmem_dmabuf_map,
	.unmap_dma_buf = aclmem_dmabuf_unmap,
	.begin_cpu_access = aclmem_dmabuf_begin_cpu_access,
	.end_cpu_access = aclmem_dmabuf_end_cpu_access,
	.mmap = aclmem_dmabuf_mmap,
	.vmap = aclmem_dmabuf_vmap,
	.vunmap = aclmem_dmabuf_vunmap,
	.release = aclmem_dmabuf_release,
};

/**
 * aclmem_dmabuf_export - a new dma-buf for @buf
 * @buf: the pages; the dma-buf takes its own reference
 *
 * Return: the dma-buf (drop it with dma_buf_put()), or an ERR_PTR.
 */
struct dma_buf *aclmem_dmabuf_export(struct aclmem_buf *buf)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct aclmem_dmabuf *priv;
	struct dma_buf *dmabuf;
	int ret;

	priv = aclmem_should_fail() ? NULL : kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return ERR_PTR(-ENOMEM);
	mutex_init(&priv->lock);
	INIT_LIST_HEAD(&priv->maps);
	priv->inode = aclmem_fs_inode();
	if (IS_ERR(priv->inode)) {
		ret = PTR_ERR(priv->inode);
		goto err_priv;
	}
	aclmem_buf_get(buf);
	priv->buf = buf;

	info.ops = &aclmem_dmabuf_ops;
	info.size = buf->size;
	info.flags = O_RDWR;
	info.priv = priv;
	dmabuf = aclmem_should_fail() ? ERR_PTR(-ENOMEM) : dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_buf;
	}
	/*
	 * From here the dma-buf owns priv: its release frees everything.
	 * Before anyone can map it, so every mapping sees the same host.
	 */
	dmabuf->file->f_mapping = priv->inode->i_mapping;
	atomic_inc(&buf->dmabufs);
	return dmabuf;

err_buf:
	aclmem_buf_put(buf);
	iput(priv->inode);
err_priv:
	mutex_destroy(&priv->lock);
	kfree(priv);
	return ERR_PTR(ret);
}

/* The pages behind an aclmem dma-buf fd, with a reference for the caller. */
struct aclmem_buf *aclmem_dmabuf_import(int fd)
{
	struct aclmem_dmabuf *priv;
	struct aclmem_buf *buf;
	struct dma_buf *dmabuf;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return ERR_CAST(dmabuf);
	if (dmabuf->ops != &aclmem_dmabuf_ops) {
		dma_buf_put(dmabuf);
		return ERR_PTR(-EINVAL);
	}
	priv = dmabuf->priv;
	buf = priv->buf;
	aclmem_buf_get(buf);
	dma_buf_put(dmabuf);
	return buf;
}

MODULE_IMPORT_NS(DMA_BUF);
