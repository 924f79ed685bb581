using DeepSeek.Sdk.Backends;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Builds a model on <paramref name="backend"/>, reporting progress; <paramref name="cancellationToken"/>
/// is cancelled when the host is disposed during the load.</summary>
public delegate TModel ModelLoader<out TModel>(IBackend backend, IProgress<ModelLoadProgress>? progress, CancellationToken cancellationToken);
