/* SPDX-License-Identifier: MIT */
/*
 * Description: the data pattern of the aclmem tests (selftests/ and
 * lib/tests/): a word derived from a seed and a byte offset, and the loops
 * that write or check every word of a buffer. Each suite keeps its own
 * sampled layout for large buffers on top of these.
 */
#ifndef TESTS_COMMON_PATTERN_H
#define TESTS_COMMON_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The splitmix64 finalizer: a well-mixed function of @x. */
static inline uint64_t pattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The word at byte offset @off for @seed; never 0. */
static inline uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	return pattern_mix(seed * 0x2545f4914f6cdd1dULL + off) | 1;
}

/*
 * Writes the pattern of @seed into every word of @buf, which sits at byte
 * offset @base of whatever it is part of.
 */
static inline void pattern_fill(void *buf, size_t len, uint64_t seed,
				uint64_t base)
{
	volatile uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, base + i * 8);
}

/* Byte offset of the first word that differs from pattern_fill(), or -1. */
static inline long pattern_check(const void *buf, size_t len, uint64_t seed,
				 uint64_t base)
{
	const volatile uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(seed, base + i * 8))
			return (long)(i * 8);
	return -1;
}

/* Byte offset of the first non-zero word of @buf, or -1. */
static inline long pattern_check_zero(const void *buf, size_t len)
{
	const volatile uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i])
			return (long)(i * 8);
	return -1;
}

#endif /* TESTS_COMMON_PATTERN_H */
