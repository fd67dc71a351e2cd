/* SPDX-License-Identifier: MIT */
/*
 * Layout and value test for the include/acl headers (CANN ACL 1.17.0 ABI).
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -Iinclude \
 *       lib/tests/header_layout_test.c -o /tmp/hl && /tmp/hl
 *
 * Everything that is an integer constant expression in C is checked
 * twice: by _Static_assert at compile time and again at run time (so a
 * build with -DHL_NO_STATIC_ASSERT still reports every mismatch with
 * the actual value).  The ACL_ERROR_* codes are `static const int` (as in
 * CANN) and therefore only checked at run time in C; the C++ test checks
 * some of them statically.  Function prototypes are checked by type
 * comparison only (no symbol is referenced, so no library is needed).
 * Exit status 0 means pass.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <acl/acl.h>
#include <acl/acl_base.h>
#include <acl/acl_rt.h>
#include <acl/error_codes/rt_error_codes.h>

static int failures;
static int checks;

static void check_value(const char *what, long long actual, long long expected)
{
    checks++;
    if (actual != expected) {
        failures++;
        printf("FAIL: %s is %lld, expected %lld\n", what, actual, expected);
    }
}

#ifdef HL_NO_STATIC_ASSERT
#define HL_STATIC(cond, msg)
#else
#define HL_STATIC(cond, msg) _Static_assert(cond, msg)
#endif

/* compile-time and run-time */
#define CK(expr, expected)                                            \
    do {                                                              \
        HL_STATIC((expr) == (expected), #expr " == " #expected);      \
        check_value(#expr, (long long)(expr), (long long)(expected)); \
    } while (0)

/* run-time only (static const int in C) */
#define CK_RT(expr, expected) check_value(#expr, (long long)(expr), (long long)(expected))

/* function type check: no odr-use, nothing to link */
#define CK_PROTO(fn, type)                                                    \
    do {                                                                      \
        int same_ = __builtin_types_compatible_p(__typeof__(&fn), type);      \
        HL_STATIC(__builtin_types_compatible_p(__typeof__(&fn), type),        \
                  "prototype of " #fn);                                       \
        check_value("prototype of " #fn " matches", same_, 1);                \
    } while (0)

static void test_structs(void)
{
    CK(sizeof(aclError), 4);
    CK(sizeof(aclFloat16), 2);
    CK(sizeof(aclrtStream), sizeof(void *));
    CK(sizeof(aclrtContext), sizeof(void *));
    CK(sizeof(aclrtEvent), sizeof(void *));
    CK(sizeof(aclrtDrvMemHandle), sizeof(void *));

    /* every enum used in a struct or prototype is int-sized */
    CK(sizeof(aclrtMemHandleType), 4);
    CK(sizeof(aclrtMemAllocationType), 4);
    CK(sizeof(aclrtMemAttr), 4);
    CK(sizeof(aclrtMemLocationType), 4);
    CK(sizeof(aclrtMemAccessFlags), 4);
    CK(sizeof(aclrtMemGranularityOptions), 4);
    CK(sizeof(aclrtMemSharedHandleType), 4);
    CK(sizeof(aclrtMemcpyKind), 4);
    CK(sizeof(aclrtMemMallocPolicy), 4);
    CK(sizeof(aclrtRunMode), 4);
    CK(sizeof(aclDataType), 4);

    CK(sizeof(aclrtMemLocation), 8);
    CK(_Alignof(aclrtMemLocation), 4);
    CK(offsetof(aclrtMemLocation, id), 0);
    CK(offsetof(aclrtMemLocation, type), 4);

    CK(sizeof(aclrtPhysicalMemProp), 32);
    CK(_Alignof(aclrtPhysicalMemProp), 8);
    CK(offsetof(aclrtPhysicalMemProp, handleType), 0);
    CK(offsetof(aclrtPhysicalMemProp, allocationType), 4);
    CK(offsetof(aclrtPhysicalMemProp, memAttr), 8);
    CK(offsetof(aclrtPhysicalMemProp, location), 12);
    CK(offsetof(aclrtPhysicalMemProp, location.id), 12);
    CK(offsetof(aclrtPhysicalMemProp, location.type), 16);
    CK(offsetof(aclrtPhysicalMemProp, reserve), 24);
    CK(sizeof(((aclrtPhysicalMemProp *)0)->reserve), 8);

    CK(sizeof(aclrtMemAccessDesc), 24);
    CK(_Alignof(aclrtMemAccessDesc), 4);
    CK(offsetof(aclrtMemAccessDesc, flags), 0);
    CK(offsetof(aclrtMemAccessDesc, location), 4);
    CK(offsetof(aclrtMemAccessDesc, rsv), 12);
    CK(sizeof(((aclrtMemAccessDesc *)0)->rsv), 12);

    CK(sizeof(aclrtMemFabricHandle), 128);
    CK(offsetof(aclrtMemFabricHandle, data), 0);
}

static void test_enums(void)
{
    CK(ACL_MAJOR_VERSION, 1);
    CK(ACL_MINOR_VERSION, 17);
    CK(ACL_PATCH_VERSION, 0);

    CK(ACL_MEM_HANDLE_TYPE_NONE, 0);
    CK(ACL_MEM_HANDLE_TYPE_POSIX, 2);

    CK(ACL_MEM_ALLOCATION_TYPE_PINNED, 0);

    CK(ACL_DDR_MEM, 0);
    CK(ACL_HBM_MEM, 1);
    CK(ACL_DDR_MEM_HUGE, 2);
    CK(ACL_DDR_MEM_NORMAL, 3);
    CK(ACL_HBM_MEM_HUGE, 4);
    CK(ACL_HBM_MEM_NORMAL, 5);
    CK(ACL_DDR_MEM_P2P_HUGE, 6);
    CK(ACL_DDR_MEM_P2P_NORMAL, 7);
    CK(ACL_HBM_MEM_P2P_HUGE, 8);
    CK(ACL_HBM_MEM_P2P_NORMAL, 9);
    CK(ACL_HBM_MEM_HUGE1G, 10);
    CK(ACL_HBM_MEM_P2P_HUGE1G, 11);
    CK(ACL_MEM_NORMAL, 12);
    CK(ACL_MEM_HUGE, 13);
    CK(ACL_MEM_HUGE1G, 14);
    CK(ACL_MEM_P2P_NORMAL, 15);
    CK(ACL_MEM_P2P_HUGE, 16);
    CK(ACL_MEM_P2P_HUGE1G, 17);

    CK(ACL_MEM_LOCATION_TYPE_HOST, 0);
    CK(ACL_MEM_LOCATION_TYPE_DEVICE, 1);
    CK(ACL_MEM_LOCATION_TYPE_UNREGISTERED, 2);
    CK(ACL_MEM_LOCATION_TYPE_MANAGED, 3);
    CK(ACL_MEM_LOCATION_TYPE_HOST_NUMA, 4);

    CK(ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, 0);
    CK(ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED, 1);
    CK(ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF, 0xFFFF);

    CK(ACL_RT_MEM_ACCESS_FLAGS_NONE, 0);
    CK(ACL_RT_MEM_ACCESS_FLAGS_READ, 1);
    CK(ACL_RT_MEM_ACCESS_FLAGS_READWRITE, 3);

    CK(ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 1);
    CK(ACL_MEM_SHARE_HANDLE_TYPE_FABRIC, 2);

    CK(ACL_RT_VMM_EXPORT_FLAG_DEFAULT, 0);
    CK(ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, 1);
    CK(sizeof(ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION), sizeof(unsigned long));

    CK(ACL_MEM_MALLOC_HUGE_FIRST, 0);
    CK(ACL_MEM_MALLOC_HUGE_ONLY, 1);
    CK(ACL_MEM_MALLOC_NORMAL_ONLY, 2);
    CK(ACL_MEM_MALLOC_HUGE_FIRST_P2P, 3);
    CK(ACL_MEM_MALLOC_HUGE_ONLY_P2P, 4);
    CK(ACL_MEM_MALLOC_NORMAL_ONLY_P2P, 5);
    CK(ACL_MEM_MALLOC_HUGE1G_ONLY, 6);
    CK(ACL_MEM_MALLOC_HUGE1G_ONLY_P2P, 7);
    CK(ACL_MEM_TYPE_LOW_BAND_WIDTH, 0x100);
    CK(ACL_MEM_TYPE_HIGH_BAND_WIDTH, 0x1000);
    CK(ACL_MEM_ACCESS_USER_SPACE_READONLY, 0x100000);

    CK(ACL_MEMCPY_HOST_TO_HOST, 0);
    CK(ACL_MEMCPY_HOST_TO_DEVICE, 1);
    CK(ACL_MEMCPY_DEVICE_TO_HOST, 2);
    CK(ACL_MEMCPY_DEVICE_TO_DEVICE, 3);
    CK(ACL_MEMCPY_DEFAULT, 4);
    CK(ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE, 5);
    CK(ACL_MEMCPY_INNER_DEVICE_TO_DEVICE, 6);
    CK(ACL_MEMCPY_INTER_DEVICE_TO_DEVICE, 7);

    CK(ACL_DEVICE, 0);
    CK(ACL_HOST, 1);

    CK(ACL_DT_UNDEFINED, -1);
    CK(ACL_FLOAT, 0);
    CK(ACL_FLOAT16, 1);
    CK(ACL_BF16, 27);
    CK(ACL_HIFLOAT4_SCALE, 43);
    CK(ACL_FORMAT_UNDEFINED, -1);
    CK(ACL_FORMAT_ND, 2);
    CK(ACL_FORMAT_FRACTAL_NZ, 29);
    CK(ACL_MEMTYPE_DEVICE, 0);
    CK(ACL_MEMTYPE_HOST, 1);
}

static void test_error_codes(void)
{
    /* acl_base.h: static const int, run time only in C */
    CK_RT(ACL_SUCCESS, 0);
    CK_RT(ACL_ERROR_NONE, 0);
    CK_RT(ACL_ERROR_INVALID_EXCEPTION_INFO, -1);
    CK_RT(ACL_ERROR_INVALID_PARAM, 100000);
    CK_RT(ACL_ERROR_UNINITIALIZE, 100001);
    CK_RT(ACL_ERROR_REPEAT_INITIALIZE, 100002);
    CK_RT(ACL_ERROR_INVALID_FILE, 100003);
    CK_RT(ACL_ERROR_WRITE_FILE, 100004);
    CK_RT(ACL_ERROR_INVALID_FILE_SIZE, 100005);
    CK_RT(ACL_ERROR_PARSE_FILE, 100006);
    CK_RT(ACL_ERROR_FILE_MISSING_ATTR, 100007);
    CK_RT(ACL_ERROR_FILE_ATTR_INVALID, 100008);
    CK_RT(ACL_ERROR_INVALID_DUMP_CONFIG, 100009);
    CK_RT(ACL_ERROR_INVALID_PROFILING_CONFIG, 100010);
    CK_RT(ACL_ERROR_INVALID_MODEL_ID, 100011);
    CK_RT(ACL_ERROR_DESERIALIZE_MODEL, 100012);
    CK_RT(ACL_ERROR_PARSE_MODEL, 100013);
    CK_RT(ACL_ERROR_READ_MODEL_FAILURE, 100014);
    CK_RT(ACL_ERROR_MODEL_SIZE_INVALID, 100015);
    CK_RT(ACL_ERROR_MODEL_MISSING_ATTR, 100016);
    CK_RT(ACL_ERROR_MODEL_INPUT_NOT_MATCH, 100017);
    CK_RT(ACL_ERROR_MODEL_OUTPUT_NOT_MATCH, 100018);
    CK_RT(ACL_ERROR_MODEL_NOT_DYNAMIC, 100019);
    CK_RT(ACL_ERROR_OP_TYPE_NOT_MATCH, 100020);
    CK_RT(ACL_ERROR_OP_INPUT_NOT_MATCH, 100021);
    CK_RT(ACL_ERROR_OP_OUTPUT_NOT_MATCH, 100022);
    CK_RT(ACL_ERROR_OP_ATTR_NOT_MATCH, 100023);
    CK_RT(ACL_ERROR_OP_NOT_FOUND, 100024);
    CK_RT(ACL_ERROR_OP_LOAD_FAILED, 100025);
    CK_RT(ACL_ERROR_UNSUPPORTED_DATA_TYPE, 100026);
    CK_RT(ACL_ERROR_FORMAT_NOT_MATCH, 100027);
    CK_RT(ACL_ERROR_BIN_SELECTOR_NOT_REGISTERED, 100028);
    CK_RT(ACL_ERROR_KERNEL_NOT_FOUND, 100029);
    CK_RT(ACL_ERROR_BIN_SELECTOR_ALREADY_REGISTERED, 100030);
    CK_RT(ACL_ERROR_KERNEL_ALREADY_REGISTERED, 100031);
    CK_RT(ACL_ERROR_INVALID_QUEUE_ID, 100032);
    CK_RT(ACL_ERROR_REPEAT_SUBSCRIBE, 100033);
    CK_RT(ACL_ERROR_STREAM_NOT_SUBSCRIBE, 100034);
    CK_RT(ACL_ERROR_THREAD_NOT_SUBSCRIBE, 100035);
    CK_RT(ACL_ERROR_WAIT_CALLBACK_TIMEOUT, 100036);
    CK_RT(ACL_ERROR_REPEAT_FINALIZE, 100037);
    CK_RT(ACL_ERROR_NOT_STATIC_AIPP, 100038);
    CK_RT(ACL_ERROR_COMPILING_STUB_MODE, 100039);
    CK_RT(ACL_ERROR_GROUP_NOT_SET, 100040);
    CK_RT(ACL_ERROR_GROUP_NOT_CREATE, 100041);
    CK_RT(ACL_ERROR_PROF_ALREADY_RUN, 100042);
    CK_RT(ACL_ERROR_PROF_NOT_RUN, 100043);
    CK_RT(ACL_ERROR_DUMP_ALREADY_RUN, 100044);
    CK_RT(ACL_ERROR_DUMP_NOT_RUN, 100045);
    CK_RT(ACL_ERROR_PROF_REPEAT_SUBSCRIBE, 148046);
    CK_RT(ACL_ERROR_PROF_API_CONFLICT, 148047);
    CK_RT(ACL_ERROR_INVALID_MAX_OPQUEUE_NUM_CONFIG, 148048);
    CK_RT(ACL_ERROR_INVALID_OPP_PATH, 148049);
    CK_RT(ACL_ERROR_OP_UNSUPPORTED_DYNAMIC, 148050);
    CK_RT(ACL_ERROR_RELATIVE_RESOURCE_NOT_CLEARED, 148051);
    CK_RT(ACL_ERROR_UNSUPPORTED_JPEG, 148052);
    CK_RT(ACL_ERROR_INVALID_BUNDLE_MODEL_ID, 148053);
    CK_RT(ACL_ERROR_BAD_ALLOC, 200000);
    CK_RT(ACL_ERROR_API_NOT_SUPPORT, 200001);
    CK_RT(ACL_ERROR_INVALID_DEVICE, 200002);
    CK_RT(ACL_ERROR_MEMORY_ADDRESS_UNALIGNED, 200003);
    CK_RT(ACL_ERROR_RESOURCE_NOT_MATCH, 200004);
    CK_RT(ACL_ERROR_INVALID_RESOURCE_HANDLE, 200005);
    CK_RT(ACL_ERROR_FEATURE_UNSUPPORTED, 200006);
    CK_RT(ACL_ERROR_PROF_MODULES_UNSUPPORTED, 200007);
    CK_RT(ACL_ERROR_STORAGE_OVER_LIMIT, 300000);
    CK_RT(ACL_ERROR_INTERNAL_ERROR, 500000);
    CK_RT(ACL_ERROR_FAILURE, 500001);
    CK_RT(ACL_ERROR_GE_FAILURE, 500002);
    CK_RT(ACL_ERROR_RT_FAILURE, 500003);
    CK_RT(ACL_ERROR_DRV_FAILURE, 500004);
    CK_RT(ACL_ERROR_PROFILING_FAILURE, 500005);

    /* rt_error_codes.h: macros, static and run time */
    CK(ACL_RT_SUCCESS, 0);
    CK(ACL_ERROR_RT_PARAM_INVALID, 107000);
    CK(ACL_ERROR_RT_INVALID_DEVICEID, 107001);
    CK(ACL_ERROR_RT_CONTEXT_NULL, 107002);
    CK(ACL_ERROR_RT_STREAM_CONTEXT, 107003);
    CK(ACL_ERROR_RT_MODEL_CONTEXT, 107004);
    CK(ACL_ERROR_RT_STREAM_MODEL, 107005);
    CK(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID, 107006);
    CK(ACL_ERROR_RT_EVENT_TIMESTAMP_REVERSAL, 107007);
    CK(ACL_ERROR_RT_ADDR_UNALIGNED, 107008);
    CK(ACL_ERROR_RT_FILE_OPEN, 107009);
    CK(ACL_ERROR_RT_FILE_WRITE, 107010);
    CK(ACL_ERROR_RT_STREAM_SUBSCRIBE, 107011);
    CK(ACL_ERROR_RT_THREAD_SUBSCRIBE, 107012);
    CK(ACL_ERROR_RT_GROUP_NOT_SET, 107013);
    CK(ACL_ERROR_RT_GROUP_NOT_CREATE, 107014);
    CK(ACL_ERROR_RT_STREAM_NO_CB_REG, 107015);
    CK(ACL_ERROR_RT_INVALID_MEMORY_TYPE, 107016);
    CK(ACL_ERROR_RT_INVALID_HANDLE, 107017);
    CK(ACL_ERROR_RT_INVALID_MALLOC_TYPE, 107018);
    CK(ACL_ERROR_RT_WAIT_TIMEOUT, 107019);
    CK(ACL_ERROR_RT_TASK_TIMEOUT, 107020);
    CK(ACL_ERROR_RT_SYSPARAMOPT_NOT_SET, 107021);
    CK(ACL_ERROR_RT_DEVICE_TASK_ABORT, 107022);
    CK(ACL_ERROR_RT_STREAM_ABORT, 107023);
    CK(ACL_ERROR_RT_CAPTURE_DEPENDENCY, 107024);
    CK(ACL_ERROR_RT_STREAM_UNJOINED, 107025);
    CK(ACL_ERROR_RT_MODEL_CAPTURED, 107026);
    CK(ACL_ERROR_RT_STREAM_CAPTURED, 107027);
    CK(ACL_ERROR_RT_EVENT_CAPTURED, 107028);
    CK(ACL_ERROR_RT_STREAM_NOT_CAPTURED, 107029);
    CK(ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT, 107030);
    CK(ACL_ERROR_RT_STREAM_CAPTURE_IMPLICIT, 107031);
    CK(ACL_ERROR_STREAM_CAPTURE_CONFLICT, 107032);
    CK(ACL_ERROR_STREAM_TASK_GROUP_STATUS, 107033);
    CK(ACL_ERROR_STREAM_TASK_GROUP_INTR, 107034);
    CK(ACL_ERROR_RT_TASK_ABORT_STOP, 107035);
    CK(ACL_ERROR_RT_STREAM_CAPTURE_UNMATCHED, 107036);
    CK(ACL_ERROR_RT_MODEL_RUNNING, 107037);
    CK(ACL_ERROR_RT_STREAM_CAPTURE_WRONG_THREAD, 107038);
    CK(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, 107039);
    CK(ACL_ERROR_RT_MODEL_UPDATE_FAILED, 107040);
    CK(ACL_ERROR_RT_CAPTURE_MODE_BLOCK_ASYNC, 107041);
    CK(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, 207000);
    CK(ACL_ERROR_RT_MEMORY_ALLOCATION, 207001);
    CK(ACL_ERROR_RT_MEMORY_FREE, 207002);
    CK(ACL_ERROR_RT_AICORE_OVER_FLOW, 207003);
    CK(ACL_ERROR_RT_NO_DEVICE, 207004);
    CK(ACL_ERROR_RT_RESOURCE_ALLOC_FAIL, 207005);
    CK(ACL_ERROR_RT_NO_PERMISSION, 207006);
    CK(ACL_ERROR_RT_NO_EVENT_RESOURCE, 207007);
    CK(ACL_ERROR_RT_NO_STREAM_RESOURCE, 207008);
    CK(ACL_ERROR_RT_NO_NOTIFY_RESOURCE, 207009);
    CK(ACL_ERROR_RT_NO_MODEL_RESOURCE, 207010);
    CK(ACL_ERROR_RT_NO_CDQ_RESOURCE, 207011);
    CK(ACL_ERROR_RT_OVER_LIMIT, 207012);
    CK(ACL_ERROR_RT_QUEUE_EMPTY, 207013);
    CK(ACL_ERROR_RT_QUEUE_FULL, 207014);
    CK(ACL_ERROR_RT_REPEATED_INIT, 207015);
    CK(ACL_ERROR_RT_AIVEC_OVER_FLOW, 207016);
    CK(ACL_ERROR_RT_OVER_FLOW, 207017);
    CK(ACL_ERROR_RT_DEVICE_OOM, 207018);
    CK(ACL_ERROR_RT_FEATURE_NOT_SUPPORT_UPDATE_OP, 207019);
    CK(ACL_ERROR_RT_TIMEOUT, 207020);
    CK(ACL_ERROR_RT_INTERNAL_ERROR, 507000);
    CK(ACL_ERROR_RT_TS_ERROR, 507001);
    CK(ACL_ERROR_RT_STREAM_TASK_FULL, 507002);
    CK(ACL_ERROR_RT_STREAM_TASK_EMPTY, 507003);
    CK(ACL_ERROR_RT_STREAM_NOT_COMPLETE, 507004);
    CK(ACL_ERROR_RT_END_OF_SEQUENCE, 507005);
    CK(ACL_ERROR_RT_EVENT_NOT_COMPLETE, 507006);
    CK(ACL_ERROR_RT_CONTEXT_RELEASE_ERROR, 507007);
    CK(ACL_ERROR_RT_SOC_VERSION, 507008);
    CK(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, 507009);
    CK(ACL_ERROR_RT_LOST_HEARTBEAT, 507010);
    CK(ACL_ERROR_RT_MODEL_EXECUTE, 507011);
    CK(ACL_ERROR_RT_REPORT_TIMEOUT, 507012);
    CK(ACL_ERROR_RT_SYS_DMA, 507013);
    CK(ACL_ERROR_RT_AICORE_TIMEOUT, 507014);
    CK(ACL_ERROR_RT_AICORE_EXCEPTION, 507015);
    CK(ACL_ERROR_RT_AICORE_TRAP_EXCEPTION, 507016);
    CK(ACL_ERROR_RT_AICPU_TIMEOUT, 507017);
    CK(ACL_ERROR_RT_AICPU_EXCEPTION, 507018);
    CK(ACL_ERROR_RT_AICPU_DATADUMP_RSP_ERR, 507019);
    CK(ACL_ERROR_RT_AICPU_MODEL_RSP_ERR, 507020);
    CK(ACL_ERROR_RT_PROFILING_ERROR, 507021);
    CK(ACL_ERROR_RT_IPC_ERROR, 507022);
    CK(ACL_ERROR_RT_MODEL_ABORT_NORMAL, 507023);
    CK(ACL_ERROR_RT_KERNEL_UNREGISTERING, 507024);
    CK(ACL_ERROR_RT_RINGBUFFER_NOT_INIT, 507025);
    CK(ACL_ERROR_RT_RINGBUFFER_NO_DATA, 507026);
    CK(ACL_ERROR_RT_KERNEL_LOOKUP, 507027);
    CK(ACL_ERROR_RT_KERNEL_DUPLICATE, 507028);
    CK(ACL_ERROR_RT_DEBUG_REGISTER_FAIL, 507029);
    CK(ACL_ERROR_RT_DEBUG_UNREGISTER_FAIL, 507030);
    CK(ACL_ERROR_RT_LABEL_CONTEXT, 507031);
    CK(ACL_ERROR_RT_PROGRAM_USE_OUT, 507032);
    CK(ACL_ERROR_RT_DEV_SETUP_ERROR, 507033);
    CK(ACL_ERROR_RT_VECTOR_CORE_TIMEOUT, 507034);
    CK(ACL_ERROR_RT_VECTOR_CORE_EXCEPTION, 507035);
    CK(ACL_ERROR_RT_VECTOR_CORE_TRAP_EXCEPTION, 507036);
    CK(ACL_ERROR_RT_CDQ_BATCH_ABNORMAL, 507037);
    CK(ACL_ERROR_RT_DIE_MODE_CHANGE_ERROR, 507038);
    CK(ACL_ERROR_RT_DIE_SET_ERROR, 507039);
    CK(ACL_ERROR_RT_INVALID_DIEID, 507040);
    CK(ACL_ERROR_RT_DIE_MODE_NOT_SET, 507041);
    CK(ACL_ERROR_RT_AICORE_TRAP_READ_OVERFLOW, 507042);
    CK(ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW, 507043);
    CK(ACL_ERROR_RT_VECTOR_CORE_TRAP_READ_OVERFLOW, 507044);
    CK(ACL_ERROR_RT_VECTOR_CORE_TRAP_WRITE_OVERFLOW, 507045);
    CK(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, 507046);
    CK(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT, 507047);
    CK(ACL_ERROR_RT_FFTS_PLUS_TIMEOUT, 507048);
    CK(ACL_ERROR_RT_FFTS_PLUS_EXCEPTION, 507049);
    CK(ACL_ERROR_RT_FFTS_PLUS_TRAP_EXCEPTION, 507050);
    CK(ACL_ERROR_RT_SEND_MSG, 507051);
    CK(ACL_ERROR_RT_COPY_DATA, 507052);
    CK(ACL_ERROR_RT_DEVICE_MEM_ERROR, 507053);
    CK(ACL_ERROR_RT_HBM_MULTI_BIT_ECC_ERROR, 507054);
    CK(ACL_ERROR_RT_SUSPECT_DEVICE_MEM_ERROR, 507055);
    CK(ACL_ERROR_RT_LINK_ERROR, 507056);
    CK(ACL_ERROR_RT_SUSPECT_REMOTE_ERROR, 507057);
    CK(ACL_ERROR_RT_DRV_INTERNAL_ERROR, 507899);
    CK(ACL_ERROR_RT_AICPU_INTERNAL_ERROR, 507900);
    CK(ACL_ERROR_RT_SOCKET_CLOSE, 507901);
    CK(ACL_ERROR_RT_AICPU_INFO_LOAD_RSP_ERR, 507902);
    CK(ACL_ERROR_RT_STREAM_CAPTURE_INVALIDATED, 507903);
    CK(ACL_ERROR_RT_COMM_OP_RETRY_FAIL, 507904);
    CK(ACL_ERROR_SNAPSHOT_LOCK_TIMEOUT, 507905);
    CK(ACL_ERROR_SNAPSHOT_LOCK_FAILED, 507906);
    CK(ACL_ERROR_SNAPSHOT_UNLOCK_FAILED, 507907);
    CK(ACL_ERROR_SNAPSHOT_BACKUP_FAILED, 507908);
    CK(ACL_ERROR_SNAPSHOT_RESTORE_FAILED, 507909);
    CK(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED, 507910);
    CK(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED, 507911);
    CK(ACL_ERROR_SNAPSHOT_CALLBACK_FAILED, 507912);
    CK(ACL_ERROR_SNAPSHOT_REGISTER_CALLBACK_FAILED, 507913);
    CK(ACL_ERROR_RT_L3_PORT_ERROR, 507914);
    CK(ACL_ERROR_RT_SYMBOL_NOT_FOUND, 507915);
}

static void test_prototypes(void)
{
    CK_PROTO(aclInit, aclError (*)(const char *));
    CK_PROTO(aclFinalize, aclError (*)(void));
    CK_PROTO(aclGetRecentErrMsg, const char *(*)(void));

    CK_PROTO(aclrtSetDevice, aclError (*)(int32_t));
    CK_PROTO(aclrtResetDevice, aclError (*)(int32_t));
    CK_PROTO(aclrtResetDeviceForce, aclError (*)(int32_t));
    CK_PROTO(aclrtGetDevice, aclError (*)(int32_t *));
    CK_PROTO(aclrtGetDeviceCount, aclError (*)(uint32_t *));
    CK_PROTO(aclrtSynchronizeDevice, aclError (*)(void));
    CK_PROTO(aclrtDeviceGetBareTgid, aclError (*)(int32_t *));
    CK_PROTO(aclrtCreateContext, aclError (*)(aclrtContext *, int32_t));
    CK_PROTO(aclrtDestroyContext, aclError (*)(aclrtContext));
    CK_PROTO(aclrtSetCurrentContext, aclError (*)(aclrtContext));
    CK_PROTO(aclrtGetCurrentContext, aclError (*)(aclrtContext *));

    CK_PROTO(aclrtCreateStream, aclError (*)(aclrtStream *));
    CK_PROTO(aclrtDestroyStream, aclError (*)(aclrtStream));
    CK_PROTO(aclrtDestroyStreamForce, aclError (*)(aclrtStream));
    CK_PROTO(aclrtSynchronizeStream, aclError (*)(aclrtStream));

    CK_PROTO(aclrtMalloc, aclError (*)(void **, size_t, aclrtMemMallocPolicy));
    CK_PROTO(aclrtFree, aclError (*)(void *));
    CK_PROTO(aclrtMallocHost, aclError (*)(void **, size_t));
    CK_PROTO(aclrtFreeHost, aclError (*)(void *));
    CK_PROTO(aclrtGetMemInfo, aclError (*)(aclrtMemAttr, size_t *, size_t *));

    CK_PROTO(aclrtMemcpy, aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind));
    CK_PROTO(aclrtMemset, aclError (*)(void *, size_t, int32_t, size_t));
    CK_PROTO(aclrtMemcpyAsync,
             aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind, aclrtStream));
    CK_PROTO(aclrtMemsetAsync, aclError (*)(void *, size_t, int32_t, size_t, aclrtStream));

    CK_PROTO(aclrtMemGetAllocationGranularity,
             aclError (*)(aclrtPhysicalMemProp *, aclrtMemGranularityOptions, size_t *));
    CK_PROTO(aclrtMallocPhysical,
             aclError (*)(aclrtDrvMemHandle *, size_t, const aclrtPhysicalMemProp *, uint64_t));
    CK_PROTO(aclrtFreePhysical, aclError (*)(aclrtDrvMemHandle));
    CK_PROTO(aclrtReserveMemAddress, aclError (*)(void **, size_t, size_t, void *, uint64_t));
    CK_PROTO(aclrtReleaseMemAddress, aclError (*)(void *));
    CK_PROTO(aclrtMapMem, aclError (*)(void *, size_t, size_t, aclrtDrvMemHandle, uint64_t));
    CK_PROTO(aclrtMemMapNoAccess, aclError (*)(void *, size_t, size_t, aclrtDrvMemHandle, uint64_t));
    CK_PROTO(aclrtUnmapMem, aclError (*)(void *));
    CK_PROTO(aclrtMemSetAccess, aclError (*)(void *, size_t, aclrtMemAccessDesc *, size_t));
    CK_PROTO(aclrtMemGetAccess, aclError (*)(void *, aclrtMemLocation *, uint64_t *));
    CK_PROTO(aclrtMemRetainAllocationHandle, aclError (*)(void *, aclrtDrvMemHandle *));
    CK_PROTO(aclrtMemGetAllocationPropertiesFromHandle,
             aclError (*)(aclrtDrvMemHandle, aclrtPhysicalMemProp *));
    CK_PROTO(aclrtMemGetAddressRange, aclError (*)(void *, void **, size_t *));

    CK_PROTO(aclrtMemExportToShareableHandle,
             aclError (*)(aclrtDrvMemHandle, aclrtMemHandleType, uint64_t, uint64_t *));
    CK_PROTO(aclrtMemImportFromShareableHandle, aclError (*)(uint64_t, int32_t, aclrtDrvMemHandle *));
    CK_PROTO(aclrtMemSetPidToShareableHandle, aclError (*)(uint64_t, int32_t *, size_t));
    CK_PROTO(aclrtMemExportToShareableHandleV2,
             aclError (*)(aclrtDrvMemHandle, uint64_t, aclrtMemSharedHandleType, void *));
    CK_PROTO(aclrtMemImportFromShareableHandleV2,
             aclError (*)(void *, aclrtMemSharedHandleType, uint64_t, aclrtDrvMemHandle *));
    CK_PROTO(aclrtMemSetPidToShareableHandleV2,
             aclError (*)(void *, aclrtMemSharedHandleType, int32_t *, size_t));
}

int main(void)
{
    test_structs();
    test_enums();
    test_error_codes();
    test_prototypes();

    if (failures) {
        printf("header_layout_test: %d of %d checks FAILED\n", failures, checks);
        printf("  sizeof(aclrtPhysicalMemProp)=%zu sizeof(aclrtMemAccessDesc)=%zu "
               "sizeof(aclrtMemLocation)=%zu sizeof(aclrtMemFabricHandle)=%zu\n",
               sizeof(aclrtPhysicalMemProp), sizeof(aclrtMemAccessDesc),
               sizeof(aclrtMemLocation), sizeof(aclrtMemFabricHandle));
        return 1;
    }
    printf("header_layout_test: all %d checks passed\n", checks);
    return 0;
}
