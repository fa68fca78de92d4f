using System;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using TorchBudget.Build;
using Xunit;

namespace TorchBudget.Tests.NativeLoad;

/// <summary>The build step's patch, on copies of the real libLibTorchSharp.so (the cache's file is only read).</summary>
public sealed class LibTorchSharpPatchTests : IDisposable
{
    private readonly string scratch = NativeTestFiles.NewScratchDirectory();

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [PackageLibTorchSharpFact]
    public void Package_library_needs_the_version_strongly_for_the_anchor_only()
    {
        var image = ElfImage.Parse(File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!));
        var need = ElfVersions.ReadNeeds(image).Single(n => n.Name == LibTorchSharpPatch.Version);

        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, ElfVersions.ReadSymbolsNeedingVersion(image, need.Index));
    }

    [PackageLibTorchSharpFact]
    public void Apply_sets_the_weak_flag_and_changes_nothing_else()
    {
        byte[] original = File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!);
        string copy = NativeTestFiles.CopyOfPackageLibrary(scratch);

        var result = LibTorchSharpPatch.Apply(copy);

        Assert.Equal(PatchOutcome.Patched, result.Outcome);
        byte[] patched = File.ReadAllBytes(copy);
        var need = ElfVersions.ReadNeeds(ElfImage.Parse(patched)).Single(n => n.Name == LibTorchSharpPatch.Version);
        Assert.True(need.IsWeak);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal(new[] { (int)result.FlagsOffset }, changed);
        Assert.Equal(original, File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!));
    }

    [PackageLibTorchSharpFact]
    [SupportedOSPlatform("linux")]
    public void Apply_keeps_time_and_permissions_so_the_sdk_copy_sees_the_file_as_up_to_date()
    {
        string copy = NativeTestFiles.CopyOfPackageLibrary(scratch);
        var time = new DateTime(2026, 5, 7, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, time);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatch.Apply(copy).Outcome);

        Assert.Equal(time, File.GetLastWriteTimeUtc(copy));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead, File.GetUnixFileMode(copy));
        Assert.Single(Directory.GetFiles(scratch)); // no temporary file left behind
    }

    [PackageLibTorchSharpFact]
    public void Second_apply_reports_already_patched_and_does_not_write()
    {
        string copy = NativeTestFiles.CopyOfPackageLibrary(scratch);
        LibTorchSharpPatch.Apply(copy);
        byte[] afterFirst = File.ReadAllBytes(copy);
        // Moved away from the kept time, so that a rewrite would show.
        var marker = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, marker);

        var result = LibTorchSharpPatch.Apply(copy);

        Assert.Equal(PatchOutcome.AlreadyPatched, result.Outcome);
        Assert.Equal(afterFirst, File.ReadAllBytes(copy));
        Assert.Equal(marker, File.GetLastWriteTimeUtc(copy));
    }

    [PackageLibTorchSharpFact]
    public void Apply_through_a_hard_link_leaves_the_other_name_untouched()
    {
        string original = NativeTestFiles.CopyOfPackageLibrary(scratch, "in-package-cache.so");
        string linked = Path.Combine(scratch, "libLibTorchSharp.so");
        NativeTestFiles.CreateHardLink(original, linked);
        byte[] before = File.ReadAllBytes(original);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatch.Apply(linked).Outcome);

        Assert.Equal(before, File.ReadAllBytes(original));
        Assert.Equal(PatchOutcome.AlreadyPatched, LibTorchSharpPatch.Plan(File.ReadAllBytes(linked)).Outcome);
    }

    [PackageLibTorchSharpFact]
    public void Apply_through_a_symbolic_link_replaces_the_link_not_its_target()
    {
        string original = NativeTestFiles.CopyOfPackageLibrary(scratch, "in-package-cache.so");
        var packageTime = new DateTime(2026, 5, 7, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(original, packageTime);
        string linked = Path.Combine(scratch, "libLibTorchSharp.so");
        File.CreateSymbolicLink(linked, original);
        byte[] before = File.ReadAllBytes(original);

        Assert.Equal(PatchOutcome.Patched, LibTorchSharpPatch.Apply(linked).Outcome);

        Assert.Equal(before, File.ReadAllBytes(original));
        Assert.Null(new FileInfo(linked).LinkTarget);
        Assert.Equal(packageTime, File.GetLastWriteTimeUtc(linked)); // the target's time, not the link's
        Assert.Equal(PatchOutcome.AlreadyPatched, LibTorchSharpPatch.Plan(File.ReadAllBytes(linked)).Outcome);
    }

    [PackageLibTorchSharpFact]
    public void Other_symbols_bound_to_the_version_make_it_refuse()
    {
        // Bind a really-called function to GLIBCXX_3.4.32 too: a weak need could then crash at run time.
        byte[] bytes = File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!);
        var image = ElfImage.Parse(bytes);
        var need = ElfVersions.ReadNeeds(image).Single(n => n.Name == LibTorchSharpPatch.Version);
        var versym = image.FindSection(ElfImage.SectionTypeVersionSymbols)!.Value;
        var dynsym = image.SectionAt(versym.Link);
        var strings = image.SectionAt(dynsym.Link);
        long index = Enumerable.Range(0, (int)(dynsym.Size / 24))
            .First(i => image.ReadString(strings, image.ReadUInt32(dynsym.Offset + 24L * i))
                == "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE");
        bytes[versym.Offset + 2 * index] = (byte)need.Index;
        bytes[versym.Offset + 2 * index + 1] = (byte)(need.Index >> 8);

        var result = LibTorchSharpPatch.Plan(bytes);

        Assert.Equal(PatchOutcome.Refused, result.Outcome);
        Assert.Contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE", result.Detail);
    }

    [PackageLibTorchSharpFact]
    public void Truncated_library_is_refused_and_left_alone()
    {
        byte[] whole = File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!);
        foreach (int length in new[] { 0, 4, 63, 64, 4096, whole.Length / 2, whole.Length - 1 })
        {
            string truncated = Path.Combine(scratch, $"truncated-{length}.so");
            File.WriteAllBytes(truncated, whole.AsSpan(0, length).ToArray());

            var result = LibTorchSharpPatch.Apply(truncated);

            Assert.Equal(PatchOutcome.Refused, result.Outcome);
            Assert.Equal(length, new FileInfo(truncated).Length);
        }
    }

    [PackageLibTorchSharpFact]
    public void Library_from_another_architecture_is_refused()
    {
        byte[] bytes = File.ReadAllBytes(NativeTestFiles.PackageLibTorchSharp!);
        bytes[0x12] = 183; // e_machine: AArch64

        var result = LibTorchSharpPatch.Plan(bytes);

        Assert.Equal(PatchOutcome.Refused, result.Outcome);
        Assert.Contains("x86-64", result.Detail);
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, "not an ELF file")]
    [InlineData(new byte[] { (byte)'#', (byte)'!', (byte)'/', (byte)'b', (byte)'i', (byte)'n' }, "not an ELF file")]
    public void Non_elf_input_is_refused(byte[] content, string reason)
    {
        string file = Path.Combine(scratch, "libLibTorchSharp.so");
        File.WriteAllBytes(file, content);

        var result = LibTorchSharpPatch.Apply(file);

        Assert.Equal(PatchOutcome.Refused, result.Outcome);
        Assert.Contains(reason, result.Detail);
        Assert.Equal(content, File.ReadAllBytes(file));
    }

    [Fact]
    public void Missing_file_is_refused_with_the_io_error()
    {
        var result = LibTorchSharpPatch.Apply(Path.Combine(scratch, "absent.so"));

        Assert.Equal(PatchOutcome.Refused, result.Outcome);
        Assert.Contains("could not patch", result.Detail);
    }

    [LinuxLibStdCxxFact]
    public void Library_without_the_version_need_has_nothing_to_patch()
    {
        // libstdc++ itself needs only glibc versions.
        string library = SystemLibStdCxx.Locate(null, out _)!;

        Assert.Equal(PatchOutcome.NothingToPatch, LibTorchSharpPatch.Plan(File.ReadAllBytes(library)).Outcome);
    }
}
