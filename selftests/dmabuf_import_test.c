// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a second driver imports an aclmem dma-buf. vgem (the
 * kernel's virtual GEM driver, loaded by the runner) takes a 2 MiB and a
 * 1 GiB handle's dma-buf with DRM_IOCTL_PRIME_FD_TO_HANDLE, which attaches
 * and maps it. While vgem holds it, the handle is freed and both the
 * /dev/aclmem file and the dma-buf fd are closed: the pages stay in use
 * (pool counters), the module refuses to unload, and the dma-buf vgem
 * gives back (PRIME_HANDLE_TO_FD: the same dma-buf) still has the data,
 * through mmap and DMA_BUF_IOCTL_SYNC, and imports into aclmem again.
 * Closing vgem's GEM handle, or its file, lets the pages go: in_use is back
 * at the baseline and, once the zeroing worker is idle, every free page is
 * zeroed. DMA_BUF_IOCTL_SYNC start and end, for read, write and both, work
 * with and without vgem's mapping attached; a bad sync is EINVAL.
 *
 * vgem neither maps an imported object itself (DRM_IOCTL_MODE_MAP_DUMB
 * refuses imports) nor vmaps it from any ioctl. A CPU importer that does:
 * vivid (the virtual video driver, also loaded by the runner) captures
 * into DMABUF buffers with videobuf2-vmalloc, which vmaps each dma-buf at
 * VIDIOC_QBUF and writes every frame through that kernel mapping. Two
 * dma-bufs of one handle are queued; after a frame, userspace's mapping of
 * the handle has the frame where the pattern was (every word of the image
 * changed) and the pattern past it. REQBUFS 0 vunmaps and drops them.
 */
#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>

#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#include "aclmem_module.h"
#include "aclmem_utils.h"

/* The DRM ioctls used here (include/uapi/drm/drm.h; no libdrm needed). */
struct vgem_gem_close {
	__u32 handle;
	__u32 pad;
};

struct vgem_prime_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};

#define VGEM_IOCTL_GEM_CLOSE		_IOW('d', 0x09, struct vgem_gem_close)
#define VGEM_IOCTL_PRIME_HANDLE_TO_FD	_IOWR('d', 0x2d, struct vgem_prime_handle)
#define VGEM_IOCTL_PRIME_FD_TO_HANDLE	_IOWR('d', 0x2e, struct vgem_prime_handle)

/* vgem registers its own platform device; its DRM minors sit below it. */
#define VGEM_SYSFS_DRM	"/sys/devices/platform/vgem/drm"

/* Seconds to wait for the zeroing worker after a 1 GiB page is freed. */
#define IDLE_TIMEOUT	120

/*
 * Open /dev/@devdir/NAME for the first entry NAME of @sysdir that starts
 * with @prefix and, if @want is set, whose "name" attribute is @want: an
 * fd or -errno.
 */
static int open_node(const char *sysdir, const char *prefix,
		     const char *devdir, const char *want)
{
	char path[600], name[64];
	struct dirent *de;
	int fd = -ENODEV;
	DIR *dir;

	dir = opendir(sysdir);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/name", sysdir, de->d_name);
		if (want && (aclmem_read_line(path, name, sizeof(name)) ||
			     strcmp(name, want)))
			continue;
		snprintf(path, sizeof(path), "/dev/%s%s", devdir, de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		break;
	}
	closedir(dir);
	return fd;
}

/* vgem's primary node, /dev/dri/cardN. */
static int vgem_open(void)
{
	return open_node(VGEM_SYSFS_DRM, "card", "dri/", NULL);
}

static int vgem_import(int card, int dfd, __u32 *gem)
{
	struct vgem_prime_handle args = { .fd = dfd };

	if (ioctl(card, VGEM_IOCTL_PRIME_FD_TO_HANDLE, &args))
		return -errno;
	*gem = args.handle;
	return 0;
}

/* The dma-buf of vgem's object @gem as a new fd: an fd or -errno. */
static int vgem_export(int card, __u32 gem)
{
	struct vgem_prime_handle args = {
		.handle = gem, .flags = O_RDWR | O_CLOEXEC, .fd = -1,
	};

	if (ioctl(card, VGEM_IOCTL_PRIME_HANDLE_TO_FD, &args))
		return -errno;
	return args.fd;
}

