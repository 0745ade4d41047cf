#ifndef MAMMON_FUZZ_DRIVER_H
#define MAMMON_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>
/* libFuzzer's library entry point (LLVM >= 11). SwiftPM gives every executable its own `main`,
   so the targets call the driver themselves instead of relying on libFuzzer's main. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
