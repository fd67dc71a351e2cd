/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * aclmem: physically contiguous 2 MiB and 1 GiB pages for userspace,
 * handed out as handles on /dev/aclmem and mapped with one page-table entry
 * per page.
 */
#ifndef _UAPI_LINUX_ACLMEM_H
#define _UAPI_LINUX_ACLMEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: General ioctl format
 *
 * Every ioctl takes one fixed-size struct, numbered with _IOWR on magic
 * ACLMEM_IOCTL_MAGIC from ACLMEM_IOCTL_BASE; the size is part of the number,
 * so a caller built against another layout gets -ENOTTY. In every struct:
 *
 * - ``flags`` takes only the bits of the struct's VALID mask;
 * - ``reserved*`` fields must be zero;
 * - ``out_*`` fields are written by the kernel and must be zero on input.
 *
 * Errors, the same for every ioctl:
 *
 * - ENOTTY: unknown ioctl number (or a struct of another size), and every
 *   ioctl of a 32-bit process: a handle's mmap offset does not fit a
 *   32-bit mmap2 offset, so 32-bit callers are not served;
 * - EFAULT: the struct pointer is bad;
 * - EINVAL: a reserved or out_ field is not zero, an unknown flag is set,
 *   or a value is wrong (size 0 or not a multiple of the page size, an
 *   unknown page size, a node that is not online);
 * - EOVERFLOW: the size is larger than one handle can hold
 *   (ACLMEM_MAX_HANDLE_SIZE);
 * - ENOENT: no such handle in this file;
 * - ENOMEM: the pages cannot be had; the caller may retry later;
 * - ENOSPC: the file holds as many handles as it can;
 * - EINTR: a fatal signal arrived while the pool was growing.
 *
 * The CANN shim maps EINVAL to 100000 (or 107000 for sizes and alignment),
 * EOVERFLOW to 107000, ENOMEM to 207001 and anything else to 507899.
 *
 * Handles belong to the open file that allocated them: the last close(2)
 * of it frees every handle it still holds and revokes their tokens, mapped
 * or not (a mapping holds the pages, not the file). Pages live on while a
 * mapping, a dma-buf or another file's handle (IMPORT) holds them.
 */

/**
 * DOC: Mapping a handle
 *
 * mmap(2) on the /dev/aclmem file that holds the handle, MAP_SHARED only
 * (MAP_PRIVATE gets EINVAL), at offset ALLOC's out_offset plus a multiple of
 * the handle's page size (EINVAL otherwise), for a length that is a multiple
 * of the page size (EINVAL otherwise) and ends inside the handle (ENXIO
 * otherwise, and for an offset that names no handle). Without an aligned
 * address hint the kernel picks an address aligned to the page size; a
 * MAP_FIXED address that is not aligned gets EINVAL. Each 2 MiB page is
 * mapped by one PMD entry, each 1 GiB page by one PUD entry where the
 * kernel can map device memory with PUDs (x86_64); on arm64, which cannot,
 * by 512 PMD entries (checked on Debian's 6.1 and 6.12 arm64 kernels).
 * Parts of a mapping may be unmapped, mprotect'ed or mremap'ed only at
 * page size boundaries (EINVAL otherwise).
 *
 * A mapping holds the pages, not the file: they stay after FREE, after
 * close(2) of the file (which frees the file's handles, this one too, and
 * revokes their tokens), and go back to the pool with the last mapping.
 * In /proc/PID/maps a mapping's file is "/aclmem", the buffer's own (as a
 * dma-buf's is "/dmabuf:"), not /dev/aclmem. A child made by fork(2)
 * shares the parent's mappings (it sees and makes the same writes); a
 * fork leaves the entries of other processes mapping the same pages alone.
 *
 * The pages are not page-cache or anonymous memory: get_user_pages on a
 * mapping fails, so O_DIRECT, vmsplice(2) and process_vm_readv(2) on it get
 * EFAULT and take no page reference.
 */

#define ACLMEM_ABI_VERSION	1

