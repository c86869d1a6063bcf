// Hugging Face checkpoint -> Decoder parameters: plan (names, shapes, dtypes) first, then copy.
#include "engine/weights/load.h"

#include <torch/torch.h>

#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "engine/models/decoder.h"
#include "engine/weights/hf_names.h"
#include "engine/weights/safetensors.h"
#include "engine/weights/tensor_from_view.h"

namespace engine {
namespace {

std::string ReplaceLayer(std::string pattern, int64_t layer) {
  for (size_t at = pattern.find("{i}"); at != std::string::npos; at = pattern.find("{i}"))
    pattern.replace(at, 3, std::to_string(layer));
  return pattern;
}

// One checkpoint tensor and where it goes in our parameter.
struct Source {
  const TensorView* view;
  int64_t row_offset;  // first row of the parameter it fills (concatenated parts)
  int64_t rows;        // rows it fills; the whole parameter when it is the only part
};

struct Assignment {
  std::string ours;
  torch::Tensor param;
  bool transposed;
  std::vector<Source> sources;
};

}  // namespace

Status LoadHfWeights(const std::string& path, DecoderImpl* model, WeightLoadStats* stats) {
  SafetensorsCheckpoint ckpt;
  Status s = SafetensorsCheckpoint::Open(path, &ckpt);
  if (!s.ok()) return s;
  return LoadHfWeights(ckpt, model, stats);
}

Status LoadHfWeights(const SafetensorsCheckpoint& ckpt, DecoderImpl* model, WeightLoadStats* stats) {
  const ModelConfig& c = model->config();
  if (c.family != "decoder") {
    return Status::InvalidArgument(ckpt.path() + ": Hugging Face weights can be loaded into the decoder family only, not " +
                                   c.family);
  }
  const std::vector<WeightNameMapping> rows = HfWeightNames(c);
  WeightLoadStats result;
  result.layout = HfLayoutFor(c);

  // Base-model prefix: GPT2LMHeadModel saves "transformer.wte.weight", GPT2Model "wte.weight".
  const std::string& first = rows.front().hf;
  const std::string prefix = first.substr(0, first.find('.') + 1);  // "transformer." | "model."
  const bool strip = ckpt.Find(first) == nullptr && ckpt.Find(first.substr(prefix.size())) != nullptr;
  auto checkpoint_name = [&](const std::string& hf) {
    return strip && hf.compare(0, prefix.size(), prefix) == 0 ? hf.substr(prefix.size()) : hf;
  };

  std::map<std::string, torch::Tensor> params;
  for (const auto& item : model->named_parameters()) params[item.key()] = item.value();

  std::set<std::string> used;  // checkpoint names consumed
  std::vector<Assignment> plan;
  for (const WeightNameMapping& row : rows) {
    const bool per_layer = row.ours.find("{i}") != std::string::npos;
    for (int64_t layer = 0; layer < (per_layer ? c.num_layers : 1); ++layer) {
      Assignment a;
      a.ours = ReplaceLayer(row.ours, layer);
      a.transposed = row.hf_transposed;
      auto p = params.find(a.ours);
      if (p == params.end())
        return Status::Internal("hf_names.cc maps '" + a.ours + "' but the model has no such parameter");
      a.param = p->second;
      if (a.param.sizes().vec() != row.dims)
        return Status::Internal("hf_names.cc gives " + a.ours + " shape " + row.shape + " but the model has " +
                                ShapeString(a.param.sizes().vec()));
      const std::vector<std::string> names = ExpandHfName(row.hf, layer);
      int64_t row_offset = 0;
      for (size_t k = 0; k < names.size(); ++k) {
        const std::string name = checkpoint_name(names[k]);
        std::vector<int64_t> needed = row.dims;  // in the checkpoint's own layout
        if (!row.part_rows.empty()) needed[0] = row.part_rows.at(k);
        const int64_t rows_filled = needed[0];
        if (row.hf_transposed) std::swap(needed[0], needed[1]);
        const TensorView* view = ckpt.Find(name);
        if (view == nullptr) {
          return Status::InvalidArgument(ckpt.path() + ": missing tensor '" + name + "' (needed for " + a.ours +
                                         ", shape " + ShapeString(needed) + ")");
        }
        if (view->shape != needed) {
          std::string why = view->file + ": tensor '" + name + "' has shape " + ShapeString(view->shape) + " but " +
                            a.ours + " needs " + ShapeString(needed);
          if (!row.note.empty()) why += " (" + row.note + ")";
          return Status::InvalidArgument(why);
        }
        torch::ScalarType dtype;
        Status s = TorchDtypeOf(*view, &dtype);
        if (!s.ok()) return s;
        used.insert(name);
        a.sources.push_back({view, row_offset, rows_filled});
        row_offset += rows_filled;
      }
      plan.push_back(std::move(a));
    }
  }
  if (plan.size() != params.size()) {
    for (const auto& [name, tensor] : params) {
      bool planned = false;
      for (const Assignment& a : plan) planned = planned || a.ours == name;
      if (!planned) return Status::Internal("hf_names.cc has no row for parameter " + name);
    }
  }

  // Skipped tensors: non-parameter buffers, and a tied head saved beside the embedding.
  for (const std::string& pattern : HfIgnoredBuffers(c)) {
    for (int64_t layer = 0; layer < c.num_layers; ++layer) {
      const std::string name = checkpoint_name(ReplaceLayer(pattern, layer));
      if (ckpt.Find(name) != nullptr && used.insert(name).second) ++result.ignored;
    }
  }
  if (c.tie_embeddings) {
    if (const TensorView* head = ckpt.Find("lm_head.weight")) {
      const TensorView* emb = plan.front().sources.front().view;  // tok_emb.weight
      const bool same = head->dtype == emb->dtype && head->shape == emb->shape && head->bytes == emb->bytes &&
                        std::memcmp(head->data, emb->data, head->bytes) == 0;
      if (!same) {
        return Status::InvalidArgument(head->file + ": tensor 'lm_head.weight' differs from '" + emb->name +
                                       "', but the config ties the embeddings (tie_embeddings: true)");
      }
      used.insert("lm_head.weight");
      ++result.ignored;
    }
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
    for (auto& module : model->modules(/*include_self=*/false))
      if (auto* linear = module->as<LinearImpl>()) linear->DropPacked();
    model->lm_head->DropPacked();
    for (Assignment& a : plan) {
      for (const Source& src : a.sources) {
        torch::Tensor t;
        Status s = TensorFromView(*src.view, &t);
        if (!s.ok()) return s;
        if (a.transposed) t = t.t();
        torch::Tensor dst = a.sources.size() > 1 ? a.param.narrow(0, src.row_offset, src.rows) : a.param;
        dst.copy_(t);  // converts dtype and device; the mapping is not referenced afterwards
        ++result.tensors;
        result.bytes_read += static_cast<int64_t>(src.view->bytes);
      }
    }
  } catch (const c10::Error& e) {
    return Status::Internal(ckpt.path() + ": copying weights failed: " + e.what_without_backtrace());
  }
  if (stats != nullptr) *stats = result;
  return Status::OK();
}

}  // namespace engine
