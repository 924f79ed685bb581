using DeepSeek.Sdk.Backends.Cuda.Interop;
using Microsoft.Extensions.Logging;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Replays repeated work as CUDA graphs, without the models knowing. The work queued between two host
/// waits (CopyToHost, Synchronize) is a segment; a decode step is one, and so is each stretch between a MoE
/// layer's routing reads. Every launch, GEMM, memset and device copy is recorded as a <see cref="StreamOp"/>.
/// When a segment repeats the one before it exactly (same kernels, grids and arguments; inputs uploaded for it
/// compared by position, not address), it is captured as a graph. The next segment is then recorded without being
/// launched, op by op against the graph: if it matches to the end, one cuGraphLaunch runs it all (small uploads
/// are also copied into the graph's own input blocks as they arrive); at the first op that differs, the ops held
/// back so far are launched as usual, in order, and the rest of the segment runs eagerly. The result is the same
/// either way; what changes is hundreds of kernel launches, each costing the CPU microseconds, becoming one.
/// Holding work back is safe because nothing else touches the stream meanwhile, and the memory pool keeps
/// released blocks out of reuse until the next wait (<see cref="DeviceMemoryPool.ReleaseQuarantine"/>).</summary>
internal sealed unsafe class SegmentGraphs : IDisposable
{
    // Shorter repeated segments are left eager: a graph launch saves too little there. (A decode step of a two-layer
    // test model is 13 launches since the fused products; a real model's is hundreds.)
    private const int MinOpsToCapture = 8;
    public const long SmallUploadBytes = 64 * 1024;

    private readonly SafeCudaContextHandle _context;
    private readonly IntPtr _stream;
    private readonly IntPtr _cublas;
    private readonly DeviceMemoryPool _pool;
    private readonly PinnedStaging _staging;
    private readonly ILogger _logger;
    private readonly Dictionary<IntPtr, byte[]?> _parameterSizes = [];
    private readonly List<StreamOp> _ops = [];
    private readonly List<(ulong Address, long Bytes)> _uploads = [];
    private readonly ulong[] _remapped = new ulong[StreamOp.MaxValues];
    private int _count;
    private ulong _hash = Seed;
    private ulong _previousHash;
    private bool _capturable = true;
    private SegmentGraph? _candidate;
    private bool _speculating;
    private bool _enabled;
    private readonly bool _programmatic;

    private const ulong Seed = 0xCBF29CE484222325UL;

    public SegmentGraphs(SafeCudaContextHandle context, IntPtr stream, IntPtr cublas, DeviceMemoryPool pool, PinnedStaging staging, bool enabled, bool programmaticLaunch, ILogger logger)
    {
        _programmatic = programmaticLaunch;
        _context = context;
        _stream = stream;
        _cublas = cublas;
        _pool = pool;
        _staging = staging;
        _enabled = enabled;
        _logger = logger;
    }

    public bool Enabled
    {
        get => _enabled;
        set
        {
            if (value == _enabled) return;
            Flush(_count);
            _enabled = value;
            _speculating = false;
            _count = 0;
            _uploads.Clear();
            _hash = Seed;
            _previousHash = 0;
            _candidate?.Dispose();
            _candidate = null;
        }
    }

    public long Launches { get; private set; }

    public long Replays { get; private set; }

    public long Captures { get; private set; }

    public long Fallbacks { get; private set; }

    public void Kernel(IntPtr function, uint gridX, uint gridY, uint block, uint shared, void** arguments, string name)
    {
        if (!_enabled)
        {
            Launch(function, gridX, gridY, block, shared, arguments, name);
            return;
        }
        byte[]? sizes = ParameterSizes(function);
        if (sizes is null)
        {
            // No parameter layout (a driver before CUDA 12.4): graphs are off for good.
            Enabled = false;
            Launch(function, gridX, gridY, block, shared, arguments, name);
            return;
        }
        var op = Next();
        (op.Kind, op.Function, op.GridX, op.GridY, op.Block, op.Shared, op.Count, op.Name) =
            (StreamOpKind.Kernel, function, gridX, gridY, block, shared, sizes.Length, name);
        for (int i = 0; i < sizes.Length; i++)
        {
            op.Sizes[i] = sizes[i];
            op.Values[i] = sizes[i] == 8 ? *(ulong*)arguments[i] : *(uint*)arguments[i];
        }
        Issue(op);
    }

