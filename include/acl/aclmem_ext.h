/* SPDX-License-Identifier: MIT */
/*
 * aclmem's extension to the CANN API: a physical handle as a file
 * descriptor, like CUDA's CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR.
 *
 * The descriptor is a dma-buf: it can be mmap'ed directly, passed to
 * another process with SCM_RIGHTS or pidfd_getfd(2), and imported there
 * with aclmemImportFromFd(). The memory lives while the descriptor, or any
 * handle or mapping made from it, does. Close it with close(2).
 */
#ifndef ACLMEM_EXT_H_
#define ACLMEM_EXT_H_

#include "acl_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A new close-on-exec dma-buf descriptor for @handle in *fd (CANN's
 * aclrtMemExportToShareableHandle takes only ACL_MEM_HANDLE_TYPE_NONE).
 * Errors: 100000 (NULL), 107017 (no such handle).
 */
ACL_FUNC_VISIBILITY aclError aclmemExportToFd(aclrtDrvMemHandle handle,
					      int *fd);

/*
 * A new handle on device @deviceId for the memory behind dma-buf @fd (the
 * caller keeps @fd open or closes it as it likes). Errors: 100000 (NULL),
 * 107000 (a negative number, or not an aclmem descriptor), 107001 (no such
 * device), 507899 (no open descriptor of that number).
 */
ACL_FUNC_VISIBILITY aclError aclmemImportFromFd(int fd, int32_t deviceId,
						aclrtDrvMemHandle *handle);

#ifdef __cplusplus
}
#endif

#endif /* ACLMEM_EXT_H_ */
