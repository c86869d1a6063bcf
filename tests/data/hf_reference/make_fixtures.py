#!/usr/bin/env python3
"""Writes the Hugging Face reference fixtures that tests/engine/hf_reference_test.cc loads.

For developers only (the product never runs Python). Needs torch, transformers and safetensors
(and torchvision for the ResNet fixtures):
    pip install transformers safetensors torchvision
    python tests/data/hf_reference/make_fixtures.py                  # every fixture
    python tests/data/hf_reference/make_fixtures.py mixtral resnet   # only these (names below)

Each fixture is a tiny, randomly initialized (fixed seed) transformers model saved as a Hugging
Face directory, tests/data/hf_reference/<name>/{config.json, model.safetensors}, plus
reference.json: fixed input ids and the float32 logits transformers computes for them.
The weights are rounded to the storage dtype BEFORE the reference runs, so an F16/BF16 file
holds exactly the weights the float32 reference used.

torchvision ResNets (resnet_basic, resnet_bottleneck, resnext: grouped 3x3 convolutions) have no
config.json: torchvision's own state dict (model.safetensors, num_batches_tracked included) and
reference.json, which names the block, stage depths, widths, groups and width_per_group.
resnet_names.json lists the [name, shape] of every state-dict entry of the real torchvision
resnet18, resnet50, resnext50_32x4d and wide_resnet50_2. vit and resnet_basic also get a small
labelled set, eval.safetensors, with the reference top-1 / top-5 accuracy in eval_reference.json.
"""
import json
import math
import pathlib
import sys

import safetensors.torch
import torch
import transformers
from transformers import (BertConfig, BertForMaskedLM, BertForSequenceClassification, MistralConfig, MistralForCausalLM, GPT2Config, GPT2LMHeadModel, LlamaConfig,
                          LlamaForCausalLM, MixtralConfig, MixtralForCausalLM, Qwen2Config, Qwen2ForCausalLM,
                          ViTConfig, ViTForImageClassification)
from transformers import DeepseekV3Config, DeepseekV3ForCausalLM, Qwen3MoeConfig, Qwen3MoeForCausalLM

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
    report(out)
    print(f"  {name}: logits {tuple(logits.shape)}, max |logit| {logits.abs().max().item():.4f}")
    return out, inputs, logits


def report(out):
    for f in sorted(out.iterdir()):
        print(f"wrote {f.relative_to(HERE.parent.parent.parent)} ({f.stat().st_size} bytes)")


def make_gpt2():
    gpt2 = GPT2LMHeadModel(GPT2Config(
        vocab_size=97, n_positions=32, n_embd=32, n_layer=2, n_head=4, activation_function="gelu_new",
        layer_norm_epsilon=1e-5, bos_token_id=0, eos_token_id=0, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=True,
        attn_implementation="eager"))
    write_fixture("gpt2", gpt2, "F32")


def make_llama():
    llama = LlamaForCausalLM(LlamaConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-6,
        tie_word_embeddings=False, attention_bias=False, mlp_bias=False, attn_implementation="eager"))
    write_fixture("llama", llama, "BF16")


def make_qwen2():
    # Qwen2: q/k/v biases (no other biases) and a tied head; stored as float16.
    qwen2 = Qwen2ForCausalLM(Qwen2Config(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-6,
        tie_word_embeddings=True, use_sliding_window=False, attn_implementation="eager"))
    write_fixture("qwen2", qwen2, "F16")


def make_mistral():
    # Mistral: the Llama layout with an explicit head_dim (here 16, not hidden / heads = 8), GQA 4:1,
    # rope_theta 1e6, no sliding window (the engine has none); stored as float32.
    mistral = MistralForCausalLM(MistralConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, head_dim=16, rope_theta=1e6, rms_norm_eps=1e-5,
        sliding_window=None, tie_word_embeddings=False, attn_implementation="eager"))
    write_fixture("mistral", mistral, "F32")


def make_bert():
    # BERT (the encoder family): post-norm, exact GELU, LayerNorm eps 1e-12, MLM head tied to the
    # word embeddings; BertForMaskedLM has no pooler.
    bert = BertForMaskedLM(BertConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, tie_word_embeddings=True,
        attn_implementation="eager"))
    write_fixture("bert", bert, "F32")


