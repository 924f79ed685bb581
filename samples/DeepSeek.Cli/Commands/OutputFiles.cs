using System.Globalization;

namespace DeepSeek.Cli.Commands;

/// <summary>The files a command will write, claimed before it does any work, so that a path it cannot write fails in
/// a second rather than after minutes of generation, and so that it never replaces a file the user did not ask it to.
/// <list type="bullet">
/// <item><c>-o NAME.png</c> names the file; with several, NAME-0.png .. NAME-(N-1).png beside it.</item>
/// <item><c>-o FOLDER</c> (an existing folder, or a path ending in a separator) writes <see cref="DefaultName"/>
/// (out.png, out-0.png ..) inside it.</item>
/// <item>A missing parent folder is created. A file that exists is refused unless overwriting was asked for
/// (<c>--force</c>).</item>
/// <item>Each new file is created empty at once (proving the folder writable and keeping the name from being taken);
/// if the command fails or is cancelled, the files it created are deleted, and files that were there before are left
/// as they were.</item>
/// </list></summary>
internal sealed class OutputFiles : IDisposable
{
    public const string DefaultName = "out.png";

    private readonly List<string> _created = [];
    private bool _kept;

    private OutputFiles(string[] paths) => Paths = paths;

    public IReadOnlyList<string> Paths { get; }

    /// <summary>Claims the <paramref name="count"/> PNG files <paramref name="output"/> stands for.</summary>
    /// <exception cref="UsageException"><paramref name="output"/> does not name a .png file or a folder.</exception>
    /// <exception cref="CommandException">A file exists and <paramref name="overwrite"/> is false, or one cannot be created
    /// (a parent is a file, the folder may not be written).</exception>
    /// <exception cref="UnauthorizedAccessException">An existing file may not be written (with <paramref name="overwrite"/>).</exception>
    public static OutputFiles Claim(string output, int count, bool overwrite)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("-o names no file.", $"-o {DefaultName}, or -o <folder> to write {DefaultName} there.");
        if (Directory.Exists(output) || Path.EndsInDirectorySeparator(output)) output = Path.Combine(output, DefaultName);
        if (!string.Equals(Path.GetExtension(output), ".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"-o {output}: the images are PNG, so the file name must end in .png.");

        var files = new OutputFiles(PathsFor(Path.GetFullPath(output), count));
        try
        {
            foreach (string path in files.Paths) files.ClaimOne(path, overwrite);
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>One file: the path as given; several: NAME-i.EXT beside it.</summary>
    public static string[] PathsFor(string output, int count)
    {
        if (count == 1) return [output];
        string stem = Path.Combine(Path.GetDirectoryName(output) ?? "", Path.GetFileNameWithoutExtension(output));
        string extension = Path.GetExtension(output) is { Length: > 0 } e ? e : ".png";
        var paths = new string[count];
        for (int i = 0; i < count; i++) paths[i] = string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}{extension}");
        return paths;
    }

    /// <summary>The work succeeded and the files were written: they stay.</summary>
    public void Keep() => _kept = true;

    /// <summary>Unless <see cref="Keep"/> was called, deletes the files this run created (never one that was there before).</summary>
    public void Dispose()
    {
        if (_kept) return;
        foreach (string path in _created)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Left behind empty (or partly written); the error being reported matters more.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        _created.Clear();
    }

    private void ClaimOne(string path, bool overwrite)
    {
        if (Directory.Exists(path)) throw new CommandException($"{path} is a folder, not a file.", "-o names the PNG file to write, or a folder to write out.png in.");
        if (File.Exists(path))
        {
            if (!overwrite) throw new CommandException($"{path} already exists.", "--force overwrites it, or give another -o.");
            // Opened for writing without truncating: proves it writable and leaves it as it is until the images exist.
            using (new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) { }
            return;
        }
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's message names the part of the path that failed (a parent that is a file, a folder without
            // write permission); the error names the file that was asked for.
            throw new CommandException($"{path} cannot be written: {CliErrors.OneLine(e.Message)}", "-o names a PNG in a folder you may write to.");
        }
        _created.Add(path);
    }
}
