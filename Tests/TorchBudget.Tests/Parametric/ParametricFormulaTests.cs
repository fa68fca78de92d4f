using System;
using System.Linq;
using TorchBudget.Tests.Zoo;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Parametric;

/// <summary>
/// Issue #7 item 3: ParameterCountFor/MemoryReportFor at constructor arguments other than the profiled ones equal what
/// TorchSharp builds from those arguments: parameters().Sum(numel), those with requires_grad, buffers().Sum(numel), and
/// each named module's own parameters.
/// </summary>
public sealed class ParametricFormulaTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in ParametricCases.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counts_equal_the_real_module_built_from_the_same_arguments(string name)
    {
        var @case = ParametricCases.All[name];
        using var module = @case.Create();
        var parameters = module.parameters().ToList();
        long total = parameters.Sum(p => p.numel()), trainable = parameters.Where(p => p.requires_grad).Sum(p => p.numel()),
            buffers = module.buffers().Sum(b => b.numel());
        var report = @case.MemoryReportFor();
        output.WriteLine($"{name}: parameters() {total:N0} (ParameterCountFor {@case.ParameterCountFor():N0}), trainable {trainable:N0}, "
            + $"buffer elements {buffers:N0}");

        Assert.Equal(total, @case.ParameterCountFor());
        Assert.Equal(total, report.ParameterCount);
        Assert.Equal(trainable, report.TrainableParameterCount);
        Assert.Equal(buffers, report.BufferElements);
        var real = module.named_modules().Where(m => m.name.Length > 0)
            .ToDictionary(m => m.name, m => m.module.named_parameters(recurse: false).Sum(p => p.parameter.numel()));
        foreach (var layer in report.Layers)
            Assert.True(real.TryGetValue(layer.Name, out var own) && own == layer.ParameterCount,
                $"{layer.Name}: predicted {layer.ParameterCount}, real {(real.TryGetValue(layer.Name, out var r) ? r : "no such module")}");
        Assert.Equal(real.Keys.OrderBy(k => k), report.Layers.Select(l => l.Name).OrderBy(k => k));
    }

    [Fact]
    public void The_profiled_arguments_give_the_full_report() =>
        Assert.Same(StackedMlp.MemoryReport, StackedMlp.MemoryReportFor(32, 64, 3, 10));

    [Fact]
    public void Away_from_the_profiled_arguments_forward_rows_are_unknown_and_the_notes_say_why()
    {
        var report = StackedMlp.MemoryReportFor(10, 128, 1, 2);
        Assert.False(report.IsComplete);
        Assert.Null(report.Memory!.Activations);
        Assert.Null(report.Memory.PeakLines);
        Assert.Contains(report.Notes, n => n.Contains("hidden = 128", StringComparison.Ordinal) && n.Contains("exact", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.Contains("Activations, the peak and the inference table are unknown", StringComparison.Ordinal));
    }

    /// <summary>
    /// Away from the profiled sizes a report prints and renders like any other, and batch search works where the peak
    /// is known (the harness checks that peak against real steps) and refuses where it is not.
    /// </summary>
    [Fact]
    public void A_report_at_other_sizes_prints_searches_and_says_what_it_does_not_know()
    {
        const long budget = 1L << 30;
        var report = StackedMlp.MemoryReportFor(32, 512, 4, 10);
        var markdown = report.ToMarkdown();
        Assert.Contains("The inference table is unknown at these sizes", markdown, StringComparison.Ordinal);
        var html = report.ToHtml(budget);
        Assert.Contains("StackedMlp", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        var largest = report.MaxBatchSize(budget);
        Assert.True(largest > 0);
        Assert.True(report.ForBatch(largest).Peak <= 0.8 * budget && report.ForBatch(largest + 1).Peak > 0.8 * budget);

        var convolutional = WidthScaledConvNet.MemoryReportFor(16, 5, 3);
        Assert.Contains("the peak and the inference table are unknown", convolutional.ToMarkdown(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => convolutional.MaxBatchSize(budget));
    }

    /// <summary>Depths beyond the followed ones (1 … 16, and the profiled 3) are not guessed.</summary>
    [Fact]
    public void A_depth_no_path_covers_throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => StackedMlp.ParameterCountFor(32, 64, 17, 10));
        output.WriteLine(error.Message);
        Assert.Contains("depth = 17", error.Message, StringComparison.Ordinal);
        // The sixteen depth paths read as one range, and no loop test is listed one by one.
        Assert.Contains("inputs >= 1 and hidden >= 1 and depth in 1–16 and classes >= 1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("depth > 2", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// GroupNorm(4, 2 × width) needs an even width. TorchSharp 0.107 builds GroupNorm(4, 6) but its forward fails; the
    /// formulas, whose path records that divisibility, refuse the odd width rather than count a model that cannot run.
    /// </summary>
    [Fact]
    public void Sizes_the_model_cannot_run_with_are_refused()
    {
        using var odd = new WidthScaledConvNet(3, 10, 2);
        Assert.ThrowsAny<Exception>(() => odd.call(TorchSharp.torch.zeros(1, 3, 16, 16)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WidthScaledConvNet.ParameterCountFor(3, 10, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => StackedMlp.ParameterCountFor(32, 0, 3, 10));
    }
}
