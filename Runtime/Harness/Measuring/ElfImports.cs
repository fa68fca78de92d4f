using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace TorchBudget.Harness.Measuring;

/// <summary>
/// Finds, in a shared library already loaded into this process, the GOT slots through which it calls
/// an imported function (what LD_PRELOAD interposes on, reached from inside the process instead).
/// Reads the loaded image's own dynamic section; Linux on x86-64 and arm64 only.
/// </summary>
internal static unsafe class ElfImports
{
    private const uint PtDynamic = 2;
    private const uint PtGnuRelro = 0x6474e552;
    private const long DtNull = 0, DtPltRelSize = 2, DtStrTab = 5, DtSymTab = 6, DtRela = 7, DtRelaSize = 8, DtJmpRel = 23;
    // JUMP_SLOT and GLOB_DAT: the two relocations that put a function's address into a GOT slot.
    private static readonly HashSet<uint> SlotRelocations = new() { 7, 6, 1026, 1025 };

    /// <summary>A GOT slot: where it is, and whether it lies in RELRO (read-only after loading).</summary>
    public readonly record struct Slot(IntPtr Address, bool ReadOnlyAfterLoad);

    /// <summary>A loaded library: its path, base address and program headers.</summary>
    public readonly record struct LoadedImage(string Path, IntPtr Base, IntPtr ProgramHeaders, int ProgramHeaderCount);

    /// <summary>The loaded library whose path ends with <paramref name="fileName"/>; null when none is loaded.</summary>
    public static LoadedImage? Find(string fileName)
    {
        var images = new List<LoadedImage>();
        var handle = GCHandle.Alloc(images);
        try
        {
            dl_iterate_phdr(&CollectImage, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        foreach (var image in images)
        {
            if (image.Path.EndsWith("/" + fileName, StringComparison.Ordinal)) return image;
        }
        return null;
    }

    /// <summary>Every GOT slot of <paramref name="image"/> bound to the imported function <paramref name="symbol"/>.</summary>
    public static List<Slot> SlotsOf(LoadedImage image, string symbol)
    {
        var baseAddress = (ulong)image.Base;
        var headers = (ProgramHeader*)image.ProgramHeaders;
        Dynamic* dynamic = null;
        ulong relroStart = 0, relroEnd = 0;
        for (var i = 0; i < image.ProgramHeaderCount; i++)
        {
            if (headers[i].Type == PtDynamic) dynamic = (Dynamic*)(baseAddress + headers[i].VirtualAddress);
            if (headers[i].Type == PtGnuRelro)
            {
                relroStart = baseAddress + headers[i].VirtualAddress;
                relroEnd = relroStart + headers[i].MemorySize;
            }
        }
        if (dynamic == null) throw new InvalidOperationException($"{image.Path} has no dynamic section.");

        ulong strings = 0, symbols = 0, rela = 0, relaSize = 0, jmpRel = 0, jmpRelSize = 0;
        for (var entry = dynamic; entry->Tag != DtNull; entry++)
        {
            switch (entry->Tag)
            {
                case DtStrTab: strings = Absolute(entry->Value, baseAddress); break;
                case DtSymTab: symbols = Absolute(entry->Value, baseAddress); break;
                case DtRela: rela = Absolute(entry->Value, baseAddress); break;
                case DtRelaSize: relaSize = entry->Value; break;
                case DtJmpRel: jmpRel = Absolute(entry->Value, baseAddress); break;
                case DtPltRelSize: jmpRelSize = entry->Value; break;
            }
        }
        if (strings == 0 || symbols == 0) throw new InvalidOperationException($"{image.Path} has no dynamic symbol table.");

        var slots = new List<Slot>();
        foreach (var (table, size) in new[] { (jmpRel, jmpRelSize), (rela, relaSize) })
        {
            if (table == 0) continue;
            var relocations = (Relocation*)table;
            for (ulong i = 0; i < size / (ulong)sizeof(Relocation); i++)
            {
                var info = relocations[i].Info;
                if (!SlotRelocations.Contains((uint)info)) continue;
                var symbolEntry = (Symbol*)(symbols + (info >> 32) * (ulong)sizeof(Symbol));
                var name = Marshal.PtrToStringUTF8((IntPtr)(strings + symbolEntry->NameOffset));
                if (name != symbol) continue;
                var address = baseAddress + relocations[i].Offset;
                slots.Add(new Slot((IntPtr)address, address >= relroStart && address < relroEnd));
            }
        }
        return slots;
    }

    // glibc relocates the d_ptr entries of a loaded image's dynamic section in place; other loaders may not.
    private static ulong Absolute(ulong pointer, ulong baseAddress) => pointer < baseAddress ? pointer + baseAddress : pointer;

    [UnmanagedCallersOnly]
    private static int CollectImage(PhdrInfo* info, nuint size, IntPtr data)
    {
        var images = (List<LoadedImage>)GCHandle.FromIntPtr(data).Target!;
        var path = info->Name == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(info->Name) ?? "";
        images.Add(new LoadedImage(path, (IntPtr)info->Address, info->ProgramHeaders, info->ProgramHeaderCount));
        return 0;
    }

    [DllImport("libc", EntryPoint = "dl_iterate_phdr")]
    private static extern int dl_iterate_phdr(delegate* unmanaged<PhdrInfo*, nuint, IntPtr, int> callback, IntPtr data);

    [StructLayout(LayoutKind.Sequential)]
    private struct PhdrInfo
    {
        public ulong Address;
        public IntPtr Name;
        public IntPtr ProgramHeaders;
        public ushort ProgramHeaderCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProgramHeader
    {
        public uint Type;
        public uint Flags;
        public ulong Offset;
        public ulong VirtualAddress;
        public ulong PhysicalAddress;
        public ulong FileSize;
        public ulong MemorySize;
        public ulong Alignment;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Dynamic
    {
        public long Tag;
        public ulong Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Relocation
    {
        public ulong Offset;
        public ulong Info;
        public long Addend;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Symbol
    {
        public uint NameOffset;
        public byte Info;
        public byte Other;
        public ushort SectionIndex;
        public ulong Value;
        public ulong Size;
    }
}
