#!/usr/bin/env bash
# Benchmark (not a test): `modelcard render` of the bundled specs, and of 100 specs made from
# them (new names and slugs, copies of their results), from stored results only: no model is
# built. Prints the wall time of each, per spec, and the ratio of the 100-spec run to the bundled one.
#   bench/render_specs.sh [count=100]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100}
MC=${MODELCARD_BIN:-build/modelcard}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

seconds() { python3 -c 'import sys,time,subprocess; t=time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(f"{time.perf_counter()-t:.3f}")' "$@"; }

# The bundled specs, rendered into a copy of the repository's results.
mkdir -p "$WORK/bundled"
cp -r results "$WORK/bundled/"
bundled=$(ls specs/*.yaml | wc -l)
t_bundled=$(seconds "$MC" render specs/ --out "$WORK/bundled")

# COUNT specs: round-robin copies of the bundled ones with a new name and slug, and their results.
mkdir -p "$WORK/many/specs" "$WORK/many/results"
specs=(specs/*.yaml)
for ((i = 0; i < COUNT; i++)); do
  src=${specs[$((i % ${#specs[@]}))]}
  base=$(basename "$src" .yaml)
  slug="$base-copy-$i"
  python3 - "$src" "results/$base.json" "$slug" "$WORK/many" <<'PY'
import hashlib, json, re, sys
spec_path, results_path, slug, out = sys.argv[1:]
text = open(spec_path, encoding="utf-8").read()
text = re.sub(r"^name: (.*)$", lambda m: f"name: {m.group(1)} copy {slug}", text, count=1, flags=re.M)
text = re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M) if re.search(r"^slug:", text, re.M) else f"slug: {slug}\n" + text
open(f"{out}/specs/{slug}.yaml", "w", encoding="utf-8").write(text)
r = json.load(open(results_path, encoding="utf-8"))
r["slug"] = slug
r["spec_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
json.dump(r, open(f"{out}/results/{slug}.json", "w", encoding="utf-8"), indent=2)
PY
done
t_many=$(seconds "$MC" render "$WORK/many/specs" --out "$WORK/many")
docs=$(find "$WORK/many" -name '*.md' | wc -l)

python3 - "$bundled" "$t_bundled" "$COUNT" "$t_many" "$docs" <<'PY'
import sys
n1, t1, n2, t2, docs = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"render, bundled specs: {n1} specs in {t1:.3f} s ({t1 / n1 * 1000:.1f} ms per spec)")
print(f"render, {n2} specs: {t2:.3f} s ({t2 / n2 * 1000:.1f} ms per spec, {docs} Markdown files)")
print(f"ratio: {t2 / t1:.1f}x the bundled run for {n2 / n1:.1f}x the specs")
PY
