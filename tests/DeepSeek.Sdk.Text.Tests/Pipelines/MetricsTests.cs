using System.Diagnostics.Metrics;
using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Sdk.Text.Tests.Pipelines;

public sealed class MetricsTests
{
    [Fact]
    public async Task A_generation_records_its_tokens_time_to_first_token_and_decode_rate_on_the_DeepSeek_meter()
    {
        using var f = new FixtureModel();
        var tokens = new Dictionary<string, long>();
        var histograms = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DeepSeekMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        // Only this test's host (uniquely named): other tests in the process record on the same static meter.
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (!Has(tags, "deepseek.model", f.Host.Name)) return;
            foreach (var tag in tags)
                if (tag.Key == "deepseek.token.type") lock (tokens) tokens[(string)tag.Value!] = tokens.GetValueOrDefault((string)tag.Value!) + value;
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (Has(tags, "deepseek.model", f.Host.Name)) lock (histograms) histograms.Add(instrument.Name);
        });
        listener.Start();

        var result = await f.Pipeline.GenerateAsync("Hello", f.Greedy, TestContext.Current.CancellationToken);

        Assert.Equal(result.PromptTokens, tokens["prompt"]);
        Assert.Equal(result.CompletionTokens, tokens["completion"]);
        Assert.Contains("deepseek.generation.time_to_first_token", histograms);
        Assert.Contains("deepseek.generation.decode_rate", histograms);
        Assert.Contains("deepseek.model.queue_time", histograms);
    }

    private static bool Has(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key, string value)
    {
        foreach (var tag in tags)
            if (tag.Key == key && (string?)tag.Value == value) return true;
        return false;
    }
}
