#ifndef CASEWATCH_FUZZ_DRIVER_H
#define CASEWATCH_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer (its LLVMFuzzerRunDriver) on `test_one_input` with the process's arguments, and returns its
/// exit status. A fuzz target's main calls it: SwiftPM gives every executable a main of its own, so libFuzzer's
/// main cannot be the program's.
int casewatch_fuzz_main(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
