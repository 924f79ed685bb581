"""Synthetic reasoning tasks for deepseek-r1-tiny: every problem comes with a worked, checkable trace.

Pure Python (no third-party imports) so that it can be unit-checked anywhere (test_tasks.py).

A Problem is (task, question, trace, answer). The assistant's completion is

    <think>\n{trace}\n</think>\n\n{answer}<｜end▁of▁sentence｜>

where the generation prompt already ends in "<think>\n" (the R1 chat template). Traces work the
way a person does on paper: column by column from the units digit with an explicit carry or
borrow, partial products for multiplication, one comparison per step for sorting and comparing,
a running count per letter. Each line depends on the question and a few earlier lines only, which
is what lets a model of ~10M parameters learn the algorithms instead of memorising answers.

Held-out split: by problem, not by question text. `canonical_key` maps a question to the problem it poses up to the
changes that leave its answer trivially derivable from another question's ("twins"): the operand order of + and x,
the order of a list to sort, the order of a pair to compare, a - b against b - a and against the sums a + (b - a) and
(b - a) + a (one addition fact a + d = s gives every one of them), a conversion against its inverse and against the
same numbers in other units of the same factor (5 km -> 5000 m, 5000 m -> 5 km, 5 kg -> 5000 g). A problem is held
out when crc32(canonical_key(question)) % HELD_OUT_MOD == 0: training never emits a held-out problem nor any twin of
one, and evaluation only emits held-out problems. (The question text alone let 458 of 500 held-out 2x2 products have
their swapped twin trained.) Steps inside another problem's trace are not keyed: a multiplication's trace adds its
partial products and a sort's trace goes on with the shorter list; those are the algorithms' own steps.
"""
import random
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal

HELD_OUT_MOD = 16

TASKS = ("add", "sub", "mul", "compare", "sort", "count", "convert")

# Training mixture: multiplication has the longest, most error-prone traces and gets the most data.
TRAIN_WEIGHTS = {"add": 0.18, "sub": 0.14, "mul": 0.32, "compare": 0.08, "sort": 0.12, "count": 0.08, "convert": 0.08}

# Evaluation suites: name -> (task, fixed operand shape or None for the training distribution).
EVAL_SUITES = {
    "add_3digit": ("add", (3, 3)),
    "sub_3digit": ("sub", (3, 3)),
    "mul_2x2": ("mul", (2, 2)),
    "compare": ("compare", None),
    "sort": ("sort", None),
    "count": ("count", None),
    "convert": ("convert", None),
}

WORDS = (
    "apple banana cherry orange grape lemon melon peach pear plum berry strawberry raspberry blueberry "
    "tomato potato carrot onion garlic pepper lettuce cabbage pumpkin squash bread butter cheese coffee "
    "water juice sugar honey cookie pizza pasta salad soup rice noodle dinner lunch breakfast kitchen "
    "table chair window door floor ceiling garden flower forest river mountain valley ocean island "
    "desert meadow bridge castle tower village city street market school library museum hospital "
    "airport station harbor office letter number answer question problem reason balloon mirror "
    "pencil paper book notebook computer keyboard monitor printer internet program system network "
    "science history music painting theater cinema camera picture planet rocket galaxy comet "
    "bottle basket bucket blanket pillow jacket sweater button ribbon needle hammer ladder bicycle "
    "engine wheel rabbit turtle monkey giraffe elephant kangaroo penguin dolphin parrot sparrow "
    "falcon eagle tiger lion zebra horse donkey sheep goat chicken kitten puppy spider butterfly "
    "mosquito beetle summer winter autumn spring morning evening midnight yesterday tomorrow "
    "holiday birthday mississippi committee bookkeeper balloonist assessment possession "
    "accommodate necessary occasionally embarrass millennium parallel difference excellent "
    "beginning believe calendar cemetery conscience definitely environment government grammar "
    "independent knowledge license maintenance recommend rhythm separate successful tomorrow "
    "vacuum weird address banana yellow purple silver golden orange violet crimson scarlet "
    "happy sunny funny jolly quiet gentle simple little middle bubble puzzle giggle apple "
    "coconut avocado broccoli spinach cucumber zucchini lasagna spaghetti macaroni cinnamon "
    "vanilla chocolate caramel marshmallow popcorn pretzel cracker waffle pancake muffin "
    "teacher student doctor farmer driver singer dancer painter writer sailor soldier pilot "
    "engineer scientist banker lawyer baker butcher plumber carpenter gardener "
    "alphabet triangle rectangle square circle diagonal fraction decimal percent equation "
    "addition subtraction multiplication division"
).split()
WORDS = tuple(dict.fromkeys(WORDS))  # stable order, no duplicates
LETTERS = "abcdefghijklmnopqrstuvwxyz"

