// Perplexity on a token file (see evaluate.h).
#include "engine/evaluate.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "engine/measure/environment.h"
#include "engine/models/family.h"
#include "engine/models/decoder.h"
#include "engine/scenario_util.h"
#include "engine/weights/load.h"

namespace engine {

Status ReadTokenFile(const std::string& path, int64_t vocab_size, std::vector<int64_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::NotFound(path + ": cannot open the token file");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)), {});
  if (bytes.size() % 2 != 0)
    return Status::InvalidArgument(path + ": " + std::to_string(bytes.size()) +
                                   " bytes is not a whole number of uint16 token ids (nanoGPT .bin format)");
  out->clear();
  out->reserve(bytes.size() / 2);
  for (size_t i = 0; i < bytes.size(); i += 2) {
    const int64_t id = bytes[i] | (int64_t(bytes[i + 1]) << 8);  // little-endian uint16
    if (vocab_size > 0 && id >= vocab_size)
      return Status::InvalidArgument(path + ": token " + std::to_string(i / 2) + " is " + std::to_string(id) +
                                     ", outside the vocabulary (" + std::to_string(vocab_size) + " ids)");
    out->push_back(id);
  }
  return Status::OK();
}

Status EvaluatePerplexity(const ModelConfig& c, const std::vector<int64_t>& tokens, const EvalOptions& o,
                          EvalResult* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (c.family != "decoder") return Status::InvalidArgument("perplexity is implemented for the decoder family only");
  if (o.weights_path.empty())
    return Status::InvalidArgument("no weights: evaluating random weights measures nothing; hint: set 'weights:' on the size");
  torch::ScalarType st;
  if (!DtypeFromName(o.dtype, &st)) return Status::InvalidArgument("unknown dtype '" + o.dtype + "'");
  const int64_t window = o.window > 0 ? o.window : c.context_length - 1;
  if (window + 1 > c.context_length)
    return Status::InvalidArgument("window " + std::to_string(window) + " + 1 exceeds context_length " +
                                   std::to_string(c.context_length));
  if (tokens.size() < 2) return Status::InvalidArgument("the data has fewer than 2 tokens: nothing to predict");
  try {
    c10::InferenceMode inference;
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<FamilyModel> model = BuildFamilyModel(c, torch::TensorOptions().dtype(st));
    model->module().eval();
    WeightLoadStats stats;
    if (Status s = LoadHfWeights(o.weights_path, model->decoder(), &stats); !s.ok()) return s;
    model->decoder()->PackForInference();
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
      const torch::Tensor ids = torch::stack(rows);                       // (B, L)
      const torch::Tensor logits = model->Forward(ids.narrow(1, 0, length - 1)).to(torch::kFloat32);  // (B, L-1, V)
      const torch::Tensor target = ids.narrow(1, 1, length - 1);           // (B, L-1)
      const torch::Tensor logp = torch::log_softmax(logits, -1).gather(-1, target.unsqueeze(-1)).squeeze(-1);
      nll_sum += -logp.to(torch::kDouble).sum().item<double>();
      predicted += target.numel();
      if (o.max_tokens > 0 && predicted >= o.max_tokens) break;
    }
    out->tokens = predicted;
    out->windows = static_cast<int64_t>(i);
    out->mean_nll = nll_sum / double(predicted);
    out->value = std::exp(out->mean_nll);
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out->date = TodayUtc();
    return Status::OK();
  } catch (const c10::Error& e) {
    return Status::Internal(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

}  // namespace engine
