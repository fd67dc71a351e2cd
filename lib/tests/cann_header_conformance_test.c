/* SPDX-License-Identifier: MIT */
/*
 * Conformance of the include/acl headers to the public CANN headers.
 *
 * Reference: hicann/runtime at commit
 *   681ef7610df13c8128982901142a2c869ddbb53e
 * files include/external/acl/acl_base_rt.h (which CANN's acl_base.h
 * includes), acl_rt.h, error_codes/rt_error_codes.h and
 * error_codes/ge_error_codes.h.  Every expected value below is a number
 * read from those files at that commit; every function type is the
 * prototype CANN declares there.  When CANN changes, update the numbers
 * here together with the headers; the comment over each group says what
 * aclmem had to change or leave out to match.  This test took over the
 * checks of the former header_layout_test.c.
 *
 * Covered: each enumerator and constant aclmem's acl.h, acl_base.h,
 * acl_rt.h and error_codes/ headers define, each struct's size, alignment
 * and every field's offset, size and type, the opaque typedefs and tags,
 * each declared function's type, and the include guards (the same as
 * CANN's, so that a vendored CANN header and ours do not both define a
 * name).  aclmem_ext.h is aclmem's own and not covered.
 *
 *   make -C lib/tests conformance
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude \
 *       lib/tests/cann_header_conformance_test.c -o /tmp/cc && /tmp/cc
 *
 * Only names CANN has are used, so the test also builds against CANN's
 * own headers (-I<hicann/runtime>/include/external), which checks the
 * numbers here against the reference rather than against aclmem.
 *
 * Compile time: every integer constant expression (macros, enumerators,
 * sizes, offsets) and every type by _Static_assert.  The ACL_ERROR_* and
 * ACL_ERROR_GE_* codes are `static const` objects, as in CANN, and not
 * constant expressions in C: their types are asserted statically, their
 * values by a call to an undefined function with the "error" attribute
 * that the compiler must fold away (active with clang, and with GCC when
 * optimizing, as the Makefile does).  Run time: every check again,
 * reported as TAP, one result per group, a "# FAIL:" line per mismatch
 * with the actual value; -DCONF_NO_STATIC_ASSERT leaves the compile-time
 * checks out, so that one run lists every mismatch.  No function is
 * called; the library is not needed.  The layout figures are for LP64
 * (x86_64, aarch64), the ABIs CANN is built for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <acl/acl.h>
#include <acl/acl_base.h>
#include <acl/acl_rt.h>
#include <acl/error_codes/rt_error_codes.h>
#include <acl/error_codes/ge_error_codes.h>

#define CANN_COMMIT "681ef7610df13c8128982901142a2c869ddbb53e"

/* ---- include guards and helper macros (preprocessor) -------------- */

#ifndef INC_EXTERNAL_ACL_ACL_H_
#error "acl/acl.h: include guard differs from CANN's (INC_EXTERNAL_ACL_ACL_H_)"
#endif
#ifndef INC_EXTERNAL_ACL_ACL_BASE_H_
#error "acl/acl_base.h: include guard differs from CANN's (INC_EXTERNAL_ACL_ACL_BASE_H_)"
#endif
#ifndef INC_EXTERNAL_ACL_ACL_RT_H_
#error "acl/acl_rt.h: include guard differs from CANN's (INC_EXTERNAL_ACL_ACL_RT_H_)"
#endif
#ifndef __INC_EXTERNEL_RT_ERROR_CODES_H__
#error "rt_error_codes.h: include guard differs from CANN's (__INC_EXTERNEL_RT_ERROR_CODES_H__)"
#endif
#ifndef INC_EXTERNAL_GE_GE_ERROR_CODES_H_
#error "ge_error_codes.h: include guard differs from CANN's (INC_EXTERNAL_GE_GE_ERROR_CODES_H_)"
#endif
#if !defined(ACL_FUNC_VISIBILITY) || !defined(ACL_DEPRECATED) || !defined(ACL_DEPRECATED_MESSAGE)
#error "acl_base.h: ACL_FUNC_VISIBILITY, ACL_DEPRECATED or ACL_DEPRECATED_MESSAGE missing"
#endif
#ifndef GE_FUNC_VISIBILITY
#error "ge_error_codes.h: GE_FUNC_VISIBILITY missing"
#endif

/* ---- checking and reporting ------------------------------------------ */

static int group_checks;
static int group_failures;

static void check_value(const char *what, long long actual, long long expected)
{
    group_checks++;
    if (actual != expected) {
        group_failures++;
        printf("# FAIL: %s is %lld, CANN %.12s has %lld\n", what, actual, CANN_COMMIT, expected);
    }
}

static void check_true(const char *what, int ok)
{
    group_checks++;
    if (!ok) {
        group_failures++;
        printf("# FAIL: not so: %s (CANN %.12s)\n", what, CANN_COMMIT);
    }
}

#ifdef CONF_NO_STATIC_ASSERT
#define CONF_STATIC(cond, msg)
#else
#define CONF_STATIC(cond, msg) _Static_assert(cond, msg)
#endif

/*
 * Value of a `static const` object, at compile time: the call survives,
 * and the build fails naming the constant, only if the comparison is
 * not folded to false.
 */
#if defined(CONF_NO_STATIC_ASSERT)
#define CONF_FOLD_OK 0
#elif defined(__clang__) && defined(__has_attribute)
#if __has_attribute(error)
#define CONF_FOLD_OK 1
#else
#define CONF_FOLD_OK 0
#endif
#elif defined(__GNUC__) && defined(__OPTIMIZE__)
#define CONF_FOLD_OK 1
#else
#define CONF_FOLD_OK 0
#endif

#define CONF_CAT2(a, b) a##b
#define CONF_CAT(a, b) CONF_CAT2(a, b)

#if CONF_FOLD_OK
#define CONF_FOLDED(msg, expr, expected)                                   \
    do {                                                                   \
        extern void CONF_CAT(conf_mismatch_line_, __LINE__)(void)          \
            __attribute__((error(msg)));                                   \
        if ((expr) != (expected))                                          \
            CONF_CAT(conf_mismatch_line_, __LINE__)();                     \
    } while (0)
#else
#define CONF_FOLDED(msg, expr, expected) ((void)0)
#endif

#define CONF_SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)

/*
 * The *_AS forms take the name to report as a string, so that a macro
 * constant is reported by its name, not by its expansion.
 */

