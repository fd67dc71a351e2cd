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
 * mappings; there is no process-wide lock on these paths. aclrtMalloc and
 * aclrtMallocHost allocations sit in the same table, so that
 * aclrtMemGetAddressRange finds them.
 *
 * The checks and codes are those of hicann/runtime's acl layer
 * (memory.cpp: aclrtReserveMemAddressImpl, aclrtMapMemImpl, ...) and of
 * hicann/driver: its library (devmm_svm.c: halMemAddressReserve,
 * halMemMap, halMemSetAccess, ...) answers 107000 and 207000, its kernel
 * (svm_master_mem_map.c) 507899 for what it refuses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define REGION_SHIFT	30
#define SZ_1M		(1UL << 20)
#define RESV_SHARDS	256

struct acl_mapping {
	uintptr_t addr;
	uint64_t size;
	struct acl_handle *handle;	/* holds a map reference */
	uint64_t access;		/* the owner's ACL_RT_MEM_ACCESS_FLAGS_* */
	uint64_t peers;			/* other devices given access, a bit each */
};

enum resv_kind {
	RESV_USER,		/* aclrtReserveMemAddress */
	RESV_MALLOC,		/* aclrtMalloc: one handle mapped in it */
	RESV_HOST,		/* aclrtMallocHost: plain host memory */
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
	bool small;			/* asked below 2 MiB: 4 KiB pages */
	bool remote_only;		/* aclrtReserveMemAddressNoUCMemory */
	bool homed;			/* a handle was mapped: @home is set */
	int32_t home;			/* whose handles it takes, for good */
	enum resv_kind kind;
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

/*
 * Reserve @size bytes aligned to @align, exactly at @want when it is not
 * NULL (MAP_FAILED with EEXIST when that range is taken).
 */
static void *va_reserve(uint64_t size, uint64_t align, void *want, int prot)
{
	uintptr_t p, a, end;
	void *m;

	if (want) {
		m = mmap(want, size, prot,
			 va_placeholder_flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (m == want || m == MAP_FAILED)
			return m;
		munmap(m, size);	/* a kernel that ignores NOREPLACE */
		errno = EEXIST;
		return MAP_FAILED;
	}
	if (size + align < size)
		return MAP_FAILED;
	m = mmap(NULL, size + align, prot, va_placeholder_flags, -1, 0);
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

static aclError resv_create(void **ptr, uint64_t size, uint64_t align,
			    void *want, enum resv_kind kind)
{
	int prot = kind == RESV_HOST ? PROT_READ | PROT_WRITE : PROT_NONE;
	uintptr_t first, last, r;
	struct acl_resv *resv;
	void *addr;

	addr = va_reserve(size, align, want, prot);
	if (addr == MAP_FAILED && want && errno == EEXIST)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%p is taken", want);
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
	resv->kind = kind;
	resv->nr_links = last - first + 1;
	for (r = first; r <= last; r++) {
		resv->links[r - first].region = r;
		resv->links[r - first].resv = resv;
	}
	resv_publish(resv);
	*ptr = addr;
	return ACL_SUCCESS;
}

#define RESV_BIG	(512 * SZ_1M)	/* from here: 1 GiB alignment */
#define RESV_MAX	(8ULL << 40)	/* the driver's largest reservation */

/*
 * devmm_svm.c devmm_mem_address_reserve_addr_size_check: an expectPtr is
 * aligned to 1 GiB above 512 MiB, else to the size's power of two (at
 * least 2 MiB).
 */
static aclError check_expect_ptr(uintptr_t want, uint64_t size)
{
	uint64_t align = SZ_2M;

	if (size > RESV_BIG)
		align = SZ_1G;
	else
		while (align < size)
			align <<= 1;
	if (want % align)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"expectPtr %#lx is not aligned to %#lx",
				(unsigned long)want, (unsigned long)align);
	return ACL_SUCCESS;
}

/*
 * memory.cpp aclrtReserveMemAddressImpl (and ...NoUCMemoryImpl), then
 * devmm_svm.c devmm_mem_address_reserve_para_check.
 */
static aclError check_reserve(void **virPtr, size_t size, size_t alignment,
			      void *expectPtr, uint64_t flags)
{
	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (flags > 1)
		return acl_fail(ACL_ERROR_INVALID_PARAM,
				"flags must be 0 or 1");
	if (alignment)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"alignment is reserved and must be 0");
	return expectPtr ? check_expect_ptr((uintptr_t)expectPtr, size) :
			   ACL_SUCCESS;
}

ACL_API aclError aclrtReserveMemAddress(void **virPtr, size_t size,
					size_t alignment, void *expectPtr,
					uint64_t flags)
{
	uint64_t real = size, align = SZ_2M;
	void *addr;
	aclError ret;

	ret = check_reserve(virPtr, size, alignment, expectPtr, flags);
	if (ret)
		return ret;
	/* halMemAddressReserve: at least 2 MiB, in 2 MiB (or 1 GiB) steps */
	if (real > RESV_MAX)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %zu is beyond the largest reservation",
				size);
	if (real > RESV_BIG)
		align = SZ_1G;
	real = (real + align - 1) & ~(align - 1);
	ret = resv_create(&addr, real, align, expectPtr, RESV_USER);
	if (ret)
		return ret;
	if (size < SZ_2M) {
		struct acl_resv *resv = resv_lookup((uintptr_t)addr);

		resv->small = true;
		resv_put(resv);
	}
	*virPtr = addr;
	return ACL_SUCCESS;
}

