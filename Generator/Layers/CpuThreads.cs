namespace TorchBudget.Generator.Layers;

/// <summary>
/// The CPU thread count the peaks assume: ATen sizes some per-thread work buffers by at::get_num_threads() (measured
/// with 2, the CI machine's cores). Issue #18 makes the kernel profile, threads included, a setting of its own.
/// </summary>
internal static class CpuThreads
{
    public const int Assumed = 2;

    public const string Note =
        "The Peak assumes 2 CPU threads (torch.get_num_threads()): the backward of LayerNorm, and of BatchNorm over [N, C], keeps " +
        "per-thread sums of the weight's and bias's gradients, 2 × threads × their size; with more threads it keeps more.";
}
