// SPDX-License-Identifier: MIT
/*
 * Description: package versions (lib/version.c): aclsysGetVersionStr,
 * aclsysGetVersionNum and the deprecated aclsysGetCANNVersion, against
 * hicann/runtime src/acl/aclrt_impl/acl.cpp (the function named in each
 * comment). The packages are version.info files of a CANN tree made under
 * a temporary ASCEND_HOME_PATH; the driver's and the firmware's are under
 * the directories /etc/ascend_install.info names, which the tests write
 * only in the test guest (scripts/init.sh) and only when there is none.
 *
 * aclsysGetVersionStr (aclsysGetVersionStrImpl, GetPkgVersionContent,
 * GetVersionByPkgName, GetVersionStringInternal): the first Version= of
 * <real ASCEND_HOME_PATH>/share/info/<name>/version.info, trimmed; the
 * name with '-' as '_' (or, without a '-', '_' as '-') when that file is
 * missing. NULL 100000; no ASCEND_HOME_PATH, no such directory, no file,
 * no Version= or an empty one 100003.
 *
 * aclsysGetVersionNum (aclsysGetVersionNumImpl, CalculateVersionNum,
 * ParseBaseVersion, ParsePrereleasePart, ParsePreNumStrict): X.Y.Z is
 * X*10^7 + Y*10^5 + Z*1000; a suffix alpha/beta/rc (any case, at most one
 * character before it) takes 300/200/100 off and adds its number (at most
 * one '.' or '-' before it, digits only). The same lookup and errors as
 * aclsysGetVersionStr; a text that is not such a version 500000.
 *
 * aclsysGetCANNVersion (aclsysGetCANNVersionImpl, GetCANNVersionInternal,
 * ParseVersionInfo, FillinPackageVersion, ConvertVersion, GetDriverPath):
 * the package of each aclCANNPackageName (kMapToPkgName), its Version=
 * with "-a.b" as ".ab", split at '.' into four parts (missing ones "0").
 * NULL or a name not in the enum 100000; no ASCEND_HOME_PATH, no file, no
 * Version=, fewer than two parts 100003.
 *
 * The last tests hold CANN's answers that lib/version.c does not give yet:
 * a version too long for versionStr (500000), or for the 128 bytes of
 * aclCANNPackageVersion.version (cut), an empty part (100003), the
 * alternative of a name with both '-' and '_', the alternative only when
 * the file is missing, std::stoi's leading digits, a second driver key
 * after an empty one.
 */
#include "acl_test_utils.h"

#include <ftw.h>
#include <limits.h>

#define INSTALL_INFO	"/etc/ascend_install.info"

FIXTURE(version) {
	char home[32];
	bool wrote_install_info;
};

FIXTURE_SETUP(version)
{
	strcpy(self->home, "/tmp/acl_version_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->home));
	ASSERT_EQ(0, setenv("ASCEND_HOME_PATH", self->home, 1));
	self->wrote_install_info = false;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

FIXTURE_TEARDOWN(version)
{
	if (self->wrote_install_info)
		EXPECT_EQ(0, unlink(INSTALL_INFO));
	EXPECT_EQ(0, nftw(self->home, rm_one, 16, FTW_DEPTH | FTW_PHYS));
	unsetenv("ASCEND_HOME_PATH");
}

/* Writes @content to @dir/@name/version.info, making the directories. */
static int write_info(const char *dir, const char *name, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s/version.info", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(content, f);
	return fclose(f) ? -errno : 0;
}

/* The package @pkg's version.info in the fixture's CANN tree (ASSERTs). */
#define PKG(pkg, content) do {						\
	char __info[PATH_MAX];						\
	snprintf(__info, sizeof(__info), "%s/share", self->home);	\
	mkdir(__info, 0755);						\
	snprintf(__info, sizeof(__info), "%s/share/info", self->home);	\
	mkdir(__info, 0755);						\
	ASSERT_EQ(0, write_info(__info, pkg, content));			\
} while (0)

/* A version.info holding "Version=@version\n" (ASSERTs). */
#define PKG_VERSION(pkg, version) PKG(pkg, "Version=" version "\n")

/* Whether this is the test guest of scripts/qemu-test.sh. */
static bool in_test_guest(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "aclmemtest.") != NULL;
}

