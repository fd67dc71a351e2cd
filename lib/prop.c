// SPDX-License-Identifier: MIT
/*
 * Physical memory properties: how CANN turns an aclrtPhysicalMemProp into
 * the driver's (side, device, page type, memory type), in the order its
 * layers check them, and back again for
 * aclrtMemGetAllocationPropertiesFromHandle.
 *
 * The layers, as hicann/runtime and hicann/driver have them:
 * - the acl layer (memory.cpp: aclrtMallocPhysicalImpl,
 *   aclrtMemGetAllocationGranularityImpl and their attribute table):
 *   100000 for what it rejects;
 * - the runtime (api_error.cc: ApiErrorDecorator::MallocPhysical and
 *   GetAllocationGranularity): device ids, HOST_NUMA's context;
 * - the driver library (devmm_svm.c: devmm_mem_prop_check,
 *   devmm_giant_page_para_check, halMemCreate): 107000 and 207000.
 */
#include "internal.h"

enum { PG_NORMAL, PG_HUGE, PG_HUGE1G };
enum { MEM_HBM, MEM_DDR, MEM_P2P_HBM, MEM_P2P_DDR };

#define DRV_MAX_DEVID	64	/* the driver's device ids are below this */
#define DRV_HOST_DEVID	65	/* the host's id in the driver */

static bool location_is_host(aclrtMemLocationType type)
{
	return type == ACL_MEM_LOCATION_TYPE_HOST ||
	       type == ACL_MEM_LOCATION_TYPE_HOST_NUMA;
}

static bool attr_is_ddr(aclrtMemAttr attr)
{
	return attr == ACL_DDR_MEM_HUGE || attr == ACL_DDR_MEM_NORMAL ||
	       attr == ACL_DDR_MEM_P2P_HUGE || attr == ACL_DDR_MEM_P2P_NORMAL;
}

/* What one attribute means on a host and on a device location. */
struct attr_kind {
	bool known;
	uint8_t pg;
	uint8_t host_mem;
	uint8_t dev_mem;
	bool host_only;		/* a DDR attribute: nothing on a device */
	bool any_location;	/* an HBM attribute: the same everywhere */
};

static struct attr_kind attr_kind(aclrtMemAttr attr)
{
	switch (attr) {
	case ACL_HBM_MEM_HUGE:
		return (struct attr_kind){ true, PG_HUGE, MEM_HBM, MEM_HBM, false, true };
	case ACL_HBM_MEM_NORMAL:
		return (struct attr_kind){ true, PG_NORMAL, MEM_HBM, MEM_HBM, false, true };
	case ACL_HBM_MEM_HUGE1G:
		return (struct attr_kind){ true, PG_HUGE1G, MEM_HBM, MEM_HBM, false, true };
	case ACL_DDR_MEM_HUGE:
		return (struct attr_kind){ true, PG_HUGE, MEM_DDR, 0, true, false };
	case ACL_DDR_MEM_NORMAL:
		return (struct attr_kind){ true, PG_NORMAL, MEM_DDR, 0, true, false };
	case ACL_DDR_MEM_P2P_HUGE:
		return (struct attr_kind){ true, PG_HUGE, MEM_P2P_DDR, 0, true, false };
	case ACL_DDR_MEM_P2P_NORMAL:
		return (struct attr_kind){ true, PG_NORMAL, MEM_P2P_DDR, 0, true, false };
	case ACL_MEM_NORMAL:
		return (struct attr_kind){ true, PG_NORMAL, MEM_DDR, MEM_HBM, false, false };
	case ACL_MEM_HUGE:
		return (struct attr_kind){ true, PG_HUGE, MEM_DDR, MEM_HBM, false, false };
	case ACL_MEM_HUGE1G:
		return (struct attr_kind){ true, PG_HUGE1G, MEM_DDR, MEM_HBM, false, false };
	case ACL_MEM_P2P_NORMAL:
		return (struct attr_kind){ true, PG_NORMAL, MEM_P2P_DDR, MEM_P2P_HBM, false, false };
	case ACL_MEM_P2P_HUGE:
		return (struct attr_kind){ true, PG_HUGE, MEM_P2P_DDR, MEM_P2P_HBM, false, false };
	case ACL_MEM_P2P_HUGE1G:
		return (struct attr_kind){ true, PG_HUGE1G, MEM_P2P_DDR, MEM_P2P_HBM, false, false };
	default:	/* ACL_DDR_MEM, ACL_HBM_MEM, the HBM P2P ones: none */
		return (struct attr_kind){ 0 };
	}
}

