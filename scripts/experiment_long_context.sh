#!/usr/bin/env bash
# The paper's long-context comparison at the scale of a laptop CPU: TTT-Linear (Mamba backbone), TTT-MLP
# (Mamba backbone), a Transformer and Mamba of matched size trained on the same tokens of the `code`
# corpus (long C files of the Linux source), then validation perplexity and loss by token position.
#
#   bash scripts/experiment_long_context.sh [BUILD] [OUT]     (env: TOKENS, CONTEXT, PRESET, THREADS, EXTRA)
#
# EXTRA holds more `ttt lm train` flags for every architecture, e.g. EXTRA="--nproc 4" on a bigger machine.
#
# Needs the tokenized corpus in $OUT/code/tokens; it is built when missing (linux-source-6.1 must be
# installed: scripts/install-deps.sh does it).
set -euo pipefail
build=${1:-build}
out=${2:-runs/long-context}
ttt="$build/ttt"
tokens=${TOKENS:-400000}
context=${CONTEXT:-2048}
preset=${PRESET:-small}
threads=${THREADS:-2}
data="$out/code/tokens"
mkdir -p "$out"

if [ ! -f "$data/train.bin" ]; then
  "$ttt" data corpus --name code --max-bytes 60000000 --out "$out/code/corpus"
  "$ttt" data tokenizer --corpus "$out/code/corpus" --vocab-size 4096 --out "$out/code/tokenizer.model"
  "$ttt" data tokenize --corpus "$out/code/corpus" --tokenizer "$out/code/tokenizer.model" --out "$data"
fi

common=(--data "$data" --preset "$preset" --context "$context" --batch 1 --tokens "$tokens" --lr 3e-3
        --warmup 0.1 --eval-windows 16 --threads "$threads" --seed 0)
# shellcheck disable=SC2206
extra=(${EXTRA:-})
declare -A archs=(
  [ttt-linear]="--layer-type linear --backbone mamba"
  [ttt-mlp]="--layer-type mlp --backbone mamba"
  [transformer]="--layer-type attention --backbone transformer"
  [mamba]="--layer-type mamba"
)
for name in ttt-linear ttt-mlp transformer mamba; do
  if [ -f "$out/$name/checkpoints/latest" ]; then resume=(--resume); else resume=(); fi
  # shellcheck disable=SC2086
  "$ttt" lm train "${common[@]}" "${extra[@]}" ${archs[$name]} --out "$out/$name" "${resume[@]}" --json > "$out/$name.jsonl"
  tail -n 1 "$out/$name.jsonl"
done
"$ttt" lm eval --model "$out/ttt-linear,$out/ttt-mlp,$out/transformer,$out/mamba" \
  --labels "TTT-Linear (M),TTT-MLP (M),Transformer,Mamba" --data "$data" --split val --context "$context" \
  --windows 32 --threads "$threads" --csv "$out/loss_by_position.csv" --plot "$out/loss_by_position.svg" --json \
  > "$out/eval.json"
cat "$out/eval.json"
