// The values of the encoder, vit, resnet, audio and recurrent listings (see listing.h): the
// templates/listings/<family>.mustache programs have the same modules, parameter shapes and
// counts as the engine's LibTorch models and check themselves (every size's count on `meta`
// against the card, the output shape, and the family's property: bidirectional for the
// encoder, causal for the recurrent model).
#include <algorithm>
#include <string>
#include <vector>

#include "generator/render/format.h"
#include "generator/render/listing.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

using engine::ModelConfig;
using internal::View;

std::string I(int64_t n) { return std::to_string(n); }
std::string B(bool b) { return b ? "True" : "False"; }

// One entry of SIZES: every field any family's Config(...) prints (each template picks its own);
// booleans as Python literals, strings unquoted.
View SizeValues(const ListingSize& s) {
  const ModelConfig& k = s.config;
  std::string stages;
  for (size_t i = 0; i < k.stages.size(); ++i) stages += (i ? ", " : "") + I(k.stages[i]);
  View v;
  v.Text("name", s.name)
      .Text("block", k.block)
      .Text("stages", stages)
      .Text("base_width", I(k.base_width))
      .Text("channels", I(k.channels))
      .Text("image_size", I(k.image_size))
      .Text("num_classes", I(k.num_classes))
      .Text("groups", I(k.groups))
      .Text("width_per_group", I(k.width_per_group))
      .Text("cell", k.cell)
      .Text("vocab_size", I(k.vocab_size))
      .Text("context_length", I(k.context_length))
      .Text("num_layers", I(k.num_layers))
      .Text("embedding_dim", I(k.embedding_dim))
      .Text("hidden_dim", I(k.hidden_dim))
      .Text("tie_embeddings", B(k.tie_embeddings))
      .Text("num_heads", I(k.num_heads))
      .Text("head_dim", I(k.head_dim))
      .Text("norm_eps", FormatShortestDouble(k.norm_eps))
      .Text("bias", B(k.bias))
      .Text("qkv_bias", B(k.qkv_bias))
      .Text("type_vocab_size", I(k.type_vocab_size))
      .Text("pooler", B(k.pooler))
      .Text("norm_position", k.norm_position)
      .Text("head", k.head)
      .Text("patch_size", I(k.patch_size))
      .Text("pool", k.pool)
      .Text("n_mels", I(k.n_mels))
      .Text("frames", I(engine::AudioFrames(k)))
      .Text("decoder_layers", I(k.decoder_layers));
  return v;
}

}  // namespace

kainjow::mustache::data FamilyListingValues(const std::vector<ListingSize>& sizes, const ListingSize& run,
                                            int64_t sequence_length) {
  const ModelConfig& c = run.config;
  const int64_t T =
      std::min<int64_t>(sequence_length, c.family == engine::Family::kRecurrent ? sequence_length : c.context_length);
  std::vector<View> size_views;
  for (const auto& s : sizes) size_views.push_back(SizeValues(s));
  View v;
  v.Text("family", engine::FamilyName(c.family))
      .Text("model_source", engine::TraitsOf(c).model_source)
      .Flag("audio", c.family == engine::Family::kAudio)
      .Items("sizes", size_views)
      .Text("activation", c.activation == engine::Activation::kReLU ? "F.relu" : "F.gelu")
      .Text("sequence_length", I(T > 0 ? T : 16));
  return v.data();
}

}  // namespace render
