using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>
/// Python's <c>random.Random</c>, draw for draw: the MT19937 generator of CPython's <c>_randommodule.c</c> (Matsumoto
/// and Nishimura's reference code) with CPython's seeding and the methods of <c>Lib/random.py</c> that
/// tools/train/tasks.py uses. The same seed gives the same problems as the Python generator the models were trained
/// with, so an evaluation here and one there can run on the very same questions.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DF;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7FFFFFFF;

    private readonly uint[] _state = new uint[N];
    private int _index;

    /// <summary><c>random.Random(seed)</c> for an int: CPython seeds with the 32-bit words of |seed|, least significant first.</summary>
    public PythonRandom(long seed) => InitByArray(Words(BigInteger.Abs(seed)));

    /// <summary><c>random.Random(seed)</c> for a str (seed version 2): the UTF-8 bytes followed by their SHA-512,
    /// read as one big-endian integer (<c>int.from_bytes(a + sha512(a).digest())</c>), seed as an int.</summary>
    public PythonRandom(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        byte[] text = Encoding.UTF8.GetBytes(seed);
        byte[] bytes = [.. text, .. SHA512.HashData(text)];
        InitByArray(Words(new BigInteger(bytes, isUnsigned: true, isBigEndian: true)));
    }

    /// <summary>The next 32 random bits (<c>genrand_uint32</c>).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        uint y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>getrandbits(k)</c> for 1 ≤ k ≤ 32: the top k bits of one draw.</summary>
    public uint GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 32);
        return NextUInt32() >> (32 - k);
    }

    /// <summary><c>random()</c>: a double in [0, 1) from 53 bits of two draws (<c>genrand_res53</c>).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>_randbelow(n)</c>: rejection sampling on <c>n.bit_length()</c> bits, so draws are uniform and the
    /// number of draws consumed depends on the values, exactly as in Python.</summary>
    public int RandBelow(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        int k = 32 - BitOperations.LeadingZeroCount((uint)n);
        uint r = GetRandBits(k);
        while (r >= (uint)n) r = GetRandBits(k);
        return (int)r;
    }

    /// <summary><c>randint(a, b)</c>: an integer in [a, b], both ends included.</summary>
    public int RandInt(int a, int b)
    {
        if (b < a) throw new ArgumentOutOfRangeException(nameof(b), b, $"randint needs a ≤ b (a = {a}).");
        return a + RandBelow(b - a + 1);
    }

    /// <summary><c>choice(seq)</c>.</summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Cannot choose from an empty sequence.", nameof(items));
        return items[RandBelow(items.Count)];
    }

    /// <summary><c>choice(s)</c> on a str: one of its characters (all of them in the BMP here).</summary>
    public char Choice(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return text[RandBelow(text.Length)];
    }

    /// <summary><c>sample(range(n), k)</c>: k distinct integers of [0, n) in selection order, by the same two
    /// strategies as Python (a shrinking pool when n is small against k, rejection of repeats otherwise).</summary>
    public int[] SampleRange(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var result = new int[k];
        // random.py: setsize = 21, plus 4 ** ceil(log(3k, 4)) for k > 5; the pool costs less when n <= setsize.
        int setSize = 21;
        if (k > 5) setSize += (int)Math.Pow(4, Math.Ceiling(Math.Log(k * 3) / Math.Log(4)));
        if (n <= setSize)
        {
            var pool = new int[n];
            for (int i = 0; i < n; i++) pool[i] = i;
            for (int i = 0; i < k; i++)
            {
                int j = RandBelow(n - i);
                result[i] = pool[j];
                pool[j] = pool[n - i - 1];
            }
        }
        else
        {
            var selected = new HashSet<int>();
            for (int i = 0; i < k; i++)
            {
                int j = RandBelow(n);
                while (selected.Contains(j)) j = RandBelow(n);
                selected.Add(j);
                result[i] = j;
            }
        }
        return result;
    }

    /// <summary>The key CPython's <c>random_seed</c> builds from a non-negative integer: its 32-bit words, least
    /// significant first, at least one.</summary>
    private static uint[] Words(BigInteger value)
    {
        if (value.IsZero) return [0];
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        var words = new uint[(bytes.Length + 3) / 4];
        for (int i = 0; i < bytes.Length; i++) words[i / 4] |= (uint)bytes[i] << (8 * (i % 4));
        return words;
    }

    private void InitGenrand(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < N; i++)
            _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            _state[i] = (_state[i] ^ ((_state[i - 1] ^ (_state[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N) { _state[0] = _state[N - 1]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _state[i] = (_state[i] ^ ((_state[i - 1] ^ (_state[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N) { _state[0] = _state[N - 1]; i = 1; }
        }
        _state[0] = 0x80000000u; // MSB is 1, assuring a non-zero initial array
    }

    private void Twist()
    {
        int kk;
        uint y;
        for (kk = 0; kk < N - M; kk++)
        {
            y = (_state[kk] & UpperMask) | (_state[kk + 1] & LowerMask);
            _state[kk] = _state[kk + M] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }
        for (; kk < N - 1; kk++)
        {
            y = (_state[kk] & UpperMask) | (_state[kk + 1] & LowerMask);
            _state[kk] = _state[kk + (M - N)] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }
        y = (_state[N - 1] & UpperMask) | (_state[0] & LowerMask);
        _state[N - 1] = _state[M - 1] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        _index = 0;
    }
}
