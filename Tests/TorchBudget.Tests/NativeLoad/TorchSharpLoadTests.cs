using System;
using System.IO;
using System.Linq;
using TorchBudget.Build;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.NativeLoad;

/// <summary>TorchSharp's natives load in this test project: proof that the build step ran for it.</summary>
public sealed class TorchSharpLoadTests
{
    [Fact]
    public void Tensor_arithmetic_runs_natively()
    {
        using var doubled = torch.ones(3, 4) * 2;
        using var sum = doubled.sum();

        Assert.Equal(24f, sum.item<float>());
    }

    [Fact]
    public void Linear_layer_has_weights_and_biases()
    {
        using var linear = torch.nn.Linear(10, 5);

        Assert.Equal(55L, linear.parameters().Sum(p => p.numel()));
    }

    [LinuxLibStdCxxFact]
    public void Output_copy_needs_the_version_weakly_where_the_system_lacks_it()
    {
        SystemLibStdCxx.Locate(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"), out var systemVersions);
        string copy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var need = ElfVersions.ReadNeeds(ElfImage.Parse(File.ReadAllBytes(copy))).Single(n => n.Name == LibTorchSharpPatch.Version);

        Assert.Equal(!systemVersions.Contains(LibTorchSharpPatch.Version), need.IsWeak);
    }
}
