using System.Diagnostics;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;

namespace DeepSeek.Sdk.Core.Tests.Layers;

/// <summary>Rotary tables sized to the positions caches hold, not to max_position_embeddings (issue 15: 2e9 positions
/// threw OutOfMemoryException, 1e8 ran for minutes).</summary>
public sealed class RotaryPositionTablesTests
{
    [Fact]
    public void Tables_for_a_config_of_16_million_positions_start_small_and_fast()
    {
        using var backend = new CpuBackend(1);
        var clock = Stopwatch.StartNew();

        var tables = new RotaryPositionTables(backend, new RotaryEmbedding(128, 10000, null, 1 << 24), 1 << 24);

        Assert.True(clock.Elapsed < BoundedProbe.TimeLimit, $"{clock.Elapsed}");
        Assert.Equal(RotaryPositionTables.InitialPositions, tables.Positions);
        Assert.Equal(new DeepSeek.Sdk.Tensors.Shape(RotaryPositionTables.InitialPositions, 64), tables.For(RotaryLayout.HalfSplit).Cos.Shape);
    }

    [Fact]
    public void Grown_tables_equal_tables_built_at_full_length()
    {
        using var backend = new CpuBackend(1);
        var scaling = new RopeScaling { Type = RopeType.Yarn, Factor = 40, OriginalMaxPositionEmbeddings = 4096, MscaleAllDim = 1 };
        var embedding = new RotaryEmbedding(64, 10000, scaling, 163840);
        var tables = new RotaryPositionTables(backend, embedding, 163840);
        var (cos, sin) = embedding.BuildTables(1000);

        tables.EnsurePositions(1000);

        var grown = tables.For(RotaryLayout.Interleaved);
        Assert.Equal(1000, tables.Positions);
        Assert.Equal(cos.AsSpan<float>().ToArray(), grown.Cos.AsSpan<float>().ToArray());
        Assert.Equal(sin.AsSpan<float>().ToArray(), grown.Sin.AsSpan<float>().ToArray());
        Assert.Equal(RotaryLayout.Interleaved, grown.Layout);
    }

    [Fact]
    public void Tables_at_least_double_when_they_grow_and_stop_at_the_maximum()
    {
        using var backend = new CpuBackend(1);
        var tables = new RotaryPositionTables(backend, new RotaryEmbedding(8, 10000, null, 700), 700);

        tables.EnsurePositions(257);
        Assert.Equal(512, tables.Positions);
        tables.EnsurePositions(600);
        Assert.Equal(700, tables.Positions);
        tables.EnsurePositions(10);
        Assert.Equal(700, tables.Positions);
        Assert.Throws<ArgumentOutOfRangeException>(() => tables.EnsurePositions(701));
    }

    [Fact]
    public void A_model_shorter_than_the_initial_length_is_tabulated_whole()
    {
        using var backend = new CpuBackend(1);

        var tables = new RotaryPositionTables(backend, new RotaryEmbedding(8, 10000, null, 16), 16);

        Assert.Equal(16, tables.Positions);
    }

    [Fact]
    public void The_tables_of_a_step_are_one_snapshot_kept_between_steps()
    {
        using var backend = new CpuBackend(1);
        var tables = new RotaryPositionTables(backend, new RotaryEmbedding(8, 10000, null, 4096), 4096);

        var first = tables.For(RotaryLayout.HalfSplit);
        Assert.Same(first, tables.For(RotaryLayout.HalfSplit));
        Assert.Same(first.Cos, tables.For(RotaryLayout.Interleaved).Cos);
        tables.EnsurePositions(300);
        Assert.NotSame(first, tables.For(RotaryLayout.HalfSplit));
        Assert.Equal(RotaryPositionTables.InitialPositions, first.Cos.Shape[0]);
    }
}
