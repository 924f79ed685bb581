namespace DeepSeek.Sdk.Configs;

/// <summary>One bound of <see cref="ConfigLimits"/> with the name of the option that sets it, so that a breach can say
/// which option to raise.</summary>
internal readonly record struct ConfigLimit(string Option, int Max)
{
    /// <summary>"(ConfigLimits.MaxLayers = 1024)".</summary>
    public override string ToString() => $"(ConfigLimits.{Option} = {Max})";
}
