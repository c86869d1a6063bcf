// Checkpoint -> parameters: plan (names, shapes, dtypes) first, then copy.
#include "engine/torch_error.h"
#include "engine/weights/load.h"

#include <torch/torch.h>

#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "engine/models/common.h"
#include "engine/models/decoder.h"
#include "engine/models/family.h"
#include "engine/weights/hf_names.h"
#include "engine/weights/safetensors.h"
#include "engine/weights/tensor_from_view.h"

namespace engine {
namespace {

// One checkpoint tensor and where it goes in our tensor.
struct Source {
  const TensorView* view;
  int64_t row_offset;  // first row of the tensor it fills (concatenated parts)
  int64_t rows;        // rows it fills; the whole tensor when it is the only part
};

struct Assignment {
  std::string ours;
  torch::Tensor target;
  bool transposed;
  std::vector<Source> sources;
  double add = 0.0;               // WeightNameMapping::add (Gemma's norm offsets)
  int64_t interleaved_heads = 0;  // WeightNameMapping::interleaved_heads (GPT-NeoX's q/k/v rows)
  torch::Tensor row_order;  // defined: our row r is the checkpoint's row row_order[r] (interleaved RoPE)
};

// GPT-NeoX's query_key_value rows [h0: q, k, v; h1: q, k, v; ...] (heads x 3 x hs) as our
// q | k | v (3 x heads x hs); weight (3A, C) or bias (3A).
torch::Tensor DeinterleaveHeads(const torch::Tensor& t, int64_t heads) {
  std::vector<int64_t> shape = {heads, 3, t.size(0) / (3 * heads)};
  for (int64_t d = 1; d < t.dim(); ++d) shape.push_back(t.size(d));
  return t.reshape(shape).transpose(0, 1).reshape(t.sizes());
}

// The row order of an interleave_period row (hf_names.h): identity except the rope rows of each
// period, which take the checkpoint's even rows first, then its odd rows.
torch::Tensor DeinterleavedRows(const WeightNameMapping& row, int64_t rows) {
  std::vector<int64_t> order(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) order[static_cast<size_t>(r)] = r;
  const int64_t half = row.interleave_rows / 2;
  for (int64_t base = 0; base + row.interleave_period <= rows; base += row.interleave_period) {
    const int64_t start = base + row.interleave_start;
    for (int64_t j = 0; j < half; ++j) {
      order[static_cast<size_t>(start + j)] = start + 2 * j;             // first half: pairs' first elements
      order[static_cast<size_t>(start + half + j)] = start + 2 * j + 1;  // second half: their partners
    }
  }
  return torch::tensor(order, torch::kLong);
}

// Older BERT exports (converted from TensorFlow) name LayerNorm parameters gamma / beta; transformers
// renames them on load, and so do we.
const TensorView* LegacyNormName(const SafetensorsCheckpoint& ckpt, const std::string& name) {
  if (name.find("LayerNorm.") == std::string::npos) return nullptr;
  auto swap_suffix = [&](const std::string& from, const std::string& to) -> const TensorView* {
    if (name.size() < from.size() || name.compare(name.size() - from.size(), from.size(), from) != 0) return nullptr;
    return ckpt.Find(name.substr(0, name.size() - from.size()) + to);
  };
  if (const TensorView* v = swap_suffix(".weight", ".gamma")) return v;
  return swap_suffix(".bias", ".beta");
}

}  // namespace

Status LoadHfWeights(const std::string& path, FamilyModel* model, WeightLoadStats* stats) {
  SafetensorsCheckpoint ckpt;
  if (Status s = SafetensorsCheckpoint::Open(path, &ckpt); !s.ok()) return s;
  if (DecoderImpl* decoder = model->decoder()) decoder->lm_head->DropPacked();  // a tied head is not registered
  return LoadHfWeights(ckpt, model->config(), &model->module(), stats);
}

Status InitOrLoadWeights(FamilyModel* model, uint64_t seed, const std::string& weights_path) {
  if (weights_path.empty()) {
    model->InitWeights(seed);
    return Status::OK();
  }
  return LoadHfWeights(weights_path, model, nullptr);
}

Status LoadHfWeights(const std::string& path, DecoderImpl* model, WeightLoadStats* stats) {
  SafetensorsCheckpoint ckpt;
  if (Status s = SafetensorsCheckpoint::Open(path, &ckpt); !s.ok()) return s;
  model->lm_head->DropPacked();
  return LoadHfWeights(ckpt, model->config(), model, stats);
}

Status LoadHfWeights(const SafetensorsCheckpoint& ckpt, const ModelConfig& c, torch::nn::Module* module,
                     WeightLoadStats* stats) {
  if (std::string problem = HfLayoutProblem(c); !problem.empty())
    return Status::InvalidArgument(ckpt.path() + ": no checkpoint layout to load: " + problem);
  const std::vector<WeightNameMapping> rows = HfWeightNames(c);
  WeightLoadStats result;
  result.layout = HfLayoutFor(c);

  // Base-model prefix: GPT2LMHeadModel saves "transformer.wte.weight", GPT2Model "wte.weight";
  // likewise "bert." / "vit." / "model." (heads such as cls.* and classifier.* have none).
  const std::string& first = rows.front().hf;
  const size_t dot = first.find('.');
  const std::string prefix = first.substr(0, dot + 1);
  const bool strip = dot != std::string::npos && first.find('{') == std::string::npos && ckpt.Find(first) == nullptr &&
                     ckpt.Find(first.substr(prefix.size())) != nullptr;
  auto checkpoint_name = [&](const std::string& hf) {
    return strip && hf.compare(0, prefix.size(), prefix) == 0 ? hf.substr(prefix.size()) : hf;
  };

  // Our tensors: every parameter, and the buffers a row names (batch-norm statistics).
  std::vector<std::pair<std::string, torch::Tensor>> targets;
  for (const auto& item : module->named_parameters()) targets.emplace_back(item.key(), item.value());
  const size_t parameters = targets.size();
  for (const auto& item : module->named_buffers()) targets.emplace_back(item.key(), item.value());

  std::set<std::string> used;  // checkpoint names consumed
  std::vector<Assignment> plan;
  for (size_t t = 0; t < targets.size(); ++t) {
    const auto& [ours, tensor] = targets[t];
    const WeightNameMapping* row = nullptr;
    NameCaptures captures;
    for (const WeightNameMapping& candidate : rows) {
      if (MatchNamePattern(candidate.ours, ours, &captures)) {
        row = &candidate;
        break;
      }
    }
    if (row == nullptr) {
      if (t >= parameters) continue;  // a computed buffer (RoPE tables, sinusoids)
      return Status::InvalidArgument(ckpt.path() + ": parameter " + ours + " has no counterpart in the " +
                                     result.layout + " layout (engine/weights/hf_names.cc)");
    }
    const std::vector<int64_t> dims = tensor.sizes().vec();
    if (!row->dims.empty() && dims != row->dims)
      return Status::Internal("hf_names.cc gives " + ours + " shape " + row->shape + " but the model has " +
                              ShapeString(dims));
    Assignment a{ours, tensor, row->hf_transposed, {}, row->add, row->interleaved_heads, {}};
    if (row->interleave_period > 0) {
      if (!row->part_rows.empty() || row->hf_transposed || dims.empty() || dims[0] % row->interleave_period != 0 ||
          row->interleave_start + row->interleave_rows > row->interleave_period || row->interleave_rows % 2 != 0)
        return Status::Internal("hf_names.cc: " + row->hf + " has an interleaved row block that does not fit " +
                                ShapeString(dims));
      a.row_order = DeinterleavedRows(*row, dims[0]);
    }
    const std::vector<std::string> names = ExpandHfName(row->hf, captures);
    if (!row->part_rows.empty() && row->part_rows.size() != names.size())
      return Status::Internal("hf_names.cc: " + row->hf + " has " + std::to_string(names.size()) + " parts but " +
                              std::to_string(row->part_rows.size()) + " row counts");
    int64_t row_offset = 0;
    for (size_t k = 0; k < names.size(); ++k) {
      const std::string name = checkpoint_name(names[k]);
      std::vector<int64_t> needed = dims;  // in the checkpoint's own layout
      if (!row->part_rows.empty()) needed[0] = row->part_rows.at(k);
      const int64_t rows_filled = needed.empty() ? 1 : needed[0];
      if (row->hf_transposed) std::swap(needed[0], needed[1]);
      const TensorView* view = ckpt.Find(name);
      if (view == nullptr) view = LegacyNormName(ckpt, name);
      if (view == nullptr) {
        return Status::InvalidArgument(ckpt.path() + ": missing tensor '" + name + "' (needed for " + ours +
                                       ", shape " + ShapeString(needed) + ")");
      }
      if (view->shape != needed) {
        std::string why = view->file + ": tensor '" + view->name + "' has shape " + ShapeString(view->shape) + " but " +
                          ours + " needs " + ShapeString(needed);
        if (!row->note.empty()) why += " (" + row->note + ")";
        return Status::InvalidArgument(why);
      }
      torch::ScalarType dtype;
      if (Status s = TorchDtypeOf(*view, &dtype); !s.ok()) return s;
      size_t bad = 0;
      std::string what;
      if (FindNonFinite(*view, &bad, &what)) {
        return Status::InvalidArgument(view->file + ": tensor '" + view->name + "' holds " + what + " (element " +
                                       std::to_string(bad) + " of " + ShapeString(view->shape) +
                                       "); weights with NaN or infinity measure nothing (corrupt checkpoint?)");
      }
      used.insert(view->name);
      a.sources.push_back({view, row_offset, rows_filled});
      row_offset += rows_filled;
    }
    plan.push_back(std::move(a));
  }

  // Skipped tensors: non-parameter buffers, and tied copies saved beside their original.
  for (const TensorView* t : ckpt.Tensors()) {
    if (used.count(t->name) != 0) continue;
    for (const std::string& pattern : HfIgnoredBuffers(c)) {
      if (MatchNamePattern(checkpoint_name(pattern), t->name, nullptr)) {
        used.insert(t->name);
        ++result.ignored;
        break;
      }
    }
  }
  for (const auto& [copy_name, original_name] : HfTiedCopies(c)) {
    const std::string copy_in = checkpoint_name(copy_name), original_in = checkpoint_name(original_name);
    const TensorView* copy = ckpt.Find(copy_in);
    const TensorView* original = ckpt.Find(original_in);
    if (copy == nullptr || original == nullptr) continue;
    const bool same = copy->dtype == original->dtype && copy->shape == original->shape &&
                      copy->bytes == original->bytes && std::memcmp(copy->data, original->data, copy->bytes) == 0;
    if (!same) {
      std::string why = copy->file + ": tensor '" + copy_in + "' differs from '" + original_in + "'";
      if (copy_name == "lm_head.weight")
        why += ", but the config ties the embeddings (tie_embeddings: true)";
      else
        why += ", but the " + result.layout + " layout ties them";
      return Status::InvalidArgument(why);
    }
    used.insert(copy_in);
    ++result.ignored;
  }
  std::vector<const TensorView*> extra;
  for (const TensorView* t : ckpt.Tensors())
    if (used.count(t->name) == 0) extra.push_back(t);
  if (!extra.empty()) {
    std::string why = ckpt.path() + ": unexpected tensor '" + extra.front()->name + "' with shape " +
                      ShapeString(extra.front()->shape) + ": the " + result.layout + " layout has no such tensor";
    if (extra.size() > 1) why += " (and " + std::to_string(extra.size() - 1) + " more)";
    return Status::InvalidArgument(why);
  }

  try {
    torch::NoGradGuard no_grad;
    DropPackedLinears(*module);
    for (Assignment& a : plan) {
      for (const Source& src : a.sources) {
        torch::Tensor t;
        if (Status s = TensorFromView(*src.view, &t); !s.ok()) return s;
        if (a.transposed) t = t.t();
        if (a.interleaved_heads > 0) t = DeinterleaveHeads(t, a.interleaved_heads);
        if (a.add != 0.0) t = t.to(torch::kFloat32) + a.add;  // in float32, as GemmaRMSNorm's (1.0 + w.float())
        if (a.row_order.defined()) t = t.index_select(0, a.row_order);
        torch::Tensor dst = a.sources.size() > 1 ? a.target.narrow(0, src.row_offset, src.rows) : a.target;
        dst.copy_(t);  // converts dtype, device and memory format; the mapping is not referenced afterwards
        ++result.tensors;
        result.bytes_read += static_cast<int64_t>(src.view->bytes);
      }
    }
  } catch (...) {
    return Status::Internal(ckpt.path() + ": copying weights failed: " + CurrentExceptionMessage());
  }
  if (stats != nullptr) *stats = result;
  return Status::OK();
}

}  // namespace engine
