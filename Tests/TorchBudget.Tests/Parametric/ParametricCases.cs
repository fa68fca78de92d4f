using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Zoo;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Parametric;

/// <summary>
/// Constructor-argument sets for the generated ParameterCountFor/MemoryReportFor, each with the real TorchSharp
/// module built from the same arguments. The sets leave the profiled arguments: other widths, other depths (loop
/// counts and LSTM/GRU layer counts), on zoo models and on the two parametric models.
/// </summary>
internal static class ParametricCases
{
    public sealed record Case(Func<nn.Module<Tensor, Tensor>> Create, Func<long> ParameterCountFor, Func<MemoryReport> MemoryReportFor);

    public static readonly IReadOnlyDictionary<string, Case> All = new Dictionary<string, Case>
    {
        ["StackedMlp(10, 128, 1, 2)"] = new(() => new StackedMlp(10, 128, 1, 2), () => StackedMlp.ParameterCountFor(10, 128, 1, 2),
            () => StackedMlp.MemoryReportFor(10, 128, 1, 2)),
        ["StackedMlp(784, 256, 5, 10)"] = new(() => new StackedMlp(784, 256, 5, 10), () => StackedMlp.ParameterCountFor(784, 256, 5, 10),
            () => StackedMlp.MemoryReportFor(784, 256, 5, 10)),
        ["StackedMlp(32, 256, 5, 10)"] = new(() => new StackedMlp(32, 256, 5, 10), () => StackedMlp.ParameterCountFor(32, 256, 5, 10),
            () => StackedMlp.MemoryReportFor(32, 256, 5, 10)),
        ["StackedMlp(7, 33, 16, 3)"] = new(() => new StackedMlp(7, 33, 16, 3), () => StackedMlp.ParameterCountFor(7, 33, 16, 3),
            () => StackedMlp.MemoryReportFor(7, 33, 16, 3)),
        ["StackedMlp(1, 1, 2, 1)"] = new(() => new StackedMlp(1, 1, 2, 1), () => StackedMlp.ParameterCountFor(1, 1, 2, 1),
            () => StackedMlp.MemoryReportFor(1, 1, 2, 1)),
        ["WidthScaledConvNet(4, 3, 1)"] = new(() => new WidthScaledConvNet(4, 3, 1), () => WidthScaledConvNet.ParameterCountFor(4, 3, 1),
            () => WidthScaledConvNet.MemoryReportFor(4, 3, 1)),
        ["WidthScaledConvNet(16, 5, 3)"] = new(() => new WidthScaledConvNet(16, 5, 3), () => WidthScaledConvNet.ParameterCountFor(16, 5, 3),
            () => WidthScaledConvNet.MemoryReportFor(16, 5, 3)),
        ["WidthScaledConvNet(30, 7, 6)"] = new(() => new WidthScaledConvNet(30, 7, 6), () => WidthScaledConvNet.ParameterCountFor(30, 7, 6),
            () => WidthScaledConvNet.MemoryReportFor(30, 7, 6)),
        ["DepthScaledConvNet(1, 4)"] = new(() => new DepthScaledConvNet(1, 4), () => DepthScaledConvNet.ParameterCountFor(1, 4),
            () => DepthScaledConvNet.MemoryReportFor(1, 4)),
        ["DepthScaledConvNet(6, 10)"] = new(() => new DepthScaledConvNet(6, 10), () => DepthScaledConvNet.ParameterCountFor(6, 10),
            () => DepthScaledConvNet.MemoryReportFor(6, 10)),
        ["ResidualMlp(100, 1.5, 3)"] = new(() => new ResidualMlp(100, 1.5, 3), () => ResidualMlp.ParameterCountFor(100, 3),
            () => ResidualMlp.MemoryReportFor(100, 3)),
        ["ResidualMlp(64, 1.5, 7)"] = new(() => new ResidualMlp(64, 1.5, 7), () => ResidualMlp.ParameterCountFor(64, 7),
            () => ResidualMlp.MemoryReportFor(64, 7)),
        ["GruTagger(1000, 32, 48, 5, 3)"] = new(() => new GruTagger(1000, 32, 48, 5, 3), () => GruTagger.ParameterCountFor(1000, 32, 48, 5, 3),
            () => GruTagger.MemoryReportFor(1000, 32, 48, 5, 3)),
        ["SmallResNet([2, 2, 2], 8, 4)"] = new(() => new SmallResNet(new long[] { 2, 2, 2 }, 8, 4), () => SmallResNet.ParameterCountFor(8, 4),
            () => SmallResNet.MemoryReportFor(8, 4)),
        ["SmallResNet([2, 2, 2], 32, 100)"] = new(() => new SmallResNet(new long[] { 2, 2, 2 }, 32, 100),
            () => SmallResNet.ParameterCountFor(32, 100), () => SmallResNet.MemoryReportFor(32, 100)),
        ["CifarMlp(3072, 512, 10)"] = new(() => new TorchBudget.Samples.Models.CifarMlp(3072, 512, 10),
            () => TorchBudget.Samples.Models.CifarMlp.ParameterCountFor(3072, 512, 10),
            () => TorchBudget.Samples.Models.CifarMlp.MemoryReportFor(3072, 512, 10)),
        ["BagOfWordsBilinear(500, 7)"] = new(() => new BagOfWordsBilinear(500, 7), () => BagOfWordsBilinear.ParameterCountFor(500, 7),
            () => BagOfWordsBilinear.MemoryReportFor(500, 7)),
        ["M5Audio(2, 10, 16, 16)"] = new(() => new M5Audio(2, 10, 16, 16), () => M5Audio.ParameterCountFor(2, 10, 16, 16),
            () => M5Audio.MemoryReportFor(2, 10, 16, 16)),
    };

    public static IEnumerable<string> Names => All.Keys;
}
