#!/usr/bin/python3
"""Times one official TTT layer (TTTLinear / TTTMLP of ttt.py, test-time-training/ttt-lm-pytorch) on this
machine, the way `ttt bench --op prefill|train_step --layer ttt-linear|ttt-mlp` times ours:

    /usr/bin/python3 scripts/time_reference_layer.py --ttt-py /path/to/ttt.py --layer linear \
        --op prefill --context 2048 --hidden 768 --heads 12 --threads 2 --repeats 3

prefill: forward under torch.no_grad(); train_step: forward + backward of out.sum() w.r.t. the input and
every parameter. Mamba-backbone layer settings (share_qk, gate, conv) as in our layer benches. Best of
--repeats after one warm-up call. ttt.py is not part of ttt.cpp: fetch it yourself (it needs `transformers`,
which scripts/reference_shim stands in for). Prints one JSON object."""
import argparse
import json
import time

import torch

from reference_loader import load_ttt_py

parser = argparse.ArgumentParser()
parser.add_argument("--ttt-py", required=True)
parser.add_argument("--layer", choices=["linear", "mlp"], default="linear")
parser.add_argument("--op", choices=["prefill", "train_step"], default="prefill")
parser.add_argument("--context", type=int, default=2048)
parser.add_argument("--hidden", type=int, default=768)
parser.add_argument("--heads", type=int, default=12)
parser.add_argument("--batch", type=int, default=1)
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--threads", type=int, default=0)
args = parser.parse_args()

ttt = load_ttt_py(args.ttt_py, args.threads)

config = ttt.TTTConfig(hidden_size=args.hidden, num_attention_heads=args.heads, ttt_layer_type=args.layer,
                       ttt_base_lr=1.0 if args.layer == "linear" else 0.1, use_gate=True, share_qk=True,
                       pre_conv=True, max_position_embeddings=args.context, use_cache=False)
torch.manual_seed(0)
layer = (ttt.TTTLinear if args.layer == "linear" else ttt.TTTMLP)(config, layer_idx=0)
x = torch.randn(args.batch, args.context, args.hidden)
position_ids = torch.arange(args.context).unsqueeze(0).expand(args.batch, -1)


def once():
    if args.op == "prefill":
        with torch.no_grad():
            layer(x, position_ids=position_ids)
    else:
        xg = x.clone().requires_grad_(True)
        layer.zero_grad(set_to_none=True)
        layer(xg, position_ids=position_ids).sum().backward()


once()  # warm-up: allocations, first-call dispatch
times, cpu = [], []
for _ in range(args.repeats):
    start, cpu_start = time.perf_counter(), time.process_time()
    once()
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - cpu_start)
best = min(range(len(times)), key=lambda i: times[i])
print(json.dumps({"impl": "official (ttt.py, python3-torch)", "op": args.op, "layer": "ttt-" + args.layer,
                  "context": args.context, "batch": args.batch, "d_model": args.hidden, "heads": args.heads,
                  "threads": torch.get_num_threads(), "seconds": times[best], "cpu_seconds": cpu[best],
                  "tokens_per_s": args.batch * args.context / times[best]}))
