/*
 * alloc_tracker.c: an LD_PRELOAD shim that counts the bytes of live aligned heap allocations.
 *
 * Why aligned allocations only: c10 allocates the data of every CPU tensor with
 * posix_memalign(&p, 64, nbytes) (c10/core/impl/alloc_cpu.cpp) and releases it with free(); almost
 * nothing else in the process uses the aligned entry points, while malloc is used by everything
 * (the .NET runtime, TensorImpl objects, autograd nodes) and would drown the tensor bytes.
 *
 * What it interposes (checked with nm -D on libtorch-cpu-linux-x64 2.10.0): libc10.so and
 * libtorch_cpu.so import posix_memalign; the bundled libgomp imports aligned_alloc; nothing imports
 * memalign, valloc or pvalloc, but memalign is cheap to cover. free and realloc are interposed so a
 * tracked block leaves the map whichever way it goes. malloc and calloc are NOT interposed, which is
 * what keeps dlsym safe here: dlsym may calloc (its error buffer), and that goes straight to libc.
 *
 * Every tracked block is classified by its caller (the return address of the allocation call):
 *   - "tensor": called from libc10.so, i.e. c10::alloc_cpu: the data of a CPU tensor (storage);
 *   - "other": anything else (oneDNN/fbgemm scratch in libtorch_cpu.so, libgomp's thread data, ...).
 * tb_live_bytes/tb_peak_bytes count both; the tb_tensor_* functions count tensors only.
 * Sizes are the requested sizes (for tensors: storage nbytes = numel x element size for a fresh
 * contiguous tensor), not what malloc rounds them up to.
 *
 * API (plain C symbols, for P/Invoke from the process this is preloaded into):
 *   long long tb_live_bytes(void), tb_peak_bytes(void), tb_reset_peak(void) (peak := live),
 *   long long tb_tensor_live_bytes(void), tb_tensor_peak_bytes(void),
 *   long long tb_live_blocks(void), tb_tensor_live_blocks(void),
 *   int tb_is_preloaded(void): 1 when this library's posix_memalign is the one the process uses
 *     (a dlopen'ed copy interposes nothing and would count nothing).
 *   void tb_set_log_fd(int fd): when fd >= 0, write "+ size kind ptr" / "- size kind ptr" per
 *     tracked event to fd (for finding where bytes come from); -1 turns it off.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TB_EXPORT __attribute__((visibility("default")))

typedef int (*posix_memalign_fn)(void **, size_t, size_t);
typedef void *(*aligned_alloc_fn)(size_t, size_t);
typedef void (*free_fn)(void *);
typedef void *(*realloc_fn)(void *, size_t);

/* glibc's own entry points, used only while dlsym is still resolving the real ones (a call that
   re-enters during resolution must not recurse into dlsym). Weak: absent on other C libraries. */
extern void *__libc_memalign(size_t, size_t) __attribute__((weak));
extern void __libc_free(void *) __attribute__((weak));
extern void *__libc_realloc(void *, size_t) __attribute__((weak));

static posix_memalign_fn real_posix_memalign;
static aligned_alloc_fn real_aligned_alloc;
static aligned_alloc_fn real_memalign;
static free_fn real_free;
static realloc_fn real_realloc;
static volatile int resolved;
static __thread int resolving;

static void resolve(void)
{
    if (__atomic_load_n(&resolved, __ATOMIC_ACQUIRE) || resolving) return;
    resolving = 1;
    /* Races between threads are harmless: each stores the same addresses. */
    free_fn f = (free_fn)dlsym(RTLD_NEXT, "free");
    realloc_fn r = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
    posix_memalign_fn pm = (posix_memalign_fn)dlsym(RTLD_NEXT, "posix_memalign");
    aligned_alloc_fn aa = (aligned_alloc_fn)dlsym(RTLD_NEXT, "aligned_alloc");
    aligned_alloc_fn ma = (aligned_alloc_fn)dlsym(RTLD_NEXT, "memalign");
    __atomic_store_n(&real_free, f, __ATOMIC_RELAXED);
    __atomic_store_n(&real_realloc, r, __ATOMIC_RELAXED);
    __atomic_store_n(&real_posix_memalign, pm, __ATOMIC_RELAXED);
    __atomic_store_n(&real_aligned_alloc, aa, __ATOMIC_RELAXED);
    __atomic_store_n(&real_memalign, ma, __ATOMIC_RELAXED);
    __atomic_store_n(&resolved, 1, __ATOMIC_RELEASE);
    resolving = 0;
}