/* integer constant expression: compile time and run time */
#define CK_AS(what, expr, expected)                                               \
    do {                                                                          \
        CONF_STATIC((expr) == (expected), what " == " #expected " (as in CANN)"); \
        check_value(what, (long long)(expr), (long long)(expected));              \
    } while (0)
#define CK(expr, expected) CK_AS(#expr, expr, expected)

/* the type of an expression */
#define CK_TYPE_AS(what, expr, type)                                  \
    do {                                                              \
        CONF_STATIC(CONF_SAME_TYPE(__typeof__(expr), type), what);    \
        check_true(what, CONF_SAME_TYPE(__typeof__(expr), type));     \
    } while (0)
#define CK_TYPE(expr, type) CK_TYPE_AS(#expr " has type " #type, expr, type)

/* a macro constant: value and type */
#define CK_CONST(name, expected, type)                          \
    do {                                                        \
        CK_AS(#name, name, expected);                           \
        CK_TYPE_AS(#name " has type " #type, name, type);       \
    } while (0)
/* of type int (the error codes, the version) */
#define CK_INT(name, expected) CK_CONST(name, expected, int)

/* a `static const` object: type statically, value folded and at run time */
#define CK_OBJ(name, expected, type)                                                  \
    do {                                                                              \
        CK_TYPE_AS(#name " has type " #type, name, type);                             \
        CONF_FOLDED(#name " differs from CANN's " #expected, name, expected);         \
        check_value(#name, (long long)(name), (long long)(expected));                 \
    } while (0)
#define CK_ACL(name, expected) CK_OBJ(name, expected, int)
#define CK_GE(name, expected) CK_OBJ(name, expected, uint32_t)

/* a struct field: offset, size and type */
#define CK_FIELD(st, field, offset, type)                                                 \
    do {                                                                                  \
        CK_AS("offsetof(" #st ", " #field ")", offsetof(st, field), offset);              \
        CK_AS("sizeof " #st "." #field, sizeof(((st *)0)->field), sizeof(type));          \
        CK_TYPE_AS(#st "." #field " has type " #type, ((st *)0)->field, type);            \
    } while (0)

/* a function's type, without referring to the symbol at link time */
#define CK_PROTO(fn, type)                                                        \
    do {                                                                          \
        CONF_STATIC(CONF_SAME_TYPE(__typeof__(&fn), type), "prototype of " #fn); \
        check_true("prototype of " #fn " is " #type,                              \
                   CONF_SAME_TYPE(__typeof__(&fn), type));                        \
    } while (0)

/* a precondition, not a check: kept with CONF_NO_STATIC_ASSERT too */
_Static_assert(sizeof(void *) == 8 && sizeof(size_t) == 8 && sizeof(long) == 8,
               "the layout figures below are for LP64");

/* ---- error codes --------------------------------------------------- */

/*
 * CANN include/external/acl/acl_base_rt.h at 681ef7610df1 (static const
 * int).  Not in CANN, so not here: ACL_ERROR_INVALID_EXCEPTION_INFO
 * (aclmem's acl_base.h had it as -1; CANN keeps a 0xFFFFFFFF of that name
 * private to its sources).
 */
static void test_acl_error_codes(void)
{
    CK_ACL(ACL_SUCCESS, 0);
    CK_ACL(ACL_ERROR_NONE, 0);
    CK_ACL(ACL_ERROR_INVALID_PARAM, 100000);
    CK_ACL(ACL_ERROR_UNINITIALIZE, 100001);
    CK_ACL(ACL_ERROR_REPEAT_INITIALIZE, 100002);
    CK_ACL(ACL_ERROR_INVALID_FILE, 100003);
    CK_ACL(ACL_ERROR_WRITE_FILE, 100004);
    CK_ACL(ACL_ERROR_INVALID_FILE_SIZE, 100005);
    CK_ACL(ACL_ERROR_PARSE_FILE, 100006);
    CK_ACL(ACL_ERROR_FILE_MISSING_ATTR, 100007);
    CK_ACL(ACL_ERROR_FILE_ATTR_INVALID, 100008);
    CK_ACL(ACL_ERROR_INVALID_DUMP_CONFIG, 100009);
    CK_ACL(ACL_ERROR_INVALID_PROFILING_CONFIG, 100010);
    CK_ACL(ACL_ERROR_INVALID_MODEL_ID, 100011);
    CK_ACL(ACL_ERROR_DESERIALIZE_MODEL, 100012);
    CK_ACL(ACL_ERROR_PARSE_MODEL, 100013);
    CK_ACL(ACL_ERROR_READ_MODEL_FAILURE, 100014);
    CK_ACL(ACL_ERROR_MODEL_SIZE_INVALID, 100015);
    CK_ACL(ACL_ERROR_MODEL_MISSING_ATTR, 100016);
    CK_ACL(ACL_ERROR_MODEL_INPUT_NOT_MATCH, 100017);
    CK_ACL(ACL_ERROR_MODEL_OUTPUT_NOT_MATCH, 100018);
    CK_ACL(ACL_ERROR_MODEL_NOT_DYNAMIC, 100019);
    CK_ACL(ACL_ERROR_OP_TYPE_NOT_MATCH, 100020);
    CK_ACL(ACL_ERROR_OP_INPUT_NOT_MATCH, 100021);
    CK_ACL(ACL_ERROR_OP_OUTPUT_NOT_MATCH, 100022);
    CK_ACL(ACL_ERROR_OP_ATTR_NOT_MATCH, 100023);
    CK_ACL(ACL_ERROR_OP_NOT_FOUND, 100024);
    CK_ACL(ACL_ERROR_OP_LOAD_FAILED, 100025);
    CK_ACL(ACL_ERROR_UNSUPPORTED_DATA_TYPE, 100026);
    CK_ACL(ACL_ERROR_FORMAT_NOT_MATCH, 100027);
    CK_ACL(ACL_ERROR_BIN_SELECTOR_NOT_REGISTERED, 100028);
    CK_ACL(ACL_ERROR_KERNEL_NOT_FOUND, 100029);
    CK_ACL(ACL_ERROR_BIN_SELECTOR_ALREADY_REGISTERED, 100030);
    CK_ACL(ACL_ERROR_KERNEL_ALREADY_REGISTERED, 100031);
    CK_ACL(ACL_ERROR_INVALID_QUEUE_ID, 100032);
    CK_ACL(ACL_ERROR_REPEAT_SUBSCRIBE, 100033);
    CK_ACL(ACL_ERROR_STREAM_NOT_SUBSCRIBE, 100034);
    CK_ACL(ACL_ERROR_THREAD_NOT_SUBSCRIBE, 100035);
    CK_ACL(ACL_ERROR_WAIT_CALLBACK_TIMEOUT, 100036);
    CK_ACL(ACL_ERROR_REPEAT_FINALIZE, 100037);
    CK_ACL(ACL_ERROR_NOT_STATIC_AIPP, 100038);
    CK_ACL(ACL_ERROR_COMPILING_STUB_MODE, 100039);
    CK_ACL(ACL_ERROR_GROUP_NOT_SET, 100040);
    CK_ACL(ACL_ERROR_GROUP_NOT_CREATE, 100041);
    CK_ACL(ACL_ERROR_PROF_ALREADY_RUN, 100042);
    CK_ACL(ACL_ERROR_PROF_NOT_RUN, 100043);
    CK_ACL(ACL_ERROR_DUMP_ALREADY_RUN, 100044);
    CK_ACL(ACL_ERROR_DUMP_NOT_RUN, 100045);
    CK_ACL(ACL_ERROR_PROF_REPEAT_SUBSCRIBE, 148046);
    CK_ACL(ACL_ERROR_PROF_API_CONFLICT, 148047);
    CK_ACL(ACL_ERROR_INVALID_MAX_OPQUEUE_NUM_CONFIG, 148048);
    CK_ACL(ACL_ERROR_INVALID_OPP_PATH, 148049);
    CK_ACL(ACL_ERROR_OP_UNSUPPORTED_DYNAMIC, 148050);
    CK_ACL(ACL_ERROR_RELATIVE_RESOURCE_NOT_CLEARED, 148051);
    CK_ACL(ACL_ERROR_UNSUPPORTED_JPEG, 148052);
    CK_ACL(ACL_ERROR_INVALID_BUNDLE_MODEL_ID, 148053);
    CK_ACL(ACL_ERROR_BAD_ALLOC, 200000);
    CK_ACL(ACL_ERROR_API_NOT_SUPPORT, 200001);
    CK_ACL(ACL_ERROR_INVALID_DEVICE, 200002);
    CK_ACL(ACL_ERROR_MEMORY_ADDRESS_UNALIGNED, 200003);
    CK_ACL(ACL_ERROR_RESOURCE_NOT_MATCH, 200004);
    CK_ACL(ACL_ERROR_INVALID_RESOURCE_HANDLE, 200005);
    CK_ACL(ACL_ERROR_FEATURE_UNSUPPORTED, 200006);
    CK_ACL(ACL_ERROR_PROF_MODULES_UNSUPPORTED, 200007);
    CK_ACL(ACL_ERROR_STORAGE_OVER_LIMIT, 300000);
    CK_ACL(ACL_ERROR_INTERNAL_ERROR, 500000);
    CK_ACL(ACL_ERROR_FAILURE, 500001);
    CK_ACL(ACL_ERROR_GE_FAILURE, 500002);
    CK_ACL(ACL_ERROR_RT_FAILURE, 500003);
    CK_ACL(ACL_ERROR_DRV_FAILURE, 500004);
    CK_ACL(ACL_ERROR_PROFILING_FAILURE, 500005);
}

/* CANN include/external/acl/error_codes/ge_error_codes.h at 681ef7610df1
 * (static const uint32_t; new in aclmem with this test). */
static void test_ge_error_codes(void)
{
    CK_GE(ACL_ERROR_GE_PARAM_INVALID, 145000U);
    CK_GE(ACL_ERROR_GE_EXEC_NOT_INIT, 145001U);
    CK_GE(ACL_ERROR_GE_EXEC_MODEL_PATH_INVALID, 145002U);
    CK_GE(ACL_ERROR_GE_EXEC_MODEL_ID_INVALID, 145003U);
    CK_GE(ACL_ERROR_GE_EXEC_MODEL_DATA_SIZE_INVALID, 145006U);
    CK_GE(ACL_ERROR_GE_EXEC_MODEL_ADDR_INVALID, 145007U);
    CK_GE(ACL_ERROR_GE_EXEC_MODEL_QUEUE_ID_INVALID, 145008U);
    CK_GE(ACL_ERROR_GE_EXEC_LOAD_MODEL_REPEATED, 145009U);
    CK_GE(ACL_ERROR_GE_DYNAMIC_INPUT_ADDR_INVALID, 145011U);
    CK_GE(ACL_ERROR_GE_DYNAMIC_INPUT_LENGTH_INVALID, 145012U);
    CK_GE(ACL_ERROR_GE_DYNAMIC_BATCH_SIZE_INVALID, 145013U);
    CK_GE(ACL_ERROR_GE_AIPP_BATCH_EMPTY, 145014U);
    CK_GE(ACL_ERROR_GE_AIPP_NOT_EXIST, 145015U);
    CK_GE(ACL_ERROR_GE_AIPP_MODE_INVALID, 145016U);
    CK_GE(ACL_ERROR_GE_OP_TASK_TYPE_INVALID, 145017U);
    CK_GE(ACL_ERROR_GE_OP_KERNEL_TYPE_INVALID, 145018U);
    CK_GE(ACL_ERROR_GE_PLGMGR_PATH_INVALID, 145019U);
    CK_GE(ACL_ERROR_GE_FORMAT_INVALID, 145020U);
    CK_GE(ACL_ERROR_GE_SHAPE_INVALID, 145021U);
    CK_GE(ACL_ERROR_GE_DATATYPE_INVALID, 145022U);
    CK_GE(ACL_ERROR_GE_MEMORY_ALLOCATION, 245000U);
    CK_GE(ACL_ERROR_GE_MEMORY_OPERATE_FAILED, 245001U);
    CK_GE(ACL_ERROR_GE_DEVICE_MEMORY_OPERATE_FAILED, 245002U);
    CK_GE(ACL_ERROR_GE_SUBHEALTHY, 345102U);
    CK_GE(ACL_ERROR_GE_USER_RAISE_EXCEPTION, 345103U);
    CK_GE(ACL_ERROR_GE_DATA_NOT_ALIGNED, 345104U);
    CK_GE(ACL_ERROR_GE_INTERNAL_ERROR, 545000U);
    CK_GE(ACL_ERROR_GE_LOAD_MODEL, 545001U);
    CK_GE(ACL_ERROR_GE_EXEC_LOAD_MODEL_PARTITION_FAILED, 545002U);
    CK_GE(ACL_ERROR_GE_EXEC_LOAD_WEIGHT_PARTITION_FAILED, 545003U);
    CK_GE(ACL_ERROR_GE_EXEC_LOAD_TASK_PARTITION_FAILED, 545004U);
    CK_GE(ACL_ERROR_GE_EXEC_LOAD_KERNEL_PARTITION_FAILED, 545005U);
    CK_GE(ACL_ERROR_GE_EXEC_RELEASE_MODEL_DATA, 545006U);
    CK_GE(ACL_ERROR_GE_COMMAND_HANDLE, 545007U);
    CK_GE(ACL_ERROR_GE_GET_TENSOR_INFO, 545008U);
    CK_GE(ACL_ERROR_GE_UNLOAD_MODEL, 545009U);
    CK_GE(ACL_ERROR_GE_MODEL_EXECUTE_TIMEOUT, 545601U);
    CK_GE(ACL_ERROR_GE_REDEPLOYING, 545602U);
}

/*
 * CANN include/external/acl/error_codes/rt_error_codes.h at 681ef7610df1
 * (macros).  Changed in aclmem with this test: ACL_ERROR_RT_SYMBOL_NOT_FOUND
 * 507915 -> 107042; added 107043-107045, 207021, 507915
 * (ACL_ERROR_RT_CCU_TIMEOUT) and 507916.
 */
static void test_rt_error_codes(void)
{
    CK_INT(ACL_RT_SUCCESS, 0);
    CK_INT(ACL_ERROR_RT_PARAM_INVALID, 107000);
    CK_INT(ACL_ERROR_RT_INVALID_DEVICEID, 107001);
    CK_INT(ACL_ERROR_RT_CONTEXT_NULL, 107002);
    CK_INT(ACL_ERROR_RT_STREAM_CONTEXT, 107003);
    CK_INT(ACL_ERROR_RT_MODEL_CONTEXT, 107004);
    CK_INT(ACL_ERROR_RT_STREAM_MODEL, 107005);
    CK_INT(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID, 107006);
    CK_INT(ACL_ERROR_RT_EVENT_TIMESTAMP_REVERSAL, 107007);
    CK_INT(ACL_ERROR_RT_ADDR_UNALIGNED, 107008);
    CK_INT(ACL_ERROR_RT_FILE_OPEN, 107009);
    CK_INT(ACL_ERROR_RT_FILE_WRITE, 107010);
    CK_INT(ACL_ERROR_RT_STREAM_SUBSCRIBE, 107011);
    CK_INT(ACL_ERROR_RT_THREAD_SUBSCRIBE, 107012);
    CK_INT(ACL_ERROR_RT_GROUP_NOT_SET, 107013);
    CK_INT(ACL_ERROR_RT_GROUP_NOT_CREATE, 107014);
    CK_INT(ACL_ERROR_RT_STREAM_NO_CB_REG, 107015);
    CK_INT(ACL_ERROR_RT_INVALID_MEMORY_TYPE, 107016);
    CK_INT(ACL_ERROR_RT_INVALID_HANDLE, 107017);
    CK_INT(ACL_ERROR_RT_INVALID_MALLOC_TYPE, 107018);
    CK_INT(ACL_ERROR_RT_WAIT_TIMEOUT, 107019);
    CK_INT(ACL_ERROR_RT_TASK_TIMEOUT, 107020);
    CK_INT(ACL_ERROR_RT_SYSPARAMOPT_NOT_SET, 107021);
    CK_INT(ACL_ERROR_RT_DEVICE_TASK_ABORT, 107022);
    CK_INT(ACL_ERROR_RT_STREAM_ABORT, 107023);
    CK_INT(ACL_ERROR_RT_CAPTURE_DEPENDENCY, 107024);
    CK_INT(ACL_ERROR_RT_STREAM_UNJOINED, 107025);
    CK_INT(ACL_ERROR_RT_MODEL_CAPTURED, 107026);
    CK_INT(ACL_ERROR_RT_STREAM_CAPTURED, 107027);
    CK_INT(ACL_ERROR_RT_EVENT_CAPTURED, 107028);
    CK_INT(ACL_ERROR_RT_STREAM_NOT_CAPTURED, 107029);
    CK_INT(ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT, 107030);
    CK_INT(ACL_ERROR_RT_STREAM_CAPTURE_IMPLICIT, 107031);
    CK_INT(ACL_ERROR_STREAM_CAPTURE_CONFLICT, 107032);
    CK_INT(ACL_ERROR_STREAM_TASK_GROUP_STATUS, 107033);
    CK_INT(ACL_ERROR_STREAM_TASK_GROUP_INTR, 107034);
    CK_INT(ACL_ERROR_RT_TASK_ABORT_STOP, 107035);
    CK_INT(ACL_ERROR_RT_STREAM_CAPTURE_UNMATCHED, 107036);
    CK_INT(ACL_ERROR_RT_MODEL_RUNNING, 107037);
    CK_INT(ACL_ERROR_RT_STREAM_CAPTURE_WRONG_THREAD, 107038);
    CK_INT(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, 107039);
    CK_INT(ACL_ERROR_RT_MODEL_UPDATE_FAILED, 107040);
    CK_INT(ACL_ERROR_RT_CAPTURE_MODE_BLOCK_ASYNC, 107041);
    CK_INT(ACL_ERROR_RT_SYMBOL_NOT_FOUND, 107042);
    CK_INT(ACL_ERROR_RT_INVALID_SYMBOL, 107043);
    CK_INT(ACL_ERROR_RT_INVALID_DEVICE_FUNCTION, 107044);
    CK_INT(ACL_ERROR_RT_SUB_ACLGRAPH_IS_CAPTURING, 107045);
    CK_INT(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, 207000);
    CK_INT(ACL_ERROR_RT_MEMORY_ALLOCATION, 207001);
    CK_INT(ACL_ERROR_RT_MEMORY_FREE, 207002);
    CK_INT(ACL_ERROR_RT_AICORE_OVER_FLOW, 207003);
    CK_INT(ACL_ERROR_RT_NO_DEVICE, 207004);
    CK_INT(ACL_ERROR_RT_RESOURCE_ALLOC_FAIL, 207005);
    CK_INT(ACL_ERROR_RT_NO_PERMISSION, 207006);
    CK_INT(ACL_ERROR_RT_NO_EVENT_RESOURCE, 207007);
    CK_INT(ACL_ERROR_RT_NO_STREAM_RESOURCE, 207008);
    CK_INT(ACL_ERROR_RT_NO_NOTIFY_RESOURCE, 207009);
    CK_INT(ACL_ERROR_RT_NO_MODEL_RESOURCE, 207010);
    CK_INT(ACL_ERROR_RT_NO_CDQ_RESOURCE, 207011);
    CK_INT(ACL_ERROR_RT_OVER_LIMIT, 207012);
    CK_INT(ACL_ERROR_RT_QUEUE_EMPTY, 207013);
    CK_INT(ACL_ERROR_RT_QUEUE_FULL, 207014);
    CK_INT(ACL_ERROR_RT_REPEATED_INIT, 207015);
    CK_INT(ACL_ERROR_RT_AIVEC_OVER_FLOW, 207016);
    CK_INT(ACL_ERROR_RT_OVER_FLOW, 207017);
    CK_INT(ACL_ERROR_RT_DEVICE_OOM, 207018);
    CK_INT(ACL_ERROR_RT_FEATURE_NOT_SUPPORT_UPDATE_OP, 207019);
    CK_INT(ACL_ERROR_RT_TIMEOUT, 207020);
    CK_INT(ACL_ERROR_RT_LINK_TYPE_NOT_SUPPORTED, 207021);
    CK_INT(ACL_ERROR_RT_INTERNAL_ERROR, 507000);
    CK_INT(ACL_ERROR_RT_TS_ERROR, 507001);
    CK_INT(ACL_ERROR_RT_STREAM_TASK_FULL, 507002);
    CK_INT(ACL_ERROR_RT_STREAM_TASK_EMPTY, 507003);
    CK_INT(ACL_ERROR_RT_STREAM_NOT_COMPLETE, 507004);
    CK_INT(ACL_ERROR_RT_END_OF_SEQUENCE, 507005);
    CK_INT(ACL_ERROR_RT_EVENT_NOT_COMPLETE, 507006);
    CK_INT(ACL_ERROR_RT_CONTEXT_RELEASE_ERROR, 507007);
    CK_INT(ACL_ERROR_RT_SOC_VERSION, 507008);
    CK_INT(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, 507009);
    CK_INT(ACL_ERROR_RT_LOST_HEARTBEAT, 507010);
    CK_INT(ACL_ERROR_RT_MODEL_EXECUTE, 507011);
    CK_INT(ACL_ERROR_RT_REPORT_TIMEOUT, 507012);
    CK_INT(ACL_ERROR_RT_SYS_DMA, 507013);
    CK_INT(ACL_ERROR_RT_AICORE_TIMEOUT, 507014);
    CK_INT(ACL_ERROR_RT_AICORE_EXCEPTION, 507015);
    CK_INT(ACL_ERROR_RT_AICORE_TRAP_EXCEPTION, 507016);
    CK_INT(ACL_ERROR_RT_AICPU_TIMEOUT, 507017);
    CK_INT(ACL_ERROR_RT_AICPU_EXCEPTION, 507018);
    CK_INT(ACL_ERROR_RT_AICPU_DATADUMP_RSP_ERR, 507019);
    CK_INT(ACL_ERROR_RT_AICPU_MODEL_RSP_ERR, 507020);
    CK_INT(ACL_ERROR_RT_PROFILING_ERROR, 507021);
    CK_INT(ACL_ERROR_RT_IPC_ERROR, 507022);
    CK_INT(ACL_ERROR_RT_MODEL_ABORT_NORMAL, 507023);
    CK_INT(ACL_ERROR_RT_KERNEL_UNREGISTERING, 507024);
    CK_INT(ACL_ERROR_RT_RINGBUFFER_NOT_INIT, 507025);
    CK_INT(ACL_ERROR_RT_RINGBUFFER_NO_DATA, 507026);
    CK_INT(ACL_ERROR_RT_KERNEL_LOOKUP, 507027);
    CK_INT(ACL_ERROR_RT_KERNEL_DUPLICATE, 507028);
    CK_INT(ACL_ERROR_RT_DEBUG_REGISTER_FAIL, 507029);
    CK_INT(ACL_ERROR_RT_DEBUG_UNREGISTER_FAIL, 507030);
    CK_INT(ACL_ERROR_RT_LABEL_CONTEXT, 507031);
    CK_INT(ACL_ERROR_RT_PROGRAM_USE_OUT, 507032);
    CK_INT(ACL_ERROR_RT_DEV_SETUP_ERROR, 507033);
    CK_INT(ACL_ERROR_RT_VECTOR_CORE_TIMEOUT, 507034);
    CK_INT(ACL_ERROR_RT_VECTOR_CORE_EXCEPTION, 507035);
    CK_INT(ACL_ERROR_RT_VECTOR_CORE_TRAP_EXCEPTION, 507036);
    CK_INT(ACL_ERROR_RT_CDQ_BATCH_ABNORMAL, 507037);
    CK_INT(ACL_ERROR_RT_DIE_MODE_CHANGE_ERROR, 507038);
    CK_INT(ACL_ERROR_RT_DIE_SET_ERROR, 507039);
    CK_INT(ACL_ERROR_RT_INVALID_DIEID, 507040);
    CK_INT(ACL_ERROR_RT_DIE_MODE_NOT_SET, 507041);
    CK_INT(ACL_ERROR_RT_AICORE_TRAP_READ_OVERFLOW, 507042);
    CK_INT(ACL_ERROR_RT_AICORE_TRAP_WRITE_OVERFLOW, 507043);
    CK_INT(ACL_ERROR_RT_VECTOR_CORE_TRAP_READ_OVERFLOW, 507044);
    CK_INT(ACL_ERROR_RT_VECTOR_CORE_TRAP_WRITE_OVERFLOW, 507045);
    CK_INT(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, 507046);
    CK_INT(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT, 507047);
    CK_INT(ACL_ERROR_RT_FFTS_PLUS_TIMEOUT, 507048);
    CK_INT(ACL_ERROR_RT_FFTS_PLUS_EXCEPTION, 507049);
    CK_INT(ACL_ERROR_RT_FFTS_PLUS_TRAP_EXCEPTION, 507050);
    CK_INT(ACL_ERROR_RT_SEND_MSG, 507051);
    CK_INT(ACL_ERROR_RT_COPY_DATA, 507052);
    CK_INT(ACL_ERROR_RT_DEVICE_MEM_ERROR, 507053);
    CK_INT(ACL_ERROR_RT_HBM_MULTI_BIT_ECC_ERROR, 507054);
    CK_INT(ACL_ERROR_RT_SUSPECT_DEVICE_MEM_ERROR, 507055);
    CK_INT(ACL_ERROR_RT_LINK_ERROR, 507056);
    CK_INT(ACL_ERROR_RT_SUSPECT_REMOTE_ERROR, 507057);
    CK_INT(ACL_ERROR_RT_DRV_INTERNAL_ERROR, 507899);
    CK_INT(ACL_ERROR_RT_AICPU_INTERNAL_ERROR, 507900);
    CK_INT(ACL_ERROR_RT_SOCKET_CLOSE, 507901);
    CK_INT(ACL_ERROR_RT_AICPU_INFO_LOAD_RSP_ERR, 507902);
    CK_INT(ACL_ERROR_RT_STREAM_CAPTURE_INVALIDATED, 507903);
    CK_INT(ACL_ERROR_RT_COMM_OP_RETRY_FAIL, 507904);
    CK_INT(ACL_ERROR_SNAPSHOT_LOCK_TIMEOUT, 507905);
    CK_INT(ACL_ERROR_SNAPSHOT_LOCK_FAILED, 507906);
    CK_INT(ACL_ERROR_SNAPSHOT_UNLOCK_FAILED, 507907);
    CK_INT(ACL_ERROR_SNAPSHOT_BACKUP_FAILED, 507908);
    CK_INT(ACL_ERROR_SNAPSHOT_RESTORE_FAILED, 507909);
    CK_INT(ACL_ERROR_HOST_MEMORY_ALREADY_REGISTERED, 507910);
    CK_INT(ACL_ERROR_HOST_MEMORY_NOT_REGISTERED, 507911);
    CK_INT(ACL_ERROR_SNAPSHOT_CALLBACK_FAILED, 507912);
    CK_INT(ACL_ERROR_SNAPSHOT_REGISTER_CALLBACK_FAILED, 507913);
    CK_INT(ACL_ERROR_RT_L3_PORT_ERROR, 507914);
    CK_INT(ACL_ERROR_RT_CCU_TIMEOUT, 507915);
    CK_INT(ACL_ERROR_RT_CCU_EXCEPTION, 507916);
}

/* ---- enums and constants ------------------------------------------- */

/* CANN include/external/acl/acl_base_rt.h at 681ef7610df1.  Not in CANN,
 * so not here: ACL_HIFLOAT4 (42) and ACL_HIFLOAT4_SCALE (43), added to CANN
 * in b69ea3075 and reverted in f78e92b52. */
static void test_base_enums(void)
{
    /* aclDataType */
    CK(ACL_DT_UNDEFINED, -1);
    CK(ACL_FLOAT, 0);
    CK(ACL_FLOAT16, 1);
    CK(ACL_INT8, 2);
    CK(ACL_INT32, 3);
    CK(ACL_UINT8, 4);
    CK(ACL_INT16, 6);
    CK(ACL_UINT16, 7);
    CK(ACL_UINT32, 8);
    CK(ACL_INT64, 9);
    CK(ACL_UINT64, 10);
    CK(ACL_DOUBLE, 11);
    CK(ACL_BOOL, 12);
    CK(ACL_STRING, 13);
    CK(ACL_COMPLEX64, 16);
    CK(ACL_COMPLEX128, 17);
    CK(ACL_BF16, 27);
    CK(ACL_INT4, 29);
    CK(ACL_UINT1, 30);
    CK(ACL_COMPLEX32, 33);
    CK(ACL_HIFLOAT8, 34);
    CK(ACL_FLOAT8_E5M2, 35);
    CK(ACL_FLOAT8_E4M3FN, 36);
    CK(ACL_FLOAT8_E8M0, 37);
    CK(ACL_FLOAT6_E3M2, 38);
    CK(ACL_FLOAT6_E2M3, 39);
    CK(ACL_FLOAT4_E2M1, 40);
    CK(ACL_FLOAT4_E1M2, 41);

    /* aclFormat */
    CK(ACL_FORMAT_UNDEFINED, -1);
    CK(ACL_FORMAT_NCHW, 0);
    CK(ACL_FORMAT_NHWC, 1);
    CK(ACL_FORMAT_ND, 2);
    CK(ACL_FORMAT_NC1HWC0, 3);
    CK(ACL_FORMAT_FRACTAL_Z, 4);
    CK(ACL_FORMAT_NC1HWC0_C04, 12);
    CK(ACL_FORMAT_HWCN, 16);
    CK(ACL_FORMAT_NDHWC, 27);
    CK(ACL_FORMAT_FRACTAL_NZ, 29);
    CK(ACL_FORMAT_NCDHW, 30);
    CK(ACL_FORMAT_NDC1HWC0, 32);
    CK(ACL_FRACTAL_Z_3D, 33);
    CK(ACL_FORMAT_NC, 35);
    CK(ACL_FORMAT_NCL, 47);
    CK(ACL_FORMAT_FRACTAL_NZ_C0_16, 50);
    CK(ACL_FORMAT_FRACTAL_NZ_C0_32, 51);
    CK(ACL_FORMAT_FRACTAL_NZ_C0_2, 52);
    CK(ACL_FORMAT_FRACTAL_NZ_C0_4, 53);
    CK(ACL_FORMAT_FRACTAL_NZ_C0_8, 54);

    /* aclLogLevel */
    CK(ACL_DEBUG, 0);
    CK(ACL_INFO, 1);
    CK(ACL_WARNING, 2);
    CK(ACL_ERROR, 3);

    /* aclMemType */
    CK(ACL_MEMTYPE_DEVICE, 0);
    CK(ACL_MEMTYPE_HOST, 1);
    CK(ACL_MEMTYPE_HOST_COMPILE_INDEPENDENT, 2);
}

/* CANN include/external/acl/acl_rt.h at 681ef7610df1 */
static void test_rt_constants(void)
{
    CK_INT(ACL_MAJOR_VERSION, 1);
    CK_INT(ACL_MINOR_VERSION, 17);
    CK_INT(ACL_PATCH_VERSION, 0);

    /* 0x0UL and 0x1UL in CANN: unsigned long */
    CK_CONST(ACL_RT_VMM_EXPORT_FLAG_DEFAULT, 0x0, unsigned long);
    CK_CONST(ACL_RT_VMM_EXPORT_FLAG_DISABLE_PID_VALIDATION, 0x1, unsigned long);
    CK_CONST(ACL_RT_IPC_MEM_EXPORT_FLAG_DEFAULT, 0x0, unsigned long);
    CK_CONST(ACL_RT_IPC_MEM_EXPORT_FLAG_DISABLE_PID_VALIDATION, 0x1, unsigned long);
    CK_CONST(ACL_RT_IPC_MEM_IMPORT_FLAG_DEFAULT, 0x0, unsigned long);
    CK_CONST(ACL_RT_IPC_MEM_IMPORT_FLAG_ENABLE_PEER_ACCESS, 0x1, unsigned long);

    /* aclrtIpcMemSetAttr link values: plain int in CANN */
    CK_CONST(ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_SIO, 0, int);
    CK_CONST(ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_HCCS, 1, int);
    CK_CONST(ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_UB_ONE_PORT_PATH, 2, int);
    CK_CONST(ACL_RT_IPC_MEM_ATTR_ACCESS_LINK_UB_MULTI_PORT_PATH, 3, int);

    /* event flags: 0x000000..U in CANN, unsigned int */
    CK_CONST(ACL_EVENT_SYNC, 0x1, unsigned int);
    CK_CONST(ACL_EVENT_CAPTURE_STREAM_PROGRESS, 0x2, unsigned int);
    CK_CONST(ACL_EVENT_TIME_LINE, 0x8, unsigned int);
    CK_CONST(ACL_EVENT_DEVICE_USE_ONLY, 0x10, unsigned int);
    CK_CONST(ACL_EVENT_EXTERNAL, 0x20, unsigned int);
    CK_CONST(ACL_EVENT_IPC, 0x40, unsigned int);
    CK_CONST(ACL_IPC_EVENT_HANDLE_SIZE, 64, unsigned int);

    /* stream flags and failure modes: 0x000000..U in CANN, unsigned int */
    CK_CONST(ACL_STREAM_FAST_LAUNCH, 0x1, unsigned int);
    CK_CONST(ACL_STREAM_FAST_SYNC, 0x2, unsigned int);
    CK_CONST(ACL_STREAM_PERSISTENT, 0x4, unsigned int);
    CK_CONST(ACL_STREAM_HUGE, 0x8, unsigned int);
    CK_CONST(ACL_STREAM_CPU_SCHEDULE, 0x10, unsigned int);
    CK_CONST(ACL_STREAM_DEVICE_USE_ONLY, 0x20, unsigned int);
    CK_CONST(ACL_CONTINUE_ON_FAILURE, 0x0, unsigned int);
    CK_CONST(ACL_STOP_ON_FAILURE, 0x1, unsigned int);
    CK_CONST(ACL_STREAM_WAIT_VALUE_GEQ, 0x0, unsigned int);
    CK_CONST(ACL_STREAM_WAIT_VALUE_EQ, 0x1, unsigned int);
    CK_CONST(ACL_STREAM_WAIT_VALUE_AND, 0x2, unsigned int);
    CK_CONST(ACL_STREAM_WAIT_VALUE_NOR, 0x3, unsigned int);
}

/* CANN include/external/acl/acl_rt.h at 681ef7610df1 */
static void test_rt_enums(void)
{
    /* aclrtRunMode */
    CK(ACL_DEVICE, 0);
    CK(ACL_HOST, 1);

    /* aclrtEventStatus */
    CK(ACL_EVENT_STATUS_COMPLETE, 0);
    CK(ACL_EVENT_STATUS_NOT_READY, 1);
    CK(ACL_EVENT_STATUS_RESERVED, 2);

    /* aclrtEventRecordedStatus */
    CK(ACL_EVENT_RECORDED_STATUS_NOT_READY, 0);
    CK(ACL_EVENT_RECORDED_STATUS_COMPLETE, 1);

    /* aclrtEventWaitStatus */
    CK(ACL_EVENT_WAIT_STATUS_COMPLETE, 0);
    CK(ACL_EVENT_WAIT_STATUS_NOT_READY, 1);
    CK(ACL_EVENT_WAIT_STATUS_RESERVED, 0xFFFF);

    /* aclrtStreamStatus */
    CK(ACL_STREAM_STATUS_COMPLETE, 0);
    CK(ACL_STREAM_STATUS_NOT_READY, 1);
    CK(ACL_STREAM_STATUS_RESERVED, 0xFFFF);

    /* aclrtCallbackBlockType */
    CK(ACL_CALLBACK_NO_BLOCK, 0);
    CK(ACL_CALLBACK_BLOCK, 1);

    /* aclrtDeviceStatus */
    CK(ACL_RT_DEVICE_STATUS_NORMAL, 0);
    CK(ACL_RT_DEVICE_STATUS_ABNORMAL, 1);
    CK(ACL_RT_DEVICE_STATUS_END, 0xFFFF);

    /* aclrtDevAttr (ACL_DEV_ATTR_LOCAL_MEM_PER_VECTOR_CORE is deprecated) */
    CK(ACL_DEV_ATTR_AICPU_CORE_NUM, 1);
    CK(ACL_DEV_ATTR_AICORE_CORE_NUM, 101);
    CK(ACL_DEV_ATTR_CUBE_CORE_NUM, 102);
    CK(ACL_DEV_ATTR_VECTOR_CORE_NUM, 201);
    CK(ACL_DEV_ATTR_WARP_SIZE, 202);
    CK(ACL_DEV_ATTR_MAX_THREAD_PER_VECTOR_CORE, 203);
    CK(ACL_DEV_ATTR_UBUF_PER_VECTOR_CORE, 204);
    CK(ACL_DEV_ATTR_MAX_GRID_DIM_X, 205);
    CK(ACL_DEV_ATTR_MAX_GRID_DIM_Y, 206);
    CK(ACL_DEV_ATTR_MAX_GRID_DIM_Z, 207);
    CK(ACL_DEV_ATTR_MAX_BLOCK_PER_GRID, 208);
    CK(ACL_DEV_ATTR_MAX_THREADS_PER_BLOCK, 209);
    CK(ACL_DEV_ATTR_MAX_BLOCK_DIM_X, 210);
    CK(ACL_DEV_ATTR_MAX_BLOCK_DIM_Y, 211);
    CK(ACL_DEV_ATTR_MAX_BLOCK_DIM_Z, 212);
    CK(ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE, 301);
    CK(ACL_DEV_ATTR_L2_CACHE_SIZE, 302);
    CK(ACL_DEV_ATTR_SMP_ID, 401);
    CK(ACL_DEV_ATTR_PHY_CHIP_ID, 402);
    CK(ACL_DEV_ATTR_SUPER_POD_DEVIDE_ID, 403);
    CK(ACL_DEV_ATTR_SUPER_POD_DEVICE_ID, 403);
    CK(ACL_DEV_ATTR_SUPER_POD_SERVER_ID, 404);
    CK(ACL_DEV_ATTR_SUPER_POD_ID, 405);
    CK(ACL_DEV_ATTR_CUST_OP_PRIVILEGE, 406);
    CK(ACL_DEV_ATTR_MAINBOARD_ID, 407);
    CK(ACL_DEV_ATTR_HD_CONNECT_TYPE, 408);
    CK(ACL_DEV_ATTR_DEVICE_FORM_FACTOR, 409);
    CK(ACL_DEV_ATTR_IS_VIRTUAL, 501);
    CK(ACL_DEV_ATTR_NPU_ARCH, 601);

    /* aclrtDevResLimitType */
    CK(ACL_RT_DEV_RES_CUBE_CORE, 0);
    CK(ACL_RT_DEV_RES_VECTOR_CORE, 1);

    /* aclrtStreamConfigAttr */
    CK(ACL_RT_STREAM_WORK_ADDR_PTR, 0);
    CK(ACL_RT_STREAM_WORK_SIZE, 1);
    CK(ACL_RT_STREAM_FLAG, 2);
    CK(ACL_RT_STREAM_PRIORITY, 3);

    /* aclrtMemcpyKind */
    CK(ACL_MEMCPY_HOST_TO_HOST, 0);
    CK(ACL_MEMCPY_HOST_TO_DEVICE, 1);
    CK(ACL_MEMCPY_DEVICE_TO_HOST, 2);
    CK(ACL_MEMCPY_DEVICE_TO_DEVICE, 3);
    CK(ACL_MEMCPY_DEFAULT, 4);
    CK(ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE, 5);
    CK(ACL_MEMCPY_INNER_DEVICE_TO_DEVICE, 6);
    CK(ACL_MEMCPY_INTER_DEVICE_TO_DEVICE, 7);

    /* aclrtMemMallocPolicy */
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

    /* aclrtHostRegisterType */
    CK(ACL_HOST_REGISTER_MAPPED, 0);
    CK(ACL_HOST_REGISTER_IOMEMORY, 0x04);
    CK(ACL_HOST_REGISTER_READONLY, 0x08);
    /* aclrtHostRegisterV2 flags */
    CK(ACL_HOST_REG_MAPPED, 0x2UL);
    CK(ACL_HOST_REG_IOMEMORY, 0x4UL);
    CK(ACL_HOST_REG_READONLY, 0x8UL);
    CK(ACL_HOST_REG_PINNED, 0x10000000UL);
    /* aclrtHacType */
    CK(ACL_RT_HAC_TYPE_STARS, 0);
    CK(ACL_RT_HAC_TYPE_AICPU, 1);
    CK(ACL_RT_HAC_TYPE_AIC, 2);
    CK(ACL_RT_HAC_TYPE_AIV, 3);
    CK(ACL_RT_HAC_TYPE_PCIEDMA, 4);
    CK(ACL_RT_HAC_TYPE_RDMA, 5);
    CK(ACL_RT_HAC_TYPE_SDMA, 6);
    CK(ACL_RT_HAC_TYPE_DVPP, 7);
    CK(ACL_RT_HAC_TYPE_UDMA, 8);
    CK(ACL_RT_HAC_TYPE_CCU, 9);
    /* aclrtHostMemMapCapability */
    CK(ACL_RT_HOST_MEM_MAP_NOT_SUPPORTED, 0);
    CK(ACL_RT_HOST_MEM_MAP_SUPPORTED, 1);

    /* aclrtMemAttr */
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

    /* aclrtMemLocationType */
    CK(ACL_MEM_LOCATION_TYPE_HOST, 0);
    CK(ACL_MEM_LOCATION_TYPE_DEVICE, 1);
    CK(ACL_MEM_LOCATION_TYPE_UNREGISTERED, 2);
    CK(ACL_MEM_LOCATION_TYPE_MANAGED, 3);
    CK(ACL_MEM_LOCATION_TYPE_HOST_NUMA, 4);

    /* aclrtMemAllocationType */
    CK(ACL_MEM_ALLOCATION_TYPE_PINNED, 0);

    /* aclrtMemHandleType */
    CK(ACL_MEM_HANDLE_TYPE_NONE, 0);
    CK(ACL_MEM_HANDLE_TYPE_POSIX, 2);

    /* aclrtMemSharedHandleType */
    CK(ACL_MEM_SHARE_HANDLE_TYPE_DEFAULT, 0x1);
    CK(ACL_MEM_SHARE_HANDLE_TYPE_FABRIC, 0x2);

    /* aclrtMemGranularityOptions */
    CK(ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM, 0);
    CK(ACL_RT_MEM_ALLOC_GRANULARITY_RECOMMENDED, 1);
    CK(ACL_RT_MEM_ALLOC_GRANULARITY_UNDEF, 0xFFFF);

    /* aclrtMemAccessFlags */
    CK(ACL_RT_MEM_ACCESS_FLAGS_NONE, 0x0);
    CK(ACL_RT_MEM_ACCESS_FLAGS_READ, 0x1);
    CK(ACL_RT_MEM_ACCESS_FLAGS_READWRITE, 0x3);

    /* aclrtIpcMemAttrType */
    CK(ACL_RT_IPC_MEM_ATTR_ACCESS_LINK, 0);
}

/* ---- types ------------------------------------------------------------ */

/* a typedef names this type */
#define CK_TYPEDEF(name, type)                                               \
    do {                                                                     \
        CONF_STATIC(CONF_SAME_TYPE(name, type), #name " is " #type);         \
        check_true(#name " is " #type, CONF_SAME_TYPE(name, type));          \
    } while (0)

/* CANN include/external/acl/acl_base_rt.h and acl_rt.h at 681ef7610df1 */
static void test_types(void)
{
    CK_TYPEDEF(aclError, int);
    CK_TYPEDEF(aclFloat16, uint16_t);

    /* opaque handles */
    CK_TYPEDEF(aclrtStream, void *);
    CK_TYPEDEF(aclmdlRITask, void *);
    CK_TYPEDEF(aclrtEvent, void *);
    CK_TYPEDEF(aclrtContext, void *);
    CK_TYPEDEF(aclrtNotify, void *);
    CK_TYPEDEF(aclrtCntNotify, void *);
    CK_TYPEDEF(aclrtLabel, void *);
    CK_TYPEDEF(aclrtLabelList, void *);
    CK_TYPEDEF(aclrtMbuf, void *);
    CK_TYPEDEF(aclrtAllocatorDesc, void *);
    CK_TYPEDEF(aclrtAllocator, void *);
    CK_TYPEDEF(aclrtAllocatorBlock, void *);
    CK_TYPEDEF(aclrtAllocatorAddr, void *);
    CK_TYPEDEF(aclrtTaskGrp, void *);
    CK_TYPEDEF(aclrtDrvMemHandle, void *);
    CK_TYPEDEF(aclrtCallback, void (*)(void *));
    CK_TYPEDEF(aclDataBuffer, struct aclDataBuffer);

    /* tags, for C++ and C forward declarations */
    CK_TYPEDEF(aclrtRunMode, enum aclrtRunMode);
    CK_TYPEDEF(aclrtEventStatus, enum aclrtEventStatus);
    CK_TYPEDEF(aclrtEventRecordedStatus, enum aclrtEventRecordedStatus);
    CK_TYPEDEF(aclrtEventWaitStatus, enum aclrtEventWaitStatus);
    CK_TYPEDEF(aclrtStreamStatus, enum aclrtStreamStatus);
    CK_TYPEDEF(aclrtCallbackBlockType, enum aclrtCallbackBlockType);
    CK_TYPEDEF(aclrtDeviceStatus, enum aclrtDeviceStatus);
    CK_TYPEDEF(aclrtStreamConfigHandle, struct aclrtStreamConfigHandle);
    CK_TYPEDEF(aclrtMemcpyKind, enum aclrtMemcpyKind);
    CK_TYPEDEF(aclrtMemMallocPolicy, enum aclrtMemMallocPolicy);
    CK_TYPEDEF(aclrtMemAttr, enum aclrtMemAttr);
    CK_TYPEDEF(aclrtMemLocationType, enum aclrtMemLocationType);
    CK_TYPEDEF(aclrtMemAllocationType, enum aclrtMemAllocationType);
    CK_TYPEDEF(aclrtMemHandleType, enum aclrtMemHandleType);
    CK_TYPEDEF(aclrtMemSharedHandleType, enum aclrtMemSharedHandleType);
    CK_TYPEDEF(aclrtMemGranularityOptions, enum aclrtMemGranularityOptions);
    CK_TYPEDEF(aclrtMemLocation, struct aclrtMemLocation);
    CK_TYPEDEF(aclrtPhysicalMemProp, struct aclrtPhysicalMemProp);
    CK_TYPEDEF(aclrtMemFabricHandle, struct aclrtMemFabricHandle);
    CK_TYPEDEF(aclrtIpcEventHandle, struct aclrtIpcEventHandle);
    CK_TYPEDEF(aclrtPtrAttributes, struct aclrtPtrAttributes);

    /* every enum is int-sized (they sit in structs and prototypes) */
    CK(sizeof(aclDataType), 4);
    CK(sizeof(aclFormat), 4);
    CK(sizeof(aclLogLevel), 4);
    CK(sizeof(aclMemType), 4);
    CK(sizeof(aclrtRunMode), 4);
    CK(sizeof(aclrtEventStatus), 4);
    CK(sizeof(aclrtEventRecordedStatus), 4);
    CK(sizeof(aclrtEventWaitStatus), 4);
    CK(sizeof(aclrtStreamStatus), 4);
    CK(sizeof(aclrtCallbackBlockType), 4);
    CK(sizeof(aclrtDeviceStatus), 4);
    CK(sizeof(aclrtDevAttr), 4);
    CK(sizeof(aclrtDevResLimitType), 4);
    CK(sizeof(aclrtStreamConfigAttr), 4);
    CK(sizeof(aclrtMemcpyKind), 4);
    CK(sizeof(aclrtMemMallocPolicy), 4);
    CK(sizeof(aclrtMemAttr), 4);
    CK(sizeof(aclrtMemLocationType), 4);
    CK(sizeof(aclrtMemAllocationType), 4);
    CK(sizeof(aclrtMemHandleType), 4);
    CK(sizeof(aclrtMemSharedHandleType), 4);
    CK(sizeof(aclrtMemGranularityOptions), 4);
    CK(sizeof(aclrtMemAccessFlags), 4);
    CK(sizeof(aclrtHostRegisterType), 4);
    CK(sizeof(aclrtHacType), 4);
    CK(sizeof(aclrtHostMemMapCapability), 4);
    CK(sizeof(aclrtIpcMemAttrType), 4);
}

/* ---- structs ------------------------------------------------------------ */

/* CANN include/external/acl/acl_rt.h at 681ef7610df1 (LP64) */
static void test_structs(void)
{
    CK(sizeof(aclrtMemLocation), 8);
    CK(_Alignof(aclrtMemLocation), 4);
    CK_FIELD(aclrtMemLocation, id, 0, uint32_t);
    CK_FIELD(aclrtMemLocation, type, 4, aclrtMemLocationType);

    CK(sizeof(aclrtPhysicalMemProp), 32);
    CK(_Alignof(aclrtPhysicalMemProp), 8);
    CK_FIELD(aclrtPhysicalMemProp, handleType, 0, aclrtMemHandleType);
    CK_FIELD(aclrtPhysicalMemProp, allocationType, 4, aclrtMemAllocationType);
    CK_FIELD(aclrtPhysicalMemProp, memAttr, 8, aclrtMemAttr);
    CK_FIELD(aclrtPhysicalMemProp, location, 12, aclrtMemLocation);
    CK_FIELD(aclrtPhysicalMemProp, location.id, 12, uint32_t);
    CK_FIELD(aclrtPhysicalMemProp, location.type, 16, aclrtMemLocationType);
    CK_FIELD(aclrtPhysicalMemProp, reserve, 24, uint64_t); /* after 4 bytes of padding */

    CK(sizeof(aclrtMemAccessDesc), 24);
    CK(_Alignof(aclrtMemAccessDesc), 4);
    CK_FIELD(aclrtMemAccessDesc, flags, 0, aclrtMemAccessFlags);
    CK_FIELD(aclrtMemAccessDesc, location, 4, aclrtMemLocation);
    CK_FIELD(aclrtMemAccessDesc, rsv, 12, uint8_t[12]);

    CK(sizeof(aclrtStreamConfigHandle), 32);
    CK(_Alignof(aclrtStreamConfigHandle), 8);
    CK_FIELD(aclrtStreamConfigHandle, workptr, 0, void *);
    CK_FIELD(aclrtStreamConfigHandle, workSize, 8, size_t);
    CK_FIELD(aclrtStreamConfigHandle, flag, 16, size_t);
    CK_FIELD(aclrtStreamConfigHandle, priority, 24, uint32_t);

    CK(sizeof(aclrtMemFabricHandle), 128);
    CK(_Alignof(aclrtMemFabricHandle), 1);
    CK_FIELD(aclrtMemFabricHandle, data, 0, uint8_t[128]);

    CK(sizeof(aclrtIpcEventHandle), 64);
    CK(_Alignof(aclrtIpcEventHandle), 1);
    CK_FIELD(aclrtIpcEventHandle, reserved, 0, char[64]);

    CK(sizeof(aclrtPtrAttributes), 28);
    CK(_Alignof(aclrtPtrAttributes), 4);
    CK_FIELD(aclrtPtrAttributes, location, 0, aclrtMemLocation);
    CK_FIELD(aclrtPtrAttributes, pageSize, 8, uint32_t);
    CK_FIELD(aclrtPtrAttributes, rsv, 12, uint32_t[4]);

    CK(sizeof(aclrtMemcpyBatchAttr), 32);
    CK(_Alignof(aclrtMemcpyBatchAttr), 4);
    CK_FIELD(aclrtMemcpyBatchAttr, dstLoc, 0, aclrtMemLocation);
    CK_FIELD(aclrtMemcpyBatchAttr, srcLoc, 8, aclrtMemLocation);
    CK_FIELD(aclrtMemcpyBatchAttr, rsv, 16, uint8_t[16]);

    CK(sizeof(aclrtServerPid), 24);
    CK(_Alignof(aclrtServerPid), 8);
    CK_FIELD(aclrtServerPid, sdid, 0, uint32_t);
    CK_FIELD(aclrtServerPid, pid, 8, int32_t *);
    CK_FIELD(aclrtServerPid, num, 16, size_t);
}

/* ---- functions ------------------------------------------------------------ */

/*
 * CANN include/external/acl/acl_rt.h at 681ef7610df1.  CANN writes
 * aclFinalize() and aclGetRecentErrMsg() with an empty list; in C that
 * type is compatible with the "(void)" prototype aclmem declares and
 * these checks use.
 */
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
    CK_PROTO(aclrtSynchronizeDeviceWithTimeout, aclError (*)(int32_t));
    CK_PROTO(aclrtGetRunMode, aclError (*)(aclrtRunMode *));
    CK_PROTO(aclrtQueryDeviceStatus, aclError (*)(int32_t, aclrtDeviceStatus *));
    CK_PROTO(aclrtGetDeviceInfo, aclError (*)(uint32_t, aclrtDevAttr, int64_t *));
    CK_PROTO(aclrtDeviceGetStreamPriorityRange, aclError (*)(int32_t *, int32_t *));
    CK_PROTO(aclrtDeviceCanAccessPeer, aclError (*)(int32_t *, int32_t, int32_t));
    CK_PROTO(aclrtDeviceEnablePeerAccess, aclError (*)(int32_t, uint32_t));
    CK_PROTO(aclrtDeviceDisablePeerAccess, aclError (*)(int32_t));
    CK_PROTO(aclrtGetLogicDevIdByPhyDevId, aclError (*)(const int32_t, int32_t *const));
    CK_PROTO(aclrtGetPhyDevIdByLogicDevId, aclError (*)(const int32_t, int32_t *const));
    CK_PROTO(aclrtCtxGetCurrentDefaultStream, aclError (*)(aclrtStream *));
    CK_PROTO(aclrtGetResInCurrentThread, aclError (*)(aclrtDevResLimitType, uint32_t *));
    CK_PROTO(aclrtGetSocName, const char *(*)(void));
    /* ACL_DEPRECATED_MESSAGE in CANN too: naming it warns */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CK_PROTO(aclrtGetVersion, aclError (*)(int32_t *, int32_t *, int32_t *));
#pragma GCC diagnostic pop

    CK_PROTO(aclrtCreateStream, aclError (*)(aclrtStream *));
    CK_PROTO(aclrtDestroyStream, aclError (*)(aclrtStream));
    CK_PROTO(aclrtDestroyStreamForce, aclError (*)(aclrtStream));
    CK_PROTO(aclrtSynchronizeStream, aclError (*)(aclrtStream));
    CK_PROTO(aclrtCreateStreamWithConfig, aclError (*)(aclrtStream *, uint32_t, uint32_t));
    CK_PROTO(aclrtSynchronizeStreamWithTimeout, aclError (*)(aclrtStream, int32_t));
    CK_PROTO(aclrtStreamQuery, aclError (*)(aclrtStream, aclrtStreamStatus *));
    CK_PROTO(aclrtStreamGetPriority, aclError (*)(aclrtStream, uint32_t *));
    CK_PROTO(aclrtStreamGetFlags, aclError (*)(aclrtStream, uint32_t *));
    CK_PROTO(aclrtStreamGetId, aclError (*)(aclrtStream, int32_t *));
    CK_PROTO(aclrtSetStreamFailureMode, aclError (*)(aclrtStream, uint64_t));
    CK_PROTO(aclrtStreamAbort, aclError (*)(aclrtStream));
    CK_PROTO(aclrtCreateStreamConfigHandle, aclrtStreamConfigHandle *(*)(void));
    CK_PROTO(aclrtDestroyStreamConfigHandle, aclError (*)(aclrtStreamConfigHandle *));
    CK_PROTO(aclrtSetStreamConfigOpt,
             aclError (*)(aclrtStreamConfigHandle *, aclrtStreamConfigAttr, const void *, size_t));
    CK_PROTO(aclrtCreateStreamV2, aclError (*)(aclrtStream *, const aclrtStreamConfigHandle *));
    CK_PROTO(aclrtValueWrite, aclError (*)(void *, uint64_t, uint32_t, aclrtStream));
    CK_PROTO(aclrtValueWait, aclError (*)(void *, uint64_t, uint32_t, aclrtStream));
    CK_PROTO(aclrtSubscribeReport, aclError (*)(uint64_t, aclrtStream));
    CK_PROTO(aclrtLaunchCallback, aclError (*)(aclrtCallback, void *, aclrtCallbackBlockType, aclrtStream));
    CK_PROTO(aclrtProcessReport, aclError (*)(int32_t));
    CK_PROTO(aclrtUnSubscribeReport, aclError (*)(uint64_t, aclrtStream));

    CK_PROTO(aclrtCreateEvent, aclError (*)(aclrtEvent *));
    CK_PROTO(aclrtCreateEventWithFlag, aclError (*)(aclrtEvent *, uint32_t));
    CK_PROTO(aclrtCreateEventExWithFlag, aclError (*)(aclrtEvent *, uint32_t));
    CK_PROTO(aclrtDestroyEvent, aclError (*)(aclrtEvent));
    CK_PROTO(aclrtRecordEvent, aclError (*)(aclrtEvent, aclrtStream));
    CK_PROTO(aclrtResetEvent, aclError (*)(aclrtEvent, aclrtStream));
    CK_PROTO(aclrtStreamWaitEvent, aclError (*)(aclrtStream, aclrtEvent));
    /* ACL_DEPRECATED_MESSAGE in CANN too: naming it warns */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CK_PROTO(aclrtQueryEvent, aclError (*)(aclrtEvent, aclrtEventStatus *));
#pragma GCC diagnostic pop
    CK_PROTO(aclrtQueryEventStatus, aclError (*)(aclrtEvent, aclrtEventRecordedStatus *));
    CK_PROTO(aclrtQueryEventWaitStatus, aclError (*)(aclrtEvent, aclrtEventWaitStatus *));
    CK_PROTO(aclrtSynchronizeEvent, aclError (*)(aclrtEvent));
    CK_PROTO(aclrtSynchronizeEventWithTimeout, aclError (*)(aclrtEvent, int32_t));
    CK_PROTO(aclrtEventElapsedTime, aclError (*)(float *, aclrtEvent, aclrtEvent));
    CK_PROTO(aclrtEventGetTimestamp, aclError (*)(aclrtEvent, uint64_t *));
    CK_PROTO(aclrtIpcGetEventHandle, aclError (*)(aclrtEvent, aclrtIpcEventHandle *));
    CK_PROTO(aclrtIpcOpenEventHandle, aclError (*)(aclrtIpcEventHandle, aclrtEvent *));

    CK_PROTO(aclrtMalloc, aclError (*)(void **, size_t, aclrtMemMallocPolicy));
    CK_PROTO(aclrtFree, aclError (*)(void *));
    CK_PROTO(aclrtMallocHost, aclError (*)(void **, size_t));
    CK_PROTO(aclrtFreeHost, aclError (*)(void *));
    CK_PROTO(aclrtMallocAlign32, aclError (*)(void **, size_t, aclrtMemMallocPolicy));
    CK_PROTO(aclrtMallocCached, aclError (*)(void **, size_t, aclrtMemMallocPolicy));
    CK_PROTO(aclrtPointerGetAttributes, aclError (*)(const void *, aclrtPtrAttributes *));
    CK_PROTO(aclrtHostRegister, aclError (*)(void *, uint64_t, aclrtHostRegisterType, void **));
    CK_PROTO(aclrtHostRegisterV2, aclError (*)(void *, uint64_t, uint32_t));
    CK_PROTO(aclrtHostGetDevicePointer, aclError (*)(void *, void **, uint32_t));
    CK_PROTO(aclrtHostMemMapCapabilities, aclError (*)(uint32_t, aclrtHacType, aclrtHostMemMapCapability *));
    CK_PROTO(aclrtHostUnregister, aclError (*)(void *));
    CK_PROTO(aclrtGetMemInfo, aclError (*)(aclrtMemAttr, size_t *, size_t *));

    CK_PROTO(aclrtMemcpy, aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind));
    CK_PROTO(aclrtMemset, aclError (*)(void *, size_t, int32_t, size_t));
    CK_PROTO(aclrtMemcpyAsync,
             aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind, aclrtStream));
    CK_PROTO(aclrtMemsetAsync, aclError (*)(void *, size_t, int32_t, size_t, aclrtStream));
    CK_PROTO(aclrtMemcpy2d,
             aclError (*)(void *, size_t, const void *, size_t, size_t, size_t, aclrtMemcpyKind));
    CK_PROTO(aclrtMemcpy2dAsync,
             aclError (*)(void *, size_t, const void *, size_t, size_t, size_t, aclrtMemcpyKind, aclrtStream));
    CK_PROTO(aclrtMemcpyBatch, aclError (*)(void **, size_t *, void **, size_t *, size_t, aclrtMemcpyBatchAttr *,
                                            size_t *, size_t, size_t *));
    CK_PROTO(aclrtMemcpyBatchV2, aclError (*)(void **, size_t *, void **, size_t *, size_t,
                                              aclrtMemcpyBatchAttr *, size_t *, size_t));
    CK_PROTO(aclrtMemcpyBatchAsync, aclError (*)(void **, size_t *, void **, size_t *, size_t,
                                                 aclrtMemcpyBatchAttr *, size_t *, size_t, size_t *,
                                                 aclrtStream));
    CK_PROTO(aclrtMemcpyBatchAsyncV2, aclError (*)(void **, size_t *, void **, size_t *, size_t,
                                                   aclrtMemcpyBatchAttr *, size_t *, size_t, aclrtStream));

    CK_PROTO(aclrtMemGetAllocationGranularity,
             aclError (*)(aclrtPhysicalMemProp *, aclrtMemGranularityOptions, size_t *));
    CK_PROTO(aclrtMallocPhysical,
             aclError (*)(aclrtDrvMemHandle *, size_t, const aclrtPhysicalMemProp *, uint64_t));
    CK_PROTO(aclrtFreePhysical, aclError (*)(aclrtDrvMemHandle));
    CK_PROTO(aclrtReserveMemAddress, aclError (*)(void **, size_t, size_t, void *, uint64_t));
    CK_PROTO(aclrtReleaseMemAddress, aclError (*)(void *));
    CK_PROTO(aclrtReserveMemAddressNoUCMemory, aclError (*)(void **, size_t, size_t, void *, uint64_t));
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

    CK_PROTO(aclrtIpcMemGetExportKey, aclError (*)(void *, size_t, char *, size_t, uint64_t));
    CK_PROTO(aclrtIpcMemClose, aclError (*)(const char *));
    CK_PROTO(aclrtIpcMemImportByKey, aclError (*)(void **, const char *, uint64_t));
    CK_PROTO(aclrtIpcMemSetImportPid, aclError (*)(const char *, int32_t *, size_t));
    CK_PROTO(aclrtIpcMemSetAttr, aclError (*)(const char *, aclrtIpcMemAttrType, uint64_t));
    CK_PROTO(aclrtIpcMemImportPidInterServer, aclError (*)(const char *, aclrtServerPid *, size_t));
}

/* ---- options, queries, notifies, last error, kernel stubs ----------------- */

/*
 * CANN include/external/acl/acl_base_rt.h (aclSysParamOpt, aclCannAttr,
 * aclDeviceInfo and the host helpers) and acl_rt.h (the rest) at
 * 681ef7610df1.
 */
static void test_rest_enums(void)
{
    CK_CONST(ACL_NOTIFY_DEFAULT, 0x0, unsigned int);
    CK_CONST(ACL_NOTIFY_DEVICE_USE_ONLY, 0x1, unsigned int);
    CK_CONST(ACL_RT_MEM_LINK_IDX_0, 0, unsigned int);
    CK_CONST(ACL_RT_MEM_LINK_IDX_1, 1, unsigned int);
    CK_CONST(ACL_PKG_VERSION_MAX_SIZE, 128, int);
    CK_CONST(ACL_PKG_VERSION_PARTS_MAX_SIZE, 64, int);

    CK(ACL_OPT_DETERMINISTIC, 0);
    CK(ACL_OPT_ENABLE_DEBUG_KERNEL, 1);
    CK(ACL_OPT_ENABLE_KERNEL_EARLY_START, 3);
    CK(ACL_CANN_ATTR_UNDEFINED, -1);
    CK(ACL_CANN_ATTR_INF_NAN, 0);
    CK(ACL_CANN_ATTR_BF16, 1);
    CK(ACL_CANN_ATTR_JIT_COMPILE, 2);
    CK(ACL_DEVICE_INFO_UNDEFINED, -1);
    CK(ACL_DEVICE_INFO_AI_CORE_NUM, 0);
    CK(ACL_DEVICE_INFO_VECTOR_CORE_NUM, 1);
    CK(ACL_DEVICE_INFO_L2_SIZE, 2);

    CK(ACL_PKG_NAME_CANN, 0);
    CK(ACL_PKG_NAME_RUNTIME, 1);
    CK(ACL_PKG_NAME_COMPILER, 2);
    CK(ACL_PKG_NAME_HCCL, 3);
    CK(ACL_PKG_NAME_TOOLKIT, 4);
    CK(ACL_PKG_NAME_OPP, 5);
    CK(ACL_PKG_NAME_OPP_KERNEL, 6);
    CK(ACL_PKG_NAME_DRIVER, 7);
    CK(ACL_RT_MEM_ATTR_RSV, 0);
    CK(ACL_RT_MEM_ATTR_MODULE_ID, 1);
    CK(ACL_RT_MEM_ATTR_DEVICE_ID, 2);
    CK(ACL_RT_MEM_ATTR_VA_FLAG, 3);
    CK(ACL_RT_OVERFLOW_MODE_SATURATION, 0);
    CK(ACL_RT_OVERFLOW_MODE_INFNAN, 1);
    CK(ACL_RT_OVERFLOW_MODE_UNDEF, 2);
    CK(ACL_RT_CMO_TYPE_PREFETCH, 0);
    CK(ACL_RT_CMO_TYPE_WRITEBACK, 1);
    CK(ACL_RT_CMO_TYPE_INVALID, 2);
    CK(ACL_RT_CMO_TYPE_FLUSH, 3);
    CK(ACL_RT_THREAD_LEVEL, 0);

    /* aclrtDevFeatureType and its answers */
    CK(ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, 1);
    CK(ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, 21);
    CK_INT(ACL_DEV_FEATURE_SUPPORT, 1);
    CK_INT(ACL_DEV_FEATURE_NOT_SUPPORT, 0);

    /* aclrtErrorType, aclrtAicoreErrorType and the UCE array bounds */
    CK(ACL_RT_NO_ERROR, 0);
    CK(ACL_RT_ERROR_MEMORY, 1);
    CK(ACL_RT_ERROR_L2, 2);
    CK(ACL_RT_ERROR_AICORE, 3);
    CK(ACL_RT_ERROR_LINK, 4);
    CK(ACL_RT_ERROR_L3_PORT, 5);
    CK(ACL_RT_ERROR_OTHERS, 0xFFFF);
    CK(ACL_RT_AICORE_ERROR_UNKNOWN, 0);
    CK(ACL_RT_AICORE_ERROR_SW, 1);
    CK(ACL_RT_AICORE_ERROR_HW_LOCAL, 2);
    CK_INT(MAX_MEM_UCE_INFO_ARRAY_SIZE, 128);
    CK_INT(UCE_INFO_RESERVED_SIZE, 14);
    CK_INT(ACL_RT_MEM_UCE_INFO_MAX_NUM, 20);
    CK(ACL_STREAM_ATTR_FAILURE_MODE, 1);
    CK(ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, 2);
    CK(ACL_STREAM_ATTR_USER_CUSTOM_TAG, 3);
    CK(ACL_STREAM_ATTR_CACHE_OP_INFO, 4);
    CK(ACL_STREAM_ATTR_PRIORITY, 5);
    CK(ACL_RT_BINARY_LOAD_OPT_LAZY_LOAD, 1);
    CK(ACL_RT_BINARY_LOAD_OPT_LAZY_MAGIC, 2);
    CK(ACL_RT_BINARY_LOAD_OPT_MAGIC, 2);
    CK(ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE, 3);
    CK(ACL_RT_ENGINE_TYPE_AIC, 0);
    CK(ACL_RT_ENGINE_TYPE_AIV, 1);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE, 1);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE, 2);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_ENGINE_TYPE, 3);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET, 4);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_BLOCK_TASK_PREFETCH, 5);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_DATA_DUMP, 6);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT, 7);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US, 8);
    CK(ACL_RT_LAUNCH_KERNEL_ATTR_ENABLE_PROFILING, 9);

    CK(sizeof(aclSysParamOpt), 4);
    CK(sizeof(aclCannAttr), 4);
    CK(sizeof(aclDeviceInfo), 4);
    CK(sizeof(aclCANNPackageName), 4);
    CK(sizeof(aclrtMallocAttrType), 4);
    CK(sizeof(aclrtFloatOverflowMode), 4);
    CK(sizeof(aclrtCmoType), 4);
    CK(sizeof(aclrtLastErrLevel), 4);
    CK(sizeof(aclrtDevFeatureType), 4);
    CK(sizeof(aclrtErrorType), 4);
    CK(sizeof(aclrtAicoreErrorType), 4);
    CK(sizeof(aclrtStreamAttr), 4);
    CK(sizeof(aclrtBinaryLoadOptionType), 4);
    CK(sizeof(aclrtEngineType), 4);
    CK(sizeof(aclrtLaunchKernelAttrId), 4);
}

/* CANN include/external/acl/acl_rt.h at 681ef7610df1 (LP64) */
static void test_rest_structs(void)
{
    CK_TYPEDEF(aclCANNPackageName, enum aclCANNPackageName);
    CK_TYPEDEF(aclCANNPackageVersion, struct aclCANNPackageVersion);
    CK_TYPEDEF(aclrtFloatOverflowMode, enum aclrtFloatOverflowMode);
    CK_TYPEDEF(aclrtUtilizationInfo, struct aclrtUtilizationInfo);
    CK_TYPEDEF(aclrtUtilizationExtendInfo, struct aclrtUtilizationExtendInfo);
    CK_TYPEDEF(aclrtMemUsageInfo, struct aclrtMemUsageInfo);
    CK_TYPEDEF(aclrtCmoType, enum aclrtCmoType);
    CK_TYPEDEF(aclrtLastErrLevel, enum aclrtLastErrLevel);
    CK_TYPEDEF(aclrtUuid, struct aclrtUuid);
    CK_TYPEDEF(aclrtAicoreErrorType, enum aclrtAicoreErrorType);
    CK_TYPEDEF(aclrtMemUceInfo, struct aclrtMemUceInfo);
    CK_TYPEDEF(aclrtErrorInfoDetail, union aclrtErrorInfoDetail);
    CK_TYPEDEF(aclrtErrorInfo, struct aclrtErrorInfo);
    CK_TYPEDEF(aclrtHostFunc, void (*)(void *));
    CK_TYPEDEF(aclrtBinHandle, void *);
    CK_TYPEDEF(aclrtFuncHandle, void *);
    CK_TYPEDEF(aclrtBinaryLoadOptionType, enum aclrtBinaryLoadOptionType);
    CK_TYPEDEF(aclrtBinaryLoadOptionValue, union aclrtBinaryLoadOptionValue);
    CK_TYPEDEF(aclrtBinaryLoadOptions, struct aclrtBinaryLoadOptions);
    CK_TYPEDEF(aclrtLaunchKernelAttrId, enum aclrtLaunchKernelAttrId);
    CK_TYPEDEF(aclrtLaunchKernelAttrValue, union aclrtLaunchKernelAttrValue);
    CK_TYPEDEF(aclrtLaunchKernelAttr, struct aclrtLaunchKernelAttr);
    CK_TYPEDEF(aclrtLaunchKernelCfg, struct aclrtLaunchKernelCfg);

    CK(sizeof(aclCANNPackageVersion), 512);
    CK(_Alignof(aclCANNPackageVersion), 1);
    CK_FIELD(aclCANNPackageVersion, version, 0, char[128]);
    CK_FIELD(aclCANNPackageVersion, majorVersion, 128, char[64]);
    CK_FIELD(aclCANNPackageVersion, minorVersion, 192, char[64]);
    CK_FIELD(aclCANNPackageVersion, releaseVersion, 256, char[64]);
    CK_FIELD(aclCANNPackageVersion, patchVersion, 320, char[64]);
    CK_FIELD(aclCANNPackageVersion, reserved, 384, char[128]);

    CK(sizeof(aclrtMallocAttrValue), 8);
    CK(_Alignof(aclrtMallocAttrValue), 4);
    CK_FIELD(aclrtMallocAttrValue, moduleId, 0, uint16_t);
    CK_FIELD(aclrtMallocAttrValue, deviceId, 0, uint32_t);
    CK_FIELD(aclrtMallocAttrValue, vaFlag, 0, uint32_t);
    CK_FIELD(aclrtMallocAttrValue, rsv, 0, uint8_t[8]);
    CK(sizeof(aclrtMallocAttribute), 12);
    CK(_Alignof(aclrtMallocAttribute), 4);
    CK_FIELD(aclrtMallocAttribute, attr, 0, aclrtMallocAttrType);
    CK_FIELD(aclrtMallocAttribute, value, 4, aclrtMallocAttrValue);
    CK(sizeof(aclrtMallocConfig), 16);
    CK(_Alignof(aclrtMallocConfig), 8);
    CK_FIELD(aclrtMallocConfig, attrs, 0, aclrtMallocAttribute *);
    CK_FIELD(aclrtMallocConfig, numAttrs, 8, size_t);

    CK(sizeof(aclrtUtilizationInfo), 24);
    CK(_Alignof(aclrtUtilizationInfo), 8);
    CK_FIELD(aclrtUtilizationInfo, cubeUtilization, 0, int32_t);
    CK_FIELD(aclrtUtilizationInfo, vectorUtilization, 4, int32_t);
    CK_FIELD(aclrtUtilizationInfo, aicpuUtilization, 8, int32_t);
    CK_FIELD(aclrtUtilizationInfo, memoryUtilization, 12, int32_t);
    CK_FIELD(aclrtUtilizationInfo, utilizationExtend, 16, aclrtUtilizationExtendInfo *);

    CK(sizeof(aclrtMemUsageInfo), 112);
    CK(_Alignof(aclrtMemUsageInfo), 8);
    CK_FIELD(aclrtMemUsageInfo, name, 0, char[32]);
    CK_FIELD(aclrtMemUsageInfo, curMemSize, 32, uint64_t);
    CK_FIELD(aclrtMemUsageInfo, memPeakSize, 40, uint64_t);
    CK_FIELD(aclrtMemUsageInfo, reserved, 48, size_t[8]);

    CK(sizeof(aclrtStreamAttrValue), 16);
    CK(_Alignof(aclrtStreamAttrValue), 8);
    CK_FIELD(aclrtStreamAttrValue, failureMode, 0, uint64_t);
    CK_FIELD(aclrtStreamAttrValue, overflowSwitch, 0, uint32_t);
    CK_FIELD(aclrtStreamAttrValue, userCustomTag, 0, uint32_t);
    CK_FIELD(aclrtStreamAttrValue, cacheOpInfoSwitch, 0, uint32_t);
    CK_FIELD(aclrtStreamAttrValue, streamPriority, 0, uint32_t);
    CK_FIELD(aclrtStreamAttrValue, reserve, 0, uint32_t[4]);

    CK(sizeof(aclrtUuid), 16);
    CK(_Alignof(aclrtUuid), 1);
    CK_FIELD(aclrtUuid, bytes, 0, char[16]);

    CK(sizeof(aclrtMemUceInfo), 128);
    CK(_Alignof(aclrtMemUceInfo), 8);
    CK_FIELD(aclrtMemUceInfo, addr, 0, void *);
    CK_FIELD(aclrtMemUceInfo, len, 8, size_t);
    CK_FIELD(aclrtMemUceInfo, reserved, 16, size_t[14]);

    CK(sizeof(aclrtMemUceInfoArray), 2568);
    CK(_Alignof(aclrtMemUceInfoArray), 8);
    CK_FIELD(aclrtMemUceInfoArray, arraySize, 0, size_t);
    CK_FIELD(aclrtMemUceInfoArray, memUceInfoArray, 8, aclrtMemUceInfo[20]);

    CK(sizeof(aclrtErrorInfoDetail), 2568);
    CK(_Alignof(aclrtErrorInfoDetail), 8);
    CK_FIELD(aclrtErrorInfoDetail, uceInfo, 0, aclrtMemUceInfoArray);
    CK_FIELD(aclrtErrorInfoDetail, aicoreErrType, 0, aclrtAicoreErrorType);

    CK(sizeof(aclrtErrorInfo), 2576);
    CK(_Alignof(aclrtErrorInfo), 8);
    CK_FIELD(aclrtErrorInfo, tryRepair, 0, uint8_t);
    CK_FIELD(aclrtErrorInfo, hasDetail, 1, uint8_t);
    CK_FIELD(aclrtErrorInfo, reserved, 2, uint8_t[2]);
    CK_FIELD(aclrtErrorInfo, errorType, 4, aclrtErrorType);
    CK_FIELD(aclrtErrorInfo, detail, 8, aclrtErrorInfoDetail);

    CK(sizeof(aclrtBinaryLoadOptionValue), 16);
    CK_FIELD(aclrtBinaryLoadOptionValue, isLazyLoad, 0, uint32_t);
    CK_FIELD(aclrtBinaryLoadOptionValue, magic, 0, uint32_t);
    CK_FIELD(aclrtBinaryLoadOptionValue, cpuKernelMode, 0, int32_t);
    CK_FIELD(aclrtBinaryLoadOptionValue, rsv, 0, uint32_t[4]);
    CK(sizeof(aclrtBinaryLoadOption), 20);
    CK(_Alignof(aclrtBinaryLoadOption), 4);
    CK_FIELD(aclrtBinaryLoadOption, type, 0, aclrtBinaryLoadOptionType);
    CK_FIELD(aclrtBinaryLoadOption, value, 4, aclrtBinaryLoadOptionValue);
    CK(sizeof(aclrtBinaryLoadOptions), 16);
    CK_FIELD(aclrtBinaryLoadOptions, options, 0, aclrtBinaryLoadOption *);
    CK_FIELD(aclrtBinaryLoadOptions, numOpt, 8, size_t);

    CK(sizeof(aclrtTimeoutUs), 8);
    CK_FIELD(aclrtTimeoutUs, timeoutLow, 0, uint32_t);
    CK_FIELD(aclrtTimeoutUs, timeoutHigh, 4, uint32_t);
    CK(sizeof(aclrtLaunchKernelAttrValue), 16);
    CK(_Alignof(aclrtLaunchKernelAttrValue), 4);
    CK_FIELD(aclrtLaunchKernelAttrValue, schemMode, 0, uint8_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, dynUBufSize, 0, uint32_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, engineType, 0, aclrtEngineType);
    CK_FIELD(aclrtLaunchKernelAttrValue, blockDimOffset, 0, uint32_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, isBlockTaskPrefetch, 0, uint8_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, isDataDump, 0, uint8_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, timeout, 0, uint16_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, timeoutUs, 0, aclrtTimeoutUs);
    CK_FIELD(aclrtLaunchKernelAttrValue, enableProfiling, 0, uint8_t);
    CK_FIELD(aclrtLaunchKernelAttrValue, rsv, 0, uint32_t[4]);
    CK(sizeof(aclrtLaunchKernelAttr), 20);
    CK_FIELD(aclrtLaunchKernelAttr, id, 0, aclrtLaunchKernelAttrId);
    CK_FIELD(aclrtLaunchKernelAttr, value, 4, aclrtLaunchKernelAttrValue);
    CK(sizeof(aclrtLaunchKernelCfg), 16);
    CK_FIELD(aclrtLaunchKernelCfg, attrs, 0, aclrtLaunchKernelAttr *);
    CK_FIELD(aclrtLaunchKernelCfg, numAttrs, 8, size_t);
    CK(sizeof(aclrtPlaceHolderInfo), 8);
    CK_FIELD(aclrtPlaceHolderInfo, addrOffset, 0, uint32_t);
    CK_FIELD(aclrtPlaceHolderInfo, dataOffset, 4, uint32_t);
}

/*
 * CANN include/external/acl/acl_base_rt.h and acl_rt.h at 681ef7610df1.
 * aclmdlInitDump() and aclmdlFinalizeDump() have an empty list there, as
 * here; in C that type is compatible with "(void)".
 */
static void test_rest_prototypes(void)
{
    CK_PROTO(aclFloat16ToFloat, float (*)(aclFloat16));
    CK_PROTO(aclFloatToFloat16, aclFloat16 (*)(float));
    CK_PROTO(aclDataTypeSize, size_t (*)(aclDataType));
    CK_PROTO(aclCreateDataBuffer, aclDataBuffer *(*)(void *, size_t));
    CK_PROTO(aclDestroyDataBuffer, aclError (*)(const aclDataBuffer *));
    CK_PROTO(aclUpdateDataBuffer, aclError (*)(aclDataBuffer *, void *, size_t));
    CK_PROTO(aclGetDataBufferAddr, void *(*)(const aclDataBuffer *));
    CK_PROTO(aclGetDataBufferSizeV2, size_t (*)(const aclDataBuffer *));
    CK_PROTO(aclAppLog, void (*)(aclLogLevel, const char *, const char *, uint32_t, const char *, ...));
    CK_PROTO(aclGetCannAttributeList, aclError (*)(const aclCannAttr **, size_t *));
    CK_PROTO(aclGetCannAttribute, aclError (*)(aclCannAttr, int32_t *));
    CK_PROTO(aclGetDeviceCapability, aclError (*)(uint32_t, aclDeviceInfo, int64_t *));

    /* ACL_DEPRECATED_MESSAGE in CANN too: naming them warns */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CK_PROTO(aclsysGetCANNVersion, aclError (*)(aclCANNPackageName, aclCANNPackageVersion *));
    CK_PROTO(aclGetDataBufferSize, uint32_t (*)(const aclDataBuffer *));
    CK_PROTO(aclrtMemcpyAsyncWithCondition,
             aclError (*)(void *, size_t, const void *, size_t, aclrtMemcpyKind, aclrtStream));
    CK(ACL_OPT_STRONG_CONSISTENCY, 2);
#pragma GCC diagnostic pop
    CK_PROTO(aclsysGetVersionStr, aclError (*)(char *, char *));
    CK_PROTO(aclsysGetVersionNum, aclError (*)(char *, int32_t *));
    CK_PROTO(aclrtPeekAtLastError, aclError (*)(aclrtLastErrLevel));
    CK_PROTO(aclrtGetLastError, aclError (*)(aclrtLastErrLevel));
    CK_PROTO(aclrtGetErrorVerbose, aclError (*)(int32_t, aclrtErrorInfo *));
    CK_PROTO(aclrtGetDeviceCapability, aclError (*)(int32_t, aclrtDevFeatureType, int32_t *));
    CK_PROTO(aclrtCheckArchCompatibility, aclError (*)(const char *, int32_t *));
    CK_PROTO(aclrtCtxSetSysParamOpt, aclError (*)(aclSysParamOpt, int64_t));
    CK_PROTO(aclrtCtxGetSysParamOpt, aclError (*)(aclSysParamOpt, int64_t *));
    CK_PROTO(aclrtGetSysParamOpt, aclError (*)(aclSysParamOpt, int64_t *));
    CK_PROTO(aclrtSetSysParamOpt, aclError (*)(aclSysParamOpt, int64_t));
    CK_PROTO(aclrtSetOpExecuteTimeOut, aclError (*)(uint32_t));
    CK_PROTO(aclrtSetOpExecuteTimeOutV2, aclError (*)(uint64_t, uint64_t *));
    CK_PROTO(aclrtSetDeviceSatMode, aclError (*)(aclrtFloatOverflowMode));
    CK_PROTO(aclrtSetStreamAttribute, aclError (*)(aclrtStream, aclrtStreamAttr, aclrtStreamAttrValue *));
    CK_PROTO(aclrtGetStreamAttribute, aclError (*)(aclrtStream, aclrtStreamAttr, aclrtStreamAttrValue *));
    CK_PROTO(aclrtGetDeviceUtilizationRate, aclError (*)(int32_t, aclrtUtilizationInfo *));
    CK_PROTO(aclrtGetMemUsageInfo, aclError (*)(int32_t, aclrtMemUsageInfo *, size_t, size_t *));
    CK_PROTO(aclrtDeviceGetUuid, aclError (*)(int32_t, aclrtUuid *));
    CK_PROTO(aclrtGetPrimaryCtxState, aclError (*)(int32_t, uint32_t *, int32_t *));
    CK_PROTO(aclrtGetLogicDevIdByUserDevId, aclError (*)(const int32_t, int32_t *const));
    CK_PROTO(aclrtGetPhyDevIdByUserDevId, aclError (*)(const int32_t, int32_t *const));
    CK_PROTO(aclrtDeviceTaskAbort, aclError (*)(int32_t, uint32_t));
    CK_PROTO(aclrtStreamStop, aclError (*)(aclrtStream));
    CK_PROTO(aclrtLaunchHostFunc, aclError (*)(aclrtStream, aclrtHostFunc, void *));
    CK_PROTO(aclrtCreateNotify, aclError (*)(aclrtNotify *, uint64_t));
    CK_PROTO(aclrtDestroyNotify, aclError (*)(aclrtNotify));
    CK_PROTO(aclrtRecordNotify, aclError (*)(aclrtNotify, aclrtStream));
    CK_PROTO(aclrtWaitAndResetNotify, aclError (*)(aclrtNotify, aclrtStream, uint32_t));
    CK_PROTO(aclrtGetNotifyId, aclError (*)(aclrtNotify, uint32_t *));
    CK_PROTO(aclrtNotifyBatchReset, aclError (*)(aclrtNotify *, size_t));
    CK_PROTO(aclrtMallocHostWithCfg, aclError (*)(void **, uint64_t, aclrtMallocConfig *));
    CK_PROTO(aclrtCmoAsync, aclError (*)(void *, size_t, aclrtCmoType, aclrtStream));
    CK_PROTO(aclrtMemMapSelectedLink, aclError (*)(void *, size_t, void *, uint32_t));
    CK_PROTO(aclrtBinaryLoadFromData,
             aclError (*)(const void *, size_t, const aclrtBinaryLoadOptions *, aclrtBinHandle *));
    CK_PROTO(aclrtBinaryGetFunction, aclError (*)(const aclrtBinHandle, const char *, aclrtFuncHandle *));
    CK_PROTO(aclrtLaunchKernelWithHostArgs,
             aclError (*)(aclrtFuncHandle, uint32_t, aclrtStream, aclrtLaunchKernelCfg *, void *, size_t,
                          aclrtPlaceHolderInfo *, size_t));
    CK_PROTO(aclrtGetHardwareSyncAddr, aclError (*)(void **));
    CK_PROTO(aclmdlInitDump, aclError (*)(void));
    CK_PROTO(aclmdlSetDump, aclError (*)(const char *));
    CK_PROTO(aclmdlFinalizeDump, aclError (*)(void));
}

/* ---- main: TAP, one result per group ------------------------------------ */

static const struct {
    const char *name;
    void (*run)(void);
} groups[] = {
    { "acl_error_codes", test_acl_error_codes },
    { "ge_error_codes", test_ge_error_codes },
    { "rt_error_codes", test_rt_error_codes },
    { "base_enums", test_base_enums },
    { "rt_constants", test_rt_constants },
    { "rt_enums", test_rt_enums },
    { "types", test_types },
    { "structs", test_structs },
    { "prototypes", test_prototypes },
    { "rest_enums", test_rest_enums },
    { "rest_structs", test_rest_structs },
    { "rest_prototypes", test_rest_prototypes },
};

int main(void)
{
    const int n = (int)(sizeof(groups) / sizeof(groups[0]));
    int passed = 0, failed = 0, checks = 0;

    printf("TAP version 13\n");
    printf("1..%d\n", n);
    printf("# CANN headers: hicann/runtime %s\n", CANN_COMMIT);
    printf("# compile-time checks: %s; static const values: %s\n",
#ifdef CONF_NO_STATIC_ASSERT
           "off",
#else
           "on",
#endif
           CONF_FOLD_OK ? "folded" : "run time only");
    for (int i = 0; i < n; i++) {
        group_checks = 0;
        group_failures = 0;
        groups[i].run();
        checks += group_checks;
        printf("# %s: %d checks, %d failed\n", groups[i].name, group_checks, group_failures);
        if (group_failures) {
            failed++;
            printf("not ok %d %s\n", i + 1, groups[i].name);
        } else {
            passed++;
            printf("ok %d %s\n", i + 1, groups[i].name);
        }
    }
    printf("# %d checks in all\n", checks);
    printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", passed, failed);
    return failed ? 1 : 0;
}
