using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>A safetensors file mapped read-only into memory. Tensors are views of the mapping (no copy);
/// they stay valid until this object is disposed, after which touching them throws
/// <see cref="ObjectDisposedException"/>. The pages are read-only: write to a copy, never to these views.
/// Tensor data may be unaligned in the file (8 + header length need not be a multiple of 8); host
/// kernels use unaligned loads, and device uploads copy anyway.</summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly SafetensorsHeader _header;
    private readonly IReadOnlyDictionary<string, TensorInfo> _byName;
    private readonly Dictionary<string, HostStorage> _storages = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* basePointer, long length, SafetensorsLimits limits)
    {
        FilePath = path;
        Length = length;
        _mapping = mapping;
        _view = view;
        _base = basePointer;

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePointer, 8));
        if (headerLength > (ulong)(length - 8))
            throw new SafetensorsFormatException($"header length {headerLength} is beyond the end of the {length}-byte file", path);
        if (headerLength > (ulong)Math.Max(0, Math.Min(limits.MaxHeaderBytes, int.MaxValue)))
            throw new SafetensorsFormatException(
                $"header length {headerLength} exceeds the {limits.MaxHeaderBytes}-byte limit (SafetensorsLimits.MaxHeaderBytes = {limits.MaxHeaderBytes})", path);
        HeaderLength = (long)headerLength;
        _dataStart = 8 + HeaderLength;
        _header = SafetensorsHeader.Parse(new ReadOnlySpan<byte>(basePointer + 8, (int)HeaderLength), length - _dataStart, path, limits);
        _byName = _header.ByName;
    }

    public string FilePath { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long Length { get; }

    /// <summary>Length of the JSON header (the u64 at the start of the file).</summary>
    public long HeaderLength { get; }

    /// <summary>Entries in file order (ascending data offset).</summary>
    public IReadOnlyList<TensorInfo> Tensors => _header.Tensors;

    /// <summary>The header's <c>__metadata__</c> map (empty when absent), e.g. <c>{"format": "pt"}</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _header.Metadata;

    /// <summary>Maps <paramref name="path"/> and validates its header within <paramref name="limits"/>
    /// (<see cref="SafetensorsLimits.Default"/> when null).</summary>
    public static SafetensorsFile Open(string path, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new CheckpointException("file not found", path);
        long length = new FileInfo(path).Length;
        if (length < 8)
            throw new SafetensorsFormatException($"file is {length} bytes, shorter than the 8-byte header length", path);

        var mapping = MemoryMappedFile.CreateFromFile(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read),
            mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            // The view starts at the allocation-granularity boundary at or before offset 0, i.e. offset 0.
            pointer += view.PointerOffset;
            return new SafetensorsFile(path, mapping, view, pointer, length, limits);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            mapping.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetInfo(string name, out TensorInfo info) => _byName.TryGetValue(name, out info!);

    public TensorInfo GetInfo(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new TensorNotFoundException("no such tensor in this file", FilePath, name);

    /// <summary>A contiguous view of the tensor's bytes in the mapping.</summary>
    public Tensor GetTensor(string name)
    {
        var info = GetInfo(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_storages.TryGetValue(name, out var storage))
            {
                storage = HostStorage.Borrow(_base + _dataStart + info.DataBegin, info.ByteLength, this);
                _storages.Add(name, storage);
            }
            return new Tensor(storage, info.DType, info.Shape);
        }
    }

    /// <summary>The raw bytes of a tensor, for hashing or copying.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var info = GetInfo(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.ByteLength > int.MaxValue)
            throw new InvalidOperationException($"{FilePath}: tensor '{name}' has {info.ByteLength} bytes, too many for one span.");
        return new ReadOnlySpan<byte>(_base + _dataStart + info.DataBegin, (int)info.ByteLength);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            // Borrowed storages forget their pointer, so stale views fail loudly instead of reading unmapped memory.
            foreach (var storage in _storages.Values) storage.Dispose();
            _storages.Clear();
        }
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
    }

    public override string ToString() => $"SafetensorsFile({FilePath}, {_header.Tensors.Count} tensors)";
}
