/* Declarations only for the driver; its definition comes from libFuzzer (-sanitize=fuzzer). */
#include "FuzzDriver.h"

/* libFuzzer's own `main` (its archive is linked whole) calls LLVMFuzzerTestOneInput. The targets
   never run that `main` (SwiftPM's renamed one calls LLVMFuzzerRunDriver with a callback), but a
   debug link keeps it and needs the symbol; a release link drops it. Weak, so it never competes. */
__attribute__((weak)) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
