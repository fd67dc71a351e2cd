// SPDX-License-Identifier: GPL-2.0
/*
 * A handle as a dma-buf file descriptor: mmap-able, passable over unix
 * sockets, importable by other drivers and back into aclmem handles.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "aclmem.h"

/**
 * struct aclmem_dmabuf - what one exported dma-buf holds
 * @buf: the pages; the dma-buf holds a reference
 * @inode: host of the dma-buf file's f_mapping, as for a buffer's own file
 *         (see fs.c), so that its mappings get huge entries too
 */
struct aclmem_dmabuf {
	struct aclmem_buf *buf;
	struct inode *inode;
};

static struct sg_table *aclmem_dmabuf_map(struct dma_buf_attachment *at,
					  enum dma_data_direction dir)
{
	struct aclmem_dmabuf *priv = at->dmabuf->priv;
	struct aclmem_buf *buf = priv->buf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, buf->nr_pages, GFP_KERNEL);
	if (ret)
		goto err_free;
	/* One entry per page: at most 1 GiB, well within an entry's length. */
	for_each_sgtable_sg(sgt, sg, i)
		sg_set_page(sg, pfn_to_page(buf->pfns[i]),
			    PAGE_SIZE << buf->order, 0);
	ret = dma_map_sgtable(at->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void aclmem_dmabuf_unmap(struct dma_buf_attachment *at,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
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
	kfree(priv);
}

static const struct dma_buf_ops aclmem_dmabuf_ops = {
	.map_dma_buf = aclmem_dmabuf_map,
	.unmap_dma_buf = aclmem_dmabuf_unmap,
	.mmap = aclmem_dmabuf_mmap,
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
