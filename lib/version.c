/* SPDX-License-Identifier: MIT */
/*
 * Package versions, as hicann/runtime's acl layer reads them
 * (src/acl/aclrt_impl/acl.cpp aclsysGetCANNVersionImpl,
 * aclsysGetVersionStrImpl, aclsysGetVersionNumImpl): the "Version=" line
 * of $ASCEND_HOME_PATH/share/info/<package>/version.info, the driver's and
 * the firmware's under the install paths /etc/ascend_install.info names.
 *
 * The two readers differ as CANN's do: aclsysGetVersionStr and
 * aclsysGetVersionNum trim the value (StringUtils::Trim) and take the real
 * path of ASCEND_HOME_PATH; aclsysGetCANNVersion takes the rest of the
 * line as it is and ASCEND_HOME_PATH as it is. Values are C strings: a
 * NUL byte inside a line ends it here, where std::string would keep it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define INSTALL_INFO	"/etc/ascend_install.info"
#define VERSION_KEY	"Version="
#define DRIVER_KEY	"Driver_Install_Path_Param="
#define FIRMWARE_KEY	"Firmware_Install_Path_Param="

/* The package of each aclCANNPackageName, as CANN's kMapToPkgName. */
static const char *const package_dirs[] = {
	[ACL_PKG_NAME_CANN] = "runtime",
	[ACL_PKG_NAME_RUNTIME] = "runtime",
	[ACL_PKG_NAME_COMPILER] = "bisheng-compiler",
	[ACL_PKG_NAME_HCCL] = "hccl",
	[ACL_PKG_NAME_TOOLKIT] = "oam-tools",
	[ACL_PKG_NAME_OPP] = "ops-legacy",
	[ACL_PKG_NAME_OPP_KERNEL] = "ops-legacy",
	[ACL_PKG_NAME_DRIVER] = "driver",
};

/* CANN's IsFileExist: mmRealPath (realpath into PATH_MAX) of @path works. */
static bool path_exists(const char *path)
{
	char real[PATH_MAX];

	return realpath(path, real) != NULL;
}

/* A malloc'd copy of @s with every @from as @to. */
static char *replace_char(const char *s, char from, char to)
{
	char *out = strdup(s), *p;

	if (out)
		for (p = out; *p; p++)
			if (*p == from)
				*p = to;
	return out;
}

/*
 * The rest (to the end of the line, '\r' and spaces kept) of the first
 * line of @path holding @key anywhere, as std::getline and line.find
 * give it; with @skip_empty, lines where nothing follows the key are
 * passed over (GetPkgPath, GetDriverPath), else the first line holding
 * the key is the answer, empty or not (ParseVersionInfo,
 * GetVersionStringInternal). False when @path cannot be opened; then, or
 * when no line holds the key, *@value is NULL, else malloc'd.
 */
static bool key_value(const char *path, const char *key, bool skip_empty,
		      char **value)
{
	size_t klen = strlen(key), cap = 0;
	char *line = NULL;
	ssize_t n;
	FILE *f;

	*value = NULL;
	f = fopen(path, "re");
	if (!f)
		return false;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *at;

		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		at = memmem(line, (size_t)n, key, klen);
		if (!at)
			continue;
		at += klen;
		if (skip_empty && at == line + n)
			continue;
		*value = strdup(at);
		break;
	}
	free(line);
	fclose(f);
	return true;
}

/*
 * CANN's GetPkgPath and GetDriverPath: the first non-empty @key of
 * /etc/ascend_install.info, untrimmed; NULL when there is none.
 */
static char *install_path(const char *key)
{
	char *path;

	if (!path_exists(INSTALL_INFO)) {
		acl_fail(ACL_ERROR_INVALID_FILE, INSTALL_INFO " does not exist");
		return NULL;
	}
	if (!key_value(INSTALL_INFO, key, true, &path))
		acl_fail(ACL_ERROR_INVALID_FILE, "cannot open " INSTALL_INFO);
	else if (!path)
		acl_fail(ACL_ERROR_INVALID_FILE, "no %s in " INSTALL_INFO, key);
	return path;
}

/* ---- aclsysGetCANNVersion ------------------------------------------------ */

/*
 * CANN's ConvertVersion: "8.5.0-beta.1" is "8.5.0.beta1" (the first '-'
 * as '.', every '.' after it gone); malloc'd.
 */
