using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>Checks a checkpoint against the tensors its config's architecture defines, before any layer is
/// built: a wrong hidden_size or a truncated download then fails with the tensor's name and both shapes
/// instead of somewhere inside a matrix multiply.</summary>
public static class CheckpointValidator
{
    /// <summary>Throws <see cref="CheckpointMismatchException"/> for the first expected tensor (in module
    /// order) that is missing or has another shape or dtype, else for the first (ordinal) tensor the
    /// architecture does not define; then <see cref="CheckpointDTypeException"/> for a tensor whose dtype no layer
    /// accepts or that contradicts the others (<see cref="CheckpointDTypes.Validate"/>).</summary>
    public static void Validate(ModelConfig config, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var expected = config.ExpectedTensors();
        var known = new HashSet<string>(expected.Count, StringComparer.Ordinal);
        foreach (var tensor in expected)
        {
            known.Add(tensor.Name);
            if (!checkpoint.Contains(tensor.Name))
            {
                if (tensor.IsOptional) continue;
                throw new CheckpointMismatchException(
                    $"missing: {config.SourcePath} ({config.ModelType}) expects shape {tensor.Shape}", checkpoint.Directory, tensor.Name, tensor.Shape);
            }
            var info = checkpoint.GetTensorInfo(tensor.Name);
            if (info.Shape != tensor.Shape)
                throw new CheckpointMismatchException(
                    $"shape {info.Shape} but {config.SourcePath} ({config.ModelType}) expects {tensor.Shape}", info.FilePath, tensor.Name, tensor.Shape, info.Shape);
            if (tensor.DType is { } dtype && info.DType != dtype)
                throw new CheckpointMismatchException(
                    $"dtype {info.DType.SafetensorsName()} but {config.SourcePath} ({config.ModelType}, quantization_config) expects {dtype.SafetensorsName()}",
                    info.FilePath, tensor.Name, tensor.Shape, info.Shape);
        }
        foreach (string name in checkpoint.Names)
        {
            if (!known.Contains(name) && !config.IsAllowedExtra(name))
            {
                var info = checkpoint.GetTensorInfo(name);
                throw new CheckpointMismatchException(
                    $"unexpected: {config.SourcePath} ({config.ModelType}) defines no such tensor (shape {info.Shape})", info.FilePath, name, null, info.Shape);
            }
        }
        CheckpointDTypes.Validate(checkpoint, config);
    }
}