static int vgem_close(int card, __u32 gem)
{
	struct vgem_gem_close args = { .handle = gem };

	return ioctl(card, VGEM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

static int dmabuf_sync(int dfd, __u64 flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(dfd, DMA_BUF_IOCTL_SYNC, &sync) ? -errno : 0;
}

static ino_t inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static int export_fd(int fd, __u32 h)
{
	struct aclmem_export_fd ex = {
		.handle = h, .flags = ACLMEM_EXPORT_FD_CLOEXEC,
	};

	return ioctl(fd, ACLMEM_IOC_EXPORT_FD, &ex) ? -errno : ex.out_fd;
}

#define VIVID_CAP_NAME	"vivid-000-vid-cap"
#define V4L_SYSFS	"/sys/class/video4linux"

/* A frame comes 1/30 s after STREAMON; TCG on a busy host is slow. */
#define FRAME_TIMEOUT_MS	30000

/* vivid's first capture node, /dev/videoN. */
static int vivid_open(void)
{
	return open_node(V4L_SYSFS, "video", "", VIVID_CAP_NAME);
}

static int vivid_reqbufs(int vfd, __u32 count)
{
	struct v4l2_requestbuffers req = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF,
	};

	return ioctl(vfd, VIDIOC_REQBUFS, &req) ? -errno : (int)req.count;
}

static int vivid_qbuf(int vfd, __u32 index, int dfd)
{
	struct v4l2_buffer b = {
		.index = index,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF,
		.m.fd = dfd,
	};

	return ioctl(vfd, VIDIOC_QBUF, &b) ? -errno : 0;
}

static int vivid_stream(int vfd, bool on)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	return ioctl(vfd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type) ?
	       -errno : 0;
}

/* Wait for a frame and dequeue it: its bytesused, or -errno. */
static long vivid_dqbuf(int vfd)
{
	struct pollfd pfd = { .fd = vfd, .events = POLLIN };
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF,
	};
	int n = poll(&pfd, 1, FRAME_TIMEOUT_MS);

	if (n <= 0)
		return n ? -errno : -ETIMEDOUT;
	if (ioctl(vfd, VIDIOC_DQBUF, &b))
		return -errno;
	if (b.flags & V4L2_BUF_FLAG_ERROR)
		return -EIO;
	return b.bytesused;
}

/* Words of the first @len bytes of @buf still holding the pattern. */
static size_t pattern_words(const void *buf, size_t len, __u64 seed)
{
	const volatile __u64 *w = buf;
	size_t i, n = 0;

	for (i = 0; i < len / 8; i++)
		n += w[i] == aclmem_word(seed, i * 8);
	return n;
}

FIXTURE(dmabuf_import) {
	int fd;
	struct aclmem_info base;
	int card;
	int vfd;
};

FIXTURE_VARIANT(dmabuf_import) {
	__u64 page_size;
};

FIXTURE_VARIANT_ADD(dmabuf_import, 2m) {
	.page_size = SZ_2M,
};

FIXTURE_VARIANT_ADD(dmabuf_import, 1g) {
	.page_size = SZ_1G,
};

FIXTURE_SETUP(dmabuf_import)
{
	aclmem_fixture_setup(_metadata, &self->fd, &self->base);
	self->card = vgem_open();
	self->vfd = vivid_open();
}

FIXTURE_TEARDOWN(dmabuf_import)
{
	if (self->vfd >= 0)
		close(self->vfd);
	if (self->card >= 0)
		close(self->card);
	aclmem_fixture_teardown(_metadata, &self->fd, &self->base);
}

/* Wait until nothing is left to zero in either pool. */
static int wait_idle(int fd)
{
	struct aclmem_info info;
	int i, busy = 1;
	time_t end = time(NULL) + IDLE_TIMEOUT;

	while (busy && time(NULL) < end) {
		if (_aclmem_info(fd, 0, &info))
			return -1;
		busy = 0;
		for (i = 0; i < ACLMEM_NR_POOLS; i++)
			if (info.out_pools[i].free != info.out_pools[i].zeroed)
				busy = 1;
		if (busy)
			aclmem_msleep(50);
	}
	return busy ? -1 : 0;
}

/*
 * A handle of @size written with @seed, exported, imported by vgem, and
 * then freed, with its file and dma-buf fd closed: vgem alone holds the
 * pages. Returns vgem's handle.
 */