/*
 * Writes /etc/ascend_install.info with @content; SKIPs where the file is
 * there already or this is not the test guest.
 */
#define INSTALL_INFO_WRITE(content) do {				\
	FILE *__f;							\
	if (!in_test_guest())						\
		SKIP(return, "not the test guest: " INSTALL_INFO " stays"); \
	if (!self->wrote_install_info && !access(INSTALL_INFO, F_OK))	\
		SKIP(return, INSTALL_INFO " exists (a CANN install)");	\
	mkdir("/etc", 0755);						\
	__f = fopen(INSTALL_INFO, "w");					\
	ASSERT_NE(NULL, __f);						\
	self->wrote_install_info = true;				\
	fputs(content, __f);						\
	ASSERT_EQ(0, fclose(__f));					\
} while (0)

/* aclsysGetVersionStr of @name, which must succeed, is @want. */
#define EXPECT_VERSION_STR(want, name) do {				\
	char __n[] = name, __s[ACL_PKG_VERSION_MAX_SIZE];		\
	memset(__s, 0x55, sizeof(__s));					\
	ASSERT_EQ(ACL_SUCCESS, aclsysGetVersionStr(__n, __s));		\
	EXPECT_STREQ(want, __s);					\
} while (0)

/* aclsysGetVersionNum of @name, which must succeed, is @want. */
#define EXPECT_VERSION_NUM(want, name) do {				\
	char __n[] = name;						\
	int32_t __v = -1;						\
	ASSERT_EQ(ACL_SUCCESS, aclsysGetVersionNum(__n, &__v));		\
	EXPECT_EQ((int32_t)(want), __v);				\
} while (0)

/* Both calls on @name answer @code. */
#define EXPECT_STR_NUM_FAIL(code, name) do {				\
	char __n[] = name, __s[ACL_PKG_VERSION_MAX_SIZE];		\
	int32_t __v = -1;						\
	EXPECT_EQ(code, aclsysGetVersionStr(__n, __s));			\
	EXPECT_EQ(code, aclsysGetVersionNum(__n, &__v));		\
	EXPECT_EQ(-1, __v);						\
} while (0)

/* aclsysGetVersionNum of a package holding "Version=@text" is @want. */
#define EXPECT_NUM_OF(want, text) do {					\
	PKG_VERSION("num", text);					\
	EXPECT_VERSION_NUM(want, "num");				\
} while (0)

/* ... answers @code (and leaves the number alone). */
#define EXPECT_NUM_FAIL(code, text) do {				\
	char __n[] = "num";						\
	int32_t __v = -1;						\
	PKG_VERSION("num", text);					\
	EXPECT_EQ(code, aclsysGetVersionNum(__n, &__v)) {		\
		TH_LOG("\"%s\": %d", text, __v);			\
	}								\
	EXPECT_EQ(-1, __v);						\
} while (0)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* aclsysGetCANNVersion of @name, which must succeed, in *@v. */
static aclError cann_version(aclCANNPackageName name, aclCANNPackageVersion *v)
{
	return aclsysGetCANNVersion(name, v);
}
#pragma GCC diagnostic pop

#define EXPECT_PARTS(v, ver, maj, min, rel, pat) do {			\
	EXPECT_STREQ(ver, (v)->version);				\
	EXPECT_STREQ(maj, (v)->majorVersion);				\
	EXPECT_STREQ(min, (v)->minorVersion);				\
	EXPECT_STREQ(rel, (v)->releaseVersion);				\
	EXPECT_STREQ(pat, (v)->patchVersion);				\
} while (0)

/* aclsysGetCANNVersion of the HCCL package holding "Version=@text". */
#define EXPECT_CANN_OF(text, ver, maj, min, rel, pat) do {		\
	aclCANNPackageVersion __v;					\
	PKG_VERSION("hccl", text);					\
	memset(&__v, 0x55, sizeof(__v));				\
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_HCCL, &__v)) {	\
		TH_LOG("\"%s\"", text);					\
	}								\
	EXPECT_PARTS(&__v, ver, maj, min, rel, pat);			\
} while (0)

