namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>A unit of data-parallel work over the index range [start, end). Implemented by structs
/// so that <see cref="CpuThreadPool.Run{TWork}"/> dispatches without boxing or closures.</summary>
public interface IRangeWork
{
    void Execute(int start, int end);
}
