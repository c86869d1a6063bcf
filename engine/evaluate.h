// Measured evaluation from a loaded checkpoint (engine/weights/load.h): a language model's
// perplexity on a token file over non-overlapping windows, and a classifier's top-1 / top-5
// accuracy on a labelled set. No LibTorch type in this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/status.h"

namespace engine {

struct EvalOptions {
  std::string weights_path;       // required: a .safetensors file or a Hugging Face directory
  std::string dtype = "float32";  // "float32" | "bfloat16"
  int64_t window = 0;             // tokens predicted per window; 0 = context_length - 1 ... see below
  int64_t batch = 8;              // windows per forward pass
  int64_t max_tokens = 0;         // stop after this many predicted tokens; 0 = the whole file
  int64_t max_samples = 0;        // accuracy: the first this many samples; 0 = all
  int64_t max_memory_bytes = 0;   // the memory guard's limit (--max-memory); 0 = what is available
};

struct EvalResult {
  std::string metric = "perplexity";
  double value = 0;     // exp(mean negative log-likelihood), natural log
  double mean_nll = 0;  // nats per predicted token
  int64_t tokens = 0;   // tokens predicted (the data's tokens minus one per window)
  int64_t windows = 0;
  double seconds = 0;  // wall time of the evaluation
  std::string date;    // UTC date of the evaluation, YYYY-MM-DD
};

// The largest data files `eval` reads: a token file is read whole and held as int64 ids twice
// (1 GiB each at this limit); a text file is read whole and tokenized.
constexpr uint64_t kMaxTokenFileBytes = uint64_t{256} << 20;  // 134,217,728 uint16 ids
constexpr uint64_t kMaxTextFileBytes = uint64_t{64} << 20;

// Reads token ids in nanoGPT's .bin format: a flat array of little-endian uint16.
// InvalidArgument for anything but a regular file (a directory, a FIFO, /dev/zero: refused
// before opening), a file over kMaxTokenFileBytes (with both sizes), an odd byte count or an id
// >= vocab_size (with its position); NotFound for a missing file.
Status ReadTokenFile(const std::string& path, int64_t vocab_size, std::vector<int64_t>* out);

// Perplexity of the decoder `c` with the weights of options.weights_path over `tokens`, cut into
// non-overlapping windows of window + 1 tokens (each predicts its last `window` tokens from the
// ones before it, so no token is predicted without context inside its window); window 0 =
// context_length - 1. A remainder shorter than 2 tokens is dropped. Decoder and moe families.
// InvalidArgument for a negative window, and for a perplexity that is not finite (the model
// overflows in options.dtype): nothing is returned that could not be stored as a number.
// Unavailable, before the model is built, when the memory guard's estimate of one batch's forward
// pass (engine/count_memory.h) exceeds options.max_memory_bytes or the memory available.
Status EvaluatePerplexity(const ModelConfig& c, const std::vector<int64_t>& tokens, const EvalOptions& options,
                          EvalResult* out);

// A classifier's accuracy on a labelled set.
struct AccuracyResult {
  double top1 = 0;      // share of samples whose label is the highest logit, in [0, 1]
  double top5 = 0;      // ... is among the 5 highest (all of them with <= 5 classes)
  int64_t samples = 0;  // images (vit, resnet) or token sequences (encoder classifier)
  std::string input;    // "pixel_values" | "input_ids": what the set holds
  double seconds = 0;   // wall time of the evaluation
  std::string date;     // UTC date of the evaluation, YYYY-MM-DD
};

// Top-1 and top-5 accuracy of the classifier `c` with the weights of options.weights_path on
// the labelled set at `data_path`: a .safetensors file holding `labels` (N) integers (I64, I32,
// I16, U8) in [0, num_classes) and the inputs, either `pixel_values` (N, channels, image_size,
// image_size) F32/F16/BF16 (resnet: any H, W >= 32, as it pools globally), already preprocessed (resized, cropped,
// normalized as the checkpoint expects), or `input_ids` (N, T) integers. Batches of options.batch samples, the first
// options.max_samples of them when > 0. InvalidArgument naming the file and tensor for a missing tensor, a wrong shape,
// dtype or label; any config without HasClassifierHead (engine/config.h). The memory guard as for EvaluatePerplexity.
Status EvaluateAccuracy(const ModelConfig& c, const std::string& data_path, const EvalOptions& options,
                        AccuracyResult* out);

}  // namespace engine
