/* SPDX-License-Identifier: MIT */
/*
 * Host-only helpers of the acl layer, as hicann/runtime serves them:
 * data buffers (src/acl/aclrt_impl/data_buffer.cpp), float16 conversion
 * (types/fp16_impl.cpp: saturating, no NaN or Inf), application logs
 * (log.cpp aclAppLogImpl), element sizes (data_buffer.cpp
 * aclDataTypeSizeImpl).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

struct aclDataBuffer {
	void *data;
	size_t length;
};

ACL_API aclDataBuffer *aclCreateDataBuffer(void *data, size_t size)
{
	aclDataBuffer *buffer = malloc(sizeof(*buffer));

	if (buffer) {
		buffer->data = data;
		buffer->length = size;
	}
	return buffer;
}

ACL_API aclError aclDestroyDataBuffer(const aclDataBuffer *dataBuffer)
{
	if (!dataBuffer)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "dataBuffer is NULL");
	free((void *)dataBuffer);
	return ACL_SUCCESS;
}

ACL_API aclError aclUpdateDataBuffer(aclDataBuffer *dataBuffer, void *data,
				     size_t size)
{
	if (!dataBuffer)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "dataBuffer is NULL");
	dataBuffer->data = data;
	dataBuffer->length = size;
	return ACL_SUCCESS;
}

ACL_API void *aclGetDataBufferAddr(const aclDataBuffer *dataBuffer)
{
	return dataBuffer ? dataBuffer->data : NULL;
}

ACL_API uint32_t aclGetDataBufferSize(const aclDataBuffer *dataBuffer)
{
	return dataBuffer ? (uint32_t)dataBuffer->length : 0;
}

ACL_API size_t aclGetDataBufferSizeV2(const aclDataBuffer *dataBuffer)
{
	return dataBuffer ? dataBuffer->length : 0;
}

#define FP16_EXP_MAX	0x1fU
#define FP16_MAN_MAX	0x3ffU
#define FP16_HIDDEN	0x400U

/*
 * Every exponent is a number's, 31 too: +Inf is 65536, NaN 98304, as
 * CANN's Fp16ToFloat gives them; subnormals are normalised.
 */
ACL_API float aclFloat16ToFloat(aclFloat16 value)
{
	uint32_t sign = (uint32_t)(value >> 15) << 31;
	int32_t exp = (value >> 10) & FP16_EXP_MAX;
	uint32_t man = value & FP16_MAN_MAX;
	uint32_t bits = sign;
	float out;

	if (exp == 0) {
		exp = 1;
	} else {
		man |= FP16_HIDDEN;
	}
	while (man && !(man & FP16_HIDDEN)) {
		man <<= 1;
		exp--;
	}
	if (man)
		bits |= (uint32_t)(exp + 127 - 15) << 23 |
			(man & FP16_MAN_MAX) << 13;
	memcpy(&out, &bits, sizeof(out));
	return out;
}

/* Round to nearest even: the dropped bits above half, or half on an odd one. */
static bool round_up(uint64_t man, unsigned int dropped)
{
	uint64_t last = 1ULL << dropped;
	uint64_t half = last >> 1;

	return (man & half) && ((man & (half - 1)) || (man & last));
}

/*
 * Saturating: NaN, Inf and what overflows are +-65504 (0x7bff); what is
 * below the smallest subnormal but not 0 rounds as CANN's FloatToFp16.
 */