#define EXPECT_CANN_FAIL(code, text) do {				\
	aclCANNPackageVersion __v;					\
	PKG_VERSION("hccl", text);					\
	EXPECT_EQ(code, cann_version(ACL_PKG_NAME_HCCL, &__v)) {	\
		TH_LOG("\"%s\"", text);					\
	}								\
} while (0)

/* ---- aclsysGetVersionStr ------------------------------------------------ */

TEST_F(version, str_value)
{
	/* GetVersionStringInternal: the first line holding Version= */
	PKG("runtime", "Name=runtime\nVersion=8.5.0\nVersion=9.9.9\n");
	EXPECT_VERSION_STR("8.5.0", "runtime");
	/* the text as it is: no ConvertVersion here */
	PKG_VERSION("hccl", "8.5.0-beta.1");
	EXPECT_VERSION_STR("8.5.0-beta.1", "hccl");
	/* StringUtils::Trim: spaces, tabs, CR around it go */
	PKG("crlf", "Version= \t8.2.RC1 \r\n");
	EXPECT_VERSION_STR("8.2.RC1", "crlf");
	/* the key anywhere in the line (line.find) */
	PKG("inner", "Inner_Version=1.2.3\n");
	EXPECT_VERSION_STR("1.2.3", "inner");
	/* no newline at the end */
	PKG("bare", "Version=7.0.0");
	EXPECT_VERSION_STR("7.0.0", "bare");
}

/* 127 bytes fit versionStr. */
TEST_F(version, str_length)
{
	char text[160], content[200], name[] = "long";
	char s[ACL_PKG_VERSION_MAX_SIZE];

	memset(text, '1', sizeof(text));
	text[ACL_PKG_VERSION_MAX_SIZE - 1] = '\0';
	snprintf(content, sizeof(content), "Version=%s\n", text);
	PKG("long", content);
	ASSERT_EQ(ACL_SUCCESS, aclsysGetVersionStr(name, s));
	EXPECT_STREQ(text, s);
}

/* GetPkgVersionContent: the name as given first, then its alternative. */
TEST_F(version, str_alternative_name)
{
	PKG_VERSION("ops_legacy", "9.0.1");
	PKG_VERSION("oam-tools", "1.2.3");
	PKG_VERSION("both-ways", "1.0.0");
	PKG_VERSION("both_ways", "2.0.0");
	/* '-' as '_' */
	EXPECT_VERSION_STR("9.0.1", "ops-legacy");
	EXPECT_VERSION_STR("9.0.1", "ops_legacy");
	/* no '-': '_' as '-' */
	EXPECT_VERSION_STR("1.2.3", "oam_tools");
	/* the name itself wins */
	EXPECT_VERSION_STR("1.0.0", "both-ways");
	EXPECT_VERSION_STR("2.0.0", "both_ways");
	/* no alternative of a name without either */
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "opslegacy");
}

/* GetVersionByPkgName: the real path of ASCEND_HOME_PATH. */
TEST_F(version, str_home_path)
{
	char link[64], rel[PATH_MAX], cwd[PATH_MAX];

	PKG_VERSION("runtime", "8.5.0");
	snprintf(link, sizeof(link), "%s.link", self->home);
	ASSERT_EQ(0, symlink(self->home, link));
	ASSERT_EQ(0, setenv("ASCEND_HOME_PATH", link, 1));
	EXPECT_VERSION_STR("8.5.0", "runtime");
	EXPECT_EQ(0, unlink(link));
	/* relative to the working directory */
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(0, chdir("/tmp"));
	snprintf(rel, sizeof(rel), "./%s", self->home + strlen("/tmp/"));
	ASSERT_EQ(0, setenv("ASCEND_HOME_PATH", rel, 1));
	EXPECT_VERSION_STR("8.5.0", "runtime");
	EXPECT_VERSION_NUM(80500000, "runtime");
	ASSERT_EQ(0, chdir(cwd));
}

