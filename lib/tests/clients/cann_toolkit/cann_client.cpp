// SPDX-License-Identifier: MIT
/*
 * Description: the client of CMakeLists.txt: what vllm-ascend's CaMem
 * allocator asks first (devices, granularity, a physical allocation), with
 * the headers and library found through ASCEND_HOME_PATH. Without
 * /dev/aclmem (the host) the allocation is 507899, with it the handle is
 * freed again. Exits 0 when every answer is the expected one.
 */
#include <cstdio>
#include <unistd.h>

#include <acl/acl.h>

static int expect(const char *what, aclError got, aclError want)
{
	if (got == want)
		return 0;
	std::fprintf(stderr, "cann_client: %s: %d, expected %d (%s)\n", what,
		     got, want, aclGetRecentErrMsg() ? aclGetRecentErrMsg() : "");
	return 1;
}

int main()
{
	aclrtPhysicalMemProp prop = {};
	aclrtDrvMemHandle handle = nullptr;
	bool have_module = access("/dev/aclmem", F_OK) == 0;
	uint32_t count = 0;
	size_t gran = 0;
	aclError ret;

	prop.handleType = ACL_MEM_HANDLE_TYPE_NONE;
	prop.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;
	prop.memAttr = ACL_HBM_MEM_HUGE;
	prop.location.type = ACL_MEM_LOCATION_TYPE_DEVICE;
	prop.location.id = 0;

	if (expect("aclInit", aclInit(nullptr), ACL_SUCCESS) ||
	    expect("aclrtGetDeviceCount", aclrtGetDeviceCount(&count),
		   ACL_SUCCESS) ||
	    expect("aclrtMemGetAllocationGranularity",
		   aclrtMemGetAllocationGranularity(&prop,
				ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, &gran),
		   ACL_SUCCESS))
		return 1;
	if (!count || gran != 2u << 20) {
		std::fprintf(stderr, "cann_client: %u devices, granularity %zu\n",
			     count, gran);
		return 1;
	}
	ret = aclrtMallocPhysical(&handle, gran, &prop, 0);
	if (expect("aclrtMallocPhysical", ret, have_module ?
		   ACL_SUCCESS : ACL_ERROR_RT_DRV_INTERNAL_ERROR))
		return 1;
	if (have_module &&
	    expect("aclrtFreePhysical", aclrtFreePhysical(handle), ACL_SUCCESS))
		return 1;
#ifdef CANN_MEMCPY_BATCH_ASYNC
	/* vllm-ascend's swap path then calls it instead of a copy loop */
	auto *volatile batch_fn = &aclrtMemcpyBatchAsync;
	const char *batch = batch_fn ? "linked" : "no";
#else
	const char *batch = "not detected";
#endif
	std::printf("cann_client: %u device(s), granularity %zu, "
		    "aclrtMallocPhysical %d, aclrtMemcpyBatchAsync %s\n",
		    count, gran, ret, batch);
	return expect("aclFinalize", aclFinalize(), ACL_SUCCESS);
}
