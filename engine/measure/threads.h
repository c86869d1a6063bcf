// How many CPUs this process may run on (the basis of ConfigureThreads' default and of
// Environment::cores). ConfigureThreads and CudaAvailable themselves are declared in engine.h.
#pragma once

#include <cstdint>

namespace engine {

// Logical CPUs in this process's affinity mask (sched_getaffinity), so a container or
// `taskset` limit is respected; at least 1.
int64_t AvailableCores();

}  // namespace engine
