using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>An input is a config.json of any supported <c>model_type</c> (DeepSeek-V2/V3, Qwen2, Llama, Janus). It is
/// parsed, and its architecture's expected tensor list (every name and shape a checkpoint must hold) is built, which is
/// what loading a model folder does before it touches the weights. The same bytes are also read as a
/// generation_config.json, the other JSON file of src/Core/Configs.</summary>
public static class ConfigTarget
{
    public static FuzzTarget Create() => new("config", "a config.json (deepseek_v3, deepseek_v2, qwen2, llama, janus)", Run);

    private static void Run(byte[] input)
    {
        try
        {
            var config = ModelConfig.Parse(input, "config.json");
            long elements = 0;
            foreach (var tensor in config.ExpectedTensors())
            {
                elements += tensor.Shape.Rank;
                config.IsAllowedExtra(tensor.Name);
            }
            GC.KeepAlive(elements);
        }
        finally
        {
            ReadAsGenerationConfig(input);
        }
    }

    private static void ReadAsGenerationConfig(byte[] input)
    {
        try
        {
            GenerationConfig.Parse(input, "generation_config.json");
        }
        catch (DeepSeekException)
        {
            // Expected for most config.json inputs; the model config's own outcome is what the run reports.
        }
    }
}