/*
 * memory.cpp aclrtReserveMemAddressNoUCMemoryImpl asks the driver for a
 * reservation of the kind MEM_RSV_TYPE_REMOTE_MAP (flag bit 9): devmm_svm.c
 * halMemAddressReserve serves it only at a given address
 * (devmm_mem_address_reserve_para_check: 207000), and svm_da_alloc and
 * svm_da_fixed_va_mmap only in whole GiB at a GiB boundary (107000); a
 * taken range fails the fixed mmap (DRV_ERROR_OUT_OF_MEMORY: 207001).
 * Mapped memory there reports 2 MiB pages on the host side too
 * (devmm_get_dyn_reserve_addr_attr).
 */
ACL_API aclError aclrtReserveMemAddressNoUCMemory(void **virPtr, size_t size,
						  size_t alignment,
						  void *expectPtr,
						  uint64_t flags)
{
	uint64_t real = size < SZ_2M ? SZ_2M : size;
	struct acl_resv *resv;
	aclError ret;
	void *addr;

	ret = check_reserve(virPtr, size, alignment, expectPtr, flags);
	if (ret)
		return ret;
	if (!expectPtr)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"this reservation needs an expectPtr");
	if (real % SZ_1G || (uintptr_t)expectPtr % SZ_1G)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"size %zu and expectPtr %p must be whole GiB",
				size, expectPtr);
	if (real > RESV_MAX)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %zu is beyond the largest reservation",
				size);
	ret = resv_create(&addr, real, SZ_1G, expectPtr, RESV_USER);
	if (ret == ACL_ERROR_RT_DRV_INTERNAL_ERROR)
		ret = acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "%p is taken",
			       expectPtr);
	if (ret)
		return ret;
	resv = resv_lookup((uintptr_t)addr);
	resv->remote_only = true;
	resv_put(resv);
	*virPtr = addr;
	return ACL_SUCCESS;
}

/* Take @resv out of use; it must have no mappings. Called unlocked. */
static aclError resv_release(struct acl_resv *resv)
{
	pthread_mutex_lock(&resv->lock);
	if (resv->dead) {
		pthread_mutex_unlock(&resv->lock);
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"the reservation is released");
	}
	if (resv->nr_maps) {
		/* svm_heap_mng.c devmm_set_page_ref_free: pages in use */
		pthread_mutex_unlock(&resv->lock);
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the reservation still has mappings");
	}
	resv->dead = true;
	pthread_mutex_unlock(&resv->lock);
	resv_unpublish(resv);
	munmap((void *)resv->base, resv->size);
	resv_put(resv);		/* the table's reference */
	return ACL_SUCCESS;
}

