using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TorchBudget.Tests.Zoo;

/// <summary>The source files the zoo project compiles: its own models and the samples' models it links (see its project file).</summary>
public static class ZooSources
{
    public static IEnumerable<string> Files()
    {
        var zoo = Path.Combine(RepositoryRoot.Path, "Tests", "TorchBudget.Zoo");
        var samples = Path.Combine(RepositoryRoot.Path, "Samples", "TorchBudget.Samples", "Models");
        return Directory.GetFiles(Path.Combine(zoo, "Models"), "*.cs")
            .Append(Path.Combine(zoo, "SampleModels.cs"))
            .Concat(new[] { "CifarMlp.cs", "ResNet18.cs", "BasicBlock.cs" }.Select(name => Path.Combine(samples, name)));
    }
}