#define ACLMEM_PAGE_SIZE_2M	(1ULL << 21)
#define ACLMEM_PAGE_SIZE_1G	(1ULL << 30)

/* Any online node, the caller's own first. */
#define ACLMEM_NODE_ANY		0xffffffffU

/* One handle addresses at most this much (its mmap window, see ALLOC). */
#define ACLMEM_MAX_HANDLE_SIZE	(1ULL << 40)

/* Index into aclmem_info.out_pools. */
enum aclmem_pool_index {
	ACLMEM_POOL_2M = 0,
	ACLMEM_POOL_1G = 1,
	ACLMEM_NR_POOLS = 2,
};

/**
 * struct aclmem_pool_stats - counters of one page size, summed over nodes
 * @page_size: the page size in bytes
 * @total: pages the pool holds, free or in use
 * @free: pages ready to be handed out
 * @in_use: pages held by handles or mappings
 * @target: pages the pool keeps when they are freed (the reserve)
 * @grown: pages taken from the kernel since load
 * @shrunk: pages given back to the kernel since load
 * @failed: allocations that could not be served since load (no pages to be
 *          had, 1 GiB growth refused to an unprivileged caller, or a fatal
 *          signal), counted on the node tried first; not those refused by
 *          RLIMIT_MEMLOCK or user_limit_mb, nor POOL_SET fills
 * @zeroed: free pages already zeroed (an allocation takes these first)
 * @dirty: free pages waiting to be zeroed in the background
 */
struct aclmem_pool_stats {
	__aligned_u64 page_size;
	__aligned_u64 total;
	__aligned_u64 free;
	__aligned_u64 in_use;
	__aligned_u64 target;
	__aligned_u64 grown;
	__aligned_u64 shrunk;
	__aligned_u64 failed;
	__aligned_u64 zeroed;
	__aligned_u64 dirty;
};

/**
 * struct aclmem_info - ioctl(ACLMEM_IOC_INFO)
 * @flags: must be 0
 * @out_abi_version: ACLMEM_ABI_VERSION of the module
 * @out_page_sizes: supported page sizes, ACLMEM_PAGE_SIZE_* or'ed together
 * @out_handles: handles held by this open file
 * @out_tgid: the caller's thread-group id in the initial pid namespace
 *            (the "bare" pid the lists of ACLMEM_EXPORT_INIT_PID_NS
 *            tokens name)
 * @reserved0: must be 0
 * @out_poisoned: per page size (enum aclmem_pool_index), pages taken out of
 *                the pool for good because a 4 KiB part of them is
 *                hardware-poisoned (PG_hwpoison); not in @out_pools' total
 * @out_pools: counters per page size, indexed by enum aclmem_pool_index
 */
struct aclmem_info {
	__u32 flags;
	__u32 out_abi_version;
	__aligned_u64 out_page_sizes;
	__aligned_u64 out_handles;
	__u32 out_tgid;
	__u32 reserved0;
	__aligned_u64 out_poisoned[ACLMEM_NR_POOLS];
	struct aclmem_pool_stats out_pools[ACLMEM_NR_POOLS];
};

#define ACLMEM_INFO_VALID_FLAGS		0U

/**
 * struct aclmem_alloc - ioctl(ACLMEM_IOC_ALLOC)
 * @size: bytes, a non-zero multiple of @page_size
 * @page_size: ACLMEM_PAGE_SIZE_2M or ACLMEM_PAGE_SIZE_1G
 * @flags: must be 0
 * @node: NUMA node of the pages, or ACLMEM_NODE_ANY
 * @out_handle: the new handle, never 0
 * @reserved0: must be 0
 * @out_offset: the mmap offset of the handle's first byte; map a part of
 *              the handle at @out_offset plus a multiple of @page_size
 * @reserved: must be 0
 *
 * The memory is zero.
 */
struct aclmem_alloc {
	__aligned_u64 size;
	__aligned_u64 page_size;
	__u32 flags;
	__u32 node;
	__u32 out_handle;
	__u32 reserved0;
	__aligned_u64 out_offset;
	__aligned_u64 reserved[2];
};

