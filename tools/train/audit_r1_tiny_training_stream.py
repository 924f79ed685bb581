"""Which evaluation problems did the shipped deepseek-r1-tiny (run 2026-11-22) train on, as themselves or as a twin?

That run held out by question text (crc32(question) % 16 == 0), before tasks.canonical_key existed. Its training
stream is reproducible: seed 1234, chunks of 512 x 16 problems drawn by tasks.sample_training from
random.Random(f"1234-train-{index}") in chunk order, 2296 steps x 512 sequences = the first 1,175,552 problems
(train_r1_tiny.py; tasks.py's makers are unchanged since, only the held-out rule is new). This script regenerates it
with the old rule, collects the canonical keys it covered, and reports for each evaluation suite:
  - the run's own evaluation (seed 1234, old rule): how many of its 500 problems had been trained (key seen);
  - `deepseek eval`'s default sample (seed 20261206, new rule): which problems the shipped model never saw, so that
    its accuracy on those alone is a held-out figure.

    python3 tools/train/audit_r1_tiny_training_stream.py OUT.json      # pure Python, about a minute
"""
import json
import random
import sys
import zlib

import tasks

SEED = 1234
CHUNK = 512 * 16
TRAINED = 2296 * 512


def legacy_held_out(question):
    return zlib.crc32(question.encode("utf-8")) % tasks.HELD_OUT_MOD == 0


def legacy_sample_training(rng):
    """tasks.sample_training as it was on 2026-11-22: the same draws, rejection by question text."""
    names = list(tasks.TRAIN_WEIGHTS)
    weights = [tasks.TRAIN_WEIGHTS[t] for t in names]
    while True:
        task = rng.choices(names, weights)[0]
        p = tasks.MAKERS[task](rng)
        if not legacy_held_out(p.question):
            return p


def legacy_sample_eval(suite, rng, count, patience=20_000):
    """tasks.sample_eval as it was: held out and distinct by question text."""
    task, shape = tasks.EVAL_SUITES[suite]
    seen, out, stale = set(), [], 0
    while len(out) < count:
        p = tasks.MAKERS[task](rng, shape)
        if not legacy_held_out(p.question):
            continue
        if p.question in seen and stale < patience:
            stale += 1
            continue
        if p.question not in seen:
            stale = 0
        seen.add(p.question)
        out.append(p)
    return out


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "audit.json"
    # the run's tokenizer log shows the first problem of sample_training(Random(0)): the letter r in cucumber
    first = legacy_sample_training(random.Random(0)).question
    assert first == "How many times does the letter r appear in cucumber?", first
    keys, per_task, n, index = set(), {}, 0, 0
    while n < TRAINED:
        rng = random.Random(f"{SEED}-train-{index}")
        for _ in range(CHUNK):
            if n == TRAINED:
                break
            p = legacy_sample_training(rng)
            keys.add(tasks.canonical_key(p.question))
            per_task[p.task] = per_task.get(p.task, 0) + 1
            n += 1
        index += 1
    report = {"trained_problems": n, "chunks": index, "distinct_trained_problems": len(keys), "per_task": per_task,
              "suites": {}}
    for suite in tasks.EVAL_SUITES:
        old = legacy_sample_eval(suite, random.Random(f"{SEED}-eval-{suite}"), 500)
        new = tasks.sample_eval(suite, random.Random(f"20261206-eval-{suite}"), 500)
        seen_new = [tasks.canonical_key(p.question) in keys for p in new]
        report["suites"][suite] = {
            "run_eval_seed_1234": {"problems": len(old), "trained": sum(tasks.canonical_key(p.question) in keys for p in old)},
            "default_seed_20261206": {"problems": len(new), "distinct": tasks.distinct_problems(new), "trained": sum(seen_new),
                                      "never_trained_questions": [p.question for p, s in zip(new, seen_new) if not s]},
        }
        r = report["suites"][suite]
        print(f"{suite:11s} run's eval (seed 1234): {r['run_eval_seed_1234']['trained']}/500 trained; "
              f"default sample (seed 20261206): {r['default_seed_20261206']['trained']}/500 trained, "
              f"{500 - r['default_seed_20261206']['trained']} never seen", flush=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
