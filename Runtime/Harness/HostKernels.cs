using System;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace TorchBudget.Harness;

/// <summary>
/// The kernel profile this process runs, spelled as reports spell theirs (<see cref="MemoryReport.KernelProfile"/>,
/// "CPU AVX-512, 2 threads"): the instruction set oneDNN dispatches on and ATen's thread count.
/// </summary>
public static class HostKernels
{
    /// <summary>oneDNN's cap on its instruction set, read once when oneDNN first runs.</summary>
    private static readonly string[] CapVariables = { "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA" };

    /// <summary>The CPU profile of this process now: its instruction set and torch.get_num_threads().</summary>
    public static string CpuProfile() => $"CPU {CpuInstructionSet()}, {torch.get_num_threads()} threads";

    /// <summary>
    /// "AVX-512" where the CPU has oneDNN's avx512_core (AVX-512 F, BW, DQ and VL), "AVX2" where it has AVX2 and FMA,
    /// "SSE4.1" otherwise; lowered by ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) as oneDNN lowers it.
    /// </summary>
    public static string CpuInstructionSet()
    {
        var level = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? 2
            : Avx2.IsSupported && Fma.IsSupported ? 1 : 0;
        foreach (var variable in CapVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } cap) continue;
            level = Math.Min(level, CapLevel(cap.Trim().ToUpperInvariant()));
            break;
        }
        return level switch { 2 => "AVX-512", 1 => "AVX2", _ => "SSE4.1" };
    }

    /// <summary>oneDNN's names for its caps (ALL and DEFAULT lower nothing).</summary>
    private static int CapLevel(string cap) =>
        cap.StartsWith("AVX512", StringComparison.Ordinal) || cap.StartsWith("AVX10", StringComparison.Ordinal) ? 2
        : cap.StartsWith("AVX2", StringComparison.Ordinal) ? 1
        : cap is "SSE41" or "AVX" ? 0
        : 2;
}