#define ACLMEM_ALLOC_VALID_FLAGS	0U

/**
 * struct aclmem_free - ioctl(ACLMEM_IOC_FREE)
 * @handle: a handle of this open file
 * @flags: must be 0
 * @reserved: must be 0
 *
 * The handle is gone at once; its pages go back to the pool when the last
 * mapping of them goes.
 */
struct aclmem_free {
	__u32 handle;
	__u32 flags;
	__aligned_u64 reserved[2];
};

#define ACLMEM_FREE_VALID_FLAGS		0U

/*
 * QUERY flag: also count the 4 KiB pages of the handle whose reference
 * count is not what the pool left there (a diagnostic; it walks every page).
 */
#define ACLMEM_QUERY_CHECK_REFS		(1U << 0)

/**
 * struct aclmem_query - ioctl(ACLMEM_IOC_QUERY)
 * @handle: a handle of this open file
 * @flags: ACLMEM_QUERY_* or'ed together
 * @out_size: bytes
 * @out_page_size: ACLMEM_PAGE_SIZE_2M or ACLMEM_PAGE_SIZE_1G
 * @out_offset: the mmap offset, as ALLOC returned it
 * @out_node: the node asked for at ALLOC (may be ACLMEM_NODE_ANY)
 * @out_mappings: VMAs that map the handle now
 * @out_faults_pte: faults served with a 4 KiB entry
 * @out_faults_pmd: faults served with a 2 MiB entry
 * @out_faults_pud: faults served with a 1 GiB entry
 * @out_bad_refs: with ACLMEM_QUERY_CHECK_REFS, pages whose reference count
 *                changed; 0 otherwise
 * @reserved: must be 0
 */
struct aclmem_query {
	__u32 handle;
	__u32 flags;
	__aligned_u64 out_size;
	__aligned_u64 out_page_size;
	__aligned_u64 out_offset;
	__u32 out_node;
	__u32 out_mappings;
	__aligned_u64 out_faults_pte;
	__aligned_u64 out_faults_pmd;
	__aligned_u64 out_faults_pud;
	__aligned_u64 out_bad_refs;
	__aligned_u64 reserved[4];
};

#define ACLMEM_QUERY_VALID_FLAGS	ACLMEM_QUERY_CHECK_REFS

/**
 * DOC: Sharing a handle
 *
 * Two ways, both enforced here. A token: EXPORT gives a random number
 * below 2^53 (it survives a signed 64-bit integer and a JSON number) that
 * names the handle system-wide; another process imports it if it is on
 * the token's list (SET_PIDS), or, with ACLMEM_EXPORT_ANY_PID, whoever it
 * is. SET_PIDS takes thread-group ids as the exporter's pid namespace
 * numbers them (with ACLMEM_EXPORT_INIT_PID_NS: as the initial namespace
 * does, INFO's out_tgid, the "bare" tgids CANN's whitelists name) and
 * resolves each to its process when it is set: the entry admits that
 * process only, not one that has the number later (a pid reused), and
 * only if it started before the entry was set. A number that names no
 * process (or a thread that does not lead its group) is taken, holds its
 * place on the list and admits nobody. The exporting process is admitted
 * by the same rules, and is known the same way: a process that gets its
 * pid after it died is not the exporter. A
 * token lives while the exporter's handle does: FREE or close(2) revokes
 * it, and so does UNEXPORT, after which the handle may be exported again
 * (under a new token); handles imported before keep the pages. A file
 * descriptor: EXPORT_FD gives a dma-buf fd for the handle,
 * which can be mmap'ed, passed over a unix socket and imported with
 * IMPORT_FD; the memory lives while the fd is open.
 *
 * Either import makes a new handle in the importing file that shares the
 * pages; the pages go back to the pool when the last handle, fd and
 * mapping of them are gone. Errors besides the general ones:
 *
 * - EPERM: EXPORT of an imported handle; SET_PIDS on an ANY_PID token,
 *   which has no list;
 * - EEXIST: EXPORT of a handle that has a token already;
 * - ENOENT: an unknown or revoked token;
 * - EACCES: IMPORT by a process the token does not admit; SET_PIDS by
 *   another process than the exporter; UNEXPORT by another process than
 *   the exporter, or on another file than the one holding the handle;
 * - EINVAL: SET_PIDS with every pid 0 (0 entries are ignored); IMPORT_FD
 *   of an fd that is not an aclmem dma-buf;
 * - ENOSPC: SET_PIDS beyond ACLMEM_MAX_SHARE_PIDS.
 */

