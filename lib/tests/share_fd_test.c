// SPDX-License-Identifier: MIT
/*
 * Description: physical memory shared as a file descriptor: aclmem's
 * extension aclmemExportToFd / aclmemImportFromFd (acl/aclmem_ext.h),
 * which CANN does not have. CANN's own handle type for it,
 * ACL_MEM_HANDLE_TYPE_POSIX, is refused (100000) as CANN refuses it:
 * dma-buf fds come only through the extension. Other processes are real
 * ones: fork + exec of this binary, driven over a unix socket.
 *
 * aclmemExportToFd gives a close-on-exec, read-write dma-buf fd (exp_name
 * aclmem, the handle's size in /proc/PID/fdinfo) that mmaps directly and
 * shows the data. It goes to another process over SCM_RIGHTS or by
 * pidfd_getfd(2); there aclmemImportFromFd makes a handle that reserves,
 * maps, reads the data and writes back; the other way round too, with the
 * exporter gone before the importer reads. The fd alone keeps the memory
 * after unmap and free; pages come back when the fd and everything made
 * of it are gone. An imported handle reports the properties CANN gives
 * every handle (handleType NONE); it is not exportable as a token
 * (507899, as an imported handle in CANN) but is as an fd. Errors of the
 * extension: NULL 100000, a freed handle 107017, an fd that is not an
 * aclmem dma-buf (a pipe) 107000, a negative fd 107000, a closed one
 * 507899, a bad device 107001. Where a code is CANN's the comment names
 * the CANN function (hicann/runtime, hicann/driver); "aclmem" marks the
 * extension's own.
 */
#include "acl_share_utils.h"

FIXTURE(share_fd) {
	struct acl_pools base;
};

FIXTURE_SETUP(share_fd)
{
	ACL_POOLS_BASE(&self->base);
}

FIXTURE_TEARDOWN(share_fd)
{
	acl_kill_kids();
	if (_metadata->passed)
		ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * The agent imports its fd @afd on device 0, maps the handle and checks
 * @seed's pattern: handle and address in *h and *addr.
 */
static void agent_import_map(struct __test_metadata *_metadata,
			     struct acl_agent *ag, int afd, size_t size,
			     uint64_t seed, uint64_t *h, uint64_t *addr)
{
	acl_agent_import_map(_metadata, ag, AG_IMPORT_FD, afd, size, seed, h,
			     addr);
	/*
	 * hicann/runtime memory.cpp
	 * aclrtMemGetAllocationPropertiesFromHandleImpl: handleType NONE
	 * for every handle
	 */
	AG_ASSERT(ag_call(ag, AG_PROPS, *h, 0, 0, 0));
	EXPECT_EQ((uint64_t)ACL_MEM_HANDLE_TYPE_NONE, ag_v(ag, 0));
	EXPECT_EQ((uint64_t)ACL_HBM_MEM_HUGE, ag_v(ag, 1));
	EXPECT_EQ((uint64_t)ACL_MEM_LOCATION_TYPE_DEVICE, ag_v(ag, 2));
}

/* CANN serves no POSIX handles: neither allocation nor export. */
TEST_F(share_fd, posix_handle_type_refused)
{
	aclrtPhysicalMemProp prop = acl_prop_2m();
	aclrtDrvMemHandle h = NULL;
	uint64_t u = 0;

	/* hicann/runtime memory.cpp aclrtMallocPhysicalImpl: handleType must be NONE */
	prop.handleType = ACL_MEM_HANDLE_TYPE_POSIX;
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMallocPhysical(&h, SZ_2M, &prop, 0));
	EXPECT_EQ(NULL, h);
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	/* hicann/runtime memory.cpp aclrtMemExportToShareableHandleImpl: handleType must be NONE */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtMemExportToShareableHandle(h, ACL_MEM_HANDLE_TYPE_POSIX,
						  0, &u));
	EXPECT_EQ(0ULL, u);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* aclmem: the fd is a dma-buf that maps as it is. */
