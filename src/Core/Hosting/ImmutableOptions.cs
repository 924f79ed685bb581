using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DeepSeek.Sdk.Hosting;

/// <summary>Options as immutable records behind <see cref="IOptions{TOptions}"/>. The usual
/// <c>Configure(Action&lt;T&gt;)</c> mutates an instance, which a record with init-only properties forbids; here each
/// registration is a function from options to options (<c>o => o with { ... }</c>), applied in registration order to
/// <c>new T()</c> the first time the options are resolved.</summary>
public static class ImmutableOptions
{
    /// <summary>Adds <paramref name="configure"/> to the options of type <typeparamref name="T"/> and registers
    /// <see cref="IOptions{TOptions}"/> for it (once).</summary>
    public static IServiceCollection Configure<T>(IServiceCollection services, Func<T, T> configure)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new Transform<T>(configure));
        services.TryAddSingleton<IOptions<T>>(provider => Options.Create(Apply<T>(provider)));
        return services;
    }

    /// <summary>Every registered configuration of <typeparamref name="T"/>, applied in registration order to <c>new T()</c>.</summary>
    internal static T Apply<T>(IServiceProvider provider)
        where T : class, new()
    {
        var value = new T();
        foreach (var transform in provider.GetServices<Transform<T>>())
            value = transform.Apply(value) ?? throw new InvalidOperationException($"A configuration of {typeof(T).Name} returned null.");
        return value;
    }

    /// <summary>One registered step of an options record's configuration.</summary>
    internal sealed class Transform<T>(Func<T, T> apply)
    {
        public T Apply(T value) => apply(value);
    }
}
