// The blog post's implementation listing: a self-contained PyTorch program of exactly the
// spec's architecture (only the norm, activation, position encoding, attention layout, biases
// and weight tying this model uses), with the parameter names and shapes of the measured
// LibTorch model (engine/models/decoder.h). Run as is, it checks itself: every size's
// parameter count on the `meta` device against the card's count, the logits' shape, and
// causality; it exits non-zero when any check fails (tests/e2e/torch_listings.sh runs it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"

namespace render {

struct ListingSize {
  std::string name;            // "small"
  engine::ModelConfig config;
  int64_t parameters = 0;      // the card's exact count (tied weights once)
};

// REQUIRES: sizes non-empty, all of the same architecture (only dimensions differ);
// run_size names one of them (the size the program builds and runs).
std::string PyTorchListing(const std::string& model_name, const std::string& spec_path,
                           const std::vector<ListingSize>& sizes, const std::string& run_size,
                           int64_t sequence_length);

// The start of every listing's main(): each size's parameter count on `meta` against the card's
// PARAMETERS, then the run size's model, seeded, in eval mode.
std::string ListingMainPrologue(const std::string& run_size);

// The same for the encoder, vit, resnet, audio and recurrent families (listing_families.cc);
// PyTorchListing dispatches there for them.
std::string PyTorchFamilyListing(const std::string& model_name, const std::string& spec_path,
                                 const std::vector<ListingSize>& sizes, const std::string& run_size,
                                 int64_t sequence_length);

}  // namespace render
