/* SPDX-License-Identifier: MIT */
/*
 * Description: the syscall numbers of pidfd_open(2) and pidfd_getfd(2),
 * for libc headers that lack them (all architectures but alpha share
 * these numbers).
 */
#ifndef TESTS_COMMON_PIDFD_H
#define TESTS_COMMON_PIDFD_H

#include <sys/syscall.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

#endif /* TESTS_COMMON_PIDFD_H */
