// SPDX-License-Identifier: GPL-2.0
/*
 * The pool counters as read-only files, for people without aclmemctl:
 * /sys/kernel/aclmem/<2M|1G>/{total,free,zeroed,dirty,in_use,target,
 * grown,shrunk,failed,poisoned}, each summed over the nodes, in pages.
 */
#include <linux/kobject.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "aclmem.h"

static struct kobject *aclmem_kobj;
static struct kobject *aclmem_size_kobj[ACLMEM_NR_POOLS];

struct aclmem_stat_attr {
	struct kobj_attribute attr;
	size_t offset;	/* of the counter in struct aclmem_pool_stats */
};

static ssize_t aclmem_stat_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	const struct aclmem_stat_attr *sa =
		container_of(attr, struct aclmem_stat_attr, attr);
	struct aclmem_pool_stats st;

	aclmem_pools_stats(kobj == aclmem_size_kobj[ACLMEM_POOL_1G] ?
			   ACLMEM_ORDER_1G : ACLMEM_ORDER_2M, &st);
	return sysfs_emit(buf, "%llu\n",
			  *(const u64 *)((const char *)&st + sa->offset));
}

#define ACLMEM_STAT(_file, _field) {					\
	.attr = __ATTR(_file, 0444, aclmem_stat_show, NULL),		\
	.offset = offsetof(struct aclmem_pool_stats, _field),		\
}

static struct aclmem_stat_attr aclmem_stats[] = {
	ACLMEM_STAT(total, total),
	ACLMEM_STAT(free, free),
	ACLMEM_STAT(zeroed, zeroed),
	ACLMEM_STAT(dirty, dirty),
	ACLMEM_STAT(in_use, in_use),
	ACLMEM_STAT(target, target),
	ACLMEM_STAT(grown, grown),
	ACLMEM_STAT(shrunk, shrunk),
	ACLMEM_STAT(failed, failed),
};

/* Pages quarantined for poison: no field of struct aclmem_pool_stats. */
static ssize_t aclmem_poisoned_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  aclmem_pool_poisoned(kobj == aclmem_size_kobj[ACLMEM_POOL_1G] ?
					       ACLMEM_ORDER_1G : ACLMEM_ORDER_2M,
					       NUMA_NO_NODE));
}

static struct kobj_attribute aclmem_poisoned_attr =
	__ATTR(poisoned, 0444, aclmem_poisoned_show, NULL);

/* Filled from aclmem_stats[] and poisoned at init; NULL-terminated. */
static struct attribute *aclmem_stat_attrs[ARRAY_SIZE(aclmem_stats) + 2];

static const struct attribute_group aclmem_stat_group = {
	.attrs = aclmem_stat_attrs,
};

int aclmem_sysfs_init(void)
{
	static const char * const names[ACLMEM_NR_POOLS] = {
		[ACLMEM_POOL_2M] = "2M",
		[ACLMEM_POOL_1G] = "1G",
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(aclmem_stats); i++)
		aclmem_stat_attrs[i] = &aclmem_stats[i].attr.attr;
	aclmem_stat_attrs[i] = &aclmem_poisoned_attr.attr;
	aclmem_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!aclmem_kobj)
		return -ENOMEM;
	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		aclmem_size_kobj[i] = kobject_create_and_add(names[i],
							     aclmem_kobj);
		if (!aclmem_size_kobj[i]) {
			ret = -ENOMEM;
			goto err;
		}
		ret = sysfs_create_group(aclmem_size_kobj[i],
					 &aclmem_stat_group);
		if (ret)
			goto err;
	}
	return 0;
err:
	aclmem_sysfs_exit();
	return ret;
}

void aclmem_sysfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < ACLMEM_NR_POOLS; i++) {
		/* Dropping the last reference removes the files too. */
		kobject_put(aclmem_size_kobj[i]);
		aclmem_size_kobj[i] = NULL;
	}
	kobject_put(aclmem_kobj);
	aclmem_kobj = NULL;
}
