/* SPDX-License-Identifier: MIT */
/*
 * Package versions, as hicann/runtime's acl layer reads them
 * (src/acl/aclrt_impl/acl.cpp aclsysGetCANNVersionImpl,
 * aclsysGetVersionStrImpl, aclsysGetVersionNumImpl): the "Version=" line
 * of $ASCEND_HOME_PATH/share/info/<package>/version.info, the driver's
 * under the Driver_Install_Path_Param of /etc/ascend_install.info.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define INSTALL_INFO "/etc/ascend_install.info"

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

/* The rest of the first line of @path holding @key, trimmed of spaces. */
static bool read_key(const char *path, const char *key, char *out,
		     size_t len)
{
	char line[PATH_MAX + 64];
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, key), *end;

		if (!p)
			continue;
		p += strlen(key);
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		found = *p && strlen(p) < len;
		if (found)
			strcpy(out, p);
		break;
	}
	fclose(f);
	return found;
}

static bool driver_dir(char *out, size_t len)
{
	return read_key(INSTALL_INFO, "Driver_Install_Path_Param=", out, len);
}

/* The Version= of @dir/@name/version.info; a path too long is none. */
static bool version_in(const char *dir, const char *name, char *out,
		       size_t len)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s/version.info", dir, name);

	return n > 0 && (size_t)n < sizeof(path) &&
	       read_key(path, "Version=", out, len);
}

/*
 * GetPkgVersionContent's other name for a package: each '-' as '_', or
 * without a '-' each '_' as '-'; false when there is none (or it would
 * not fit a path).
 */
static bool other_name(const char *name, char *alt, size_t len)
{
	char from = strchr(name, '-') ? '-' : '_';
	size_t i;

	if (!strchr(name, from) || strlen(name) >= len)
		return false;
	for (i = 0; name[i]; i++)
		alt[i] = name[i] != from ? name[i] : from == '-' ? '_' : '-';
	alt[i] = '\0';
	return true;
}

/* @name's version.info under @dir, or under its other_name(). */
static aclError version_of(const char *dir, const char *name, char *out,
			   size_t len)
{
	char alt[PATH_MAX];

	if (version_in(dir, name, out, len))
		return ACL_SUCCESS;
	if (other_name(name, alt, sizeof(alt)) &&
	    version_in(dir, alt, out, len))
		return ACL_SUCCESS;
	return acl_fail(ACL_ERROR_INVALID_FILE,
			"no Version= in %s/%s/version.info", dir, name);
}

static aclError home_info_dir(char *out, size_t len)
{
	const char *home = getenv("ASCEND_HOME_PATH");
	char real[PATH_MAX];

	if (!home || !realpath(home, real))
		return acl_fail(ACL_ERROR_INVALID_FILE,
				"ASCEND_HOME_PATH is not set or does not exist");
	if ((size_t)snprintf(out, len, "%s/share/info", real) >= len)
		return acl_fail(ACL_ERROR_INVALID_FILE,
				"ASCEND_HOME_PATH is too long");
	return ACL_SUCCESS;
}

/* CANN's FillinPackageVersion: "8.5.0-beta.1" is 8.5.0.beta1. */
static bool fill_version(const char *text, aclCANNPackageVersion *v)
{
	const char *parts[4] = { "0", "0", "0", "0" };
	char flat[ACL_PKG_VERSION_MAX_SIZE];
	char *dash, *save, *tok;
	char *fields[4];
	int n = 0, i;

	memset(v, 0, sizeof(*v));
	snprintf(flat, sizeof(flat), "%s", text);
	dash = strchr(flat, '-');
	if (dash) {
		char *src = dash + 1, *dst = dash + 1;

		*dash = '.';
		for (; *src; src++)
			if (*src != '.')
				*dst++ = *src;
		*dst = '\0';
	}
	snprintf(v->version, sizeof(v->version), "%s", flat);
	for (tok = strtok_r(flat, ".", &save); tok && n < 4;
	     tok = strtok_r(NULL, ".", &save))
		parts[n++] = tok;
	if (n < 2)
		return false;
	fields[0] = v->majorVersion;
	fields[1] = v->minorVersion;
	fields[2] = v->releaseVersion;
	fields[3] = v->patchVersion;
	for (i = 0; i < 4; i++)
		snprintf(fields[i], ACL_PKG_VERSION_PARTS_MAX_SIZE, "%s",
			 parts[i]);
	return true;
}

