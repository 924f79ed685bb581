using System.Text;
using DeepSeek.Sdk.Tokenization.Templates;

namespace DeepSeek.Sdk.Fuzzing;

/// <summary>An input is a chat template's source (UTF-8; invalid bytes read as U+FFFD, as a JSON string cannot hold them
/// either). It is parsed and rendered with <see cref="FixedConversation"/>, once with and once without the generation
/// prompt, as <c>apply_chat_template</c> renders prompts and training text.</summary>
public static class JinjaTarget
{
    public static FuzzTarget Create() => new("jinja", "a Jinja chat template, rendered with a fixed conversation", Run);

    private static void Run(byte[] input)
    {
        string source = Encoding.UTF8.GetString(input);
        var template = ChatTemplate.Parse(source).WithClock(static () => FixedConversation.Clock);
        template.RenderChat(FixedConversation.Messages, addGenerationPrompt: true, FixedConversation.Tools, FixedConversation.Extra);
        template.RenderChat(FixedConversation.Messages, addGenerationPrompt: false, tools: null, FixedConversation.Extra);
    }
}