/* The live reservation of @kind that starts at @ptr, with a reference. */
static struct acl_resv *resv_lookup_start(void *ptr, enum resv_kind kind)
{
	struct acl_resv *resv = resv_lookup((uintptr_t)ptr);

	if (resv && (resv->base != (uintptr_t)ptr || resv->kind != kind)) {
		resv_put(resv);
		resv = NULL;
	}
	return resv;
}

ACL_API aclError aclrtReleaseMemAddress(void *virPtr)
{
	struct acl_resv *resv;
	aclError ret;

	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	/* devmm_svm.c halMemAddressFree: the start of a reservation */
	resv = resv_lookup_start(virPtr, RESV_USER);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not the start of a reservation", virPtr);
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

/* Under resv->lock: map @size bytes of @handle at @addr and record it. */
static aclError map_insert(struct acl_resv *resv, uintptr_t addr, uint64_t size,
			   struct acl_handle *handle, uint64_t access)
{
	struct acl_mapping *maps;
	ssize_t slot;
	void *m;
	int fd;

	/* svm_master_mem_map.c devmm_ioctl_mem_map_para_check */
	if (resv->dead || resv->small)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%#lx is not in a reservation of 2 MiB pages",
				(unsigned long)addr);
	if (addr % SZ_2M || size % SZ_2M ||
	    size > resv->base + resv->size - addr)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"[%#lx, +%lu) is not 2 MiB pages of one reservation",
				(unsigned long)addr, (unsigned long)size);
	slot = map_slot(resv, addr, size);
	if (slot < 0)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"[%#lx, +%lu) is already mapped",
				(unsigned long)addr, (unsigned long)size);
	/*
	 * devmm_mem_map_pg_bitmap_state_set: the first mapping gives the
	 * reservation to its device (or the host), unmapping does not take
	 * it back
	 */
	if (resv->homed && resv->home != handle->home)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the reservation takes handles of %s %d only",
				resv->home == ACL_HOME_HOST ? "the host" :
				"device", resv->home);
	/* svm_mem_map.c devmm_mem_map_info_check, _devmm_mem_map */
	if ((addr | size) % handle->page_size)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"a 1 GiB handle maps at 1 GiB steps");
	if (size > handle->size)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %lu is larger than the handle (%lu)",
				(unsigned long)size,
				(unsigned long)handle->size);
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
	m = mmap((void *)addr, size, access_prot(access),
		 MAP_SHARED | MAP_FIXED, fd, handle->offset);
	if (m == MAP_FAILED) {
		int err = errno;

		/* A failed MAP_FIXED may have dropped the placeholder. */
		mmap((void *)addr, size, PROT_NONE,
		     va_placeholder_flags | MAP_FIXED, -1, 0);
		return acl_fail_errno(err, "mapping the handle");
	}
	memmove(&resv->maps[slot + 1], &resv->maps[slot],
		(resv->nr_maps - slot) * sizeof(*maps));
	resv->maps[slot] = (struct acl_mapping) {
		.addr = addr,
		.size = size,
		.handle = handle,
		.access = access,
	};
	resv->nr_maps++;
	resv->homed = true;
	resv->home = handle->home;
	va_populate(addr, size, access);
	return ACL_SUCCESS;
}

