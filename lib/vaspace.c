// SPDX-License-Identifier: MIT
/*
 * Virtual address space: reservations and the mappings of physical handles
 * inside them.
 *
 * A reservation is a PROT_NONE anonymous mapping. Mapping a handle replaces
 * part of it with a MAP_SHARED | MAP_FIXED mapping of the device; unmapping
 * puts a PROT_NONE placeholder back, so the range stays reserved and no
 * other mmap in the process can land there.
 *
 * Reservations are found by address through a table of shards keyed by the
 * 1 GiB region an address falls in (a reservation is linked into each region
 * it covers). Each reservation has its own lock over its sorted list of
 * mappings; there is no process-wide lock on these paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define REGION_SHIFT	30
#define RESV_SHARDS	256

struct acl_mapping {
	uintptr_t addr;
	uint64_t size;
	struct acl_handle *handle;	/* holds a map reference */
	uint64_t access;		/* ACL_RT_MEM_ACCESS_FLAGS_* */
};

struct resv_link {
	struct resv_link *next;
	uintptr_t region;
	struct acl_resv *resv;
};

struct acl_resv {
	uintptr_t base;
	uint64_t size;
	atomic_uint refs;		/* the table's, plus one per lookup */
	pthread_mutex_t lock;		/* protects what follows */
	bool dead;			/* released: no new mappings */
	bool from_malloc;		/* made by aclrtMalloc */
	struct acl_mapping *maps;	/* sorted by address */
	size_t nr_maps;
	size_t cap_maps;
	size_t nr_links;
	struct resv_link links[];	/* one per 1 GiB region covered */
};

static struct resv_shard {
	pthread_mutex_t lock;
	struct resv_link *head;
} resv_shards[RESV_SHARDS] = {
	[0 ... RESV_SHARDS - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};

static struct resv_shard *resv_shard(uintptr_t region)
{
	return &resv_shards[(region ^ region >> 8) % RESV_SHARDS];
}

static void resv_put(struct acl_resv *resv)
{
	size_t i;

	if (atomic_fetch_sub(&resv->refs, 1) != 1)
		return;
	for (i = 0; i < resv->nr_maps; i++)
		acl_handle_map_put(resv->maps[i].handle);
	pthread_mutex_destroy(&resv->lock);
	free(resv->maps);
	free(resv);
}

/* The reservation that contains @addr, with a reference, or NULL. */
static struct acl_resv *resv_lookup(uintptr_t addr)
{
	uintptr_t region = addr >> REGION_SHIFT;
	struct resv_shard *shard = resv_shard(region);
	struct acl_resv *found = NULL;
	struct resv_link *link;

	pthread_mutex_lock(&shard->lock);
	for (link = shard->head; link; link = link->next) {
		if (link->region != region)
			continue;
		if (addr >= link->resv->base &&
		    addr - link->resv->base < link->resv->size) {
			found = link->resv;
			atomic_fetch_add(&found->refs, 1);
			break;
		}
	}
	pthread_mutex_unlock(&shard->lock);
	return found;
}

static void resv_publish(struct acl_resv *resv)
{
	struct resv_shard *shard;
	size_t i;

	for (i = 0; i < resv->nr_links; i++) {
		shard = resv_shard(resv->links[i].region);
		pthread_mutex_lock(&shard->lock);
		resv->links[i].next = shard->head;
		shard->head = &resv->links[i];
		pthread_mutex_unlock(&shard->lock);
	}
}

static void resv_unpublish(struct acl_resv *resv)
{
	struct resv_shard *shard;
	struct resv_link **pp;
	size_t i;

	for (i = 0; i < resv->nr_links; i++) {
		shard = resv_shard(resv->links[i].region);
		pthread_mutex_lock(&shard->lock);
		for (pp = &shard->head; *pp; pp = &(*pp)->next) {
			if (*pp == &resv->links[i]) {
				*pp = resv->links[i].next;
				break;
			}
		}
		pthread_mutex_unlock(&shard->lock);
	}
}

static const int va_placeholder_flags =
	MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

/* Reserve @size bytes aligned to @align, at @hint when it is free. */
static void *va_reserve(uint64_t size, uint64_t align, void *hint)
{
	uintptr_t p, a, end;
	void *m;

	if (hint && !((uintptr_t)hint % align)) {
		m = mmap(hint, size, PROT_NONE,
			 va_placeholder_flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (m == hint)
			return m;
		if (m != MAP_FAILED)	/* a kernel that ignores NOREPLACE */
			munmap(m, size);
	}
	if (size + align < size)
		return MAP_FAILED;
	m = mmap(NULL, size + align, PROT_NONE, va_placeholder_flags, -1, 0);
	if (m == MAP_FAILED)
		return m;
	p = (uintptr_t)m;
	a = (p + align - 1) & ~(align - 1);
	end = p + size + align;
	if (a > p)
		munmap((void *)p, a - p);
	if (end > a + size)
		munmap((void *)(a + size), end - (a + size));
	return (void *)a;
}

static aclError resv_create(void **ptr, uint64_t size, void *hint,
			    bool from_malloc)
{
	uint64_t align = size >= SZ_1G ? SZ_1G : SZ_2M;
	uintptr_t first, last, r;
	struct acl_resv *resv;
	void *addr;

	addr = va_reserve(size, align, hint);
	if (addr == MAP_FAILED)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"no %lu bytes of address space",
				(unsigned long)size);
	first = (uintptr_t)addr >> REGION_SHIFT;
	last = ((uintptr_t)addr + size - 1) >> REGION_SHIFT;
	resv = calloc(1, sizeof(*resv) +
			 (last - first + 1) * sizeof(struct resv_link));
	if (!resv) {
		munmap(addr, size);
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"out of host memory");
	}
	resv->base = (uintptr_t)addr;
	resv->size = size;
	atomic_init(&resv->refs, 1);
	pthread_mutex_init(&resv->lock, NULL);
	resv->from_malloc = from_malloc;
	resv->nr_links = last - first + 1;
	for (r = first; r <= last; r++) {
		resv->links[r - first].region = r;
		resv->links[r - first].resv = resv;
	}
	resv_publish(resv);
	*ptr = addr;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtReserveMemAddress(void **virPtr, size_t size,
					size_t alignment, void *expectPtr,
					uint64_t flags)
{
	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	if (alignment)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"alignment must be 0");
	if (flags > 1)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"flags must be 0 or 1");
	if (!size || size % SZ_2M)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"size %zu is not a multiple of 2 MiB", size);
	return resv_create(virPtr, size, expectPtr, false);
}

