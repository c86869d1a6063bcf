"""Prints the benchmark table of bench/run.sh: our forward vs PyTorch eager and torch.compile,
the ratios, MFU, and whether each target of issue 2 is met (printed, never asserted)."""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(ours_path, ref_path):
    rows = load(ours_path) + load(ref_path)
    peak = {r["dtype"]: r["flops_per_s"] for r in rows if r["impl"] == "peak GEMM"}
    runs = {(r["impl"], r["dtype"], r["batch"], r["seq"]): r for r in rows if r["impl"] != "peak GEMM"}
    print("| dtype | batch x seq | modelcard p50 | eager p50 | compile p50 | vs eager | vs compile | MFU |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (impl, dtype, b, t), r in sorted(runs.items()):
        if impl != "modelcard":
            continue
        eager = runs.get(("torch.nn eager", dtype, b, t))
        comp = runs.get(("torch.nn compile", dtype, b, t))
        fmt = lambda x: f"{x['p50'] * 1e3:.1f} ms" if x else "n/a"
        ratio = lambda x: f"{x['p50'] / r['p50']:.2f}x" if x else "n/a"
        print(f"| {dtype} | {b} x {t} | {fmt(r)} | {fmt(eager)} | {fmt(comp)} | {ratio(eager)} | {ratio(comp)} "
              f"| {r['mfu'] * 100:.1f}% |")
    print()
    for dtype, p in sorted(peak.items()):
        print(f"measured peak GEMM {dtype}: {p / 1e9:.1f} GFLOP/s")
    print()

    def target(name, ok):
        print(f"target {'MET ' if ok else 'MISSED'}: {name}")

    def p50(impl, dtype, b, t):
        r = runs.get((impl, dtype, b, t))
        return r["p50"] if r else float("nan")

    ours32 = p50("modelcard", "float32", 1, 128)
    target("1x128 float32 >= 1.5x faster than eager", p50("torch.nn eager", "float32", 1, 128) / ours32 >= 1.5)
    target("1x128 float32 no slower than torch.compile", ours32 <= p50("torch.nn compile", "float32", 1, 128))
    target("1x128 bfloat16 >= 1.2x faster than eager",
           p50("torch.nn eager", "bfloat16", 1, 128) / p50("modelcard", "bfloat16", 1, 128) >= 1.2)
    big = runs.get(("modelcard", "float32", 8, 512))
    target("8x512 float32 MFU >= 75%", bool(big) and big["mfu"] >= 0.75)


if __name__ == "__main__":
    main(*sys.argv[1:3])
