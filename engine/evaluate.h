// Measured evaluation of a language model on a token file: perplexity over non-overlapping
// windows, from a loaded checkpoint (engine/weights/load.h). No LibTorch type in this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/status.h"

namespace engine {

struct EvalOptions {
  std::string weights_path;        // required: a .safetensors file or a Hugging Face directory
  std::string dtype = "float32";   // "float32" | "bfloat16"
  int64_t window = 0;              // tokens predicted per window; 0 = context_length - 1 ... see below
  int64_t batch = 8;               // windows per forward pass
  int64_t max_tokens = 0;          // stop after this many predicted tokens; 0 = the whole file
};

struct EvalResult {
  std::string metric = "perplexity";
  double value = 0;                // exp(mean negative log-likelihood), natural log
  double mean_nll = 0;             // nats per predicted token
  int64_t tokens = 0;              // tokens predicted (the data's tokens minus one per window)
  int64_t windows = 0;
  double seconds = 0;              // wall time of the evaluation
  std::string date;                // UTC date of the evaluation, YYYY-MM-DD
};

// Reads token ids in nanoGPT's .bin format: a flat array of little-endian uint16.
// InvalidArgument for an odd byte count or an id >= vocab_size (with its position).
Status ReadTokenFile(const std::string& path, int64_t vocab_size, std::vector<int64_t>* out);

// Perplexity of the decoder `c` with the weights of options.weights_path over `tokens`, cut into
// non-overlapping windows of window + 1 tokens (each predicts its last `window` tokens from the
// ones before it, so no token is predicted without context inside its window); window 0 =
// context_length - 1. A remainder shorter than 2 tokens is dropped. Decoder family only.
Status EvaluatePerplexity(const ModelConfig& c, const std::vector<int64_t>& tokens, const EvalOptions& options,
                          EvalResult* out);

}  // namespace engine