def make_bert_cls():
    """BertForSequenceClassification (encoder, head: classifier): the tanh pooler on [CLS] and a
    5-class head, F16; plus a labelled set of token ids (input_ids (N, 12) I64, labels (N,) I64),
    labelled like write_eval_set's images, for `modelcard eval`'s accuracy on an encoder."""
    bert = BertForSequenceClassification(BertConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12, num_labels=5,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager"))
    write_fixture("bert_cls", bert, "F16")
    out = HERE / "bert_cls"
    gen = torch.Generator().manual_seed(SEED + 2)
    ids = torch.randint(0, bert.config.vocab_size, (EVAL_N, TOKENS), generator=gen)
    bert.float()
    with torch.no_grad():
        logits = bert(ids).logits.float()  # (N, 5)
    ranked = logits.argsort(dim=-1, descending=True)
    half, quarter = EVAL_N // 2, EVAL_N // 4
    labels = torch.cat([ranked[:half, 0], ranked[half:half + quarter, 2], ranked[half + quarter:, -1]]).long()
    top1 = (logits.argmax(dim=-1) == labels).float().mean().item()
    top5 = (logits.topk(5, dim=-1).indices == labels[:, None]).any(dim=-1).float().mean().item()  # 5 classes: 1
    safetensors.torch.save_file({"input_ids": ids.contiguous(), "labels": labels.contiguous()},
                                out / "eval.safetensors", metadata={"format": "pt"})
    reference = {"model": "bert_cls", "n": EVAL_N, "top1": top1, "top5": top5, "seed": SEED + 2,
                 "labels": "first half: the reference's top-1 class; next quarter: its 3rd; rest: its lowest-ranked",
                 "transformers": transformers.__version__, "torch": torch.__version__}
    (out / "eval_reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    report(out)
    print(f"  bert_cls eval: n {EVAL_N}, top-1 {top1}, top-5 {top5}")


def make_vit():
    # ViT (the vit family): pre-norm, exact GELU, eps 1e-12, [CLS] pooling, a 10-class head.
    vit = ViTForImageClassification(ViTConfig(
        image_size=32, patch_size=8, num_channels=3, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, hidden_act="gelu", layer_norm_eps=1e-12, qkv_bias=True, num_labels=10,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager"))
    write_fixture("vit", vit, "F16", images=True)  # F16 keeps the directory under 100 KB


def mixtral_published(fused):
    """transformers 5's in-memory Mixtral state dict in the published checkpoints' names and layout
    (mistralai/Mixtral-8x7B-v0.1): mlp.gate -> block_sparse_moe.gate; mlp.experts.gate_up_proj
    (E, 2H, C), [gate; up] per expert -> experts.{e}.w1 (gate) and .w3 (up), each (H, C);
    mlp.experts.down_proj (E, C, H) -> experts.{e}.w2 (C, H)."""
    out = {}
    for key, t in fused.items():
        if key.endswith(".mlp.experts.gate_up_proj"):
            prefix = key[:-len("mlp.experts.gate_up_proj")] + "block_sparse_moe.experts."
            gate, up = t.chunk(2, dim=1)
            for e in range(t.shape[0]):
                out[f"{prefix}{e}.w1.weight"] = gate[e].contiguous()
                out[f"{prefix}{e}.w3.weight"] = up[e].contiguous()
        elif key.endswith(".mlp.experts.down_proj"):
            prefix = key[:-len("mlp.experts.down_proj")] + "block_sparse_moe.experts."
            for e in range(t.shape[0]):
                out[f"{prefix}{e}.w2.weight"] = t[e].contiguous()
        else:
            out[key.replace(".mlp.gate.", ".block_sparse_moe.gate.")] = t.contiguous()
    return out


def make_mixtral():
    # Mixtral (the moe family): Llama attention (GQA, RoPE) with a sparse MoE MLP: 4 SwiGLU experts,
    # 2 per token; router softmax over all experts in float32, top-2, renormalized to sum 1.
    config = MixtralConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, num_local_experts=4, num_experts_per_tok=2,
        rope_theta=10000.0, rms_norm_eps=1e-6, tie_word_embeddings=False, sliding_window=None,
        router_jitter_noise=0.0, attn_implementation="eager", experts_implementation="eager")
    model = MixtralForCausalLM(config)
    out, inputs, logits = write_fixture("mixtral", model, "BF16")
    # The committed file must hold the published per-expert layout, whatever transformers writes.
    path = out / "model.safetensors"
    published = mixtral_published({k: v.to(torch.bfloat16) for k, v in model.state_dict().items()})
    saved = safetensors.torch.load_file(path)
    if set(saved) != set(published) or any(not torch.equal(saved[k], published[k]) for k in published):
        print(f"  mixtral: transformers wrote {sorted(saved)[:4]}...; rewriting in the published layout")
        safetensors.torch.save_file(published, path, metadata={"format": "pt"})
        report(out)
    reloaded = MixtralForCausalLM.from_pretrained(out, dtype=torch.float32, attn_implementation="eager",
                                                  experts_implementation="eager").eval()
    ids = torch.tensor(inputs["input_ids"])
    with torch.no_grad():
        again = reloaded(ids, output_router_logits=True)
    diff = (again.logits.float() - logits).abs().max().item()
    assert diff == 0.0, f"mixtral reloaded from {out} differs from the reference by {diff}"
    # Margin between the 2nd and 3rd router probability: a tiny one would make top-2 fragile.
    margins = [p.sort(dim=-1, descending=True).values.diff(dim=-1)[:, 1].abs().min().item()
               for p in (torch.softmax(r.float(), dim=-1) for r in again.router_logits)]
    print(f"  mixtral: reloaded logits identical; min router p2 - p3 per layer {[round(m, 5) for m in margins]}")



def make_qwen3_moe():
    # Qwen3-MoE: Llama attention with q_norm / k_norm (RMSNorm over each head's head_dim, before
    # RoPE), an explicit head_dim (16, not hidden / heads = 8), 4 SwiGLU experts of width 24, 2 per
    # token, softmax router WITHOUT renormalization of the top-2 (norm_topk_prob False; Mixtral's
    # fixture covers renormalization), untied head.
    config = Qwen3MoeConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, moe_intermediate_size=24,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16, num_experts=4,
        num_experts_per_tok=2, norm_topk_prob=False, decoder_sparse_step=1, mlp_only_layers=[], rope_theta=10000.0,
        rms_norm_eps=1e-6, tie_word_embeddings=False, attention_bias=False, use_sliding_window=False,
        attn_implementation="eager")
    write_fixture("qwen3_moe", Qwen3MoeForCausalLM(config), "F32")


def deepseek_v3_fixture(name, **overrides):
    """A tiny DeepseekV3ForCausalLM: multi-head latent attention (interleaved RoPE, the default
    rope_interleave), dense layers first, then sigmoid-routed experts with a nonzero
    e_score_correction_bias (a buffer: randomize() draws parameters only), shared experts,
    group-limited routing and a routed scaling factor."""
    settings = dict(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, moe_intermediate_size=16,
        num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=4, q_lora_rank=24, kv_lora_rank=16,
        qk_nope_head_dim=8, qk_rope_head_dim=4, v_head_dim=6, n_routed_experts=8, num_experts_per_tok=2,
        n_group=4, topk_group=2, n_shared_experts=1, first_k_dense_replace=1, routed_scaling_factor=2.5,
        norm_topk_prob=True, rope_theta=10000.0, rms_norm_eps=1e-6, tie_word_embeddings=False,
        attention_bias=False, rope_interleave=True, attn_implementation="eager")
    settings.update(overrides)
    model = DeepseekV3ForCausalLM(DeepseekV3Config(**settings))
    gen = torch.Generator().manual_seed(SEED + 2)
    with torch.no_grad():
        for layer in model.model.layers:
            gate = getattr(layer.mlp, "gate", None)
            if gate is not None:
                gate.e_score_correction_bias.copy_(torch.randn(gate.e_score_correction_bias.shape, generator=gen) * 0.1)
    out, inputs, logits = write_fixture(name, model, "F32")
    saved = safetensors.torch.load_file(out / "model.safetensors")
    biases = [k for k in saved if k.endswith("e_score_correction_bias")]
    assert biases and all(saved[k].abs().max() > 0 for k in biases), f"{name}: correction biases not saved"


def make_deepseek_v3():
    # q_lora_rank 24, 3 layers (the first dense), 8 experts in 4 groups of which 2 compete, top-2,
    # routed_scaling_factor 2.5, and YaRN rope scaling (factor 4 over an original context of 8 <
    # the 12 test tokens) with mscale == mscale_all_dim: attention_factor 1, softmax scale x mscale^2.
    deepseek_v3_fixture("deepseek_v3", rope_scaling={
        "type": "yarn", "factor": 4.0, "original_max_position_embeddings": 8, "beta_fast": 32.0, "beta_slow": 1.0,
        "mscale": 1.0, "mscale_all_dim": 1.0})


def make_deepseek_v3_nolora():
    # The variant without the low-rank q (q_proj), no rope scaling, every layer routed
    # (first_k_dense_replace 0), one group, 2 shared experts, the top-2 not renormalized.
    deepseek_v3_fixture("deepseek_v3_nolora", q_lora_rank=None, num_hidden_layers=2, first_k_dense_replace=0,
                        n_group=1, topk_group=1, n_shared_experts=2, norm_topk_prob=False,
                        routed_scaling_factor=1.5)


# Issue 16's decoders: each tiny model makes its feature matter on the 12-token test sequence
# (windows of 5, rope scaling with an original context of 8, soft-caps well inside the logits'
# range), with every weight, norm and bias perturbed by randomize().

def tiny_llama(rope_scaling, max_position_embeddings=32):
    return LlamaForCausalLM(LlamaConfig(
        vocab_size=97, max_position_embeddings=max_position_embeddings, hidden_size=64, intermediate_size=96,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-6,
        rope_scaling=rope_scaling, tie_word_embeddings=False, attention_bias=False, mlp_bias=False,
        attn_implementation="eager"))


def make_llama3():
    # Llama 3.1's rope scaling: wavelengths over 8 / low_freq_factor positions interpolated (/ factor),
    # those under 8 / high_freq_factor kept, a smooth ramp between: every frequency of head_dim 16 moves.
    write_fixture("llama3", tiny_llama({"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0,
                                        "high_freq_factor": 4.0, "original_max_position_embeddings": 8}), "F32")


def make_llama_yarn():
    # YaRN with beta_fast 4, beta_slow 0.1 over an original context of 8: the ramp spans dims 0..3
    # (extrapolated, mixed, interpolated), cos and sin x 0.1 ln(4) + 1.
    write_fixture("llama_yarn", tiny_llama({"rope_type": "yarn", "factor": 4.0, "beta_fast": 4.0, "beta_slow": 0.1,
                                            "original_max_position_embeddings": 8}), "F16")


def make_llama_linear():
    write_fixture("llama_linear", tiny_llama({"rope_type": "linear", "factor": 2.0}), "BF16")


def make_llama_dynamic():
    # Dynamic NTK: transformers' original context is max_position_embeddings (8 here), so the 12-token
    # forward computes its frequencies with theta (2 * 12 / 8 - 1)^(16 / 14).
    write_fixture("llama_dynamic", tiny_llama({"rope_type": "dynamic", "factor": 2.0}, max_position_embeddings=8),
                  "BF16")


def make_mistral_window():
    # Mistral v0.1's sliding window (5 keys, each query's own included) over 12 tokens; GQA 4:1.
    mistral = MistralForCausalLM(MistralConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, head_dim=8, rope_theta=10000.0, rms_norm_eps=1e-5,
        sliding_window=5, tie_word_embeddings=False, attn_implementation="eager"))
    write_fixture("mistral_window", mistral, "F32")


def make_gemma():
    # Gemma: embeddings x sqrt(hidden), RMSNorm as norm(x) (1 + w), GeGLU-tanh, MQA, head_dim 16
    # (not hidden / heads), tied head.
    gemma = transformers.GemmaForCausalLM(transformers.GemmaConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, head_dim=16, hidden_act="gelu_pytorch_tanh",
        hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6, rope_theta=10000.0, tie_word_embeddings=True,
        pad_token_id=0, bos_token_id=1, eos_token_id=2, attn_implementation="eager"))
    write_fixture("gemma", gemma, "F32")


