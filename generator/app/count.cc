#include "generator/app/count.h"

#include <optional>

#include "engine/count.h"
#include "generator/app/run_limits.h"
#include "generator/results/measured_inputs.h"

namespace app {

engine::Report NewReport(const spec::Spec& s) {
  engine::Report report;
  report.model = s.name;
  report.slug = s.slug;
  report.spec_sha256 = s.sha256;
  report.measured_inputs_sha256 = results::MeasuredInputsSha256(s);
  report.engine_version = engine::kEngineVersion;
  report.environment.tool_version = MODELCARD_VERSION;
  return report;
}

engine::Status CountSizes(const spec::Spec& s, const std::string& only_size, int64_t batch, int64_t seq,
                          std::vector<engine::SizeReport>* out, std::vector<std::string>* notes) {
  for (const spec::Size& size : s.architecture.sizes) {
    if (!only_size.empty() && size.name != only_size) continue;
    engine::SizeReport r;
    r.name = size.name;
    r.config = size.config;
    const std::string what = s.path + ": size '" + size.name + "'";
    if (engine::Status st = engine::CountParameters(size.config, &r.parameters); !st.ok())
      return engine::Status::InvalidArgument(what + ": " + st.message());
    std::string note;
    if (engine::Status st =
            CheckRunFlags(size.config, what, batch, seq > 0 ? std::optional<int64_t>(seq) : std::nullopt, &note);
        !st.ok())
      return st;
    if (!note.empty() && notes != nullptr) notes->push_back(what + ": " + note);
    // The FLOPs conventions of issue 16's layers, beside the full-attention one the table states.
    const engine::ModelConfig& c = size.config;
    if (notes != nullptr && c.sliding_window > 0 && (c.family == engine::Family::kDecoder || TraitsOf(c).experts)) {
      notes->push_back(what + ": " + std::to_string(engine::LocalLayers(c)) + " of " + std::to_string(c.num_layers) +
                       " layers use a sliding window of " + std::to_string(c.sliding_window) +
                       ": their FLOPs count the min(position, " + std::to_string(c.sliding_window) +
                       ") keys a windowed kernel computes per query (full attention: every key)");
    }
    if (notes != nullptr && engine::UsesMla(c))
      notes->push_back(what +
                       ": multi-head latent attention counts its projections as computed (W_kvb decompresses every "
                       "position whose keys and values are used)");
    const int64_t t = seq > 0 ? seq : DefaultSequenceLength(size.config);
    if (engine::Status st = engine::CountForwardFlops(size.config, batch, t, &r.flops); !st.ok())
      return engine::Status::InvalidArgument(what + ": " + st.message());
    out->push_back(r);
  }
  if (!only_size.empty() && out->empty()) {
    std::string known;
    for (const auto& size : s.architecture.sizes) known += (known.empty() ? "" : ", ") + size.name;
    return engine::Status::InvalidArgument("unknown size '" + only_size + "' (sizes of " + s.path + ": " + known + ")");
  }
  return engine::Status::OK();
}

}  // namespace app
