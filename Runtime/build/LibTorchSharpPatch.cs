// TorchSharp 0.107.0's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13's libstdc++) for one symbol only,
// std::ios_base_library_init(): a link anchor that nothing calls or relocates. On systems whose libstdc++
// stops at GLIBCXX_3.4.30 (GCC 12: Debian 12, Ubuntu 22.04) the loader refuses the whole library. Marking that
// one version need weak (VER_FLG_WEAK) lets it load, and changes nothing where the version exists.
//
// Compiled twice: by MSBuild's RoslynCodeTaskFactory (TorchBudget.targets; netstandard2.0 references, so
// only APIs from there), and linked into TorchBudget.Tests, which tests the ELF logic without MSBuild.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !NETCOREAPP
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace TorchBudget.Build
{
    /// <summary>A file that is not an ELF64 little-endian x86-64 image, or one whose tables do not add up.</summary>
    internal sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    internal readonly struct ElfSection
    {
        public ElfSection(uint type, long offset, long size, uint link)
        {
            Type = type; Offset = offset; Size = size; Link = link;
        }

        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        /// <summary>sh_link: for the sections read here, the index of their string or symbol table.</summary>
        public uint Link { get; }
        public long End => Offset + Size;
    }

    /// <summary>Bounds-checked reads over the bytes of an ELF64 little-endian x86-64 file.</summary>
    internal sealed class ElfImage
    {
        public const uint SectionTypeDynamicSymbols = 11;             // SHT_DYNSYM
        public const uint SectionTypeVersionDefinitions = 0x6ffffffd; // SHT_GNU_verdef
        public const uint SectionTypeVersionNeeds = 0x6ffffffe;       // SHT_GNU_verneed
        public const uint SectionTypeVersionSymbols = 0x6fffffff;     // SHT_GNU_versym
        private const uint SectionTypeNoBits = 8;                     // SHT_NOBITS: occupies no file bytes
        private const int HeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const ushort MachineX86_64 = 62;

        private ElfImage(byte[] bytes)
        {
            Bytes = bytes;
        }

        public byte[] Bytes { get; }
        public IReadOnlyList<ElfSection> Sections { get; private set; } = Array.Empty<ElfSection>();

        public static ElfImage Parse(byte[] bytes)
        {
            var image = new ElfImage(bytes);
            image.RequireSupportedHeader();
            image.Sections = image.ReadSectionHeaders();
            return image;
        }

        public ElfSection? FindSection(uint type)
        {
            foreach (var section in Sections)
                if (section.Type == type) return section;
            return null;
        }

        public ElfSection SectionAt(uint index)
        {
            if (index >= Sections.Count)
                throw new ElfFormatException($"section index {index} out of range ({Sections.Count} sections)");
            return Sections[(int)index];
        }

        public ushort ReadUInt16(long offset)
        {
            RequireRange(offset, 2);
            return (ushort)(Bytes[offset] | Bytes[offset + 1] << 8);
        }

        public uint ReadUInt32(long offset)
        {
            RequireRange(offset, 4);
            return (uint)(Bytes[offset] | Bytes[offset + 1] << 8 | Bytes[offset + 2] << 16 | Bytes[offset + 3] << 24);
        }

        public ulong ReadUInt64(long offset) => ReadUInt32(offset) | (ulong)ReadUInt32(offset + 4) << 32;

        /// <summary>The NUL-terminated string at <paramref name="offset"/> inside string table <paramref name="table"/>.</summary>
        public string ReadString(ElfSection table, uint offset)
        {
            if (offset >= table.Size)
                throw new ElfFormatException($"string offset {offset} outside its table ({table.Size} bytes)");
            long start = table.Offset + offset;
            long end = start;
            while (end < table.End && Bytes[end] != 0) end++;
            if (end == table.End)
                throw new ElfFormatException($"string at table offset {offset} is not NUL-terminated");
            return Encoding.ASCII.GetString(Bytes, (int)start, (int)(end - start));
        }

        private void RequireRange(long offset, long length)
        {
            if (offset < 0 || length < 0 || offset > Bytes.LongLength - length)
                throw new ElfFormatException($"read of {length} bytes at offset {offset} runs past the end of the file ({Bytes.LongLength} bytes)");
        }

        private void RequireSupportedHeader()
        {
            if (Bytes.Length < HeaderSize || Bytes[0] != 0x7f || Bytes[1] != (byte)'E' || Bytes[2] != (byte)'L' || Bytes[3] != (byte)'F')
                throw new ElfFormatException("not an ELF file");
            if (Bytes[4] != 2) throw new ElfFormatException("not a 64-bit ELF file");
            if (Bytes[5] != 1) throw new ElfFormatException("not a little-endian ELF file");
            ushort machine = ReadUInt16(0x12);
            if (machine != MachineX86_64) throw new ElfFormatException($"not an x86-64 ELF file (e_machine {machine})");
        }

        private IReadOnlyList<ElfSection> ReadSectionHeaders()
        {
            ulong tableOffset = ReadUInt64(0x28);   // e_shoff
            ushort entrySize = ReadUInt16(0x3a);    // e_shentsize
            ushort count = ReadUInt16(0x3c);        // e_shnum
            if (count == 0) throw new ElfFormatException("no section headers");
            if (entrySize != SectionHeaderSize) throw new ElfFormatException($"unexpected section header size {entrySize}");
            if (tableOffset > (ulong)Bytes.LongLength) throw new ElfFormatException("section header table outside the file");
            RequireRange((long)tableOffset, (long)count * entrySize);

            var sections = new ElfSection[count];
            for (int i = 0; i < count; i++)
                sections[i] = ReadSectionHeader((long)tableOffset + (long)i * entrySize);
            return sections;
        }

        private ElfSection ReadSectionHeader(long at)
        {
            uint type = ReadUInt32(at + 4);
            ulong offset = ReadUInt64(at + 24);
            ulong size = ReadUInt64(at + 32);
            uint link = ReadUInt32(at + 40);
            if (type == SectionTypeNoBits) size = 0;
            if (offset > (ulong)Bytes.LongLength || size > (ulong)Bytes.LongLength - offset)
                throw new ElfFormatException($"section at header offset {at} lies outside the file");
            return new ElfSection(type, (long)offset, (long)size, link);
        }
    }

    /// <summary>One Vernaux entry of .gnu.version_r: a version this library needs from <see cref="File"/>.</summary>
    internal sealed class VersionNeed
    {
        public const ushort WeakFlag = 0x2; // VER_FLG_WEAK: a missing version is not an error

        public VersionNeed(string file, string name, ushort flags, ushort index, long flagsOffset)
        {
            File = file; Name = name; Flags = flags; Index = index; FlagsOffset = flagsOffset;
        }

        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        /// <summary>vna_other: the index .gnu.version uses for symbols bound to this version.</summary>
        public ushort Index { get; }
        /// <summary>File offset of vna_flags.</summary>
        public long FlagsOffset { get; }
        public bool IsWeak => (Flags & WeakFlag) != 0;
    }

    /// <summary>Reads the GNU symbol-versioning tables.</summary>
    internal static class ElfVersions
    {
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;
        private const int SymbolSize = 24;

        /// <summary>Every version needed from another library (.gnu.version_r); empty if there is no such section.</summary>
        public static IReadOnlyList<VersionNeed> ReadNeeds(ElfImage image)
        {
            var needs = new List<VersionNeed>();
            var section = image.FindSection(ElfImage.SectionTypeVersionNeeds);
            if (section == null) return needs;
            var strings = image.SectionAt(section.Value.Link);

            long entry = section.Value.Offset;
            while (true)
            {
                RequireInside(section.Value, entry, VerneedSize, "Verneed");
                ushort auxCount = image.ReadUInt16(entry + 2);
                string file = image.ReadString(strings, image.ReadUInt32(entry + 4));
                long aux = entry + image.ReadUInt32(entry + 8);
                for (int i = 0; i < auxCount; i++)
                {
                    RequireInside(section.Value, aux, VernauxSize, "Vernaux");
                    string name = image.ReadString(strings, image.ReadUInt32(aux + 8));
                    needs.Add(new VersionNeed(file, name, image.ReadUInt16(aux + 4), image.ReadUInt16(aux + 6), aux + 4));
                    uint nextAux = image.ReadUInt32(aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = image.ReadUInt32(entry + 12);
                if (next == 0) break;
                entry += next; // offsets only grow, so the walk ends at the section's end at the latest
            }
            return needs;
        }

        /// <summary>Names of the versions this library defines (.gnu.version_d); empty if there is no such section.</summary>
        public static IReadOnlyList<string> ReadDefinitions(ElfImage image)
        {
            var names = new List<string>();
            var section = image.FindSection(ElfImage.SectionTypeVersionDefinitions);
            if (section == null) return names;
            var strings = image.SectionAt(section.Value.Link);

            long entry = section.Value.Offset;
            while (true)
            {
                RequireInside(section.Value, entry, VerdefSize, "Verdef");
                long aux = entry + image.ReadUInt32(entry + 12);
                RequireInside(section.Value, aux, VerdauxSize, "Verdaux");
                names.Add(image.ReadString(strings, image.ReadUInt32(aux))); // the first Verdaux names the version
                uint next = image.ReadUInt32(entry + 16);
                if (next == 0) break;
                entry += next;
            }
            return names;
        }

        /// <summary>Names of the undefined dynamic symbols bound to version index <paramref name="index"/>.</summary>
        public static IReadOnlyList<string> ReadSymbolsNeedingVersion(ElfImage image, ushort index)
        {
            var names = new List<string>();
            var versions = image.FindSection(ElfImage.SectionTypeVersionSymbols);
            if (versions == null) return names;
            var symbols = image.SectionAt(versions.Value.Link);
            if (symbols.Type != ElfImage.SectionTypeDynamicSymbols)
                throw new ElfFormatException(".gnu.version does not link to .dynsym");
            var strings = image.SectionAt(symbols.Link);

            long count = Math.Min(versions.Value.Size / 2, symbols.Size / SymbolSize);
            for (long i = 0; i < count; i++)
            {
                ushort version = (ushort)(image.ReadUInt16(versions.Value.Offset + 2 * i) & 0x7fff); // bit 15: hidden
                long symbol = symbols.Offset + SymbolSize * i;
                bool undefined = image.ReadUInt16(symbol + 6) == 0; // st_shndx == SHN_UNDEF
                if (version == index && undefined)
                    names.Add(image.ReadString(strings, image.ReadUInt32(symbol)));
            }
            return names;
        }

        private static void RequireInside(ElfSection section, long offset, int length, string what)
        {
            if (offset < section.Offset || offset + length > section.End)
                throw new ElfFormatException($"{what} entry at offset {offset} lies outside its section");
        }
    }

    internal enum PatchOutcome
    {
        /// <summary>The version need was made weak, a new file replacing the old one (from Plan: is to be made weak).</summary>
        Patched,
        /// <summary>The version need was weak already; the file was not written.</summary>
        AlreadyPatched,
        /// <summary>The library does not need the version at all; the file was not written.</summary>
        NothingToPatch,
        /// <summary>The file was left alone: not the expected ELF, unexpected symbols, or an I/O error.</summary>
        Refused,
    }

    internal sealed class PatchResult
    {
        public PatchResult(PatchOutcome outcome, string detail, long flagsOffset = -1)
        {
            Outcome = outcome; Detail = detail; FlagsOffset = flagsOffset;
        }

        public PatchOutcome Outcome { get; }
        public string Detail { get; }
        /// <summary>File offset of the vna_flags to rewrite, when <see cref="Outcome"/> is <see cref="PatchOutcome.Patched"/>.</summary>
        public long FlagsOffset { get; }
    }

    /// <summary>Makes libLibTorchSharp.so's need for GLIBCXX_3.4.32 weak.</summary>
    internal static class LibTorchSharpPatch
    {
        public const string Version = "GLIBCXX_3.4.32";

        // The only symbols that may be bound to the version: a weak need for a symbol that is really called
        // would turn a clear load error into a crash later, so anything else leaves the file alone.
        private static readonly string[] AnchorSymbols = { "_ZSt21ios_base_library_initv" }; // std::ios_base_library_init()

        /// <summary>Decides what to do with a library's bytes; <see cref="PatchOutcome.Patched"/> means "to patch".</summary>
        public static PatchResult Plan(byte[] bytes)
        {
            try
            {
                var image = ElfImage.Parse(bytes);
                var need = ElfVersions.ReadNeeds(image).FirstOrDefault(n => n.Name == Version);
                if (need == null)
                    return new PatchResult(PatchOutcome.NothingToPatch, $"needs no {Version}");
                if (need.IsWeak)
                    return new PatchResult(PatchOutcome.AlreadyPatched, $"{Version} (from {need.File}) is weak already");

                var unexpected = ElfVersions.ReadSymbolsNeedingVersion(image, need.Index).Except(AnchorSymbols).ToList();
                if (unexpected.Count > 0)
                    return new PatchResult(PatchOutcome.Refused,
                        $"symbols other than std::ios_base_library_init() need {Version}: {string.Join(", ", unexpected)}");
                return new PatchResult(PatchOutcome.Patched, $"marked {Version} (from {need.File}) weak", need.FlagsOffset);
            }
            catch (ElfFormatException e)
            {
                return new PatchResult(PatchOutcome.Refused, $"unexpected file: {e.Message}");
            }
        }

        /// <summary>Patches the file at <paramref name="path"/> if it needs it. Never writes through the path's
        /// inode: a hard link or symlink may lead into the NuGet package cache, so a patched copy replaces it.</summary>
        public static PatchResult Apply(string path)
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                var plan = Plan(bytes);
                if (plan.Outcome != PatchOutcome.Patched) return plan;

                ushort flags = (ushort)(bytes[plan.FlagsOffset] | bytes[plan.FlagsOffset + 1] << 8 | VersionNeed.WeakFlag);
                bytes[plan.FlagsOffset] = (byte)flags;
                bytes[plan.FlagsOffset + 1] = (byte)(flags >> 8);
                ReplaceContent(path, bytes);
                return plan;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return new PatchResult(PatchOutcome.Refused, $"could not patch: {e.Message}");
            }
        }

        private static void ReplaceContent(string path, byte[] content)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                File.Copy(path, temporary); // a new file with the content's permission bits and time (through links)
                // Keeping the package file's time (the size is unchanged too) makes the SDK's copy steps
                // (SkipUnchangedFiles, PreserveNewest) treat the patched copy as up to date. Read from the
                // copy: for a symbolic link, File.GetLastWriteTimeUtc(path) gives the link's own time.
                DateTime lastWrite = File.GetLastWriteTimeUtc(temporary);
                var attributes = File.GetAttributes(temporary);
                File.SetAttributes(temporary, attributes & ~FileAttributes.ReadOnly);
                using (var stream = new FileStream(temporary, FileMode.Truncate, FileAccess.Write))
                    stream.Write(content, 0, content.Length);
                File.SetAttributes(temporary, attributes);
                File.SetLastWriteTimeUtc(temporary, lastWrite);
                File.Replace(temporary, path, null); // rename(2): replaces the directory entry, not the inode
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }

    /// <summary>Finds the libstdc++.so.6 the dynamic loader would use and tells whether it defines a version.</summary>
    internal static class SystemLibStdCxx
    {
        public const string FileName = "libstdc++.so.6";
        private static readonly string[] StandardDirectories =
            { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" };

        /// <summary>LD_LIBRARY_PATH's entries first (the loader searches them before its defaults), then the standard ones.</summary>
        public static IEnumerable<string> SearchDirectories(string? ldLibraryPath)
        {
            var fromEnvironment = (ldLibraryPath ?? "").Split(new[] { ':', ';' }, StringSplitOptions.RemoveEmptyEntries);
            return fromEnvironment.Concat(StandardDirectories);
        }

        /// <summary>The loader's pick: the first candidate that is a readable x86-64 ELF64 library (the loader
        /// skips other ones too), with the versions it defines; null if there is none.</summary>
        public static string? Locate(string? ldLibraryPath, out IReadOnlyList<string> definedVersions)
        {
            foreach (var directory in SearchDirectories(ldLibraryPath))
            {
                string candidate = Path.Combine(directory, FileName);
                if (!File.Exists(candidate)) continue;
                try
                {
                    definedVersions = ElfVersions.ReadDefinitions(ElfImage.Parse(File.ReadAllBytes(candidate)));
                    return candidate;
                }
                catch (Exception e) when (e is ElfFormatException || e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }
            }
            definedVersions = Array.Empty<string>();
            return null;
        }
    }

#if !NETCOREAPP
    // The MSBuild task. Compiled only by RoslynCodeTaskFactory: the test project (a .NET app, without
    // MSBuild's assemblies) links the ELF logic above and leaves this out.
    public sealed class PatchLibTorchSharpTask : Task
    {
        private const string CannotPatchCode = "TBN001";
        private const string CannotCheckSystemCode = "TBN002";
        private const string OptOut = "Set TorchBudgetPatchLibTorchSharp=false to turn this step off.";
        private const string Help = "https://github.com/TorchBudget/TorchBudget/blob/main/docs/diagnostics/";

        /// <summary>Copies of libLibTorchSharp.so in an output folder; missing ones are skipped.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            var present = Files.Select(f => f.GetMetadata("FullPath")).Where(File.Exists).Distinct().ToList();
            if (present.Count == 0) return true;
            string? systemLibrary = FindSystemLibraryLackingVersion();
            if (systemLibrary == null) return true;

            foreach (var path in present)
                Report(path, LibTorchSharpPatch.Apply(path), systemLibrary);
            return !Log.HasLoggedErrors;
        }

        /// <summary>The system's libstdc++ if it lacks the version; null if nothing is to be patched because
        /// it has the version or because we cannot tell (then with a warning).</summary>
        private string? FindSystemLibraryLackingVersion()
        {
            string? ldLibraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            string? library = SystemLibStdCxx.Locate(ldLibraryPath, out var definedVersions);
            if (library == null)
            {
                string searched = string.Join(", ", SystemLibStdCxx.SearchDirectories(ldLibraryPath));
                Log.LogWarning(null, CannotCheckSystemCode, null, null, 0, 0, 0, 0,
                    $"TorchBudget: found no readable x86-64 {SystemLibStdCxx.FileName} in {searched}, so cannot tell whether " +
                    $"libLibTorchSharp.so needs patching; left as shipped. {OptOut} See {Help}{CannotCheckSystemCode}.md");
                return null;
            }
            if (!definedVersions.Contains(LibTorchSharpPatch.Version)) return library;

            Log.LogMessage(MessageImportance.Normal,
                $"TorchBudget: {library} provides {LibTorchSharpPatch.Version}; libLibTorchSharp.so needs no patch.");
            return null;
        }

        private void Report(string path, PatchResult result, string systemLibrary)
        {
            switch (result.Outcome)
            {
                case PatchOutcome.Patched:
                    Log.LogMessage(MessageImportance.High,
                        $"TorchBudget: {path}: {result.Detail}, since {systemLibrary} lacks it; TorchSharp can load here now. {OptOut}");
                    break;
                case PatchOutcome.AlreadyPatched:
                case PatchOutcome.NothingToPatch:
                    Log.LogMessage(MessageImportance.Normal, $"TorchBudget: {path}: {result.Detail}; not rewritten.");
                    break;
                default:
                    Log.LogWarning(null, CannotPatchCode, null, path, 0, 0, 0, 0,
                        $"TorchBudget left libLibTorchSharp.so as shipped ({result.Detail}). TorchSharp will likely fail to load it, " +
                        $"as {systemLibrary} lacks {LibTorchSharpPatch.Version}. {OptOut} See {Help}{CannotPatchCode}.md");
                    break;
            }
        }
    }
#endif
}