#define ACLMEM_MAX_SHARE_PIDS	65535

/* EXPORT flag: any process may import; the token has no list. */
#define ACLMEM_EXPORT_ANY_PID	(1U << 0)
/* EXPORT flag: SET_PIDS numbers are tgids of the initial pid namespace. */
#define ACLMEM_EXPORT_INIT_PID_NS	(1U << 1)

/**
 * struct aclmem_export - ioctl(ACLMEM_IOC_EXPORT)
 * @handle: a handle this file allocated (not imported)
 * @flags: ACLMEM_EXPORT_* or'ed together
 * @out_token: the token, never 0, below 2^53
 * @cookie: any value, kept with the token and given to every importer (the
 *	    CANN library puts the exporter's memory properties there)
 * @reserved: must be 0
 */
struct aclmem_export {
	__u32 handle;
	__u32 flags;
	__aligned_u64 out_token;
	__aligned_u64 cookie;
	__aligned_u64 reserved[1];
};

#define ACLMEM_EXPORT_VALID_FLAGS	(ACLMEM_EXPORT_ANY_PID | \
					 ACLMEM_EXPORT_INIT_PID_NS)

/**
 * struct aclmem_set_pids - ioctl(ACLMEM_IOC_SET_PIDS)
 * @token: a token this process exported
 * @pids: user pointer to @nr_pids __u32 tgids to admit, in the token's pid
 *	  namespace (added to the list; one already there is resolved and
 *	  has its time set anew; 0 entries are ignored)
 * @nr_pids: 1 to ACLMEM_MAX_SHARE_PIDS
 * @flags: must be 0
 * @reserved: must be 0
 */
struct aclmem_set_pids {
	__aligned_u64 token;
	__aligned_u64 pids;
	__u32 nr_pids;
	__u32 flags;
	__aligned_u64 reserved[2];
};

#define ACLMEM_SET_PIDS_VALID_FLAGS	0U

/**
 * struct aclmem_import - ioctl(ACLMEM_IOC_IMPORT) and ioctl(ACLMEM_IOC_IMPORT_FD)
 * @token: IMPORT: the token; IMPORT_FD: the dma-buf fd
 * @flags: must be 0
 * @out_handle: the new handle in this file
 * @out_offset: its mmap offset
 * @out_size: its size in bytes
 * @out_page_size: its page size
 * @out_cookie: IMPORT: the exporter's EXPORT cookie; IMPORT_FD: 0
 * @reserved: must be 0
 */
struct aclmem_import {
	__aligned_u64 token;
	__u32 flags;
	__u32 out_handle;
	__aligned_u64 out_offset;
	__aligned_u64 out_size;
	__aligned_u64 out_page_size;
	__aligned_u64 out_cookie;
	__aligned_u64 reserved[1];
};

#define ACLMEM_IMPORT_VALID_FLAGS	0U

/**
 * struct aclmem_unexport - ioctl(ACLMEM_IOC_UNEXPORT)
 * @token: a token this process exported from a handle of this file
 * @flags: must be 0
 * @reserved0: must be 0
 * @reserved: must be 0
 *
 * Revokes the token: IMPORT and SET_PIDS of it get ENOENT from now on.
 */
struct aclmem_unexport {
	__aligned_u64 token;
	__u32 flags;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};

#define ACLMEM_UNEXPORT_VALID_FLAGS	0U

