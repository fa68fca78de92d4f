using System;
using System.Linq;
using TorchBudget.Generator.Shapes;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>The generator's ScalarType against TorchSharp 0.107's own enum and element_size().</summary>
public class ScalarTypeTests
{
    [Fact]
    public void Names_are_TorchSharps()
    {
        var ours = Enum.GetNames<ScalarType>().OrderBy(n => n, StringComparer.Ordinal);
        var theirs = Enum.GetNames<torch.ScalarType>().OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Known_sizes_are_element_size()
    {
        foreach (var type in Enum.GetValues<ScalarType>())
        {
            if (type.SizeOf() is not { } size) continue;
            using var tensor = torch.empty(1, Enum.Parse<torch.ScalarType>(type.ToString()));
            Assert.True(size == tensor.element_size(), $"{type}: {size} B, TorchSharp {tensor.element_size()} B");
        }
    }

    [Fact]
    public void Only_the_quantized_types_have_no_size() =>
        Assert.Equal(new[] { ScalarType.QInt8, ScalarType.QUInt8, ScalarType.QInt32 },
            Enum.GetValues<ScalarType>().Where(t => t.SizeOf() is null).ToArray());

    [Fact]
    public void Parse_takes_member_names_only() =>
        Assert.Equal(new ScalarType?[] { ScalarType.BFloat16, null, null, null },
            new[] { "BFloat16", "bfloat16", "5", null }.Select(ScalarTypes.Parse).ToArray());
}
