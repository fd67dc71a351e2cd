// SPDX-License-Identifier: MIT
/*
 * Description: helpers of the libascendcl sharing tests: see acl_share_utils.h.
 */
#define ACL_TEST_UTILS_NO_HARNESS
#include "acl_share_utils.h"

pid_t acl_kids[ACL_MAX_KIDS];
mode_t acl_dev_mode_saved;

pid_t acl_fork(unsigned long flags)
{
	pid_t pid;
	int i;

	fflush(NULL);
	if (flags)
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL,
				     NULL, 0);
	else
		pid = fork();
	if (pid > 0) {
		for (i = 0; i < ACL_MAX_KIDS; i++) {
			if (!acl_kids[i]) {
				acl_kids[i] = pid;
				break;
			}
		}
	} else if (pid == 0) {
		memset(acl_kids, 0, sizeof(acl_kids));
	}
	return pid;
}

int acl_reap(pid_t pid)
{
	int status, i;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	for (i = 0; i < ACL_MAX_KIDS; i++)
		if (acl_kids[i] == pid)
			acl_kids[i] = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

void acl_kill_kids(void)
{
	int i;

	for (i = 0; i < ACL_MAX_KIDS; i++) {
		if (acl_kids[i]) {
			kill(acl_kids[i], SIGKILL);
			waitpid(acl_kids[i], NULL, 0);
			acl_kids[i] = 0;
		}
	}
}

pid_t acl_spawn_self(uid_t uid, const char *const *args)
{
	char exe[PATH_MAX];
	pid_t pid;
	int rc = test_self_exe(exe, sizeof(exe));

	if (rc)
		return rc;
	pid = acl_fork(0);
	if (pid < 0)
		return -errno;
	if (pid == 0)
		test_exec_self(exe, uid, args);
	return pid;
}

int acl_dev_open_to_all(void)
{
	struct stat st;

	if (stat("/dev/aclmem", &st))
		return -errno;
	if (!acl_dev_mode_saved)
		acl_dev_mode_saved = st.st_mode & 07777;
	return chmod("/dev/aclmem", 0666) ? -errno : 0;
}

int acl_dev_restore(void)
{
	mode_t mode = acl_dev_mode_saved;

	if (!mode)
		return 0;
	acl_dev_mode_saved = 0;
	return chmod("/dev/aclmem", mode) ? -errno : 0;
}

void *acl_ptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

int64_t acl_agent_serve(void *ctx,
			const struct test_agent_req *r,
			struct test_agent_rsp *a)
{
	const uint64_t *x = r->a;
	aclrtPhysicalMemProp prop;
	aclrtDrvMemHandle h = NULL;
	uint64_t sh = 0;
	int32_t pids[4];
	void *p = NULL;
	int64_t rc;
	int fd, i;

	(void)ctx;
	switch (r->op) {
	case AG_INIT:
		rc = aclInit(NULL);
		if (!rc)
			rc = aclrtSetDevice(0);
		break;
	case AG_BARE_TGID:
		rc = aclrtDeviceGetBareTgid(&pids[0]);
		a->v[0] = (uint64_t)pids[0];
		a->v[1] = (uint64_t)getpid();
		break;
	case AG_MALLOC:
		prop = acl_prop_2m();
		prop.handleType = (aclrtMemHandleType)x[1];
		rc = aclrtMallocPhysical(&h, x[0], &prop, 0);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_FREE:
		rc = aclrtFreePhysical(acl_ptr(x[0]));
		break;
	case AG_EXPORT:
		rc = aclrtMemExportToShareableHandle(acl_ptr(x[0]),
						     (aclrtMemHandleType)x[1],
						     x[2], &sh);
		a->v[0] = sh;
		break;
	case AG_EXPORT_V2:
		rc = aclrtMemExportToShareableHandleV2(acl_ptr(x[0]), x[1],
				(aclrtMemSharedHandleType)x[2], &sh);
		a->v[0] = sh;
		break;
	case AG_SET_PID:
		for (i = 0; i < 4; i++)
			pids[i] = (int32_t)x[1];
		rc = aclrtMemSetPidToShareableHandle(x[0], pids,
						     (size_t)x[2]);
		break;
	case AG_SET_PID_V2:
		sh = x[0];
		pids[0] = (int32_t)x[2];
		rc = aclrtMemSetPidToShareableHandleV2(&sh,
				(aclrtMemSharedHandleType)x[1], pids, 1);
		break;
	case AG_IMPORT:
		rc = aclrtMemImportFromShareableHandle(x[0], (int32_t)x[1],
						       &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_IMPORT_V2:
		sh = x[0];
		rc = aclrtMemImportFromShareableHandleV2(&sh,
				(aclrtMemSharedHandleType)x[1], x[2], &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_EXPORT_FD:
		fd = -1;
		rc = aclmemExportToFd(acl_ptr(x[0]), &fd);
		a->v[0] = (uint64_t)(int64_t)fd;
		break;
	case AG_IMPORT_FD:
		rc = aclmemImportFromFd((int)x[0], (int32_t)x[1], &h);
		a->v[0] = (uintptr_t)h;
		break;
	case AG_PROPS:
		memset(&prop, 0, sizeof(prop));
		rc = aclrtMemGetAllocationPropertiesFromHandle(acl_ptr(x[0]),
							       &prop);
		a->v[0] = (uint64_t)prop.handleType;
		a->v[1] = (uint64_t)prop.memAttr;
		a->v[2] = (uint64_t)prop.location.type;
		a->v[3] = prop.location.id;
		break;
	case AG_MAP:
		rc = aclrtReserveMemAddress(&p, x[1], 0, NULL, 0);
		if (!rc) {
			rc = aclrtMapMem(p, x[1], 0, acl_ptr(x[0]), 0);
			if (rc)
				aclrtReleaseMemAddress(p);
		}
		a->v[0] = rc ? 0 : (uintptr_t)p;
		break;
	case AG_UNMAP:
		rc = aclrtUnmapMem(acl_ptr(x[0]));
		if (!rc)
			rc = aclrtReleaseMemAddress(acl_ptr(x[0]));
		break;
	case AG_FILL:
		acl_fill(acl_ptr(x[0]), x[1], x[2]);
		rc = 0;
		break;
	case AG_CHECK:
		rc = test_agent_check_rsp(a, x[0],
					  acl_check(acl_ptr(x[0]), x[1], x[2]));
		break;
	case AG_MMAP_FD:
		rc = test_agent_mmap((int)x[0], 0, x[1], &a->v[0]);
		break;
	case AG_ACL_INIT:
		rc = aclInit(NULL);
		break;
	case AG_SET_DEVICE:
		rc = aclrtSetDevice((int32_t)x[0]);
		break;
	case AG_RESET_DEVICE:
		rc = aclrtResetDevice((int32_t)x[0]);
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	return rc;
}

int acl_agent_main_serving(int argc, char **argv,
			   test_agent_serve_t serve)
{
	if (argc != 3)
		return 100;
	return test_agent_loop(atoi(argv[2]), serve, NULL);
}

int acl_agent_main(int argc, char **argv)
{
	return acl_agent_main_serving(argc, argv, acl_agent_serve);
}

int acl_agent_start_flags(struct acl_agent *ag, uid_t uid,
			  unsigned long flags)
{
	static const struct test_agent_ops ops = {
		.mode = ACL_AGENT_ARG,
		.fork = acl_fork,
		.reap = acl_reap,
	};

	return test_agent_start(ag, &ops, uid, flags);
}

int acl_agent_start(struct acl_agent *ag, uid_t uid)
{
	return acl_agent_start_flags(ag, uid, 0);
}
