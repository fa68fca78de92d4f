using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchBudget.Tests.Zoo;

namespace TorchBudget.Tests.Reporting;

/// <summary>Generated reports of the zoo, and copies of one with a part replaced (an unknown Peak, names from user code).</summary>
internal static class ReportFixtures
{
    public static MemoryReport Of(Type model) =>
        (MemoryReport)model.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    public static IEnumerable<MemoryReport> Zoo => ZooModels.Types.Select(Of);

    /// <summary><paramref name="report"/> with its Peak unknown (the rows it knows kept) and a note saying so.</summary>
    public static MemoryReport WithoutPeak(MemoryReport report)
    {
        var m = report.Memory!;
        var memory = new MemoryModel(m.ParameterBytes, m.BufferBytes, m.GradientBytes, m.OptimizerStateBytes, m.InputBytesPerSample, m.Activations,
            peakLines: null);
        return Copy(report, memory: memory, notes: report.Notes.Append("Peak is unknown: a test took it out.").ToArray(), isComplete: false);
    }

    public static MemoryReport Copy(MemoryReport report, string? name = null, MemoryModel? memory = null, bool keepMemory = true,
        string[]? notes = null, LayerReport[]? layers = null, bool? isComplete = null) =>
        new(name ?? report.ModelName, report.InputShape.ToArray(), report.DType, report.InputDType, report.Optimizer, report.BatchSizes.ToArray(),
            report.ParameterCount, report.TrainableParameterCount, report.BufferElements, isComplete ?? report.IsComplete,
            notes ?? report.Notes.ToArray(), layers ?? report.Layers.ToArray(), report.OutputShape?.ToString(),
            memory ?? (keepMemory ? report.Memory : null))
        {
            KernelProfile = report.KernelProfile,
        };
}