def make_gemma2():
    # Gemma 2: local (window 5) and global layers alternating from a local one, sandwich norms,
    # attention-logit and final-logit soft-caps small enough to bend the values, and
    # query_pre_attn_scalar 24 != head_dim 16.
    gemma2 = transformers.Gemma2ForCausalLM(transformers.Gemma2Config(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, hidden_activation="gelu_pytorch_tanh",
        rms_norm_eps=1e-6, rope_theta=10000.0, query_pre_attn_scalar=24, sliding_window=5,
        attn_logit_softcapping=4.0, final_logit_softcapping=2.5, tie_word_embeddings=True, pad_token_id=0,
        bos_token_id=1, eos_token_id=2, attn_implementation="eager"))
    write_fixture("gemma2", gemma2, "F32")


def make_phi3():
    # Phi-3: fused qkv_proj and gate_up_proj, a sliding window of 5, half of each head rotating
    # (partial_rotary_factor 0.5, as Phi-4-mini has 0.75).
    phi3 = transformers.Phi3ForCausalLM(transformers.Phi3Config(
        vocab_size=97, max_position_embeddings=32, original_max_position_embeddings=32, hidden_size=32,
        intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        partial_rotary_factor=0.5, rope_theta=10000.0, rms_norm_eps=1e-5, sliding_window=5, rope_scaling=None,
        tie_word_embeddings=False, pad_token_id=0, bos_token_id=1, eos_token_id=2, attn_implementation="eager"))
    write_fixture("phi3", phi3, "F32")


