// RoPE, ALiBi and sinusoidal positions.
#include "engine/layers/positions.h"

#include <cmath>
#include <vector>

namespace engine {

RotaryEmbedding::RotaryEmbedding(int64_t head_dim, int64_t max_positions, double theta,
                                 const torch::TensorOptions& opts) {
  auto f32 = opts.dtype(torch::kFloat32);
  // inv_freq[i] = theta^(-2i/hs), i < hs/2 (RoFormer eq. 15)
  auto inv_freq = torch::pow(theta, -torch::arange(0, head_dim, 2, f32) / static_cast<double>(head_dim));
  auto pos = torch::arange(max_positions, f32);
  auto angles = torch::outer(pos, inv_freq);    // (P, hs/2)
  auto emb = torch::cat({angles, angles}, -1);  // (P, hs)
  cos_ = emb.cos();
  sin_ = emb.sin();
}

torch::Tensor RotaryEmbedding::Apply(const torch::Tensor& x, int64_t offset) const {
  const int64_t T = x.size(2), half = x.size(3) / 2;
  auto cos = cos_.narrow(0, offset, T).to(x.dtype());  // (T, hs)
  auto sin = sin_.narrow(0, offset, T).to(x.dtype());
  auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);  // rotate_half(x)
  return x * cos + rotated * sin;
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
