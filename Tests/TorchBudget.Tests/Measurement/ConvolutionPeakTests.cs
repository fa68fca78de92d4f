using System;
using System.Linq;
using System.Reflection;
using TorchBudget.Samples.Models;
using TorchBudget.Tests.Harness;
using TorchBudget.Tests.Zoo;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Measurement;

/// <summary>
/// Float32 convolution models at batch sizes where the convolutions' backward (oneDNN's blocked copies) is the
/// step's peak, against the allocation tracker: the modeled oneDNN work must hold beyond the small batches of
/// <see cref="MemoryTableTests"/>. FrozenFeatureExtractor peaks in forward (its convolutions are frozen);
/// SmallResNet, GroupNormCnn and ResNet18 have stride-2 convolutions whose input needs a gradient (oneDNN's strided
/// backward-data kernel, channels-last). M5Audio's first layer (80 wide) runs oneDNN's gemm backward-weights, whose
/// batch-independent scratchpad (399,616 bytes) sets the peak at B = 2; at 32 the peak is bn1's backward, whose
/// input-sized transient the table must count.
/// </summary>
public class ConvolutionPeakTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(typeof(SimpleCnn), 64, "backward")]
    [InlineData(typeof(LeNet5), 64, "backward")]
    [InlineData(typeof(NormalizedInputNet), 64, "backward")]
    [InlineData(typeof(BatchNormCnn), 32, "backward")]
    [InlineData(typeof(FrozenFeatureExtractor), 32, "forward")]
    [InlineData(typeof(SmallResNet), 32, "backward")]
    [InlineData(typeof(GroupNormCnn), 32, "backward")]
    [InlineData(typeof(ResNet18), 8, "backward")]
    [InlineData(typeof(M5Audio), 32, "backward")]
    public void Peak_holds_where_the_convolutions_set_it(Type model, long batch, string peakPhase)
    {
        var report = (MemoryReport)model.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var memory = report.Memory!;
        Assert.NotNull(memory.PeakLines);
        Assert.Contains(report.Notes, n => n.Contains("oneDNN's AVX-512 convolution kernels", StringComparison.Ordinal));
        // The peak holds for the kernels it names; on another machine the harness compares it not at all.
        Assert.True(report.PeaksFollowKernels);
        if (!HostProfile.Holds(report)) return;
        var measured = MeasuredStep.Measure(model.Name, batch, report.DType.ToString(), report.Optimizer.ToString());
        Assert.Equal(peakPhase, measured.PhasePeaks.MaxBy(p => p.Value).Key);
        var error = (memory.PeakAt(batch) - measured.PeakOfTableRows) / (double)measured.PeakOfTableRows;
        output.WriteLine($"{model.Name} B={batch}: predicted {memory.PeakAt(batch):N0}, measured {measured.PeakOfTableRows:N0} "
            + $"({error:+0.000%;-0.000%}), peak phase {peakPhase}");
        Assert.True(Math.Abs(error) <= 0.05,
            $"{model.Name} at B={batch}: predicted peak {memory.PeakAt(batch):N0}, measured {measured.PeakOfTableRows:N0} ({error:P2})");
    }
}
