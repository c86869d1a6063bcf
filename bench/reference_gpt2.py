"""Reference timings for bench/run.sh: a GPT-2-shaped model built from PyTorch's own
torch.nn.TransformerEncoderLayer (pre-LN, GELU, causal mask, tied head), in eager mode and
under torch.compile, same torch version and thread count as our engine. Prints JSON lines.
Developer tool only: the product never needs Python."""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


class Gpt2FromTorchModules(nn.Module):
    def __init__(self, vocab=50257, ctx=1024, layers=12, dim=768, heads=12):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(ctx, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, 4 * dim, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.tok.weight  # tied

    def forward(self, ids):
        T = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(T, device=ids.device))
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=ids.device, dtype=x.dtype)
        x = self.blocks(x, mask=mask, is_causal=True)
        return self.head(self.norm(x))


def time_it(fn, warmup, min_iters, min_seconds):
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_iters or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return {"mean": statistics.fmean(samples), "p50": statistics.median(samples),
            "count": len(samples)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--shapes", default="1x128,8x512")
    ap.add_argument("--dtypes", default="float32,bfloat16")
    ap.add_argument("--modes", default="eager,compile")
    ap.add_argument("--min-iters", type=int, default=5)
    ap.add_argument("--min-seconds", type=float, default=2.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for dtype_name in args.dtypes.split(","):
        dtype = getattr(torch, dtype_name)
        model = Gpt2FromTorchModules().to(dtype).eval()
        for mode in args.modes.split(","):
            fwd = torch.compile(model) if mode == "compile" else model
            for shape in args.shapes.split(","):
                b, t = (int(v) for v in shape.split("x"))
                ids = torch.randint(0, 50257, (b, t))
                with torch.inference_mode():
                    stats = time_it(lambda: fwd(ids), 3 if mode == "compile" else 2,
                                    args.min_iters, args.min_seconds)
                print(json.dumps({"impl": f"torch.nn {mode}", "dtype": dtype_name, "batch": b,
                                  "seq": t, "threads": args.threads, **stats}), flush=True)


if __name__ == "__main__":
    main()
