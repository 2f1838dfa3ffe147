#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

/* Macros Swift cannot import: the level-1 work buffer size ISA-L suggests, and the flush kinds. */
static inline uint32_t cisal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
static inline uint16_t cisal_no_flush(void) { return NO_FLUSH; }
static inline uint16_t cisal_sync_flush(void) { return SYNC_FLUSH; }
static inline uint16_t cisal_raw_deflate(void) { return IGZIP_DEFLATE; }
static inline int cisal_comp_ok(void) { return COMP_OK; }
#endif