TEST_F(version, str_num_errors)
{
	char runtime[] = "runtime", s[ACL_PKG_VERSION_MAX_SIZE];
	int32_t v = -1;

	PKG_VERSION("runtime", "8.5.0");
	/* ACL_REQUIRES_NOT_NULL_WITH_INPUT_REPORT: 100000 */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionStr(NULL, s));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionStr(runtime, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionStr(NULL, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionNum(NULL, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionNum(runtime, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionNum(NULL, NULL));
	EXPECT_EQ(-1, v);
	/* GetVersionStringInternal: no file 100003 */
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "nonexistent");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "");
	/* no Version=, an empty one (the first wins): 100003 */
	PKG("nokey", "Name=nokey\nversion=1.0.0\n");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "nokey");
	PKG("empty", "Version=\nVersion=1.0.0\n");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "empty");
	PKG("nothing", "");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "nothing");
	/* GetVersionByPkgName: no such ASCEND_HOME_PATH, none: 100003 */
	ASSERT_EQ(0, setenv("ASCEND_HOME_PATH", "/nonexistent/ascend", 1));
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "runtime");
	ASSERT_EQ(0, unsetenv("ASCEND_HOME_PATH"));
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "runtime");
	/* the NULL checks come first */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, aclsysGetVersionStr(runtime, NULL));
}

/* ---- aclsysGetVersionNum ------------------------------------------------- */

/* CalculateVersionNum, ParseBaseVersion: X*10^7 + Y*10^5 + Z*1000. */
TEST_F(version, num_base)
{
	EXPECT_NUM_OF(80500000, "8.5.0");
	EXPECT_NUM_OF(10203000, "1.2.3");
	EXPECT_NUM_OF(102300000, "10.20.300");
	EXPECT_NUM_OF(0, "0.0.0");
	/* leading zeros are decimal */
	EXPECT_NUM_OF(80801000, "08.08.001");
}

/* ParsePrereleasePart, ParsePreNumStrict: the weight off, the number on. */
TEST_F(version, num_prerelease)
{
	EXPECT_NUM_OF(80500000 - 200 + 1, "8.5.0-beta.1");
	EXPECT_NUM_OF(80500000 - 200, "8.5.0-beta");
	EXPECT_NUM_OF(90001000 - 100 + 2, "9.0.1.rc2");
	EXPECT_NUM_OF(10203000 - 300, "1.2.3alpha");
	EXPECT_NUM_OF(10203000 - 100, "1.2.3rc");
	EXPECT_NUM_OF(10203000 - 300 + 12, "1.2.3alpha12");
	EXPECT_NUM_OF(10203000 - 300 + 3, "1.2.3_alpha-3");
	/* any case; "001" is 1 */
	EXPECT_NUM_OF(80500000 - 100 + 1, "8.5.0RC001");
	EXPECT_NUM_OF(80500000 - 200 + 4, "8.5.0-Beta.4");
}

TEST_F(version, num_not_a_version)
{
	/* ParseBaseVersion: no major, minor or patch number: 500000 */
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "1.2");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, ".5.0");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8..0");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.0.RC1");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "a.b.c");
	/* ParsePrereleasePart: an unknown suffix, two characters before it */
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-gamma1");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0.1");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0--beta1");
	/* ParsePreNumStrict: two separators, no digits, more after them */
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta..1");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta.");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta-a");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta1x");
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta1.2");
	/* alpha is looked for first: "rc" is what follows it */
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0.alpharc");
	/* std::stoi out of range */
	EXPECT_NUM_FAIL(ACL_ERROR_INTERNAL_ERROR, "8.5.0-beta99999999999");
}

/* ---- aclsysGetCANNVersion ------------------------------------------------ */

