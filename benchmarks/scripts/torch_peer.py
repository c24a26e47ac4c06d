#!/usr/bin/python3
"""PyTorch eager-mode peer of the Chameleon decoder (ChameleonModel) for the training benchmark.

Same architecture as sft-trainer's DJL model: token embedding, pre-norm decoder layers (RMSNorm,
attention with QK-norm = LayerNorm over head_dim with a per-head gain and bias after the projections and
before RoPE, rotate-half RoPE, explicit causal softmax attention, SwiGLU), final RMSNorm, untied head,
no biases; masked cross-entropy; AdamW (beta 0.9/0.95, weight decay 0.1). fp32, dropout 0.

Run with Debian's python3-torch (1.13) and libopenblas0-pthread. Prints one JSON line:
{"tokens_per_s_best": tokens / fastest step, "tokens_per_s": mean, "step_s": [...], "params": ..., "threads": ..., "loss": ...}
Usage: torch_peer.py --vocab 8192 --hidden 256 --layers 5 --heads 8 --ffn 704 --batch 4 --seq 512
       [--warmup 2] [--steps 8] [--threads 0 (leave torch's default)]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rotated * sin


class Attention(nn.Module):
    def __init__(self, d, heads, eps):
        super().__init__()
        self.h = heads
        self.hd = d // heads
        self.eps = eps
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.q_gain = nn.Parameter(torch.ones(heads, 1, self.hd))
        self.q_bias = nn.Parameter(torch.zeros(heads, 1, self.hd))
        self.k_gain = nn.Parameter(torch.ones(heads, 1, self.hd))
        self.k_bias = nn.Parameter(torch.zeros(heads, 1, self.hd))

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        q = self.wq(x).view(b, t, self.h, self.hd).transpose(1, 2)   # (B, H, T, hd)
        k = self.wk(x).view(b, t, self.h, self.hd).transpose(1, 2)
        v = self.wv(x).view(b, t, self.h, self.hd).transpose(1, 2)
        q = F.layer_norm(q, (self.hd,), eps=self.eps) * self.q_gain + self.q_bias
        k = F.layer_norm(k, (self.hd,), eps=self.eps) * self.k_gain + self.k_bias
        q = rotate(q, cos, sin)
        k = rotate(k, cos, sin)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.hd) + mask
        out = torch.softmax(scores, dim=-1) @ v                       # (B, H, T, hd)
        return self.wo(out.transpose(1, 2).reshape(b, t, d))


class SwiGLU(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.w1 = nn.Linear(d, f, bias=False)
        self.w2 = nn.Linear(f, d, bias=False)
        self.w3 = nn.Linear(d, f, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Layer(nn.Module):
    def __init__(self, d, heads, f, eps):
        super().__init__()
        self.attention_norm = RMSNorm(d, eps)
        self.attention = Attention(d, heads, eps)
        self.ffn_norm = RMSNorm(d, eps)
        self.ffn = SwiGLU(d, f)

    def forward(self, x, cos, sin, mask):
        h = x + self.attention(self.attention_norm(x), cos, sin, mask)
        return h + self.ffn(self.ffn_norm(h))


class Decoder(nn.Module):
    def __init__(self, vocab, d, layers, heads, f, eps=1e-5, theta=10000.0):
        super().__init__()
        self.hd = d // heads
        self.theta = theta
        self.embedding = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(Layer(d, heads, f, eps) for _ in range(layers))
        self.norm = RMSNorm(d, eps)
        self.head = nn.Linear(d, vocab, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        b, t = ids.shape
        inv = 1.0 / (self.theta ** (torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd))
        angles = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]
        full = torch.cat((angles, angles), dim=-1)                     # (T, hd)
        cos, sin = full.cos(), full.sin()
        mask = torch.full((t, t), -1e9).triu(1)                        # additive causal mask
        x = self.embedding(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.head(self.norm(x))


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("vocab", 8192), ("hidden", 256), ("layers", 5), ("heads", 8), ("ffn", 704),
                          ("batch", 4), ("seq", 512), ("warmup", 2), ("steps", 8), ("threads", 0), ("seed", 7)]:
        ap.add_argument("--" + name, type=int, default=default)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Decoder(a.vocab, a.hidden, a.layers, a.heads, a.ffn)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    inputs, targets = ids[:, :-1], ids[:, 1:]
    loss_mask = torch.ones(a.batch, a.seq)
    loss_mask[:, : a.seq // 4] = 0                                     # a "prompt" quarter carries no loss
    times = []
    loss = None
    for i in range(a.warmup + a.steps):
        start = time.perf_counter()
        logits = model(inputs)
        nll = F.cross_entropy(logits.reshape(-1, a.vocab), targets.reshape(-1), reduction="none")
        loss = (nll * loss_mask.reshape(-1)).sum() / loss_mask.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        elapsed = time.perf_counter() - start
        if i >= a.warmup:
            times.append(elapsed)
    tokens = a.batch * a.seq
    print(json.dumps({"tokens_per_s_best": tokens / min(times), "tokens_per_s": tokens * len(times) / sum(times),
                      "step_s": times, "params": params,
                      "threads": torch.get_num_threads(), "loss": float(loss), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
