using System.Text;

namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>The split between training and evaluation questions (tools/train/tasks.py, <c>is_held_out</c>): a question
/// is held out, never trained on and the only kind evaluated, when the CRC-32 of its UTF-8 bytes is divisible by
/// <see cref="Modulus"/>. Deciding by the question text alone keeps the split the same whatever generated it.</summary>
public static class HeldOutSplit
{
    /// <summary>tasks.HELD_OUT_MOD: one question in 16 is held out.</summary>
    public const int Modulus = 16;

    private static readonly uint[] Table = BuildTable();

    public static bool IsHeldOut(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return Crc32(Encoding.UTF8.GetBytes(question)) % Modulus == 0;
    }

    /// <summary>CRC-32 as Python's <c>zlib.crc32</c> computes it (IEEE 802.3: reflected polynomial 0xEDB88320,
    /// initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
