using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>The dtypes the layers compute with, and the check that holds a whole checkpoint to them when a model is
/// loaded. A header's dtype is only a label over bytes: BF16 weights relabelled F16 are read as other numbers (1.0,
/// 0x3F80, reads as 1.875; 0.1 as about 1.4) and relabelled I16 they reach a kernel that has no I16 path. Neither
/// is detectable from the bytes, so the labels are checked against what each layer accepts and against each other.</summary>
public static class CheckpointDTypes
{
    /// <summary>What every layer reads: linear and convolution weights and embeddings in place (the product and
    /// gather kernels load all three), norms, biases and the router's correction bias converted once to F32.</summary>
    public static IReadOnlyList<DType> Floating { get; } = [DType.F32, DType.BF16, DType.F16];

    /// <summary>A linear layer's weight: <see cref="Floating"/>, or F8_E4M3 with its block scales.</summary>
    public static IReadOnlyList<DType> LinearWeight { get; } = [DType.F32, DType.BF16, DType.F16, DType.F8E4M3];

    /// <summary>A <c>weight_scale_inv</c>: F32, as DeepSeek-V3's FP8 release stores it.</summary>
    public static IReadOnlyList<DType> BlockScale { get; } = [DType.F32];

    /// <summary>Checks every tensor of <paramref name="checkpoint"/>: F8_E4M3 only with a quantization config and a
    /// sibling <c>weight_scale_inv</c>, which must be F32; everything else <see cref="Floating"/>; F16 and BF16 never
    /// side by side (no published checkpoint mixes them, while F32 norms, biases, correction biases and scales beside
    /// BF16 or FP8 weights are DeepSeek-V3's release layout); and 16-bit weights of the 16-bit type config.json's
    /// torch_dtype (or dtype) names, where it names one (an F32 checkpoint under "bfloat16" is a legitimate upcast).
    /// Throws <see cref="CheckpointDTypeException"/> naming the file, the tensor, its dtype and the accepted ones.</summary>
    public static void Validate(Checkpoint checkpoint, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Validate(checkpoint, config.Quantization, config.DeclaredDType, config.SourcePath);
    }

    /// <summary><see cref="Validate(Checkpoint, ModelConfig)"/> with the config's parts given one by one;
    /// <paramref name="config"/> is the config file's name in messages.</summary>
    public static void Validate(Checkpoint checkpoint, QuantizationConfig? quantization, DType? declaredDType, string config)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        TensorInfo? firstF16 = null, firstBF16 = null;
        int f16 = 0, bf16 = 0;
        foreach (string name in checkpoint.Names)
        {
            var info = checkpoint.GetTensorInfo(name);
            if (name.EndsWith(Checkpoint.ScaleSuffix, StringComparison.Ordinal))
            {
                Require(info, BlockScale, "a block scale (weight_scale_inv)");
                continue;
            }
            if (info.DType == DType.F8E4M3)
            {
                if (quantization is null)
                    throw new CheckpointDTypeException($"dtype F8_E4M3 needs block scales, but {config} has no quantization_config (accepted: {Names(Floating)})",
                        info.FilePath, name, info.DType, Floating);
                if (!checkpoint.Contains(name + Checkpoint.ScaleSuffix))
                    throw new CheckpointDTypeException($"dtype F8_E4M3 without its '{name}{Checkpoint.ScaleSuffix}' (accepted: {Names(Floating)}, or F8_E4M3 with its block scales)",
                        info.FilePath, name, info.DType, Floating);
                continue;
            }
            Require(info, Floating, "a layer");
            if (info.DType == DType.F16 && f16++ == 0) firstF16 = info;
            if (info.DType == DType.BF16 && bf16++ == 0) firstBF16 = info;
        }

        if (f16 > 0 && bf16 > 0)
        {
            // The fewer are the odd ones out: name the first of them, and one of the others.
            var (odd, other, oddCount, otherCount) = f16 <= bf16 ? (firstF16!, firstBF16!, f16, bf16) : (firstBF16!, firstF16!, bf16, f16);
            throw new CheckpointDTypeException(
                $"dtype {odd.DType.SafetensorsName()} beside {otherCount} {other.DType.SafetensorsName()} tensors (e.g. '{other.Name}'): the checkpoint's floating weights mix F16 and BF16 " +
                $"({oddCount} and {otherCount}), which no published checkpoint does; a relabelled header would be read as other numbers (accepted here: {other.DType.SafetensorsName()}, F32)",
                odd.FilePath, odd.Name, odd.DType, [other.DType, DType.F32]);
        }
        var stored = f16 > 0 ? firstF16 : firstBF16;
        if (declaredDType is { } want && stored is not null && stored.DType != want)
        {
            throw new CheckpointDTypeException(
                $"dtype {stored.DType.SafetensorsName()}, like all {Math.Max(f16, bf16)} 16-bit tensors of the checkpoint, but {config} says torch_dtype {TorchName(want)}: " +
                $"the header disagrees with the config, and its bytes would be read as other numbers (accepted here: {want.SafetensorsName()}, F32)",
                stored.FilePath, stored.Name, stored.DType, [want, DType.F32]);
        }
    }

    /// <summary>Throws <see cref="CheckpointDTypeException"/> unless <paramref name="info"/>'s dtype is one of
    /// <paramref name="accepted"/>; <paramref name="role"/> says what reads it ("a linear layer").</summary>
    public static void Require(TensorInfo info, IReadOnlyList<DType> accepted, string role)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(accepted);
        foreach (var dtype in accepted)
            if (dtype == info.DType) return;
        throw new CheckpointDTypeException($"dtype {info.DType.SafetensorsName()} is not one {role} accepts ({Names(accepted)})", info.FilePath, info.Name, info.DType, accepted);
    }

    private static string Names(IReadOnlyList<DType> dtypes)
    {
        var names = new string[dtypes.Count];
        for (int i = 0; i < names.Length; i++) names[i] = dtypes[i].SafetensorsName();
        return string.Join(", ", names);
    }

    private static string TorchName(DType dtype) => dtype == DType.BF16 ? "bfloat16" : "float16";
}
