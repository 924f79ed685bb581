using System.CommandLine;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;
using Spectre.Console;

namespace DeepSeek.Cli.Commands;

/// <summary><c>deepseek inspect &lt;model-dir&gt;</c>: architecture, parameters by dtype, memory needed, the
/// config-versus-weights check, and the tensor table.</summary>
public static class InspectCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var dir = new Argument<string>("model-dir") { Description = "A model folder: config.json plus model.safetensors or a sharded index." };
        var maxTensors = new Option<int>("--max-tensors") { Description = "Rows of the tensor table to print (0: none, -1: all).", DefaultValueFactory = _ => 60 };
        var command = new Command("inspect", "Describe a checkpoint: architecture, parameter count by dtype, memory needed, tensors.") { dir, maxTensors };
        command.SetAction(parse => Run(console, parse.GetValue(dir)!, parse.GetValue(maxTensors)));
        return command;
    }

    public static int Run(IAnsiConsole console, string directory, int maxTensors)
    {
        var config = ModelConfig.Load(ModelFolder.Existing(directory, "model-dir"));
        var checkpoint = Checkpoint.Open(directory);
        using (checkpoint)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))))}[/]").LeftJustified());
            console.Write(ModelSummary.Describe(config));
            WriteParameters(console, config, checkpoint);

            int rc = 0;
            try
            {
                CheckpointValidator.Validate(config, checkpoint);
                console.MarkupLine("[green]config matches weights[/]: every expected tensor present with its shape and dtype");
            }
            catch (Exception e) when (e is CheckpointMismatchException or CheckpointDTypeException)
            {
                console.MarkupLineInterpolated($"[red]config does not match weights:[/] {e.Message}");
                rc = 1;
            }

            WriteTensors(console, checkpoint, maxTensors);
            return rc;
        }
    }

    private static void WriteParameters(IAnsiConsole console, ModelConfig config, Checkpoint checkpoint)
    {
        var byDtype = new SortedDictionary<DType, (long Count, long Bytes)>();
        long total = 0, routedExperts = 0, bytes = 0;
        foreach (string name in checkpoint.Names)
        {
            var info = checkpoint.GetTensorInfo(name);
            long n = info.Shape.ElementCount;
            var (c, b) = byDtype.GetValueOrDefault(info.DType);
            byDtype[info.DType] = (c + n, b + info.ByteLength);
            total += n;
            bytes += info.ByteLength;
            if (name.Contains(".mlp.experts.", StringComparison.Ordinal)) routedExperts += n;
        }

        var table = new Table().AddColumns("dtype", "parameters", "bytes");
        foreach (var (dtype, (count, b)) in byDtype)
            table.AddRow(dtype.SafetensorsName(), Format.Count(count), Format.Bytes(b));
        table.AddRow("[bold]total[/]", $"[bold]{Format.Count(total)}[/]", $"[bold]{Format.Bytes(bytes)}[/]");
        console.Write(table);

        if (config is DeepSeekV3Config { NRoutedExperts: > 0 } ds)
        {
            // Each token runs num_experts_per_tok of the routed experts; everything else runs for every token.
            long active = total - routedExperts + routedExperts * ds.NumExpertsPerTok / ds.NRoutedExperts.Value;
            console.MarkupLineInterpolated($"active parameters per token: {Format.Count(active)} of {Format.Count(total)} ({ds.NumExpertsPerTok} of {ds.NRoutedExperts} routed experts)");
        }

        long kvPerToken = ModelSummary.KvCacheBytesPerToken(config);
        console.MarkupLineInterpolated($"memory: weights {Format.Bytes(bytes)} (memory-mapped, used in place)");
        if (kvPerToken > 0 && config is DecoderConfig d)
            console.MarkupLineInterpolated($"        KV cache {Format.Bytes(kvPerToken)} per token (F32), {Format.Bytes(kvPerToken * d.MaxPositionEmbeddings)} for the full {d.MaxPositionEmbeddings}-token context");
    }

    private static void WriteTensors(IAnsiConsole console, Checkpoint checkpoint, int maxTensors)
    {
        if (maxTensors == 0) return;
        var table = new Table().AddColumns("tensor", "dtype", "shape", "bytes");
        int shown = 0;
        foreach (string name in checkpoint.Names)
        {
            if (maxTensors > 0 && shown == maxTensors) break;
            var info = checkpoint.GetTensorInfo(name);
            table.AddRow(Markup.Escape(name), info.DType.SafetensorsName(), Markup.Escape(info.Shape.ToString()), Format.Bytes(info.ByteLength));
            shown++;
        }
        console.Write(table);
        if (shown < checkpoint.Names.Count)
            console.MarkupLineInterpolated($"... {checkpoint.Names.Count - shown} more tensors (--max-tensors -1 shows all)");
    }
}
