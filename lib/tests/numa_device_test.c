// SPDX-License-Identifier: MIT
/*
 * Description: devices on a guest with two NUMA nodes or more
 * (scripts/qemu-test.sh QEMU_NODES=2; the one-node runs leave it out).
 * The device count is the number of online nodes and device d is node d:
 * after aclrtSetDevice(1), aclrtMallocPhysical on DEVICE 1 takes node 1's
 * pages (node 1's pool counters move, node 0's do not, read per node
 * through generic netlink), beyond its free pages it grows node 1's pool,
 * and the memory maps, holds a pattern and is zero. The location's id,
 * not the current device, names the device (hicann/runtime memory.cpp
 * passes prop->location.id as the driver's devid): DEVICE 0 with device 1
 * current is node 0, DEVICE 1 with device 0 current node 1; HOST_NUMA 1
 * is node 1. Device 2 does not exist (107001).
 */
#include "acl_test_utils.h"
#include "common/node_pools.h"

#define DEV	ACL_MEM_LOCATION_TYPE_DEVICE
#define NUMA	ACL_MEM_LOCATION_TYPE_HOST_NUMA

FIXTURE(nd) {
	struct acl_pools base;
	struct aclmem_pool_stats st[ACLMEM_TEST_MAX_NODES];
};

static int nodes_now(struct aclmem_pool_stats *st)
{
	return aclmem_node_pools(ACLMEM_PAGE_SIZE_2M, st, ACLMEM_TEST_MAX_NODES);
}

FIXTURE_SETUP(nd)
{
	ACL_POOLS_BASE(&self->base);
	ASSERT_LE(2, nodes_now(self->st)) {
		TH_LOG("one NUMA node: boot with QEMU_NODES=2");
	}
	ASSERT_EQ(ACL_SUCCESS, aclInit(NULL));
}

FIXTURE_TEARDOWN(nd)
{
	aclrtResetDeviceForce(0);
	aclrtResetDeviceForce(1);
	aclFinalize();
	ACL_EXPECT_POOLS_BACK(&self->base);
}

/*
 * Allocate @pages pages of 2 MiB at @type/@id; expect node @node's pool to
 * have them in use and the other's (of nodes 0 and 1) not to move.
 */
static void alloc_on(struct __test_metadata *_metadata,
		     const struct aclmem_pool_stats *b, aclrtMemLocationType type,
		     uint32_t id, size_t pages, int node,
		     aclrtDrvMemHandle *h)
{
	aclrtPhysicalMemProp prop = acl_prop(ACL_HBM_MEM_HUGE, type, id);
	struct aclmem_pool_stats a[ACLMEM_TEST_MAX_NODES];

	if (type == NUMA)
		prop.memAttr = ACL_MEM_HUGE;
	ASSERT_EQ(ACL_SUCCESS, aclrtMallocPhysical(h, pages * SZ_2M, &prop, 0));
	ASSERT_LE(2, nodes_now(a));
	TH_LOG("location %d/%u: node 0 in use %llu -> %llu, node 1 %llu -> %llu",
	       type, id, b[0].in_use, a[0].in_use, b[1].in_use, a[1].in_use);
	EXPECT_EQ(b[node].in_use + pages, a[node].in_use);
	EXPECT_EQ(b[!node].in_use, a[!node].in_use);
	EXPECT_EQ(b[!node].total, a[!node].total);
}

TEST_F(nd, device_count_is_node_count)
{
	uint32_t count = 0;
	int32_t dev = -1;

	ASSERT_EQ(ACL_SUCCESS, aclrtGetDeviceCount(&count));
	EXPECT_EQ(acl_online_nodes(), count);
	EXPECT_LE(2U, count);
	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	ASSERT_EQ(ACL_SUCCESS, aclrtGetDevice(&dev));
	EXPECT_EQ(1, dev);
	EXPECT_EQ(ACL_ERROR_RT_INVALID_DEVICEID, aclrtSetDevice(count));
}

TEST_F(nd, device_1_memory_is_node_1)
{
	const size_t pages = 3, size = pages * SZ_2M;
	aclrtDrvMemHandle h = NULL;
	void *va = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	alloc_on(_metadata, self->st, DEV, 1, pages, 1, &h);
	ASSERT_EQ(ACL_SUCCESS, aclrtReserveMemAddress(&va, size, 0, NULL, 0));
	ASSERT_EQ(ACL_SUCCESS, aclrtMapMem(va, size, 0, h, 0));
	ACL_ASSERT_ZERO(va, size);
	acl_fill(va, size, 11);
	ACL_ASSERT_PATTERN(va, size, 11);
	ASSERT_EQ(ACL_SUCCESS, aclrtUnmapMem(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtReleaseMemAddress(va));
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
}

TEST_F(nd, device_1_grows_node_1)
{
	struct aclmem_pool_stats a[ACLMEM_TEST_MAX_NODES];
	const struct aclmem_pool_stats *b = self->st;
	size_t pages = b[1].free + 2;
	aclrtDrvMemHandle h = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	alloc_on(_metadata, b, DEV, 1, pages, 1, &h);
	ASSERT_LE(2, nodes_now(a));
	EXPECT_EQ(b[1].grown + 2, a[1].grown);
	EXPECT_EQ(b[0].grown, a[0].grown);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h));
}

TEST_F(nd, location_id_names_the_node)
{
	struct aclmem_pool_stats mid[ACLMEM_TEST_MAX_NODES];
	aclrtDrvMemHandle h0 = NULL, h1 = NULL, hn = NULL;

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(0));
	alloc_on(_metadata, self->st, DEV, 1, 2, 1, &h1);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h1));

	ASSERT_EQ(ACL_SUCCESS, aclrtSetDevice(1));
	alloc_on(_metadata, self->st, DEV, 0, 2, 0, &h0);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(h0));

	ASSERT_LE(2, nodes_now(mid));
	alloc_on(_metadata, mid, NUMA, 1, 2, 1, &hn);
	ASSERT_EQ(ACL_SUCCESS, aclrtFreePhysical(hn));
}

TEST_HARNESS_MAIN