TEST_F(share_fd, fd_maps_directly)
{
	const size_t size = 2 * SZ_2M;
	uint64_t h = 0, addr = 0;
	struct acl_mapped m;
	struct acl_agent ag;
	void *p;
	int fd = -1, afd = -1;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 1);
	ASSERT_EQ(ACL_SUCCESS, aclmemExportToFd(m.h, &fd));
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	ACL_EXPECT_DMABUF(getpid(), fd, size);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ACL_ASSERT_PATTERN(p, size, 1);
	acl_fill(p, size, 2);
	ACL_ASSERT_PATTERN(m.p, size, 2);
	ASSERT_EQ(0, munmap(p, size));

	/* and goes to another process */
	acl_agent_up(_metadata, &ag, 0, NULL);
	AG_ASSERT(acl_agent_call(&ag, AG_RECV_FD, fd, 0, 0, 0, 0));
	afd = (int)ag_v(&ag, 0);
	ACL_EXPECT_DMABUF(ag.pid, afd, size);
	agent_import_map(_metadata, &ag, afd, size, 2, &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 3, 0));
	ACL_ASSERT_PATTERN(m.p, size, 3);
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	AG_ASSERT(ag_call(&ag, AG_CLOSE, afd, 0, 0, 0));
	EXPECT_EQ(0, acl_agent_stop(&ag));

	EXPECT_EQ(0, close(fd));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* aclmemExportToFd, SCM_RIGHTS and pidfd_getfd, aclmemImportFromFd. */
TEST_F(share_fd, ext_across_processes)
{
	const size_t size = 2 * SZ_2M;
	uint64_t h = 0, addr = 0;
	struct acl_mapped m;
	struct acl_agent ag;
	int fd = -1, afd = -1;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 11);
	ASSERT_EQ(ACL_SUCCESS, aclmemExportToFd(m.h, &fd));
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ACL_EXPECT_DMABUF(getpid(), fd, size);
	acl_agent_up(_metadata, &ag, 0, NULL);

	/* over the socket */
	AG_ASSERT(acl_agent_call(&ag, AG_RECV_FD, fd, 0, 0, 0, 0));
	afd = (int)ag_v(&ag, 0);
	agent_import_map(_metadata, &ag, afd, size, 11, &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 12, 0));
	ACL_ASSERT_PATTERN(m.p, size, 12);
	acl_agent_unmap_free(_metadata, &ag, h, addr);
	AG_ASSERT(ag_call(&ag, AG_CLOSE, afd, 0, 0, 0));

	/* out of our fd table */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	AG_ASSERT(ag_call(&ag, AG_PIDFD_GETFD, getpid(), fd, 0, 0));
	afd = (int)ag_v(&ag, 0);
	ACL_EXPECT_DMABUF(ag.pid, afd, size);
	agent_import_map(_metadata, &ag, afd, size, 12, &h, &addr);
	/* the fd may go at once: the handle holds the pages */
	AG_ASSERT(ag_call(&ag, AG_CLOSE, afd, 0, 0, 0));
	AG_ASSERT(ag_call(&ag, AG_FILL, addr, size, 13, 0));
	ACL_ASSERT_PATTERN(m.p, size, 13);
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	acl_agent_unmap_free(_metadata, &ag, h, addr);

	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The other way: the agent exports, hands over the fd and exits. */
TEST_F(share_fd, exporter_gone)
{
	const size_t size = 2 * SZ_2M;
	uint64_t h = 0, addr = 0;
	aclrtDrvMemHandle mine = NULL;
	aclrtPhysicalMemProp prop;
	struct acl_agent ag;
	void *p = NULL;
	int afd = -1;

	acl_agent_up(_metadata, &ag, 0, NULL);
	acl_agent_malloc_map(_metadata, &ag, size, 21, &h, &addr);
	AG_ASSERT(ag_call(&ag, AG_EXPORT_FD, h, 0, 0, 0));
	afd = (int)ag_v(&ag, 0);
	AG_ASSERT(ag_call(&ag, AG_SEND_FD, afd, 0, 0, 0));
	ASSERT_LE(0, ag.fd);
	EXPECT_EQ(0, acl_agent_stop(&ag));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);

	ASSERT_EQ(ACL_SUCCESS, aclmemImportFromFd(ag.fd, 0, &mine));
	EXPECT_EQ(0, close(ag.fd));
	ASSERT_EQ(ACL_SUCCESS,
		  aclrtMemGetAllocationPropertiesFromHandle(mine, &prop));
	/* hicann/runtime memory.cpp aclrtMemGetAllocationPropertiesFromHandleImpl: NONE */
	EXPECT_EQ(ACL_MEM_HANDLE_TYPE_NONE, prop.handleType);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&p, size, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(p, size, 0, mine, 0));
	ACL_ASSERT_PATTERN(p, size, 21);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(p));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(p));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(mine));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/* The fd alone holds the memory. */
