#!/usr/bin/python3
"""Times forward + backward of the official TTT reference (TTTForCausalLM of ttt.py, test-time-training/
ttt-lm-pytorch) on this machine, for comparison with `ttt lm train` at the same model size.

    /usr/bin/python3 scripts/time_reference_training.py --ttt-py /path/to/ttt.py --layer linear --backbone mamba \
        --hidden 256 --layers 4 --heads 4 --intermediate 688 --vocab 4096 --context 2048 --batch 1 --steps 3

ttt.py is not part of ttt.cpp: fetch it yourself. It needs `transformers`, which Debian does not
package; scripts/reference_shim provides the few names it imports. Prints one JSON object."""
import argparse
import json
import time

import torch

from reference_loader import load_ttt_py

parser = argparse.ArgumentParser()
parser.add_argument("--ttt-py", required=True)
parser.add_argument("--layer", choices=["linear", "mlp"], default="linear")
parser.add_argument("--backbone", choices=["mamba", "transformer"], default="mamba")
parser.add_argument("--hidden", type=int, default=256)
parser.add_argument("--layers", type=int, default=4)
parser.add_argument("--heads", type=int, default=4)
parser.add_argument("--intermediate", type=int, default=688)
parser.add_argument("--vocab", type=int, default=4096)
parser.add_argument("--context", type=int, default=2048)
parser.add_argument("--batch", type=int, default=1)
parser.add_argument("--steps", type=int, default=3)
parser.add_argument("--threads", type=int, default=0)
args = parser.parse_args()

ttt = load_ttt_py(args.ttt_py, args.threads)

mamba = args.backbone == "mamba"
config = ttt.TTTConfig(vocab_size=args.vocab, hidden_size=args.hidden, intermediate_size=args.intermediate,
                       num_hidden_layers=args.layers, num_attention_heads=args.heads, ttt_layer_type=args.layer,
                       ttt_base_lr=1.0 if args.layer == "linear" else 0.1, use_gate=mamba, share_qk=mamba,
                       pre_conv=mamba, max_position_embeddings=args.context, use_cache=False)
torch.manual_seed(0)
model = ttt.TTTForCausalLM(config)
model.train()
params = sum(p.numel() for p in model.parameters())
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
ids = torch.randint(0, args.vocab, (args.batch, args.context + 1))
times = []
for step in range(args.steps + 1):  # the first step warms up (allocations) and is not counted
    start = time.perf_counter()
    out = model(input_ids=ids, labels=ids, use_cache=False)
    out.loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    times.append(time.perf_counter() - start)
steady = times[1:] if len(times) > 1 else times
seconds = min(steady)
print(json.dumps({"impl": "reference (ttt.py, python3-torch)", "layer": args.layer, "backbone": args.backbone,
                  "parameters": params, "context": args.context, "batch": args.batch,
                  "threads": torch.get_num_threads(), "step_seconds_best": seconds,
                  "step_seconds_mean": sum(steady) / len(steady),
                  "tokens_per_s": args.batch * (args.context + 1) / seconds}))
