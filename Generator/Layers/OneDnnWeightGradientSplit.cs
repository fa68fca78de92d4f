using System;
using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// How oneDNN's AVX-512 backward-weights kernels divide their threads between the batch, output-channel blocks and
/// input-channel blocks (each kernel's <c>balance</c>, read in oneDNN's source): the direct kernel (jit_avx512_common_conv)
/// takes the lowest memory-traffic cost, then a lower compute cost within 110 % of that traffic; the 1×1 kernel the
/// lowest traffic. Each batch thread past the first writes its own weight gradient, which oneDNN books as a reduction
/// scratchpad (<see cref="OneDnnConvolutionWork.ReductionBytes"/>).
/// </summary>
internal static class OneDnnWeightGradientSplit
{
    /// <summary>oneDNN's min_oh_reduce: the direct kernel reduces taller outputs over rows as well as images.</summary>
    private const long RowsPerReduction = 9;

    /// <summary>The direct kernel's view of a 2-d convolution (a 1-d one has height 1), channels in blocks.</summary>
    internal sealed record Shape(long InHeight, long InWidth, long OutHeight, long OutWidth, long KernelHeight, long KernelWidth,
        long StrideHeight, long StrideWidth, long InBlocks, long InBlock, long OutBlocks, long OutBlock);

    /// <summary>A division of the threads: batch (with rows), output-channel blocks, input-channel blocks.</summary>
    internal readonly record struct Split(long Batch, long OutBlocks, long InBlocks)
    {
        public long Threads => Batch * OutBlocks * InBlocks;
    }

    /// <param name="costs">Where given, receives every cost the balance compares (for <see cref="BatchRegimes"/>).</param>
    public static Split Direct(Shape s, long batch, long threads, List<ComparedCost>? costs = null)
    {
        var reducesRows = s.OutHeight > RowsPerReduction;
        long inRows = reducesRows ? s.InHeight : 1, outRows = reducesRows ? s.OutHeight : 1;
        long inHeight = reducesRows ? 1 : s.InHeight, outHeight = reducesRows ? 1 : s.OutHeight;
        var rowThreads = Math.Max(1, outRows / RowsPerReduction);
        // Per-thread traffic: the thread's source and gradient slices once, its weight gradient 8 times (oneDNN's weights).
        long Memory(Split t) =>
            checked(DivUp(batch * inRows, t.Batch) * DivUp(s.InBlocks, t.InBlocks) * s.InBlock * inHeight * s.InWidth
                    / s.StrideHeight / s.StrideWidth
                + DivUp(batch * outRows, t.Batch) * DivUp(s.OutBlocks, t.OutBlocks) * s.OutBlock * outHeight * s.OutWidth
                + 8 * DivUp(s.OutBlocks, t.OutBlocks) * DivUp(s.InBlocks, t.InBlocks) * s.KernelHeight * s.KernelWidth * s.InBlock * s.OutBlock);
        long Compute(Split t) => checked(DivUp(batch * outRows, t.Batch) * DivUp(s.OutBlocks, t.OutBlocks) * DivUp(s.InBlocks, t.InBlocks));

        var candidates = Candidates(threads, Math.Min(threads, batch * rowThreads), s.OutBlocks, s.InBlocks);
        var (memoryGroup, computeGroup) = (costs?.Count ?? 0, (costs?.Count ?? 0) + 1);
        var best = new Split(1, 1, 1);
        var bestMemory = Memory(best);
        costs?.Add(new ComparedCost(memoryGroup, bestMemory, CostRatios.WithinTenth));
        foreach (var t in candidates)
        {
            var memory = Memory(t);
            costs?.Add(new ComparedCost(memoryGroup, memory, CostRatios.WithinTenth));
            if (memory <= bestMemory) (best, bestMemory) = (t, memory);
        }
        var bestCompute = Compute(best);
        costs?.Add(new ComparedCost(computeGroup, bestCompute, CostRatios.ThreeQuarters));
        foreach (var t in candidates)
        {
            var compute = Compute(t);
            costs?.Add(new ComparedCost(computeGroup, compute, CostRatios.ThreeQuarters));
            var cheaper = compute <= bestCompute && (double)Memory(t) < 1.1 * bestMemory;
            if (cheaper || 4 * compute <= 3 * bestCompute) (best, bestCompute) = (t, compute);
        }
        return best.Batch > threads / 2 && best.Batch < threads ? best with { Batch = Math.Min(batch * rowThreads, threads) } : best;
    }

