#!/usr/bin/env bash
# Every bundled spec of every family builds end to end: the real model is built and measured
# (one quick forward configuration: batch 1, float32, one timed iteration, so the suite stays
# short) and every document renders, with its tables passing the Markdown checks, the family's
# own throughput unit, its own diagram and the published counts in the card.
#   tests/e2e/torch_families.sh <modelcard binary> <source dir>
set -uo pipefail
MC=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MODELCARD_CACHE=$WORK/cache
cd "$SRC"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_in() { grep -qF -- "$2" "$1" || fail "${1#"$WORK"/}: lacks $3: $2"; }

check_family() {  # spec slug unit diagram-line [published count line]...
  local spec=$1 slug=$2 unit=$3 diagram=$4
  shift 4
  local start=$SECONDS
  # --no-generate only where the family generates (for the others it is an error: it does not apply).
  local gen=(--no-generate)
  case $slug in bert | vit | resnet50) gen=() ;; esac
  if ! "$MC" build "specs/$spec" --out "$WORK" --batch 1 --dtype float32 --min-iterations 1 --min-seconds 0 \
      "${gen[@]}" >"$WORK/$slug.log" 2>&1; then
    cat "$WORK/$slug.log"
    fail "build of specs/$spec failed"
    return
  fi
  for f in "cards/$slug.md" "docs/$slug.md" "site/content/posts/$slug/index.md" "results/$slug.json" \
           "docs/experiments/$slug/README.md" "docs/guides/$slug.md" \
           "site/content/posts/$slug/throughput.svg" "site/content/posts/$slug/components.svg"; do
    [ -s "$WORK/$f" ] || fail "$spec: $f was not written"
  done
  expect_in "$WORK/docs/$slug.md" "$unit" "the family's throughput unit"
  expect_in "$WORK/docs/$slug.md" "$diagram" "the family's architecture diagram"
  for line in "$@"; do expect_in "$WORK/cards/$slug.md" "$line" "a published count"; done
  # The optimization study ran: every experiment either has a measured baseline row or says why not,
  # and the training step was measured (its row in the documentation page and the guide).
  local readme="$WORK/docs/experiments/$slug/README.md"
  local measured na
  measured=$(grep -cF '| baseline |' "$readme")
  na=$(grep -c '^Not applicable' "$readme")
  [ "$measured" -ge 4 ] && [ $((measured + na)) -ge 8 ] ||
    fail "$readme: $measured measured baselines and $na not-applicable experiments (8 expected)"
  expect_in "$WORK/docs/$slug.md" "Training step (forward, loss, backward and one AdamW step" "the training-step table"
  expect_in "$WORK/docs/guides/$slug.md" "**MEASURED** training steps" "the measured training steps"
  echo "$spec: built, measured and rendered in $((SECONDS - start)) s"
}

check_family bert.yaml bert "tokens/s" "LayerNorm of the embeddings" "109,482,240"
check_family vit.yaml vit "images/s" "Patch embedding: conv 16×16 stride 16" "86,567,656"
check_family resnet50.yaml resnet50 "images/s" "Stem: conv 7×7 stride 2" "25,557,032"
check_family whisper.yaml whisper "s of audio/s" "Log-mel spectrogram: 80 mel bins"
check_family mixtral.yaml mixtral "tokens/s" "MoE: top-2 of 8" "46,702,792,704"
check_family lstm.yaml lstm "tokens/s" "LSTM layers"
# profile.preprocess: the input preprocessing has its own measured row, in the family's unit.
expect_in "$WORK/docs/vit.md" "Input preprocessing on the CPU" "the preprocessing table"
grep -qE '^\| b16 \| cpu \| float32 \| 1 \| [0-9.]+ (ms|s|µs) \| [0-9.,]+ images/s \|' "$WORK/docs/vit.md" ||
  fail "docs/vit.md: no measured preprocessing row in images/s"
grep -qE '^\| tiny \| cpu \| float32 \| 1 \| [0-9.]+ (ms|s|µs) \| [0-9.,]+ s of audio/s \|' "$WORK/docs/whisper.md" ||
  fail "docs/whisper.md: no measured preprocessing row in s of audio/s"

if [ $failures -ne 0 ]; then echo "torch_families: $failures check(s) failed"; exit 1; fi
echo "torch_families: all checks passed"
