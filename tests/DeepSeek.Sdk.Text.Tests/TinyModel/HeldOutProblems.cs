using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Text.Tests.TinyModel;

/// <summary>Questions from the evaluation side of tools/train/tasks.py's split: a question is held out (never trained
/// on) when the CRC-32 of its UTF-8 bytes is divisible by 16 (tasks.HELD_OUT_MOD), so this draws until it finds one.</summary>
internal static class HeldOutProblems
{
    private const int HeldOutModulus = 16;

    public static (string Question, string Answer) Addition(Random random)
    {
        while (true)
        {
            int a = random.Next(100, 1000), b = random.Next(100, 1000);
            string question = string.Create(CultureInfo.InvariantCulture, $"What is {a} + {b}?");
            if (IsHeldOut(question)) return (question, (a + b).ToString(CultureInfo.InvariantCulture));
        }
    }

    public static (string Question, string Answer) Multiplication(Random random)
    {
        while (true)
        {
            int a = random.Next(10, 100), b = random.Next(10, 100);
            string question = string.Create(CultureInfo.InvariantCulture, $"What is {a} × {b}?");
            if (IsHeldOut(question)) return (question, (a * b).ToString(CultureInfo.InvariantCulture));
        }
    }

    public static bool IsHeldOut(string question) => Crc32(Encoding.UTF8.GetBytes(question)) % HeldOutModulus == 0;

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as Python's zlib.crc32.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
