using TorchBudget.Harness;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// Whether this process runs the kernels a report's peaks hold for (its instruction set and thread count). Where it does
/// not, a kernel-dependent peak is measured but not compared, as the harness does (<see cref="VerificationOutcome.OtherKernels"/>):
/// those checks run on a machine of the report's profile (the rules were measured on AVX-512 with 2 threads).
/// </summary>
internal static class HostProfile
{
    public static bool Holds(MemoryReport report) => !report.PeaksFollowKernels || report.KernelProfile == HostKernels.CpuProfile();
}