static char *convert_version(const char *text)
{
	char *out = strdup(text), *dash, *src, *dst;

	if (!out)
		return NULL;
	dash = strchr(out, '-');
	if (!dash)
		return out;
	*dash = '.';
	for (src = dst = dash + 1; *src; src++)
		if (*src != '.')
			*dst++ = *src;
	*dst = '\0';
	return out;
}

/*
 * std::string::copy(@dst, @max) of @len bytes of @src into a zeroed
 * field: at most @max, no NUL added; true when it copied anything.
 */
static bool copy_part(char *dst, size_t max, const char *src, size_t len)
{
	if (len > max)
		len = max;
	memcpy(dst, src, len);
	return len > 0;
}

/*
 * CANN's FillinPackageVersion: the converted text split at every '.'
 * (StringUtils::Split keeps empty pieces, a '.' at the end makes one);
 * fewer than two pieces fail; missing ones of the first four are "0".
 * The text is cut to 127 bytes, each part to 63, and an empty one among
 * the first four fails, the fields before it already filled.
 */
static bool fill_version(const char *text, aclCANNPackageVersion *v)
{
	char *fields[4] = { v->majorVersion, v->minorVersion,
			    v->releaseVersion, v->patchVersion };
	char *flat = convert_version(text);
	const char *p;
	size_t count = 1;
	bool ok = false;
	int i;

	memset(v, 0, sizeof(*v));
	if (!flat)
		return false;
	for (p = flat; *p; p++)
		count += *p == '.';
	if (count < 2)
		goto out;
	if (!copy_part(v->version, ACL_PKG_VERSION_MAX_SIZE - 1, flat,
		       strlen(flat)))
		goto out;
	for (i = 0, p = flat; i < 4; i++) {
		const char *end;

		if ((size_t)i >= count) {
			copy_part(fields[i], ACL_PKG_VERSION_PARTS_MAX_SIZE - 1,
				  "0", 1);
			continue;
		}
		end = strchrnul(p, '.');
		if (!copy_part(fields[i], ACL_PKG_VERSION_PARTS_MAX_SIZE - 1,
			       p, (size_t)(end - p)))
			goto out;
		p = *end ? end + 1 : end;
	}
	ok = true;
out:
	free(flat);
	return ok;
}

/*
 * CANN's GetCANNVersionInternal: @dir/<package>/version.info, or with
 * every '-' of the package as '_' when that file is not there (only
 * then); ParseVersionInfo: the first line holding Version=, untrimmed,
 * must have something after it; then FillinPackageVersion.
 */
static aclError cann_version_in(const char *dir, const char *pkg,
				aclCANNPackageVersion *version)
{
	char *path = NULL, *alt = NULL, *text = NULL;
	aclError ret = ACL_ERROR_INVALID_FILE;

	if (asprintf(&path, "%s/%s/version.info", dir, pkg) < 0)
		return acl_fail(ACL_ERROR_INVALID_FILE, "out of memory");
	if (!path_exists(path)) {
		free(path);
		path = NULL;
		alt = replace_char(pkg, '-', '_');
		if (!alt || asprintf(&path, "%s/%s/version.info", dir, alt) < 0) {
			path = NULL;
			acl_fail(ret, "out of memory");
			goto out;
		}
		if (!path_exists(path)) {
			acl_fail(ret, "%s does not exist", path);
			goto out;
		}
	}
	if (!key_value(path, VERSION_KEY, false, &text) || !text || !*text) {
		acl_fail(ret, "no " VERSION_KEY " in %s", path);
		goto out;
	}
	if (!fill_version(text, version)) {
		acl_fail(ret, "version \"%s\" of %s has fewer than 2 parts "
			 "or an empty one", text, path);
		goto out;
	}
	ret = ACL_SUCCESS;
out:
	free(text);
	free(alt);
	free(path);
	return ret;
}

