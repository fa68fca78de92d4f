using System;
using System.Linq;
using System.Reflection;
using TorchBudget.Harness;
using TorchBudget.Tests.Zoo;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Harness;

/// <summary>The harness on the CPU over the whole zoo: every report's figures hold against a real training step.</summary>
[Collection(HarnessCollection.Name)]
public sealed class ZooVerificationTests(ITestOutputHelper output)
{
    private const long BatchSize = 2;

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void Every_predicted_figure_of_the_zoo_model_holds_on_the_cpu(Type modelType)
    {
        var report = (MemoryReport)modelType.GetProperty("MemoryReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        using var model = ZooModels.Create(modelType);
        var result = MemoryHarness.Verify(model, report, torch.CPU, BatchSize);
        output.WriteLine(result.ToString());

        Assert.True(result.Passed, result.ToString());
        // Counts and the resident rows are always predicted for the zoo; the harness must have checked them.
        foreach (var row in new[] { "ParameterCount", "TrainableParameterCount", "Parameters", "Buffers" })
            Assert.Equal(VerificationOutcome.Passed, result.Rows.Single(r => r.Name == row).Outcome);
        // A layer with a predicted shape is never left unchecked.
        Assert.DoesNotContain(result.Layers, l => l.Predicted is not null && l.Outcome != VerificationOutcome.Passed);
    }
}