/**
 * DOC: A handle as a dma-buf
 *
 * EXPORT_FD's dma-buf holds the handle's pages, not the handle: FREE and
 * close(2) of /dev/aclmem leave them to it, and they go back to the pool
 * once the last fd, mapping and importer of the dma-buf are gone. While
 * any of these is left the module cannot be unloaded (EWOULDBLOCK).
 *
 * Another driver that imports it (DRM PRIME, V4L2, ...) gets, from
 * dma_buf_map_attachment(), one scatterlist entry per 2 MiB or 1 GiB page,
 * mapped for its device. A CPU importer gets, from dma_buf_vmap(), one
 * kernel mapping of the whole buffer in 4 KiB entries (the same memory
 * userspace maps). DMA_BUF_IOCTL_SYNC, and the kernel's
 * dma_buf_begin_cpu_access() and dma_buf_end_cpu_access(), sync every
 * importer's mapped table for the CPU and back for the device: for the
 * access asked for where the table was mapped both ways, else for the
 * direction it was mapped for. Where devices and CPU are coherent (x86)
 * that costs nothing.
 *
 * On arm64 a device that is not DMA-coherent gets the cache maintenance
 * through the DMA API: dma_map_sgtable() cleans the pages to the point of
 * coherency, so the zeroes the pool wrote and the CPU's writes reach the
 * device; the start of DMA_BUF_IOCTL_SYNC invalidates for the CPU, its
 * end cleans for the device. Every CPU mapping of the pages (the linear
 * map the module zeroes through, the userspace mappings, the vmap) is
 * Normal cacheable memory, so no two aliases differ in their attributes.
 * Checked in Debian's 6.1 and 6.12 arm64 sources (dma-direct's
 * arch_sync_dma_for_cpu/for_device run for a device whose dma_coherent is
 * false, as for vgem's, which has no firmware node) and run by
 * dmabuf_import_test under both kernels. TCG models no caches, so no test
 * here can see a missing clean or invalidate.
 */

/**
 * struct aclmem_export_fd - ioctl(ACLMEM_IOC_EXPORT_FD)
 * @handle: a handle of this file
 * @flags: ACLMEM_EXPORT_FD_CLOEXEC
 * @out_fd: the dma-buf fd, opened read-write
 * @reserved0: must be 0
 * @reserved: must be 0
 */
struct aclmem_export_fd {
	__u32 handle;
	__u32 flags;
	__s32 out_fd;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};

#define ACLMEM_EXPORT_FD_CLOEXEC	(1U << 0)
#define ACLMEM_EXPORT_FD_VALID_FLAGS	ACLMEM_EXPORT_FD_CLOEXEC

/**
 * struct aclmem_populate - ioctl(ACLMEM_IOC_POPULATE)
 * @addr: start of a range of the caller's address space, 4 KiB aligned
 * @len: its length, a multiple of 4 KiB
 * @flags: must be 0
 * @reserved0: must be 0
 * @reserved: must be 0
 *
 * Fills in the page-table entries of aclmem mappings (of /dev/aclmem or of
 * an aclmem dma-buf) in the range, so that touching them takes no fault.
 * Mappings without access (PROT_NONE) are left alone. MAP_POPULATE cannot
 * do this: the kernel does not populate pfn mappings. Errors: EINVAL (bad
 * range), EFAULT (part of the range is not an aclmem mapping), EINTR.
 */
struct aclmem_populate {
	__aligned_u64 addr;
	__aligned_u64 len;
	__u32 flags;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};

#define ACLMEM_POPULATE_VALID_FLAGS	0U

#define ACLMEM_IOCTL_MAGIC	0xAC
#define ACLMEM_IOCTL_BASE	0x40

enum aclmem_cmd {
	ACLMEM_CMD_INFO = ACLMEM_IOCTL_BASE,
	ACLMEM_CMD_ALLOC,
	ACLMEM_CMD_FREE,
	ACLMEM_CMD_QUERY,
	ACLMEM_CMD_EXPORT,
	ACLMEM_CMD_SET_PIDS,
	ACLMEM_CMD_IMPORT,
	ACLMEM_CMD_EXPORT_FD,
	ACLMEM_CMD_IMPORT_FD,
	ACLMEM_CMD_POPULATE,
	ACLMEM_CMD_UNEXPORT,
};

