// The blog post's implementation listing: a self-contained PyTorch program of exactly the
// spec's architecture (only the norm, activation, position encoding, attention layout, biases
// and weight tying this model uses), with the parameter names and shapes of the measured
// LibTorch model (engine/models/decoder.h). Run as is, it checks itself: every size's
// parameter count on the `meta` device against the card's count, the logits' shape, and
// causality; it exits non-zero when any check fails (tests/e2e/torch_listings.sh runs it).
// The Python text lives in templates/listings/ (one template per family, shared pieces in
// templates/listings/partials/); the code here computes only the values the templates print.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "engine/config.h"

namespace render {

struct ListingSize {
  std::string name;  // "small"
  engine::ModelConfig config;
  int64_t parameters = 0;  // the card's exact count (tied weights once)
};

// Renders <templates_dir>/listings/<family>.mustache with RenderTemplate (renderer.h): "decoder"
// for the decoder and moe families, else the family's name (engine::FamilyName). The template's
// final newline is not part of the listing. A missing or malformed template gives a one-line
// Python comment naming the problem instead of a listing.
// REQUIRES: sizes non-empty, all of the same architecture (only dimensions differ);
// run_size names one of them (the size the program builds and runs).
std::string PyTorchListing(const std::string& templates_dir, const std::string& model_name,
                           const std::string& spec_path, const std::vector<ListingSize>& sizes,
                           const std::string& run_size, int64_t sequence_length);

// The values of the encoder, vit, resnet, audio and recurrent listings (listing_families.cc), but
// those PyTorchListing adds for every family: model_name, spec_path, run_size and parameters.
kainjow::mustache::data FamilyListingValues(const std::vector<ListingSize>& sizes, const ListingSize& run,
                                            int64_t sequence_length);

}  // namespace render