TEST_F(share_fd, fd_keeps_memory)
{
	const size_t size = 2 * SZ_2M;
	aclrtDrvMemHandle h1 = NULL, h2 = NULL;
	struct acl_mapped m;
	uint64_t token = 0;
	int fd = -1, fd2 = -1;
	void *p;

	ACL_MAPPED_MAKE(&m, size, ACL_MEM_HANDLE_TYPE_NONE, 31);
	ASSERT_EQ(ACL_SUCCESS, aclmemExportToFd(m.h, &fd));
	ACL_MAPPED_DROP(&m);
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ACL_ASSERT_PATTERN(p, size, 31);
	ASSERT_EQ(0, munmap(p, size));
	/* one fd, any number of handles */
	ASSERT_EQ(ACL_SUCCESS, aclmemImportFromFd(fd, 0, &h1));
	ASSERT_EQ(ACL_SUCCESS, aclmemImportFromFd(fd, 0, &h2));
	EXPECT_NE(h1, h2);
	/*
	 * imported: not exportable as a token (hicann/driver
	 * svm_master_mem_share.c devmm_master_mem_export: an imported blk),
	 * but as an fd again (aclmem)
	 */
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclrtMemExportToShareableHandle(h1, ACL_MEM_HANDLE_TYPE_NONE,
						  0, &token));
	ASSERT_EQ(ACL_SUCCESS, aclmemExportToFd(h2, &fd2));
	ACL_EXPECT_DMABUF(getpid(), fd2, size);
	EXPECT_EQ(0, close(fd2));
	EXPECT_EQ(0, close(fd));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));
	ACL_EXPECT_IN_USE(&self->base, 2, 0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h2));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

TEST_F(share_fd, errors)
{
	aclrtDrvMemHandle h = NULL, freed = NULL, out = NULL;
	uint32_t count = 0;
	int fd = -1, pfd[2], closed;

	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&h, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, acl_alloc_2m(&freed, SZ_2M));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(freed));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));

	/* aclmem: the extension's codes (acl/aclmem_ext.h) */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclmemExportToFd(NULL, &fd));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclmemExportToFd(h, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclmemExportToFd(freed, &fd));
	EXPECT_EQ(-1, fd);
	ASSERT_EQ(ACL_SUCCESS, aclmemExportToFd(h, &fd));

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclmemImportFromFd(fd, 0, NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclmemImportFromFd(fd, -1, &out));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID,
		  aclmemImportFromFd(fd, (int32_t)count, &out));
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID,
		  aclmemImportFromFd(pfd[0], 0, &out));
	close(pfd[0]);
	close(pfd[1]);
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclmemImportFromFd(-1, 0, &out));
	closed = dup(fd);
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
		  aclmemImportFromFd(closed, 0, &out));
	EXPECT_EQ(NULL, out);

	/*
	 * an fd is not a token: hicann/runtime api_impl.cc
	 * ApiImpl::ImportFromShareableHandle looks the token up (107017)
	 * even before it asks for a context
	 */
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtMemImportFromShareableHandle((uint64_t)fd, 0, &out));
	EXPECT_EQ(0, close(fd));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
	ACL_EXPECT_POOLS_BACK(&self->base);
}

ACL_SHARE_MAIN(NULL)
