"""A blog post's PyTorch listing computes what transformers computes for the same architecture.

  listing_vs_transformers.py <listing.py> '<json: {"model_type": "gemma2", <config keys>}>'

Builds the transformers model of that config (eager attention, float32), perturbs every weight
(norm weights around 1, Gemma's stored w - 1 around 0, the router's correction bias too) so that
each one matters, loads the same tensors into the listing's Model (size of its SIZES run by
main(): the only one for the tiny variants) through the checkpoint names the engine maps
(engine/weights/hf_names.cc), and requires the same parameter count and logits within 1e-4 on a
full-context sequence. Exits non-zero and says why otherwise. tests/e2e/torch_listings.sh runs it
on variants of the tiny spec that use the decoder features (sliding windows longer than nothing
and shorter than the sequence, RoPE scaling with an original context shorter than it).
"""
import importlib.util
import json
import re
import sys

import torch
import transformers

GEMMA = ("gemma", "gemma2")  # RMSNorm stored as w - 1: our weight is the stored one + 1


def ours_name(k, model_type):
    k = re.sub(r"^(model|gpt_neox)\.", "", k)
    rules = [(r"^embed_tokens", "tok_emb"), (r"^embed_in", "tok_emb"), (r"^norm\.", "norm_f."),
             (r"^final_layer_norm", "norm_f"), (r"^embed_out", "lm_head"), (r"^layers\.", "blocks."),
             (r"\.self_attn\.", ".attn."), (r"\.attention\.", ".attn."), (r"\.input_layernorm", ".norm1"),
             (r"\.o_proj", ".proj"), (r"\.dense\.", ".proj."), (r"\.down_proj", ".proj"),
             (r"\.dense_4h_to_h", ".proj"), (r"\.dense_h_to_4h", ".fc"), (r"\.mlp\.gate\.weight", ".mlp.router.weight"),
             (r"\.mlp\.gate\.e_score_correction_bias", ".mlp.router_bias"), (r"\.q_a_proj", ".q_a"),
             (r"\.q_a_layernorm", ".q_a_norm"), (r"\.q_b_proj", ".q_b"), (r"\.q_proj", ".q"), (r"\.k_proj", ".k"),
             (r"\.v_proj", ".v"), (r"\.kv_a_proj_with_mqa", ".kv_a"), (r"\.kv_a_layernorm", ".kv_a_norm"),
             (r"\.kv_b_proj", ".kv_b"), (r"\.query_key_value", ".qkv"), (r"\.pre_feedforward_layernorm", ".norm2"),
             (r"\.post_feedforward_layernorm", ".post_ffw_norm"),
             (r"\.post_attention_layernorm", ".post_attn_norm" if model_type == "gemma2" else ".norm2")]
    for a, b in rules:
        k = re.sub(a, b, k)
    return k


def main():
    listing, config = sys.argv[1], json.loads(sys.argv[2])
    spec = importlib.util.spec_from_file_location("listing", listing)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    c = next(iter(m.SIZES.values()))
    model_type = config.pop("model_type")
    hc = transformers.AutoConfig.for_model(model_type, **config)
    torch.manual_seed(1)
    hf = transformers.AutoModelForCausalLM.from_config(hc, attn_implementation="eager").eval()
    ours = m.Model(c).eval()
    n_hf, n_ours = sum(p.numel() for p in hf.parameters()), sum(p.numel() for p in ours.parameters())
    g = torch.Generator().manual_seed(2)
    stored = {}
    for k, v in hf.state_dict().items():
        if "rotary_emb" in k or (k == "lm_head.weight" and hc.tie_word_embeddings):
            continue
        base = 1.0 if "norm" in k and k.endswith("weight") and model_type not in GEMMA else 0.0
        stored[k] = base + 0.1 * torch.randn(v.shape, generator=g)
    hf.load_state_dict(stored, strict=False)
    mine, fused = {}, {}
    for k, v in stored.items():
        o = ours_name(k, model_type)
        if model_type in GEMMA and "norm" in k:
            v = v + 1
        qkv = re.match(r"(.*\.attn)\.([qkv])\.(weight|bias)$", o) if model_type != "deepseek_v3" else None
        gate_up = re.match(r"(.*)\.(gate_proj|up_proj)\.(weight|bias)$", o)
        if qkv:  # q_proj | k_proj | v_proj -> the fused attn.qkv rows
            fused.setdefault(qkv.group(1) + ".qkv." + qkv.group(3), {})[qkv.group(2)] = v
        elif gate_up:  # gate_proj | up_proj -> the fused fc rows
            fused.setdefault(gate_up.group(1) + ".fc." + gate_up.group(3), {})[gate_up.group(2)] = v
        elif model_type == "gpt_neox" and o.endswith("attn.qkv.weight"):  # per head [q; k; v] -> [q; k; v]
            mine[o] = v.view(c.num_heads, 3, c.head_dim, -1).transpose(0, 1).reshape(v.shape)
        elif model_type == "gpt_neox" and o.endswith("attn.qkv.bias"):
            mine[o] = v.view(c.num_heads, 3, c.head_dim).transpose(0, 1).reshape(v.shape)
        else:
            mine[o] = v
    for k, parts in fused.items():
        mine[k] = torch.cat([parts[x] for x in (("q", "k", "v") if ".qkv." in k else ("gate_proj", "up_proj"))])
    missing, unexpected = ours.load_state_dict(mine, strict=False)
    ids = torch.randint(c.vocab_size, (1, c.context_length), generator=g)
    with torch.no_grad():
        diff = (hf(ids).logits - ours(ids)).abs().max().item()
    problems = []
    if n_ours != n_hf:
        problems.append(f"{n_ours:,} parameters, transformers {n_hf:,}")
    if missing or unexpected:
        problems.append(f"weights not loaded: {missing}, without a place: {unexpected}")
    if not diff < 1e-4:
        problems.append(f"logits differ from transformers' by {diff:.3g} (limit 1e-4)")
    print(f"  {model_type}: {n_ours:,} parameters as transformers; logits within {diff:.2g} over {c.context_length} "
          f"tokens" if not problems else "  " + model_type + ": " + "; ".join(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
