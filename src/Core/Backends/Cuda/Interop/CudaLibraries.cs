using System.Reflection;
using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Backends.Cuda.Interop;

/// <summary>Finds the CUDA libraries at run time. P/Invoke declarations name logical libraries
/// (<see cref="Driver"/>, <see cref="Nvrtc"/>, <see cref="Cublas"/>); a DllImport resolver maps each to the first
/// soname that loads, so one build works with CUDA 12 and 13 and on machines without CUDA, where nothing is
/// loaded until a backend is asked for and the failure names what was tried.</summary>
internal static class CudaLibraries
{
    public const string Driver = "deepseek-sdk-cuda";
    public const string Nvrtc = "deepseek-sdk-nvrtc";
    public const string Cublas = "deepseek-sdk-cublas";

    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, IntPtr> s_loaded = [];
    private static bool s_registered;

    /// <summary>Sonames tried in order: the newest major versions first, then the unversioned development link.
    /// The driver ships with the display driver (libcuda.so.1); NVRTC and cuBLAS with the toolkit or its
    /// redistributable wheels.</summary>
    public static IReadOnlyList<string> Candidates(string logicalName) => logicalName switch
    {
        Driver => OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"],
        Nvrtc => OperatingSystem.IsWindows()
            ? ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll"]
            : ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"],
        Cublas => OperatingSystem.IsWindows()
            ? ["cublas64_13.dll", "cublas64_12.dll"]
            : ["libcublas.so.13", "libcublas.so.12", "libcublas.so"],
        _ => [],
    };

    /// <summary>Registers the resolver for this assembly once; the interop classes call it from their static constructors.</summary>
    public static void EnsureResolver()
    {
        lock (s_gate)
        {
            if (s_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(CudaLibraries).Assembly, Resolve);
            s_registered = true;
        }
    }

    /// <summary>Loads <paramref name="logicalName"/>, or says which sonames and folders were tried.</summary>
    public static bool TryLoad(string logicalName, out string? whyNot)
    {
        EnsureResolver();
        if (Load(logicalName) != IntPtr.Zero)
        {
            whyNot = null;
            return true;
        }
        var folders = SearchFolders();
        whyNot = $"none of {string.Join(", ", Candidates(logicalName))} could be loaded (searched the loader path"
            + (folders.Count > 0 ? $" and {string.Join(", ", folders)}" : "") + ")";
        return false;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName is Driver or Nvrtc or Cublas ? Load(libraryName) : IntPtr.Zero;

    private static IntPtr Load(string logicalName)
    {
        lock (s_gate)
        {
            if (s_loaded.TryGetValue(logicalName, out var cached)) return cached;
            IntPtr handle = IntPtr.Zero;
            foreach (string candidate in Candidates(logicalName))
            {
                if (NativeLibrary.TryLoad(candidate, out handle)) break;
                foreach (string folder in SearchFolders())
                    if (NativeLibrary.TryLoad(Path.Combine(folder, candidate), out handle)) break;
                if (handle != IntPtr.Zero) break;
            }
            // A failed load is not cached: a later attempt may follow an LD_LIBRARY_PATH or CUDA_PATH change.
            if (handle != IntPtr.Zero) s_loaded[logicalName] = handle;
            return handle;
        }
    }

    // The toolkit's own variables (set by its installers and containers) point at its library folders; the
    // loader path already covers ldconfig and LD_LIBRARY_PATH.
    private static List<string> SearchFolders()
    {
        var folders = new List<string>();
        foreach (string variable in (string[])["CUDA_PATH", "CUDA_HOME"])
        {
            string? root = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(root)) continue;
            foreach (string sub in OperatingSystem.IsWindows() ? (string[])["bin", "bin/x64"] : ["lib64", "targets/x86_64-linux/lib", "lib"])
            {
                string folder = Path.Combine(root, sub);
                if (Directory.Exists(folder)) folders.Add(folder);
            }
        }
        return folders;
    }
}
