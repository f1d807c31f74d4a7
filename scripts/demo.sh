#!/usr/bin/env bash
# make demo: the main jobs on built-in defaults, end to end, in a few minutes on a laptop CPU.
set -euo pipefail
build=${1:-build}
ttt="$build/ttt"
out=${TTT_DEMO_OUT:-$build/demo}
rm -rf "$out" && mkdir -p "$out"

echo "== 1. Parity with the official TTT reference model (logits, hidden states, prefill + decode)"
"$ttt" lm parity --fixtures tests/data/ttt-reference

echo
echo "== 2. A reference TTT-MLP (Mamba backbone): next-token prediction from its fixture weights"
"$ttt" lm forward --config tests/data/ttt-reference/mlp-mamba.config.json \
  --weights tests/data/ttt-reference/mlp-mamba.safetensors --ids 5,17,99,3,42,8,64,1 --top 3

echo
echo "== 3. A fresh TTT-Linear model: prefill a prompt of 40 tokens in one go, then decode 24 with the cache"
"$ttt" lm init --preset tiny --layer-type linear --backbone mamba --seed 1 --out "$out/tiny-linear"
"$ttt" lm generate --config "$out/tiny-linear/config.json" --weights "$out/tiny-linear/model.safetensors" \
  --ids "$(seq -s, 1 40)" --max-new-tokens 24

echo
echo "== 4. ARC: generate tasks from rule families, validate, check augmenter inverses, build one task's"
echo "   test-time-training data, score a submission, render a report"
"$ttt" arc generate --families all --per-family 1 --max-side 10 --seed 7 --out "$out/arc-tasks"
"$ttt" arc validate "$out/arc-tasks"
"$ttt" arc augment --check-inverse --tasks "$out/arc-tasks"
"$ttt" arc ttt-data --task "$out/arc-tasks/gravity_cells-0.json" --out "$out/ttt-data"
"$ttt" arc score --submission tests/data/arc-score/partial.json --solutions tests/data/arc-score/solutions.json
"$ttt" arc report --tasks tests/data/arc-score/tasks --submission tests/data/arc-score/partial.json \
  --out "$out/arc-report.html"

echo
echo "== 5. Train a tiny TTT-Linear LM on public-domain books (Debian packages), evaluate, generate text"
"$ttt" data corpus --name books --max-bytes 3000000 --out "$out/books"
"$ttt" data tokenizer --corpus "$out/books" --vocab-size 1024 --max-bytes 1500000 --out "$out/books.model"
"$ttt" data tokenize --corpus "$out/books" --tokenizer "$out/books.model" --out "$out/books-tokens"
"$ttt" lm train --data "$out/books-tokens" --out "$out/lm-run" --preset tiny --layer-type linear --backbone mamba \
  --context 128 --batch 8 --steps 150 --lr 5e-3 --eval-every 50 --eval-windows 16
"$ttt" lm eval --model "$out/lm-run" --data "$out/books-tokens" --split test --context 128 --windows 32 \
  --plot "$out/loss-by-position.svg"
"$ttt" lm generate --model "$out/lm-run" --tokenizer "$out/books.model" --prompt "And God said" \
  --max-new-tokens 40 --temperature 0.8 --top-p 0.95 --seed 1
echo
echo "== 6. ARC test-time training with the shipped base model (models/arc-base): tasks of rule families it"
echo "   never saw in pretraining, predicted before and after training a LoRA adapter on each task's own"
echo "   demonstrations (augmented inference + voting both times)"
"$ttt" arc generate --families count_colors,scale_down,gravity_cells --per-family 3 --min-side 3 --max-side 4 \
  --demos 3-4 --seed 11 --out "$out/arc-heldout"
"$ttt" arc eval --tasks "$out/arc-heldout" --out "$out/arc-eval"

echo "demo outputs are in $out (training log $out/lm-run/log.jsonl, loss curve $out/lm-run/loss.svg)"
