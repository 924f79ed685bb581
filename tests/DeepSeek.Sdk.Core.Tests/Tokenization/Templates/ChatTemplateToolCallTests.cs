using System.Text.Json;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Core.Tests.Tokenization.Templates;

/// <summary>
/// Tool calls, tool results and a tools list through the published templates. The oracle fixture
/// has no tool conversations, so the expected texts here were rendered by jinja2 3.1.6 configured as
/// transformers' chat_template_utils.py configures it (ImmutableSandboxedEnvironment, trim_blocks,
/// lstrip_blocks, loopcontrols, tojson = json.dumps(ensure_ascii=False)).
/// </summary>
public sealed class ChatTemplateToolCallTests
{
    private const string Tools = """
        [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
        """;

    [Fact]
    public void DeepSeek_v3_renders_tool_calls_and_tool_outputs()
    {
        const string messages = """
            [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]}, {"role": "tool", "content": "18\u00b0C"}, {"role": "assistant", "content": "It is 18\u00b0C."}, {"role": "user", "content": "Thanks"}]
            """;
        string rendered = Render("deepseek_v3", messages, toolsJson: null);
        ChatTemplateOracleTests.AssertSameText("<｜begin▁of▁sentence｜>Be brief.<｜User｜>Weather in Paris?<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18°C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>It is 18°C.<｜end▁of▁sentence｜><｜User｜>Thanks<｜Assistant｜>", rendered);
    }

    [Fact]
    public void Qwen3_renders_tools_list_tool_calls_with_json_arguments_and_reasoning()
    {
        const string messages = """
            [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}, {"role": "tool", "content": "18\u00b0C"}, {"role": "assistant", "content": "<think>\nlook\n</think>\n\nIt is 18\u00b0C."}]
            """;
        string rendered = Render("qwen3", messages, Tools);
        ChatTemplateOracleTests.AssertSameText("<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n18°C\n</tool_response><|im_end|>\n<|im_start|>assistant\n<think>\nlook\n</think>\n\nIt is 18°C.<|im_end|>\n<|im_start|>assistant\n", rendered);
    }

    private static string Render(string tokenizer, string messagesJson, string? toolsJson)
    {
        string configPath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", $"{tokenizer}.tokenizer_config.json");
        using var config = JsonDocument.Parse(File.ReadAllText(configPath));
        var template = ChatTemplate.Parse(config.RootElement.GetProperty("chat_template").GetString()!, tokenizer);
        using var messages = JsonDocument.Parse(messagesJson);
        var list = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var message in messages.RootElement.EnumerateArray())
        {
            list.Add((IReadOnlyDictionary<string, object?>)TemplateValue.FromJson(message)!);
        }
        IReadOnlyList<object?>? tools = null;
        if (toolsJson is not null)
        {
            using var toolsDoc = JsonDocument.Parse(toolsJson);
            tools = (IReadOnlyList<object?>)TemplateValue.FromJson(toolsDoc.RootElement)!;
        }
        var extra = new Dictionary<string, object?>
        {
            ["bos_token"] = tokenizer == "qwen3" ? null : "<｜begin▁of▁sentence｜>",
            ["eos_token"] = tokenizer == "qwen3" ? "<|im_end|>" : "<｜end▁of▁sentence｜>",
        };
        return template.RenderChat(list, addGenerationPrompt: true, tools, extra, TestContext.Current.CancellationToken);
    }
}
