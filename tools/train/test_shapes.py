"""Checks of the shapes world's splits (pure Python: `python3 -m unittest test_shapes` here)."""
import random
import unittest

import shapes


class SplitTests(unittest.TestCase):
    def test_the_splits_are_disjoint_and_cover_every_tuple(self):
        parts = {split: set(shapes.tuples(split)) for split in shapes.SPLITS}
        self.assertEqual((685, 62, 63), tuple(len(parts[s]) for s in shapes.SPLITS))
        everything = set().union(*parts.values())
        self.assertEqual(3 * 6 * 5 * 9, len(everything))
        self.assertEqual(sum(len(p) for p in parts.values()), len(everything))

    def test_validation_is_the_old_held_out_set_and_test_has_center_tuples(self):
        old = [(s, c, b, p) for s in range(3) for c in range(6) for b in range(6) for p in range(9)
               if c != b and ((((s * 6 + c) * 6 + b) * 9 + p) * 7919) % 13 == 5]
        self.assertEqual(old, shapes.tuples("validation"))
        self.assertEqual(8, sum(p == shapes.CENTER for *_, p in shapes.tuples("test")))
        self.assertEqual(7, sum(p == shapes.CENTER for *_, p in shapes.tuples("validation")))

    def test_sampling_a_split_yields_only_its_tuples(self):
        for split in shapes.SPLITS:
            for centred in (False, True):
                for s in shapes.sample_eval(random.Random(f"{split}-{centred}"), 200, split, centred):
                    self.assertEqual(split, shapes.split_of(s.shape, s.colour, s.background, s.position))
                    self.assertEqual(split != "train", shapes.is_held_out(s.shape, s.colour, s.background, s.position))

    def test_the_judges_thresholds_are_those_fixed_before_any_test_split_scoring(self):
        # docs/models.md (2026-12-06): chosen on validation outputs; they must not move after test results are seen
        self.assertEqual((24, 0.85, 0.6), (shapes.MIN_SHAPE_PIXELS, shapes.SQUARE_FILL, shapes.TRIANGLE_TOP_RATIO))

    def test_exact_renders_pass_the_pixel_check(self):
        for s in shapes.sample_eval(random.Random("render"), 60, "test"):
            self.assertTrue(shapes.matches(s, shapes.analyse(s.pixels())), s)


if __name__ == "__main__":
    unittest.main()