/* Take @resv out of use; it must have no mappings. Called unlocked. */
static aclError resv_release(struct acl_resv *resv)
{
	pthread_mutex_lock(&resv->lock);
	if (resv->dead || resv->nr_maps) {
		bool dead = resv->dead;

		pthread_mutex_unlock(&resv->lock);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, dead ?
				"the reservation is released" :
				"the reservation still has mappings");
	}
	resv->dead = true;
	pthread_mutex_unlock(&resv->lock);
	resv_unpublish(resv);
	munmap((void *)resv->base, resv->size);
	resv_put(resv);		/* the table's reference */
	return ACL_SUCCESS;
}

ACL_API aclError aclrtReleaseMemAddress(void *virPtr)
{
	struct acl_resv *resv;
	aclError ret;

	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	resv = resv_lookup((uintptr_t)virPtr);
	if (!resv || resv->base != (uintptr_t)virPtr || resv->from_malloc) {
		if (resv)
			resv_put(resv);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not the start of a reservation", virPtr);
	}
	ret = resv_release(resv);
	resv_put(resv);
	return ret;
}

/* Under resv->lock: the index of the mapping that contains @addr, or -1. */
static ssize_t map_find(const struct acl_resv *resv, uintptr_t addr)
{
	size_t lo = 0, hi = resv->nr_maps, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (resv->maps[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - resv->maps[lo - 1].addr < resv->maps[lo - 1].size)
		return lo - 1;
	return -1;
}

/* Under resv->lock: where [addr, addr + size) goes, or -1 if it overlaps. */
static ssize_t map_slot(const struct acl_resv *resv, uintptr_t addr,
			uint64_t size)
{
	size_t i = 0;

	while (i < resv->nr_maps && resv->maps[i].addr < addr)
		i++;
	if (i && resv->maps[i - 1].addr + resv->maps[i - 1].size > addr)
		return -1;
	if (i < resv->nr_maps && addr + size > resv->maps[i].addr)
		return -1;
	return i;
}

static pthread_once_t populate_once = PTHREAD_ONCE_INIT;
static bool populate_off;

static void populate_read_env(void)
{
	const char *env = getenv("ACLMEM_MAP_POPULATE");

	populate_off = env && !strcmp(env, "0");
}

/*
 * Fill in the page-table entries of a mapping, as a device's memory is
 * there once mapped: one entry per page, so it is cheap, and touching the
 * memory afterwards takes no fault. ACLMEM_MAP_POPULATE=0 turns it off. A
 * failure only means faults later.
 */
static void va_populate(uintptr_t addr, uint64_t size, uint64_t access)
{
	struct aclmem_populate cmd = { .addr = addr, .len = size };

	pthread_once(&populate_once, populate_read_env);
	if (!populate_off && access != ACL_RT_MEM_ACCESS_FLAGS_NONE)
		aclmem_ioctl(ACLMEM_IOC_POPULATE, &cmd);
}

static int access_prot(uint64_t access)
{
	switch (access) {
	case ACL_RT_MEM_ACCESS_FLAGS_READ:
		return PROT_READ;
	case ACL_RT_MEM_ACCESS_FLAGS_READWRITE:
		return PROT_READ | PROT_WRITE;
	default:
		return PROT_NONE;
	}
}

/* Under resv->lock: map @handle at @addr and record it. */
static aclError map_insert(struct acl_resv *resv, uintptr_t addr,
			   struct acl_handle *handle, uint64_t access)
{
	struct acl_mapping *maps;
	ssize_t slot;
	void *m;
	int fd;

	if (resv->dead)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the reservation is released");
	if (handle->size > resv->base + resv->size - addr)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the mapping would cross the reservation's end");
	slot = map_slot(resv, addr, handle->size);
	if (slot < 0)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%#lx is already mapped", (unsigned long)addr);
	if (resv->nr_maps == resv->cap_maps) {
		size_t cap = resv->cap_maps ? 2 * resv->cap_maps : 8;

		maps = realloc(resv->maps, cap * sizeof(*maps));
		if (!maps)
			return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
					"out of host memory");
		resv->maps = maps;
		resv->cap_maps = cap;
	}

	fd = aclmem_fd();
	if (fd < 0)
		return acl_fail_errno(-fd, "opening /dev/aclmem");
	m = mmap((void *)addr, handle->size, access_prot(access),
		 MAP_SHARED | MAP_FIXED, fd, handle->offset);
	if (m == MAP_FAILED) {
		int err = errno;

		/* A failed MAP_FIXED may have dropped the placeholder. */
		mmap((void *)addr, handle->size, PROT_NONE,
		     va_placeholder_flags | MAP_FIXED, -1, 0);
		return acl_fail_errno(err, "mapping the handle");
	}
	memmove(&resv->maps[slot + 1], &resv->maps[slot],
		(resv->nr_maps - slot) * sizeof(*maps));
	resv->maps[slot] = (struct acl_mapping) {
		.addr = addr,
		.size = handle->size,
		.handle = handle,
		.access = access,
	};
	resv->nr_maps++;
	va_populate(addr, handle->size, access);
	return ACL_SUCCESS;
}

