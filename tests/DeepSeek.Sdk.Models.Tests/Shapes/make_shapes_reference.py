"""Writes shapes_reference.json: what tools/train/shapes.py (the world janus-pro-tiny was trained and is evaluated
on) produces for fixed seeds, so that the C# port (src/Models/Shapes) can be held to it exactly.

    python3 tests/DeepSeek.Sdk.Models.Tests/Shapes/make_shapes_reference.py

Plain Python 3. Scenes are spelled out; pictures are kept as SHA-256 of their RGB bytes; the pixel analysis is
recorded on exact renders and on renders with a deterministic perturbation (NOISE below), which both sides apply.
"""
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tools", "train"))
import shapes  # noqa: E402


def noisy(rgb: bytes, k: int) -> bytes:
    """Each byte i moves by ((i * 7919 + k * 31) % 161) - 80, clamped to 0..255: strong enough to flip some pixels'
    nearest colour, so the analysis's tie rules and region search are exercised."""
    return bytes(max(0, min(255, v + ((i * 7919 + k * 31) % 161) - 80)) for i, v in enumerate(rgb))


def scene_dict(s):
    return [s.shape, s.colour, s.background, s.position, s.half, s.jx, s.jy]


def analysis(a):
    return [a.background, a.colour, a.shape, round(a.fill, 9)]


def main():
    out = {"generator": "tools/train/shapes.py", "runs": []}
    for seed, count, split, centred in (("0-eval-understanding", 40, "validation", False), ("0-eval-generation", 20, "validation", True),
                                        ("7-train", 30, "train", False), ("5-eval-understanding", 30, "test", False),
                                        ("5-eval-generation", 12, "test", True)):
        scenes = shapes.sample_eval(random.Random(seed), count, split, centred)
        run = {"seed": seed, "count": count, "split": split, "centred": centred, "scenes": [], "sha256": [],
               "analysis": [], "noisy_analysis": [], "descriptions": [], "prompts": []}
        for k, s in enumerate(scenes):
            px = s.pixels()
            run["scenes"].append(scene_dict(s))
            run["sha256"].append(hashlib.sha256(px).hexdigest())
            run["analysis"].append(analysis(shapes.analyse(px)))
            run["noisy_analysis"].append(analysis(shapes.analyse(noisy(px, k))))
            run["descriptions"].append(s.description())
            run["prompts"].append(s.prompt(False))
        out["runs"].append(run)
    out["tuples"] = {split: [list(t) for t in shapes.tuples(split)] for split in shapes.SPLITS}
    with open(os.path.join(HERE, "shapes_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
