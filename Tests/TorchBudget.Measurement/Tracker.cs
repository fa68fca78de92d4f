using System;
using System.Runtime.InteropServices;

namespace TorchBudget.Measurement;

/// <summary>Live bytes as the allocation tracker counts them, at one moment.</summary>
/// <param name="All">Every live aligned allocation (posix_memalign, aligned_alloc, memalign).</param>
/// <param name="Tensor">Those made from libc10.so: the data of CPU tensors.</param>
internal readonly record struct Bytes(long All, long Tensor)
{
    public static Bytes operator -(Bytes a, Bytes b) => new(a.All - b.All, a.Tensor - b.Tensor);

    public static Bytes operator +(Bytes a, Bytes b) => new(a.All + b.All, a.Tensor + b.Tensor);

    public static Bytes Max(Bytes a, Bytes b) => new(Math.Max(a.All, b.All), Math.Max(a.Tensor, b.Tensor));

    /// <summary>Aligned allocations that are not tensor data (oneDNN scratch, OpenMP, ...).</summary>
    public long Other => All - Tensor;
}

/// <summary>
/// The preloaded native/alloc_tracker.c. Its functions are looked up in the process's global scope
/// (where LD_PRELOAD put them), never by loading the library: a library loaded with dlopen would
/// interpose nothing and count nothing.
/// </summary>
internal static class Tracker
{
    private const string Library = "tb_alloc_tracker";

    /// <summary>Fails unless the tracker was preloaded into this process.</summary>
    public static void EnsurePreloaded()
    {
        NativeLibrary.SetDllImportResolver(typeof(Tracker).Assembly, (name, _, _) =>
            name == Library ? NativeLibrary.GetMainProgramHandle() : IntPtr.Zero);
        int preloaded;
        try
        {
            preloaded = tb_is_preloaded();
        }
        catch (EntryPointNotFoundException)
        {
            preloaded = 0;
        }
        if (preloaded != 1)
            throw new InvalidOperationException(
                "the allocation tracker is not preloaded: run with LD_PRELOAD=<this app's folder>/libtb_alloc_tracker.so");
    }

    public static Bytes Live => new(tb_live_bytes(), tb_tensor_live_bytes());

    /// <summary>The most that was live since the last <see cref="ResetPeak"/>.</summary>
    public static Bytes Peak => new(tb_peak_bytes(), tb_tensor_peak_bytes());

    public static void ResetPeak() => tb_reset_peak();

    /// <summary>Writes one line per tracked allocation and release to the file descriptor; -1 stops.</summary>
    public static void LogTo(int fileDescriptor) => tb_set_log_fd(fileDescriptor);

    [DllImport(Library)] private static extern long tb_live_bytes();
    [DllImport(Library)] private static extern long tb_peak_bytes();
    [DllImport(Library)] private static extern long tb_tensor_live_bytes();
    [DllImport(Library)] private static extern long tb_tensor_peak_bytes();
    [DllImport(Library)] private static extern void tb_reset_peak();
    [DllImport(Library)] private static extern int tb_is_preloaded();
    [DllImport(Library)] private static extern void tb_set_log_fd(int fd);
}
