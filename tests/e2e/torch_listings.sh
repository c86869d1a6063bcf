#!/usr/bin/env bash
# The blog posts' PyTorch listings run and describe the same model the engine measures:
#  1. every committed post's listing runs (its own checks: each size's parameter count on the meta
#     device equals the post's, logits shape, causality) and its parameter names and shapes equal
#     the "Weight Mapping" table of the model's documentation page;
#  2. posts built here from variants of the tiny spec cover the branches the bundled models don't
#     use (RMSNorm, SwiGLU/GeGLU/ReLU/SiLU, RoPE, ALiBi, sinusoidal and no positions, GQA, no
#     biases, untied LM head); each listing runs and matches the engine's count of the variant;
#  4. variants that use the decoder features of issue 16 (windows, RoPE scaling, partial rotary,
#     parallel residual, QK-norm, sandwich norms, soft-caps, MLA, Qwen3-MoE/DeepSeek-V3 routing)
#     also equal transformers' model of the same config (listing_vs_transformers.py).
#   tests/e2e/torch_listings.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
PY=${MODELCARD_PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$PY" -c 'import torch' 2>/dev/null || { echo "FAIL: $PY cannot import torch (set MODELCARD_PYTHON)"; exit 1; }

# Extracts the ```python block of a post into a file and runs it; then compares its state_dict
# (run size, meta device) with the documentation page's weight map when one is given.
run_listing() {  # post.md out.py [doc.md]
  python3 - "$1" "$2" <<'PY' || { fail "$1 has no python listing"; return; }
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)
if len(blocks) != 1:
    sys.exit(f"{sys.argv[1]}: expected one python block, found {len(blocks)}")
open(sys.argv[2], "w", encoding="utf-8").write(blocks[0])
PY
  local out
  out=$(cd "$(dirname "$2")" && "$PY" "$(basename "$2")" 2>&1) || { echo "$out"; fail "listing of $1 failed its checks"; return; }
  echo "$1: $(tr '\n' ' ' <<<"$out")"
  [ $# -lt 3 ] && return
  "$PY" - "$2" "$3" <<'PY' || fail "listing of $1 does not match the weight map of $3"
import importlib.util, re, sys
import torch
spec = importlib.util.spec_from_file_location("listing", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
doc = open(sys.argv[2], encoding="utf-8").read()
section = doc[doc.index("### Weight Mapping"):]
# The page gives the shapes of the size its prose describes (blog.size), which may be one too
# large to run: it is only built here on the meta device.
described = re.search(r"with the shapes of size `([^`]+)`", section)
run = described.group(1) if described else re.search(r'SIZES\["([^"]+)"\]', open(sys.argv[1]).read()).group(1)
# A listing holds the sizes of its run size's architecture; a described size outside it (Llama 3's
# 3.1-8b beside a mini with another original context) is compared by names only.
names_only = run not in m.SIZES
if names_only:
    run = re.search(r'SIZES\["([^"]+)"\]', open(sys.argv[1]).read()).group(1)
with torch.device("meta"):
    model = m.Model(m.SIZES[run])
def pattern(name):  # indices -> the weight map's placeholders: blocks.{i}, experts.{e}, stages.{s}.{b}
    name = re.sub(r"^blocks\.\d+\.", "blocks.{i}.", name)
    name = re.sub(r"\.experts\.\d+\.", ".experts.{e}.", name)
    return re.sub(r"^stages\.\d+\.\d+\.", "stages.{s}.{b}.", name)
shapes = {}
for k, v in model.state_dict().items():
    if k.endswith(".num_batches_tracked"):  # a counter, not a weight: checkpoints' copies are skipped
        continue
    shapes.setdefault(pattern(k), set()).add(tuple(v.shape))
table = {}  # name -> shape, or None where the page gives it symbolically (it varies by stage)
for name, shape in re.findall(r"^\| `([^`]+)` \| [^|]+\| \(([^)]*)\) \|", section, re.M):
    table[name] = tuple(int(x) for x in shape.split(",")) if re.fullmatch(r"[\d, ]+", shape) else None
if not table:
    print(f"  {sys.argv[2]} has no weight map for this family: names not compared")
    sys.exit(0)
bad = [k for k in sorted(set(shapes) | set(table))
       if k not in shapes or k not in table or (not names_only and table[k] is not None and shapes[k] != {table[k]})]
for k in bad:
    print(f"  {k}: listing {sorted(shapes.get(k, []))}, documentation {table.get(k, 'absent')}")
if bad:
    sys.exit(1)
if not described:
    sys.exit(f"  {sys.argv[2]}: the weight map does not say which size its shapes are")
if names_only:
    print(f"  {len(table)} parameter names equal the weight map of {sys.argv[2]} (shapes not compared: its size "
          f"{described.group(1)} is not in this listing, built at {run})")
else:
    print(f"  {len(table)} parameter names ({sum(v is not None for v in table.values())} with fixed shapes, size {run}) "
          f"equal the weight map of {sys.argv[2]}")
PY
}

# --- 1. the committed posts ---------------------------------------------------------------------
for post in site/content/posts/*/index.md; do
  slug=$(basename "$(dirname "$post")")
  grep -q '^```python$' "$post" || continue
  mkdir -p "$WORK/committed/$slug"
  if [ -f "docs/$slug.md" ]; then
    run_listing "$post" "$WORK/committed/$slug/$slug.py" "docs/$slug.md"
  else
    run_listing "$post" "$WORK/committed/$slug/$slug.py"
  fi
done

# --- 2. architecture variants of the tiny spec ----------------------------------------------------
variant() {  # name, then sed expressions applied to specs/tiny.yaml
  local name=$1
  shift
  local spec=$WORK/specs/$name.yaml
  mkdir -p "$WORK/specs"
  sed -e "s/^slug: tiny$/slug: $name/" "$@" specs/tiny.yaml >"$spec"
  if ! "$MC" build "$spec" --out "$WORK/out" --no-generate >"$WORK/$name.log" 2>&1; then
    cat "$WORK/$name.log"
    fail "modelcard build of variant $name failed"
    return
  fi
  local want
  want=$("$MC" count "$spec" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sizes"][0]["parameters"]["total"])')
  local post=$WORK/out/site/content/posts/$name/index.md
  grep -q "\"tiny\": $want}" "$post" || fail "variant $name: listing does not state the engine's count $want"
  mkdir -p "$WORK/listings"
  run_listing "$post" "$WORK/listings/$name.py" "$WORK/out/docs/$name.md"
}
variant llama-like -e 's/norm: layernorm/norm: rmsnorm/' -e 's/activation: gelu/activation: swiglu/' \
  -e 's/position: learned/position: rope/' -e 's/bias: true/bias: false/' -e 's/tie_embeddings: true/tie_embeddings: false/' \
  -e 's/tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4}/tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_kv_heads: 2}/'
variant alibi-geglu -e 's/activation: gelu/activation: geglu/' -e 's/position: learned/position: alibi/'
variant sinusoidal-relu -e 's/activation: gelu/activation: relu/' -e 's/position: learned/position: sinusoidal/'
variant moe-swiglu -e 's/family: decoder/family: moe/' -e 's/activation: gelu/activation: swiglu/' \
  -e 's/tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4}/tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_experts: 4, experts_per_token: 2}/'
variant nopos-silu -e 's/activation: gelu/activation: silu/' -e 's/position: learned/position: none/' \
  -e 's/tie_embeddings: true/tie_embeddings: false/'

# --- 3. ResNeXt and Wide ResNet (groups, width_per_group): grouped, widened bottlenecks ----------
mkdir -p "$WORK/specs"
cat >"$WORK/specs/tiny-resnext.yaml" <<'YAML'
schema: 1
name: Tiny ResNeXt
slug: tiny-resnext
architecture:
  family: resnet
  base: CNN
  config: {block: bottleneck, image_size: 32, num_classes: 10, base_width: 8}
  sizes:
    x32: {stages: [1, 1, 1, 1], groups: 4, width_per_group: 32}
    wide: {stages: [1, 2, 1, 1], width_per_group: 128}
profile: {sizes: [x32], dtypes: [float32], batch_sizes: [1]}
experiments: false
YAML
if "$MC" build "$WORK/specs/tiny-resnext.yaml" --out "$WORK/out" --no-train --min-iterations 3 \
    --min-seconds 0.1 >"$WORK/tiny-resnext.log" 2>&1; then
  post=$WORK/out/site/content/posts/tiny-resnext/index.md
  while read -r size total; do
    grep -q "\"$size\": $total[,}]" "$post" || fail "tiny-resnext: listing does not state the engine's count $total of $size"
  done < <("$MC" count "$WORK/specs/tiny-resnext.yaml" --json |
           python3 -c 'import json,sys; [print(s["name"], s["parameters"]["total"]) for s in json.load(sys.stdin)["sizes"]]')
  mkdir -p "$WORK/listings"
  run_listing "$post" "$WORK/listings/tiny-resnext.py" "$WORK/out/docs/tiny-resnext.md"
else
  cat "$WORK/tiny-resnext.log"
  fail "modelcard build of the ResNeXt variant failed"
fi

# --- 4. the decoder features of issue 16: each listing also equals transformers' model ----------
# Variants of the tiny spec that use them (sliding windows shorter than the 64-token context,
# RoPE scaling with a 16-token original context), each with the transformers config of the same
# architecture: tests/e2e/listing_vs_transformers.py loads one perturbed checkpoint into both and
# compares parameter counts and logits (1e-4). DeepSeek's rope_interleave is off there: the engine
# de-interleaves the checkpoint's rope rows on load, and the listing uses the engine's layout.
LLAMA_SIZE='tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_kv_heads: 2, hidden_dim: 128}'
HF_BASE='"vocab_size": 256, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "tie_word_embeddings": false, "attention_bias": false'
feature_variant() {  # name, transformers config (JSON), size line, then sed expressions on specs/tiny.yaml
  local name=$1 hf=$2 size=$3
  shift 3
  variant "$name" -e "s/^    tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4}\$/    $size/" "$@"
  [ -f "$WORK/listings/$name.py" ] || return
  "$PY" tests/e2e/listing_vs_transformers.py "$WORK/listings/$name.py" "$hf" || fail "variant $name: listing differs from transformers"
}
if "$PY" -c 'import transformers' 2>/dev/null; then
  RMS_ROPE=(-e 's/norm: layernorm/norm: rmsnorm\n    norm_eps: 1.0e-5/' -e 's/bias: true/bias: false/' -e 's/tie_embeddings: true/tie_embeddings: false/')
  feature_variant gemma2-like "{\"model_type\": \"gemma2\", $HF_BASE, \"num_hidden_layers\": 4, \"head_dim\": 16, \"hidden_activation\": \"gelu_pytorch_tanh\", \"query_pre_attn_scalar\": 24, \"sliding_window\": 16, \"final_logit_softcapping\": 30.0, \"attn_logit_softcapping\": 50.0, \"tie_word_embeddings\": true, \"rope_theta\": 10000.0}" \
    'tiny: {num_layers: 4, embedding_dim: 64, num_heads: 4, num_kv_heads: 2, hidden_dim: 128}' \
    -e 's/norm: layernorm/norm: rmsnorm\n    norm_eps: 1.0e-5/' -e 's/bias: true/bias: false/' -e 's/activation: gelu/activation: geglu_tanh/' \
    -e 's/position: learned/position: rope\n    checkpoint_layout: gemma2\n    sliding_window: 16\n    sliding_window_pattern: 2\n    attn_logit_softcap: 50\n    final_logit_softcap: 30\n    sandwich_norm: true\n    embedding_scale: true\n    query_pre_attn_scalar: 24/'
  feature_variant qwen3-like "{\"model_type\": \"qwen3\", $HF_BASE, \"head_dim\": 16, \"rope_theta\": 10000.0}" "$LLAMA_SIZE" \
    "${RMS_ROPE[@]}" -e 's/activation: gelu/activation: swiglu/' -e 's/position: learned/position: rope\n    checkpoint_layout: qwen3\n    qk_norm: true/'
  feature_variant pythia-like '{"model_type": "gpt_neox", "vocab_size": 256, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256, "hidden_act": "gelu", "rotary_pct": 0.25, "max_position_embeddings": 64, "layer_norm_eps": 1e-5, "use_parallel_residual": true, "tie_word_embeddings": false, "attention_bias": true}' \
    'tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4, hidden_dim: 256}' -e 's/tie_embeddings: true/tie_embeddings: false/' \
    -e 's/position: learned/position: rope\n    checkpoint_layout: gpt_neox\n    rotary_dim: 4\n    parallel_residual: true/'
  feature_variant llama3-scaling "{\"model_type\": \"llama\", $HF_BASE, \"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 16}}" "$LLAMA_SIZE" \
    "${RMS_ROPE[@]}" -e 's/activation: gelu/activation: swiglu/' \
    -e 's/position: learned/position: rope\n    rope_theta: 500000\n    rope_scaling: llama3\n    rope_scaling_factor: 8\n    rope_original_context: 16\n    rope_low_freq_factor: 1\n    rope_high_freq_factor: 4/'
  feature_variant yarn-scaling "{\"model_type\": \"llama\", $HF_BASE, \"rope_theta\": 10000.0, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 16}}" "$LLAMA_SIZE" \
    "${RMS_ROPE[@]}" -e 's/activation: gelu/activation: swiglu/' \
    -e 's/position: learned/position: rope\n    rope_scaling: yarn\n    rope_scaling_factor: 4\n    rope_original_context: 16/'
  feature_variant mistral-like "{\"model_type\": \"mistral\", $HF_BASE, \"head_dim\": 16, \"rope_theta\": 10000.0, \"sliding_window\": 12, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0}}" "$LLAMA_SIZE" \
    "${RMS_ROPE[@]}" -e 's/activation: gelu/activation: swiglu/' \
    -e 's/position: learned/position: rope\n    sliding_window: 12\n    rope_scaling: linear\n    rope_scaling_factor: 2\n    rope_original_context: 16/'
  feature_variant deepseek-like "{\"model_type\": \"deepseek_v3\", $HF_BASE, \"num_hidden_layers\": 3, \"num_key_value_heads\": 4, \"moe_intermediate_size\": 32, \"n_shared_experts\": 1, \"n_routed_experts\": 8, \"routed_scaling_factor\": 2.5, \"kv_lora_rank\": 32, \"q_lora_rank\": 24, \"qk_rope_head_dim\": 8, \"v_head_dim\": 16, \"qk_nope_head_dim\": 16, \"n_group\": 4, \"topk_group\": 2, \"num_experts_per_tok\": 2, \"first_k_dense_replace\": 1, \"norm_topk_prob\": true, \"rope_theta\": 10000.0, \"rope_interleave\": false}" \
    'tiny: {num_layers: 3, embedding_dim: 64, num_heads: 4, num_kv_heads: 4, hidden_dim: 128, num_experts: 8, experts_per_token: 2}' \
    "${RMS_ROPE[@]}" -e 's/family: decoder/family: moe/' -e 's/activation: gelu/activation: swiglu/' \
    -e 's/position: learned/position: rope\n    checkpoint_layout: deepseek_v3\n    q_lora_rank: 24\n    kv_lora_rank: 32\n    qk_nope_head_dim: 16\n    qk_rope_head_dim: 8\n    v_head_dim: 16\n    moe_hidden_dim: 32\n    num_shared_experts: 1\n    first_dense_layers: 1\n    router_scoring: sigmoid\n    router_bias: true\n    router_groups: 4\n    router_topk_groups: 2\n    routed_scaling_factor: 2.5/'
  feature_variant qwen3-moe-like "{\"model_type\": \"qwen3_moe\", $HF_BASE, \"head_dim\": 16, \"moe_intermediate_size\": 32, \"num_experts\": 8, \"num_experts_per_tok\": 2, \"norm_topk_prob\": false, \"rope_theta\": 10000.0}" \
    'tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_kv_heads: 2, hidden_dim: 128, num_experts: 8, experts_per_token: 2}' \
    "${RMS_ROPE[@]}" -e 's/family: decoder/family: moe/' -e 's/activation: gelu/activation: swiglu/' \
    -e 's/position: learned/position: rope\n    checkpoint_layout: qwen3_moe\n    qk_norm: true\n    moe_hidden_dim: 32\n    router_renormalize: false/'
else
  fail "$PY cannot import transformers: the decoder-feature listings are not compared (set MODELCARD_PYTHON)"
fi

if [ $failures -ne 0 ]; then echo "torch_listings: $failures check(s) failed"; exit 1; fi
echo "torch_listings: all checks passed"
