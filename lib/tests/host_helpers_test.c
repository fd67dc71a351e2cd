// SPDX-License-Identifier: MIT
/*
 * Description: the host-only helpers: data buffers (hicann/runtime
 * src/acl/aclrt_impl/data_buffer.cpp), float16 conversion
 * (types/fp16_impl.cpp Fp16ToFloat, FloatToFp16: saturating, no NaN or
 * Inf), aclAppLog (log.cpp aclAppLogImpl; aclmem writes to stderr from
 * ASCEND_GLOBAL_LOG_LEVEL on), CANN attributes (acl.cpp
 * aclGetCannAttributeListImpl, aclGetCannAttributeImpl; aclmem has none
 * of them) and element sizes (data_buffer.cpp aclDataTypeSizeImpl).
 * Package versions: version_test.c.
 */
#include "acl_test_utils.h"

TEST(data_buffer)
{
	aclDataBuffer *b;
	char data[64];

	b = aclCreateDataBuffer(data, sizeof(data));
	ASSERT_NE(NULL, b);
	EXPECT_EQ((void *)data, aclGetDataBufferAddr(b));
	EXPECT_EQ(sizeof(data), aclGetDataBufferSizeV2(b));
	/* aclUpdateDataBufferImpl: the new data and size, old ones forgotten */
	EXPECT_EQ(ACL_SUCCESS, aclUpdateDataBuffer(b, data + 8, 8));
	EXPECT_EQ((void *)(data + 8), aclGetDataBufferAddr(b));
	EXPECT_EQ(8, aclGetDataBufferSizeV2(b));
	EXPECT_EQ(ACL_SUCCESS, aclDestroyDataBuffer(b));

	/* a buffer of nothing is legal, as in CANN */
	b = aclCreateDataBuffer(NULL, 0);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(NULL, aclGetDataBufferAddr(b));
	EXPECT_EQ(ACL_SUCCESS, aclDestroyDataBuffer(b));

	/* the accessors answer NULL and 0 for NULL; the others 100000 */
	EXPECT_EQ(NULL, aclGetDataBufferAddr(NULL));
	EXPECT_EQ(0, aclGetDataBufferSizeV2(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclDestroyDataBuffer(NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclUpdateDataBuffer(NULL, data, 1));
	EXPECT_NE(NULL, aclGetRecentErrMsg());
}

TEST(data_buffer_size_v1)
{
	aclDataBuffer *b = aclCreateDataBuffer(NULL, ((size_t)1 << 32) + 5);

	ASSERT_NE(NULL, b);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	/* aclGetDataBufferSizeImpl: the size cut to 32 bits */
	EXPECT_EQ(5, aclGetDataBufferSize(b));
	EXPECT_EQ(0, aclGetDataBufferSize(NULL));
#pragma GCC diagnostic pop
	EXPECT_EQ(((size_t)1 << 32) + 5, aclGetDataBufferSizeV2(b));
	EXPECT_EQ(ACL_SUCCESS, aclDestroyDataBuffer(b));
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

TEST(float16_to_float)
{
	/* exact values */
	EXPECT_EQ(float_bits(0.0f), float_bits(aclFloat16ToFloat(0x0000)));
	EXPECT_EQ(float_bits(-0.0f), float_bits(aclFloat16ToFloat(0x8000)));
	EXPECT_EQ(float_bits(1.0f), float_bits(aclFloat16ToFloat(0x3c00)));
	EXPECT_EQ(float_bits(-2.0f), float_bits(aclFloat16ToFloat(0xc000)));
	EXPECT_EQ(float_bits(0.5f), float_bits(aclFloat16ToFloat(0x3800)));
	EXPECT_EQ(float_bits(65504.0f), float_bits(aclFloat16ToFloat(0x7bff)));
	/* the smallest subnormal, 2^-24, and the largest, 1023 * 2^-24 */
	EXPECT_EQ(float_bits(0x1p-24f), float_bits(aclFloat16ToFloat(0x0001)));
	EXPECT_EQ(float_bits(1023 * 0x1p-24f),
		  float_bits(aclFloat16ToFloat(0x03ff)));
	/* fp16.cpp: +Inf 65536, -Inf -65536, NaN 98304 */
	EXPECT_EQ(float_bits(65536.0f), float_bits(aclFloat16ToFloat(0x7c00)));
	EXPECT_EQ(float_bits(-65536.0f), float_bits(aclFloat16ToFloat(0xfc00)));
	EXPECT_EQ(float_bits(98304.0f), float_bits(aclFloat16ToFloat(0x7e00)));
}

TEST(float_to_float16)
{
	float big = 1e30f, nan = __builtin_nanf(""), inf = __builtin_inff();

	EXPECT_EQ(0x0000, aclFloatToFloat16(0.0f));
	EXPECT_EQ(0x8000, aclFloatToFloat16(-0.0f));
	EXPECT_EQ(0x3c00, aclFloatToFloat16(1.0f));
	EXPECT_EQ(0xc000, aclFloatToFloat16(-2.0f));
	EXPECT_EQ(0x7bff, aclFloatToFloat16(65504.0f));
	/* rounding to nearest, ties to even: 1 + 2^-11 is a tie, to 1.0 */
	EXPECT_EQ(0x3c00, aclFloatToFloat16(1.0f + 0x1p-11f));
	EXPECT_EQ(0x3c01, aclFloatToFloat16(1.0f + 0x1p-11f + 0x1p-20f));
	/* 1 + 3 * 2^-11 is a tie above an odd mantissa: up to 0x3c02 */
	EXPECT_EQ(0x3c02, aclFloatToFloat16(1.0f + 3 * 0x1p-11f));
	/* subnormals, and what is below the smallest one */
	EXPECT_EQ(0x0001, aclFloatToFloat16(0x1p-24f));
	EXPECT_EQ(0x03ff, aclFloatToFloat16(1023 * 0x1p-24f));
	EXPECT_EQ(0x0001, aclFloatToFloat16(0x1.8p-25f));
	EXPECT_EQ(0x0000, aclFloatToFloat16(0x1p-26f));
	/* saturating: overflow, Inf and NaN are +-65504 */
	EXPECT_EQ(0x7bff, aclFloatToFloat16(big));
	EXPECT_EQ(0xfbff, aclFloatToFloat16(-big));
	EXPECT_EQ(0x7bff, aclFloatToFloat16(inf));
	EXPECT_EQ(0xfbff, aclFloatToFloat16(-inf));
	EXPECT_EQ(0x7bff, aclFloatToFloat16(nan));
	/* 65520 rounds up past the largest value: saturated too */
	EXPECT_EQ(0x7bff, aclFloatToFloat16(65520.0f));
	/* every finite half goes there and back */
	for (uint32_t h = 0; h < 0x10000; h++) {
		if ((h & 0x7c00) == 0x7c00)
			continue;
		ASSERT_EQ(h, aclFloatToFloat16(aclFloat16ToFloat((uint16_t)h)))
			TH_LOG("half 0x%04x", h);
	}
}

/* Runs aclAppLog in a child with stderr in a file; returns what it wrote. */
static ssize_t app_log_output(const char *level_env, aclLogLevel level,
			      const char *msg, char *out, size_t len)
{
	char path[] = "/tmp/acl_app_log_XXXXXX";
	int fd = mkstemp(path), status;
	ssize_t n;
	pid_t pid;

	if (fd < 0)
		return -1;
	unlink(path);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 2);
		if (level_env)
			setenv("ASCEND_GLOBAL_LOG_LEVEL", level_env, 1);
		else
			unsetenv("ASCEND_GLOBAL_LOG_LEVEL");
		aclAppLog(level, "fn", "file.c", 42, "%s", msg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	n = pread(fd, out, len - 1, 0);
	close(fd);
	if (n >= 0)
		out[n] = '\0';
	return n;
}

TEST(app_log)
{
	char out[4096], long_msg[3000];

	/* the default level is ERROR: an error is written, an info is not */
	ASSERT_LT(0, app_log_output(NULL, ACL_ERROR, "hello", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "fn:file.c:42: \"hello\""));
	EXPECT_NE(NULL, strstr(out, "[ERROR]"));
	EXPECT_EQ(0, app_log_output(NULL, ACL_INFO, "quiet", out, sizeof(out)));
	/* from the level asked for on */
	ASSERT_LT(0, app_log_output("0", ACL_DEBUG, "dbg", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"dbg\""));
	EXPECT_EQ(0, app_log_output("4", ACL_ERROR, "off", out, sizeof(out)));
	/* 1024 bytes at most, the rest marked as cut */
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	ASSERT_LT(0, app_log_output(NULL, ACL_ERROR, long_msg, out, sizeof(out)));
	EXPECT_EQ(1024, strlen(out)); /* 1023 and the newline */
	EXPECT_NE(NULL, strstr(out, "...[truncated]\n"));
	/* NULL fmt, func or file: nothing, no crash */
	aclAppLog(ACL_ERROR, NULL, "f", 1, "x");
	aclAppLog(ACL_ERROR, "f", NULL, 1, "x");
	aclAppLog(ACL_ERROR, "f", "f", 1, NULL);
}

TEST(cann_attributes)
{
	const aclCannAttr *list = (const aclCannAttr *)1;
	size_t num = 99;
	int32_t value = -1;

	/* aclmem has no INF_NAN, BF16 or JIT_COMPILE: an empty list, 0 each */
	ASSERT_EQ(ACL_SUCCESS, aclGetCannAttributeList(&list, &num));
	EXPECT_EQ(0, num);
	EXPECT_NE(NULL, list);
	ASSERT_EQ(ACL_SUCCESS, aclGetCannAttribute(ACL_CANN_ATTR_INF_NAN, &value));
	EXPECT_EQ(0, value);
	value = -1;
	ASSERT_EQ(ACL_SUCCESS, aclGetCannAttribute(ACL_CANN_ATTR_BF16, &value));
	EXPECT_EQ(0, value);
	value = -1;
	ASSERT_EQ(ACL_SUCCESS, aclGetCannAttribute(ACL_CANN_ATTR_JIT_COMPILE, &value));
	EXPECT_EQ(0, value);
	/* CannInfoUtils::GetAttribute: no entry, 100000; NULLs 100000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetCannAttribute(ACL_CANN_ATTR_UNDEFINED, &value));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclGetCannAttribute((aclCannAttr)3, &value));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM,
		  aclGetCannAttribute(ACL_CANN_ATTR_BF16, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclGetCannAttributeList(NULL, &num));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclGetCannAttributeList(&list, NULL));
}

/* data_buffer.cpp aclDataTypeSizeImpl: every aclDataType value */
TEST(data_type_size)
{
	static const struct {
		aclDataType type;
		size_t size;
	} want[] = {
		{ ACL_DT_UNDEFINED, 0 }, { ACL_STRING, 0 },
		{ ACL_UINT1, 1 }, { ACL_INT4, 1 }, { ACL_BOOL, 1 },
		{ ACL_INT8, 1 }, { ACL_UINT8, 1 }, { ACL_HIFLOAT8, 1 },
		{ ACL_FLOAT8_E5M2, 1 }, { ACL_FLOAT8_E4M3FN, 1 },
		{ ACL_FLOAT8_E8M0, 1 },
		{ ACL_FLOAT16, 2 }, { ACL_INT16, 2 }, { ACL_UINT16, 2 },
		{ ACL_BF16, 2 },
		{ ACL_FLOAT, 4 }, { ACL_INT32, 4 }, { ACL_UINT32, 4 },
		{ ACL_COMPLEX32, 4 },
		{ ACL_INT64, 8 }, { ACL_UINT64, 8 }, { ACL_DOUBLE, 8 },
		{ ACL_COMPLEX64, 8 }, { ACL_COMPLEX128, 16 },
		/* CANN has no case for these: its default, 8 */
		{ ACL_FLOAT6_E3M2, 8 }, { ACL_FLOAT6_E2M3, 8 },
		{ ACL_FLOAT4_E2M1, 8 }, { ACL_FLOAT4_E1M2, 8 },
		{ (aclDataType)5, 8 }, { (aclDataType)1000, 8 },
		{ (aclDataType)-2, 8 },
	};
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(want); i++)
		EXPECT_EQ(want[i].size, aclDataTypeSize(want[i].type))
			TH_LOG("aclDataType %d", (int)want[i].type);
}

TEST_HARNESS_MAIN
