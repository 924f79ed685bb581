"""The coloured-shapes world of janus-pro-tiny: scenes, their pictures, questions and prompts, the held-out
split and the pixel analysis that checks a generated picture. Pure Python (no numpy), so that the .NET port
(src/Models/Shapes) can follow it draw for draw: evaluation scenes come from random.Random(seed text) through
the same calls (randrange, randint) in the same order.

A scene is one shape (circle, square, triangle) of one colour on a background of another, centred in one cell of
a 3x3 grid of a 64x64 picture, with a half-size of 7..9 pixels and a jitter of -2..2 pixels per axis. Rendering is
integer arithmetic on doubled coordinates (pixel centres at odd values), so every language draws the same pixels.

Three splits of the 810 (shape, colour, background, position) tuples, by index = ((shape * 6 + colour) * 6 +
background) * 9 + position:
  validation: (index * 7919) % 13 == 5 (62 tuples, 7 in the center) -- every choice (checkpoints, hyperparameters,
              guidance weight, the pixel judge) is made on these. They were the single held-out set of the models
              before 2026-12-06, which were selected on the figures they reported.
  test:       (index * 7919) % 13 == 8 (63 tuples, 8 in the center) -- only for the reported figures.
  train:      the other 685. Training (VQ, tokenizer, understanding, generation) draws only from these; a prompt
              without a position means the center, so the short prompts of validation and test center tuples are
              never seen either.
"""
from dataclasses import dataclass
import random

SIZE = 64
SHAPES = ("circle", "square", "triangle")
COLOURS = (
    ("red", (220, 40, 40)),
    ("green", (40, 170, 60)),
    ("blue", (40, 80, 220)),
    ("yellow", (240, 210, 40)),
    ("white", (240, 240, 240)),
    ("black", (20, 20, 20)),
)
POSITIONS = ("top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right")
CELL_CENTRES = (11, 32, 53)
CENTER = 4
HALF_SIZES = (7, 9)
JITTER = 2

SYSTEM_PROMPT = (
    "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, "
    "and assist the user with a variety of tasks using natural language."
)
QUESTIONS = (
    ("shape", "What shape is in the image?"),
    ("colour", "What colour is the shape?"),
    ("background", "What colour is the background?"),
    ("position", "Where is the shape?"),
)
DESCRIBE = "Describe the image."


SPLITS = ("train", "validation", "test")
VALIDATION_RESIDUE = 5
TEST_RESIDUE = 8


def split_of(shape: int, colour: int, background: int, position: int) -> str:
    index = ((shape * 6 + colour) * 6 + background) * 9 + position
    r = (index * 7919) % 13
    return "validation" if r == VALIDATION_RESIDUE else "test" if r == TEST_RESIDUE else "train"


def is_held_out(shape: int, colour: int, background: int, position: int) -> bool:
    """Never trained on: validation or test."""
    return split_of(shape, colour, background, position) != "train"


def tuples(split: str):
    assert split in SPLITS, split
    return [(s, c, b, p) for s in range(3) for c in range(6) for b in range(6) for p in range(9)
            if c != b and split_of(s, c, b, p) == split]