/*
 * The acl layer's attribute checks: a DDR attribute on a DEVICE location,
 * or an attribute it has no entry for, is 100000. Fills the page and
 * memory type; a location that is neither host nor device gets them only
 * for the HBM attributes, as the acl layer leaves them unset otherwise.
 */
aclError acl_prop_attr(const aclrtPhysicalMemProp *prop,
		       struct acl_drv_prop *drv)
{
	bool host = location_is_host(prop->location.type);
	bool device = prop->location.type == ACL_MEM_LOCATION_TYPE_DEVICE;
	struct attr_kind kind = attr_kind(prop->memAttr);

	if (device && attr_is_ddr(prop->memAttr))
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"memAttr %d is for HOST or HOST_NUMA locations",
				prop->memAttr);
	if (!kind.known)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"memAttr %d is not supported", prop->memAttr);
	*drv = (struct acl_drv_prop){
		.side = (uint32_t)prop->location.type,
		.devid = prop->location.id,
		.reserve = prop->reserve,
	};
	if (host || device || kind.any_location) {
		drv->pg = kind.pg;
		drv->mem = host ? kind.host_mem : kind.dev_mem;
	}
	return ACL_SUCCESS;
}

/*
 * The runtime's part: a DEVICE location names an existing device (107001);
 * HOST_NUMA becomes the driver's NUMA side, and MallocPhysical (@alloc)
 * wants a current context for it (107002).
 */
aclError acl_prop_side(struct acl_drv_prop *drv, bool alloc)
{
	int32_t device;
	aclError ret;

	if (drv->side == ACL_DRV_SIDE_DEVICE &&
	    ((int32_t)drv->devid < 0 ||
	     (int32_t)drv->devid >= acl_device_count()))
		return acl_fail(ACL_ERROR_RT_INVALID_DEVICEID,
				"device %d does not exist", (int32_t)drv->devid);
	if (drv->side == ACL_MEM_LOCATION_TYPE_HOST_NUMA) {
		if (alloc) {
			ret = acl_current_device(&device);
			if (ret)
				return ret;
		}
		drv->side = ACL_DRV_SIDE_NUMA;
	}
	return ACL_SUCCESS;
}

/*
 * The driver library's checks (devmm_mem_prop_check): the side, the
 * device id, 1 GiB pages on the host only as P2P DDR, reserve. An
 * allocation (@alloc) on HOST also needs id 0.
 */
aclError acl_prop_check(const struct acl_drv_prop *drv, bool alloc)
{
	bool host = drv->side == ACL_DRV_SIDE_HOST ||
		    drv->side == ACL_DRV_SIDE_NUMA;

	if (drv->side > ACL_DRV_SIDE_NUMA)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"location type %u is not served", drv->side);
	if (drv->side != ACL_DRV_SIDE_NUMA && drv->devid >= DRV_MAX_DEVID &&
	    (alloc || drv->devid != DRV_HOST_DEVID))
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"location id %u is out of range", drv->devid);
	if (drv->pg == PG_HUGE1G && host && drv->mem != MEM_P2P_DDR)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"1 GiB pages on the host are only ACL_MEM_P2P_HUGE1G");
	if (drv->reserve)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"reserve must be 0");
	if (alloc && drv->side == ACL_DRV_SIDE_HOST && drv->devid)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"a HOST location has id 0");
	return ACL_SUCCESS;
}

/* Pages: 1 GiB for the HUGE1G attributes, 2 MiB for every other one. */
uint64_t acl_prop_page_size(const struct acl_drv_prop *drv)
{
	return drv->pg == PG_HUGE1G ? SZ_1G : SZ_2M;
}

/*
 * The prop aclrtMemGetAllocationPropertiesFromHandle reports: rebuilt
 * from the driver's view, so the attribute comes back under the name the
 * acl layer's reverse table gives it (memory.cpp: mapping[]), e.g.
 * ACL_MEM_HUGE on a device as ACL_HBM_MEM_HUGE.
 */
