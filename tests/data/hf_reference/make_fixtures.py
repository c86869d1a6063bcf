#!/usr/bin/env python3
"""Writes the Hugging Face reference fixtures that tests/engine/hf_reference_test.cc loads.

For developers only (the product never runs Python). Needs torch, transformers and safetensors:
    pip install transformers safetensors
    python tests/data/hf_reference/make_fixtures.py

Each fixture is a tiny, randomly initialized (fixed seed) transformers model saved as a Hugging
Face directory, tests/data/hf_reference/<name>/{config.json, model.safetensors}, plus
reference.json: fixed input ids and the float32 logits transformers computes for them.
The weights are rounded to the storage dtype BEFORE the reference runs, so an F16/BF16 file
holds exactly the weights the float32 reference used.
"""
import json
import pathlib

import torch
import transformers
from transformers import (BertConfig, BertForMaskedLM, GPT2Config, GPT2LMHeadModel, LlamaConfig,
                          LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM, ViTConfig, ViTForImageClassification)

HERE = pathlib.Path(__file__).resolve().parent
SEED = 1234
BATCH, TOKENS = 2, 12
STORAGE = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def randomize(model, std):
    """Draws every parameter from N(0, std) (norm weights N(1, std)).

    transformers' own init (std 0.02, norms 1, biases 0) gives near-zero logits that would hide a
    wrong bias, norm weight or rotation inside the tolerance."""
    gen = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen) * std
            is_norm = (("norm" in name.lower() or ".ln_" in name or name.startswith("ln_")) and
                       name.endswith(".weight"))  # BERT/ViT: LayerNorm, layernorm_before/after
            p.copy_(1.0 + noise if is_norm else noise)


def round_nested(values):
    """Nested lists of floats, each printed with 8 significant digits."""
    if isinstance(values, list):
        return [round_nested(v) for v in values]
    return float(f"{values:.8g}")


def write_fixture(name, model, storage, images=None):
    out = HERE / name
    out.mkdir(parents=True, exist_ok=True)
    randomize(model, std=0.2)
    with torch.no_grad():
        for p in model.parameters():  # parameters only: buffers (RoPE inv_freq) stay float32
            p.copy_(p.to(STORAGE[storage]).to(torch.float32))
    model.eval()
    gen = torch.Generator().manual_seed(SEED + 1)
    if images:  # a fixed random image batch (B, channels, H, W) instead of token ids
        c = model.config
        pixels = torch.randn((BATCH, c.num_channels, c.image_size, c.image_size), generator=gen)
        pixels = torch.round(pixels * 16) / 16  # multiples of 1/16: short, exact in reference.json
        with torch.no_grad():
            logits = model(pixel_values=pixels).logits.float()  # (B, classes)
        inputs = {"pixel_values": pixels.tolist()}
    else:
        ids = torch.randint(0, model.config.vocab_size, (BATCH, TOKENS), generator=gen)
        with torch.no_grad():
            logits = model(ids).logits.float()  # (B, T, V)
        inputs = {"input_ids": ids.tolist()}
    if storage != "F32":
        model.to(STORAGE[storage])
    model.save_pretrained(out, safe_serialization=True)
    (out / "generation_config.json").unlink(missing_ok=True)
    reference = {
        "model": name,
        "storage_dtype": storage,
        "seed": SEED,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        **inputs,
        "logits": round_nested(logits.tolist()),
    }
    (out / "reference.json").write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    for f in sorted(out.iterdir()):
        print(f"wrote {f.relative_to(HERE.parent.parent.parent)} ({f.stat().st_size} bytes)")
    print(f"  {name}: logits {tuple(logits.shape)}, max |logit| {logits.abs().max().item():.4f}")


def main():
    torch.manual_seed(SEED)
    gpt2 = GPT2LMHeadModel(GPT2Config(
        vocab_size=97, n_positions=32, n_embd=32, n_layer=2, n_head=4, activation_function="gelu_new",
        layer_norm_epsilon=1e-5, bos_token_id=0, eos_token_id=0, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=True,
        attn_implementation="eager"))
    write_fixture("gpt2", gpt2, "F32")

    llama = LlamaForCausalLM(LlamaConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-6,
        tie_word_embeddings=False, attention_bias=False, mlp_bias=False, attn_implementation="eager"))
    write_fixture("llama", llama, "BF16")

    # Qwen2: q/k/v biases (no other biases) and a tied head; stored as float16.
    qwen2 = Qwen2ForCausalLM(Qwen2Config(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-6,
        tie_word_embeddings=True, use_sliding_window=False, attn_implementation="eager"))
    write_fixture("qwen2", qwen2, "F16")

    # BERT (the encoder family): post-norm, exact GELU, LayerNorm eps 1e-12, MLM head tied to the
    # word embeddings; BertForMaskedLM has no pooler.
    bert = BertForMaskedLM(BertConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, tie_word_embeddings=True,
        attn_implementation="eager"))
    write_fixture("bert", bert, "F32")

    # ViT (the vit family): pre-norm, exact GELU, eps 1e-12, [CLS] pooling, a 10-class head.
    vit = ViTForImageClassification(ViTConfig(
        image_size=32, patch_size=8, num_channels=3, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, hidden_act="gelu", layer_norm_eps=1e-12, qkv_bias=True, num_labels=10,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager"))
    write_fixture("vit", vit, "F16", images=True)  # F16 keeps the directory under 100 KB


if __name__ == "__main__":
    main()