@dataclass(frozen=True)
class Scene:
    shape: int
    colour: int
    background: int
    position: int
    half: int
    jx: int
    jy: int

    @property
    def centre(self):
        return CELL_CENTRES[self.position % 3] + self.jx, CELL_CENTRES[self.position // 3] + self.jy

    def answer(self, kind: str) -> str:
        if kind == "shape":
            return SHAPES[self.shape]
        if kind == "colour":
            return COLOURS[self.colour][0]
        if kind == "background":
            return COLOURS[self.background][0]
        if kind == "position":
            return POSITIONS[self.position]
        raise ValueError(kind)

    def description(self) -> str:
        return f"a {COLOURS[self.colour][0]} {SHAPES[self.shape]} {where(self.position)} on a {COLOURS[self.background][0]} background"

    def prompt(self, with_position: bool) -> str:
        """The text-to-image prompt; without a position the shape is drawn in the center."""
        if with_position:
            return self.description()
        return f"a {COLOURS[self.colour][0]} {SHAPES[self.shape]} on a {COLOURS[self.background][0]} background"

    def pixels(self) -> bytes:
        """RGB, row-major, SIZE x SIZE x 3."""
        out = bytearray(SIZE * SIZE * 3)
        fg, bg = COLOURS[self.colour][1], COLOURS[self.background][1]
        cx, cy = self.centre
        for y in range(SIZE):
            for x in range(SIZE):
                c = fg if inside(self.shape, 2 * x + 1 - 2 * cx, 2 * y + 1 - 2 * cy, 2 * self.half) else bg
                o = (y * SIZE + x) * 3
                out[o:o + 3] = bytes(c)
        return bytes(out)


def where(position: int) -> str:
    name = POSITIONS[position]
    return f"in the {name}" if position == CENTER else f"at the {name}"


def inside(shape: int, dx: int, dy: int, r: int) -> bool:
    """Doubled offsets from the centre; r is the doubled half-size. The triangle points up."""
    if shape == 0:
        return dx * dx + dy * dy <= r * r
    if shape == 1:
        return abs(dx) <= r and abs(dy) <= r
    return -r <= dy <= r and 2 * abs(dx) <= dy + r


def sample_scene(rng: random.Random) -> Scene:
    """One scene, drawn in this order: shape, colour, background (≠ colour), position, half-size, jitter x, jitter y."""
    shape = rng.randrange(3)
    colour = rng.randrange(6)
    background = rng.randrange(5)
    if background >= colour:
        background += 1
    position = rng.randrange(9)
    half = rng.randint(*HALF_SIZES)
    jx = rng.randint(-JITTER, JITTER)
    jy = rng.randint(-JITTER, JITTER)
    return Scene(shape, colour, background, position, half, jx, jy)


def sample_eval(rng: random.Random, count: int, split: str = "validation", centred: bool = False):
    """Scenes whose tuple is in `split`, by rejection; `centred` moves each to the center cell first (the
    generation suite's short prompts name no position)."""
    assert split in SPLITS, split
    out = []
    while len(out) < count:
        s = sample_scene(rng)
        if centred:
            s = Scene(s.shape, s.colour, s.background, CENTER, s.half, s.jx, s.jy)
        if split_of(s.shape, s.colour, s.background, s.position) != split:
            continue
        out.append(s)
    return out


def eval_seed(seed: int, suite: str) -> str:
    return f"{seed}-eval-{suite}"


# ---------------------------------------------------------------- pixel analysis of a generated picture

@dataclass(frozen=True)
class Analysis:
    background: int
    colour: int  # -1 when no shape was found
    shape: int  # -1 when no shape was found
    fill: float


def nearest_colour(r: int, g: int, b: int) -> int:
    best, best_d = 0, None
    for i, (_, (pr, pg, pb)) in enumerate(COLOURS):
        d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2
        if best_d is None or d < best_d:
            best, best_d = i, d
    return best


MIN_SHAPE_PIXELS = 24
SQUARE_FILL = 0.85
TRIANGLE_TOP_RATIO = 0.6


def analyse(rgb: bytes, size: int = SIZE) -> Analysis:
    """Each pixel takes its nearest palette colour. Background: the commonest colour on the border. Shape colour:
    the commonest other colour. Shape: the largest 4-connected region of that colour, judged by its silhouette in its
    bounding box. The triangle (pointing up) puts a third as many pixels in the box's upper half as in its lower half
    (1/4 vs 3/4 of its area), circle and square as many: top/bottom < 0.6 is a triangle. Otherwise the fill of the box
    decides: a square fills it (1), a circle pi/4 = 0.785; a generated square's corners come out rounded, which lowers
    its fill while a circle's stays, so the cut is 0.85, nearer the circle."""
    labels = [nearest_colour(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) for i in range(size * size)]
    border = [0] * 6
    for i in range(size):
        for j in (0, size - 1):
            border[labels[i * size + j]] += 1
            border[labels[j * size + i]] += 1
    background = max(range(6), key=lambda c: (border[c], -c))
    counts = [0] * 6
    for v in labels:
        counts[v] += 1
    counts[background] = -1
    colour = max(range(6), key=lambda c: (counts[c], -c))
    if counts[colour] < MIN_SHAPE_PIXELS:
        return Analysis(background, -1, -1, 0.0)
    seen = [False] * (size * size)
    best = None
    for start in range(size * size):
        if seen[start] or labels[start] != colour:
            continue
        seen[start] = True
        stack, region = [start], []
        while stack:
            p = stack.pop()
            region.append(p)
            y, x = divmod(p, size)
            for q, ok in ((p - 1, x > 0), (p + 1, x < size - 1), (p - size, y > 0), (p + size, y < size - 1)):
                if ok and not seen[q] and labels[q] == colour:
                    seen[q] = True
                    stack.append(q)
        if best is None or len(region) > len(best):
            best = region
    xs = [p % size for p in best]
    ys = [p // size for p in best]
    top, height = min(ys), max(ys) - min(ys) + 1
    area = (max(xs) - min(xs) + 1) * height
    fill = len(best) / area
    if len(best) < MIN_SHAPE_PIXELS:
        return Analysis(background, colour, -1, fill)
    # rows strictly above / below the box's middle (the middle row of an odd height counts for neither)
    upper = sum(1 for y in ys if 2 * (y - top) + 1 < height)
    lower = sum(1 for y in ys if 2 * (y - top) + 1 > height)
    if upper < TRIANGLE_TOP_RATIO * lower:
        shape = 2
    else:
        shape = 1 if fill > SQUARE_FILL else 0
    return Analysis(background, colour, shape, fill)


def matches(scene: Scene, a: Analysis) -> bool:
    return a.background == scene.background and a.colour == scene.colour and a.shape == scene.shape


if __name__ == "__main__":
    rng = random.Random(eval_seed(0, "understanding"))
    for split in SPLITS:
        t = tuples(split)
        print(split, len(t), "tuples;", sum(p == CENTER for *_, p in t), "in the center")
    ok = 0
    scenes = sample_eval(rng, 200)
    for s in scenes:
        ok += matches(s, analyse(s.pixels()))
    print("pixel analysis on exact renders:", ok, "/", len(scenes))
