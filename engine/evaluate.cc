// Perplexity on a token file and accuracy on a labelled set (see evaluate.h).
#include "engine/torch_error.h"
#include "engine/evaluate.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>

#include "engine/count_memory.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/environment.h"
#include "engine/measure/memory_limit.h"
#include "engine/models/family.h"
#include "engine/models/decoder.h"
#include "engine/scenario_util.h"
#include "engine/weights/load.h"
#include "engine/weights/safetensors.h"
#include "engine/weights/tensor_from_view.h"

namespace engine {

Status ReadTokenFile(const std::string& path, int64_t vocab_size, std::vector<int64_t>* out) {
  std::string text;
  if (Status s = ReadRegularFile(path, kMaxTokenFileBytes, "token file", &text); !s.ok()) return s;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (text.size() % 2 != 0)
    return Status::InvalidArgument(path + ": " + std::to_string(text.size()) +
                                   " bytes is not a whole number of uint16 token ids (nanoGPT .bin format)");
  out->clear();
  out->reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int64_t id = bytes[i] | (int64_t(bytes[i + 1]) << 8);  // little-endian uint16
    if (vocab_size > 0 && id >= vocab_size)
      return Status::InvalidArgument(path + ": token " + std::to_string(i / 2) + " is " + std::to_string(id) +
                                     ", outside the vocabulary (" + std::to_string(vocab_size) + " ids)");
    out->push_back(id);
  }
  return Status::OK();
}

// The memory guard before an evaluation builds its model: one batch's forward pass (weights,
// packed copies, activations) against --max-memory or what this machine has available.
Status CheckEvalMemory(const ModelConfig& c, const EvalOptions& o, int64_t batch, int64_t seq) {
  MemoryShape m;
  m.scenario = "forward";
  m.dtype = o.dtype;
  m.batch = batch;
  m.sequence_length = seq;
  m.packed = PackedLinearSupported(o.dtype);
  MemoryEstimate e;
  const Status st = EstimateMemory(c, m, &e);
  MemoryLimit limit;
  if (o.max_memory_bytes > 0) {
    limit.bytes = o.max_memory_bytes;
    limit.source = "set by --max-memory";
  } else {
    limit = DetectMemoryLimit("cpu");
  }
  const std::string tokens = seq > 0 ? " × " + std::to_string(seq) + " tokens" : "";
  return CheckMemory("evaluating the " + o.dtype + " model (batch " + std::to_string(batch) + tokens + ")", st, e,
                     limit);
}

