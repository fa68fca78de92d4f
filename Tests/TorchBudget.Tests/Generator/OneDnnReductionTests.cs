using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Layers;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// oneDNN's backward-weights reduction scratchpad (its balance, read in oneDNN's source) against what the counter measured
/// on an AVX-512 machine with 2 threads (bench/RESULTS.md, third and fourth sessions), and the batch regimes the
/// analysis follows against every batch up to 3,000.
/// </summary>
public sealed class OneDnnReductionTests
{
    [Theory]
    // 64→64 3×3 on 40×40 at batch 3: the Peak was low by exactly weight + 4·cout + 8,320 B.
    [InlineData(64, 64, 3, 1, 0, 40, true, 3, 156_032)]
    // The seed SimpleCnn's conv1 at batch 64: README's measured peak is its old prediction + 25,536 B, bias reducer included.
    [InlineData(3, 6, 5, 1, 0, 32, true, 64, 25_536)]
    // docs/memory-model.md's gaps at batch 64: NormalizedInputNet's 3→16 −22,464 B; LeNet5's 1→6 −22,528 B, of which 192 B
    // were the padded bias counted since; SmallResNet's 16→16 3×3 −17,600 B at batch 4 and 32.
    [InlineData(3, 16, 3, 1, 1, 32, true, 64, 22_464)]
    [InlineData(3, 16, 3, 1, 1, 32, true, 2, 22_464)]
    [InlineData(1, 6, 5, 1, 0, 32, true, 64, 22_336)]
    [InlineData(16, 16, 3, 1, 1, 32, false, 4, 17_600)]
    [InlineData(16, 16, 3, 1, 1, 32, false, 32, 17_600)]
    public void The_scratchpad_equals_what_the_counter_measured(long cin, long cout, long k, long s, long p, long n, bool bias, long batch,
        long bytes) =>
        Assert.Equal(bytes, OneDnnConvolutionWork.ReductionBytes(Problem(cin, cout, k, s, p, n, bias), batch));

    [Theory]
    // Recorded: 16→32 3×3 on 32×32 splits the batch; 3→32 2-wide stride 2 splits on 32×32 and 40×40, not on 16×16.
    [InlineData(16, 32, 3, 1, 0, 32, true)]
    [InlineData(3, 32, 2, 2, 0, 32, true)]
    [InlineData(3, 32, 2, 2, 0, 40, true)]
    [InlineData(3, 32, 2, 2, 0, 16, false)]
    public void The_batch_is_split_where_it_was_measured_split(long cin, long cout, long k, long s, long p, long n, bool splits)
    {
        var outSize = (n + 2 * p - k) / s + 1;
        var shape = new OneDnnWeightGradientSplit.Shape(n, n, outSize, outSize, k, k, s, s, cin < 16 ? 1 : cin / 16, cin < 16 ? cin : 16,
            (cout + 15) / 16, 16);
        foreach (var batch in new long[] { 2, 3, 4 })
            Assert.Equal(splits ? 2 : 1, OneDnnWeightGradientSplit.Direct(shape, batch, 2).Batch);
    }

    public static TheoryData<long, long, long, long, long, long, bool> Shapes()
    {
        var data = new TheoryData<long, long, long, long, long, long, bool>();
        foreach (var (cin, cout) in new[] { (1L, 16L), (3L, 64L), (8L, 24L), (16L, 32L), (32L, 32L), (64L, 128L), (128L, 256L), (256L, 256L) })
        {
            foreach (var (k, s, p, n) in new[] { (3L, 1L, 1L, 8L), (3L, 1L, 1L, 16L), (3L, 2L, 1L, 16L), (1L, 1L, 0L, 14L), (1L, 2L, 0L, 16L),
                (5L, 1L, 0L, 32L), (2L, 2L, 0L, 40L) })
                data.Add(cin, cout, k, s, p, n, cin % 2 == 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_regimes_are_the_batches_where_the_scratchpad_changes(long cin, long cout, long k, long s, long p, long n, bool bias)
    {
        var problem = Problem(cin, cout, k, s, p, n, bias);
        var plan = OneDnnConvolutionWork.ReductionPlan(problem, limit: 8);
        var brute = Enumerable.Range(2, 2999).Select(b => OneDnnConvolutionWork.ReductionBytes(problem, b)).ToList();
        var changes = Enumerable.Range(3, 2998).Where(b => brute[b - 2] != brute[b - 3]).Select(b => (long)b).ToList();
        if (plan is null)
        {
            Assert.True(changes.Count > 8, $"declined with {changes.Count} changes");
            return;
        }
        var upTo = plan.UpperFrom ?? long.MaxValue;
        Assert.Equal(changes.Where(b => b < upTo), plan.ChangesAt.Where(b => b < upTo));
        for (var batch = 2; batch <= 3000; batch++)
        {
            var modeled = plan.At(batch, (b, costs) => OneDnnConvolutionWork.ReductionBytes(problem, b, costs));
            var actual = brute[batch - 2];
            if (batch < upTo) Assert.Equal(actual, modeled);
            else Assert.InRange(modeled - actual, 0, plan.Gap);
        }
    }

    [Fact]
    public void A_choice_that_alternates_with_parity_is_bounded_from_where_it_starts()
    {
        // Chosen when 3·B beats 40 + the batch's parity × 100: from 14 on at even batches, from 47 on at every batch.
        static long Choice(long batch, List<ComparedCost>? costs)
        {
            var (split, keep) = (3 * batch, 40 + batch % 2 * 100);
            costs?.AddRange(new[] { new ComparedCost(0, split, CostRatios.Equal), new ComparedCost(0, keep, CostRatios.Equal) });
            return split > keep ? 1 : 0;
        }
        var plan = BatchRegimes.Plan(Choice, period: 2, limit: 8)!;
        Assert.Equal(new long[] { 14 }, plan.ChangesAt);
        Assert.Equal(14, plan.UpperFrom);
        Assert.Equal(1, plan.At(15, Choice));
    }

    private static OneDnnConvolutionWork.Problem Problem(long cin, long cout, long k, long s, long p, long n, bool bias)
    {
        var outSize = (n + 2 * p - k) / s + 1;
        return new OneDnnConvolutionWork.Problem(cin, cout, k * k, k, OneDnnConvolutionWork.UsesOneByOneKernel(new[] { k, k },
            new[] { p, p }, new[] { s, s }, new[] { n, n }), s != 1, n * n, outSize * outSize, bias, false, true)
        {
            Spatial = new OneDnnStridedBackwardData.Geometry(new[] { n, n }, new[] { k, k }, new[] { s, s }, new[] { p, p }),
        };
    }
}