# (large unit, small unit, factor). Powers of ten convert by moving digits; 60 by multiplying.
METRIC = (("km", "m", 1000), ("m", "cm", 100), ("cm", "mm", 10), ("m", "mm", 1000),
          ("kg", "g", 1000), ("g", "mg", 1000), ("L", "mL", 1000))
TIME = (("h", "min", 60), ("min", "s", 60))


@dataclass(frozen=True)
class Problem:
    task: str
    question: str
    trace: str
    answer: str

    def completion(self) -> str:
        """The assistant text after the generation prompt's "<think>\\n" (EOS not included)."""
        return f"{self.trace}\n</think>\n\n{self.answer}"


_QUESTION_FORMS = (
    ("add", re.compile(r"What is ([0-9]+) \+ ([0-9]+)\?")),
    ("sub", re.compile(r"What is ([0-9]+) - ([0-9]+)\?")),
    ("mul", re.compile(r"What is ([0-9]+) × ([0-9]+)\?")),
    ("compare", re.compile(r"Which is larger, ([0-9]+) or ([0-9]+)\?")),
    ("sort", re.compile(r"Sort from smallest to largest: ([0-9]+(?:, [0-9]+)*)")),
    ("count", re.compile(r"How many times does the letter ([a-z]) appear in ([a-z]+)\?")),
    ("convert", re.compile(r"Convert ([0-9]+) ([A-Za-z]+) to ([A-Za-z]+)\.")),
)

# Every unit pair of the convert task, both directions: (from, to) -> (factor, whether from is the large unit).
_CONVERSIONS = {}
for _big, _small, _f in METRIC + TIME:
    _CONVERSIONS[(_big, _small)] = (_f, True)
    _CONVERSIONS[(_small, _big)] = (_f, False)


def canonical_key(question: str) -> str:
    """The problem a question poses, the same for every twin (module docstring): add and sub give the addition fact
    "sum:x+y" (x <= y), mul "product:x×y" (x <= y), compare "compare:x,y" (x < y), sort the sorted numbers, count the
    letter and word, convert the factor and the amount in the small unit. Raises ValueError for a question that is
    none of the seven forms."""
    for task, form in _QUESTION_FORMS:
        m = form.fullmatch(question)
        if m is None:
            continue
        if task == "sort":
            return "sort:" + ",".join(str(n) for n in sorted(int(x) for x in m.group(1).split(", ")))
        if task == "count":
            return f"count:{m.group(1)}:{m.group(2)}"
        if task == "convert":
            conversion = _CONVERSIONS.get((m.group(2), m.group(3)))
            if conversion is None:
                break
            factor, from_big = conversion
            v = int(m.group(1))
            return f"convert:{factor}:{v * factor if from_big else v}"
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        if task == "add":
            return f"sum:{a}+{b}"
        if task == "sub":  # b - a = d is the fact a + d = b
            return "sum:{}+{}".format(*sorted((a, b - a)))
        if task == "mul":
            return f"product:{a}×{b}"
        return f"compare:{a},{b}"
    raise ValueError(f"not a question of the tasks: {question!r}")


def is_held_out(question: str) -> bool:
    """Whether the question's problem (canonical_key) is held out: crc32 of the key's UTF-8 divisible by HELD_OUT_MOD."""
    return zlib.crc32(canonical_key(question).encode("utf-8")) % HELD_OUT_MOD == 0


def parse_answer(generated: str):
    """The answer a completion gives: the text after the last </think>, or None without a trace."""
    if "</think>" not in generated:
        return None
    return generated.rsplit("</think>", 1)[1].strip()


# ---------------------------------------------------------------- arithmetic blocks

def _digits(n: int):
    """Decimal digits of a non-negative integer, units first."""
    return [int(c) for c in reversed(str(n))]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def add_lines(a: int, b: int):
    lines = [f"{a}+{b}"]
    da, db = _digits(a), _digits(b)
    carry = 0
    for k in range(max(len(da), len(db))):
        x = da[k] if k < len(da) else 0
        y = db[k] if k < len(db) else 0
        s = x + y + carry
        lines.append(f"{x}+{y}+{carry}={s}, carry {s // 10}")
        carry = s // 10
    lines.append(f"{a}+{b}={a + b}")
    return lines