static aclError va_map(void *virPtr, size_t size, size_t offset,
		       aclrtDrvMemHandle h, uint64_t flags, uint64_t access)
{
	uintptr_t addr = (uintptr_t)virPtr;
	struct acl_handle *handle;
	struct acl_resv *resv;
	aclError ret;

	/* memory.cpp aclrtMapMemImpl */
	if (!virPtr || !h)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	if (!size)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "size is 0");
	if (flags)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "flags must be 0");
	/* devmm_svm.c devmm_mem_map_para_check */
	if (offset)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"offset must be 0");
	ret = acl_handle_map_get(h, &handle);
	if (ret)
		return ret;
	resv = resv_lookup(addr);
	if (!resv) {
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "%p is not inside a reservation", virPtr);
		goto err_handle;
	}
	pthread_mutex_lock(&resv->lock);
	if (resv->kind != RESV_USER)
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "%p is not inside a reservation", virPtr);
	else
		ret = map_insert(resv, addr, size, handle, access);
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

/*
 * CANN's driver has no halMemMapNoAccess (207000); aclmem maps with no
 * access until aclrtMemSetAccess gives the owner READWRITE.
 */
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

/*
 * The reservation with a mapping that starts exactly at @addr (locked,
 * with a reference) and its index, or NULL: CANN's driver finds mappings
 * by their start (devmm_svm.c halMemRetainAllocationHandle).
 */
static struct acl_resv *mapping_at(uintptr_t addr, ssize_t *index)
{
	struct acl_resv *resv = resv_lookup(addr);

	if (!resv)
		return NULL;
	pthread_mutex_lock(&resv->lock);
	*index = map_find(resv, addr);
	if (*index >= 0 && resv->maps[*index].addr == addr &&
	    resv->kind == RESV_USER)
		return resv;
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return NULL;
}

static void mapping_done(struct acl_resv *resv)
{
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
}

ACL_API aclError aclrtUnmapMem(void *virPtr)
{
	struct acl_resv *resv;
	aclError ret;
	ssize_t i;

	if (!virPtr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "virPtr is NULL");
	/* devmm_svm.c halMemUnmap: through the mapping's start, else 507899 */
	resv = mapping_at((uintptr_t)virPtr, &i);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%p is not the start of a mapping", virPtr);
	ret = map_remove(resv, i);
	mapping_done(resv);
	return ret;
}

/* The location that owns a handle's memory: its device, or the host. */
static aclrtMemLocation owner_location(const struct acl_handle *handle)
{
	if (handle->home != ACL_HOME_HOST)
		return (aclrtMemLocation){
			.id = (uint32_t)handle->home,
			.type = ACL_MEM_LOCATION_TYPE_DEVICE,
		};
	return (aclrtMemLocation){ .id = 0,
				   .type = ACL_MEM_LOCATION_TYPE_HOST };
}

static bool same_location(aclrtMemLocation a, aclrtMemLocation b)
{
	return a.type == b.type && a.id == b.id;
}

#define DRV_MAX_DEVID	64

/* devmm_svm.c devmm_access_location_check: HOST id 0, DEVICE id < 64. */
static aclError check_location(aclrtMemLocation loc)
{
	if (loc.type == ACL_MEM_LOCATION_TYPE_HOST && loc.id == 0)
		return ACL_SUCCESS;
	if (loc.type == ACL_MEM_LOCATION_TYPE_DEVICE && loc.id < DRV_MAX_DEVID)
		return ACL_SUCCESS;
	return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
			"location type %d id %u is not served", loc.type,
			loc.id);
}

/* devmm_svm.c devmm_access_desc_check: only READWRITE can be given. */
static aclError check_access_desc(const aclrtMemAccessDesc *desc)
{
	if (desc->flags == ACL_RT_MEM_ACCESS_FLAGS_NONE ||
	    desc->flags == ACL_RT_MEM_ACCESS_FLAGS_READ)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"access flags %d: only READWRITE can be set",
				desc->flags);
	if (desc->flags != ACL_RT_MEM_ACCESS_FLAGS_READWRITE)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"unknown access flags %d", desc->flags);
	return check_location(desc->location);
}

