using System;
using System.Linq;
using Xunit;

namespace TorchBudget.Tests.Cuda;

/// <summary>Cards by name, as budgets and <c>MaxBatchSize</c> take them.</summary>
public sealed class GpuSpecTests
{
    [Theory]
    [InlineData("RTX 4090", "RTX 4090")]
    [InlineData("rtx4090", "RTX 4090")]
    [InlineData("NVIDIA GeForce RTX 4090", "RTX 4090")]
    [InlineData("A100 80GB", "A100 80GB")]
    [InlineData("A100-SXM4-80GB", "A100 80GB")]
    [InlineData("NVIDIA A100 80GB PCIe", "A100 80GB")]
    [InlineData("a100 40 gb", "A100 40GB")]
    [InlineData("H100", "H100 80GB")]
    [InlineData("NVIDIA H100 80GB HBM3", "H100 80GB")]
    [InlineData("H200", "H200")]
    [InlineData("Tesla L4", "L4")]
    [InlineData("RTX 3060", "RTX 3060")]
    public void Parses_names_as_people_write_them(string text, string card) => Assert.Equal(card, GpuSpec.Parse(text).Name);

    [Theory]
    [InlineData("A100", "'A100' could be A100 40GB or A100 80GB: say which")]
    [InlineData("RTX 30", "'RTX 30' could be RTX 3060 or RTX 3090: say which")]
    [InlineData("Radeon VII", "'Radeon VII' is not a GPU TorchBudget knows; known: RTX 3060,")]
    [InlineData("", "'' is not a GPU TorchBudget knows")]
    public void Unknown_or_ambiguous_names_say_so(string text, string problem)
    {
        Assert.Null(GpuSpec.Parse(text, out var why));
        Assert.StartsWith(problem, why);
        Assert.Throws<FormatException>(() => GpuSpec.Parse(text));
    }

    [Fact]
    public void The_catalog_holds_the_cards_the_issue_names_with_consistent_figures()
    {
        foreach (var name in new[] { "RTX 3060", "RTX 3090", "RTX 4090", "A10", "L4", "A100 40GB", "A100 80GB", "H100 80GB", "H200" })
            Assert.Contains(GpuSpec.Known, c => c.Name == name);
        foreach (var card in GpuSpec.Known)
        {
            // The driver keeps between 0.2 and 6 % of the card (ECC, firmware); an error in a transcribed figure would not.
            var kept = 1 - (double)card.DeviceMemory.High / card.TotalMemory;
            Assert.InRange(kept, 0.0, 0.06);
            Assert.Equal(card, GpuSpec.Parse(card.Name));
        }
        Assert.Equal(GpuSpec.Known.Count, GpuSpec.Known.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Hopper_cards_have_compute_capability_9()
    {
        Assert.Equal(new Version(9, 0), GpuSpec.Parse("H100").ComputeCapability);
        Assert.Equal(new Version(9, 0), GpuSpec.Parse("H200").ComputeCapability);
        Assert.Equal(new Version(8, 9), GpuSpec.Parse("RTX 4090").ComputeCapability);
    }

    [Fact]
    public void A_card_the_catalog_lacks_can_be_described()
    {
        var card = new GpuSpec("RTX 4060 Ti 16GB", 16380L << 20, ByteRange.Exactly(16_857_038_848), new Version(8, 9));
        Assert.Equal("RTX 4060 Ti 16GB (16.00 GiB, compute capability 8.9)", card.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GpuSpec("x", 1L << 30, ByteRange.Exactly(2L << 30), new Version(8, 0)));
    }
}
