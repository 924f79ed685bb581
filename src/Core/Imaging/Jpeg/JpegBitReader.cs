namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Reads the entropy-coded bits of one scan, most significant bit first, removing the 0x00 stuffed after
/// every 0xFF data byte (T.81 F.1.2.3). It stops at the first marker and then supplies zero bits, as libjpeg does,
/// but remembers doing so: a decoder that actually uses those bits has run past the data, which
/// <see cref="Overrun"/> reports so the caller can refuse a truncated or corrupt scan instead of inventing pixels.</summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _buffer;
    private int _count;
    private int _padding;
    private int _markerAt;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
        _markerAt = -1;
    }

    /// <summary>Bits taken that were not in the data (zeros supplied past a marker or the end of input).</summary>
    public readonly bool Overrun => _count < _padding;

    /// <summary>Byte offset of the next unread byte, for error messages.</summary>
    public readonly long Position => _position;

    /// <summary>Where the data after the consumed bits continues: the marker that stopped the reader, or the next
    /// unread byte.</summary>
    public readonly int End => _markerAt >= 0 ? _markerAt : _position;

    public int Peek16()
    {
        if (_count < 16)
            Fill();
        return (int)(_buffer >> 48);
    }

    public void Skip(int n)
    {
        _buffer <<= n;
        _count -= n;
    }

    /// <summary>The next <paramref name="n"/> bits (0..16) as an unsigned value.</summary>
    public int Bits(int n)
    {
        if (n == 0)
            return 0;
        if (_count < n)
            Fill();
        int v = (int)(_buffer >> (64 - n));
        _buffer <<= n;
        _count -= n;
        return v;
    }

    public int Bit() => Bits(1);

    /// <summary>T.81 F.2.2.1 RECEIVE and EXTEND: <paramref name="size"/> bits as a signed magnitude.</summary>
    public int ReceiveExtend(int size)
    {
        if (size == 0)
            return 0;
        int v = Bits(size);
        return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
    }

    /// <summary>Handles a restart marker (T.81 F.1.2.3, E.2.4): drops the bits left in the current byte, requires
    /// RSTn with n = <paramref name="expected"/> (after optional 0xFF fill bytes) and continues after it.</summary>
    public void Restart(int expected)
    {
        _buffer = 0;
        _count = 0;
        _padding = 0;
        int at = _markerAt >= 0 ? _markerAt : _position;
        _markerAt = -1;
        if (at >= _data.Length || _data[at] != 0xFF)
            throw new ImageFormatException(ImageFileFormat.Jpeg, at >= _data.Length
                ? $"file ends where restart marker RST{expected} was due (truncated)"
                : $"expected restart marker RST{expected}, found data byte 0x{_data[at]:X2}", at);
        while (at < _data.Length && _data[at] == 0xFF)
            at++;
        if (at >= _data.Length)
            throw new ImageFormatException(ImageFileFormat.Jpeg, $"file ends where restart marker RST{expected} was due (truncated)", at);
        if (_data[at] != 0xD0 + expected)
            throw new ImageFormatException(ImageFileFormat.Jpeg, $"expected restart marker RST{expected} (FFD{expected}), found marker FF{_data[at]:X2}", at - 1);
        _position = at + 1;
    }

    private void Fill()
    {
        while (_count <= 56)
        {
            int b = 0;
            if (_markerAt < 0 && _position < _data.Length)
            {
                b = _data[_position];
                if (b != 0xFF)
                {
                    _position++;
                }
                else
                {
                    int next = _position + 1;
                    while (next < _data.Length && _data[next] == 0xFF)
                        next++; // fill bytes before a marker
                    if (next < _data.Length && _data[next] == 0x00)
                    {
                        _position = next + 1; // stuffed zero: the data byte is 0xFF
                    }
                    else
                    {
                        _markerAt = _position; // a marker (or the end of input) ends the entropy-coded data
                        b = 0;
                        _padding += 8;
                    }
                }
            }
            else
            {
                _padding += 8;
            }
            _buffer |= (ulong)(byte)b << (56 - _count);
            _count += 8;
        }
    }
}
