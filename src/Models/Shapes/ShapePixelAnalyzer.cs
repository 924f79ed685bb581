namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>
/// Checks a generated picture by its pixels (tools/train/shapes.py analyse, step for step): every pixel takes its
/// nearest palette colour (squared RGB distance); the background is the commonest colour on the one-pixel border,
/// the shape colour the commonest other colour; the shape is the largest 4-connected region of that colour, judged by
/// its silhouette in its bounding box. The triangle (pointing up) puts a third as many pixels in the box's upper half
/// as in its lower half (1/4 against 3/4 of its area), circle and square as many: upper/lower below
/// <see cref="TriangleTopRatio"/> is a triangle. Otherwise the fill of the box decides: a square fills it, a circle
/// π/4 ≈ 0.785; a generated square's corners come out rounded, which lowers its fill while a circle's stays, so the cut
/// (<see cref="SquareFill"/>) sits nearer the circle.
/// </summary>
public static class ShapePixelAnalyzer
{
    public const int MinShapePixels = 24;
    public const double SquareFill = 0.85;
    public const double TriangleTopRatio = 0.6;

    /// <summary>Analyses a square RGB picture (row-major, 3 bytes a pixel) of <paramref name="size"/> pixels a side.</summary>
    public static ShapeAnalysis Analyse(ReadOnlySpan<byte> rgb, int size = ShapeWorld.Size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        if (rgb.Length != size * size * 3)
            throw new ArgumentException($"Expected {size}x{size} RGB bytes ({size * size * 3}), got {rgb.Length}.", nameof(rgb));
        int colours = ShapeWorld.Colours.Count;
        var labels = new int[size * size];
        for (int i = 0; i < labels.Length; i++) labels[i] = Nearest(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);

        var border = new int[colours];
        for (int i = 0; i < size; i++)
        {
            foreach (int j in (ReadOnlySpan<int>)[0, size - 1])
            {
                border[labels[i * size + j]]++;
                border[labels[j * size + i]]++;
            }
        }
        int background = ArgMax(border);
        var counts = new int[colours];
        foreach (int v in labels) counts[v]++;
        counts[background] = -1;
        int colour = ArgMax(counts);
        if (counts[colour] < MinShapePixels) return new ShapeAnalysis(background, -1, -1, 0);

        // The largest 4-connected region of the shape colour (ties: the first found in raster order).
        var seen = new bool[labels.Length];
        var stack = new Stack<int>();
        var region = new List<int>();
        var best = new List<int>();
        int bestCount = 0, bestMinX = 0, bestMaxX = 0, bestMinY = 0, bestMaxY = 0;
        for (int start = 0; start < labels.Length; start++)
        {
            if (seen[start] || labels[start] != colour) continue;
            seen[start] = true;
            stack.Push(start);
            int count = 0, minX = size, maxX = -1, minY = size, maxY = -1;
            region.Clear();
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                count++;
                region.Add(p);
                int y = p / size, x = p % size;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
                Visit(p - 1, x > 0);
                Visit(p + 1, x < size - 1);
                Visit(p - size, y > 0);
                Visit(p + size, y < size - 1);
            }
            if (count > bestCount)
            {
                (bestCount, bestMinX, bestMaxX, bestMinY, bestMaxY) = (count, minX, maxX, minY, maxY);
                (best, region) = (region, best);
            }
        }
        int height = bestMaxY - bestMinY + 1;
        double fill = (double)bestCount / ((bestMaxX - bestMinX + 1) * height);
        if (bestCount < MinShapePixels) return new ShapeAnalysis(background, colour, -1, fill);
        // Rows strictly above / below the box's middle (an odd height's middle row counts for neither).
        int upper = 0, lower = 0;
        foreach (int p in best)
        {
            int twice = 2 * (p / size - bestMinY) + 1;
            if (twice < height) upper++;
            else if (twice > height) lower++;
        }
        int shape = upper < TriangleTopRatio * lower ? 2 : fill > SquareFill ? 1 : 0;
        return new ShapeAnalysis(background, colour, shape, fill);

        void Visit(int q, bool ok)
        {
            if (ok && !seen[q] && labels[q] == colour)
            {
                seen[q] = true;
                stack.Push(q);
            }
        }
    }

    /// <summary>The palette colour nearest to (r, g, b); ties go to the lower index.</summary>
    public static int Nearest(byte r, byte g, byte b)
    {
        int best = 0, bestDistance = int.MaxValue;
        for (int i = 0; i < ShapeWorld.Colours.Count; i++)
        {
            var (pr, pg, pb) = ShapeWorld.Colours[i].Rgb;
            int d = (r - pr) * (r - pr) + (g - pg) * (g - pg) + (b - pb) * (b - pb);
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return best;
    }

    // Python's max(range(n), key=lambda c: (counts[c], -c)): the largest count, the lowest index on ties.
    private static int ArgMax(int[] counts)
    {
        int best = 0;
        for (int i = 1; i < counts.Length; i++) if (counts[i] > counts[best]) best = i;
        return best;
    }
}
