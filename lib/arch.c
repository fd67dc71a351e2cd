// SPDX-License-Identifier: MIT
/*
 * Whether code built for one SoC runs on the device's, as hicann/runtime
 * answers it: the runtime's entry point (api_c.cc rtCheckArchCompatibility:
 * the acl layer, device.cpp aclrtCheckArchCompatibilityImpl, adds no
 * check), its checks (ApiErrorDecorator::CheckArchCompatibility: socVersion
 * NULL, canCompatible NULL, socVersion "" are 107000) and what it does
 * (ApiImpl::CheckArchCompatibility: both names to their NPU architecture,
 * GetNpuArchByName; a name without one is 107000; the same architecture
 * is 1, another 0).
 *
 * The architectures are the NpuArch entries of CANN's platform
 * descriptions (src/platform/platform_config/{cann,cann-dev,kirin,
 * kirin-dev}/<SoC>.ini, [version] NpuArch) at the reference commit; the
 * device's SoC is aclrtGetSocName()'s.
 */
#include <string.h>

#include "internal.h"

static const struct {
	const char *soc;
	int32_t arch;
} npu_arch[] = {
	{ "Ascend910A", 1001 },
	{ "Ascend910B", 1001 },
	{ "Ascend910PremiumA", 1001 },
	{ "Ascend910ProA", 1001 },
	{ "Ascend910ProB", 1001 },
	{ "Ascend310P1", 2002 },
	{ "Ascend310P3", 2002 },
	{ "Ascend310P5", 2002 },
	{ "Ascend310P7", 2002 },
	{ "Ascend910B1", 2201 },
	{ "Ascend910B2", 2201 },
	{ "Ascend910B2C", 2201 },
	{ "Ascend910B3", 2201 },
	{ "Ascend910B4", 2201 },
	{ "Ascend910B4-1", 2201 },
	{ "Ascend910_9362", 2201 },
	{ "Ascend910_9363", 2201 },
	{ "Ascend910_9372", 2201 },
	{ "Ascend910_9381", 2201 },
	{ "Ascend910_9382", 2201 },
	{ "Ascend910_9391", 2201 },
	{ "Ascend910_9392", 2201 },
	{ "Ascend310B1", 3002 },
	{ "Ascend310B2", 3002 },
	{ "Ascend310B3", 3002 },
	{ "Ascend310B4", 3002 },
	{ "KirinX90", 3003 },
	{ "Ascend031", 3004 },
	{ "Kirin9030", 3113 },
	{ "Ascend035", 3505 },
	{ "Ascend035A", 3505 },
	{ "Ascend035B", 3505 },
	{ "Ascend350_354f", 3510 },
	{ "Ascend350_355e", 3510 },
	{ "Ascend950DT_950x", 3510 },
	{ "Ascend950DT_950y", 3510 },
	{ "Ascend950DT_9571", 3510 },
	{ "Ascend950DT_9572", 3510 },
	{ "Ascend950DT_9573", 3510 },
	{ "Ascend950DT_9574", 3510 },
	{ "Ascend950DT_9575", 3510 },
	{ "Ascend950DT_9576", 3510 },
	{ "Ascend950DT_9577", 3510 },
	{ "Ascend950DT_9578", 3510 },
	{ "Ascend950DT_9581", 3510 },
	{ "Ascend950DT_9581x", 3510 },
	{ "Ascend950DT_9582", 3510 },
	{ "Ascend950DT_9582x", 3510 },
	{ "Ascend950DT_9583", 3510 },
	{ "Ascend950DT_9584", 3510 },
	{ "Ascend950DT_9585", 3510 },
	{ "Ascend950DT_9586", 3510 },
	{ "Ascend950DT_9587", 3510 },
	{ "Ascend950DT_9588", 3510 },
	{ "Ascend950DT_9591", 3510 },
	{ "Ascend950DT_9592", 3510 },
	{ "Ascend950DT_9595", 3510 },
	{ "Ascend950DT_9596", 3510 },
	{ "Ascend950DT_95A1", 3510 },
	{ "Ascend950DT_95A2", 3510 },
	{ "Ascend950PR_950z", 3510 },
	{ "Ascend950PR_9579", 3510 },
	{ "Ascend950PR_957b", 3510 },
	{ "Ascend950PR_957bx", 3510 },
	{ "Ascend950PR_957c", 3510 },
	{ "Ascend950PR_957d", 3510 },
	{ "Ascend950PR_9589", 3510 },
	{ "Ascend950PR_958b", 3510 },
	{ "Ascend950PR_9599", 3510 },
	{ "KirinDev0000", 5101 },
	{ "KirinDev0001", 5161 },
	{ "KirinDev0003", 5163 },
	{ "KirinDev0002", 5165 },
};

/* The NPU architecture of a SoC by name, or -1. */
static int32_t soc_arch(const char *soc)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(npu_arch); i++)
		if (!strcmp(npu_arch[i].soc, soc))
			return npu_arch[i].arch;
	return -1;
}

ACL_API aclError aclrtCheckArchCompatibility(const char *socVersion,
					     int32_t *canCompatible)
{
	const char *device_soc = aclrtGetSocName();
	int32_t want, have;

	if (!socVersion)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "socVersion is NULL");
	if (!canCompatible)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"canCompatible is NULL");
	if (!*socVersion)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "socVersion is empty");
	want = soc_arch(socVersion);
	if (want < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"SoC version %.64s is invalid", socVersion);
	have = soc_arch(device_soc);
	if (have < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the device's SoC version %.64s is invalid",
				device_soc);
	*canCompatible = want == have;
	return ACL_SUCCESS;
}
