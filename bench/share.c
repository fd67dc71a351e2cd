// SPDX-License-Identifier: MIT
/*
 * share: export -> import -> map in a second process: aclmem token,
 * aclmem dma-buf fd, memfd (hugetlb and shmem) over a socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aclbench.h"

enum { OP_HELLO, OP_TOKEN, OP_FD, OP_MEMFD, OP_ACK, OP_DONE, OP_QUIT };

struct smsg {
	uint32_t op;
	uint32_t err;
	uint64_t token;
	uint64_t size;
	uint64_t t;		/* ACK: after the first read of the mapping */
	uint64_t t_recv;	/* ACK: when the request arrived */
	uint64_t t_import;	/* ACK: after IMPORT / IMPORT_FD */
};

static int send_msg(int sock, const struct smsg *m, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, 0) == sizeof(*m) ? 0 : -1;
}

static int recv_msg(int sock, struct smsg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (fd)
		*fd = -1;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(*m))
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    fd)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* The importing process: serve requests until OP_QUIT. */
static void share_child(int sock)
{
	struct aclmem_info info;
	struct smsg m, r;
	int afd = open("/dev/aclmem", O_RDWR | O_CLOEXEC), fd;
	uint64_t off = 0;
	uint32_t h = 0;
	char *p;

	memset(&r, 0, sizeof(r));
	r.op = OP_HELLO;
	r.token = afd >= 0 && !acl_info(afd, &info) ? info.out_tgid :
		  (uint64_t)getpid();
	send_msg(sock, &r, -1);
	while (!recv_msg(sock, &m, &fd)) {
		memset(&r, 0, sizeof(r));
		r.t_recv = now_ns();
		r.op = OP_ACK;
		p = MAP_FAILED;
		h = 0;
		switch (m.op) {
		case OP_TOKEN:
		case OP_FD: {
			struct aclmem_import imp = { .token = m.token };
			unsigned long cmd = ACLMEM_IOC_IMPORT;

			if (m.op == OP_FD) {
				imp.token = fd;
				cmd = ACLMEM_IOC_IMPORT_FD;
			}
			if (ioctl(afd, cmd, &imp)) {
				r.err = errno;
				break;
			}
			r.t_import = now_ns();
			h = imp.out_handle;
			off = imp.out_offset;
			if (fd >= 0)
				close(fd);
			fd = -1;
			p = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, afd, off);
			break;
		}
		case OP_MEMFD:
			r.t_import = now_ns();
			p = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, 0);
			break;
		case OP_QUIT:
			close(afd);
			_exit(0);
		}
		if (p != MAP_FAILED) {
			r.token = *(volatile uint64_t *)p;	/* first touch */
			r.t = now_ns();
		} else if (!r.err) {
			r.err = errno ? errno : EIO;
		}
		send_msg(sock, &r, -1);
		if (p != MAP_FAILED)
			munmap(p, m.size);
		if (h)
			acl_free(afd, h);
		if (fd >= 0)
			close(fd);
		r.op = OP_DONE;
		send_msg(sock, &r, -1);
	}
	_exit(0);
}

/*
 * One export -> import -> map round; returns ns or 0 on failure, and in
 * @parts: export (the exporter's ioctls), pass (until the importer has
 * the request), import (its ioctl), map (mmap + first read).
 */
static uint64_t share_round(int sock, int op, int afd, int mfd, uint32_t pid,
			    uint64_t size, int *err, uint64_t parts[4])
{
	struct smsg m = { .op = op, .size = size }, r = { 0 };
	uint64_t t0 = 0, t_exp = 0;
	uint32_t h = 0;
	int fd = -1;

	*err = 0;
	if (op == OP_TOKEN || op == OP_FD) {
		*err = acl_alloc(afd, size, ACLMEM_PAGE_SIZE_2M, &h, NULL);
		if (*err)
			return 0;
	}
	t0 = now_ns();
	if (op == OP_TOKEN) {
		struct aclmem_export ex = { .handle = h };
		struct aclmem_set_pids sp = {
			.pids = (uintptr_t)&pid, .nr_pids = 1,
		};

		if (ioctl(afd, ACLMEM_IOC_EXPORT, &ex)) {
			*err = errno;
			goto out;
		}
		sp.token = ex.out_token;
		if (ioctl(afd, ACLMEM_IOC_SET_PIDS, &sp)) {
			*err = errno;
			goto out;
		}
		m.token = ex.out_token;
	} else if (op == OP_FD) {
		struct aclmem_export_fd ex = {
			.handle = h, .flags = ACLMEM_EXPORT_FD_CLOEXEC,
		};

		if (ioctl(afd, ACLMEM_IOC_EXPORT_FD, &ex)) {
			*err = errno;
			goto out;
		}
		fd = ex.out_fd;
	} else {
		fd = mfd;
	}
	t_exp = now_ns();
	if (send_msg(sock, &m, fd)) {
		*err = errno;
		goto out;
	}
	if (op == OP_FD)
		close(fd);
	if (recv_msg(sock, &r, NULL) || r.op != OP_ACK) {
		*err = EPIPE;
		goto out;
	}
	if (r.err)
		*err = r.err;
	if (recv_msg(sock, &r, NULL) || r.op != OP_DONE)
		*err = EPIPE;
out:
	if (h)
		acl_free(afd, h);
	if (*err)
		return 0;
	parts[0] = t_exp - t0;
	parts[1] = r.t_recv - t_exp;
	parts[2] = r.t_import - r.t_recv;
	parts[3] = r.t - r.t_import;
	return r.t - t0;
}


