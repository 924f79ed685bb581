"""Accuracy of `deepseek eval --json` (default seed) restricted to the problems a model never trained on, by the list
audit_r1_tiny_training_stream.py wrote for the shipped deepseek-r1-tiny.

    python3 tools/train/held_out_accuracy.py AUDIT.json EVAL.json
"""
import json
import sys

import tasks


def main():
    audit = json.load(open(sys.argv[1], encoding="utf-8"))
    run = json.load(open(sys.argv[2], encoding="utf-8"))
    assert run["seed"] == 20261206, run["seed"]
    print("| suite | problems (distinct) | accuracy, all | never trained (distinct) | accuracy on those |")
    print("|---|---:|---:|---:|---:|")
    for s in run["suites"]:
        name = s["suite"]
        clean = audit["suites"][name]["default_seed_20261206"]["never_trained_questions"]
        clean_set = set(clean)
        failed = sum(f["question"] in clean_set for f in s["failures"])
        distinct = len({tasks.canonical_key(q) for q in clean})
        acc = f"{100 * (len(clean) - failed) / len(clean):.1f}%" if clean else "n/a"
        print(f"| {name} | {s['problems']} ({s['distinct']}) | {100 * s['accuracy']:.1f}% | {len(clean)} ({distinct}) | {acc} |")


if __name__ == "__main__":
    main()
