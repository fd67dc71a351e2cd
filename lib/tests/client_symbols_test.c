// SPDX-License-Identifier: MIT
/*
 * Description: does libascendcl.so export what CANN's clients call?
 *
 *   client_symbols_test client_symbols.txt client_symbols_left_out.txt
 *
 * dlopen()s "libascendcl.so" by name, as torch_npu's loaders do, and
 * dlsym()s every function of client_symbols.txt (the acl* functions of
 * libascendcl that torch_npu, vllm-ascend, Mooncake, hixl, shmem and
 * sgl-kernel-npu call; which functions are libascendcl's follows
 * hicann/runtime's stub/gen_stubapi.py, see the file's header). TAP, one
 * result per function: "ok" when exported; "not ok" when not, unless
 * client_symbols_left_out.txt names it (then SKIP, with its reason). Also
 * "not ok": a list that is not sorted or names a function twice, a
 * left-out function the client list does not have, a left-out line with
 * no reason. Ends with one line per client: how many of its functions are
 * there. Runs on the host: dlopen() needs no device.
 */
#define _GNU_SOURCE	/* dladdr() */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 1024
#define MAX_CLIENTS 16
#define LINE_MAX_LEN 512

struct entry {
	char *name;
	char *rest;	/* clients, or the reason it is left out */
	bool used;	/* left out: the client list has it */
};

struct list {
	const char *path;
	struct entry entries[MAX_ENTRIES];
	int count;
	char *clients[MAX_CLIENTS];	/* "# client TAG ..." lines */
	int nr_clients;
};

struct client_count {
	int total;
	int exported;
	int left_out;
};

static int test_number;
static int failures;

static void tap(bool ok, const char *fmt, const char *name, const char *more)
{
	printf("%s %d - ", ok ? "ok" : "not ok", ++test_number);
	printf(fmt, name, more);
	putchar('\n');
	if (!ok)
		failures++;
}

static char *trimmed_copy(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strcspn(s, "\r\n");
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return strndup(s, len);
}

/* Reads PATH: "NAME REST" lines, '#' comments; every problem is a TAP failure. */
static bool read_list(struct list *list, const char *path)
{
	char line[LINE_MAX_LEN];
	FILE *f = fopen(path, "r");

	list->path = path;
	if (!f) {
		tap(false, "open %s%s", path, ": cannot be read");
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		struct entry *e;
		char *sep;

		if (!strncmp(line, "# client ", 9)) {
			if (list->nr_clients < MAX_CLIENTS)
				list->clients[list->nr_clients++] =
					strndup(line + 9, strcspn(line + 9, " \n"));
			continue;
		}
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (list->count == MAX_ENTRIES) {
			tap(false, "read %s%s", path, ": too many entries");
			break;
		}
		e = &list->entries[list->count++];
		sep = line + strcspn(line, " \t\r\n");
		e->name = strndup(line, sep - line);
		e->rest = trimmed_copy(sep);
		e->used = false;
		if (list->count > 1 &&
		    strcmp(list->entries[list->count - 2].name, e->name) >= 0)
			tap(false, "%s: %s is out of order or twice", path,
			    e->name);
	}
	fclose(f);
	return true;
}

static struct entry *find(struct list *list, const char *name)
{
	int i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->entries[i].name, name))
			return &list->entries[i];
	return NULL;
}

static bool has_client(const char *clients, const char *tag)
{
	size_t len = strlen(tag);
	const char *p = clients;

	while ((p = strstr(p, tag))) {
		if ((p == clients || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' '))
			return true;
		p += len;
	}
	return false;
}

static void count_for_clients(const struct list *symbols, const char *rest,
			      bool exported, bool left_out,
			      struct client_count *counts)
{
	int c;

	for (c = 0; c < symbols->nr_clients; c++) {
		if (!has_client(rest, symbols->clients[c]))
			continue;
		counts[c].total++;
		counts[c].exported += exported;
		counts[c].left_out += left_out && !exported;
	}
}

int main(int argc, char **argv)
{
	static struct list symbols, left_out;
	struct client_count counts[MAX_CLIENTS] = { 0 };
	Dl_info info;
	void *lib, *sym;
	int i, c;

	if (argc != 3) {
		fprintf(stderr, "usage: %s client_symbols.txt client_symbols_left_out.txt\n",
			argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	lib = dlopen("libascendcl.so", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		printf("1..1\nnot ok 1 - dlopen(libascendcl.so): %s\n", dlerror());
		return 1;
	}
	sym = dlsym(lib, "aclrtGetDeviceCount");
	if (sym && dladdr(sym, &info))
		printf("# %s\n", info.dli_fname);

	if (!read_list(&symbols, argv[1]) || !read_list(&left_out, argv[2]))
		return 1;
	for (i = 0; i < symbols.count; i++) {
		struct entry *e = &symbols.entries[i];
		struct entry *out = find(&left_out, e->name);
		bool exported = dlsym(lib, e->name) != NULL;

		if (out)
			out->used = true;
		count_for_clients(&symbols, e->rest, exported, out != NULL, counts);
		if (exported || !out) {
			tap(exported, "%s (%s)", e->name, e->rest);
			continue;
		}
		printf("ok %d - %s # SKIP left out: %s\n", ++test_number,
		       e->name, out->rest);
	}
	for (i = 0; i < left_out.count; i++) {
		struct entry *e = &left_out.entries[i];

		if (!e->used)
			tap(false, "left out %s%s", e->name,
			    ": not in the client list");
		if (!e->rest[0])
			tap(false, "left out %s%s", e->name, ": no reason given");
	}
	printf("1..%d\n", test_number);
	for (c = 0; c < symbols.nr_clients; c++)
		printf("# %s: %d of %d exported, %d left out, %d missing\n",
		       symbols.clients[c], counts[c].exported, counts[c].total,
		       counts[c].left_out,
		       counts[c].total - counts[c].exported - counts[c].left_out);
	printf("# %d failed of %d\n", failures, test_number);
	dlclose(lib);
	return failures ? 1 : 0;
}