/* A DEVICE location that names no device of ours (the driver's -EINVAL). */
static bool location_missing(aclrtMemLocation loc)
{
	return loc.type == ACL_MEM_LOCATION_TYPE_DEVICE &&
	       loc.id >= (uint32_t)acl_device_count();
}

/* Under resv->lock: give @loc READWRITE on [@addr, +@size) of @map. */
static aclError map_set_access(struct acl_mapping *map, uintptr_t addr,
			       uint64_t size, aclrtMemLocation loc)
{
	bool whole = addr == map->addr && size == map->size;

	/* svm_master_mem_map.c devmm_ioctl_mem_get_access */
	if (location_missing(loc) || size > map->addr + map->size - addr)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"the range is not inside one mapping, or no such device");
	if (same_location(loc, owner_location(map->handle))) {
		/* devmm_svm.c halMemSetAccess: the owner's READWRITE again */
		if (!whole)
			return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
					"access is set for a whole mapping");
		if (map->access == ACL_RT_MEM_ACCESS_FLAGS_READWRITE)
			return ACL_SUCCESS;
		if (mprotect((void *)addr, size, PROT_READ | PROT_WRITE))
			return acl_fail_errno(errno, "changing access");
		map->access = ACL_RT_MEM_ACCESS_FLAGS_READWRITE;
		va_populate(addr, size, map->access);
		return ACL_SUCCESS;
	}
	if (!whole)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"access is set for a whole mapping");
	/* h2h and d2h (no HCCS link here): svm_mem_set_access */
	if (loc.type == ACL_MEM_LOCATION_TYPE_HOST)
		return acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
				"the host cannot be given access to this memory");
	/* Every device reaches all of it: only remember the grant. */
	map->peers |= 1ULL << loc.id;
	return ACL_SUCCESS;
}

ACL_API aclError aclrtMemSetAccess(void *virPtr, size_t size,
				   aclrtMemAccessDesc *desc, size_t count)
{
	uintptr_t addr = (uintptr_t)virPtr;
	aclError ret = ACL_SUCCESS;
	struct acl_resv *resv;
	ssize_t i;
	size_t d;

	/* api_error.cc ApiErrorDecorator::MemSetAccess: the acl layer checks none */
	if (!virPtr || !desc)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "NULL argument");
	if (!count)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID, "count is 0");
	for (d = 0; d < count; d++) {
		ret = check_access_desc(&desc[d]);
		if (ret)
			return ret;
	}
	resv = resv_lookup(addr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%p is not inside a mapping", virPtr);
	pthread_mutex_lock(&resv->lock);
	i = map_find(resv, addr);
	if (i < 0 || resv->kind != RESV_USER)
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "%p is not inside a mapping", virPtr);
	for (d = 0; !ret && d < count; d++)
		ret = map_set_access(&resv->maps[i], addr, size,
				     desc[d].location);
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return ret;
}

/*
 * Run @fn on the mapping that contains @virPtr, under its reservation's
 * lock; 507899 when nothing is mapped there.
 */
static aclError with_mapping(void *virPtr,
			     aclError (*fn)(struct acl_mapping *map, void *arg),
			     void *arg)
{
	struct acl_resv *resv;
	aclError ret;
	ssize_t i;

	resv = resv_lookup((uintptr_t)virPtr);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"nothing is mapped at %p", virPtr);
	pthread_mutex_lock(&resv->lock);
	i = map_find(resv, (uintptr_t)virPtr);
	if (i < 0 || resv->kind != RESV_USER)
		ret = acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
			       "nothing is mapped at %p", virPtr);
	else
		ret = fn(&resv->maps[i], arg);
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return ret;
}

struct get_access_arg {
	aclrtMemLocation location;
	uint64_t flags;
};

static aclError get_access(struct acl_mapping *map, void *arg)
{
	struct get_access_arg *a = arg;

	if (same_location(a->location, owner_location(map->handle)))
		a->flags = map->access;
	else if (a->location.type == ACL_MEM_LOCATION_TYPE_DEVICE &&
		 map->peers & 1ULL << a->location.id)
		a->flags = ACL_RT_MEM_ACCESS_FLAGS_READWRITE;
	else
		a->flags = ACL_RT_MEM_ACCESS_FLAGS_NONE;
	return ACL_SUCCESS;
}