    public void Gemm(int transA, int transB, int m, int n, int k, float alpha, ulong a, int aType, int lda,
        ulong b, int bType, int ldb, float beta, ulong c, int cType, int ldc)
    {
        if (!_enabled)
        {
            RunGemm(transA, transB, m, n, k, alpha, a, aType, lda, b, bType, ldb, beta, c, cType, ldc);
            return;
        }
        var op = Next();
        (op.Kind, op.Function, op.GridX, op.GridY, op.Block, op.Shared, op.Count, op.Name) = (StreamOpKind.Gemm, 0, 0, 0, 0, 0, 16, "cublasGemmEx");
        ReadOnlySpan<ulong> values = [(ulong)transA, (ulong)transB, (ulong)m, (ulong)n, (ulong)k, BitConverter.SingleToUInt32Bits(alpha),
            a, (ulong)aType, (ulong)lda, b, (ulong)bType, (ulong)ldb, BitConverter.SingleToUInt32Bits(beta), c, (ulong)cType, (ulong)ldc];
        for (int i = 0; i < values.Length; i++)
        {
            op.Values[i] = values[i];
            op.Sizes[i] = (byte)(i is 6 or 9 or 13 ? 8 : 4);
        }
        Issue(op);
    }

    public void Memset(ulong destination, long bytes)
    {
        if (!_enabled)
        {
            CudaException.Check(CudaDriver.MemsetD8Async(destination, 0, (nuint)bytes, _stream), "cuMemsetD8Async");
            return;
        }
        var op = Next();
        (op.Kind, op.Function, op.GridX, op.GridY, op.Block, op.Shared, op.Count, op.Name) = (StreamOpKind.Memset, 0, 0, 0, 0, 0, 2, "cuMemsetD8Async");
        (op.Values[0], op.Sizes[0], op.Values[1], op.Sizes[1]) = (destination, 8, (ulong)bytes, 4);
        Issue(op);
    }

    public void CopyDeviceToDevice(ulong destination, ulong source, long bytes)
    {
        if (!_enabled)
        {
            CudaException.Check(CudaDriver.MemcpyDtoDAsync(destination, source, (nuint)bytes, _stream), "cuMemcpyDtoDAsync");
            return;
        }
        var op = Next();
        (op.Kind, op.Function, op.GridX, op.GridY, op.Block, op.Shared, op.Count, op.Name) = (StreamOpKind.CopyDeviceToDevice, 0, 0, 0, 0, 0, 3, "cuMemcpyDtoDAsync");
        (op.Values[0], op.Sizes[0], op.Values[1], op.Sizes[1], op.Values[2], op.Sizes[2]) = (destination, 8, source, 8, (ulong)bytes, 4);
        Issue(op);
    }

    /// <summary>Copies host data to a freshly allocated block at once. A small upload becomes an input of the
    /// segment (ops that point into it compare by position); while a graph is expected, its data also goes to the
    /// graph's input block of the same position.</summary>
    public void Upload(byte* source, long bytes, ulong destination)
    {
        _staging.CopyToDevice(source, bytes, destination, _stream);
        if (!_enabled) return;
        if (bytes > SmallUploadBytes)
        {
            // Weights: not per-step inputs. Launch whatever was held back and never capture this segment.
            Flush(_count);
            _capturable = false;
            return;
        }
        int index = _uploads.Count;
        _uploads.Add((destination, bytes));
        _hash = (_hash ^ (ulong)bytes ^ ((ulong)index << 40)) * 0x100000001B3UL;
        if (!_speculating) return;
        if (index < _candidate!.Inputs.Count && _candidate.Inputs[index].Bytes == bytes)
            _staging.CopyToDevice(source, bytes, _candidate.Inputs[index].Block, _stream);
        else
            Flush(_count);
    }

