using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// MemoryReport.PerDevice against the formulas docs/multi-device.md documents (the ZeRO paper's partitioning, with
/// DeepSpeed's estimator's "largest layer" for ZeRO-3), on every zoo model whose table is complete. The largest layer
/// is measured on the real TorchSharp module (named_modules, own parameters), not read from the report.
/// </summary>
public class DevicePlanTests
{
    private static readonly int[] DeviceCounts = { 1, 2, 3, 8 };

    public static TheoryData<Type> CompleteModels()
    {
        var models = new TheoryData<Type>();
        foreach (var type in ZooModels.Types.Where(t => Report(t).Memory?.PeakLines is not null)) models.Add(type);
        return models;
    }

    [Theory]
    [MemberData(nameof(CompleteModels))]
    public void Per_device_rows_follow_the_documented_formulas(Type model)
    {
        var report = Report(model);
        var largestLayer = LargestLayerBytes(model, report.DType);
        foreach (var devices in DeviceCounts)
        {
            foreach (var strategy in Enum.GetValues<Sharding>())
            {
                var plan = report.PerDevice(devices, strategy);
                foreach (var batch in new long[] { 1, 2, 16 })
                {
                    var single = report.ForBatch(batch);
                    var row = plan.ForBatch(batch);
                    long Split(long bytes) => (bytes + devices - 1) / devices;
                    var (parameters, gradients, optimizer, gathered) = strategy switch
                    {
                        Sharding.DataParallel => (single.Parameters, single.Gradients, single.OptimizerState, 0L),
                        Sharding.ZeroStage1 => (single.Parameters, single.Gradients, Split(single.OptimizerState), 0L),
                        Sharding.ZeroStage2 => (single.Parameters, Split(single.Gradients), Split(single.OptimizerState), 0L),
                        _ => (Split(single.Parameters), Split(single.Gradients), Split(single.OptimizerState), largestLayer),
                    };
                    Assert.Equal(parameters, row.Parameters);
                    Assert.Equal(gradients, row.Gradients);
                    Assert.Equal(optimizer, row.OptimizerState);
                    Assert.Equal(single.Buffers, row.Buffers);
                    Assert.Equal(single.Input, row.Input);
                    Assert.Equal(single.Activations, row.Activations);
                    var expectedPeak = single.Peak - single.Parameters - single.Gradients - single.OptimizerState
                        + parameters + gradients + optimizer + gathered;
                    Assert.Equal(expectedPeak, row.Peak);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(CompleteModels))]
    public void One_device_without_parameter_sharding_is_the_single_device_table(Type model)
    {
        var report = Report(model);
        foreach (var strategy in new[] { Sharding.DataParallel, Sharding.ZeroStage1, Sharding.ZeroStage2 })
        {
            var plan = report.PerDevice(1, strategy);
            foreach (var batch in report.BatchSizes)
            {
                Assert.Equal(report.ForBatch(batch).Peak, plan.ForBatch(batch).Peak);
            }
            Assert.Equal(report.MaxBatchSize(8L << 30), plan.MaxBatchSize(8L << 30));
        }
    }

    /// <summary>The largest per-device batch agrees with walking the per-device peaks.</summary>
    [Fact]
    public void Largest_per_device_batch_equals_a_walk_over_the_per_device_peaks()
    {
        var report = Report(ZooModels.Find("ResNet18"));
        const long budget = 1L << 30;
        foreach (var strategy in Enum.GetValues<Sharding>())
        {
            var plan = report.PerDevice(4, strategy);
            long walked = 0;
            while (plan.ForBatch(walked + 1).Peak <= budget * 0.8) walked++;
            Assert.Equal(walked, plan.MaxBatchSize(budget));
        }
        // Sharding only removes resident bytes, so a ZeRO stage never fits fewer samples than data parallelism.
        Assert.True(report.PerDevice(4, Sharding.ZeroStage2).MaxBatchSize(budget) >= report.PerDevice(4, Sharding.DataParallel).MaxBatchSize(budget));
    }

    /// <summary>
    /// With Adam in Float32 a parameter costs 4 + 4 + 8 = 16 bytes of model state (Ψ parameters): the ZeRO paper's
    /// per-device model states are 16Ψ (DP), 8Ψ + 8Ψ/N (stage 1), 4Ψ + 12Ψ/N (stage 2) and 16Ψ/N (stage 3).
    /// </summary>
    [Fact]
    public void Adam_float32_model_states_match_the_zero_paper()
    {
        var report = ZooModels.Types.Select(Report)
            .First(r => r is { Optimizer: OptimizerKind.Adam, DType: torch.ScalarType.Float32, Memory.PeakLines: not null }
                && r.TrainableParameterCount == r.ParameterCount);
        var psi = report.ParameterCount!.Value;
        const int n = 8;
        long States(Sharding s) { var r = report.PerDevice(n, s).ForBatch(1); return r.Parameters + r.Gradients + r.OptimizerState; }
        Assert.Equal(16 * psi, States(Sharding.DataParallel));
        Assert.InRange(States(Sharding.ZeroStage1) - (8 * psi + 8 * psi / n), 0, 2);
        Assert.InRange(States(Sharding.ZeroStage2) - (4 * psi + 12 * psi / n), 0, 2);
        Assert.InRange(States(Sharding.ZeroStage3) - 16 * psi / n, 0, 3);
    }

    [Fact]
    public void Bad_arguments_and_unknown_tables_are_refused()
    {
        var report = Report(ZooModels.Find("ResNet18"));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.PerDevice(0, Sharding.ZeroStage1));
        Assert.Throws<ArgumentOutOfRangeException>(() => report.PerDevice(2, (Sharding)42));
        var incomplete = ZooModels.Types.Select(Report).First(r => r.Memory?.PeakLines is null);
        Assert.Throws<InvalidOperationException>(() => incomplete.PerDevice(2, Sharding.DataParallel));
    }

    private static MemoryReport Report(Type model) =>
        (MemoryReport)model.GetProperty("MemoryReport")!.GetValue(null)!;

    /// <summary>DeepSpeed's "largest layer": the most parameters any module registers itself, times (parameter + gradient) bytes.</summary>
    private static long LargestLayerBytes(Type model, torch.ScalarType dtype)
    {
        using var module = ZooModels.CreateFromAttribute(model);
        if (dtype != torch.ScalarType.Float32) module.to(dtype);
        static long Own(torch.nn.Module m) =>
            m.named_parameters(recurse: false).Sum(p => p.parameter.numel() * p.parameter.ElementSize * (p.parameter.requires_grad ? 2 : 1));
        return module.named_modules().Select(m => Own(m.module)).Append(Own(module)).Max();
    }
}
