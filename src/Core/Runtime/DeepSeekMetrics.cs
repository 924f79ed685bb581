using System.Diagnostics.Metrics;

namespace DeepSeek.Sdk.Runtime;

/// <summary>The SDK's instruments on the <c>DeepSeek.Sdk</c> meter (System.Diagnostics.Metrics), for OpenTelemetry or
/// <c>dotnet-counters</c>: tokens processed, time to first token, decode speed, queueing and model loads. Tagged with
/// the model's name where one is known.</summary>
public static class DeepSeekMetrics
{
    public const string MeterName = "DeepSeek.Sdk";

    private static readonly Meter s_meter = new(MeterName, "0.1.0");

    /// <summary>Prompt tokens processed (tag <c>deepseek.token.type</c> = prompt) and tokens generated (= completion).</summary>
    public static Counter<long> Tokens { get; } = s_meter.CreateCounter<long>("deepseek.generation.tokens", "{token}", "Tokens processed by generation requests.");

    public static Histogram<double> TimeToFirstToken { get; } = s_meter.CreateHistogram<double>("deepseek.generation.time_to_first_token", "s", "From the request to its first generated token.");

    public static Histogram<double> DecodeRate { get; } = s_meter.CreateHistogram<double>("deepseek.generation.decode_rate", "{token}/s", "Generated tokens per second after the first, per request.");

    public static Histogram<double> QueueTime { get; } = s_meter.CreateHistogram<double>("deepseek.model.queue_time", "s", "Time a request waited for a model held by other requests.");

    public static Histogram<double> LoadTime { get; } = s_meter.CreateHistogram<double>("deepseek.model.load_time", "s", "Time to load a model's weights.");
}