def make_qwen3():
    # Qwen3: RMSNorm over head_dim on each head's q and k before RoPE (q_norm, k_norm), head_dim 16
    # (not hidden / heads), tied head; stored as bfloat16.
    qwen3 = transformers.Qwen3ForCausalLM(transformers.Qwen3Config(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, rope_theta=1e6, rms_norm_eps=1e-6,
        tie_word_embeddings=True, use_sliding_window=False, attn_implementation="eager"))
    write_fixture("qwen3", qwen3, "BF16")


def make_gpt_neox():
    # GPT-NeoX / Pythia: a quarter of each head rotating (rotary_pct 0.25), parallel attention and MLP
    # residual, LayerNorms and linear layers with biases, per-head interleaved query_key_value, untied head.
    neox = transformers.GPTNeoXForCausalLM(transformers.GPTNeoXConfig(
        vocab_size=97, max_position_embeddings=32, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, rotary_pct=0.25, rotary_emb_base=10000, hidden_act="gelu", layer_norm_eps=1e-5,
        use_parallel_residual=True, tie_word_embeddings=False, attention_bias=True, hidden_dropout=0.0,
        attention_dropout=0.0, bos_token_id=0, eos_token_id=0, attn_implementation="eager"))
    write_fixture("gpt_neox", neox, "F32")


