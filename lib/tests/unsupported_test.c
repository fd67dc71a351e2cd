// SPDX-License-Identifier: MIT
/*
 * Description: the kernel, binary and dump calls clients link directly,
 * exported so that they load against the library, none serving its
 * feature (no AI Core here). Their checks follow hicann/runtime
 * (src/acl/aclrt_impl/kernel.cpp aclrtBinaryLoadFromDataImpl,
 * aclrtBinaryGetFunctionImpl, aclrtLaunchKernelWithHostArgsImpl,
 * aclrtGetHardwareSyncAddrImpl; toolchain/dump.cpp aclmdlInitDumpImpl,
 * aclmdlSetDumpImpl, aclmdlFinalizeDumpImpl; api_c_kernel.cc
 * rtsGetHardwareSyncAddr, rtsFuncGetByName, rtsLaunchKernelWithHostArgs):
 * then 207000 (feature not supported), or 107017 for the binary and
 * function handles, which no call here can make, and 100045 (dump not
 * running) for the dump calls that want a successful aclmdlInitDump.
 */
#include "acl_test_utils.h"

TEST(binaries_and_kernels)
{
	aclrtBinHandle bin = NULL;
	aclrtFuncHandle fn = NULL;
	char data[64] = { 0 }, args[16];
	void *addr = NULL;

	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtBinaryLoadFromData(NULL, 64, NULL, &bin));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtBinaryLoadFromData(data, 64, NULL, NULL));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
		  aclrtBinaryLoadFromData(data, sizeof(data), NULL, &bin));
	EXPECT_EQ(NULL, bin);
	EXPECT_NE(NULL, strstr(aclGetRecentErrMsg(), "AI Core"));

	bin = (aclrtBinHandle)data;
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtBinaryGetFunction(NULL, "k", &fn));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtBinaryGetFunction(bin, NULL, &fn));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclrtBinaryGetFunction(bin, "k", NULL));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE, aclrtBinaryGetFunction(bin, "k", &fn));
	EXPECT_EQ(NULL, fn);

	fn = (aclrtFuncHandle)data;
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtLaunchKernelWithHostArgs(NULL, 1, NULL, NULL, args, sizeof(args), NULL, 0));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclrtLaunchKernelWithHostArgs(fn, 1, NULL, NULL, NULL, 0, NULL, 0));
	EXPECT_EQ(ACL_ERROR_RT_INVALID_HANDLE,
		  aclrtLaunchKernelWithHostArgs(fn, 1, NULL, NULL, args, sizeof(args), NULL, 0));

	/* rtsGetHardwareSyncAddr: NULL is the runtime's 107000 */
	EXPECT_EQ(ACL_ERROR_RT_PARAM_INVALID, aclrtGetHardwareSyncAddr(NULL));
	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclrtGetHardwareSyncAddr(&addr));
	EXPECT_EQ(NULL, addr);
}

TEST(dump)
{
	char cfg[] = "/nonexistent/acl.json";

	EXPECT_EQ(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, aclmdlInitDump());
	/* no aclmdlInitDump succeeded: 100045, before the path is looked at */
	EXPECT_EQ(ACL_ERROR_DUMP_NOT_RUN, aclmdlSetDump(cfg));
	EXPECT_EQ(ACL_ERROR_DUMP_NOT_RUN, aclmdlSetDump(NULL));
	EXPECT_EQ(ACL_ERROR_DUMP_NOT_RUN, aclmdlFinalizeDump());
}

TEST_HARNESS_MAIN
