// Include this instead of <doctest/doctest.h> in engine tests: LibTorch's c10/util/Logging.h
// defines its own aborting CHECK macro, which would silently replace doctest's.
#pragma once

#include <torch/torch.h>

#undef CHECK
#include <doctest/doctest.h>
