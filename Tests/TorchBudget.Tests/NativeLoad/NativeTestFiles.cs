using System;
using System.IO;
using System.Runtime.InteropServices;
using TorchBudget.Build;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.NativeLoad;

/// <summary>The real libraries the patch tests work on, and scratch folders to copy them into.</summary>
internal static class NativeTestFiles
{
    /// <summary>The package's libLibTorchSharp.so in the NuGet cache (only ever read), or null.</summary>
    public static string? PackageLibTorchSharp { get; } = FindPackageLibTorchSharp();

    public static string PackageLibTorchSharpOrSkipReason =>
        $"needs Linux x64 and TorchSharp's libLibTorchSharp.so in the NuGet cache ({PackageCachePath()})";

    public static string NewScratchDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "torchbudget-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A copy of the package library in a new scratch folder.</summary>
    public static string CopyOfPackageLibrary(string directory, string name = "libLibTorchSharp.so")
    {
        string copy = Path.Combine(directory, name);
        File.Copy(PackageLibTorchSharp!, copy);
        return copy;
    }

    public static void CreateHardLink(string existing, string link)
    {
        if (Link(existing, link) != 0)
            throw new IOException($"link({existing}, {link}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string link);

    private static string PackageCachePath()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Version version = typeof(torch).Assembly.GetName().Version!;
        return Path.Combine(root, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}",
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string? FindPackageLibTorchSharp()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64) return null;
        string path = PackageCachePath();
        return File.Exists(path) ? path : null;
    }
}

/// <summary>A fact that needs the package's libLibTorchSharp.so; skipped, saying why, where it is absent.</summary>
public sealed class PackageLibTorchSharpFactAttribute : FactAttribute
{
    public PackageLibTorchSharpFactAttribute()
    {
        if (NativeTestFiles.PackageLibTorchSharp == null) Skip = NativeTestFiles.PackageLibTorchSharpOrSkipReason;
    }
}

/// <summary>A fact that needs Linux x64 and its system libstdc++.</summary>
public sealed class LinuxLibStdCxxFactAttribute : FactAttribute
{
    public LinuxLibStdCxxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            Skip = "needs Linux x64";
        else if (SystemLibStdCxx.Locate(null, out _) == null)
            Skip = "needs an x86-64 libstdc++.so.6 in the standard library folders";
    }
}