def tiny_resnet(block, layers, base_width, num_classes, groups=1, width_per_group=64):
    """torchvision's ResNet with stage widths base_width * (1, 2, 4, 8) instead of 64 * (1, 2, 4, 8).

    torchvision hard-codes 64..512 (even one block per stage is megabytes), so this subclass
    repeats ResNet.__init__ with a configurable width and keeps torchvision's BasicBlock /
    Bottleneck, _make_layer and forward: the state-dict names and the computation are
    torchvision's (base_width 64 reproduces resnet18 / resnet50 exactly, checked in
    make_resnet_names). groups and width_per_group are torchvision's (ResNeXt, Wide ResNet): a
    Bottleneck's inner width is int(planes * width_per_group / 64) * groups."""
    import torch.nn as nn
    from torchvision.models.resnet import ResNet

    class TinyResNet(ResNet):
        def __init__(self):
            nn.Module.__init__(self)
            self._norm_layer = nn.BatchNorm2d
            self.inplanes = base_width
            self.dilation = 1
            self.groups = groups
            self.base_width = width_per_group  # torchvision's name for width_per_group
            self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(self.inplanes)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, base_width, layers[0])
            self.layer2 = self._make_layer(block, base_width * 2, layers[1], stride=2)
            self.layer3 = self._make_layer(block, base_width * 4, layers[2], stride=2)
            self.layer4 = self._make_layer(block, base_width * 8, layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(base_width * 8 * block.expansion, num_classes)

    return TinyResNet()


def randomize_resnet(model, gain):
    """randomize() for a ResNet: conv / linear weights N(0, gain / sqrt(fan_in)) (a fixed std would
    grow the activations by orders of magnitude through the stack), batch-norm weights N(1, 0.2),
    biases N(0, 0.2); and the batch-norm buffers: running_mean N(0, 0.1), running_var U(0.5, 1.5),
    so a wrong mapping of the running statistics shows in the logits."""
    gen = torch.Generator().manual_seed(SEED)
    norms = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)}
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if id(p) in norms:
                p.copy_(1.0 + 0.2 * noise)
            elif p.dim() > 1:
                p.copy_(noise * gain / p[0].numel() ** 0.5)
            else:
                p.copy_(0.2 * noise)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


