using System;
using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// How oneDNN shares a reduction between threads (its reduce_balancer_t, cpu_reducer.cpp): jobs of JobSize elements,
/// each a sum over Reduction terms (a weight-gradient block over the batch), go to groups of threads; the threads of a
/// group past the first write partial sums into a scratchpad, which the group then adds up.
/// </summary>
internal readonly record struct ReducerPlan(long Groups, long ThreadsPerGroup, long JobsPerGroup)
{
    /// <summary>oneDNN aligns the partial sums and each barrier context to a 4,096-byte page.</summary>
    private const long Page = 4096;

    /// <summary>
    /// Bytes booked: each group's partial sums (4-byte floats) with a page of alignment, and one barrier context per
    /// group (a page each) with a page of alignment; nothing where no job is shared.
    /// </summary>
    public long ScratchpadBytes(long jobSize) => ThreadsPerGroup <= 1 ? 0
        : checked(4 * Groups * (ThreadsPerGroup - 1) * JobsPerGroup * jobSize + Page + Page * Groups + Page);
}

/// <summary>oneDNN's reduce_balancer_t::balance, read in oneDNN's source.</summary>
internal static class OneDnnReduceBalancer
{
    /// <param name="costs">Where given, receives every cost the balance compares (for <see cref="BatchRegimes"/>).</param>
    public static ReducerPlan Balance(long threads, long jobSize, long jobs, long reduction, long maxBufferElements,
        List<ComparedCost>? costs = null)
    {
        var fewestJobs = Math.Max(1, jobs / threads);
        var mostJobs = Math.Max(1, maxBufferElements / (threads * jobSize));
        var groups = Math.Min(jobs / fewestJobs, threads);
        var plan = new ReducerPlan(groups, Math.Min(threads / groups, reduction), DivUp(jobs, groups));
        var best = checked(jobs * jobSize * reduction);
        var group = costs?.Count ?? 0;
        costs?.Add(new ComparedCost(group, best, CostRatios.Equal));
        // Jobs per group that give as many groups cost the same, and the first of them wins: one step per group count.
        for (var perGroup = fewestJobs; perGroup < jobs; perGroup = Math.Max(perGroup + 1, jobs / Math.Min(jobs / perGroup, threads) + 1))
        {
            var g = Math.Min(jobs / perGroup, threads);
            var sharing = Math.Min(threads / g, reduction);
            var jobsPerGroup = DivUp(jobs, g);
            if (sharing > 1 && jobsPerGroup > mostJobs) continue;
            var cost = checked(jobSize * jobsPerGroup * (DivUp(reduction, sharing) + (sharing != 1 ? 1 : 0)));
            costs?.Add(new ComparedCost(group, cost, CostRatios.Equal));
            if (cost < best) (plan, best) = (new ReducerPlan(g, sharing, jobsPerGroup), cost);
        }
        return plan;
    }

    private static long DivUp(long a, long b) => (a + b - 1) / b;
}