static __u32 hand_to_vgem(struct __test_metadata *_metadata, int card,
			  __u64 size, __u64 page_size, __u64 seed)
{
	int fd = aclmem_open(), dfd, rfd;
	__u64 off = 0;
	__u32 h = 0, gem = 0;
	void *p = NULL;

	ASSERT_LE(0, fd);
	aclmem_alloc(fd, size, page_size, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(fd, size, off, &p);
	aclmem_fill(p, size, seed);
	aclmem_munmap(p, size);
	dfd = export_fd(fd, h);
	ASSERT_LE(0, dfd);

	ASSERT_EQ(0, vgem_import(card, dfd, &gem));
	/* vgem hands back the dma-buf it imported, not one of its own */
	rfd = vgem_export(card, gem);
	ASSERT_LE(0, rfd);
	EXPECT_EQ(inode_of(dfd), inode_of(rfd));
	ASSERT_EQ(0, close(rfd));

	aclmem_free(fd, h);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, close(dfd));
	return gem;
}

/* What only vgem holds: counted in use, unload refused, the data there. */
static void check_held(struct __test_metadata *_metadata, int fd, int card,
		       __u32 gem, __u64 size, __u64 page_size, __u64 in_use,
		       __u64 seed)
{
	struct aclmem_import im = { 0 };
	int rfd;
	void *p;

	aclmem_expect_in_use(fd, page_size, in_use);
	ASSERT_EQ(-EWOULDBLOCK, try_unload());
	ASSERT_EQ(0, access(ACLMEM_DEV_PATH, F_OK));

	rfd = vgem_export(card, gem);
	ASSERT_LE(0, rfd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, dmabuf_sync(rfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	aclmem_assert_pattern(p, size, seed);
	ASSERT_EQ(0, dmabuf_sync(rfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, munmap(p, size));

	/* still aclmem's dma-buf, on the same pages, their counts intact */
	im.token = rfd;
	ASSERT_EQ(0, ioctl(fd, ACLMEM_IOC_IMPORT_FD, &im));
	EXPECT_EQ(size, im.out_size);
	EXPECT_EQ(page_size, im.out_page_size);
	aclmem_expect_no_bad_refs(fd, im.out_handle);
	aclmem_free(fd, im.out_handle);
	ASSERT_EQ(0, close(rfd));
	aclmem_expect_in_use(fd, page_size, in_use);
}

/* The pages are back: in_use at the baseline, the pool idle and zeroed. */
static void check_released(struct __test_metadata *_metadata, int fd,
			   __u64 page_size, __u64 in_use)
{
	aclmem_expect_in_use(fd, page_size, in_use);
	ASSERT_EQ(0, wait_idle(fd)) {
		TH_LOG("the zeroing worker was not idle after %d s",
		       IDLE_TIMEOUT);
	}
	aclmem_expect_in_use(fd, page_size, in_use);
}

/*
 * Only vgem holds the pages until its GEM handle is closed, or with
 * @close_card its file.
 */
static void held_by_vgem(struct __test_metadata *_metadata,
			 FIXTURE_DATA(dmabuf_import) *self, __u64 ps,
			 bool close_card, __u64 seed)
{
	__u64 base = self->base.out_pools[aclmem_pool_index(ps)].in_use;
	__u32 gem;

	if (self->card < 0)
		SKIP(return, "no vgem card node: %s", strerror(-self->card));
	gem = hand_to_vgem(_metadata, self->card, ps, ps, seed);
	check_held(_metadata, self->fd, self->card, gem, ps, ps, base + 1,
		   seed);
	if (close_card) {
		ASSERT_EQ(0, close(self->card));
		self->card = -1;
	} else {
		ASSERT_EQ(0, vgem_close(self->card, gem));
	}
	check_released(_metadata, self->fd, ps, base);
}

TEST_F_TIMEOUT(dmabuf_import, survives_free_and_close, ACLMEM_1G_TIMEOUT)
{
	held_by_vgem(_metadata, self, variant->page_size, false, 21);
}

TEST_F_TIMEOUT(dmabuf_import, released_by_closing_vgem, ACLMEM_1G_TIMEOUT)
{
	held_by_vgem(_metadata, self, variant->page_size, true, 22);
}

/* START/END for each direction; the data written between is there. */
static void sync_each_way(struct __test_metadata *_metadata, int dfd,
			  void *p, const void *q, __u64 size, __u64 seed)
{
	static const __u64 dirs[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_START | dirs[i]));
		if (dirs[i] & DMA_BUF_SYNC_WRITE)
			aclmem_fill(p, size, seed + i);
		ASSERT_EQ(0, dmabuf_sync(dfd, DMA_BUF_SYNC_END | dirs[i]));
		if (dirs[i] & DMA_BUF_SYNC_WRITE)
			aclmem_assert_pattern(q, size, seed + i);
	}
	EXPECT_EQ(-EINVAL, dmabuf_sync(dfd, DMA_BUF_SYNC_START));
	EXPECT_EQ(-EINVAL, dmabuf_sync(dfd, DMA_BUF_SYNC_RW | (1ULL << 8)));
}

TEST_F_TIMEOUT(dmabuf_import, sync_with_and_without_importer,
	       ACLMEM_1G_TIMEOUT)
{
	__u64 ps = variant->page_size, size = ps, off = 0;
	void *p = NULL, *q = NULL;
	__u32 h = 0, gem = 0;
	int dfd;

	if (self->card < 0)
		SKIP(return, "no vgem card node: %s", strerror(-self->card));
	aclmem_alloc(self->fd, size, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, size, off, &q);
	dfd = export_fd(self->fd, h);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, _aclmem_mmap(dfd, NULL, size, 0, MAP_SHARED, &p));

	sync_each_way(_metadata, dfd, p, q, size, 31);
	ASSERT_EQ(0, vgem_import(self->card, dfd, &gem));
	sync_each_way(_metadata, dfd, p, q, size, 41);
	ASSERT_EQ(0, vgem_close(self->card, gem));
	sync_each_way(_metadata, dfd, p, q, size, 51);

	aclmem_munmap(p, size);
	aclmem_munmap(q, size);
	ASSERT_EQ(0, close(dfd));
	aclmem_free(self->fd, h);
}