static const struct {
	uint8_t pg, mem;
	bool host;
	aclrtMemAttr attr;
} reverse_attrs[] = {
	{ PG_HUGE, MEM_HBM, true, ACL_HBM_MEM_HUGE },
	{ PG_NORMAL, MEM_HBM, true, ACL_HBM_MEM_NORMAL },
	{ PG_HUGE1G, MEM_HBM, true, ACL_HBM_MEM_HUGE1G },
	{ PG_NORMAL, MEM_P2P_DDR, true, ACL_DDR_MEM_P2P_NORMAL },
	{ PG_NORMAL, MEM_DDR, true, ACL_MEM_NORMAL },
	{ PG_HUGE, MEM_DDR, true, ACL_MEM_HUGE },
	{ PG_HUGE1G, MEM_DDR, true, ACL_MEM_HUGE1G },
	{ PG_HUGE, MEM_P2P_DDR, true, ACL_MEM_P2P_HUGE },
	{ PG_HUGE1G, MEM_P2P_DDR, true, ACL_MEM_P2P_HUGE1G },
	{ PG_NORMAL, MEM_HBM, false, ACL_HBM_MEM_NORMAL },
	{ PG_HUGE, MEM_HBM, false, ACL_HBM_MEM_HUGE },
	{ PG_HUGE1G, MEM_HBM, false, ACL_HBM_MEM_HUGE1G },
	{ PG_NORMAL, MEM_DDR, false, ACL_MEM_NORMAL },
	{ PG_HUGE, MEM_DDR, false, ACL_MEM_HUGE },
	{ PG_HUGE1G, MEM_DDR, false, ACL_MEM_HUGE1G },
	{ PG_NORMAL, MEM_P2P_HBM, false, ACL_MEM_P2P_NORMAL },
	{ PG_HUGE, MEM_P2P_HBM, false, ACL_MEM_P2P_HUGE },
	{ PG_HUGE1G, MEM_P2P_HBM, false, ACL_MEM_P2P_HUGE1G },
};

aclError acl_prop_rebuild(const struct acl_drv_prop *drv,
			  aclrtPhysicalMemProp *prop)
{
	aclrtPhysicalMemProp out = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.location = {
			.type = drv->side == ACL_DRV_SIDE_NUMA ?
				ACL_MEM_LOCATION_TYPE_HOST_NUMA :
				(aclrtMemLocationType)drv->side,
			.id = drv->devid,
		},
		.reserve = drv->reserve,
	};
	bool host = location_is_host(out.location.type);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reverse_attrs); i++) {
		if (reverse_attrs[i].pg == drv->pg &&
		    reverse_attrs[i].mem == drv->mem &&
		    reverse_attrs[i].host == host) {
			out.memAttr = reverse_attrs[i].attr;
			*prop = out;
			return ACL_SUCCESS;
		}
	}
	return acl_fail(ACL_ERROR_INVALID_PARAM,
			"no attribute for page type %u, memory type %u",
			drv->pg, drv->mem);
}

/*
 * What an importer reports is the exporter's memory (devmm_svm.c
 * devmm_import_from_share_handle keeps the exporter's prop): the exporter
 * packs it into the token's cookie, which the kernel hands to importers.
 */
#define PROP_COOKIE_VALID	(1ULL << 63)

uint64_t acl_prop_pack(const struct acl_drv_prop *drv)
{
	return PROP_COOKIE_VALID | (uint64_t)(drv->side & 0xff) << 48 |
	       (uint64_t)drv->pg << 40 | (uint64_t)drv->mem << 32 | drv->devid;
}

/*
 * The prop of a handle imported on @device from @cookie, or, without one
 * (a dma-buf fd), device memory of @page_size on @device.
 */
struct acl_drv_prop acl_prop_imported(uint64_t cookie, int32_t device,
				      uint64_t page_size)
{
	if (cookie & PROP_COOKIE_VALID)
		return (struct acl_drv_prop){
			.side = (uint32_t)(cookie >> 48 & 0xff),
			.pg = (uint8_t)(cookie >> 40),
			.mem = (uint8_t)(cookie >> 32),
			.devid = (uint32_t)cookie,
		};
	return (struct acl_drv_prop){
		.side = ACL_DRV_SIDE_DEVICE,
		.devid = (uint32_t)device,
		.pg = page_size == SZ_1G ? PG_HUGE1G : PG_HUGE,
		.mem = MEM_HBM,
	};
}
