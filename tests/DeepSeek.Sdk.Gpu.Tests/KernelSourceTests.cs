using DeepSeek.Sdk.Backends.Cuda;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Rules the kernel sources must keep that no GPU run would reliably catch (runs without a GPU).</summary>
public sealed class KernelSourceTests
{
    // With programmatic dependent launch a kernel may be running before its predecessor has finished; one that read
    // or wrote global memory before griddepcontrol.wait would race with it, and only sometimes give wrong results.
    // The one exception is the GEMV (Kernels/matmul.cu): its entries go straight to gemv(), which loads constant
    // weights before it waits, and waits before reading x or writing anything.
    [Fact]
    public void Every_kernel_waits_for_the_previous_one_before_anything_else()
    {
        int kernels = 0;
        foreach (string file in KernelCompiler.SourceNames())
        {
            string source = KernelCompiler.ReadSource(file);
            foreach (string marker in (string[])["\nextern \"C\" __global__ void ", "extern \"C\" __global__ void __launch_bounds__"])
            {
                for (int at = source.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = source.IndexOf(marker, at + 1, StringComparison.Ordinal))
                {
                    int body = source.IndexOf('{', at);
                    string first = source[(body + 1)..].TrimStart(' ', '\n', '\r', '\t', '\\');
                    string name = source[(at + marker.Length)..source.IndexOf('(', at + marker.Length)];
                    bool gemv = file == "matmul.cu"
                        && (first.StartsWith("gemv<", StringComparison.Ordinal) || first.StartsWith("int block = blockIdx.x", StringComparison.Ordinal));
                    Assert.True(first.StartsWith("grid_dependency_wait();", StringComparison.Ordinal) || gemv,
                        $"{file}: kernel '{name.Trim()}' does not start with grid_dependency_wait(): '{first[..Math.Min(60, first.Length)]}'");
                    kernels++;
                }
            }
        }
        Assert.True(kernels >= 27, $"only {kernels} kernels found in the sources");
        string matmul = KernelCompiler.ReadSource("gemv.cuh");
        int function = matmul.IndexOf("__device__ __forceinline__ void gemv(", StringComparison.Ordinal);
        int wait = matmul.IndexOf("grid_dependency_wait();", function, StringComparison.Ordinal);
        int firstRead = matmul.IndexOf("(x + ", function, StringComparison.Ordinal);
        Assert.True(function >= 0 && wait > function && wait < firstRead, "gemv() must wait before it first reads x");
    }
}
