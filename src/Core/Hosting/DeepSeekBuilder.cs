using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Sdk.Hosting;

internal sealed class DeepSeekBuilder(IServiceCollection services) : IDeepSeekBuilder
{
    public IServiceCollection Services { get; } = services;
}