    /// <summary>Ends the segment before a host wait: replays the graph when everything matched, or launches what
    /// was held back; captures the segment when it repeated the previous one.</summary>
    public void EndSegment()
    {
        // A wait with nothing queued since the last one is no segment: it neither breaks a repeat nor a replay.
        if (!_enabled || (_count == 0 && _uploads.Count == 0)) return;
        bool replayed = false;
        if (_speculating)
        {
            if (_count == _candidate!.Ops.Count && _uploads.Count == _candidate.Inputs.Count)
            {
                CudaException.Check(CudaDriver.GraphLaunch(_candidate.Exec!.Raw, _stream), "cuGraphLaunch");
                // The graph worked on its own input blocks; the uploaded tensors the caller holds get their final
                // contents too, in case a kernel wrote into one.
                for (int j = 0; j < _uploads.Count; j++)
                    CudaException.Check(CudaDriver.MemcpyDtoDAsync(_uploads[j].Address, _candidate.Inputs[j].Block, (nuint)_uploads[j].Bytes, _stream), "cuMemcpyDtoDAsync");
                Replays++;
                replayed = true;
                _speculating = false;
            }
            else
            {
                Flush(_count);
            }
        }
        if (!replayed && _capturable && _count >= MinOpsToCapture && _hash == _previousHash) Capture();
        _previousHash = _hash;
        _hash = Seed;
        _count = 0;
        _uploads.Clear();
        _capturable = true;
        _speculating = _enabled && _candidate is not null;
    }

    public void Dispose()
    {
        _candidate?.Dispose();
        _candidate = null;
    }

    private StreamOp Next()
    {
        if (_count == _ops.Count) _ops.Add(new StreamOp());
        return _ops[_count++];
    }

    private void Issue(StreamOp op)
    {
        for (int i = 0; i < op.Count; i++)
        {
            op.Symbols[i] = -1;
            if (op.Sizes[i] != 8 || _uploads.Count == 0) continue;
            ulong value = op.Values[i];
            for (int u = 0; u < _uploads.Count; u++)
            {
                var (address, bytes) = _uploads[u];
                if (value >= address && value < address + (ulong)bytes)
                {
                    op.Symbols[i] = (short)u;
                    op.Offsets[i] = value - address;
                    break;
                }
            }
        }
        _hash = op.Mix(_hash);
        if (_speculating)
        {
            int index = _count - 1;
            if (index < _candidate!.Ops.Count && op.SameAs(_candidate.Ops[index])) return;
            Flush(index);
        }
        Execute(op, null);
    }

    // Launches the first `pending` ops of the segment, which were held back while they matched the graph.
    private void Flush(int pending)
    {
        if (!_speculating) return;
        _speculating = false;
        Fallbacks++;
        for (int i = 0; i < pending; i++) Execute(_ops[i], null);
    }

    private void Execute(StreamOp op, SegmentGraph? graph)
    {
        var values = _remapped;
        for (int i = 0; i < op.Count; i++)
            values[i] = graph is not null && op.Symbols[i] >= 0 ? graph.Inputs[op.Symbols[i]].Block + op.Offsets[i] : op.Values[i];
        switch (op.Kind)
        {
            case StreamOpKind.Kernel:
                void** arguments = stackalloc void*[op.Count];
                fixed (ulong* p = values)
                {
                    for (int i = 0; i < op.Count; i++) arguments[i] = p + i;
                    Launch(op.Function, op.GridX, op.GridY, op.Block, op.Shared, arguments, op.Name);
                }
                break;
            case StreamOpKind.Gemm:
                RunGemm((int)values[0], (int)values[1], (int)values[2], (int)values[3], (int)values[4], BitConverter.UInt32BitsToSingle((uint)values[5]),
                    values[6], (int)values[7], (int)values[8], values[9], (int)values[10], (int)values[11], BitConverter.UInt32BitsToSingle((uint)values[12]),
                    values[13], (int)values[14], (int)values[15]);
                break;
            case StreamOpKind.Memset:
                CudaException.Check(CudaDriver.MemsetD8Async(values[0], 0, (nuint)values[1], _stream), "cuMemsetD8Async");
                break;
            default:
                CudaException.Check(CudaDriver.MemcpyDtoDAsync(values[0], values[1], (nuint)values[2], _stream), "cuMemcpyDtoDAsync");
                break;
        }
    }

