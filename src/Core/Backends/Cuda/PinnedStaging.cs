using DeepSeek.Sdk.Backends.Cuda.Interop;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Page-locked staging for host-to-device copies. Data is copied into a pinned slot and the DMA engine
/// takes it from there asynchronously; each slot's event says when the slot may be written again. Small copies
/// (per-step ids and positions) cycle through many small slots so they rarely wait; large ones (weights) alternate
/// between a few large slots so that filling one overlaps the transfer of the other.</summary>
internal sealed unsafe class PinnedStaging : IDisposable
{
    private const int SmallSlotBytes = 64 * 1024;
    private const int SmallSlots = 64;
    private const int LargeSlotBytes = 16 * 1024 * 1024;
    private const int LargeSlots = 3;

    private readonly Ring _small;
    private readonly Ring _large;

    public PinnedStaging(SafeCudaContextHandle context)
    {
        _small = new Ring(context, SmallSlotBytes, SmallSlots);
        _large = new Ring(context, LargeSlotBytes, LargeSlots);
    }

    /// <summary>Queues a copy of <paramref name="bytes"/> from host memory to the device; the source may be reused
    /// as soon as this returns.</summary>
    public void CopyToDevice(byte* source, long bytes, ulong destination, IntPtr stream)
    {
        var ring = bytes <= SmallSlotBytes ? _small : _large;
        for (long done = 0; done < bytes;)
        {
            long n = Math.Min(ring.SlotBytes, bytes - done);
            byte* slot = ring.Acquire(out var evt);
            Buffer.MemoryCopy(source + done, slot, n, n);
            CudaException.Check(CudaDriver.MemcpyHtoDAsync(destination + (ulong)done, slot, (nuint)n, stream), "cuMemcpyHtoDAsync");
            CudaException.Check(CudaDriver.EventRecord(evt, stream), "cuEventRecord");
            done += n;
        }
    }

    public void Dispose()
    {
        _small.Dispose();
        _large.Dispose();
    }

    private sealed class Ring : IDisposable
    {
        private readonly SafePinnedHostMemory _memory;
        private readonly SafeCudaEventHandle[] _events;
        private int _next;

        public Ring(SafeCudaContextHandle context, int slotBytes, int slots)
        {
            SlotBytes = slotBytes;
            _memory = SafePinnedHostMemory.Allocate(context, (long)slotBytes * slots, mapped: false);
            _events = new SafeCudaEventHandle[slots];
            for (int i = 0; i < slots; i++) _events[i] = SafeCudaEventHandle.Create(context);
        }

        public int SlotBytes { get; }

        // Waits until the slot's previous copy has left it (an event never recorded counts as complete).
        public byte* Acquire(out IntPtr evt)
        {
            int slot = _next;
            _next = (_next + 1) % _events.Length;
            evt = _events[slot].Raw;
            CudaException.Check(CudaDriver.EventSynchronize(evt), "cuEventSynchronize");
            return _memory.Pointer + (long)slot * SlotBytes;
        }

        public void Dispose()
        {
            foreach (var e in _events) e.Dispose();
            _memory.Dispose();
        }
    }
}