static aclError va_map(void *virPtr, size_t size, size_t offset,
		       aclrtDrvMemHandle h, uint64_t flags, uint64_t access)
{
	uintptr_t addr = (uintptr_t)virPtr;
	struct acl_handle *handle;
	struct acl_resv *resv;
	aclError ret;

	if (!virPtr || !h)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (offset || flags)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"offset and flags must be 0");
	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	if (size != handle->size) {
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "size %zu is not the handle's size %lu", size,
			       (unsigned long)handle->size);
		goto err_handle;
	}
	if (addr % handle->page_size) {
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "%p is not aligned to the page size", virPtr);
		goto err_handle;
	}
	resv = resv_lookup(addr);
	if (!resv) {
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "%p is not inside a reservation", virPtr);
		goto err_handle;
	}
	pthread_mutex_lock(&resv->lock);
	ret = map_insert(resv, addr, handle, access);
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	if (ret)
		goto err_handle;
	return ACL_SUCCESS;

err_handle:
	acl_handle_map_put(handle);
	return ret;
}

ACL_API aclError aclrtMapMem(void *virPtr, size_t size, size_t offset,
			     aclrtDrvMemHandle handle, uint64_t flags)
{
	return va_map(virPtr, size, offset, handle, flags,
		      ACL_RT_MEM_ACCESS_FLAGS_READWRITE);
}

