// RoPE, ALiBi and sinusoidal positions.
#include "engine/layers/positions.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace engine {

namespace {

constexpr double kPi = 3.141592653589793;  // math.pi

// theta^(-2i/d) for i < d/2, computed as transformers does (float32 powers of a double base):
// 1 / base ** (arange(0, d, 2).float() / d).
torch::Tensor DefaultInverseFrequencies(double theta, int64_t dim) {
  auto exponents = torch::arange(0, dim, 2, torch::kLong).to(torch::kFloat32) / static_cast<double>(dim);
  return 1.0 / torch::pow(theta, exponents);
}

// transformers' get_mscale: the cos/sin multiplier YaRN applies.
double YarnMscale(double scale, double mscale = 1.0) { return scale <= 1 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0; }

}  // namespace

RotaryEmbedding::RotaryEmbedding(int64_t head_dim, int64_t max_positions, double theta,
                                 const torch::TensorOptions& opts)
    : rotary_dim_(head_dim), original_context_(max_positions) {
  config_.rope_theta = theta;
  inv_freq_ = DefaultInverseFrequencies(theta, head_dim);
  BuildTables(max_positions, opts);
}

RotaryEmbedding::RotaryEmbedding(const ModelConfig& c, const torch::TensorOptions& opts)
    : config_(c), rotary_dim_(RotaryDim(c)) {
  original_context_ = c.rope_original_context > 0 ? c.rope_original_context : c.context_length;
  const double theta = c.rope_theta, factor = c.rope_scaling_factor;
  const int64_t dim = rotary_dim_;
  const double L0 = static_cast<double>(original_context_);
  switch (c.rope_scaling) {
    case RopeScaling::kNone:
    case RopeScaling::kDynamic:  // within the original context; longer sequences: InverseFrequencies
      inv_freq_ = DefaultInverseFrequencies(theta, dim);
      break;
    case RopeScaling::kLinear: inv_freq_ = DefaultInverseFrequencies(theta, dim) / factor; break;
    case RopeScaling::kYarn: {
      // _compute_yarn_parameters (truncate: true, transformers' default).
      auto pos_freqs = torch::pow(theta, torch::arange(0, dim, 2, torch::kLong).to(torch::kFloat32) / double(dim));
      auto extrapolation = 1.0 / pos_freqs, interpolation = 1.0 / (factor * pos_freqs);
      auto correction_dim = [&](double rotations) {
        return (dim * std::log(L0 / (rotations * 2 * kPi))) / (2 * std::log(theta));
      };
      double low = std::max(std::floor(correction_dim(c.rope_beta_fast)), 0.0);
      double high = std::min(std::ceil(correction_dim(c.rope_beta_slow)), static_cast<double>(dim - 1));
      if (low == high) high += 0.001;  // prevent a singularity, as transformers does
      auto ramp = ((torch::arange(dim / 2, torch::kFloat32) - low) / (high - low)).clamp(0, 1);
      auto extrapolation_factor = 1 - ramp;
      inv_freq_ = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor;
      attention_factor_ = c.rope_attention_factor > 0 ? c.rope_attention_factor : YarnMscale(factor);
      break;
    }
    case RopeScaling::kLlama3: {
      // _compute_llama3_parameters: wavelengths past L0 / low_freq_factor are interpolated (/ factor),
      // those under L0 / high_freq_factor kept, a smooth mix in between.
      auto inv_freq = DefaultInverseFrequencies(theta, dim);
      const double low_wavelen = L0 / c.rope_low_freq_factor, high_wavelen = L0 / c.rope_high_freq_factor;
      auto wavelen = 2 * kPi / inv_freq;
      auto scaled = torch::where(wavelen > low_wavelen, inv_freq / factor, inv_freq);
      auto smooth = (L0 / wavelen - c.rope_low_freq_factor) / (c.rope_high_freq_factor - c.rope_low_freq_factor);
      auto smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
      auto medium = (wavelen < high_wavelen).logical_not() & (wavelen > low_wavelen).logical_not();
      inv_freq_ = torch::where(medium, smoothed, scaled);
      break;
    }
  }
  BuildTables(c.context_length, opts);
}

void RotaryEmbedding::BuildTables(int64_t max_positions, const torch::TensorOptions& opts) {
  auto f32 = opts.dtype(torch::kFloat32);
  auto pos = torch::arange(max_positions, f32);
  auto angles = torch::outer(pos, inv_freq_.to(f32.device()));  // (P, d/2)
  auto emb = torch::cat({angles, angles}, -1);                  // (P, d)
  cos_ = emb.cos() * attention_factor_;
  sin_ = emb.sin() * attention_factor_;
}