/* A fork while another thread holds the lock would leave the child's copy locked forever. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void before_fork(void) { pthread_mutex_lock(&lock); }
static void after_fork(void) { pthread_mutex_unlock(&lock); }

__attribute__((constructor)) static void tb_init(void)
{
    resolve();
    pthread_atfork(before_fork, after_fork, after_fork);
}

/* ---- which library called: libc10.so's address range, found lazily ---- */

static uintptr_t c10_lo, c10_hi; /* [lo, hi) of libc10.so's loaded segments; 0 until found */

struct range_query { uintptr_t base; uintptr_t hi; };

static int find_range(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct range_query *q = data;
    if (info->dlpi_addr != q->base) return 0;
    uintptr_t hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) continue;
        uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        if (end > hi) hi = end;
    }
    q->hi = hi;
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* 1 when the caller is libc10.so. Called without our lock held (dladdr takes the loader lock). */
static int called_from_c10(const void *caller)
{
    uintptr_t a = (uintptr_t)caller;
    uintptr_t lo = __atomic_load_n(&c10_lo, __ATOMIC_ACQUIRE);
    if (lo != 0) return a >= lo && a < __atomic_load_n(&c10_hi, __ATOMIC_ACQUIRE);
    if (resolving) return 0;
    Dl_info info;
    if (!dladdr(caller, &info) || info.dli_fname == NULL) return 0;
    if (!ends_with(info.dli_fname, "/libc10.so") && strcmp(info.dli_fname, "libc10.so") != 0) return 0;
    struct range_query q = { (uintptr_t)info.dli_fbase, 0 };
    dl_iterate_phdr(find_range, &q);
    if (q.hi == 0) return 1;
    __atomic_store_n(&c10_hi, q.hi, __ATOMIC_RELEASE);
    __atomic_store_n(&c10_lo, q.base, __ATOMIC_RELEASE);
    return 1;
}

/* ---- the map: open addressing, linear probing, backward-shift deletion, memory from mmap ---- */

struct slot { uintptr_t key; size_t size; int tensor; };

static struct slot *table;
static size_t capacity; /* a power of two, or 0 */
static size_t count;
static long long live_all, peak_all, live_tensor, peak_tensor, tensor_blocks;
static volatile int log_fd = -1;

static size_t slot_of(uintptr_t key, size_t mask)
{
    uint64_t h = (uint64_t)(key >> 4) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & mask;
}

static int grow(void)
{
    size_t new_capacity = capacity ? capacity * 2 : 1 << 16;
    struct slot *fresh = mmap(NULL, new_capacity * sizeof(struct slot), PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fresh == MAP_FAILED) return 0;
    size_t mask = new_capacity - 1;
    for (size_t i = 0; i < capacity; i++)
    {
        if (table[i].key == 0) continue;
        size_t j = slot_of(table[i].key, mask);
        while (fresh[j].key != 0) j = (j + 1) & mask;
        fresh[j] = table[i];
    }
    if (table) munmap(table, capacity * sizeof(struct slot));
    table = fresh;
    capacity = new_capacity;
    return 1;
}

/* Caller holds the lock. */
static void insert(uintptr_t key, size_t size, int tensor)
{
    if ((count + 1) * 4 > capacity * 3 && !grow()) return; /* out of memory: untracked */
    size_t mask = capacity - 1, i = slot_of(key, mask);
    while (table[i].key != 0 && table[i].key != key) i = (i + 1) & mask;
    if (table[i].key == key)
    { /* cannot happen for live blocks; keep the books straight anyway */
        live_all -= (long long)table[i].size;
        if (table[i].tensor) { live_tensor -= (long long)table[i].size; tensor_blocks--; }
    }
    else __atomic_store_n(&count, count + 1, __ATOMIC_RELAXED); /* free() peeks at it unlocked */
    table[i].key = key;
    table[i].size = size;
    table[i].tensor = tensor;
    live_all += (long long)size;
    if (live_all > peak_all) peak_all = live_all;
    if (tensor)
    {
        tensor_blocks++;
        live_tensor += (long long)size;
        if (live_tensor > peak_tensor) peak_tensor = live_tensor;
    }
}

