#!/usr/bin/env bash
# The ARC test-time-training result of docs/results.md: the shipped base model (or MODEL) evaluated without
# and with per-task TTT on
#   (a) generated tasks of the 12 families held out of pretraining (3 per family),
#   (b) held-out instances of the seen families (1 per family; fractal_tile cannot draw at sides ≤ 6),
#   (c) the 60 small-grid ARC-AGI-1 training tasks held out of pretraining (listed in the run's holdout.json).
#
#   bash scripts/experiment_arc.sh [BUILD] [OUT]   (env: MODEL, HOLDOUT=RUN/holdout.json, ARC_TASKS=DIR, JOBS=2,
#                                                   SETS="a b c", EVAL_FLAGS="extra arc eval flags, e.g. --refit")
#
# (c) needs the ARC training tasks (ARC_TASKS, default ../shared/arc-agi-1/data/training); they are copied to
# OUT/c, never into the repository. Evaluations of a set run in parallel over JOBS processes (one thread each)
# and resume from their per-task records when interrupted.
set -euo pipefail
build=${1:-build}
out=${2:-runs/arc-experiment}
ttt="$build/ttt"
model=${MODEL:-models/arc-base}
holdout=${HOLDOUT:-models/arc-base/holdout.json}
arc_tasks=${ARC_TASKS:-../shared/arc-agi-1/data/training}
jobs=${JOBS:-2}
sets=${SETS:-a b c}
read -r -a eval_flags <<< "${EVAL_FLAGS:-}"
mkdir -p "$out"

held="rotate_270,anti_transpose,mirror_down,swap_two_colors,scale_down,gravity_cells,crop_largest_object,outline_objects,extend_rays,keep_largest_object,count_colors,fill_from_seeds"
all=$( ("$ttt" arc generate --families nosuch --out /dev/null 2>&1 || true) | sed 's/.*known families: //' | tr -d ' ')
seen=$(echo "$all" | tr ',' '\n' | grep -v -x -E "$(echo "$held" | tr ',' '|')|fractal_tile" | paste -sd,)
[ -d "$out/a" ] || "$ttt" arc generate --families "$held" --per-family 3 --min-side 3 --max-side 6 --demos 3-4 --seed 2026 --out "$out/a"
[ -d "$out/b" ] || "$ttt" arc generate --families "$seen" --per-family 1 --min-side 3 --max-side 6 --demos 3-4 --seed 2027 --out "$out/b"
if [ ! -d "$out/c" ] && [ -f "$holdout" ] && [ -d "$arc_tasks" ]; then
  mkdir -p "$out/c"
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["arc_tasks"]))' "$holdout" |
    while read -r id; do cp "$arc_tasks/$id.json" "$out/c/"; done
fi

# One set: split its files over $jobs folders, evaluate each with one thread, merge the JSON summaries.
evaluate() {
  local set=$1
  [ -d "$out/$set" ] || return 0
  local files=("$out/$set"/*.json)
  for ((j = 0; j < jobs; j++)); do
    mkdir -p "$out/$set-part$j"
    for ((i = j; i < ${#files[@]}; i += jobs)); do cp -n "${files[$i]}" "$out/$set-part$j/"; done
    OMP_NUM_THREADS=1 "$ttt" arc eval --tasks "$out/$set-part$j" --model "$model" --out "$out/eval-$set-part$j" \
      --threads 1 ${eval_flags[@]+"${eval_flags[@]}"} --json > "$out/eval-$set-part$j.json" 2> "$out/eval-$set-part$j.log" &
  done
  wait
  python3 - "$out" "$set" "$jobs" <<'PY'
import json, sys
out, name, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = [json.load(open(f"{out}/eval-{name}-part{j}.json")) for j in range(jobs)]
n = sum(p["tasks"] for p in parts)
def mean(key): return sum(p[key] * p["tasks"] for p in parts) / n
print(json.dumps({"set": name, "tasks": n,
                  "correct_base": sum(p["correct_base"] for p in parts), "correct_ttt": sum(p["correct_ttt"] for p in parts),
                  "pass2_base": mean("pass2_base"), "pass2_ttt": mean("pass2_ttt"),
                  "per_input_base": sum(p["correct_inputs_base"] for p in parts) / sum(p["test_inputs"] for p in parts),
                  "per_input_ttt": sum(p["correct_inputs_ttt"] for p in parts) / sum(p["test_inputs"] for p in parts),
                  "seconds_per_task": mean("seconds_per_task")}))
PY
}
for set in $sets; do evaluate "$set"; done | tee "$out/summary.jsonl"