/* kMapToPkgName: the directory of each package name. */
TEST_F(version, cann_packages)
{
	static const struct {
		aclCANNPackageName name;
		const char *dir, *version;
	} pkgs[] = {
		{ ACL_PKG_NAME_CANN, "runtime", "8.5.0" },
		{ ACL_PKG_NAME_RUNTIME, "runtime", "8.5.0" },
		{ ACL_PKG_NAME_COMPILER, "bisheng-compiler", "1.1.0" },
		{ ACL_PKG_NAME_HCCL, "hccl", "2.2.0" },
		{ ACL_PKG_NAME_TOOLKIT, "oam-tools", "3.3.0" },
		{ ACL_PKG_NAME_OPP, "ops-legacy", "4.4.0" },
		{ ACL_PKG_NAME_OPP_KERNEL, "ops-legacy", "4.4.0" },
	};
	aclCANNPackageVersion v;
	char content[64];
	size_t i;

	for (i = 0; i < ACL_ARRAY_SIZE(pkgs); i++) {
		snprintf(content, sizeof(content), "Version=%s\n",
			 pkgs[i].version);
		PKG(pkgs[i].dir, content);
	}
	for (i = 0; i < ACL_ARRAY_SIZE(pkgs); i++) {
		memset(&v, 0x55, sizeof(v));
		ASSERT_EQ(ACL_SUCCESS, cann_version(pkgs[i].name, &v)) {
			TH_LOG("package %d", pkgs[i].name);
		}
		EXPECT_STREQ(pkgs[i].version, v.version);
		/* memset_s of the whole struct first */
		EXPECT_EQ(0, v.reserved[0]);
		EXPECT_EQ(0, v.reserved[ACL_PKG_VERSION_MAX_SIZE - 1]);
	}
}

/* GetCANNVersionInternal: "bisheng-compiler" also as "bisheng_compiler". */
TEST_F(version, cann_alternative_name)
{
	aclCANNPackageVersion v;

	PKG_VERSION("bisheng_compiler", "8.1");
	PKG_VERSION("ops_legacy", "8.2");
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_COMPILER, &v));
	EXPECT_PARTS(&v, "8.1", "8", "1", "0", "0");
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_OPP_KERNEL, &v));
	EXPECT_PARTS(&v, "8.2", "8", "2", "0", "0");
	/* the name itself first */
	PKG_VERSION("bisheng-compiler", "9.1");
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_COMPILER, &v));
	EXPECT_STREQ("9.1", v.version);
}

/* FillinPackageVersion, ConvertVersion: the parts of the text. */
TEST_F(version, cann_parts)
{
	EXPECT_CANN_OF("8.5.0", "8.5.0", "8", "5", "0", "0");
	EXPECT_CANN_OF("8.5.0-beta.1", "8.5.0.beta1", "8", "5", "0", "beta1");
	EXPECT_CANN_OF("8.0.RC1", "8.0.RC1", "8", "0", "RC1", "0");
	EXPECT_CANN_OF("8.1", "8.1", "8", "1", "0", "0");
	/* past four parts: the version whole, the first four parts */
	EXPECT_CANN_OF("1.2.3.4.5", "1.2.3.4.5", "1", "2", "3", "4");
	/* every '.' after the first '-' goes; a second '-' stays */
	EXPECT_CANN_OF("7.0-a.b.c", "7.0.abc", "7", "0", "abc", "0");
	EXPECT_CANN_OF("7.0.0-rc.1-2", "7.0.0.rc1-2", "7", "0", "0", "rc1-2");
	/* not a number is fine here */
	EXPECT_CANN_OF("x.y", "x.y", "x", "y", "0", "0");
}

/* A part longer than its 64 bytes is cut to 63. */
TEST_F(version, cann_long_part)
{
	char part[80], text[100], content[120];
	aclCANNPackageVersion v;

	memset(part, 'a', sizeof(part));
	part[70] = '\0';
	snprintf(text, sizeof(text), "1.%s", part);
	snprintf(content, sizeof(content), "Version=%s\n", text);
	PKG("hccl", content);
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_HCCL, &v));
	EXPECT_STREQ(text, v.version);
	EXPECT_STREQ("1", v.majorVersion);
	part[ACL_PKG_VERSION_PARTS_MAX_SIZE - 1] = '\0';
	EXPECT_STREQ(part, v.minorVersion);
}