/* Caller holds the lock. Returns 1 and the entry when key was tracked. */
static int remove_key(uintptr_t key, struct slot *removed)
{
    if (count == 0) return 0;
    size_t mask = capacity - 1, i = slot_of(key, mask);
    while (table[i].key != key)
    {
        if (table[i].key == 0) return 0;
        i = (i + 1) & mask;
    }
    *removed = table[i];
    __atomic_store_n(&count, count - 1, __ATOMIC_RELAXED);
    live_all -= (long long)removed->size;
    if (removed->tensor) { live_tensor -= (long long)removed->size; tensor_blocks--; }
    /* Backward-shift: move later entries of the probe run into the hole when their home allows. */
    size_t hole = i, j = i;
    for (;;)
    {
        j = (j + 1) & mask;
        if (table[j].key == 0) break;
        size_t home = slot_of(table[j].key, mask);
        int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (between) continue;
        table[hole] = table[j];
        hole = j;
    }
    table[hole].key = 0;
    return 1;
}

/* ---- event log (optional): no stdio, no malloc ---- */

static size_t put_dec(char *p, unsigned long long v)
{
    char tmp[24];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t k = 0; k < n; k++) p[k] = tmp[n - 1 - k];
    return n;
}

static size_t put_hex(char *p, unsigned long long v)
{
    char tmp[20];
    size_t n = 0;
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    for (size_t k = 0; k < n; k++) p[k] = tmp[n - 1 - k];
    return n;
}

static void log_event(char sign, size_t size, int tensor, uintptr_t key, const void *caller)
{
    int fd = log_fd;
    if (fd < 0) return;
    char line[512];
    size_t n = 0;
    line[n++] = sign;
    line[n++] = ' ';
    n += put_dec(line + n, size);
    memcpy(line + n, tensor ? " tensor 0x" : " other 0x", tensor ? 10 : 9);
    n += tensor ? 10 : 9;
    n += put_hex(line + n, key);
    if (caller)
    {
        memcpy(line + n, " from 0x", 8);
        n += 8;
        n += put_hex(line + n, (uintptr_t)caller);
        Dl_info info;
        if (dladdr(caller, &info))
        { /* library and nearest exported symbol: where non-tensor aligned memory comes from */
            const char *names[2] = { info.dli_fname, info.dli_sname };
            for (int k = 0; k < 2; k++)
            {
                const char *name = names[k];
                if (name == NULL) continue;
                const char *slash = k == 0 ? strrchr(name, '/') : NULL;
                if (slash) name = slash + 1;
                line[n++] = ' ';
                size_t len = strlen(name);
                if (len > sizeof line - n - 2) len = sizeof line - n - 2;
                memcpy(line + n, name, len);
                n += len;
            }
        }
    }
    line[n++] = '\n';
    ssize_t ignored = write(fd, line, n);
    (void)ignored;
}

static void track(void *p, size_t size, const void *caller)
{
    if (p == NULL) return;
    int tensor = called_from_c10(caller);
    pthread_mutex_lock(&lock);
    insert((uintptr_t)p, size, tensor);
    pthread_mutex_unlock(&lock);
    log_event('+', size, tensor, (uintptr_t)p, caller);
}

/* Returns 1 when p was tracked (and is no more). */
static int untrack(void *p)
{
    struct slot removed;
    int found;
    pthread_mutex_lock(&lock);
    found = remove_key((uintptr_t)p, &removed);
    pthread_mutex_unlock(&lock);
    if (found) log_event('-', removed.size, removed.tensor, removed.key, NULL);
    return found;
}

/* ---- the interposed entry points ---- */

/* The implementation under a hidden name, so tb_is_preloaded can tell it from libc's. */
__attribute__((visibility("hidden"))) int tb_posix_memalign(void **out, size_t alignment, size_t size)
{
    resolve();
    posix_memalign_fn real = __atomic_load_n(&real_posix_memalign, __ATOMIC_RELAXED);
    if (real == NULL)
    { /* only while dlsym itself is running */
        if (!__libc_memalign) return ENOMEM;
        void *p = __libc_memalign(alignment, size);
        if (p == NULL) return ENOMEM;
        *out = p;
        return 0;
    }
    int rc = real(out, alignment, size);
    if (rc == 0) track(*out, size, __builtin_return_address(0));
    return rc;
}