ACL_API aclError aclrtMemMapNoAccess(void *virPtr, size_t size, size_t offset,
				     aclrtDrvMemHandle handle, uint64_t flags)
{
	return va_map(virPtr, size, offset, handle, flags,
		      ACL_RT_MEM_ACCESS_FLAGS_NONE);
}

/* Under resv->lock: unmap the mapping at index @i, keeping the range. */
static aclError map_remove(struct acl_resv *resv, size_t i)
{
	struct acl_mapping map = resv->maps[i];

	if (mmap((void *)map.addr, map.size, PROT_NONE,
		 va_placeholder_flags | MAP_FIXED, -1, 0) == MAP_FAILED)
		return acl_fail_errno(errno, "unmapping");
	memmove(&resv->maps[i], &resv->maps[i + 1],
		(resv->nr_maps - i - 1) * sizeof(map));
	resv->nr_maps--;
	acl_handle_map_put(map.handle);
	return ACL_SUCCESS;
}

ACL_API aclError aclrtUnmapMem(void *virPtr)
{
	uintptr_t addr = (uintptr_t)virPtr;
	struct acl_resv *resv;
	aclError ret;
	ssize_t i;

	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	resv = resv_lookup(addr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not inside a reservation", virPtr);
	pthread_mutex_lock(&resv->lock);
	i = map_find(resv, addr);
	if (i < 0 || resv->maps[i].addr != addr)
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "%p is not the start of a mapping", virPtr);
	else
		ret = map_remove(resv, i);
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return ret;
}

ACL_API aclError aclrtMemSetAccess(void *virPtr, size_t size,
				   aclrtMemAccessDesc *desc, size_t count)
{
	uintptr_t addr = (uintptr_t)virPtr, end, at;
	struct acl_resv *resv;
	uint64_t access;
	aclError ret = ACL_SUCCESS;
	ssize_t first, i;
	size_t d;

	if (!virPtr || !desc)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (!count || !size)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"size and count must not be 0");
	for (d = 0; d < count; d++) {
		if (desc[d].flags != ACL_RT_MEM_ACCESS_FLAGS_NONE &&
		    desc[d].flags != ACL_RT_MEM_ACCESS_FLAGS_READ &&
		    desc[d].flags != ACL_RT_MEM_ACCESS_FLAGS_READWRITE)
			return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
					"unknown access flags %d",
					desc[d].flags);
	}
	/* One address space serves every location: the last desc wins. */
	access = desc[count - 1].flags;
	end = addr + size;
	if (end < addr)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "size overflows");

	resv = resv_lookup(addr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not inside a reservation", virPtr);
	pthread_mutex_lock(&resv->lock);
	/* The range must be covered by mappings without a gap. */
	first = map_find(resv, addr);
	for (i = first, at = addr; i >= 0 && at < end; i++) {
		if ((size_t)i >= resv->nr_maps || resv->maps[i].addr > at)
			break;
		at = resv->maps[i].addr + resv->maps[i].size;
	}
	if (first < 0 || at < end) {
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "[%p, +%zu) is not wholly mapped", virPtr, size);
	} else if (mprotect(virPtr, size, access_prot(access))) {
		ret = acl_fail_errno(errno, "changing access");
	} else {
		for (i = first; (size_t)i < resv->nr_maps &&
		     resv->maps[i].addr < end; i++)
			resv->maps[i].access = access;
		va_populate(addr, size, access);
	}
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return ret;
}

/*
 * Run @fn on the mapping that contains @virPtr, under its reservation's
 * lock; 107000 when nothing is mapped there.
 */
