// SPDX-License-Identifier: GPL-2.0
/*
 * Description: helpers of the sharing selftests: see share_utils.h.
 */
#define ACLMEM_UTILS_NO_HARNESS
#include "share_utils.h"

int _share_export(int fd, __u32 handle, __u32 flags,
		  __u64 *token)
{
	struct aclmem_export cmd = { .handle = handle, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT, &cmd);

	if (!rc && token)
		*token = cmd.out_token;
	return rc;
}

int _share_set_pids(int fd, __u64 token, const __u32 *pids,
		    __u32 nr)
{
	struct aclmem_set_pids cmd = {
		.token = token,
		.pids = (uintptr_t)pids,
		.nr_pids = nr,
	};

	return _aclmem_ioctl(fd, ACLMEM_IOC_SET_PIDS, &cmd);
}

int _share_import(int fd, __u64 token, struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = token };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

int _share_import_fd(int fd, __u64 dmabuf_fd,
		     struct aclmem_import *out)
{
	struct aclmem_import cmd = { .token = dmabuf_fd };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_IMPORT_FD, &cmd);

	if (!rc && out)
		*out = cmd;
	return rc;
}

int _share_export_fd(int fd, __u32 handle, __u32 flags,
		     int *out_fd)
{
	struct aclmem_export_fd cmd = { .handle = handle, .flags = flags };
	int rc = _aclmem_ioctl(fd, ACLMEM_IOC_EXPORT_FD, &cmd);

	if (!rc && out_fd)
		*out_fd = cmd.out_fd;
	return rc;
}

int64_t share_agent_serve(void *ctx,
			  const struct test_agent_req *r,
			  struct test_agent_rsp *a)
{
	struct aclmem_import imp;
	struct aclmem_query q;
	struct aclmem_info info;
	int dev = *(int *)ctx;
	__u64 off = 0, token = 0;
	__u32 h = 0, pid;
	int fd, rc;

	switch (r->op) {
	case AG_INFO:
		memset(&info, 0, sizeof(info));
		rc = _aclmem_info(dev, 0, &info);
		a->v[0] = info.out_tgid;
		a->v[1] = info.out_handles;
		a->v[2] = geteuid();
		a->v[3] = (__u64)getpid();
		break;
	case AG_ALLOC:
		rc = _aclmem_alloc(dev, r->a[0], r->a[1], ACLMEM_NODE_ANY, &h,
				   &off);
		a->v[0] = h;
		a->v[1] = off;
		break;
	case AG_FREE:
		rc = _aclmem_free(dev, (__u32)r->a[0]);
		break;
	case AG_EXPORT:
		rc = _share_export(dev, (__u32)r->a[0], (__u32)r->a[1], &token);
		a->v[0] = token;
		break;
	case AG_SET_PIDS:
		pid = (__u32)r->a[1];
		rc = _share_set_pids(dev, r->a[0], &pid, 1);
		break;
	case AG_IMPORT:
	case AG_IMPORT_FD:
		if (r->op == AG_IMPORT)
			rc = _share_import(dev, r->a[0], &imp);
		else
			rc = _share_import_fd(dev, r->a[0], &imp);
		if (!rc) {
			a->v[0] = imp.out_handle;
			a->v[1] = imp.out_offset;
			a->v[2] = imp.out_size;
			a->v[3] = imp.out_page_size;
		}
		break;
	case AG_EXPORT_FD:
		rc = _share_export_fd(dev, (__u32)r->a[0], (__u32)r->a[1], &fd);
		a->v[0] = rc ? (__u64)-1 : (__u64)fd;
		break;
	case AG_MMAP:
		fd = (int)r->a[0] < 0 ? dev : (int)r->a[0];
		rc = test_agent_mmap(fd, r->a[1], r->a[2], &a->v[0]);
		break;
	case AG_FILL:
		aclmem_fill_at((void *)(uintptr_t)r->a[0], r->a[1], r->a[2],
			       r->a[3]);
		rc = 0;
		break;
	case AG_CHECK:
		rc = test_agent_check_rsp(a, r->a[0],
				aclmem_check_at((void *)(uintptr_t)r->a[0],
						r->a[1], r->a[2], r->a[3]));
		break;
	case AG_QUERY:
		rc = _aclmem_query(dev, (__u32)r->a[0], 0, &q);
		if (!rc) {
			a->v[0] = q.out_size;
			a->v[1] = q.out_page_size;
			a->v[2] = q.out_mappings;
		}
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	return rc;
}

int share_agent_main(int argc, char **argv)
{
	int dev;

	if (argc != 4)
		return 100;
	dev = atoi(argv[3]);
	return test_agent_loop(atoi(argv[2]), share_agent_serve, &dev);
}

int share_agent_open_dev(char *arg, size_t len)
{
	int dev = open(ACLMEM_DEV_PATH, O_RDWR);

	if (dev < 0)
		return 121;
	snprintf(arg, len, "%d", dev);
	return 0;
}

int share_agent_reap(pid_t pid)
{
	return aclmem_exit_code(aclmem_reap(pid));
}

int share_agent_start_flags(struct share_agent *ag, uid_t uid,
			    unsigned long flags)
{
	static const struct test_agent_ops ops = {
		.mode = SHARE_AGENT_ARG,
		.fork = aclmem_clone,
		.reap = share_agent_reap,
		.setup = share_agent_open_dev,
	};

	return test_agent_start(ag, &ops, uid, flags);
}

int share_agent_start(struct share_agent *ag, uid_t uid)
{
	return share_agent_start_flags(ag, uid, 0);
}

int ag_info(struct share_agent *ag, __u32 *tgid)
{
	int rc = test_agent_call(ag, AG_INFO, -1, 0, 0, 0, 0);

	if (!rc && tgid)
		*tgid = (__u32)ag->v[0];
	return rc;
}

int ag_alloc(struct share_agent *ag, __u64 size,
	     __u64 page_size, __u32 *h, __u64 *off)
{
	int rc = test_agent_call(ag, AG_ALLOC, -1, size, page_size, 0, 0);

	if (!rc) {
		*h = (__u32)ag->v[0];
		*off = ag->v[1];
	}
	return rc;
}

int ag_free(struct share_agent *ag, __u32 h)
{
	return test_agent_call(ag, AG_FREE, -1, h, 0, 0, 0);
}

int ag_export(struct share_agent *ag, __u32 h, __u32 flags,
	      __u64 *token)
{
	int rc = test_agent_call(ag, AG_EXPORT, -1, h, flags, 0, 0);

	if (!rc && token)
		*token = ag->v[0];
	return rc;
}

int ag_set_pids(struct share_agent *ag, __u64 token, __u32 pid)
{
	return test_agent_call(ag, AG_SET_PIDS, -1, token, pid, 0, 0);
}

int ag_import(struct share_agent *ag, __u64 token,
	      struct aclmem_import *imp)
{
	int rc = test_agent_call(ag, AG_IMPORT, -1, token, 0, 0, 0);

