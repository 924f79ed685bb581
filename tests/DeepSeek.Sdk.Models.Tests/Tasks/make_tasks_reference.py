"""Writes tasks_reference.json: what tools/train/tasks.py (the generator deepseek-r1-tiny was trained and
evaluated on) produces for fixed seeds, so that the C# port (src/Models/Tasks) can be held to it exactly.

    python3 tests/DeepSeek.Sdk.Models.Tests/Tasks/make_tasks_reference.py

Plain Python 3, no third-party imports. Long runs are kept as a SHA-256 over every field of every problem (plus
the first problems spelled out, so a mismatch is readable); the C# test hashes its own run the same way.
"""
import hashlib
import json
import os
import platform
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import tasks  # noqa: E402

SPELLED_OUT = 3


def digest(problems):
    """SHA-256 of task, question, trace, answer of each problem, fields ended by U+001F, problems by U+001E."""
    h = hashlib.sha256()
    for p in problems:
        h.update(f"{p.task}\x1f{p.question}\x1f{p.trace}\x1f{p.answer}\x1f\x1e".encode("utf-8"))
    return h.hexdigest()


def key_digest(problems):
    """SHA-256 of each problem's canonical key (the held-out split's input), each ended by U+001E."""
    h = hashlib.sha256()
    for p in problems:
        h.update(f"{tasks.canonical_key(p.question)}\x1e".encode("utf-8"))
    return h.hexdigest()


def run(problems):
    return {
        "count": len(problems),
        "distinct": len({p.question for p in problems}),
        "distinct_problems": tasks.distinct_problems(problems),
        "held_out": sum(tasks.is_held_out(p.question) for p in problems),
        "sha256": digest(problems),
        "keys_sha256": key_digest(problems),
        "first": [{"task": p.task, "question": p.question, "trace": p.trace, "answer": p.answer}
                  for p in problems[:SPELLED_OUT]],
    }


def main():
    out = {
        "generator": "tools/train/tasks.py",
        "python": platform.python_version(),
        "held_out_mod": tasks.HELD_OUT_MOD,
        # Python's Mersenne Twister, seeded from an int (its absolute value) and from a str (version 2: the UTF-8
        # bytes followed by their SHA-512, read as one big-endian integer).
        "random": [],
        # Every task's maker on its training distribution (shape None) and on fixed operand shapes, from int seeds.
        "makers": [],
        # tasks.sample_eval for every suite, seeded as tools/train/train_r1_tiny.py seeds its evaluation.
        "suites": [],
        # tasks.canonical_key and is_held_out of chosen questions.
        "keys": [],
    }
    for seed in (0, 1, 7, -7, 1234, 2**32 + 5, 2**63 - 1, "1234-eval-add_3digit", "", "ü×÷"):
        rng = random.Random(seed)
        entry = {"seed": seed if isinstance(seed, str) else str(seed), "seed_type": type(seed).__name__}
        entry["getrandbits32"] = [rng.getrandbits(32) for _ in range(5)]
        entry["random"] = [repr(rng.random()) for _ in range(3)]
        entry["randint_0_9"] = [rng.randint(0, 9) for _ in range(5)]
        entry["randint_1000_9999"] = [rng.randint(1000, 9999) for _ in range(3)]
        entry["sample_range100_6"] = rng.sample(range(100), 6)
        entry["sample_range10_4"] = rng.sample(range(10), 4)
        entry["choice_letters"] = "".join(rng.choice(tasks.LETTERS) for _ in range(8))
        out["random"].append(entry)
    for k, task in enumerate(tasks.TASKS):
        shapes = [None]
        if task in ("add", "sub"):
            shapes += [(1, 4), (4, 4), (3, 3)]
        elif task == "mul":
            shapes += [(1, 1), (2, 2), (3, 2)]
        for shape in shapes:
            seed = 100 + k
            rng = random.Random(seed)
            problems = [tasks.MAKERS[task](rng, shape) for _ in range(400)]
            entry = {"task": task, "shape": list(shape) if shape else None, "seed": seed}
            entry.update(run(problems))
            out["makers"].append(entry)
    # Questions written by hand (twins, edge cases) with their keys and split, spelled out.
    for q in ("What is 47 × 86?", "What is 86 × 47?", "What is 315 + 756?", "What is 1071 - 315?", "What is 315 - 1071?",
              "What is 5 - 5?", "What is 007 + 5?", "What is 123456789012345678901234567890 + 1?", "Which is larger, 90 or 12?",
              "Sort from smallest to largest: 5, 91, 3", "Sort from smallest to largest: 7, 7, 1",
              "How many times does the letter a appear in banana?", "Convert 5 km to m.", "Convert 5000 m to km.",
              "Convert 5 kg to g.", "Convert 7 h to min.", "Convert 420 s to min.", "Convert 12 mm to cm."):
        out["keys"].append({"question": q, "key": tasks.canonical_key(q), "held_out": tasks.is_held_out(q)})
    for suite in tasks.EVAL_SUITES:
        # 1234: the training run's own evaluation; 20261206: `deepseek eval`'s default (no training or selection run
        # uses it); 7: a short run.
        for seed, count in ((1234, 500), (20261206, 500), (7, 60)):
            name = f"{seed}-eval-{suite}"
            problems = tasks.sample_eval(suite, random.Random(name), count)
            entry = {"suite": suite, "seed": name}
            entry.update(run(problems))
            out["suites"].append(entry)
    path = os.path.join(HERE, "tasks_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