/* CANN's aclsysGetCANNVersionImpl. */
ACL_API aclError aclsysGetCANNVersion(aclCANNPackageName name,
				      aclCANNPackageVersion *version)
{
	const char *home;
	char *dir = NULL;
	aclError ret;

	if (!version)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "version is NULL");
	if ((unsigned int)name >= ARRAY_SIZE(package_dirs))
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"package name %d is not a package", name);
	if (name == ACL_PKG_NAME_DRIVER) {
		dir = install_path(DRIVER_KEY);
		if (!dir)
			return ACL_ERROR_INVALID_FILE;
	} else {
		/* ASCEND_HOME_PATH as it is: no real path here */
		home = getenv("ASCEND_HOME_PATH");
		if (!home)
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"ASCEND_HOME_PATH is not set");
		if (asprintf(&dir, "%s/share/info", home) < 0)
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"out of memory");
	}
	ret = cann_version_in(dir, package_dirs[name], version);
	free(dir);
	return ret;
}

/* ---- aclsysGetVersionStr, aclsysGetVersionNum ---------------------------- */

/*
 * StringUtils::Trim: " \t\r\n" off both ends, in place; a value of
 * nothing else (or empty) stays as it is.
 */
static void trim(char *s)
{
	static const char ws[] = " \t\r\n";
	size_t first = strspn(s, ws), last;

	if (!s[first])
		return;
	last = strlen(s);
	while (strchr(ws, s[last - 1]))
		last--;
	memmove(s, s + first, last - first);
	s[last - first] = '\0';
}

/*
 * CANN's GetVersionStringInternal: the first line of @path holding
 * Version=, trimmed, must not be empty.
 */
static aclError version_string(const char *path, char **out)
{
	if (!key_value(path, VERSION_KEY, false, out))
		return acl_fail(ACL_ERROR_INVALID_FILE,
				"cannot open %s", path);
	if (*out)
		trim(*out);
	if (!*out || !**out) {
		free(*out);
		*out = NULL;
		return acl_fail(ACL_ERROR_INVALID_FILE,
				"no " VERSION_KEY " in %s", path);
	}
	return ACL_SUCCESS;
}

/*
 * CANN's GetVersionByPkgName: "driver" and "firmware" under their install
 * paths (untrimmed), any other name under the real path of
 * ASCEND_HOME_PATH, share/info/<name>/version.info.
 */
static aclError package_version(const char *name, char **out)
{
	char *dir, *path = NULL;
	aclError ret;
	int n;

	if (!strcmp(name, "driver") || !strcmp(name, "firmware")) {
		dir = install_path(name[0] == 'd' ? DRIVER_KEY : FIRMWARE_KEY);
		if (!dir)
			return ACL_ERROR_INVALID_FILE;
		n = asprintf(&path, "%s/%s/version.info", dir, name);
		free(dir);
	} else {
		const char *home = getenv("ASCEND_HOME_PATH");
		char real[PATH_MAX];

		/* file_utils::GetLocalRealPath: "" is no path */
		if (!home)
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"ASCEND_HOME_PATH is not set");
		if (!*home || !realpath(home, real))
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"ASCEND_HOME_PATH \"%s\" does not exist",
					home);
		n = asprintf(&path, "%s/share/info/%s/version.info", real,
			     name);
	}
	if (n < 0)
		return acl_fail(ACL_ERROR_INVALID_FILE, "out of memory");
	ret = version_string(path, out);
	free(path);
	return ret;
}

/*
 * CANN's GetPkgVersionContent: @name, then, when that fails, its
 * alternative: with a '-', every '-' as '_' ('_' stay); without one,
 * every '_' as '-'.
 */
static aclError version_content(const char *name, char **out)
{
	char *alt = NULL;
	aclError ret;

	if (strchr(name, '-'))
		alt = replace_char(name, '-', '_');
	else if (strchr(name, '_'))
		alt = replace_char(name, '_', '-');
	ret = package_version(name, out);
	if (ret && alt)
		ret = package_version(alt, out);
	free(alt);
	return ret;
}

/*
 * CANN's aclsysGetVersionStrImpl: versionStr holds ACL_PKG_VERSION_MAX_SIZE
 * bytes; strcpy_s of a longer text fails (500000) and, as securec's does,
 * leaves versionStr "".
 */
ACL_API aclError aclsysGetVersionStr(char *pkgName, char *versionStr)
{
	char *text;
	aclError ret;

	if (!versionStr || !pkgName)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = version_content(pkgName, &text);
	if (ret)
		return ret;
	if (strlen(text) >= ACL_PKG_VERSION_MAX_SIZE) {
		versionStr[0] = '\0';
		ret = acl_fail(ACL_ERROR_INTERNAL_ERROR,
			       "version of %zu bytes does not fit %d",
			       strlen(text), ACL_PKG_VERSION_MAX_SIZE);
	} else {
		strcpy(versionStr, text);
	}
	free(text);
	return ret;
}