TEST_F(version, cann_errors)
{
	aclCANNPackageVersion v;

	PKG_VERSION("runtime", "8.5.0");
	/* ACL_REQUIRES_NOT_NULL_WITH_INPUT_REPORT, the switch's default */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, cann_version(ACL_PKG_NAME_CANN, NULL));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, cann_version((aclCANNPackageName)8, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, cann_version((aclCANNPackageName)-1, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, cann_version((aclCANNPackageName)8, NULL));
	/* GetCANNVersionInternal: no file, under either name: 100003 */
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_HCCL, &v));
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_TOOLKIT, &v));
	/* ParseVersionInfo: no Version=, an empty one (the first wins) */
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, "");
	PKG("hccl", "Name=hccl\n");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_HCCL, &v));
	PKG("hccl", "Version=\nVersion=8.5.0\n");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_HCCL, &v));
	/* FillinPackageVersion: fewer than two parts */
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, "8");
	/* no ASCEND_HOME_PATH, one that does not exist: 100003 */
	ASSERT_EQ(0, setenv("ASCEND_HOME_PATH", "/nonexistent/ascend", 1));
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_CANN, &v));
	ASSERT_EQ(0, unsetenv("ASCEND_HOME_PATH"));
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_RUNTIME, &v));
	/* the name is checked before the environment */
	EXPECT_EQ(ACL_ERROR_INVALID_PARAM, cann_version((aclCANNPackageName)8, &v));
}

/* ---- the driver and the firmware ----------------------------------------- */

TEST_F(version, driver_firmware)
{
	char info[sizeof(self->home) + 64], content[3 * PATH_MAX];
	char firmware[] = "firmware";
	aclCANNPackageVersion v;
	int32_t num = -1;

	snprintf(info, sizeof(info), "%s/drv", self->home);
	ASSERT_EQ(0, mkdir(info, 0755));
	ASSERT_EQ(0, write_info(info, "driver", "Version=25.0.1-rc1\n"));
	ASSERT_EQ(0, write_info(info, "firmware", "Version=7.7.0.2\n"));
	snprintf(content, sizeof(content),
		 "UserName=HwHiAiUser\nDriver_Install_Path_Param=%s\n"
		 "Firmware_Install_Path_Param=%s\n", info, info);
	INSTALL_INFO_WRITE(content);
	/* GetVersionByPkgName: the package under its install path */
	EXPECT_VERSION_STR("25.0.1-rc1", "driver");
	EXPECT_VERSION_NUM(250001000 - 100 + 1, "driver");
	EXPECT_VERSION_STR("7.7.0.2", "firmware");
	/* CalculateVersionNum: ".2" is no prerelease */
	EXPECT_EQ(ACL_ERROR_INTERNAL_ERROR, aclsysGetVersionNum(firmware, &num));
	/* aclsysGetCANNVersionImpl: the driver only; no ASCEND_HOME_PATH needed */
	ASSERT_EQ(0, unsetenv("ASCEND_HOME_PATH"));
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_DRIVER, &v));
	EXPECT_PARTS(&v, "25.0.1.rc1", "25", "0", "1", "rc1");
	EXPECT_VERSION_STR("25.0.1-rc1", "driver");
}

TEST_F(version, driver_firmware_errors)
{
	char info[sizeof(self->home) + 64], content[2 * PATH_MAX];
	aclCANNPackageVersion v;

	/* GetPkgPath, GetDriverPath: no install info: 100003 */
	if (access(INSTALL_INFO, F_OK) == 0)
		SKIP(return, INSTALL_INFO " exists (a CANN install)");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "driver");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "firmware");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_DRIVER, &v));
	/* no such key: 100003 */
	INSTALL_INFO_WRITE("UserName=HwHiAiUser\n");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "driver");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "firmware");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_DRIVER, &v));
	/* a path without the package: 100003 */
	snprintf(info, sizeof(info), "%s/drv", self->home);
	ASSERT_EQ(0, mkdir(info, 0755));
	snprintf(content, sizeof(content),
		 "Driver_Install_Path_Param=%s\nFirmware_Install_Path_Param=%s\n",
		 info, info);
	INSTALL_INFO_WRITE(content);
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "driver");
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "firmware");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_DRIVER, &v));
	/* the driver's path is not the firmware's */
	ASSERT_EQ(0, write_info(info, "firmware", "Version=7.7.0\n"));
	snprintf(content, sizeof(content), "Firmware_Install_Path_Param=%s\n",
		 info);
	INSTALL_INFO_WRITE(content);
	EXPECT_STR_NUM_FAIL(ACL_ERROR_INVALID_FILE, "driver");
	EXPECT_VERSION_NUM(70700000, "firmware");
}

/* ---- CANN's answers that lib/version.c does not give yet ------------------ */

