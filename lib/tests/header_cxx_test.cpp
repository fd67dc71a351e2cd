// SPDX-License-Identifier: MIT
//
// C++ compatibility test for the include/acl headers.
//
//   g++ -std=c++11 -Wall -Wextra -Werror -Iinclude
//       lib/tests/header_cxx_test.cpp -o /tmp/hlxx && /tmp/hlxx
//
// Proves the headers parse as C++ (extern "C" blocks, enums, static
// const ints), that the constants are usable in constant expressions and
// switch labels, and that the declared functions have C linkage and the
// expected types.  Nothing is called, so no library is needed.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include <acl/acl.h>
#include <acl/acl_base.h>
#include <acl/acl_rt.h>

static_assert(ACL_MAJOR_VERSION == 1 && ACL_MINOR_VERSION == 17 && ACL_PATCH_VERSION == 0,
              "ACL version");

static_assert(sizeof(aclError) == 4, "aclError is int");
static_assert(std::is_same<aclError, int>::value, "aclError is int");
static_assert(std::is_same<aclrtDrvMemHandle, void *>::value, "aclrtDrvMemHandle is void *");
static_assert(std::is_same<aclrtStream, void *>::value, "aclrtStream is void *");
static_assert(std::is_same<aclrtContext, void *>::value, "aclrtContext is void *");

static_assert(sizeof(aclrtPhysicalMemProp) == 32, "aclrtPhysicalMemProp size");
static_assert(offsetof(aclrtPhysicalMemProp, location) == 12, "prop.location");
static_assert(offsetof(aclrtPhysicalMemProp, reserve) == 24, "prop.reserve");
static_assert(sizeof(aclrtMemLocation) == 8, "aclrtMemLocation size");
static_assert(sizeof(aclrtMemAccessDesc) == 24, "aclrtMemAccessDesc size");
static_assert(offsetof(aclrtMemAccessDesc, rsv) == 12, "desc.rsv");
static_assert(sizeof(aclrtMemFabricHandle) == 128, "aclrtMemFabricHandle size");
static_assert(std::is_standard_layout<aclrtPhysicalMemProp>::value, "POD prop");
static_assert(std::is_trivial<aclrtPhysicalMemProp>::value, "POD prop");

// static const int codes are constant expressions in C++
static_assert(ACL_SUCCESS == 0 && ACL_ERROR_NONE == 0, "success");
static_assert(ACL_ERROR_INVALID_PARAM == 100000, "invalid param");
static_assert(ACL_ERROR_UNINITIALIZE == 100001, "uninitialize");
static_assert(ACL_ERROR_REPEAT_INITIALIZE == 100002, "repeat init");
static_assert(ACL_ERROR_BAD_ALLOC == 200000, "bad alloc");
static_assert(ACL_ERROR_INTERNAL_ERROR == 500000, "internal");
static_assert(ACL_ERROR_RT_PARAM_INVALID == 107000, "rt param");
static_assert(ACL_ERROR_RT_INVALID_HANDLE == 107017, "rt handle");
static_assert(ACL_ERROR_RT_FEATURE_NOT_SUPPORT == 207000, "rt feature");
static_assert(ACL_ERROR_RT_MEMORY_ALLOCATION == 207001, "rt oom");
static_assert(ACL_ERROR_RT_NO_PERMISSION == 207006, "rt perm");
static_assert(ACL_ERROR_RT_DRV_INTERNAL_ERROR == 507899, "rt drv");

static_assert(ACL_MEM_HANDLE_TYPE_POSIX == 2, "posix");
static_assert(ACL_HBM_MEM_HUGE == 4 && ACL_HBM_MEM_HUGE1G == 10 && ACL_MEM_P2P_HUGE1G == 17, "memattr");
static_assert(ACL_MEM_LOCATION_TYPE_DEVICE == 1 && ACL_MEM_LOCATION_TYPE_HOST_NUMA == 4, "loc");
static_assert(ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED == 1, "granularity");
static_assert(ACL_RT_MEM_ACCESS_FLAGS_READWRITE == 3, "access");
static_assert(ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT == 1, "share default");
static_assert(ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION == 1UL, "vmm flag");
static_assert(ACL_MEMCPY_DEVICE_TO_DEVICE == 3, "memcpy kind");
static_assert(ACL_MEM_MALLOC_HUGE_FIRST == 0, "policy");

// prototypes: exact types, checked without odr-use
#define SAME_TYPE(fn, type) static_assert(std::is_same<decltype(&fn), type>::value, "type of " #fn)
SAME_TYPE(aclInit, aclError (*)(const char *));
SAME_TYPE(aclFinalize, aclError (*)());
SAME_TYPE(aclGetRecentErrMsg, const char *(*)());
SAME_TYPE(aclrtMallocPhysical, aclError (*)(aclrtDrvMemHandle *, size_t, const aclrtPhysicalMemProp *, uint64_t));
SAME_TYPE(aclrtMapMem, aclError (*)(void *, size_t, size_t, aclrtDrvMemHandle, uint64_t));
SAME_TYPE(aclrtMemExportToShareableHandle,
          aclError (*)(aclrtDrvMemHandle, aclrtMemHandleType, uint64_t, uint64_t *));
SAME_TYPE(aclrtMemImportFromShareableHandleV2,
          aclError (*)(void *, aclrtMemSharedHandleType, uint64_t, aclrtDrvMemHandle *));
SAME_TYPE(aclrtMemcpyAsync, aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind, aclrtStream));
SAME_TYPE(aclrtGetMemInfo, aclError (*)(aclrtMemAttr, size_t *, size_t *));
#undef SAME_TYPE

// Typical client code: switch on codes, aggregate-init the prop struct.
static const char *describe(aclError e)
{
    switch (e) {
    case ACL_SUCCESS:
        return "success";
    case ACL_ERROR_INVALID_PARAM:
        return "invalid param";
    case ACL_ERROR_RT_MEMORY_ALLOCATION:
        return "out of memory";
    case ACL_ERROR_RT_FEATURE_NOT_SUPPORT:
        return "not supported";
    default:
        return "other";
    }
}

int main()
{
    aclrtPhysicalMemProp prop = {};
    prop.handleType = ACL_MEM_HANDLE_TYPE_NONE;
    prop.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;
    prop.memAttr = ACL_HBM_MEM_HUGE;
    prop.location.type = ACL_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = 0;
    prop.reserve = 0;

    aclrtMemAccessDesc desc = {};
    desc.flags = ACL_RT_MEM_ACCESS_FLAGS_READWRITE;
    desc.location = prop.location;

    int bad = 0;
    if (std::strcmp(describe(ACL_ERROR_RT_MEMORY_ALLOCATION), "out of memory") != 0)
        bad = 1;
    if (std::strcmp(describe(ACL_SUCCESS), "success") != 0)
        bad = 1;
    if (desc.location.type != ACL_MEM_LOCATION_TYPE_DEVICE || prop.memAttr != ACL_HBM_MEM_HUGE)
        bad = 1;
    std::printf("header_cxx_test: %s\n", bad ? "FAILED" : "passed");
    return bad;
}
