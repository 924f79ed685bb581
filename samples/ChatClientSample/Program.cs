// The smallest DeepSeek.Sdk application: dependency injection, Microsoft.Extensions.AI's IChatClient, and the shipped
// deepseek-r1-tiny (DeepSeek.Sdk.Models puts it next to this app), on the best available device. Set
// DeepSeekOptions.ModelPath to a published checkpoint folder (e.g. DeepSeek-R1-Distill-Qwen-1.5B) to run that instead.
//
//   dotnet run --project samples/ChatClientSample -c Release -- "What is 245 + 378?"
using DeepSeek.Sdk.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

string question = args.Length > 0 ? string.Join(' ', args) : "What is 245 + 378?";

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddDeepSeek(options => options with { Device = DeviceSelection.Auto })
    .AddReasoning(); // the IChatClient returns R1's trace as TextReasoningContent, apart from the answer
await using var provider = services.BuildServiceProvider();

IChatClient client = provider.GetRequiredService<IChatClient>();
var options = new ChatOptions { Temperature = 0 }; // the tiny model is trained for greedy decoding
bool thinking = false;
await foreach (var update in client.GetStreamingResponseAsync(question, options))
{
    foreach (var content in update.Contents)
    {
        switch (content)
        {
            case TextReasoningContent reasoning:
                thinking = true;
                Console.ForegroundColor = ConsoleColor.DarkGray;
                Console.Write(reasoning.Text);
                Console.ResetColor();
                break;
            case TextContent text:
                if (thinking) Console.WriteLine("\n");
                thinking = false;
                Console.Write(text.Text);
                break;
            case UsageContent usage:
                Console.WriteLine();
                Console.WriteLine($"[{usage.Details.ReasoningTokenCount} reasoning + {usage.Details.OutputTokenCount - usage.Details.ReasoningTokenCount} answer tokens]");
                break;
        }
    }
}
