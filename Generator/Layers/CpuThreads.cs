namespace TorchBudget.Generator.Layers;

/// <summary>
/// What the peaks of LayerNorm's and BatchNorm's backward assume about threads: ATen sizes their per-thread sums by
/// at::get_num_threads() (<see cref="Model.KernelProfile.Threads"/>; measured with 1 to 16).
/// </summary>
internal static class CpuThreads
{
    /// <summary>
    /// The thread counts those per-thread sums were measured with, exact against the allocation counter (LayerNorm(4096),
    /// BatchNorm1d(2048) and MultiheadAttention at batch 1 to 50: bench/RESULTS.md).
    /// </summary>
    public static readonly int[] NormSumsMeasured = { 1, 2, 4, 8, 16 };

    public static string Note(int threads) =>
        $"The Peak assumes {threads} CPU threads (torch.get_num_threads()): the backward of LayerNorm, and of BatchNorm over [N, C], " +
        "keeps per-thread sums of the weight's and bias's gradients, 2 × threads × their size; with more threads it keeps more.";

    public const string ScaledDotProductAttentionNote =
        "The Peak assumes 2 CPU threads (torch.get_num_threads()): scaled_dot_product_attention's flash kernel keeps a work buffer per " +
        "thread in forward and backward, and each running thread's row sums in backward; how many of those overlap varies from run " +
        "to run by a few hundred bytes, and the Peak counts them all.";
}
