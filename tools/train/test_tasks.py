"""Checks of the task generator: every trace line is arithmetically right, answers are right, the held-out
split is respected, and generation is reproducible. Pure Python: `python3 -m unittest test_tasks` here."""
import random
import re
import unittest
from decimal import Decimal

import chat
import tasks

ADD = re.compile(r"^(\d)\+(\d)\+([01])=(\d+), carry ([01])$")
SUB = re.compile(r"^(1?)(\d)-(\d)-([01])=(\d), borrow ([01])$")
MULD = re.compile(r"^(\d)×(\d)\+(\d)=(\d+), carry (\d)$")
EQ = re.compile(r"^(\d+)([+\-×])(\d+)=(-?\d+)(?:, shifted (\d+))?$")


def check_arithmetic_line(test, line):
    """Every line that states a computation must be true."""
    if m := ADD.match(line):
        x, y, c, s, k = map(int, m.groups())
        test.assertEqual(x + y + c, s, line)
        test.assertEqual(s // 10, k, line)
    elif m := SUB.match(line):
        ten, t, u, b, r, nb = m.groups()
        t, u, b, r, nb = int(t), int(u), int(b), int(r), int(nb)
        top = t + (10 if ten else 0)
        test.assertEqual(top - u - b, r, line)
        test.assertEqual(bool(ten), bool(nb), line)
        test.assertEqual(t - u - b < 0, bool(nb), line)
    elif m := MULD.match(line):
        x, d, c, p, k = map(int, m.groups())
        test.assertEqual(x * d + c, p, line)
        test.assertEqual(p // 10, k, line)
    elif m := EQ.match(line):
        a, op, b, r, shifted = m.groups()
        a, b, r = int(a), int(b), int(r)
        test.assertEqual({"+": a + b, "-": a - b, "×": a * b}[op], r, line)
        if shifted is not None:
            test.assertEqual(int(shifted) % 10, 0, line)
            test.assertIn(int(shifted), [r * 10 ** j for j in range(1, 4)], line)
        return True
    else:
        return False
    return True


_EVAL = {}


def eval_problems(suite):
    """The training run's evaluation problems of a suite (seed 1234, 500), generated once."""
    if suite not in _EVAL:
        _EVAL[suite] = tasks.sample_eval(suite, random.Random(f"1234-eval-{suite}"), 500)
    return _EVAL[suite]


def twins(question):
    """Questions whose answer follows trivially from this one's, built from the question text alone."""
    out = []
    if m := re.fullmatch(r"What is (\d+) \+ (\d+)\?", question):
        a, b = map(int, m.groups())
        s = a + b
        out += [f"What is {b} + {a}?", f"What is {s} - {a}?", f"What is {s} - {b}?", f"What is {a} - {s}?", f"What is {b} - {s}?"]
    elif m := re.fullmatch(r"What is (\d+) - (\d+)\?", question):
        a, b = map(int, m.groups())
        hi, lo = max(a, b), min(a, b)
        d = hi - lo
        out += [f"What is {b} - {a}?", f"What is {lo} + {d}?", f"What is {d} + {lo}?", f"What is {hi} - {d}?", f"What is {d} - {hi}?"]
    elif m := re.fullmatch(r"What is (\d+) × (\d+)\?", question):
        a, b = m.groups()
        out.append(f"What is {b} × {a}?")
    elif m := re.fullmatch(r"Which is larger, (\d+) or (\d+)\?", question):
        a, b = m.groups()
        out.append(f"Which is larger, {b} or {a}?")
    elif m := re.fullmatch(r"Sort from smallest to largest: (.*)", question):
        nums = m.group(1).split(", ")
        for k in range(6):
            random.Random(k).shuffle(nums)
            out.append("Sort from smallest to largest: " + ", ".join(nums))
        out.append("Sort from smallest to largest: " + ", ".join(sorted(nums, key=int, reverse=True)))
    elif m := re.fullmatch(r"Convert (\d+) (\w+) to (\w+)\.", question):
        v, src, dst = m.groups()
        v = int(v)
        for big, small, f in tasks.METRIC + tasks.TIME:
            if (src, dst) == (big, small):
                amount = v * f
            elif (src, dst) == (small, big):
                amount = v
            else:
                continue
            for big2, small2, f2 in tasks.METRIC + tasks.TIME:
                if f2 == f:  # the same numbers in any units of the same factor, both directions
                    out.append(f"Convert {amount} {small2} to {big2}.")
                    if amount % f == 0:
                        out.append(f"Convert {amount // f} {big2} to {small2}.")
    return out


class TaskTests(unittest.TestCase):
    def problems(self, task, n=3000, seed=7):
        rng = random.Random(seed)
        return [tasks.MAKERS[task](rng) for _ in range(n)]

    def test_addition_traces_are_correct_column_by_column(self):
        for p in self.problems("add"):
            a, b = map(int, re.match(r"What is (\d+) \+ (\d+)\?", p.question).groups())
            self.assertEqual(str(a + b), p.answer)
            lines = p.trace.split("\n")
            self.assertEqual(lines[0], f"{a}+{b}")
            self.assertEqual(lines[-1], f"{a}+{b}={a + b}")
            self.assertEqual(len(lines), max(len(str(a)), len(str(b))) + 2)
            for line in lines[1:]:
                self.assertTrue(check_arithmetic_line(self, line), line)

    def test_subtraction_borrows_and_handles_negative_results(self):
        negative = 0
        for p in self.problems("sub"):
            a, b = map(int, re.match(r"What is (\d+) - (\d+)\?", p.question).groups())
            self.assertEqual(str(a - b), p.answer)
            negative += a < b
            for line in p.trace.split("\n")[1:]:
                if "so" in line:
                    self.assertEqual(line, f"{a}<{b}, so {a}-{b}=-({b}-{a})")
                    continue
                self.assertTrue(line == f"{b}-{a}" or check_arithmetic_line(self, line), line)
        self.assertGreater(negative, 300)

    def test_multiplication_uses_partial_products_and_column_addition(self):
        for p in self.problems("mul"):
            a, b = map(int, re.match(r"What is (\d+) × (\d+)\?", p.question).groups())
            self.assertEqual(str(a * b), p.answer)
            lines = p.trace.split("\n")
            self.assertEqual(lines[-1], f"{a}×{b}={a * b}")
            for line in lines:
                if re.fullmatch(r"\d+[×+]\d+", line):
                    continue
                self.assertTrue(check_arithmetic_line(self, line), line)

    def test_two_by_two_multiplication_trace_shape(self):
        p = tasks.Problem("mul", "", "\n".join(tasks.mul_lines(47, 86)), "4042")
        self.assertEqual(p.trace.split("\n"), [
            "47×86", "47×6", "7×6+0=42, carry 4", "4×6+4=28, carry 2", "47×6=282",
            "47×8", "7×8+0=56, carry 5", "4×8+5=37, carry 3", "47×8=376, shifted 3760",
            "282+3760", "2+0+0=2, carry 0", "8+6+0=14, carry 1", "2+7+1=10, carry 1", "0+3+1=4, carry 0",
            "282+3760=4042", "47×86=4042"])

    def test_compare_names_the_larger_number(self):
        for p in self.problems("compare"):
            a, b = map(int, re.match(r"Which is larger, (\d+) or (\d+)\?", p.question).groups())
            self.assertNotEqual(a, b)
            self.assertEqual(str(max(a, b)), p.answer)
            self.assertEqual(p.trace.split("\n")[-1], f"{a}>{b}" if a > b else f"{a}<{b}")

    def test_sort_selects_the_smallest_each_step(self):
        for p in self.problems("sort"):
            nums = [int(x) for x in p.question.split(": ")[1].split(", ")]
            self.assertEqual(p.answer, ", ".join(map(str, sorted(nums))))
            self.assertEqual(len(p.trace.split("\n")), len(nums) + 1)

    def test_count_keeps_a_running_count_per_letter(self):
        for p in self.problems("count"):
            letter, word = re.match(r"How many times does the letter (\w) appear in (\w+)\?", p.question).groups()
            self.assertEqual(p.answer, str(word.count(letter)))
            lines = p.trace.split("\n")
            self.assertEqual(lines[0], word)
            self.assertEqual([line[0] for line in lines[1:-1]], list(word))
            self.assertEqual(lines[-1], f"count {word.count(letter)}")

    def test_conversions_are_exact(self):
        for p in self.problems("convert"):
            v, src, dst = re.match(r"Convert (\d+) (\w+) to (\w+)\.", p.question).groups()
            factors = {(b, s): f for b, s, f in tasks.METRIC + tasks.TIME}
            value, unit = p.answer.split(" ")
            self.assertEqual(unit, dst)
            if (src, dst) in factors:
                self.assertEqual(Decimal(value), Decimal(v) * factors[(src, dst)])
            else:
                self.assertEqual(Decimal(value), Decimal(v) / factors[(dst, src)])
                self.assertFalse(value.endswith(".") or ("." in value and value.endswith("0")), value)

    def test_training_never_emits_held_out_questions_and_evaluation_only_those(self):
        rng = random.Random(3)
        for _ in range(20000):
            self.assertFalse(tasks.is_held_out(tasks.sample_training(rng).question))
        for suite in tasks.EVAL_SUITES:
            for p in tasks.sample_eval(suite, random.Random(suite), 100):
                self.assertTrue(tasks.is_held_out(p.question))

    def test_every_twin_of_a_held_out_problem_is_held_out_so_training_cannot_draw_it(self):
        # twins() builds them from the question alone, without canonical_key: a key that missed a twin fails here
        for suite in tasks.EVAL_SUITES:
            for p in eval_problems(suite):
                for twin in twins(p.question):
                    self.assertTrue(tasks.is_held_out(twin), f"{p.question!r} is held out, its twin {twin!r} is not")

    def test_no_held_out_problem_is_in_the_training_stream(self):
        rng = random.Random("stream")
        trained = {tasks.canonical_key(tasks.sample_training(rng).question) for _ in range(100_000)}
        for suite in tasks.EVAL_SUITES:
            held = {tasks.canonical_key(p.question) for p in eval_problems(suite)}
            self.assertEqual(set(), held & trained, suite)

    def test_swapped_products_of_held_out_multiplications_are_held_out_too(self):
        # the leak that split by question text had: 458 of these 500 had their swapped twin trainable
        for p in eval_problems("mul_2x2"):
            a, b = re.fullmatch(r"What is (\d+) × (\d+)\?", p.question).groups()
            self.assertTrue(tasks.is_held_out(f"What is {b} × {a}?"), p.question)

    def test_canonical_keys_name_the_problem(self):
        key = tasks.canonical_key
        self.assertEqual(key("What is 47 × 86?"), key("What is 86 × 47?"))
        self.assertEqual(key("What is 47 × 86?"), "product:47×86")
        self.assertEqual(key("What is 315 + 756?"), "sum:315+756")
        self.assertEqual(key("What is 1071 - 315?"), "sum:315+756")
        self.assertEqual(key("What is 315 - 1071?"), "sum:315+756")
        self.assertEqual(key("What is 5 - 5?"), "sum:0+5")
        self.assertEqual(key("Which is larger, 90 or 12?"), "compare:12,90")
        self.assertEqual(key("Sort from smallest to largest: 5, 91, 3"), "sort:3,5,91")
        self.assertEqual(key("How many times does the letter a appear in banana?"), "count:a:banana")
        self.assertEqual(key("Convert 5 km to m."), "convert:1000:5000")
        self.assertEqual(key("Convert 5000 m to km."), "convert:1000:5000")
        self.assertEqual(key("Convert 5 kg to g."), "convert:1000:5000")
        self.assertEqual(key("Convert 7 h to min."), "convert:60:420")
        self.assertNotEqual(key("What is 47 × 86?"), key("What is 47 + 86?"))
        for bad in ("What is 1 / 2?", "Convert 5 km to kg.", "What is 1 + 2", "what is 1 + 2?"):
            with self.assertRaises(ValueError):
                key(bad)

    def test_eval_samples_distinct_problems_until_the_held_out_space_runs_out(self):
        mul = eval_problems("mul_2x2")
        distinct = tasks.distinct_problems(mul)
        self.assertLess(distinct, 300)  # about 4095 / 16 unordered pairs of 2-digit numbers
        self.assertEqual(distinct, len({tasks.canonical_key(p.question) for p in mul[:distinct]}))

    def test_eval_suites_have_the_shapes_the_issue_names(self):
        for p in tasks.sample_eval("add_3digit", random.Random(1), 200):
            a, b = map(int, re.match(r"What is (\d+) \+ (\d+)\?", p.question).groups())
            self.assertTrue(100 <= a <= 999 and 100 <= b <= 999)
        mul = tasks.sample_eval("mul_2x2", random.Random(1), 500)
        self.assertEqual(500, len(mul))
        for p in mul:
            a, b = map(int, re.match(r"What is (\d+) × (\d+)\?", p.question).groups())
            self.assertTrue(10 <= a <= 99 and 10 <= b <= 99)

    def test_generation_is_reproducible_from_the_seed(self):
        a = [tasks.sample_training(random.Random("s-1")) for _ in range(3)]
        b = [tasks.sample_training(random.Random("s-1")) for _ in range(3)]
        self.assertEqual(a, b)

    def test_completion_and_answer_parsing(self):
        p = tasks.make_add(random.Random(5), (3, 3))
        text = p.completion()
        self.assertTrue(text.startswith(p.trace))
        self.assertEqual(tasks.parse_answer(text), p.answer)
        self.assertIsNone(tasks.parse_answer(p.answer))
        self.assertEqual(chat.render_prompt("Q?"), "<｜begin▁of▁sentence｜><｜User｜>Q?<｜Assistant｜><think>\n")


if __name__ == "__main__":
    unittest.main()
