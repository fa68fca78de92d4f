using System.Collections.Generic;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// oneDNN's gemm backward-weights (ONEDNN_VERBOSE "x64:gemm:jit"), which it takes when its direct kernels refuse a
/// wide kernel (measured on this machine, AVX-512, 2 threads, docs/memory-model.md): it works on the plain NCHW
/// tensors ATen hands it (no reordered copies), writes a plain weight gradient, and books one scratchpad of
/// per-thread im2col columns and per-thread weight copies for the reduction.
/// </summary>
internal static partial class OneDnnConvolutionWork
{
    /// <summary>The thread count the gemm scratchpad is counted for (it books per thread): this machine's.</summary>
    internal const int GemmThreads = 2;

    /// <summary>oneDNN's heuristic cap on a convolution's scratchpad: 1 GiB, or less for small tensors.</summary>
    private const long ScratchpadLimitBytes = 1L << 30;

    /// <summary>
    /// Whether backward-weights runs the gemm kernel: the direct AVX-512 kernel (in_channels 1–3 or 16 and more)
    /// takes kernels up to 14 wide, the AVX2 one (4–15 in_channels) up to 13 (measured: 13/14/15/16 wide with 1, 3,
    /// 5, 8, 16, 32 in_channels, strides 1 and 4, padding 0 and 3, Conv1d and Conv2d). The 1×1 kernel never does.
    /// </summary>
    public static bool UsesGemmBackwardWeights(Problem p) =>
        !p.OneByOneKernel && !p.Depthwise && p.KernelWidth > (p.InChannels is >= 4 and < 16 ? 13 : 14);

    /// <summary>
    /// Around a kernel wide enough for the gemm backward-weights, only first layers with fewer than 16 input channels
    /// were pinned down: their forward keeps the direct first-layer kernel (measured 14–100 wide). With 16 or more
    /// input channels forward switched between the AVX-512 and AVX2 kernels (20 wide: AVX-512; 40 and more: AVX2),
    /// and backward-data between the direct and gemm kernels (16→16 15 wide direct; 8→16 14 wide and 64→64 30 wide
    /// gemm), at points the measurements did not find.
    /// </summary>
    private static string? WideKernelUnmodeled(Problem p) =>
        !UsesGemmBackwardWeights(p) ? null
        : p.InputNeedsGradient ? $"passes a gradient back through a kernel {p.KernelWidth} wide, where oneDNN's backward-data takes its " +
            $"direct or its gemm kernel at a point the measurements did not find"
        : p.InChannels >= 16 ? $"has a kernel {p.KernelWidth} wide and {p.InChannels} input channels, where oneDNN's forward takes its " +
            $"AVX-512 or its AVX2 kernel at a point the measurements did not find"
        : p.WeightNeedsGradient && !GemmScratchpadFits(p) ? "runs oneDNN's gemm backward-weights kernel with a scratchpad over oneDNN's " +
            "limit, where it shrinks its column blocks (not modeled)"
        : null;

    /// <summary>The generator's batch-1 pass (ATen runs oneDNN at batch 1 only for large or wide-both-ways kernels).</summary>
    internal sealed partial record Problem
    {
        public bool AtBatchOne { get; init; }
    }

    /// <summary>
    /// oneDNN's outer threading (one image per thread, each with its own columns and weight copy) needs a batch of 2
    /// or more and fewer than 256 output positions per thread (measured: 511 outputs on two threads, 512 on one; at
    /// batch 1, 3→32 80 wide stride 16 on 8,000 books 599,296 bytes, one thread, against 1,198,336 at batch 2).
    /// </summary>
    public static int GemmBackwardWeightsThreads(Problem p) => !p.AtBatchOne && p.OutSpatial / GemmThreads < 256 ? GemmThreads : 1;

    /// <summary>Whether batch 1 books a smaller gemm scratchpad (one thread) than batch 2 and more.</summary>
    public static bool GemmThreadsDifferAtBatchOne(Problem p) =>
        p.WeightNeedsGradient && UsesGemmBackwardWeights(p) && GemmBackwardWeightsThreads(p with { AtBatchOne = false }) > 1;

    /// <summary>
    /// The scratchpad at batch 2 and more: per thread the columns in_channels·K·out_spatial floats and a weight copy
    /// booked as 4 floats per byte of the weight (oneDNN books weights_d.size(), a byte count, as floats), each of the
    /// two entries with 128 bytes of alignment. Measured exactly on about 30 shapes (e.g. M5's 1→32 80 wide stride 16 on
    /// 8,000: 2·(4·10,240 + 158,720) + 256 = 399,616 bytes, the same at B = 2, 3, 4, 8).
    /// </summary>
    public static long GemmBackwardWeightsScratchpad(Problem p)
    {
        var threads = GemmBackwardWeightsThreads(p);
        return checked(threads * (4 * WeightBytes(p) + Columns(p)) + 256);
    }

    /// <summary>
    /// The moments of the gemm backward-weights beyond the incoming gradient: oneDNN's plain weight gradient, the
    /// scratchpad and oneDNN's bias gradient; after the scratchpad is freed, ATen's plain bias and weight gradients
    /// beside oneDNN's.
    /// </summary>
    private static IEnumerable<ByteCount> GemmBackwardWeightsMoments(Problem p, ByteCount gradInput)
    {
        var weight = Constant(WeightBytes(p));
        var bias = p.Bias ? Constant(checked(p.OutChannels * Float)) : ByteCount.Zero;
        yield return gradInput.Plus(weight).Plus(Constant(GemmBackwardWeightsScratchpad(p))).Plus(bias);
        yield return gradInput.Plus(weight).Plus(bias).Plus(bias).Plus(weight);
    }

    /// <summary>The Notes' sentence for a modeled gemm backward-weights: its thread assumption.</summary>
    public static IEnumerable<string> GemmBackwardWeightsNotes(Problem p)
    {
        if (!p.WeightNeedsGradient || !UsesGemmBackwardWeights(p)) yield break;
        yield return $"A convolution kernel wide enough for oneDNN's gemm backward-weights makes it book im2col columns and a weight copy " +
            $"per thread: that scratchpad is counted for {GemmThreads} CPU threads (this machine's); more threads make it larger.";
    }

    /// <summary>
    /// oneDNN keeps outer threading only while its estimate stays under the limit, and shrinks the columns when the
    /// scratchpad would pass it; the limit is 1 GiB or 15·threads·(input + weight + grad_output bytes), smallest at
    /// batch 2 (batch 1 in its own pass), so a scratchpad within the batch-2 limit holds for every batch from 2.
    /// </summary>
    private static bool GemmScratchpadFits(Problem p)
    {
        var weight = WeightBytes(p);
        var batch = p.AtBatchOne ? 1 : 2;
        var tensors = checked(batch * p.InChannels * p.InSpatial * Float + weight + batch * p.OutChannels * p.OutSpatial * Float);
        var limit = System.Math.Min(ScratchpadLimitBytes, checked(15L * GemmThreads * tensors));
        var threads = GemmBackwardWeightsThreads(p);
        var estimate = checked(GemmThreads * (4 * weight + p.InChannels * p.KernelElements * 16 * Float));
        return (threads == 1 || estimate < limit) && GemmBackwardWeightsScratchpad(p) <= limit;
    }

    private static long WeightBytes(Problem p) => checked(p.OutChannels * p.InChannels * p.KernelElements * Float);

    private static long Columns(Problem p) => checked(p.InChannels * p.KernelElements * p.OutSpatial * Float);
}
