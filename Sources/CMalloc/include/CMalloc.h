#ifndef CMALLOC_H
#define CMALLOC_H

#include <malloc.h>

/// glibc's malloc_trim(0): returns the free memory at the top of the heap and in every arena to the system.
/// Swift's Glibc module does not export <malloc.h>.
static inline int cmalloc_trim(void) { return malloc_trim(0); }

/// glibc's mallopt(M_ARENA_MAX, count): at most `count` malloc arenas, however many threads allocate.
static inline int cmalloc_set_arena_max(int count) { return mallopt(M_ARENA_MAX, count); }

/// glibc's mallopt(M_MMAP_THRESHOLD, bytes): blocks of at least `bytes` are mapped on their own and unmapped when
/// freed; setting it also stops glibc from raising it as large blocks are freed.
static inline int cmalloc_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

#endif