def sub_lines(a: int, b: int):
    """a - b for a >= b >= 0, borrowing column by column."""
    assert a >= b >= 0
    lines = [f"{a}-{b}"]
    da, db = _digits(a), _digits(b)
    borrow = 0
    for k in range(len(da)):
        t = da[k]
        u = db[k] if k < len(db) else 0
        if t - u - borrow < 0:
            lines.append(f"1{t}-{u}-{borrow}={10 + t - u - borrow}, borrow 1")
            borrow = 1
        else:
            lines.append(f"{t}-{u}-{borrow}={t - u - borrow}, borrow 0")
            borrow = 0
    lines.append(f"{a}-{b}={a - b}")
    return lines


def mul_digit_lines(a: int, d: int):
    """a × d for a single digit d: one line per digit of a, units first."""
    lines = [f"{a}×{d}"]
    carry = 0
    for x in _digits(a):
        p = x * d + carry
        lines.append(f"{x}×{d}+{carry}={p}, carry {p // 10}")
        carry = p // 10
    return lines


def mul_lines(a: int, b: int):
    lines = [f"{a}×{b}"]
    if a < 10 and b < 10:
        lines[0] = f"{a}×{b}={a * b}"
        return lines
    partials = []
    for j, d in enumerate(_digits(b)):
        lines += mul_digit_lines(a, d)
        p = a * d
        lines.append(f"{a}×{d}={p}" if j == 0 else f"{a}×{d}={p}, shifted {p * 10 ** j}")
        partials.append(p * 10 ** j)
    total = partials[0]
    for p in partials[1:]:
        lines += add_lines(total, p)
        total += p
    lines.append(f"{a}×{b}={a * b}")
    return lines


# ---------------------------------------------------------------- tasks

def _number(rng: random.Random, digits: int) -> int:
    return rng.randint(0, 9) if digits == 1 else rng.randint(10 ** (digits - 1), 10 ** digits - 1)


def make_add(rng, shape=None):
    la, lb = shape or (rng.choice((1, 2, 3, 3, 4)), rng.choice((1, 2, 3, 3, 4)))
    a, b = _number(rng, la), _number(rng, lb)
    return Problem("add", f"What is {a} + {b}?", "\n".join(add_lines(a, b)), str(a + b))


def make_sub(rng, shape=None):
    la, lb = shape or (rng.choice((1, 2, 3, 3, 4)), rng.choice((1, 2, 3, 3, 4)))
    a, b = _number(rng, la), _number(rng, lb)
    if a >= b:
        lines = sub_lines(a, b)
    else:
        lines = [f"{a}-{b}", f"{a}<{b}, so {a}-{b}=-({b}-{a})"] + sub_lines(b, a) + [f"{a}-{b}={a - b}"]
    return Problem("sub", f"What is {a} - {b}?", "\n".join(lines), str(a - b))


MUL_SHAPES = ((1, 1), (2, 1), (1, 2), (2, 2), (2, 2), (2, 2), (2, 2), (3, 1), (3, 2), (3, 2))


def make_mul(rng, shape=None):
    la, lb = shape or rng.choice(MUL_SHAPES)
    a, b = _number(rng, la), _number(rng, lb)
    return Problem("mul", f"What is {a} × {b}?", "\n".join(mul_lines(a, b)), str(a * b))


def make_compare(rng, shape=None):
    la = rng.randint(1, 5)
    a = _number(rng, la)
    if rng.random() < 0.6 and la > 1:
        # Same length and a shared prefix: the interesting case, decided at the first differing digit.
        s = list(str(a))
        k = rng.randint(0, la - 1)
        choices = [c for c in "0123456789" if c != s[k] and not (k == 0 and c == "0")]
        s[k] = rng.choice(choices)
        for i in range(k + 1, la):
            s[i] = rng.choice("0123456789")
        b = int("".join(s))
    else:
        b = _number(rng, rng.randint(1, 5))
    if a == b:
        b = a + 1
    sa, sb = str(a), str(b)
    lines = [f"{a} has {_plural(len(sa), 'digit')}, {b} has {_plural(len(sb), 'digit')}"]
    if len(sa) != len(sb):
        lines.append(f"{a if len(sa) > len(sb) else b} has more digits")
    else:
        steps = []
        for x, y in zip(sa, sb):
            if x == y:
                steps.append(f"{x}={y}")
            else:
                steps.append(f"{x}>{y}" if x > y else f"{x}<{y}")
                break
        lines.append(", ".join(steps))
    lines.append(f"{a}>{b}" if a > b else f"{a}<{b}")
    return Problem("compare", f"Which is larger, {a} or {b}?", "\n".join(lines), str(max(a, b)))


