#ifndef MAMMON_CPROCESS_SHIM_H
#define MAMMON_CPROCESS_SHIM_H
// prctl(2) is variadic, which Swift cannot call: typed wrappers for the two options used; and
// glibc's malloc_trim, which the Glibc module does not export.
#ifdef __linux__
#include <sys/prctl.h>

static inline int mammon_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL); }
static inline int mammon_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL); }

// glibc keeps freed heap pages (in every thread's arena) until told to return them: after the
// console's one-off start-up reads, what they allocated and freed would stay resident for weeks.
#include <malloc.h>
static inline int mammon_release_free_heap(void) { return malloc_trim(0); }
// One malloc arena per thread (glibc's default, up to 8 per core) keeps each arena's free pages
// resident; a long-running process with a cooperative pool and I/O threads needs few.
static inline int mammon_limit_malloc_arenas(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
// Blocks from this size up are mmapped and unmapped at free. glibc otherwise raises the threshold
// each time such a block is freed (up to 32 MB), and later large temporary buffers (a read's rows,
// a decoded payload) come from the heap, where the small objects kept beside them pin their pages.
static inline int mammon_fix_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
// Bytes allocated and not freed (heap and mmapped): what a structure holds, measured by `mammon-bench`.
static inline size_t mammon_heap_in_use(void) { struct mallinfo2 m = mallinfo2(); return m.uordblks + m.hblkhd; }
#endif
#endif
