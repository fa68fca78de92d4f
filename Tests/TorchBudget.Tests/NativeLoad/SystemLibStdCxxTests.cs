using System;
using System.IO;
using System.Linq;
using TorchBudget.Build;
using Xunit;

namespace TorchBudget.Tests.NativeLoad;

/// <summary>Finding the libstdc++ the loader would use, and reading the versions it defines.</summary>
public sealed class SystemLibStdCxxTests : IDisposable
{
    private readonly string scratch = NativeTestFiles.NewScratchDirectory();

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void Ld_library_path_entries_come_before_the_standard_folders()
    {
        var directories = SystemLibStdCxx.SearchDirectories("/opt/a::/opt/b").ToList();

        Assert.Equal(new[] { "/opt/a", "/opt/b", "/usr/lib/x86_64-linux-gnu" }, directories.Take(3));
        Assert.Contains("/usr/lib64", directories);
    }

    [LinuxLibStdCxxFact]
    public void System_library_defines_the_base_versions()
    {
        string? library = SystemLibStdCxx.Locate(null, out var versions);

        Assert.NotNull(library);
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }

    [LinuxLibStdCxxFact]
    public void A_library_on_ld_library_path_wins()
    {
        string system = SystemLibStdCxx.Locate(null, out _)!;
        File.Copy(system, Path.Combine(scratch, SystemLibStdCxx.FileName));

        Assert.Equal(Path.Combine(scratch, SystemLibStdCxx.FileName), SystemLibStdCxx.Locate(scratch, out _));
    }

    [LinuxLibStdCxxFact]
    public void A_file_that_is_no_x86_64_library_is_passed_over_like_the_loader_does()
    {
        File.WriteAllText(Path.Combine(scratch, SystemLibStdCxx.FileName), "not a library");

        Assert.Equal(SystemLibStdCxx.Locate(null, out _), SystemLibStdCxx.Locate(scratch, out _));
    }
}