/*
 * aclsysGetVersionStrImpl: a version of 128 bytes or more is read whole,
 * then strcpy_s into the 128 of versionStr fails: 500000.
 */
TEST_F(version, str_too_long)
{
	char text[160], content[200], name[] = "long";
	char s[ACL_PKG_VERSION_MAX_SIZE];

	memset(text, '1', sizeof(text));
	text[ACL_PKG_VERSION_MAX_SIZE] = '\0';
	snprintf(content, sizeof(content), "Version=%s\n", text);
	PKG("long", content);
	EXPECT_EQ(ACL_ERROR_INTERNAL_ERROR, aclsysGetVersionStr(name, s));
}

/*
 * GetPkgVersionContent: a name with a '-' has every '-' as '_' for its
 * alternative, and its '_' stay.
 */
TEST_F(version, str_alternative_dash_and_underscore)
{
	PKG_VERSION("x_y_z", "3.0.0");
	EXPECT_VERSION_STR("3.0.0", "x-y_z");
}

/*
 * ParseBaseVersion: std::stoi of each number takes its leading digits and
 * leaves the rest of the part.
 */
TEST_F(version, num_part_prefix)
{
	EXPECT_NUM_OF(80500000, "8a.5.0");
	EXPECT_NUM_OF(80501000, "8.5b.1");
}

/*
 * GetCANNVersionInternal: the alternative name only when the file of the
 * name is not there; one without a version is the answer (100003).
 */
TEST_F(version, cann_alternative_only_when_missing)
{
	aclCANNPackageVersion v;

	PKG("bisheng-compiler", "Name=bisheng-compiler\n");
	PKG_VERSION("bisheng_compiler", "8.1");
	EXPECT_EQ(ACL_ERROR_INVALID_FILE, cann_version(ACL_PKG_NAME_COMPILER, &v));
	/* aclsysGetVersionStr does try it (GetPkgVersionContent) */
	EXPECT_VERSION_STR("8.1", "bisheng-compiler");
}

/* A version of 128 bytes or more is cut to 127 (copy, not strcpy_s). */
TEST_F(version, cann_long_version)
{
	char text[200], content[220];
	aclCANNPackageVersion v;

	memset(text, '9', sizeof(text));
	text[0] = '1';
	text[1] = '.';
	text[150] = '\0';
	snprintf(content, sizeof(content), "Version=%s\n", text);
	PKG("hccl", content);
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_HCCL, &v));
	text[ACL_PKG_VERSION_MAX_SIZE - 1] = '\0';
	EXPECT_STREQ(text, v.version);
	EXPECT_STREQ("1", v.majorVersion);
	EXPECT_EQ(ACL_PKG_VERSION_PARTS_MAX_SIZE - 1, (int)strlen(v.minorVersion));
}

/*
 * FillinPackageVersion: a part that is empty (std::string::copy of
 * nothing is 0) fails the whole: 100003.
 */
TEST_F(version, cann_empty_part)
{
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, "8..0");
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, ".8.5");
	/* StringUtils::Split: a '.' at the end makes an empty last part */
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, "8.5.");
	/* ConvertVersion: "8.5.0-" is "8.5.0." */
	EXPECT_CANN_FAIL(ACL_ERROR_INVALID_FILE, "8.5.0-");
}

/*
 * GetPkgPath, GetDriverPath: a key with nothing after it is passed over
 * for the next line with the key.
 */
TEST_F(version, driver_path_empty_first)
{
	char info[sizeof(self->home) + 64], content[2 * PATH_MAX];
	aclCANNPackageVersion v;

	snprintf(info, sizeof(info), "%s/drv", self->home);
	ASSERT_EQ(0, mkdir(info, 0755));
	ASSERT_EQ(0, write_info(info, "driver", "Version=25.1.0\n"));
	snprintf(content, sizeof(content),
		 "Driver_Install_Path_Param=\nDriver_Install_Path_Param=%s\n",
		 info);
	INSTALL_INFO_WRITE(content);
	EXPECT_VERSION_STR("25.1.0", "driver");
	ASSERT_EQ(ACL_SUCCESS, cann_version(ACL_PKG_NAME_DRIVER, &v));
	EXPECT_STREQ("25.1.0", v.version);
}

TEST_HARNESS_MAIN