/* @location names whose access to ask for (devmm_svm.c halMemGetAccess). */
ACL_API aclError aclrtMemGetAccess(void *virPtr, aclrtMemLocation *location,
				   uint64_t *flag)
{
	struct get_access_arg arg = { .flags = 0 };
	aclError ret;

	if (!virPtr || !location || !flag)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	ret = check_location(*location);
	if (ret)
		return ret;
	if (location_missing(*location))
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"device %u does not exist", location->id);
	arg.location = *location;
	ret = with_mapping(virPtr, get_access, &arg);
	if (!ret)
		*flag = arg.flags;
	return ret;
}

ACL_API aclError aclrtMemRetainAllocationHandle(void *virPtr,
						aclrtDrvMemHandle *handle)
{
	struct acl_resv *resv;
	ssize_t i;

	if (!virPtr || !handle)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "NULL argument");
	resv = mapping_at((uintptr_t)virPtr, &i);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_DRV_INTERNAL_ERROR,
				"%p is not the start of a mapping", virPtr);
	acl_handle_retain(resv->maps[i].handle);
	*handle = resv->maps[i].handle;
	mapping_done(resv);
	return ACL_SUCCESS;
}

/*
 * The mapping (one aclrtMapMem) or the allocation (aclrtMalloc,
 * aclrtMallocHost) that contains @ptr: devmm_svm.c halMemGetAddressRange.
 */
ACL_API aclError aclrtMemGetAddressRange(void *ptr, void **pbase,
					 size_t *psize)
{
	struct acl_resv *resv;
	uintptr_t base = 0;
	uint64_t size = 0;
	ssize_t i;

	if (!ptr)
		return acl_fail(ACL_ERROR_INVALID_PARAM, "ptr is NULL");
	/* api_error.cc ApiErrorDecorator::MemGetAddressRange */
	if (!pbase && !psize)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"pbase and psize are both NULL");
	resv = resv_lookup((uintptr_t)ptr);
	if (resv) {
		pthread_mutex_lock(&resv->lock);
		if (resv->kind != RESV_USER) {
			base = resv->base;	/* the allocation */
			size = resv->size;
		} else {
			i = map_find(resv, (uintptr_t)ptr);
			if (i >= 0) {
				base = resv->maps[i].addr;
				size = resv->maps[i].size;
			}
		}
		pthread_mutex_unlock(&resv->lock);
		resv_put(resv);
	}
	if (pbase)
		*pbase = (void *)base;
	if (!base)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p is not in a mapping or an allocation", ptr);
	if (psize)
		*psize = size;
	return ACL_SUCCESS;
}

