"""Reference logits from transformers' own Chameleon, for TransformersParityTest.

Run on a machine with torch and transformers (the build machines have neither):

    python3 make_transformers_parity.py OUT_DIR

It writes OUT_DIR/pre-norm and OUT_DIR/swin-norm, each a tiny random ChameleonForConditionalGeneration
saved with save_pretrained (config.json + model.safetensors, float32) plus expected.safetensors holding
input_ids (int64, (1, T)) and logits (float32, (1, T, V)). The logits are lm_head(model.model(ids)): the full
forward of ChameleonForConditionalGeneration sets image-token logits to the dtype's minimum, which our model
does not, so the comparison takes the head on the hidden states instead. Copy both folders next to this script
(src/test/resources/dev/chameleon/workbench/trainer/hf/parity/) and commit them.
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from safetensors.torch import save_file
from transformers import ChameleonConfig, ChameleonForConditionalGeneration

V = 64          # vocabulary: 4 specials, 16 image codes, 4 image/turn markers, 40 text tokens
CODES = 16


def image_name(code):
    return "IMGIMG" + "".join(chr(ord("A") + int(d)) for d in str(code)) + "Z"


def vocabulary():
    names = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for c in range(CODES):
        names[image_name(c)] = 4 + c
    names["<racm3:break>"] = 20
    names["<eoss>"] = 21
    names["<reserved08706>"] = 22
    names["<image>"] = 23
    for i in range(24, V):
        names["t%d" % i] = i
    return names


def make(out, swin):
    torch.manual_seed(1234 + int(swin))
    config = ChameleonConfig(
        vocab_size=V, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=64, rope_theta=10000.0, rms_norm_eps=1e-5,
        swin_norm=swin, vocabulary_map=vocabulary(), image_token_id=23,
        vq_config={"embed_dim": 8, "num_embeddings": CODES, "latent_channels": 8, "resolution": 32,
                   "base_channels": 16, "channel_multiplier": [1, 2], "num_res_blocks": 1,
                   "attn_resolutions": []},
        attn_implementation="eager")
    model = ChameleonForConditionalGeneration(config).eval()
    with torch.no_grad():
        # Random norms too (the defaults, ones and zeros, would hide a swapped or misplaced norm weight).
        for name, p in model.named_parameters():
            if name.startswith("model.vqmodel."):
                continue
            if "norm" in name and name.endswith(".weight"):
                p.normal_(1.0, 0.3)
            elif "norm" in name:
                p.normal_(0.0, 0.3)
            else:
                p.normal_(0.0, 0.2)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    ids = torch.tensor([[0, 30, 41, 4, 5, 19, 20, 33, 63, 24, 2, 50]], dtype=torch.int64)
    with torch.no_grad():
        hidden = model.model(input_ids=ids).last_hidden_state
        logits = model.lm_head(hidden).float()
    save_file({"input_ids": ids, "logits": logits.contiguous()}, str(out / "expected.safetensors"),
              metadata={"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                        "swin_norm": json.dumps(swin)})
    print(out, "logits", tuple(logits.shape), "transformers", transformers.__version__)


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    make(root / "pre-norm", False)
    make(root / "swin-norm", True)