def image_batch(n, channels, size, seed):
    """A fixed random image batch (n, channels, size, size), multiples of 1/16 (exact in JSON and F16)."""
    pixels = torch.randn((n, channels, size, size), generator=torch.Generator().manual_seed(seed))
    return torch.round(pixels * 16) / 16


def write_resnet_fixture(name, block, layers, base_width, storage, num_classes=10, image_size=32, groups=1,
                         width_per_group=64):
    import torchvision
    out = HERE / name
    out.mkdir(parents=True, exist_ok=True)
    model = tiny_resnet(block, layers, base_width, num_classes, groups, width_per_group)
    randomize_resnet(model, gain=1.2)  # max |logit| ~5, like the transformers fixtures
    with torch.no_grad():  # parameters and running statistics: everything the file stores as floats
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.to(STORAGE[storage]).to(torch.float32))
    model.eval()
    pixels = image_batch(BATCH, 3, image_size, SEED + 1)
    with torch.no_grad():
        logits = model(pixels).float()  # (B, classes)
    state = {k: (v.to(STORAGE[storage]) if v.is_floating_point() else v).contiguous()
             for k, v in model.state_dict().items()}  # num_batches_tracked stays int64
    safetensors.torch.save_file(state, out / "model.safetensors", metadata={"format": "pt"})
    reloaded = tiny_resnet(block, layers, base_width, num_classes, groups, width_per_group)
    loaded = safetensors.torch.load_file(out / "model.safetensors")
    reloaded.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in loaded.items()})
    with torch.no_grad():
        assert torch.equal(reloaded.eval()(pixels), logits), f"{name}: reloaded weights give other logits"
    reference = {
        "model": name,
        "block": block.__name__,
        "layers": list(layers),
        "base_width": base_width,
        "groups": groups,
        "width_per_group": width_per_group,
        "num_classes": num_classes,
        "image_size": image_size,
        "storage_dtype": storage,
        "seed": SEED,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pixel_values": pixels.tolist(),
        "logits": round_nested(logits.tolist()),
    }
    (out / "reference.json").write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    report(out)
    print(f"  {name}: logits {tuple(logits.shape)}, max |logit| {logits.abs().max().item():.4f}")
    return out, model


EVAL_N = 32


def write_eval_set(out, model_name, classify, num_classes, versions, channels=3, image_size=32):
    """eval.safetensors (float16 pixel_values (N, C, H, W), int64 labels (N,)) and eval_reference.json.

    Labels from the reference model's own ranking so that accuracy is neither 0 nor 1: the first
    half its top-1 class, the next quarter its 3rd-ranked class, the rest its lowest-ranked class
    (top-1 1/2, top-5 3/4 with 10 classes). `classify` maps pixel_values to float32 logits."""
    pixels = image_batch(EVAL_N, channels, image_size, SEED + 2)
    with torch.no_grad():
        logits = classify(pixels).float()  # (N, classes)
    ranked = logits.argsort(dim=-1, descending=True)
    half, quarter = EVAL_N // 2, EVAL_N // 4
    labels = torch.cat([ranked[:half, 0], ranked[half:half + quarter, 2], ranked[half + quarter:, -1]]).long()
    top1 = (logits.argmax(dim=-1) == labels).float().mean().item()
    top5 = (logits.topk(min(5, num_classes), dim=-1).indices == labels[:, None]).any(dim=-1).float().mean().item()
    # float16 pixels: multiples of 1/16 this small are exact in it, and the file is half the size.
    safetensors.torch.save_file({"pixel_values": pixels.half().contiguous(), "labels": labels.contiguous()},
                                out / "eval.safetensors", metadata={"format": "pt"})
    top = logits.sort(dim=-1, descending=True).values
    margin = (top[:half, 0] - top[:half, 1]).min().item()  # the top-1 hits' closest call
    reference = {
        "model": model_name,
        "n": EVAL_N,
        "top1": top1,
        "top5": top5,
        "labels": "first half: the reference's top-1 class; next quarter: its 3rd; rest: its lowest-ranked",
        "seed": SEED + 2,
        **versions,
        "logits": round_nested(logits.tolist()),
    }
    (out / "eval_reference.json").write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    for f in (out / "eval.safetensors", out / "eval_reference.json"):
        print(f"wrote {f.relative_to(HERE.parent.parent.parent)} ({f.stat().st_size} bytes)")
    print(f"  {model_name} eval: n {EVAL_N}, top-1 {top1}, top-5 {top5}, min top-1 margin {margin:.4f}, "
          f"max |logit| {logits.abs().max().item():.4f}")


