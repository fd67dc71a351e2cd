// SPDX-License-Identifier: MIT
/*
 * The CPU set-ups of the runs that must not lean on an idle second CPU:
 * "1cpu" takes CPU 1 offline, so the pool worker (or a peer's zeroing
 * thread) shares CPU 0 with the benchmark; "busy" pins the benchmark to
 * CPU 0 and a spinning hog thread to CPU 1, so background work there gets
 * only the scheduler's share; "2cpu" changes nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aclbench.h"

static const char *const mode_names[] = {
	[CPU_BOTH] = "2cpu", [CPU_ONE] = "1cpu", [CPU_BUSY] = "busy",
};

static pthread_t hog;
static volatile int hog_stop;
static bool hog_running, cpu1_offline;

const char *cpu_mode_name(enum cpu_mode m)
{
	return mode_names[m];
}

static int cpu1_set_online(bool on)
{
	int fd = open("/sys/devices/system/cpu/cpu1/online",
		      O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, on ? "1" : "0", 1) != 1)
		err = errno;
	close(fd);
	return err;
}

static int pin(pthread_t t, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

static void *hog_fn(void *arg)
{
	volatile unsigned long spin = 0;

	(void)arg;
	while (!hog_stop)
		spin++;
	return NULL;
}

/* 0, or an errno with *why set. */
int cpu_mode_enter(enum cpu_mode m, const char **why)
{
	int err;

	if (m == CPU_BOTH)
		return 0;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		*why = "fewer than 2 CPUs online";
		return ENODEV;
	}
	if (m == CPU_ONE) {
		err = cpu1_set_online(false);
		if (err) {
			*why = "cpu1 offline";
			return err;
		}
		cpu1_offline = true;
		return 0;
	}
	err = pin(pthread_self(), 0);
	if (err) {
		*why = "pin to CPU 0";
		return err;
	}
	hog_stop = 0;
	err = pthread_create(&hog, NULL, hog_fn, NULL);
	if (err) {
		*why = "hog thread";
		return err;
	}
	hog_running = true;
	pin(hog, 1);
	return 0;
}

void cpu_mode_leave(void)
{
	cpu_set_t all;
	int i;

	if (hog_running) {
		hog_stop = 1;
		pthread_join(hog, NULL);
		hog_running = false;
	}
	if (cpu1_offline && !cpu1_set_online(true))
		cpu1_offline = false;
	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
}