    /// <summary>
    /// The 1×1 kernel's balance: <paramref name="positions"/> output positions (a strided input is first copied to
    /// the output's grid) reduced in blocks of <paramref name="reduceBlock"/>; 16-channel blocks.
    /// </summary>
    public static Split OneByOne(long positions, long reduceBlock, long inBlocks, long outBlocks, long batch, long threads,
        List<ComparedCost>? costs = null)
    {
        var reductions = DivUp(positions, reduceBlock);
        long Memory(Split t) =>
            checked(DivUp(batch * reductions, t.Batch) * DivUp(inBlocks, t.InBlocks) * 16 * reduceBlock
                + DivUp(batch * reductions, t.Batch) * DivUp(outBlocks, t.OutBlocks) * 16 * reduceBlock
                + 12 * DivUp(outBlocks, t.OutBlocks) * DivUp(inBlocks, t.InBlocks) * 16 * 16);
        var group = costs?.Count ?? 0;
        var best = new Split(1, 1, 1);
        var bestMemory = Memory(best);
        costs?.Add(new ComparedCost(group, bestMemory, CostRatios.Equal));
        foreach (var t in Candidates(threads, Math.Min(threads, batch * reductions), outBlocks, inBlocks))
        {
            var memory = Memory(t);
            costs?.Add(new ComparedCost(group, memory, CostRatios.Equal));
            if (memory <= bestMemory) (best, bestMemory) = (t, memory);
        }
        return best.Batch > threads / 2 && best.Batch < threads ? best with { Batch = Math.Min(batch, threads) } : best;
    }

    /// <summary>
    /// The 1×1 kernel's reduction block over <paramref name="positions"/> output positions of rows <paramref name="width"/>
    /// wide: a divisor of 7–16 positions, else of the row, else 1 past 256.
    /// </summary>
    public static long OneByOneReduceBlock(long positions, long width)
    {
        var block = BestDivider(positions, 7, 16, largest: true);
        if (positions % block != 0) block = BestDivider(width, 4, width, largest: false);
        return block > 256 ? 1 : block;
    }

    /// <summary>oneDNN's best_divider: the divisor in [low, high] that pads <paramref name="value"/> least.</summary>
    private static long BestDivider(long value, long low, long high, bool largest)
    {
        high = Math.Max(1, Math.Min(high, value));
        low = Math.Max(1, Math.Min(low, high));
        var (best, leastLoss) = (high, float.MaxValue);
        for (var d = high; d >= low; d--)
        {
            var padded = DivUp(value, d) * d;
            var loss = (float)(padded - value) / padded;
            if (largest ? loss < leastLoss : loss <= leastLoss) (best, leastLoss) = (d, loss);
        }
        return best;
    }

    private static List<Split> Candidates(long threads, long maxBatchThreads, long outBlocks, long inBlocks)
    {
        var candidates = new List<Split>();
        for (long batch = 1; batch <= maxBatchThreads; batch++)
        {
            var rest = threads / batch;
            for (long outThreads = 1; outThreads <= Math.Min(rest, outBlocks); outThreads++)
                candidates.Add(new Split(batch, outThreads, Math.Min(rest / outThreads, inBlocks)));
        }
        return candidates;
    }

    private static long DivUp(long a, long b) => (a + b - 1) / b;
}