static aclError with_mapping(void *virPtr,
			     void (*fn)(struct acl_mapping *map, void *arg),
			     void *arg)
{
	struct acl_resv *resv;
	aclError ret;
	ssize_t i;

	resv = resv_lookup((uintptr_t)virPtr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not inside a reservation", virPtr);
	pthread_mutex_lock(&resv->lock);
	i = map_find(resv, (uintptr_t)virPtr);
	if (i < 0) {
		ret = acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			       "nothing is mapped at %p", virPtr);
	} else {
		fn(&resv->maps[i], arg);
		ret = ACL_SUCCESS;
	}
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return ret;
}

struct get_access_arg {
	aclrtMemLocation *location;
	uint64_t *flags;
};

static void get_access(struct acl_mapping *map, void *arg)
{
	struct get_access_arg *a = arg;

	*a->flags = map->access;
	*a->location = map->handle->prop.location;
}

ACL_API aclError aclrtMemGetAccess(void *virPtr, aclrtMemLocation *location,
				   uint64_t *flag)
{
	struct get_access_arg arg = { .location = location, .flags = flag };

	if (!virPtr || !location || !flag)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return with_mapping(virPtr, get_access, &arg);
}

static void retain_handle(struct acl_mapping *map, void *arg)
{
	acl_handle_retain(map->handle);
	*(aclrtDrvMemHandle *)arg = map->handle;
}

ACL_API aclError aclrtMemRetainAllocationHandle(void *virPtr,
						aclrtDrvMemHandle *handle)
{
	if (!virPtr || !handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	return with_mapping(virPtr, retain_handle, handle);
}

ACL_API aclError aclrtMemGetAddressRange(void *ptr, void **pbase,
					 size_t *psize)
{
	struct acl_resv *resv;

	if (!ptr || !pbase || !psize)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	resv = resv_lookup((uintptr_t)ptr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not inside a reservation", ptr);
	*pbase = (void *)resv->base;
	*psize = resv->size;
	resv_put(resv);
	return ACL_SUCCESS;
}

/* aclrtMalloc: a reservation of its own with one handle mapped in it. */
aclError acl_va_malloc(void **ptr, uint64_t size, uint64_t page_size,
		       int32_t device)
{
	aclrtPhysicalMemProp prop = {
		.handleType = ACL_MEM_HANDLE_TYPE_NONE,
		.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED,
		.memAttr = page_size == SZ_1G ? ACL_HBM_MEM_HUGE1G :
						ACL_HBM_MEM_HUGE,
		.location = { .id = device,
			      .type = ACL_MEM_LOCATION_TYPE_DEVICE },
	};
	aclrtDrvMemHandle h;
	struct acl_resv *resv;
	aclError ret;
	void *addr;

	if (size + page_size - 1 < size)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %lu is too large", (unsigned long)size);
	size = (size + page_size - 1) & ~(page_size - 1);
	ret = aclrtMallocPhysical(&h, size, &prop, 0);
	if (ret)
		return ret;
	ret = resv_create(&addr, size, NULL, true);
	if (ret)
		goto out;
	ret = aclrtMapMem(addr, size, 0, h, 0);
	if (ret) {
		resv = resv_lookup((uintptr_t)addr);
		resv->from_malloc = false;
		resv_release(resv);
		resv_put(resv);
		goto out;
	}
	*ptr = addr;
out:
	aclrtFreePhysical(h);	/* the mapping keeps the memory */
	return ret;
}

aclError acl_va_free(void *ptr)
{
	struct acl_resv *resv;
	aclError ret;

	resv = resv_lookup((uintptr_t)ptr);
	if (!resv || resv->base != (uintptr_t)ptr || !resv->from_malloc) {
		if (resv)
			resv_put(resv);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p was not returned by aclrtMalloc", ptr);
	}
	pthread_mutex_lock(&resv->lock);
	ret = ACL_SUCCESS;
	while (resv->nr_maps && !ret)
		ret = map_remove(resv, resv->nr_maps - 1);
	pthread_mutex_unlock(&resv->lock);
	if (!ret)
		ret = resv_release(resv);
	resv_put(resv);
	return ret;
}
