using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Sdk.Hosting;

/// <summary>Returned by <c>AddDeepSeek</c>: each DeepSeek.Sdk package adds its pipelines to it
/// (<c>AddTextGeneration()</c> in DeepSeek.Sdk.Text, <c>AddReasoning()</c>, <c>AddVision()</c>, ...), all sharing the
/// runtime AddDeepSeek registered (options, device, backend).</summary>
public interface IDeepSeekBuilder
{
    IServiceCollection Services { get; }
}