/*
 * std::stoi at @s: spaces, a sign, then digits, read as far as they go
 * (*@end past them); false when there are none or they do not fit int.
 */
static bool stoi_prefix(const char *s, int32_t *num, const char **end)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (e == s || errno == ERANGE || v < INT_MIN || v > INT_MAX)
		return false;
	*num = (int32_t)v;
	if (end)
		*end = e;
	return true;
}

/*
 * CANN's ParsePreNumStrict: empty is 0; else at most one '.' or '-',
 * then a number (std::stoi) that is all the rest.
 */
static bool prerelease_number(const char *s, int32_t *num)
{
	const char *end;
	size_t sep;

	if (!*s) {
		*num = 0;
		return true;
	}
	sep = strspn(s, ".-");
	if (!isdigit((unsigned char)s[sep]) || sep > 1)
		return false;
	return stoi_prefix(s + sep, num, &end) && !*end;
}

/*
 * CANN's ParsePrereleasePart: "alpha", else "beta", else "rc" anywhere in
 * the suffix (any case), at most one character before it, takes
 * 300/200/100 off; the number after it (ParsePreNumStrict) goes on.
 */
static bool prerelease_adjustment(const char *suffix, int32_t *adjust)
{
	static const struct { const char *word; int32_t weight; } pre[] = {
		{ "alpha", 300 }, { "beta", 200 }, { "rc", 100 },
	};
	char *lower = strdup(suffix), *at = NULL, *p;
	int32_t pre_num;
	size_t i;
	bool ok;

	if (!lower)
		return false;
	for (p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < ARRAY_SIZE(pre); i++) {
		at = strstr(lower, pre[i].word);
		if (at)
			break;
	}
	ok = at && at - lower <= 1 &&
	     prerelease_number(suffix + (at - lower) + strlen(pre[i].word),
			       &pre_num);
	if (ok)
		*adjust = pre_num - pre[i].weight;
	free(lower);
	return ok;
}

/*
 * CANN's ParseBaseVersion: a first '.' not at 0, a second not right after
 * it, digits right after that; each number is std::stoi of its piece,
 * leading digits (and spaces, a sign) and the rest of the piece left.
 * X*10^7 + Y*10^5 + Z*1000 in int32 arithmetic (wrapping as CANN's
 * does); *@end after the patch digits.
 */
static bool base_version(const char *text, int32_t *base, const char **end)
{
	const char *dot1 = strchr(text, '.'), *dot2, *patch;
	int32_t x, y, z;

	if (!dot1 || dot1 == text)
		return false;
	dot2 = strchr(dot1 + 1, '.');
	if (!dot2 || dot2 == dot1 + 1)
		return false;
	patch = dot2 + 1;
	if (!isdigit((unsigned char)*patch))
		return false;
	/* a piece ends at its '.', where strtol stops too */
	if (!stoi_prefix(text, &x, NULL) || !stoi_prefix(dot1 + 1, &y, NULL) ||
	    !stoi_prefix(patch, &z, end))
		return false;
	*base = (int32_t)((uint32_t)x * 10000000u + (uint32_t)y * 100000u +
			  (uint32_t)z * 1000u);
	return true;
}

/* CANN's CalculateVersionNum: 500000 when the text is not such a version. */
static aclError version_number(const char *text, int32_t *out)
{
	const char *suffix;
	int32_t base, adjust = 0;

	if (!base_version(text, &base, &suffix) ||
	    (*suffix && !prerelease_adjustment(suffix, &adjust)))
		return acl_fail(ACL_ERROR_INTERNAL_ERROR,
				"version \"%s\" is not X.Y.Z[alpha|beta|rcN]",
				text);
	*out = (int32_t)((uint32_t)base + (uint32_t)adjust);
	return ACL_SUCCESS;
}

/* CANN's aclsysGetVersionNumImpl. */
ACL_API aclError aclsysGetVersionNum(char *pkgName, int32_t *versionNum)
{
	char *text;
	aclError ret;

	if (!versionNum || !pkgName)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = version_content(pkgName, &text);
	if (ret)
		return ret;
	ret = version_number(text, versionNum);
	free(text);
	return ret;
}