def make_resnet_basic():
    import torchvision
    from torchvision.models.resnet import BasicBlock
    out, model = write_resnet_fixture("resnet_basic", BasicBlock, [2, 1, 1, 1], 8, "F16")
    write_eval_set(out, "resnet_basic", model, 10, {"torch": torch.__version__, "torchvision": torchvision.__version__})


def make_resnet_bottleneck():
    from torchvision.models.resnet import Bottleneck
    write_resnet_fixture("resnet_bottleneck", Bottleneck, [1, 1, 1, 1], 8, "F16")


def make_resnext():
    """A tiny ResNeXt: stage widths 4 * 2^s, 4 groups of int(planes * 32 / 64) channels in each 3x3
    convolution, so the inner width (8 * 2^s) differs from the planes and from the output (16 * 2^s)."""
    from torchvision.models.resnet import Bottleneck
    write_resnet_fixture("resnext", Bottleneck, [1, 1, 1, 1], 4, "F16", groups=4, width_per_group=32)


def make_resnet_names():
    """resnet_names.json: [name, shape] of every state-dict entry of torchvision's real resnet18,
    resnet50, resnext50_32x4d and wide_resnet50_2 (random init, nothing downloaded); also checks that
    tiny_resnet at base width 64 is exactly those models (names, shapes, logits)."""
    import torchvision
    from torchvision.models.resnet import BasicBlock, Bottleneck
    names = {"torchvision": torchvision.__version__}
    archs = (("resnet18", BasicBlock, [2, 2, 2, 2], 1, 64), ("resnet50", Bottleneck, [3, 4, 6, 3], 1, 64),
             ("resnext50_32x4d", Bottleneck, [3, 4, 6, 3], 32, 4), ("wide_resnet50_2", Bottleneck, [3, 4, 6, 3], 1, 128))
    for arch, block, layers, groups, width_per_group in archs:
        torch.manual_seed(SEED)
        real = getattr(torchvision.models, arch)(weights=None).eval()
        state = real.state_dict()
        names[arch] = [[k, list(v.shape)] for k, v in state.items()]
        ours = tiny_resnet(block, layers, 64, 1000, groups, width_per_group).eval()
        assert [[k, list(v.shape)] for k, v in ours.state_dict().items()] == names[arch], arch
        ours.load_state_dict(state)
        x = image_batch(1, 3, 64, SEED + 3)
        with torch.no_grad():
            assert torch.equal(ours(x), real(x)), f"tiny_resnet(64) computes other logits than {arch}"
        print(f"  {arch}: {len(state)} state-dict entries; tiny_resnet at base width 64 matches")
    lines = [f'  "torchvision": {json.dumps(names["torchvision"])}']
    for arch, *_ in archs:
        rows = ",\n".join("    " + json.dumps(row) for row in names[arch])
        lines.append(f'  "{arch}": [\n{rows}\n  ]')
    path = HERE / "resnet_names.json"
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path.relative_to(HERE.parent.parent.parent)} ({path.stat().st_size} bytes)")


def make_vit_eval():
    """The labelled set of the committed vit fixture (its weights are read, not rewritten)."""
    out = HERE / "vit"
    vit = ViTForImageClassification.from_pretrained(out, dtype=torch.float32, attn_implementation="eager").eval()
    reference = json.loads((out / "reference.json").read_text())
    with torch.no_grad():
        logits = vit(pixel_values=torch.tensor(reference["pixel_values"])).logits
    assert torch.allclose(logits, torch.tensor(reference["logits"]), rtol=1e-6, atol=1e-6), "vit reference moved"
    c = vit.config
    write_eval_set(out, "vit", lambda x: vit(pixel_values=x).logits, c.num_labels,
                   {"transformers": transformers.__version__, "torch": torch.__version__}, c.num_channels, c.image_size)


