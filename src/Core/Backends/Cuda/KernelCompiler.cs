using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using DeepSeek.Sdk.Backends.Cuda.Interop;
using Microsoft.Extensions.Logging;

namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Compiles the embedded kernel sources (Kernels/*.cu, with Kernels/common.cuh as their common header; a
/// source may also include another embedded header by name, as matmul.cu and moe.cu include gemv.cuh) to
/// CUBIN for the GPU present with NVRTC, and caches each CUBIN on disk under a name that hashes the source, the
/// headers, the options, the NVRTC version and the architecture, so that a changed kernel, compiler or GPU never
/// reuses a stale binary and an unchanged one is compiled once per machine.</summary>
internal sealed unsafe class KernelCompiler
{
    private const string ResourcePrefix = "DeepSeek.Sdk.Backends.Cuda.Kernels.";
    private const string HeaderName = "common.cuh";

    private readonly string? _cacheDirectory;
    private readonly ILogger _logger;

    public KernelCompiler(string? cacheDirectory, ILogger logger)
    {
        _cacheDirectory = cacheDirectory;
        _logger = logger;
    }

    /// <summary>DEEPSEEK_SDK_KERNEL_CACHE, else $XDG_CACHE_HOME/deepseek-sdk/cuda-kernels, else the user's cache folder.</summary>
    public static string DefaultCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("DEEPSEEK_SDK_KERNEL_CACHE");
        if (!string.IsNullOrEmpty(configured)) return configured;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "deepseek-sdk", "cuda-kernels");
    }

    /// <summary>The kernel source files embedded in this assembly, by file name (attention.cu, ...).</summary>
    public static IReadOnlyList<string> SourceNames()
    {
        var names = new List<string>();
        foreach (string resource in typeof(KernelCompiler).Assembly.GetManifestResourceNames())
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resource.EndsWith(".cu", StringComparison.Ordinal))
                names.Add(resource[ResourcePrefix.Length..]);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static string ReadSource(string fileName)
    {
        using var stream = typeof(KernelCompiler).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"Kernel source '{fileName}' is not embedded in {typeof(KernelCompiler).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>NVRTC's version as "major.minor".</summary>
    public static string NvrtcVersion()
    {
        int major, minor;
        CudaException.CheckNvrtc(Nvrtc.Version(&major, &minor), "nvrtcVersion");
        return $"{major}.{minor}";
    }

    /// <summary>The CUBIN of <paramref name="fileName"/> for compute capability major.minor, from the cache or NVRTC.</summary>
    public byte[] Compile(string fileName, int major, int minor, out bool fromCache)
    {
        string source = ReadSource(fileName);
        var headers = Headers(source);
        string[] options = [$"--gpu-architecture=sm_{major}{minor}", "--std=c++17"];
        string key = CacheKey(fileName, source, headers, options);
        string? path = _cacheDirectory is null ? null
            : Path.Combine(_cacheDirectory, $"{Path.GetFileNameWithoutExtension(fileName)}-sm{major}{minor}-{key}.cubin");
        if (path is not null && File.Exists(path))
        {
            try
            {
                fromCache = true;
                return File.ReadAllBytes(path);
            }
            catch (IOException e)
            {
                _logger.LogWarning(e, "Could not read cached kernel {Path}; compiling again.", path);
            }
        }
        fromCache = false;
        byte[] cubin = RunNvrtc(fileName, source, headers, options);
        if (path is not null) Store(path, cubin);
        return cubin;
    }

    // common.cuh, then every other embedded file that the source includes by name (gemv.cuh).
    private static List<(string Name, string Text)> Headers(string source)
    {
        var headers = new List<(string Name, string Text)> { (HeaderName, ReadSource(HeaderName)) };
        const string include = "\n#include \"";
        for (int at = source.IndexOf(include, StringComparison.Ordinal); at >= 0; at = source.IndexOf(include, at + 1, StringComparison.Ordinal))
        {
            int start = at + include.Length;
            string name = source[start..source.IndexOf('"', start)];
            if (name != HeaderName) headers.Add((name, ReadSource(name)));
        }
        return headers;
    }

    private string CacheKey(string fileName, string source, List<(string Name, string Text)> headers, string[] options)
    {
        var text = new StringBuilder();
        text.Append(NvrtcVersion()).Append('\n').Append(string.Join(' ', options)).Append('\n')
            .Append(fileName).Append('\n').Append(source);
        foreach (var (name, header) in headers) text.Append('\n').Append(name).Append('\n').Append(header);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    // Written to a temporary name and moved into place, so that a concurrent reader never sees half a file.
    private void Store(string path, byte[] cubin)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temporary = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temporary, cubin);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not cache compiled kernel at {Path}; it will be compiled again next time.", path);
        }
    }

    private byte[] RunNvrtc(string fileName, string source, List<(string Name, string Text)> headers, string[] options)
    {
        var pinned = new List<IntPtr>();
        byte* Utf8(string s)
        {
            IntPtr p = Marshal.StringToCoTaskMemUTF8(s);
            pinned.Add(p);
            return (byte*)p;
        }
        IntPtr program = IntPtr.Zero;
        try
        {
            byte** headerSources = stackalloc byte*[headers.Count];
            byte** headerNames = stackalloc byte*[headers.Count];
            for (int i = 0; i < headers.Count; i++)
            {
                headerSources[i] = Utf8(headers[i].Text);
                headerNames[i] = Utf8(headers[i].Name);
            }
            CudaException.CheckNvrtc(Nvrtc.CreateProgram(&program, Utf8(source), Utf8(fileName), headers.Count, headerSources, headerNames), "nvrtcCreateProgram");
            byte** optionPointers = stackalloc byte*[options.Length];
            for (int i = 0; i < options.Length; i++) optionPointers[i] = Utf8(options[i]);
            int result = Nvrtc.CompileProgram(program, options.Length, optionPointers);
            string log = ProgramLog(program);
            if (result != Nvrtc.Success)
                throw new KernelCompilationException(fileName, string.Join(' ', options), $"{Nvrtc.ErrorName(result)}\n{log}");
            if (log.Length > 0) _logger.LogDebug("NVRTC log for {File}:\n{Log}", fileName, log);
            nuint size;
            CudaException.CheckNvrtc(Nvrtc.GetCubinSize(program, &size), "nvrtcGetCUBINSize");
            var cubin = new byte[(int)size];
            fixed (byte* p = cubin)
                CudaException.CheckNvrtc(Nvrtc.GetCubin(program, p), "nvrtcGetCUBIN");
            return cubin;
        }
        finally
        {
            if (program != IntPtr.Zero) Nvrtc.DestroyProgram(&program);
            foreach (IntPtr p in pinned) Marshal.FreeCoTaskMem(p);
        }
    }

    private static string ProgramLog(IntPtr program)
    {
        nuint size;
        if (Nvrtc.GetProgramLogSize(program, &size) != Nvrtc.Success || size <= 1) return "";
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            if (Nvrtc.GetProgramLog(program, p) != Nvrtc.Success) return "";
        return Encoding.UTF8.GetString(bytes, 0, bytes.Length - 1).Trim();
    }
}
