// SPDX-License-Identifier: MIT
/*
 * Description: a client built the way CANN clients are, against the
 * headers and -lascendcl from pkg-config, run on the host (no module):
 * calls that need no device work, and the others say 507899.
 */
#include <stdio.h>

#include "acl/acl.h"

int main(void)
{
	aclrtPhysicalMemProp prop = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = ACL_HBM_MEM_HUGE,
		.location = { .id = 0, .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};
	aclrtDrvMemHandle handle;
	uint32_t count = 0;
	size_t gran = 0;

	if (aclInit(NULL) || aclrtGetDeviceCount(&count) || !count)
		return 1;
	if (aclrtMemGetAllocationGranularity(&prop,
					     ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM,
					     &gran) || gran != 2u << 20)
		return 1;
	if (aclrtMallocPhysical(&handle, gran, &prop, 0) !=
	    ACL_ERROR_RT_DRV_INTERNAL_ERROR)
		return 1;
	printf("consumer_link: %u device(s), no module: %s\n", count,
	       aclGetRecentErrMsg());
	return aclFinalize();
}
