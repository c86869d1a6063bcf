// PyTorchListing (see listing.h): the values of this architecture for its listing template.
// Every value below mirrors a branch of the LibTorch model in engine/.
#include "generator/render/listing.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/status.h"
#include "generator/render/diagrams.h"
#include "generator/render/format.h"
#include "generator/render/renderer.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

using engine::Activation;
using engine::ModelConfig;
using engine::Norm;
using engine::Position;
using internal::View;

std::string I(int64_t n) { return std::to_string(n); }

// The architecture (everything but the dimensions) of two configs is the same.
bool SameArchitecture(const ModelConfig& a, const ModelConfig& b) {
  return a.family == b.family && a.experts_per_token == b.experts_per_token && a.norm == b.norm &&
         a.norm_eps == b.norm_eps && a.activation == b.activation && a.position == b.position &&
         a.rope_theta == b.rope_theta && a.bias == b.bias && a.qkv_bias == b.qkv_bias &&
         a.tie_embeddings == b.tie_embeddings;
}

std::string PyBool(bool b) { return b ? "True" : "False"; }

// The activation as `function(argument + options)`: "F.gelu" and ", approximate=\"tanh\"".
std::string ActivationFunction(Activation a) {
  switch (a) {
    case Activation::kGELU: return "F.gelu";
    case Activation::kGELUTanh: return "F.gelu";
    case Activation::kReLU: return "F.relu";
    case Activation::kSiLU: return "F.silu";
    case Activation::kSwiGLU: return "F.silu";
    case Activation::kGeGLU: return "F.gelu";
    case Activation::kGeGLUTanh: return "F.gelu";
  }
  return "";
}

std::string ActivationOptions(Activation a) { return a == Activation::kGELUTanh || a == Activation::kGeGLUTanh ? ", approximate=\"tanh\"" : "";
}

std::string PositionWords(const ModelConfig& c) {
  switch (c.position) {
    case Position::kLearned: return "learned absolute positions";
    case Position::kSinusoidal: return "sinusoidal positions";
    case Position::kRoPE: return "rotary positions (RoPE, theta " + FormatShortestDouble(c.rope_theta) + ")";
    case Position::kALiBi: return "ALiBi attention biases";
    case Position::kNone: return "no position encoding";
  }
  return "";
}

// The values of templates/listings/decoder.mustache: `sizes` share the architecture of `c`, the
// run size's config; T is the sequence length main() runs.
kainjow::mustache::data DecoderListingValues(const std::vector<ListingSize>& sizes, const ModelConfig& c, int64_t T) {
  bool gqa = false;
  for (const auto& s : sizes) gqa = gqa || s.config.num_kv_heads != s.config.num_heads;
  const bool moe = c.family == engine::Family::kMoe;
  std::vector<View> size_views;
  for (const auto& s : sizes) {
    const ModelConfig& k = s.config;
    View size;
    size.Text("name", s.name)
        .Text("vocab_size", I(k.vocab_size))
        .Text("context_length", I(k.context_length))
        .Text("num_layers", I(k.num_layers))
        .Text("embedding_dim", I(k.embedding_dim))
        .Text("num_heads", I(k.num_heads))
        .Text("num_kv_heads", I(k.num_kv_heads))
        .Text("head_dim", I(k.head_dim))
        .Text("hidden_dim", I(k.hidden_dim));
    if (moe) size.Text("num_experts", I(k.num_experts)).Text("experts_per_token", I(k.experts_per_token));
    size_views.push_back(size);
  }
  View v;
  v.Items("sizes", size_views)
      .Text("position_words", PositionWords(c))
      .Text("attention_label", AttentionLabel(c))
      .Text("feed_forward_label", FeedForwardLabel(c))
      .Text("norm_label", NormLabel(c.norm))
      .Flag("learned", c.position == Position::kLearned)
      .Flag("sinusoidal", c.position == Position::kSinusoidal)
      .Flag("rope", c.position == Position::kRoPE)
      .Flag("alibi", c.position == Position::kALiBi)
      .Text("rope_theta", FormatShortestDouble(c.rope_theta))
      .Flag("rms_norm", c.norm == Norm::kRMSNorm)
      .Text("norm_eps", FormatShortestDouble(c.norm_eps))
      .Flag("bias", c.bias)
      .Text("bias_literal", PyBool(c.bias))
      .Text("qkv_bias_literal", PyBool(c.qkv_bias))
      .Flag("gated", engine::IsGated(c.activation))
      .Text("activation", ActivationFunction(c.activation))
      .Text("activation_options", ActivationOptions(c.activation))
      .Flag("gqa", gqa)
      .Flag("moe", moe)
      .Flag("tied", c.tie_embeddings)
      .Text("sequence_length", I(T));
  return v.data();
}

}  // namespace

std::string PyTorchListing(const std::string& templates_dir, const std::string& model_name,
                           const std::string& spec_path, const std::vector<ListingSize>& all_sizes,
                           const std::string& run_size, int64_t sequence_length) {
  const ListingSize* run = &all_sizes.front();
  for (const auto& s : all_sizes)
    if (s.name == run_size) run = &s;
  const ModelConfig& c = run->config;
  const bool decoder = c.family == engine::Family::kDecoder || c.family == engine::Family::kMoe;
  std::vector<ListingSize> sizes;  // a decoder listing holds the sizes of the run size's architecture
  for (const auto& s : all_sizes)
    if (!decoder || SameArchitecture(s.config, c)) sizes.push_back(s);

  kainjow::mustache::data data = decoder ? DecoderListingValues(sizes, c, std::min(sequence_length, c.context_length))
                                         : FamilyListingValues(sizes, *run, sequence_length);
  kainjow::mustache::data parameters(kainjow::mustache::data::type::list);
  for (size_t i = 0; i < sizes.size(); ++i)
    parameters.push_back(View()
                             .Text("name", sizes[i].name)
                             .Text("count", I(sizes[i].parameters))
                             .Flag("last", i + 1 == sizes.size())
                             .data());
  data.set("parameters", parameters);
  data.set("model_name", model_name);
  data.set("spec_path", spec_path);
  data.set("run_size", run->name);

  std::string py;
  const engine::Status s = RenderTemplate(
      templates_dir + "/listings", decoder ? "decoder" : engine::FamilyName(c.family), [&] { return data; }, &py);
  if (!s.ok()) return "# modelcard could not render this listing: " + s.message();
  if (!py.empty() && py.back() == '\n') py.pop_back();
  return py;
}

}  // namespace render