ACL_API aclError aclsysGetCANNVersion(aclCANNPackageName name,
				      aclCANNPackageVersion *version)
{
	char dir[PATH_MAX], text[ACL_PKG_VERSION_MAX_SIZE];
	aclError ret;

	if (!version)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "version is NULL");
	if ((unsigned int)name >= ARRAY_SIZE(package_dirs))
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"package name %d is not a package", name);
	if (name == ACL_PKG_NAME_DRIVER) {
		if (!driver_dir(dir, sizeof(dir)))
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"no driver path in " INSTALL_INFO);
	} else {
		ret = home_info_dir(dir, sizeof(dir));
		if (ret)
			return ret;
	}
	ret = version_of(dir, package_dirs[name], text, sizeof(text));
	if (ret)
		return ret;
	if (!fill_version(text, version))
		return acl_fail(ACL_ERROR_INVALID_FILE,
				"version \"%s\" has fewer than 2 parts", text);
	return ACL_SUCCESS;
}

/* CANN's GetVersionByPkgName, GetPkgVersionContent. */
static aclError package_version(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	aclError ret;

	if (!strcmp(name, "driver") || !strcmp(name, "firmware")) {
		const char *key = name[0] == 'd' ?
			"Driver_Install_Path_Param=" :
			"Firmware_Install_Path_Param=";

		if (!read_key(INSTALL_INFO, key, dir, sizeof(dir)))
			return acl_fail(ACL_ERROR_INVALID_FILE,
					"no %s in " INSTALL_INFO, key);
		return version_of(dir, name, out, len);
	}
	ret = home_info_dir(dir, sizeof(dir));
	if (ret)
		return ret;
	return version_of(dir, name, out, len);
}

/* versionStr holds ACL_PKG_VERSION_MAX_SIZE bytes, as CANN's strcpy_s takes. */
ACL_API aclError aclsysGetVersionStr(char *pkgName, char *versionStr)
{
	if (!versionStr || !pkgName)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return package_version(pkgName, versionStr, ACL_PKG_VERSION_MAX_SIZE);
}

/* CANN's ParsePreNumStrict: at most one '.' or '-', then digits only. */
static bool prerelease_number(const char *s, int32_t *num)
{
	char *end;
	long v;

	if (!*s) {
		*num = 0;
		return true;
	}
	if (*s == '.' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (*end || v > INT32_MAX)
		return false;
	*num = (int32_t)v;
	return true;
}

/*
 * CANN's CalculateVersionNum: X.Y.Z is X*10^7 + Y*10^5 + Z*1000; a
 * suffix alpha/beta/rc N takes 300/200/100 off and adds N. 500000 when
 * the text is not such a version.
 */
static aclError version_number(const char *text, int32_t *out)
{
	static const struct { const char *word; int32_t weight; } pre[] = {
		{ "alpha", 300 }, { "beta", 200 }, { "rc", 100 },
	};
	long major, minor, patch;
	const char *p = text, *suffix;
	char lower[ACL_PKG_VERSION_MAX_SIZE];
	char *end, *at = NULL;
	int32_t num, pre_num, weight = 0;
	size_t i, wlen = 0;

	major = strtol(p, &end, 10);
	if (end == p || *end != '.')
		goto bad;
	p = end + 1;
	minor = strtol(p, &end, 10);
	if (end == p || *end != '.')
		goto bad;
	p = end + 1;
	if (!isdigit((unsigned char)*p))
		goto bad;
	patch = strtol(p, &end, 10);
	suffix = end;
	num = (int32_t)(major * 10000000 + minor * 100000 + patch * 1000);
	if (!*suffix) {
		*out = num;
		return ACL_SUCCESS;
	}
	for (i = 0; suffix[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)suffix[i]);
	lower[i] = '\0';
	for (i = 0; i < ARRAY_SIZE(pre) && !at; i++) {
		at = strstr(lower, pre[i].word);
		weight = pre[i].weight;
		wlen = strlen(pre[i].word);
	}
	if (!at || at - lower > 1)
		goto bad;
	if (!prerelease_number(suffix + (at - lower) + wlen, &pre_num))
		goto bad;
	*out = num - weight + pre_num;
	return ACL_SUCCESS;
bad:
	return acl_fail(ACL_ERROR_INTERNAL_ERROR,
			"version \"%s\" is not X.Y.Z[alpha|beta|rcN]", text);
}

ACL_API aclError aclsysGetVersionNum(char *pkgName, int32_t *versionNum)
{
	char text[ACL_PKG_VERSION_MAX_SIZE];
	aclError ret;

	if (!versionNum || !pkgName)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = package_version(pkgName, text, sizeof(text));
	if (ret)
		return ret;
	return version_number(text, versionNum);
}