torch::Tensor RotaryEmbedding::InverseFrequencies(int64_t seq_len) const {
  if (config_.rope_scaling != RopeScaling::kDynamic || seq_len <= original_context_) return inv_freq_;
  // _compute_dynamic_ntk_parameters with seq_len = max(seq_len, original context).
  const double factor = config_.rope_scaling_factor, d = static_cast<double>(rotary_dim_);
  const double base = config_.rope_theta *
                      std::pow(factor * static_cast<double>(seq_len) / original_context_ - (factor - 1), d / (d - 2));
  return DefaultInverseFrequencies(base, rotary_dim_);
}

torch::Tensor RotaryEmbedding::Apply(const torch::Tensor& x, int64_t offset) const {
  const int64_t T = x.size(2), hs = x.size(3), d = rotary_dim_, half = d / 2;
  torch::Tensor cos, sin;
  if (config_.rope_scaling == RopeScaling::kDynamic && offset + T > original_context_) {
    // Dynamic NTK past the original context: the frequencies depend on the sequence length
    // (transformers recomputes them whenever the longest position grows).
    auto f32 = x.options().dtype(torch::kFloat32);
    auto angles = torch::outer(torch::arange(offset, offset + T, f32), InverseFrequencies(offset + T).to(f32.device()));
    auto emb = torch::cat({angles, angles}, -1);
    cos = emb.cos().to(x.dtype());
    sin = emb.sin().to(x.dtype());
  } else {
    cos = cos_.narrow(0, offset, T).to(x.dtype());  // (T, d)
    sin = sin_.narrow(0, offset, T).to(x.dtype());
  }
  auto rot = d == hs ? x : x.narrow(-1, 0, d);
  auto x1 = rot.narrow(-1, 0, half), x2 = rot.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);  // rotate_half(x)
  auto out = rot * cos + rotated * sin;
  return d == hs ? out : torch::cat({out, x.narrow(-1, d, hs - d)}, -1);  // the rest passes through
}

torch::Tensor AlibiSlopes(int64_t num_heads) {
  auto pow2_slopes = [](int64_t n) {
    std::vector<float> s;
    const double start = std::pow(2.0, -std::pow(2.0, -(std::log2(static_cast<double>(n)) - 3)));
    for (int64_t i = 0; i < n; ++i) s.push_back(static_cast<float>(std::pow(start, i + 1)));
    return s;
  };
  std::vector<float> slopes;
  const int64_t closest = int64_t{1} << static_cast<int64_t>(std::floor(std::log2(static_cast<double>(num_heads))));
  slopes = pow2_slopes(closest);
  if (closest != num_heads) {
    auto extra = pow2_slopes(2 * closest);
    for (int64_t i = 0; i < num_heads - closest; ++i) slopes.push_back(extra[2 * i]);
  }
  return torch::tensor(slopes, torch::kFloat32);
}

torch::Tensor AlibiCausalBias(const torch::Tensor& slopes, int64_t tq, int64_t tk, int64_t offset,
                              const torch::TensorOptions& opts) {
  auto f32 = opts.dtype(torch::kFloat32);
  auto i = torch::arange(offset, offset + tq, f32).unsqueeze(1);  // (Tq, 1)
  auto j = torch::arange(tk, f32).unsqueeze(0);                   // (1, Tk)
  auto dist = (j - i);                                            // <= 0 where allowed
  auto bias = slopes.to(opts.device()).view({-1, 1, 1}) * dist;   // (H, Tq, Tk)
  bias = bias.masked_fill(dist > 0, -std::numeric_limits<float>::infinity());
  return bias.unsqueeze(0).to(opts.dtype());
}

torch::Tensor SinusoidalPositions(int64_t offset, int64_t t, int64_t dim, const torch::TensorOptions& opts) {
  auto f32 = opts.dtype(torch::kFloat32);
  auto pos = torch::arange(offset, offset + t, f32).unsqueeze(1);                     // (T, 1)
  auto div = torch::exp(torch::arange(0, dim, 2, f32) * (-std::log(10000.0) / dim));  // (dim/2)
  auto table = torch::zeros({t, dim}, f32);
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, torch::indexing::None, 2)},
                   torch::sin(pos * div));
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None, 2)},
                   torch::cos(pos * div).narrow(1, 0, dim / 2));
  return table.to(opts.dtype());
}

}  // namespace engine
