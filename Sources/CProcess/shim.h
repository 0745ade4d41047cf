#ifndef MAMMON_CPROCESS_SHIM_H
#define MAMMON_CPROCESS_SHIM_H
// prctl(2) is variadic, which Swift cannot call: typed wrappers for the two options used.
#ifdef __linux__
#include <sys/prctl.h>

static inline int mammon_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL); }
static inline int mammon_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL); }
#endif
#endif
