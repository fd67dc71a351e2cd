// SPDX-License-Identifier: MIT
/*
 * Sharing a physical handle between processes. The kernel side of it is
 * not there yet: every call answers ACL_ERROR_RT_FEATURE_NOT_SUPPORT, so a
 * client that links them learns so at run time.
 */
#include "internal.h"

static aclError share_unsupported(const char *fn)
{
	return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			"%s: sharing handles is not supported yet", fn);
}

ACL_API aclError aclrtMemExportToShareableHandle(aclrtDrvMemHandle handle,
						 aclrtMemHandleType handleType,
						 uint64_t flags,
						 uint64_t *shareableHandle)
{
	(void)handle; (void)handleType; (void)flags; (void)shareableHandle;
	return share_unsupported(__func__);
}

ACL_API aclError aclrtMemImportFromShareableHandle(uint64_t shareableHandle,
						   int32_t deviceId,
						   aclrtDrvMemHandle *handle)
{
	(void)shareableHandle; (void)deviceId; (void)handle;
	return share_unsupported(__func__);
}

ACL_API aclError aclrtMemSetPidToShareableHandle(uint64_t shareableHandle,
						 int32_t *pid, size_t pidNum)
{
	(void)shareableHandle; (void)pid; (void)pidNum;
	return share_unsupported(__func__);
}

ACL_API aclError
aclrtMemExportToShareableHandleV2(aclrtDrvMemHandle handle, uint64_t flags,
				  aclrtMemSharedHandleType shareType,
				  void *shareableHandle)
{
	(void)handle; (void)flags; (void)shareType; (void)shareableHandle;
	return share_unsupported(__func__);
}

ACL_API aclError
aclrtMemImportFromShareableHandleV2(void *shareableHandle,
				    aclrtMemSharedHandleType shareType,
				    uint64_t flags, aclrtDrvMemHandle *handle)
{
	(void)shareableHandle; (void)shareType; (void)flags; (void)handle;
	return share_unsupported(__func__);
}

ACL_API aclError
aclrtMemSetPidToShareableHandleV2(void *shareableHandle,
				  aclrtMemSharedHandleType shareType,
				  int32_t *pid, size_t pidNum)
{
	(void)shareableHandle; (void)shareType; (void)pid; (void)pidNum;
	return share_unsupported(__func__);
}
