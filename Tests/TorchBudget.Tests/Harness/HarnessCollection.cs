using Xunit;

namespace TorchBudget.Tests.Harness;

/// <summary>
/// The CPU counter sees every tensor allocation in the process, so tests that measure with it run alone:
/// after the parallel tests, never beside another test that allocates tensors.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HarnessCollection
{
    public const string Name = "Harness (runs alone)";
}