void acl_va_query(uintptr_t addr, struct acl_va_info *info)
{
	struct acl_resv *resv = resv_lookup(addr);
	ssize_t i;

	*info = (struct acl_va_info){ .kind = ACL_VA_NONE,
				      .home = ACL_HOME_HOST };
	if (!resv)
		return;
	pthread_mutex_lock(&resv->lock);
	info->base = resv->base;
	info->size = resv->size;
	info->remote_only = resv->remote_only;
	if (resv->kind == RESV_HOST) {
		info->kind = ACL_VA_HOST;
	} else if (resv->kind == RESV_MALLOC) {
		info->kind = ACL_VA_MALLOC;
		if (resv->nr_maps)
			info->home = resv->maps[0].handle->home;
	} else {
		i = map_find(resv, addr);
		info->kind = i < 0 ? ACL_VA_UNMAPPED : ACL_VA_MAPPED;
		if (i >= 0) {
			info->home = resv->maps[i].handle->home;
			info->base = resv->maps[i].addr;
			info->size = resv->maps[i].size;
		}
	}
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
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
	struct acl_handle *handle;
	struct acl_resv *resv;
	aclrtDrvMemHandle h;
	uint64_t resv_size;
	aclError ret;
	void *addr;

	if (size + page_size - 1 < size)
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %lu is too large", (unsigned long)size);
	size = (size + page_size - 1) & ~(page_size - 1);
	ret = aclrtMallocPhysical(&h, size, &prop, 0);
	if (ret)
		return ret;
	/* devmm_virt_base_heap.c: above 512 MiB a heap of whole GiB */
	resv_size = size > RESV_BIG ? (size + SZ_1G - 1) & ~(SZ_1G - 1) : size;
	ret = resv_create(&addr, resv_size, size > RESV_BIG ? SZ_1G : page_size,
			  NULL, RESV_MALLOC);
	if (ret)
		goto out;
	resv = resv_lookup((uintptr_t)addr);
	ret = acl_handle_map_get(h, &handle);
	if (!ret) {
		pthread_mutex_lock(&resv->lock);
		ret = map_insert(resv, (uintptr_t)addr, size, handle,
				 ACL_RT_MEM_ACCESS_FLAGS_READWRITE);
		pthread_mutex_unlock(&resv->lock);
		if (ret)
			acl_handle_map_put(handle);
	}
	if (ret) {
		resv_release(resv);
	} else {
		*ptr = addr;
	}
	resv_put(resv);
out:
	aclrtFreePhysical(h);	/* the mapping keeps the memory */
	return ret;
}

/* Unmap and release a reservation of @kind that starts at @ptr. */
static aclError resv_free(void *ptr, enum resv_kind kind)
{
	struct acl_resv *resv;
	aclError ret = ACL_SUCCESS;

	resv = resv_lookup_start(ptr, kind);
	if (!resv)
		return acl_fail(ACL_ERROR_RT_PARAM_INVALID,
				"%p was not returned by aclrtMalloc%s", ptr,
				kind == RESV_HOST ? "Host" : "");
	pthread_mutex_lock(&resv->lock);
	while (resv->nr_maps && !ret)
		ret = map_remove(resv, resv->nr_maps - 1);
	pthread_mutex_unlock(&resv->lock);
	if (!ret)
		ret = resv_release(resv);
	resv_put(resv);
	return ret;
}

aclError acl_va_free(void *ptr)
{
	return resv_free(ptr, RESV_MALLOC);
}

/* aclrtMallocHost: page-rounded anonymous memory, found by address. */
aclError acl_va_malloc_host(void **ptr, uint64_t size)
{
	const uint64_t page = 4096;

	if (size > UINT64_MAX - (page - 1))
		return acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
				"size %lu is too large", (unsigned long)size);
	return resv_create(ptr, (size + page - 1) & ~(page - 1), page, NULL,
			   RESV_HOST);
}

aclError acl_va_free_host(void *ptr)
{
	return resv_free(ptr, RESV_HOST);
}

/*
 * For ipc.c: the handle mapped at @ptr (in an aclrtMalloc allocation or
 * an aclrtMapMem mapping) with one more user reference, @ptr's offset in
 * that mapping and the mapping's length. false when none is there.
 */
bool acl_va_mapped_handle(void *ptr, struct acl_handle **handle,
			  uint64_t *offset, uint64_t *len)
{
	struct acl_resv *resv = resv_lookup((uintptr_t)ptr);
	ssize_t i;

	if (!resv)
		return false;
	pthread_mutex_lock(&resv->lock);
	i = map_find(resv, (uintptr_t)ptr);
	if (i >= 0) {
		acl_handle_retain(resv->maps[i].handle);
		*handle = resv->maps[i].handle;
		*offset = (uintptr_t)ptr - resv->maps[i].addr;
		*len = resv->maps[i].size;
	}
	pthread_mutex_unlock(&resv->lock);
	resv_put(resv);
	return i >= 0;
}