TB_EXPORT int posix_memalign(void **out, size_t alignment, size_t size)
    __attribute__((alias("tb_posix_memalign")));

TB_EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
    resolve();
    aligned_alloc_fn real = __atomic_load_n(&real_aligned_alloc, __ATOMIC_RELAXED);
    void *p = real ? real(alignment, size) : (__libc_memalign ? __libc_memalign(alignment, size) : NULL);
    if (real) track(p, size, __builtin_return_address(0));
    return p;
}

TB_EXPORT void *memalign(size_t alignment, size_t size)
{
    resolve();
    aligned_alloc_fn real = __atomic_load_n(&real_memalign, __ATOMIC_RELAXED);
    void *p = real ? real(alignment, size) : (__libc_memalign ? __libc_memalign(alignment, size) : NULL);
    if (real) track(p, size, __builtin_return_address(0));
    return p;
}

TB_EXPORT void free(void *p)
{
    if (p == NULL) return;
    free_fn real = __atomic_load_n(&real_free, __ATOMIC_RELAXED);
    if (real == NULL)
    {
        resolve();
        real = __atomic_load_n(&real_free, __ATOMIC_RELAXED);
        if (real == NULL)
        { /* inside dlsym: nothing of ours can be live yet */
            if (__libc_free) __libc_free(p);
            return;
        }
    }
    if (__atomic_load_n(&count, __ATOMIC_RELAXED) != 0) untrack(p);
    real(p);
}

TB_EXPORT void *realloc(void *p, size_t size)
{
    realloc_fn real = __atomic_load_n(&real_realloc, __ATOMIC_RELAXED);
    if (real == NULL)
    {
        resolve();
        real = __atomic_load_n(&real_realloc, __ATOMIC_RELAXED);
        if (real == NULL) return __libc_realloc ? __libc_realloc(p, size) : NULL;
    }
    if (p == NULL || __atomic_load_n(&count, __ATOMIC_RELAXED) == 0) return real(p, size);
    /* A tracked block handed to realloc: follow it to its new address, as the same kind. */
    struct slot removed;
    int found;
    pthread_mutex_lock(&lock);
    found = remove_key((uintptr_t)p, &removed);
    pthread_mutex_unlock(&lock);
    void *q = real(p, size);
    if (found)
    {
        if (q != NULL || size == 0)
            log_event('-', removed.size, removed.tensor, removed.key, NULL);
        if (q != NULL)
        {
            pthread_mutex_lock(&lock);
            insert((uintptr_t)q, size, removed.tensor);
            pthread_mutex_unlock(&lock);
            log_event('+', size, removed.tensor, (uintptr_t)q, NULL);
        }
        else if (size != 0)
        { /* realloc failed: the old block is still there */
            pthread_mutex_lock(&lock);
            insert(removed.key, removed.size, removed.tensor);
            pthread_mutex_unlock(&lock);
        }
    }
    return q;
}

/* ---- the API ---- */

static long long read_locked(const long long *v)
{
    pthread_mutex_lock(&lock);
    long long r = *v;
    pthread_mutex_unlock(&lock);
    return r;
}

TB_EXPORT long long tb_live_bytes(void) { return read_locked(&live_all); }
TB_EXPORT long long tb_peak_bytes(void) { return read_locked(&peak_all); }
TB_EXPORT long long tb_tensor_live_bytes(void) { return read_locked(&live_tensor); }
TB_EXPORT long long tb_tensor_peak_bytes(void) { return read_locked(&peak_tensor); }
TB_EXPORT long long tb_tensor_live_blocks(void) { return read_locked(&tensor_blocks); }

TB_EXPORT long long tb_live_blocks(void)
{
    pthread_mutex_lock(&lock);
    long long r = (long long)count;
    pthread_mutex_unlock(&lock);
    return r;
}

TB_EXPORT void tb_reset_peak(void)
{
    pthread_mutex_lock(&lock);
    peak_all = live_all;
    peak_tensor = live_tensor;
    pthread_mutex_unlock(&lock);
}

TB_EXPORT int tb_is_preloaded(void)
{
    return dlsym(RTLD_DEFAULT, "posix_memalign") == (void *)&tb_posix_memalign;
}

TB_EXPORT void tb_set_log_fd(int fd) { log_fd = fd; }
