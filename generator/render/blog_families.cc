// Family-specific blog text (see blog_families.h). TeX lives in raw strings; numbers go in
// through M() (thousands as "{,}") so KaTeX and GitHub typeset them alike.
#include "generator/render/blog_families.h"

#include <string>
#include <vector>

#include "generator/render/diagrams.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"

namespace render {
namespace {

using engine::ModelConfig;
using internal::N;

std::string M(int64_t n) {
  std::string out;
  for (char ch : N(n)) out += ch == ',' ? std::string("{,}") : std::string(1, ch);
  return out;
}

std::string Im(const std::string& tex) { return "$`" + tex + "`$"; }

std::string Activation(const ModelConfig& c) { return ActivationLabel(c.activation); }

// Bidirectional attention and the FFN of the encoder-style families (encoder, vit, audio).
BlogComponent EncoderAttention(const ModelConfig& c, const std::string& tokens_tex) {
  return {
      AttentionLabel(c),
      "",
      std::string(
          R"(\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V, \qquad d_k = )") +
          M(c.head_dim) + "\n" +
          R"(\mathrm{MultiHead}(X) = \mathrm{Concat}\left(\mathrm{head}_1, \dots, \mathrm{head}_{)" + M(c.num_heads) +
          R"(}\right) W^O, \qquad \mathrm{head}_i = \mathrm{Attention}\left(X W^Q_i,\ X W^K_i,\ X W^V_i\right))",
      {Im("X") + " is the " + Im(tokens_tex + R"( \times )" + M(c.embedding_dim)) + " input of the layer",
       "no mask: every position attends to every position, before and after it",
       Im("W^Q_i, W^K_i, W^V_i") + " are " + Im(M(c.embedding_dim) + R"( \times )" + M(c.head_dim)) +
           " slices of the fused `attn.qkv` projection"}};
}

BlogComponent Ffn(const ModelConfig& c) {
  return {"Feed-Forward Network (" + FeedForwardLabel(c) + ")",
          "",
          std::string(R"(\mathrm{FFN}(x) = \mathrm{)") + (c.activation == engine::Activation::kReLU ? "ReLU" : "GELU") +
              R"(}(x W_1 + b_1) W_2 + b_2, \qquad W_1 \in \mathbb{R}^{)" + M(c.embedding_dim) + R"( \times )" +
              M(c.hidden_dim) + R"(},\ W_2 \in \mathbb{R}^{)" + M(c.hidden_dim) + R"( \times )" + M(c.embedding_dim) +
              "}",
          {Im("x") + " is one position's " + N(c.embedding_dim) + "-dimensional vector; activation " + Activation(c)}};
}

BlogComponent LayerNormComponent(const ModelConfig& c, const std::string& where_applied) {
  return {
      "LayerNorm",
      where_applied,
      std::string(
          R"(\mathrm{LayerNorm}(x) = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta, \qquad \epsilon = )") +
          FormatShortestDouble(c.norm_eps),
      {Im(R"(\mu, \sigma^2)") + " are the mean and variance over the " + N(c.embedding_dim) + " channels; " +
       Im(R"(\gamma, \beta)") + " are learned per channel"}};
}

}  // namespace

std::vector<BlogComponent> FamilyComponents(const ModelConfig& c) {
  const std::string C = M(c.embedding_dim);
  if (c.family == engine::Family::kMoe) {
    return {{"Router (top-" + N(c.experts_per_token) + " of " + N(c.num_experts) + " experts)",
             "Every feed-forward layer holds " + N(c.num_experts) + " experts; a linear router picks " +
                 N(c.experts_per_token) + " per token and mixes their outputs.",
             std::string(R"(g(x) = \mathrm{softmax}\left(\mathrm{TopK}_{)") + M(c.experts_per_token) +
                 R"(}(x W_r)\right), \qquad W_r \in \mathbb{R}^{)" + C + R"( \times )" + M(c.num_experts) + "}\n" +
                 R"(\mathrm{MoE}(x) = \sum_{e \in \mathrm{TopK}} g_e(x)\, \mathrm{FFN}_e(x))",
             {Im(R"(\mathrm{TopK}_k)") + " keeps the " + N(c.experts_per_token) +
                  " largest router scores and sets the others to " + Im(R"(-\infty)") +
                  ", so the softmax renormalizes over the chosen experts",
              "each " + Im(R"(\mathrm{FFN}_e)") + " is a " + FeedForwardLabel(c) + " network; only the chosen " +
                  N(c.experts_per_token) + " run for a token"}}};
  }
  if (c.family == engine::Family::kEncoder) {
    std::vector<BlogComponent> out;
    out.push_back(
        {"Embeddings",
         "",
         std::string(R"(h_t^{(0)} = \mathrm{LayerNorm}\left(E[x_t] + P[t])") +
             (c.type_vocab_size > 0 ? " + S[s_t]" : "") + R"(\right), \qquad E \in \mathbb{R}^{)" + M(c.vocab_size) +
             R"( \times )" + C + R"(},\ P \in \mathbb{R}^{)" + M(c.context_length) + R"( \times )" + C + "}" +
             (c.type_vocab_size > 0 ? R"(,\ S \in \mathbb{R}^{)" + M(c.type_vocab_size) + R"( \times )" + C + "}" : ""),
         {Im("x_t") + " is the token at position " + Im("t") +
          (c.type_vocab_size > 0 ? ", " + Im("s_t") + " its segment (token type)" : "")}});
    out.push_back(EncoderAttention(c, "T"));
    out.push_back(Ffn(c));
    out.push_back(LayerNormComponent(
        c, c.norm_position == "post"
               ? "Post-norm, as BERT: each sub-layer's output is added to its input and then normalized, " +
                     Im(R"(x \leftarrow \mathrm{LayerNorm}(x + \mathrm{Sublayer}(x)))") + "."
               : "Pre-norm: " + Im(R"(x \leftarrow x + \mathrm{Sublayer}(\mathrm{LayerNorm}(x)))") + "."));
    if (c.pooler)
      out.push_back({"Pooler",
                     "",
                     std::string(R"(p = \tanh\left(h_{[\mathrm{CLS}]} W_p + b_p\right), \qquad W_p \in \mathbb{R}^{)") +
                         C + R"( \times )" + C + "}",
                     {Im(R"(h_{[\mathrm{CLS}]})") + " is the final hidden state of the first token"}});
    return out;
  }
  if (c.family == engine::Family::kVit) {
    const int64_t side = c.image_size / c.patch_size, n = side * side;
    const std::string tokens = M(n + (c.pool == "cls" ? 1 : 0));
    std::vector<BlogComponent> out;
    out.push_back({"Patch Embedding",
                   "",
                   std::string(R"(z_0 = \left[)") + (c.pool == "cls" ? R"(x_{\mathrm{cls}};\ )" : "") +
                       R"(x_p^1 E;\ \dots;\ x_p^{)" + M(n) +
                       R"(} E\right] + E_{\mathrm{pos}}, \qquad E \in \mathbb{R}^{)" +
                       M(c.patch_size * c.patch_size * c.channels) + R"( \times )" + C +
                       R"(},\ E_{\mathrm{pos}} \in \mathbb{R}^{)" + tokens + R"( \times )" + C + "}",
                   {Im("x_p^i") + " is the " + Im("i") + "-th " + N(c.patch_size) + "×" + N(c.patch_size) +
                        " patch of the " + N(c.image_size) + "×" + N(c.image_size) + " image, flattened (" +
                        N(c.patch_size * c.patch_size * c.channels) + " values); " + N(n) + " patches",
                    "the projection " + Im("E") + " is a convolution with kernel and stride " + N(c.patch_size)}});
    out.push_back(EncoderAttention(c, tokens));
    out.push_back(Ffn(c));
    out.push_back(
        LayerNormComponent(c, "Pre-norm in each of the " + N(c.num_layers) + " blocks, and once before the head."));
    if (c.num_classes > 0)
      out.push_back({"Classification Head",
                     "",
                     std::string(R"(y = \mathrm{LayerNorm}\left()") +
                         (c.pool == "cls" ? "z_L^0" : R"(\tfrac{1}{)" + M(n) + R"(} \sum_i z_L^i)") +
                         R"(\right) W_h + b_h, \qquad W_h \in \mathbb{R}^{)" + C + R"( \times )" + M(c.num_classes) +
                         "}",
                     {}});
    return out;
  }
  if (c.family == engine::Family::kAudio) {
    const int64_t frames = engine::AudioFrames(c);
    std::vector<BlogComponent> out;
    out.push_back({"Log-Mel Spectrogram",
                   "",
                   std::string(R"(S = \left|\mathrm{STFT}_{)") + M(c.n_fft) + "," + M(c.hop_length) +
                       R"(}(w)\right|^2, \qquad X = \log_{10} \max\left(F S,\ 10^{-10}\right))" + "\n" +
                       R"(\tilde X = \frac{\max\left(X,\ \max X - 8\right) + 4}{4} \in \mathbb{R}^{)" + M(c.n_mels) +
                       R"( \times )" + M(frames) + "}",
                   {Im("w") + " is " + FormatShortestDouble(c.chunk_seconds) + " s of audio at " + N(c.sample_rate) +
                        " Hz, with a " + N(c.n_fft) + "-sample Hann window and a " + N(c.hop_length) + "-sample hop",
                    Im("F") + " is the " + N(c.n_mels) + "-bin mel filterbank (Slaney scale and area normalization)"}});
    out.push_back(
        {"Convolutional Front End",
         "",
         std::string(
             R"(h = \mathrm{GELU}\left(\mathrm{Conv}_{3,\,s=2}\left(\mathrm{GELU}\left(\mathrm{Conv}_{3}(\tilde X)\right)\right)\right) + P_{\sin} \in \mathbb{R}^{)") +
             M(frames / 2) + R"( \times )" + C + "}",
         {"the first convolution maps " + N(c.n_mels) + " mel bins to " + N(c.embedding_dim) +
              " channels; the second has stride 2 and halves the " + N(frames) + " frames",
          Im(R"(P_{\sin})") + " are fixed sinusoidal positions (no parameters)"}});
    out.push_back(EncoderAttention(c, M(frames / 2)));
    out.push_back(Ffn(c));
    if (c.decoder_layers > 0)
      out.push_back(
          {"Text Decoder with Cross-Attention",
           "",
           R"(\mathrm{CrossAttention}(Y, H) = \mathrm{softmax}\left(\frac{(Y W^Q)(H W^K)^\top}{\sqrt{d_k}}\right) H W^V)",
           {Im("Y") + " are the decoder's token states (causal self-attention first), " + Im("H") +
                " the encoder's audio features",
            N(c.decoder_layers) + " decoder blocks; vocabulary of " + N(c.vocab_size) + " tokens, at most " +
                N(c.context_length) + " text tokens"}});
    return out;
  }
  if (c.family == engine::Family::kResNet) {
    const bool bottleneck = c.block == "bottleneck";
    std::vector<BlogComponent> out;
    out.push_back(
        {bottleneck ? "Bottleneck Residual Block" : "Basic Residual Block",
         "",
         std::string(R"(y = \mathrm{ReLU}\left(\mathcal{F}(x) + W_s x\right))") + "\n" +
             (bottleneck
                  ? R"(\mathcal{F}(x) = \mathrm{BN}\left(W_3 * \mathrm{ReLU}\left(\mathrm{BN}\left(W_2 * \mathrm{ReLU}\left(\mathrm{BN}(W_1 * x)\right)\right)\right)\right))"
                  : R"(\mathcal{F}(x) = \mathrm{BN}\left(W_2 * \mathrm{ReLU}\left(\mathrm{BN}(W_1 * x)\right)\right))"),
         {bottleneck ? Im("W_1, W_3") + " are 1×1 convolutions (reduce, then expand 4×), " + Im("W_2") +
                           " a 3×3 convolution that carries the stage's stride"
                     : Im("W_1, W_2") + " are 3×3 convolutions",
          Im("W_s") + " is the identity, or a 1×1 convolution with batch norm where the shape changes"}});
    out.push_back(
        {"Batch Normalization",
         "In inference the running statistics are used.",
         R"(\mathrm{BN}(x) = \gamma \odot \frac{x - \mu_{\mathrm{run}}}{\sqrt{\sigma^2_{\mathrm{run}} + \epsilon}} + \beta, \qquad \epsilon = 10^{-5})",
         {}});
    out.push_back(
        {"Convolution",
         "",
         R"(H_{\mathrm{out}} = \left\lfloor \frac{H_{\mathrm{in}} + 2p - k}{s} \right\rfloor + 1, \qquad \mathrm{MACs} = C_{\mathrm{out}}\, H_{\mathrm{out}} W_{\mathrm{out}}\, C_{\mathrm{in}}\, k^2)",
         {Im("k") + " is the kernel size, " + Im("s") + " the stride and " + Im("p") + " the padding"}});
    return out;
  }
  // recurrent
  const std::string H = M(c.hidden_dim);
  if (c.cell == "gru")
    return {
        {"GRU Cell",
         "",
         std::string(
             R"(r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}), \qquad z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}))") +
             "\n" +
             R"(n_t = \tanh\left(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\right), \qquad h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1})",
         {Im("h_t \\in \\mathbb{R}^{" + H + "}") + " is the hidden state; " + N(c.num_layers) + " stacked layers"}}};
  return {
      {"LSTM Cell",
       "",
       std::string(
           R"(\begin{pmatrix} i_t \\ f_t \\ g_t \\ o_t \end{pmatrix} = \begin{pmatrix} \sigma \\ \sigma \\ \tanh \\ \sigma \end{pmatrix} \left(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}\right))") +
           "\n" + R"(c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t))",
       {Im("W_{ih} \\in \\mathbb{R}^{4 \\cdot " + H + " \\times d_{in}}") + " and " +
            Im("W_{hh} \\in \\mathbb{R}^{4 \\cdot " + H + " \\times " + H + "}") + "; the first layer reads the " +
            N(c.embedding_dim) + "-wide embedding, later layers the " + N(c.hidden_dim) + "-wide state below",
        N(c.num_layers) + " stacked layers; the state carries from one token to the next"}}};
}

std::string FamilyInput(const ModelConfig& c, const std::string& format) {
  if (engine::TraitsOf(c).image_input)
    return format + ": float tensor of shape (B, " + N(c.channels) + ", " + N(c.image_size) + ", " + N(c.image_size) +
           "), normalized per channel";
  if (c.family == engine::Family::kAudio)
    return format + ": log-mel features, float tensor of shape (B, " + N(c.n_mels) + ", " + N(engine::AudioFrames(c)) +
           ") per " + FormatShortestDouble(c.chunk_seconds) + " s chunk" +
           (c.decoder_layers > 0 ? ", and the decoder's text token ids (B, T), T ≤ " + N(c.context_length) : "");
  if (c.family == engine::Family::kRecurrent)
    return format + ": int64 tensor of shape (B, T), any T, each id in [0, " + N(c.vocab_size) + ")";
  return format + ": int64 tensor of shape (B, T), T ≤ " + N(c.context_length) + ", each id in [0, " + N(c.vocab_size) +
         ")";
}

std::string FamilyOutput(const ModelConfig& c, const std::string& format) {
  if (engine::TraitsOf(c).image_input)
    return c.num_classes > 0 ? format + ": float tensor of shape (B, " + N(c.num_classes) + "), one logit per class"
                             : format + ": pooled image features";
  if (c.family == engine::Family::kEncoder) {
    if (c.head == "mlm") return format + ": float tensor of shape (B, T, " + N(c.vocab_size) + "), token logits";
    if (c.head == "classifier") return format + ": float tensor of shape (B, " + N(c.num_classes) + "), class logits";
    return format + ": hidden states (B, T, " + N(c.embedding_dim) + ")" +
           (c.pooler ? " and the pooled vector (B, " + N(c.embedding_dim) + ")" : "");
  }
  if (c.family == engine::Family::kAudio)
    return c.decoder_layers > 0
               ? format + ": float tensor of shape (B, T, " + N(c.vocab_size) + "), next-token logits"
               : format + ": audio features (B, " + N(engine::AudioFrames(c) / 2) + ", " + N(c.embedding_dim) + ")";
  return format + ": float tensor of shape (B, T, " + N(c.vocab_size) +
         "), one score per vocabulary entry at every position";
}

std::string FamilyLossText(const ModelConfig& c) {
  if (engine::TraitsOf(c).image_input || (c.family == engine::Family::kEncoder && c.head == "classifier"))
    return "The model is trained as a classifier: the loss is the cross-entropy of the true class, averaged over the "
           "N examples of a batch.";
  if (c.family == engine::Family::kEncoder)
    return "The encoder is pre-trained by masked language modeling: a random 15% of the input tokens are selected "
           "(mostly replaced by [MASK]) and the loss is the cross-entropy of the original tokens at those positions.";
  if (c.family == engine::Family::kAudio)
    return "The model is trained to predict the next token of the transcript given the audio: the loss is the "
           "cross-entropy of the next text token, averaged over the T positions.";
  return "The model is trained to predict the next token: the loss is the cross-entropy of the next token, averaged "
         "over the T positions of a sequence.";
}

std::string FamilyLossMath(const ModelConfig& c) {
  if (engine::TraitsOf(c).image_input || (c.family == engine::Family::kEncoder && c.head == "classifier"))
    return R"(\mathcal{L}(\theta) = -\frac{1}{N} \sum_{n=1}^{N} \log p_\theta\left(y_n \mid x_n\right), \qquad p_\theta(\cdot \mid x) = \mathrm{softmax}(z),\ z \in \mathbb{R}^{)" +
           M(c.num_classes) + "}";
  if (c.family == engine::Family::kEncoder)
    return R"(\mathcal{L}(\theta) = -\frac{1}{|\mathcal{M}|} \sum_{t \in \mathcal{M}} \log p_\theta\left(x_t \mid \tilde x\right), \qquad p_\theta(\cdot \mid \tilde x) \in \mathbb{R}^{)" +
           M(c.vocab_size) + "}";
  if (c.family == engine::Family::kAudio)
    return R"(\mathcal{L}(\theta) = -\frac{1}{T} \sum_{t=1}^{T} \log p_\theta\left(y_t \mid y_{<t},\ \tilde X\right), \qquad p_\theta \in \mathbb{R}^{)" +
           M(c.vocab_size) + "}";
  return R"(\mathcal{L}(\theta) = -\frac{1}{T} \sum_{t=1}^{T} \log p_\theta\left(x_t \mid x_{<t}\right), \qquad p_\theta(\cdot \mid x_{<t}) = \mathrm{softmax}(z_t),\ z_t \in \mathbb{R}^{)" +
         M(c.vocab_size) + "}";
}

BlogComplexity FamilyComplexity(const ModelConfig& c, const engine::FlopCount& f) {
  const std::string exact = "the exact count (`" + std::string(engine::TraitsOf(c).count_source) +
                            "`, FLOPs = 2 × MACs, every matmul and convolution) is " + N(f.forward) + " FLOPs";
  if (c.family == engine::Family::kResNet) {
    std::string stages;
    for (size_t i = 0; i < c.stages.size(); ++i) stages += (i ? ", " : "") + N(c.stages[i]);
    return {
        "for one " + N(c.image_size) + "×" + N(c.image_size) + " image; " + exact,
        R"(O\left(\sum_{\ell} C_{\mathrm{out}}^{(\ell)} H_{\mathrm{out}}^{(\ell)} W_{\mathrm{out}}^{(\ell)} C_{\mathrm{in}}^{(\ell)} k_\ell^2\right) = O\left()" +
            M(f.forward_macs) + R"(\ \mathrm{MACs}\right))",
        "linear in the number of pixels (" + Im("H \\cdot W") + ") for a fixed depth; stages of [" + stages +
            "] blocks",
        "weights " + Im("O(P)") + "; the largest activation is the stem's output, " + N(c.base_width) + " × " +
            N(c.image_size / 2) + " × " + N(c.image_size / 2) + " values per image"};
  }
  if (c.family == engine::Family::kRecurrent) {
    const int64_t g = c.cell == "gru" ? 3 : 4;
    return {"for one sequence of " + Im("T = " + M(f.sequence_length)) + " tokens; " + exact,
            "O\\left(T \\cdot L \\cdot " + M(g) + " \\cdot H (d_{in} + H) + T \\cdot H \\cdot V\\right)",
            "linear in the sequence length, and strictly sequential over time steps (no parallelism across " + Im("T") +
                ")",
            "weights " + Im("O(P)") + "; the state is " + Im(M(c.cell == "gru" ? 1 : 2) + R"( \cdot L \cdot H)") +
                " values per sequence, independent of the length"};
  }
  int64_t T = f.sequence_length;
  if (c.family == engine::Family::kVit)
    T = (c.image_size / c.patch_size) * (c.image_size / c.patch_size) + (c.pool == "cls" ? 1 : 0);
  if (c.family == engine::Family::kAudio) T = engine::AudioFrames(c) / 2;
  const std::string what =
      c.family == engine::Family::kVit
          ? "one " + N(c.image_size) + "×" + N(c.image_size) + " image (" + Im("T = " + M(T)) + " tokens)"
      : c.family == engine::Family::kAudio ? "one " + FormatShortestDouble(c.chunk_seconds) + " s chunk (" +
                                                 Im("T = " + M(T)) + " audio frames after the front end)"
                                           : "one sequence of " + Im("T = " + M(T)) + " tokens";
  return {what + ", with " + Im("L = " + M(c.num_layers)) + " layers and " + Im("C = " + M(c.embedding_dim)) +
              " channels; " + exact,
          "O\\left(L\\,T^2 C + L\\,T\\,C\\,H\\right) = O\\left(" + M(c.num_layers) + " \\cdot " + M(T) + "^2 \\cdot " +
              M(c.embedding_dim) + " + " + M(c.num_layers) + " \\cdot " + M(T) + " \\cdot " + M(c.embedding_dim) +
              " \\cdot " + M(c.hidden_dim) + "\\right)",
          "quadratic in the number of tokens through attention (" + Im(R"(L \cdot T^2 \cdot C)") +
              "), linear through the projections and the feed-forward network (" + Im(R"(L \cdot T \cdot C \cdot H)") +
              ")",
          "weights " + Im("O(P)") + "; attention scores take " + Im("O(h \\cdot T^2) = " + M(c.num_heads * T * T)) +
              " values per layer while they are computed; no KV cache (the encoder is run once per input)"};
}

}  // namespace render