void bench_share(void)
{
	struct contender cs[] = {
		{ .impl = "aclmem_token", .kind = OP_TOKEN },
		{ .impl = "aclmem_fd", .kind = OP_FD },
		{ .impl = "memfd_hugetlb", .kind = OP_MEMFD,
		  .flags = MFD_HUGETLB | MFD_HUGE_2MB },
		{ .impl = "memfd_shmem", .kind = OP_MEMFD },
	};
	int nc = sizeof(cs) / sizeof(cs[0]), i, k, sv[2], mfd[4], err;
	char extra[2][256] = { "", "" };
	unsigned long rounds = iters(10, 2), r, b;
	struct smsg hello;
	uint64_t ns, parts[4];
	uint32_t pid;
	pid_t child;

	for (i = 0; i < nc; i++) {
		cs[i].batch = 20;
		mfd[i] = -1;
	}
	if (acl_open() < 0) {
		contender_fail("share", &cs[0], "fail", "open", errno);
		contender_fail("share", &cs[1], "fail", "open", errno);
	}
	for (i = 2; i < nc; i++) {
		mfd[i] = memfd_sized("aclbench", cs[i].flags, SZ_2M);
		if (mfd[i] < 0)
			contender_fail("share", &cs[i], "fail",
				       "memfd_create+fallocate", -mfd[i]);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		for (i = 0; i < nc; i++)
			if (!cs[i].off)
				contender_fail("share", &cs[i], "fail",
					       "socketpair", errno);
		goto out;
	}
	child = fork();
	if (child == 0) {
		close(sv[0]);
		if (acl_fd >= 0)
			close(acl_fd);
		share_child(sv[1]);
	}
	close(sv[1]);
	if (child < 0 || recv_msg(sv[0], &hello, NULL)) {
		for (i = 0; i < nc; i++)
			if (!cs[i].off)
				contender_fail("share", &cs[i], "fail", "fork",
					       errno);
		close(sv[0]);
		goto out;
	}
	pid = (uint32_t)hello.token;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nc; i++) {
			if (cs[i].off)
				continue;
			quiesce();
			for (b = 0; b < cs[i].batch; b++) {
				ns = share_round(sv[0], cs[i].kind, acl_fd,
						 mfd[i], pid, SZ_2M, &err,
						 parts);
				if (err) {
					contender_fail("share", &cs[i], "fail",
						       "round", err);
					break;
				}
				sample_add(&cs[i].s, ns);
				sample_add(&cs[i].s2, parts[0]);
				sample_add(&cs[i].s3, parts[1]);
				sample_add(&cs[i].s4, parts[2]);
				sample_add(&cs[i].s5, parts[3]);
			}
		}
	}
	/* Paired round by round, the medians of the batches. */
	for (i = 0; i < 2; i++) {
		if (cs[i].off)
			continue;
		for (k = 2; k < nc; k++)
			if (!cs[k].off)
				paired(extra[i], sizeof(extra[i]), cs[k].impl,
				       &cs[i].s, cs[i].batch, &cs[k].s,
				       cs[k].batch, false);
	}
	for (i = 0; i < nc; i++)
		if (!cs[i].off)
			result_lat("share", cs[i].impl, &cs[i].s,
				   "size=%llu export_p50_ns=%llu pass_p50_ns=%llu "
				   "import_p50_ns=%llu map_p50_ns=%llu%s",
				   (unsigned long long)SZ_2M,
				   (unsigned long long)pct(&cs[i].s2, 50),
				   (unsigned long long)pct(&cs[i].s3, 50),
				   (unsigned long long)pct(&cs[i].s4, 50),
				   (unsigned long long)pct(&cs[i].s5, 50),
				   i < 2 ? extra[i] : "");
	memset(&hello, 0, sizeof(hello));
	hello.op = OP_QUIT;
	send_msg(sv[0], &hello, -1);
	close(sv[0]);
	waitpid(child, NULL, 0);
out:
	for (i = 2; i < nc; i++)
		if (mfd[i] >= 0)
			close(mfd[i]);
	contenders_free(cs, nc);
}