def make_gpt2_bpe():
    """A tiny GPT-2 over the bpe fixture's vocabulary (make_tokenizer_fixture.py), saved with its
    vocab.json + merges.txt so `modelcard eval` can read text. reference.json holds the perplexity
    of bpe/sample.txt computed from transformers' logits over the windows modelcard eval uses:
    non-overlapping windows of WINDOW + 1 tokens, each predicting its last WINDOW tokens (a final
    shorter window of at least 2 tokens included)."""
    import shutil
    from transformers import GPT2TokenizerFast
    bpe = HERE / "bpe"
    tokenizer = GPT2TokenizerFast(str(bpe / "vocab.json"), str(bpe / "merges.txt"))
    text = (bpe / "sample.txt").read_text(encoding="utf-8")
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert ids == json.loads((bpe / "reference.json").read_text())["sample_ids"]
    window = 63
    model = GPT2LMHeadModel(GPT2Config(
        vocab_size=len(tokenizer), n_positions=window + 1, n_embd=32, n_layer=2, n_head=4,
        activation_function="gelu_new", layer_norm_epsilon=1e-5, bos_token_id=0, eos_token_id=0, resid_pdrop=0.0,
        embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=True, attn_implementation="eager"))
    randomize(model, std=0.2)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.float16).to(torch.float32))
    model.eval()
    nll, predicted, windows = 0.0, 0, 0
    with torch.no_grad():
        for start in range(0, len(ids) - 1, window + 1):
            span = torch.tensor(ids[start:start + window + 1])[None]  # (1, L)
            if span.shape[1] < 2:
                break
            logits = model(span[:, :-1]).logits.double()
            logp = torch.log_softmax(logits, -1).gather(-1, span[:, 1:, None]).squeeze(-1)
            nll -= logp.sum().item()
            predicted += span.shape[1] - 1
            windows += 1
    out = HERE / "gpt2_bpe"
    out.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16)
    model.save_pretrained(out, safe_serialization=True)
    (out / "generation_config.json").unlink(missing_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(bpe / name, out / name)
    reference = {
        "model": "gpt2_bpe", "storage_dtype": "F16", "seed": SEED, "transformers": transformers.__version__,
        "torch": torch.__version__, "text": "../bpe/sample.txt", "window": window, "tokens": predicted,
        "windows": windows, "mean_nll": nll / predicted, "perplexity": math.exp(nll / predicted),
    }
    (out / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    report(out)
    print(f"  gpt2_bpe: {predicted} tokens in {windows} windows, perplexity {reference['perplexity']:.6f}")


FIXTURES = {
    "gpt2": make_gpt2, "llama": make_llama, "qwen2": make_qwen2, "mistral": make_mistral, "bert": make_bert, "bert_cls": make_bert_cls, "vit": make_vit,
    "mixtral": make_mixtral, "qwen3_moe": make_qwen3_moe, "deepseek_v3": make_deepseek_v3,
    "deepseek_v3_nolora": make_deepseek_v3_nolora, "resnet_basic": make_resnet_basic, "resnet_bottleneck": make_resnet_bottleneck,
    "resnet_names": make_resnet_names, "resnext": make_resnext, "vit_eval": make_vit_eval, "gpt2_bpe": make_gpt2_bpe,
    "llama3": make_llama3, "llama_yarn": make_llama_yarn, "llama_linear": make_llama_linear,
    "llama_dynamic": make_llama_dynamic, "mistral_window": make_mistral_window, "gemma": make_gemma,
    "gemma2": make_gemma2, "phi3": make_phi3, "qwen3": make_qwen3, "gpt_neox": make_gpt_neox,
}
GROUPS = {"resnet": ["resnet_basic", "resnet_bottleneck", "resnext", "resnet_names"],
          "issue16": ["llama3", "llama_yarn", "llama_linear", "llama_dynamic", "mistral_window", "gemma", "gemma2",
                      "phi3", "qwen3", "gpt_neox"]}


def main(names):
    chosen = [n for name in names for n in GROUPS.get(name, [name])] or list(FIXTURES)
    unknown = [n for n in chosen if n not in FIXTURES]
    if unknown:
        sys.exit(f"unknown fixture(s) {unknown}; known: {list(FIXTURES)} and groups {list(GROUPS)}")
    for name in FIXTURES:  # in this order: vit_eval reads the vit fixture
        if name in chosen:
            torch.manual_seed(SEED)
            FIXTURES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
