/* SPDX-License-Identifier: MIT */
/*
 * Kernels, kernel binaries and data dumps: exported because clients link
 * them directly (torch_npu's libtorch_npu.so calls aclmdlInitDump,
 * aclmdlSetDump, aclmdlFinalizeDump when dumping is enabled; the C++ code
 * its inductor generates calls aclrtBinaryLoadFromData,
 * aclrtBinaryGetFunction, aclrtGetHardwareSyncAddr,
 * aclrtLaunchKernelWithHostArgs), so that those load against this
 * library; a device here has no AI Core to run a kernel on, so none
 * serves its feature.
 *
 * The arguments are checked as hicann/runtime checks them
 * (src/acl/aclrt_impl/kernel.cpp, toolchain/dump.cpp; api_c_kernel.cc
 * rtsBinaryLoadFromData, rtsFuncGetByName, rtsLaunchKernelWithHostArgs,
 * rtsGetHardwareSyncAddr); then the answer is what CANN gives where the
 * feature is missing: 207000, and for a binary or function handle, which
 * no call here can make, the runtime's handle check, 107017.
 */
#include "internal.h"

static aclError no_kernels(const char *what)
{
	return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
			"%s: a host-memory device has no AI Core to run kernels",
			what);
}

ACL_API aclError aclrtBinaryLoadFromData(const void *data, size_t length,
					 const aclrtBinaryLoadOptions *options,
					 aclrtBinHandle *binHandle)
{
	(void)length;
	(void)options;
	if (!data || !binHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return no_kernels("loading a kernel binary");
}

ACL_API aclError aclrtBinaryGetFunction(const aclrtBinHandle binHandle,
					const char *kernelName,
					aclrtFuncHandle *funcHandle)
{
	if (!binHandle || !kernelName || !funcHandle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
			"%p is not a kernel binary (none can be loaded here)",
			binHandle);
}

ACL_API aclError aclrtLaunchKernelWithHostArgs(aclrtFuncHandle funcHandle,
					       uint32_t numBlocks,
					       aclrtStream stream,
					       aclrtLaunchKernelCfg *cfg,
					       void *hostArgs, size_t argsSize,
					       aclrtPlaceHolderInfo *placeHolderArray,
					       size_t placeHolderNum)
{
	(void)numBlocks;
	(void)stream;
	(void)cfg;
	(void)argsSize;
	(void)placeHolderArray;
	(void)placeHolderNum;
	if (!funcHandle || !hostArgs)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return acl_fail(ACL_ERROR_RT_INVALID_HANDLE,
			"%p is not a kernel function (none can be loaded here)",
			funcHandle);
}

/* rtsGetHardwareSyncAddr: NULL is 107000; no inter-core sync address. */
ACL_API aclError aclrtGetHardwareSyncAddr(void **addr)
{
	if (!addr)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "addr is NULL");
	return no_kernels("the AI Cores' hardware sync address");
}

/* aclmdlInitDumpImpl: no dump server to start (no kernel data to dump). */
ACL_API aclError aclmdlInitDump(void)
{
	return no_kernels("model and operator data dump");
}

/*
 * aclmdlSetDumpImpl, aclmdlFinalizeDumpImpl: without a successful
 * aclmdlInitDump (there is none here) 100045 ACL_ERROR_DUMP_NOT_RUN.
 */
ACL_API aclError aclmdlSetDump(const char *dumpCfgPath)
{
	(void)dumpCfgPath;
	return acl_fail(ACL_ERROR_DUMP_NOT_RUN,
			"aclmdlInitDump must succeed first; dumping is not served");
}

ACL_API aclError aclmdlFinalizeDump(void)
{
	return acl_fail(ACL_ERROR_DUMP_NOT_RUN,
			"aclmdlInitDump must succeed first; dumping is not served");
}