TEST_F_TIMEOUT(dmabuf_import, vmap_by_vivid, ACLMEM_1G_TIMEOUT)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	__u64 ps = variant->page_size, size = ps, off = 0, end;
	int d0, d1;
	void *p = NULL;
	long used;
	__u32 h = 0;

	if (self->vfd < 0)
		SKIP(return, "no vivid capture node: %s", strerror(-self->vfd));
	ASSERT_EQ(0, ioctl(self->vfd, VIDIOC_G_FMT, &fmt));
	ASSERT_LT(0U, fmt.fmt.pix.sizeimage);
	ASSERT_GE(SZ_2M, fmt.fmt.pix.sizeimage);

	aclmem_alloc(self->fd, size, ps, ACLMEM_NODE_ANY, &h, &off);
	aclmem_mmap(self->fd, size, off, &p);
	aclmem_fill(p, size, 61);
	pattern_fill(p, SZ_2M, 61, 0);
	d0 = export_fd(self->fd, h);
	ASSERT_LE(0, d0);
	d1 = export_fd(self->fd, h);
	ASSERT_LE(0, d1);

	ASSERT_LE(2, vivid_reqbufs(self->vfd, 2));
	/* QBUF vmaps the dma-buf: refused if the exporter cannot */
	ASSERT_EQ(0, vivid_qbuf(self->vfd, 0, d0));
	ASSERT_EQ(0, vivid_qbuf(self->vfd, 1, d1));
	ASSERT_EQ(0, close(d0));
	ASSERT_EQ(0, close(d1));
	ASSERT_EQ(0, vivid_stream(self->vfd, true));
	used = vivid_dqbuf(self->vfd);
	ASSERT_EQ(0, vivid_stream(self->vfd, false));
	ASSERT_LT(0, used);
	ASSERT_GE((long)fmt.fmt.pix.sizeimage, used);

	/* the frame is in the handle's pages, in order; nothing past it */
	EXPECT_EQ(0U, pattern_words(p, used & ~7UL, 61));
	end = (used + SZ_4K - 1) & ~(SZ_4K - 1);
	EXPECT_EQ(-1, pattern_check((char *)p + end, SZ_2M - end, 61, end));
	if (size > SZ_2M)
		EXPECT_EQ(-1, aclmem_check_at((char *)p + SZ_2M, size - SZ_2M,
					      61, SZ_2M));

	/* the buffers let go of the dma-bufs: only the handle is left */
	ASSERT_EQ(0, vivid_reqbufs(self->vfd, 0));
	aclmem_munmap(p, size);
	aclmem_free(self->fd, h);
	aclmem_expect_in_use(self->fd, ps,
			     self->base.out_pools[aclmem_pool_index(ps)].in_use);
}

TEST_HARNESS_MAIN