#define ACLMEM_IOC_INFO		_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_INFO, \
				      struct aclmem_info)
#define ACLMEM_IOC_ALLOC	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_ALLOC, \
				      struct aclmem_alloc)
#define ACLMEM_IOC_FREE		_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_FREE, \
				      struct aclmem_free)
#define ACLMEM_IOC_QUERY	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_QUERY, \
				      struct aclmem_query)
#define ACLMEM_IOC_EXPORT	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_EXPORT, \
				      struct aclmem_export)
#define ACLMEM_IOC_SET_PIDS	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_SET_PIDS, \
				      struct aclmem_set_pids)
#define ACLMEM_IOC_IMPORT	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_IMPORT, \
				      struct aclmem_import)
#define ACLMEM_IOC_EXPORT_FD	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_EXPORT_FD, \
				      struct aclmem_export_fd)
#define ACLMEM_IOC_IMPORT_FD	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_IMPORT_FD, \
				      struct aclmem_import)
#define ACLMEM_IOC_POPULATE	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_POPULATE, \
				      struct aclmem_populate)
#define ACLMEM_IOC_UNEXPORT	_IOWR(ACLMEM_IOCTL_MAGIC, ACLMEM_CMD_UNEXPORT, \
				      struct aclmem_unexport)

/**
 * DOC: Generic netlink family "aclmem"
 *
 * For operators: the pools per page size and node, the handles of every
 * process, pool targets, and events. Commands:
 *
 * - ACLMEM_GENL_CMD_POOL_GET, dump: one message per page size and online
 *   node with ACLMEM_GENL_A_POOL_* attributes;
 * - ACLMEM_GENL_CMD_HANDLE_GET, dump: one message per handle of every open
 *   /dev/aclmem file, with ACLMEM_GENL_A_HANDLE_*; ACLMEM_GENL_A_HANDLE_PID
 *   in the request keeps only that process's. A requester without
 *   CAP_SYS_ADMIN sees only the files opened under its own effective uid
 *   (that of whoever opened the socket), as /proc shows a user its own
 *   processes; ACLMEM_GENL_A_HANDLE_TOKEN only for a requester with
 *   CAP_SYS_ADMIN, as a token admits whoever knows it to import under
 *   ACLMEM_EXPORT_ANY_PID;
 * - ACLMEM_GENL_CMD_POOL_SET, do, CAP_SYS_ADMIN (EPERM otherwise): sets
 *   ACLMEM_GENL_A_POOL_TARGET pages for ACLMEM_GENL_A_POOL_PAGE_SIZE on
 *   ACLMEM_GENL_A_POOL_NODE (every online node without it). Free pages
 *   above the target go back before the reply; below it, the pool grows
 *   in the background, as far as the kernel gives pages: each pool set
 *   ends in an event, ACLMEM_GENL_EVENT_POOL_FILLED when it reached the
 *   target, ACLMEM_GENL_EVENT_POOL_FILL_FAILED when the kernel ran out
 *   (the target stays), with POOL_GROWN at most once a second meanwhile.
 *   Subscribe to "events" before the request to see them. A POOL_SET for
 *   a pool whose fill still runs stops that fill, which then sends
 *   nothing: the event of the new target (ACLMEM_GENL_A_POOL_TARGET) ends
 *   both. Unloading the module stops a fill too;
 * - ACLMEM_GENL_CMD_EVENT, in multicast group "events": ACLMEM_GENL_A_EVENT
 *   (enum aclmem_genl_event) with the pool's page size and node.
 *
 * 64-bit attributes are padded with ACLMEM_GENL_A_PAD. Malformed requests
 * get an extended-ack message.
 */