	if (!rc && imp) {
		memset(imp, 0, sizeof(*imp));
		imp->token = token;
		imp->out_handle = (__u32)ag->v[0];
		imp->out_offset = ag->v[1];
		imp->out_size = ag->v[2];
		imp->out_page_size = ag->v[3];
	}
	return rc;
}

int ag_import_fd(struct share_agent *ag, __u64 fd,
		 struct aclmem_import *imp)
{
	int rc = test_agent_call(ag, AG_IMPORT_FD, -1, fd, 0, 0, 0);

	if (!rc && imp) {
		memset(imp, 0, sizeof(*imp));
		imp->token = fd;
		imp->out_handle = (__u32)ag->v[0];
		imp->out_offset = ag->v[1];
		imp->out_size = ag->v[2];
		imp->out_page_size = ag->v[3];
	}
	return rc;
}

int ag_export_fd(struct share_agent *ag, __u32 h, __u32 flags,
		 int *fd)
{
	int rc = test_agent_call(ag, AG_EXPORT_FD, -1, h, flags, 0, 0);

	if (!rc)
		*fd = (int)ag->v[0];
	return rc;
}

int ag_mmap(struct share_agent *ag, int fd, __u64 off,
	    __u64 len, __u64 *addr)
{
	int rc = test_agent_call(ag, AG_MMAP, -1, (__u64)(__s64)fd, off,
				 len, 0);

	if (!rc)
		*addr = ag->v[0];
	return rc;
}

int ag_munmap(struct share_agent *ag, __u64 addr, __u64 len)
{
	return test_agent_call(ag, AG_MUNMAP, -1, addr, len, 0, 0);
}

int ag_fill(struct share_agent *ag, __u64 addr, __u64 len,
	    __u64 seed)
{
	return test_agent_call(ag, AG_FILL, -1, addr, len, seed, 0);
}

int ag_check_at(struct share_agent *ag, __u64 addr, __u64 len,
		__u64 seed, __u64 base)
{
	return test_agent_call(ag, AG_CHECK, -1, addr, len, seed, base);
}

int ag_check(struct share_agent *ag, __u64 addr, __u64 len,
	     __u64 seed)
{
	return ag_check_at(ag, addr, len, seed, 0);
}

int ag_give_fd(struct share_agent *ag, int fd, int *agent_fd)
{
	int rc = test_agent_call(ag, AG_RECV_FD, fd, 0, 0, 0, 0);

	if (!rc)
		*agent_fd = (int)ag->v[0];
	return rc;
}

int ag_take_fd(struct share_agent *ag, int agent_fd, int *fd)
{
	int rc = test_agent_call(ag, AG_SEND_FD, -1, agent_fd, 0, 0, 0);

	if (!rc && ag->fd < 0)
		rc = -EBADMSG;
	if (!rc)
		*fd = ag->fd;
	return rc;
}

int ag_pidfd_getfd(struct share_agent *ag, pid_t pid, int fd,
		   int *agent_fd)
{
	int rc = test_agent_call(ag, AG_PIDFD_GETFD, -1, pid, fd, 0, 0);

	if (!rc)
		*agent_fd = (int)ag->v[0];
	return rc;
}

int ag_close(struct share_agent *ag, int fd)
{
	return test_agent_call(ag, AG_CLOSE, -1, fd, 0, 0, 0);
}

int ag_query(struct share_agent *ag, __u32 h,
	     struct aclmem_query *q)
{
	int rc = test_agent_call(ag, AG_QUERY, -1, h, 0, 0, 0);

	if (!rc) {
		memset(q, 0, sizeof(*q));
		q->handle = h;
		q->out_size = ag->v[0];
		q->out_page_size = ag->v[1];
		q->out_mappings = (__u32)ag->v[2];
	}
	return rc;
}
