#ifndef MAMMON_CSODIUM_SHIM_H
#define MAMMON_CSODIUM_SHIM_H
#include <sodium.h>
#endif