    private void Launch(IntPtr function, uint gridX, uint gridY, uint block, uint shared, void** arguments, string name)
    {
        if (gridX == 0 || gridY == 0) return;
        Launches++;
        if (!_programmatic)
        {
            CudaException.Check(CudaDriver.LaunchKernel(function, gridX, gridY, 1, block, 1, 1, shared, _stream, arguments, null), name);
            return;
        }
        // Programmatic dependent launch: every kernel starts with griddepcontrol.wait (Kernels/common.cuh), so it may
        // be scheduled while the previous kernel drains; captured into a graph, this becomes a programmatic edge.
        var attribute = new CudaLaunchAttribute { Id = CudaLaunchAttribute.ProgrammaticStreamSerialization, Value = 1 };
        var config = new CudaLaunchConfig
        {
            GridX = gridX, GridY = gridY, GridZ = 1, BlockX = block, BlockY = 1, BlockZ = 1, SharedBytes = shared,
            Stream = _stream, Attributes = &attribute, AttributeCount = 1,
        };
        CudaException.Check(CudaDriver.LaunchKernelEx(&config, function, arguments, null), name);
    }

    private void RunGemm(int transA, int transB, int m, int n, int k, float alpha, ulong a, int aType, int lda,
        ulong b, int bType, int ldb, float beta, ulong c, int cType, int ldc)
    {
        Launches++;
        CudaException.CheckCublas(Cublas.GemmEx(_cublas, transA, transB, m, n, k, &alpha, a, aType, lda, b, bType, ldb, &beta,
            c, cType, ldc, Cublas.Compute32F, Cublas.GemmDefault), "cublasGemmEx");
    }

    // Captures the ops of this segment (already launched eagerly) into a graph whose small inputs are blocks of its own.
    private void Capture()
    {
        var graph = new SegmentGraph(_pool);
        bool capturing = false;
        long launches = Launches;
        try
        {
            foreach (var (_, bytes) in _uploads) graph.Inputs.Add((_pool.Rent(bytes), bytes));
            for (int i = 0; i < _count; i++)
            {
                var copy = new StreamOp();
                copy.CopyFrom(_ops[i]);
                graph.Ops.Add(copy);
            }
            CudaException.Check(CudaDriver.StreamBeginCapture(_stream, CudaDriver.StreamCaptureModeThreadLocal), "cuStreamBeginCapture");
            capturing = true;
            foreach (var op in graph.Ops) Execute(op, graph);
            IntPtr captured;
            capturing = false;
            CudaException.Check(CudaDriver.StreamEndCapture(_stream, &captured), "cuStreamEndCapture");
            graph.Exec = SafeCudaGraphExecHandle.Instantiate(_context, captured);
            _candidate?.Dispose();
            _candidate = graph;
            Captures++;
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException)
        {
            if (capturing)
            {
                IntPtr discarded;
                if (CudaDriver.StreamEndCapture(_stream, &discarded) == CudaDriver.Success && discarded != IntPtr.Zero) CudaDriver.GraphDestroy(discarded);
            }
            graph.Dispose();
            _logger.LogWarning(e, "Capturing a CUDA graph failed; kernels are launched one by one from now on.");
            _enabled = false;
        }
        finally
        {
            Launches = launches; // captured work is not run
        }
    }

    private byte[]? ParameterSizes(IntPtr function)
    {
        if (_parameterSizes.TryGetValue(function, out var known)) return known;
        byte[]? sizes;
        try
        {
            var list = new List<byte>();
            for (nuint i = 0; i < StreamOp.MaxValues; i++)
            {
                nuint offset, size;
                if (CudaDriver.FuncGetParamInfo(function, i, &offset, &size) != CudaDriver.Success) break;
                list.Add((byte)size);
            }
            sizes = list.Count > 0 && list.TrueForAll(s => s is 4 or 8) ? [.. list] : null;
        }
        catch (EntryPointNotFoundException)
        {
            sizes = null;
        }
        _parameterSizes[function] = sizes;
        return sizes;
    }
}
