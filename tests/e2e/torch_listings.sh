#!/usr/bin/env bash
# The blog posts' PyTorch listings run and describe the same model the engine measures:
#  1. every committed post's listing runs (its own checks: each size's parameter count on the meta
#     device equals the post's, logits shape, causality) and its parameter names and shapes equal
#     the "Weight Mapping" table of the model's documentation page;
#  2. posts built here from variants of the tiny spec cover the branches the bundled models don't
#     use (RMSNorm, SwiGLU/GeGLU/ReLU/SiLU, RoPE, ALiBi, sinusoidal and no positions, GQA, no
#     biases, untied LM head); each listing runs and matches the engine's count of the variant.
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
       if k not in shapes or k not in table or (table[k] is not None and shapes[k] != {table[k]})]
for k in bad:
    print(f"  {k}: listing {sorted(shapes.get(k, []))}, documentation {table.get(k, 'absent')}")
if bad:
    sys.exit(1)
if not described:
    sys.exit(f"  {sys.argv[2]}: the weight map does not say which size its shapes are")
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

if [ $failures -ne 0 ]; then echo "torch_listings: $failures check(s) failed"; exit 1; fi
echo "torch_listings: all checks passed"
