#!/usr/bin/python3
"""PyTorch eager-mode peer of ChameleonModel's cached decoding, for the generation benchmark.

The same architecture as torch_peer.py (pre-norm decoder, QK-norm, rotate-half RoPE, SwiGLU, untied head),
with grouped-query attention, decoded the way an eager PyTorch implementation does it: a prompt of --context
random tokens prefilled once, then --decode greedy steps of one token each, keys and values cached per layer
(torch.cat), under torch.no_grad(). fp32, batch 1, random weights.

Prints one JSON line: {"tokens_per_s_best": 1 / fastest step, "tokens_per_s": 1 / median step,
"mean_tokens_per_s": steps / their total time, ...}; the median is robust to other load on a shared machine.
Usage: torch_gen_peer.py --vocab 1024 --hidden 128 --layers 2 --heads 4 --kv-heads 2 --ffn 344
       --context 1024 --decode 64 [--threads 0 (leave torch's default)]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The layers both peers share; this script's folder is on the path when it runs.
from torch_peer import RMSNorm, SwiGLU, rotate


class Attention(nn.Module):
    def __init__(self, d, heads, kv_heads, eps):
        super().__init__()
        self.h, self.kv, self.hd, self.eps = heads, kv_heads, d // heads, eps
        self.wq = nn.Linear(d, heads * self.hd, bias=False)
        self.wk = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.wv = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.wo = nn.Linear(heads * self.hd, d, bias=False)
        self.q_gain = nn.Parameter(torch.ones(heads, 1, self.hd))
        self.q_bias = nn.Parameter(torch.zeros(heads, 1, self.hd))
        self.k_gain = nn.Parameter(torch.ones(kv_heads, 1, self.hd))
        self.k_bias = nn.Parameter(torch.zeros(kv_heads, 1, self.hd))

    def forward(self, x, cos, sin, mask, cache):
        b, t, _ = x.shape
        q = self.wq(x).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.wk(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.wv(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        q = F.layer_norm(q, (self.hd,), eps=self.eps) * self.q_gain + self.q_bias
        k = F.layer_norm(k, (self.hd,), eps=self.eps) * self.k_gain + self.k_bias
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if cache[0] is not None:
            k = torch.cat((cache[0], k), dim=2)
            v = torch.cat((cache[1], v), dim=2)
        cache[0], cache[1] = k, v
        g = self.h // self.kv
        if g > 1:
            k = k.repeat_interleave(g, dim=1)
            v = v.repeat_interleave(g, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.hd)
        if mask is not None:
            scores = scores + mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.wo(out.transpose(1, 2).reshape(b, t, self.h * self.hd))


class Layer(nn.Module):
    def __init__(self, d, heads, kv_heads, f, eps):
        super().__init__()
        self.attention_norm = RMSNorm(d, eps)
        self.attention = Attention(d, heads, kv_heads, eps)
        self.ffn_norm = RMSNorm(d, eps)
        self.ffn = SwiGLU(d, f)

    def forward(self, x, cos, sin, mask, cache):
        h = x + self.attention(self.attention_norm(x), cos, sin, mask, cache)
        return h + self.ffn(self.ffn_norm(h))


class Decoder(nn.Module):
    def __init__(self, vocab, d, layers, heads, kv_heads, f, eps=1e-5, theta=10000.0):
        super().__init__()
        self.hd = d // heads
        self.inv = 1.0 / (theta ** (torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd))
        self.embedding = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(Layer(d, heads, kv_heads, f, eps) for _ in range(layers))
        self.norm = RMSNorm(d, eps)
        self.head = nn.Linear(d, vocab, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, start, caches):
        b, t = ids.shape
        angles = torch.arange(start, start + t, dtype=torch.float32)[:, None] * self.inv[None, :]
        full = torch.cat((angles, angles), dim=-1)
        cos, sin = full.cos(), full.sin()
        mask = torch.full((t, t), -1e9).triu(1) if t > 1 else None
        x = self.embedding(ids)
        for layer, cache in zip(self.layers, caches):
            x = layer(x, cos, sin, mask, cache)
        return self.head(self.norm(x[:, -1:, :]))


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("vocab", 1024), ("hidden", 128), ("layers", 2), ("heads", 4), ("kv-heads", 2),
                          ("ffn", 344), ("context", 1024), ("decode", 64), ("threads", 0), ("seed", 7)]:
        ap.add_argument("--" + name, type=int, default=default)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Decoder(a.vocab, a.hidden, a.layers, a.heads, a.kv_heads, a.ffn).eval()
    prompt = torch.randint(0, a.vocab, (1, a.context))
    best, total = float("inf"), 0.0
    with torch.no_grad():
        for rnd in range(2):  # round 0 warms up
            caches = [[None, None] for _ in model.layers]
            token = model(prompt, 0, caches).argmax(-1)
            steps = []
            for i in range(a.decode):
                start = time.perf_counter()
                token = model(token.view(1, 1), a.context + i, caches).argmax(-1)
                steps.append(time.perf_counter() - start)
            best, total = min(steps), sum(steps)
    median = sorted(steps)[len(steps) // 2]
    print(json.dumps({"tokens_per_s_best": 1 / best, "tokens_per_s": 1 / median, "mean_tokens_per_s": a.decode / total,
                      "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "params": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