ACL_API aclFloat16 aclFloatToFloat16(float value)
{
	uint32_t bits, exp, man;
	uint16_t sign, e16, m16;

	memcpy(&bits, &value, sizeof(bits));
	sign = (uint16_t)(bits >> 31);
	exp = (bits >> 23) & 0xff;
	man = bits & 0x7fffff;
	if (exp > 127 + 15) {
		e16 = FP16_EXP_MAX - 1;
		m16 = FP16_MAN_MAX;
	} else if (exp <= 127 - 15) {
		e16 = 0;
		if (exp >= 127 - 24) {
			uint64_t wide = (uint64_t)(man | 0x800000) <<
					(exp - (127 - 24));

			m16 = (uint16_t)(wide >> 23);
			if (round_up(wide, 23))
				m16++;
		} else {
			m16 = exp == 127 - 25 && man;
		}
	} else {
		e16 = (uint16_t)(exp - (127 - 15));
		m16 = (uint16_t)(man >> 13);
		if (round_up(man, 13))
			m16++;
		if (m16 & FP16_HIDDEN)
			e16++;
	}
	/* CANN's Fp16Normalize */
	if (e16 >= FP16_EXP_MAX) {
		e16 = FP16_EXP_MAX - 1;
		m16 = FP16_MAN_MAX;
	} else if (e16 == 0 && m16 == FP16_HIDDEN) {
		e16 = 1;
		m16 = 0;
	}
	return (aclFloat16)(sign << 15 | (e16 & FP16_EXP_MAX) << 10 |
			    (m16 & FP16_MAN_MAX));
}

#define LOG_MAX 1024
#define TRUNCATED_MARK "...[truncated]"

/*
 * CANN's logs go to its log daemon; here to stderr, for levels from
 * ASCEND_GLOBAL_LOG_LEVEL (0 debug .. 3 error, the default 3; 4 is off).
 */
static bool log_enabled(aclLogLevel level)
{
	const char *env = getenv("ASCEND_GLOBAL_LOG_LEVEL");
	int threshold = ACL_ERROR;

	if (env && *env >= '0' && *env <= '4' && !env[1])
		threshold = *env - '0';
	return (int)level >= threshold && level <= ACL_ERROR;
}

ACL_API void aclAppLog(aclLogLevel logLevel, const char *func,
		       const char *file, uint32_t line, const char *fmt, ...)
{
	static const char *const names[] = { "DEBUG", "INFO", "WARNING",
					     "ERROR" };
	char body[LOG_MAX], out[LOG_MAX];
	int n, m;
	va_list ap;

	if (!fmt || !func || !file || !log_enabled(logLevel))
		return;
	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	m = snprintf(out, sizeof(out), "[%s] %ld %s:%s:%u: \"%s\"",
		     names[logLevel], (long)syscall(SYS_gettid), func, file,
		     line, body);
	if (n >= LOG_MAX - 1 || m >= LOG_MAX - 1)
		memcpy(out + LOG_MAX - sizeof(TRUNCATED_MARK),
		       TRUNCATED_MARK, sizeof(TRUNCATED_MARK));
	fprintf(stderr, "%s\n", out);
}

/*
 * data_buffer.cpp aclDataTypeSizeImpl: bytes per element. A string or no
 * type is 0; the packed sub-byte types (UINT1, INT4) count one byte; any
 * other value, FLOAT6_* and FLOAT4_* included, falls to CANN's default
 * of 8.
 */
ACL_API size_t aclDataTypeSize(aclDataType dataType)
{
	switch (dataType) {
	case ACL_STRING:
	case ACL_DT_UNDEFINED:
		return 0;
	case ACL_UINT1:
	case ACL_INT4:
	case ACL_BOOL:
	case ACL_INT8:
	case ACL_UINT8:
	case ACL_HIFLOAT8:
	case ACL_FLOAT8_E5M2:
	case ACL_FLOAT8_E4M3FN:
	case ACL_FLOAT8_E8M0:
		return 1;
	case ACL_FLOAT16:
	case ACL_INT16:
	case ACL_UINT16:
	case ACL_BF16:
		return 2;
	case ACL_FLOAT:
	case ACL_INT32:
	case ACL_UINT32:
	case ACL_COMPLEX32:
		return 4;
	case ACL_COMPLEX128:
		return 16;
	default:
		return 8;
	}
}
