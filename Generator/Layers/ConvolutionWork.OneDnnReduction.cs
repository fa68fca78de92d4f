using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// The scratchpad oneDNN's direct and 1×1 backward-weights book to reduce the weight and bias gradients between threads
/// (read in oneDNN's source: each kernel's balance and init_scratchpad, cpu_reducer.cpp, memory_tracking.hpp). The
/// AVX-512 direct kernel's figures were checked against the counter: where it splits the batch, weight + bias + 128 B
/// and an 8,192-byte barrier (64→64 3×3 on 40×40 at batch 3: 156,032 B); with one output-channel block and a bias its
/// bias reducer adds 12,352 B (the seed SimpleCnn at batch 64: 25,536 B in all, bench/RESULTS.md).
/// </summary>
internal static partial class OneDnnConvolutionWork
{
    /// <summary>A float buffer's bytes as oneDNN books it: 128 bytes of alignment.</summary>
    private static long Floats(long count) => checked(4 * count + 128);

    /// <summary>A barrier context: 4,096 bytes aligned to 4,096.</summary>
    private const long Barrier = 8192;

    /// <summary>oneDNN's buffer cap for the AVX2 kernel's reducers, in elements.</summary>
    private const long Avx2ReducerElements = 1L << 21;

    /// <summary>The threads oneDNN runs with (the measured profile's).</summary>
    internal sealed partial record Problem
    {
        public int Threads { get; init; } = GemmThreads;

        /// <summary>The first batch the pass stands for, which the split is decided at (<see cref="ReductionPlan"/>).</summary>
        public long Batch { get; init; } = 2;

        /// <summary>The reduction scratchpad this pass counts (<see cref="PassReduction"/>).</summary>
        public long Reduction { get; init; }
    }

    /// <summary>
    /// The reduction scratchpad at <paramref name="batch"/> images; <paramref name="costs"/>, where given, receives every
    /// cost the balancers compare.
    /// </summary>
    public static long ReductionBytes(Problem p, long batch, List<ComparedCost>? costs = null)
    {
        if (!p.WeightNeedsGradient || UsesGemmBackwardWeights(p) || p.Spatial is not { } g) return 0;
        if (p.Depthwise) return DepthwiseReduction(p, batch);
        var twoD = g.InSizes.Length == 2;
        long inH = twoD ? g.InSizes[0] : 1, inW = g.InSizes[g.InSizes.Length - 1];
        long kH = twoD ? g.Kernel[0] : 1, kW = g.Kernel[g.Kernel.Length - 1];
        long sH = twoD ? g.Stride[0] : 1, sW = g.Stride[g.Stride.Length - 1];
        long pH = twoD ? g.Padding[0] : 0, pW = g.Padding[g.Padding.Length - 1];
        long outH = (inH + 2 * pH - kH) / sH + 1, outW = (inW + 2 * pW - kW) / sW + 1;
        var threads = p.Threads;
        if (p.OneByOneKernel)
        {
            var (inBlocks, outBlocks) = (Blocks(p.InChannels, 16), Blocks(p.OutChannels, 16));
            var positions = outH * outW;
            var split = OneDnnWeightGradientSplit.OneByOne(positions, OneDnnWeightGradientSplit.OneByOneReduceBlock(positions, outW),
                inBlocks, outBlocks, batch, threads, costs);
            var weights = split.Batch > 1 ? Floats(256 * outBlocks * inBlocks * (split.Batch - 1)) + Barrier : 0;
            return checked(weights + BiasReducer(p, split.Threads, 16, outBlocks, batch, costs));
        }
        if (p.InChannels is >= 4 and < 16)
        {
            // The AVX2 kernel: 8-channel blocks, its reducers sized by every thread.
            var outBlocks = Blocks(p.OutChannels, 8);
            var job = checked(kH * kW * 64);
            var bias = p.Bias
                ? OneDnnReduceBalancer.Balance(threads, 8, outBlocks, batch, Avx2ReducerElements, costs).ScratchpadBytes(8) : 0;
            var plan = OneDnnReduceBalancer.Balance(threads, job, Blocks(p.InChannels, 8) * outBlocks, batch, Avx2ReducerElements, costs);
            return checked(bias + plan.ScratchpadBytes(job));
        }
        {
            // The AVX-512 direct kernel: 1–3 input channels unblocked (the first layer), else 16-channel blocks.
            var first = p.InChannels < 16;
            var (inBlock, inBlocks, outBlocks) = (first ? p.InChannels : 16, first ? 1 : Blocks(p.InChannels, 16), Blocks(p.OutChannels, 16));
            var shape = new OneDnnWeightGradientSplit.Shape(inH, inW, outH, outW, kH, kW, sH, sW, inBlocks, inBlock, outBlocks, 16);
            var split = OneDnnWeightGradientSplit.Direct(shape, batch, threads, costs);
            var weights = split.Batch > 1
                ? Floats(16 * outBlocks * (inBlock * inBlocks * kH * kW + 1) * (split.Batch - 1)) + Barrier : 0;
            return checked(weights + BiasReducer(p, split.Threads, 16, outBlocks, batch, costs));
        }
    }

    /// <summary>
    /// Where the reduction scratchpad changes over the batches from 2 on (each change gets a pass of its own), or null
    /// where it changes at more batches than <paramref name="limit"/>.
    /// </summary>
    public static BatchPlan? ReductionPlan(Problem p, int limit)
    {
        var period = p.Spatial is { } g && !p.OneByOneKernel ? 2L * g.Stride[0] * g.Stride[g.Stride.Length - 1] : 2L;
        return BatchRegimes.Plan((batch, costs) => ReductionBytes(p, batch, costs), period, limit);
    }

    /// <summary>The reduction scratchpad the pass counts, at its first batch (<see cref="Problem.Batch"/>).</summary>
    public static long PassReduction(Problem p, BatchPlan? plan) =>
        p.AtBatchOne || plan is null ? ReductionBytes(p, p.Batch) : plan.At(p.Batch, (batch, costs) => ReductionBytes(p, batch, costs));

    /// <summary>The AVX-512 kernels' bias reducer: 16-channel jobs over the batch, among the threads the balance used.</summary>
    private static long BiasReducer(Problem p, long threads, long job, long jobs, long batch, List<ComparedCost>? costs) =>
        !p.Bias ? 0 : OneDnnReduceBalancer.Balance(threads, job, jobs, batch, threads * 19200, costs).ScratchpadBytes(job);

    private static long Blocks(long channels, long block) => (channels + block - 1) / block;
}