def make_sort(rng, shape=None):
    n = rng.randint(3, 6)
    nums = rng.sample(range(100), n)
    listed = ", ".join(map(str, nums))
    lines = [listed]
    remaining = list(nums)
    ordered = []
    while len(remaining) > 1:
        m = min(remaining)
        remaining.remove(m)
        ordered.append(m)
        lines.append(f"smallest is {m}, left {', '.join(map(str, remaining))}")
    ordered.append(remaining[0])
    answer = ", ".join(map(str, ordered))
    lines.append(answer)
    return Problem("sort", f"Sort from smallest to largest: {listed}", "\n".join(lines), answer)


def make_count(rng, shape=None):
    word = rng.choice(WORDS)
    # Half the time a letter of the word, otherwise any letter (often absent: answer 0).
    letter = rng.choice(word) if rng.random() < 0.5 else rng.choice(LETTERS)
    lines = [word]
    n = 0
    for ch in word:
        n += ch == letter
        lines.append(f"{ch} {n}")
    lines.append(f"count {n}")
    return Problem("count", f"How many times does the letter {letter} appear in {word}?", "\n".join(lines), str(n))


def _decimal(value: int, factor: int) -> str:
    q = (Decimal(value) / Decimal(factor)).normalize()
    text = format(q, "f")
    return text


def make_convert(rng, shape=None):
    if rng.random() < 0.3:
        big, small, f = rng.choice(TIME)
        v = rng.randint(1, 99)
        lines = [f"1 {big} = {f} {small}", f"{v}×60 is {v}×6 with 1 zero appended"]
        lines += mul_digit_lines(v, 6)
        lines += [f"{v}×6={v * 6}", f"{v * 60}"]
        return Problem("convert", f"Convert {v} {big} to {small}.", "\n".join(lines), f"{v * 60} {small}")
    big, small, f = rng.choice(METRIC)
    z = len(str(f)) - 1
    if rng.random() < 0.5:
        v = _number(rng, rng.randint(1, 3))
        v = v or 1
        lines = [f"1 {big} = {f} {small}", f"{v}×{f}: append {_plural(z, 'zero')}", f"{v * f}"]
        return Problem("convert", f"Convert {v} {big} to {small}.", "\n".join(lines), f"{v * f} {small}")
    v = _number(rng, rng.randint(1, 4)) or 1
    r = _decimal(v, f)
    lines = [f"1 {big} = {f} {small}", f"{v}÷{f}: move the point {_plural(z, 'place')} left", r]
    return Problem("convert", f"Convert {v} {small} to {big}.", "\n".join(lines), f"{r} {big}")


MAKERS = {"add": make_add, "sub": make_sub, "mul": make_mul, "compare": make_compare,
          "sort": make_sort, "count": make_count, "convert": make_convert}


def sample_training(rng: random.Random) -> Problem:
    """One training problem from the mixture, never from the held-out set."""
    tasks = list(TRAIN_WEIGHTS)
    weights = [TRAIN_WEIGHTS[t] for t in tasks]
    while True:
        task = rng.choices(tasks, weights)[0]
        p = MAKERS[task](rng)
        if not is_held_out(p.question):
            return p


def sample_eval(suite: str, rng: random.Random, count: int, patience: int = 20_000):
    """`count` held-out problems of an evaluation suite, distinct problems (canonical_key: no two twins) until
    `patience` draws in a row bring nothing new (the held-out space of a suite can be smaller than `count`: letter
    counting has about 430 problems), after which repeats are kept."""
    task, shape = EVAL_SUITES[suite]
    seen, out = set(), []
    stale = 0
    while len(out) < count:
        p = MAKERS[task](rng, shape)
        if not is_held_out(p.question):
            continue
        key = canonical_key(p.question)
        if key in seen and stale < patience:
            stale += 1
            continue
        if key not in seen:
            stale = 0  # once exhausted (stale == patience) it stays exhausted
        seen.add(key)
        out.append(p)
    return out


def distinct_problems(problems) -> int:
    """How many different problems (canonical keys) a list holds."""
    return len({canonical_key(p.question) for p in problems})