#define ACLMEM_GENL_NAME		"aclmem"
#define ACLMEM_GENL_VERSION		1
#define ACLMEM_GENL_MCGRP_EVENTS	"events"

enum aclmem_genl_cmd {
	ACLMEM_GENL_CMD_UNSPEC,
	ACLMEM_GENL_CMD_POOL_GET,
	ACLMEM_GENL_CMD_POOL_SET,
	ACLMEM_GENL_CMD_HANDLE_GET,
	ACLMEM_GENL_CMD_EVENT,

	__ACLMEM_GENL_CMD_MAX,
	ACLMEM_GENL_CMD_MAX = __ACLMEM_GENL_CMD_MAX - 1,
};

enum aclmem_genl_attr {
	ACLMEM_GENL_A_UNSPEC,
	ACLMEM_GENL_A_PAD,
	ACLMEM_GENL_A_POOL_PAGE_SIZE,	/* u64, bytes */
	ACLMEM_GENL_A_POOL_NODE,	/* u32 */
	ACLMEM_GENL_A_POOL_TOTAL,	/* u64, pages, free or in use */
	ACLMEM_GENL_A_POOL_FREE,	/* u64, pages */
	ACLMEM_GENL_A_POOL_ZEROED,	/* u64, free pages zeroed */
	ACLMEM_GENL_A_POOL_DIRTY,	/* u64, free pages waiting to be zeroed */
	ACLMEM_GENL_A_POOL_IN_USE,	/* u64, pages */
	ACLMEM_GENL_A_POOL_TARGET,	/* u64, pages kept free */
	ACLMEM_GENL_A_POOL_GROWN,	/* u64, pages taken from the kernel */
	ACLMEM_GENL_A_POOL_SHRUNK,	/* u64, pages given back */
	ACLMEM_GENL_A_POOL_FAILED,	/* u64, refused allocations */
	ACLMEM_GENL_A_HANDLE_PID,	/* u32, tgid (initial pid namespace) */
	ACLMEM_GENL_A_HANDLE_COMM,	/* string, the owner's command */
	ACLMEM_GENL_A_HANDLE_ID,	/* u32, the handle in its file */
	ACLMEM_GENL_A_HANDLE_SIZE,	/* u64, bytes */
	ACLMEM_GENL_A_HANDLE_PAGE_SIZE,	/* u64, bytes */
	ACLMEM_GENL_A_HANDLE_NODE,	/* u32, asked for (may be "any") */
	ACLMEM_GENL_A_HANDLE_MAPPINGS,	/* u32, VMAs mapping the pages */
	ACLMEM_GENL_A_HANDLE_TOKEN,	/* u64, the token exported from it */
	ACLMEM_GENL_A_HANDLE_IMPORTED,	/* flag: made by IMPORT/IMPORT_FD */
	ACLMEM_GENL_A_HANDLE_SHARERS,	/* u32, other handles on the pages */
	ACLMEM_GENL_A_HANDLE_DMABUFS,	/* u32, dma-bufs of the pages */
	ACLMEM_GENL_A_EVENT,		/* u32, enum aclmem_genl_event */
	ACLMEM_GENL_A_POOL_POISONED,	/* u64, pages quarantined for poison */

	__ACLMEM_GENL_A_MAX,
	ACLMEM_GENL_A_MAX = __ACLMEM_GENL_A_MAX - 1,
};

enum aclmem_genl_event {
	ACLMEM_GENL_EVENT_ALLOC_FAILED = 1,	/* an allocation was refused */
	ACLMEM_GENL_EVENT_POOL_GROWN,		/* pages taken from the kernel */
	ACLMEM_GENL_EVENT_POOL_SHRUNK,		/* pages given back */
	ACLMEM_GENL_EVENT_POOL_LOW,		/* free fell below target / 4 */
	ACLMEM_GENL_EVENT_POOL_FILLED,		/* a pool set reached its target */
	ACLMEM_GENL_EVENT_POOL_FILL_FAILED,	/* ... or the kernel ran out */
};

#endif /* _UAPI_LINUX_ACLMEM_H */
