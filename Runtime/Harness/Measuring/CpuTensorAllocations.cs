using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp;

namespace TorchBudget.Harness.Measuring;

/// <summary>
/// Exact live and peak bytes of CPU tensor data, counted inside this process. c10 allocates the data of
/// every CPU tensor with <c>posix_memalign</c> and releases it with <c>free</c> (c10/core/impl/alloc_cpu.cpp,
/// in libc10.so). While a session is open, libc10.so's GOT slots for those two functions point at counting
/// wrappers, so every tensor allocation is seen with its requested size: the same figures an LD_PRELOAD
/// allocation tracker gives, without restarting the process. Allocations made by other libraries (oneDNN's
/// scratch in libtorch_cpu.so, the .NET runtime) are not tensors and are not counted.
/// </summary>
internal static unsafe class CpuTensorAllocations
{
    private const string TensorAllocatorLibrary = "libc10.so";
    private const int ProtRead = 1, ProtWrite = 2;

    private static readonly object Gate = new();
    // Each block's size and its allocation's serial number: an address freed and reused is another block.
    private static readonly Dictionary<IntPtr, (long Size, long Serial)> LiveBlocks = new();
    private static readonly List<(IntPtr Slot, IntPtr Original, bool ReadOnlyAfterLoad)> Patched = new();
    private static delegate* unmanaged<IntPtr*, nuint, nuint, int> realPosixMemalign;
    private static delegate* unmanaged<IntPtr, void> realFree;
    private static long live, peak, allocations;
    private static int openSessions;
    private static bool exitHandlerAdded;

    /// <summary>Whether this platform can count (Linux x64/arm64 with TorchSharp's CPU backend loaded from libc10.so).</summary>
    public static bool IsSupported(out string? why)
    {
        why = null;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            why = $"counting CPU tensor allocations needs Linux on x64 or arm64; this is {RuntimeInformation.OSDescription} on " +
                $"{RuntimeInformation.ProcessArchitecture}";
            return false;
        }
        torch.empty(1).Dispose(); // loads libtorch (and libc10) if nothing has yet
        if (ElfImports.Find(TensorAllocatorLibrary) is null)
        {
            why = $"{TensorAllocatorLibrary} is not loaded in this process";
            return false;
        }
        return true;
    }

    /// <summary>Starts counting (sessions nest); dispose to stop. Counts start at zero in the first session.</summary>
    public static IDisposable Begin()
    {
        lock (Gate)
        {
            if (openSessions++ == 0) Install();
        }
        return new Session();
    }

    /// <summary>Bytes of tensor data allocated since counting began and not yet freed.</summary>
    public static long Live
    {
        get { lock (Gate) return live; }
    }

    /// <summary>The most <see cref="Live"/> has been since the last <see cref="ResetPeak"/>.</summary>
    public static long Peak
    {
        get { lock (Gate) return peak; }
    }

    public static void ResetPeak()
    {
        lock (Gate) peak = live;
    }

    /// <summary>
    /// Every block counted and not yet freed, by its allocation's serial number (unique in the process), with its size:
    /// which tensors a stretch of code made and left alive (the per-layer activation tests compare two of these).
    /// </summary>
    public static Dictionary<long, long> LiveBlocksNow()
    {
        lock (Gate) return LiveBlocks.Values.ToDictionary(b => b.Serial, b => b.Size);
    }

    private static void Install()
    {
        if (!IsSupported(out var why)) throw new PlatformNotSupportedException(why);
        var image = ElfImports.Find(TensorAllocatorLibrary)!.Value;
        var libc = NativeLibrary.Load("libc.so.6");
        realPosixMemalign = (delegate* unmanaged<IntPtr*, nuint, nuint, int>)NativeLibrary.GetExport(libc, "posix_memalign");
        realFree = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(libc, "free");
        var allocate = ElfImports.SlotsOf(image, "posix_memalign");
        var release = ElfImports.SlotsOf(image, "free");
        if (allocate.Count == 0 || release.Count == 0)
            throw new PlatformNotSupportedException(
                $"{image.Path} does not import posix_memalign and free; this libtorch allocates CPU tensors another way.");
        live = peak = 0;
        LiveBlocks.Clear();
        foreach (var slot in allocate) Patch(slot, (IntPtr)(delegate* unmanaged<IntPtr*, nuint, nuint, int>)&CountedPosixMemalign);
        foreach (var slot in release) Patch(slot, (IntPtr)(delegate* unmanaged<IntPtr, void>)&CountedFree);
        if (!exitHandlerAdded)
        {
            // Native destructors that run after the runtime shuts down must not call back into it.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { lock (Gate) Uninstall(); };
            exitHandlerAdded = true;
        }
    }

    private static void Uninstall()
    {
        for (var i = Patched.Count - 1; i >= 0; i--)
        {
            var (slot, original, readOnly) = Patched[i];
            Write(slot, original, readOnly);
        }
        Patched.Clear();
        LiveBlocks.Clear();
    }

    private static void Patch(ElfImports.Slot slot, IntPtr replacement)
    {
        var original = *(IntPtr*)slot.Address;
        Write(slot.Address, replacement, slot.ReadOnlyAfterLoad);
        Patched.Add((slot.Address, original, slot.ReadOnlyAfterLoad));
    }

    private static void Write(IntPtr slot, IntPtr value, bool readOnlyAfterLoad)
    {
        var pageSize = (nuint)Environment.SystemPageSize;
        var page = (IntPtr)((nuint)slot & ~(pageSize - 1));
        if (mprotect(page, pageSize, ProtRead | ProtWrite) != 0)
            throw new InvalidOperationException($"mprotect failed ({Marshal.GetLastPInvokeError()}) on the GOT of {TensorAllocatorLibrary}.");
        Volatile.Write(ref *(IntPtr*)slot, value);
        if (readOnlyAfterLoad) mprotect(page, pageSize, ProtRead);
    }

    [UnmanagedCallersOnly]
    private static int CountedPosixMemalign(IntPtr* block, nuint alignment, nuint size)
    {
        var result = realPosixMemalign(block, alignment, size);
        if (result == 0)
        {
            lock (Gate)
            {
                LiveBlocks[*block] = ((long)size, ++allocations);
                live += (long)size;
                if (live > peak) peak = live;
            }
        }
        return result;
    }

    [UnmanagedCallersOnly]
    private static void CountedFree(IntPtr block)
    {
        if (block != IntPtr.Zero)
        {
            // Forgotten before the real free, so an address reused at once by another thread is never mistaken.
            lock (Gate)
            {
                if (LiveBlocks.Remove(block, out var freed)) live -= freed.Size;
            }
        }
        realFree(block);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(IntPtr address, nuint length, int protection);

    private sealed class Session : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1) return;
            lock (Gate)
            {
                if (--openSessions == 0) Uninstall();
            }
        }
    }
}
