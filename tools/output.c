// SPDX-License-Identifier: MIT
/*
 * What aclmemctl prints: error lines, sizes in human units, and rows of
 * attributes as an aligned table, JSON or running text, all three from
 * attr_descs[].
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aclmemctl.h"

/* The one format of a failure: "aclmemctl: <what>: <strerror> (<n>)". */
void ctl_error(struct ctl *ctl, const char *what, int err)
{
	fprintf(stderr, "aclmemctl: %s: %s (%d)\n", what, strerror(-err), err);
	ctl->reported = true;
}

/* "aclmemctl: <message>", for what strerror() would not say well. */
void ctl_msg(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	fputs("aclmemctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ctl->reported = true;
}

void row_free(struct row *row)
{
	int i;

	for (i = 0; i <= ATTR_ALL_MAX; i++) {
		free(row->str[i]);
		row->str[i] = NULL;
	}
}

/* Append a copy of @row (strings included). */
int rows_add(struct rows *rows, const struct row *row)
{
	struct row *r;
	int i;

	if (rows->nr == rows->alloc) {
		size_t n = rows->alloc ? rows->alloc * 2 : 16;

		r = realloc(rows->row, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		rows->row = r;
		rows->alloc = n;
	}
	r = &rows->row[rows->nr];
	*r = *row;
	for (i = 0; i <= ATTR_ALL_MAX; i++) {
		if (!row->str[i])
			continue;
		r->str[i] = strdup(row->str[i]);
		if (!r->str[i]) {
			while (--i >= 0)
				if (row->str[i])
					free(r->str[i]);
			return -ENOMEM;
		}
	}
	rows->nr++;
	return 0;
}

void rows_free(struct rows *rows)
{
	size_t i;

	for (i = 0; i < rows->nr; i++)
		row_free(&rows->row[i]);
	free(rows->row);
	memset(rows, 0, sizeof(*rows));
}

/* "0 B", "512 B", "2.0 MiB", "1.5 GiB". */
const char *size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	double v = (double)bytes;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *event_name(uint64_t event)
{
	switch (event) {
	case ACLMEM_GENL_EVENT_ALLOC_FAILED:
		return "alloc-failed";
	case ACLMEM_GENL_EVENT_POOL_GROWN:
		return "pool-grown";
	case ACLMEM_GENL_EVENT_POOL_SHRUNK:
		return "pool-shrunk";
	case ACLMEM_GENL_EVENT_POOL_LOW:
		return "pool-low";
	case ACLMEM_GENL_EVENT_POOL_FILLED:
		return "pool-filled";
	case ACLMEM_GENL_EVENT_POOL_FILL_FAILED:
		return "fill-failed";
	}
	return NULL;
}

/* Whether a column is right-aligned (numbers) in tables. */
static bool right_aligned(enum fmt fmt)
{
	return fmt == FMT_COUNT || fmt == FMT_SIZE || fmt == FMT_NODE;
}

/* The human form of attribute @a of @row, in @buf. */
static const char *cell(const struct row *row, int a, char *buf, size_t len)
{
	uint64_t v = row->val[a];
	const char *name;

	if (!row->present[a])
		return attr_descs[a].fmt == FMT_FLAG ? "no" : "-";
	switch (attr_descs[a].fmt) {
	case FMT_SIZE:
		return size_str(v, buf, len);
	case FMT_NODE:
		if (v == ACLMEM_NODE_ANY)
			return "any";
		break;
	case FMT_STRING:
		return row->str[a] ? row->str[a] : "";
	case FMT_FLAG:
		return "yes";
	case FMT_TOKEN:
		snprintf(buf, len, "0x%016" PRIx64, v);
		return buf;
	case FMT_EVENT:
		name = event_name(v);
		if (name)
			return name;
		snprintf(buf, len, "event-%" PRIu64, v);
		return buf;
	default:
		break;
	}
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void json_string(const char *s, FILE *f)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void print_json_row(const struct row *row, const int *cols,
		    const char *extra, FILE *f)
{
	const struct attr_desc *d;
	char buf[32];
	bool first = true;
	const int *c;

	fputc('{', f);
	if (extra) {
		fputs(extra, f);
		first = false;
	}
	for (c = cols; *c; c++) {
		d = &attr_descs[*c];
		if (!d->json)
			continue;
		fprintf(f, "%s\"%s\":", first ? "" : ",", d->json);
		first = false;
		if (!row->present[*c]) {
			fputs(d->fmt == FMT_FLAG ? "false" : "null", f);
			continue;
		}
		switch (d->fmt) {
		case FMT_STRING:
			json_string(row->str[*c] ? row->str[*c] : "", f);
			break;
		case FMT_FLAG:
			fputs("true", f);
			break;
		case FMT_TOKEN:	/* 64 bits do not survive a double */
			snprintf(buf, sizeof(buf), "0x%016" PRIx64, row->val[*c]);
			json_string(buf, f);
			break;
		case FMT_EVENT:
			json_string(cell(row, *c, buf, sizeof(buf)), f);
			break;
		default:
			fprintf(f, "%" PRIu64, row->val[*c]);
			break;
		}
	}
	fputc('}', f);
}

void print_text_row(const struct row *row, const int *cols, FILE *f)
{
	char buf[64];
	bool first = true;
	const int *c;

	for (c = cols; *c; c++) {
		if (!row->present[*c])
			continue;
		fprintf(f, "%s%s %s", first ? "" : ", ", attr_descs[*c].label,
			cell(row, *c, buf, sizeof(buf)));
		first = false;
	}
}

static void print_json_rows(const struct rows *rows, const int *cols)
{
	size_t i;

	if (!rows->nr) {
		puts("[]");
		return;
	}
	puts("[");
	for (i = 0; i < rows->nr; i++) {
		print_json_row(&rows->row[i], cols, NULL, stdout);
		puts(i + 1 < rows->nr ? "," : "");
	}
	puts("]");
}

#define MAX_COLS	(ATTR_ALL_MAX + 1)

void print_rows(struct ctl *ctl, const struct rows *rows, const int *cols)
{
	size_t width[MAX_COLS] = { 0 };
	char buf[64];
	const char *s;
	size_t i, n;
	int j, w;

	if (ctl->json) {
		print_json_rows(rows, cols);
		return;
	}
	for (n = 0; cols[n]; n++)
		width[n] = strlen(attr_descs[cols[n]].title);
	for (i = 0; i < rows->nr; i++) {
		for (j = 0; cols[j]; j++) {
			s = cell(&rows->row[i], cols[j], buf, sizeof(buf));
			if (strlen(s) > width[j])
				width[j] = strlen(s);
		}
	}
	for (i = 0; i <= rows->nr; i++) {
		for (j = 0; cols[j]; j++) {
			if (i == 0)
				s = attr_descs[cols[j]].title;
			else
				s = cell(&rows->row[i - 1], cols[j], buf,
					 sizeof(buf));
			w = (int)width[j];
			/* the first column is the row's name: left */
			if (j && right_aligned(attr_descs[cols[j]].fmt))
				printf("%s%*s", j ? "  " : "", w, s);
			else if (cols[j + 1])
				printf("%s%-*s", j ? "  " : "", w, s);
			else	/* no trailing blanks */
				printf("%s%s", j ? "  " : "", s);
		}
		putchar('\n');
	}
}

/* A decimal number up to @max; 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
