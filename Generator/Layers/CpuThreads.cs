namespace TorchBudget.Generator.Layers;

/// <summary>
/// What the peaks of LayerNorm's and BatchNorm's backward assume about threads: ATen sizes their per-thread sums by
/// at::get_num_threads() (<see cref="Model.KernelProfile.Threads"/>; measured with 2, the CI machine's cores).
/// </summary>
internal static class CpuThreads
{
    public const string Note =
        "The Peak assumes 2 CPU threads (torch.get_num_threads()): the backward of LayerNorm, and of BatchNorm over [N, C], keeps " +
        "per-thread sums of the weight's and bias's gradients, 2 × threads × their size; with more threads it keeps more.";
}