Status EvaluatePerplexity(const ModelConfig& c, const std::vector<int64_t>& tokens, const EvalOptions& o,
                          EvalResult* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (!TraitsOf(c).kv_cache)
    return Status::InvalidArgument(
        "perplexity needs a causal language model (decoder or moe family), not " + std::string(FamilyName(c.family)) +
        (HasClassifierHead(c) ? "; hint: a classifier takes a labelled .safetensors set" : ""));
  if (o.weights_path.empty())
    return Status::InvalidArgument(
        "no weights: evaluating random weights measures nothing; hint: set 'weights:' on the size");
  torch::ScalarType st;
  if (!DtypeFromName(o.dtype, &st)) return Status::InvalidArgument("unknown dtype '" + o.dtype + "'");
  if (o.window < 0)
    return Status::InvalidArgument("window " + std::to_string(o.window) +
                                   ": the window must be a positive number of tokens (0: context_length - 1)");
  const int64_t window = o.window > 0 ? o.window : c.context_length - 1;
  if (window + 1 > c.context_length)
    return Status::InvalidArgument("window " + std::to_string(window) + " + 1 exceeds context_length " +
                                   std::to_string(c.context_length));
  if (tokens.size() < 2) return Status::InvalidArgument("the data has fewer than 2 tokens: nothing to predict");
  if (Status guard = CheckEvalMemory(c, o, o.batch, window + 1); !guard.ok()) return guard;
  try {
    c10::InferenceMode inference;
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<FamilyModel> model = BuildFamilyModel(c, torch::TensorOptions().dtype(st));
    model->module().eval();
    WeightLoadStats stats;
    if (Status s = LoadHfWeights(o.weights_path, model.get(), &stats); !s.ok()) return s;
    model->PackForInference();
    // Windows of window + 1 tokens (the last one shorter, if at least 2 tokens remain).
    std::vector<std::pair<int64_t, int64_t>> spans;  // (start, length)
    for (int64_t start = 0; start + 1 < int64_t(tokens.size()); start += window + 1) {
      const int64_t length = std::min<int64_t>(window + 1, int64_t(tokens.size()) - start);
      if (length < 2) break;
      spans.push_back({start, length});
    }
    double nll_sum = 0;
    int64_t predicted = 0;
    size_t i = 0;
    const torch::Tensor all = torch::tensor(tokens, torch::kLong);
    while (i < spans.size()) {
      // Batch windows of equal length (all but possibly the last).
      const int64_t length = spans[i].second;
      std::vector<torch::Tensor> rows;
      while (i < spans.size() && spans[i].second == length && int64_t(rows.size()) < std::max<int64_t>(1, o.batch)) {
        rows.push_back(all.narrow(0, spans[i].first, length));
        ++i;
      }
      const torch::Tensor ids = torch::stack(rows);                                                   // (B, L)
      const torch::Tensor logits = model->Forward(ids.narrow(1, 0, length - 1)).to(torch::kFloat32);  // (B, L-1, V)
      const torch::Tensor target = ids.narrow(1, 1, length - 1);                                      // (B, L-1)
      const torch::Tensor logp = torch::log_softmax(logits, -1).gather(-1, target.unsqueeze(-1)).squeeze(-1);
      nll_sum += -logp.to(torch::kDouble).sum().item<double>();
      predicted += target.numel();
      if (o.max_tokens > 0 && predicted >= o.max_tokens) break;
    }
    const double mean_nll = nll_sum / double(predicted);
    if (!std::isfinite(mean_nll) || !std::isfinite(std::exp(mean_nll))) {
      std::ostringstream nll;
      nll << mean_nll;
      return Status::InvalidArgument("the perplexity is not finite (mean negative log-likelihood " + nll.str() +
                                     " nats over " + std::to_string(predicted) + " tokens): the model overflows in " +
                                     o.dtype + " on this data; nothing is stored");
    }
    out->tokens = predicted;
    out->windows = static_cast<int64_t>(i);
    out->mean_nll = mean_nll;
    out->value = std::exp(out->mean_nll);
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out->date = TodayUtc();
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

namespace {

// The integers of an I64/I32/I16/U8 tensor (little-endian).
Status ReadIntegers(const TensorView& v, std::vector<int64_t>* out) {
  const size_t width = SafetensorsElementBytes(v.dtype);
  const bool is_signed = v.dtype[0] == 'I';
  if (!(v.dtype == "I64" || v.dtype == "I32" || v.dtype == "I16" || v.dtype == "U8"))
    return Status::InvalidArgument(v.file + ": tensor '" + v.name + "' has dtype " + v.dtype +
                                   "; integer labels and ids are I64, I32, I16 or U8");
  const auto* bytes = static_cast<const unsigned char*>(v.data);
  out->resize(v.bytes / width);
  for (size_t i = 0; i < out->size(); ++i) {
    uint64_t raw = 0;
    for (size_t b = 0; b < width; ++b) raw |= uint64_t(bytes[i * width + b]) << (8 * b);
    int64_t value = static_cast<int64_t>(raw);
    if (is_signed && width < 8 && (raw >> (8 * width - 1)) != 0)
      value = static_cast<int64_t>(raw | (~uint64_t(0) << (8 * width)));
    (*out)[i] = value;
  }
  return Status::OK();
}

}  // namespace

Status EvaluateAccuracy(const ModelConfig& c, const std::string& data_path, const EvalOptions& o, AccuracyResult* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (!HasClassifierHead(c))
    return Status::InvalidArgument(
        "accuracy needs a classifier (vit or resnet with num_classes, encoder with head: "
        "classifier); this is the " +
        std::string(FamilyName(c.family)) + " family" +
        (TraitsOf(c).kv_cache ? ": use a token file for perplexity" : ""));
  if (o.weights_path.empty())
    return Status::InvalidArgument(
        "no weights: evaluating random weights measures nothing; hint: set 'weights:' on the size");
  torch::ScalarType st;
  if (!DtypeFromName(o.dtype, &st)) return Status::InvalidArgument("unknown dtype '" + o.dtype + "'");
  std::unique_ptr<SafetensorsFile> file;
  if (Status s = SafetensorsFile::Open(data_path, &file); !s.ok()) return s;
  const TensorView *labels_view = nullptr, *pixels = nullptr, *ids = nullptr;
  for (const TensorView& v : file->tensors()) {
    if (v.name == "labels") labels_view = &v;
    if (v.name == "pixel_values") pixels = &v;
    if (v.name == "input_ids") ids = &v;
  }
  const bool images = TraitsOf(c).image_input;
  const TensorView* inputs = images ? pixels : ids;
  const std::string input_name = images ? "pixel_values" : "input_ids";
  if (labels_view == nullptr || inputs == nullptr)
    return Status::InvalidArgument(data_path + ": a labelled set holds 'labels' and '" + input_name +
                                   "' tensors; missing: '" + (labels_view == nullptr ? "labels" : input_name) + "'");
  std::vector<int64_t> labels;
  if (Status s = ReadIntegers(*labels_view, &labels); !s.ok()) return s;
  if (labels_view->shape.size() != 1)
    return Status::InvalidArgument(data_path + ": tensor 'labels' has shape " + ShapeString(labels_view->shape) +
                                   "; expected (N)");
  const int64_t n = static_cast<int64_t>(labels.size());
  if (n == 0) return Status::InvalidArgument(data_path + ": the set has no samples");
  for (int64_t i = 0; i < n; ++i)
    if (labels[i] < 0 || labels[i] >= c.num_classes)
      return Status::InvalidArgument(data_path + ": label " + std::to_string(i) + " is " + std::to_string(labels[i]) +
                                     ", outside the " + std::to_string(c.num_classes) + " classes");
  // A ResNet pools globally: any image size its stem can take works with the same weights.
  const bool any_size =
      c.family == Family::kResNet && inputs->shape.size() == 4 && inputs->shape[2] >= 32 && inputs->shape[3] >= 32;
  std::vector<int64_t> expected = images
                                      ? std::vector<int64_t>{n, c.channels, any_size ? inputs->shape[2] : c.image_size,
                                                             any_size ? inputs->shape[3] : c.image_size}
                                      : std::vector<int64_t>{n, inputs->shape.size() == 2 ? inputs->shape[1] : -1};
  if (inputs->shape != expected) {
    std::string want = !images ? "(" + std::to_string(n) + ", T) with T <= context_length"
                       : c.family == Family::kResNet
                           ? "(" + std::to_string(n) + ", " + std::to_string(c.channels) + ", H, W) with H, W >= 32"
                           : ShapeString(expected);
    return Status::InvalidArgument(data_path + ": tensor '" + input_name + "' has shape " + ShapeString(inputs->shape) +
                                   "; expected " + want + " for " + std::to_string(n) + " labels");
  }
  if (!images && inputs->shape[1] > c.context_length)
    return Status::InvalidArgument(data_path + ": input_ids have " + std::to_string(inputs->shape[1]) +
                                   " tokens, more than context_length " + std::to_string(c.context_length));
  try {
    c10::InferenceMode inference;
    const auto t0 = std::chrono::steady_clock::now();
    torch::Tensor x;
    if (images) {
      // Borrowed from the mapping (which `file` keeps open until we return); each batch is
      // converted on its own, so a large set is never copied whole.
      if (Status s = TensorFromView(*inputs, &x); !s.ok()) return s;
    } else {
      std::vector<int64_t> flat;
      if (Status s = ReadIntegers(*inputs, &flat); !s.ok()) return s;
      for (int64_t id : flat)
        if (id < 0 || id >= c.vocab_size)
          return Status::InvalidArgument(data_path + ": input id " + std::to_string(id) +
                                         " is outside the vocabulary (" + std::to_string(c.vocab_size) + " ids)");
      x = torch::tensor(flat, torch::kLong).view(inputs->shape);
    }
    if (Status guard = CheckEvalMemory(c, o, o.batch, images ? 0 : x.size(1)); !guard.ok()) return guard;
    std::unique_ptr<FamilyModel> model = BuildFamilyModel(c, torch::TensorOptions().dtype(st));
    model->module().eval();
    WeightLoadStats stats;
    if (Status s = LoadHfWeights(o.weights_path, model.get(), &stats); !s.ok()) return s;
    model->PackForInference();
    const int64_t count = o.max_samples > 0 ? std::min<int64_t>(o.max_samples, n) : n;
    const int64_t batch = std::max<int64_t>(1, o.batch);
    const int64_t k = std::min<int64_t>(5, c.num_classes);
    const torch::Tensor target = torch::tensor(labels, torch::kLong);
    int64_t hit1 = 0, hit5 = 0;
    for (int64_t start = 0; start < count; start += batch) {
      const int64_t b = std::min(batch, count - start);
      torch::Tensor batch_x = x.narrow(0, start, b);
      if (images) batch_x = batch_x.to(st, /*non_blocking=*/false, /*copy=*/true);  // owned, writable
      const torch::Tensor logits = model->Forward(batch_x).to(torch::kFloat32);     // (b, classes)
      const torch::Tensor top = std::get<1>(logits.topk(k, /*dim=*/1));             // (b, k)
      const torch::Tensor hits = top.eq(target.narrow(0, start, b).unsqueeze(1));   // (b, k)
      hit1 += hits.select(1, 0).sum().item<int64_t>();
      hit5 += hits.any(1).sum().item<int64_t>();
    }
    out->samples = count;
    out->top1 = double(hit1) / double(count);
    out->top5 = double(hit5) / double(count);
    out->input = input_name;
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out->date = TodayUtc();
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace engine
