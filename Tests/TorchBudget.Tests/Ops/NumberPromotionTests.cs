using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// An integral tensor with a number: true division, or a real number, makes the result Float32 (an integer with an
/// integer keeps its type). A buffer computed so in the constructor is counted in that type (it was counted Int64, twice
/// the real bytes); in forward the result takes that type, but what converting the tensor costs was not measured, so
/// the memory rows there are unknown, said so. Compiled and run for real at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class NumberPromotionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("IntTimesRealBuffer", "private readonly Tensor buf = torch.arange(72).view(6, 12) * 2.5;")]
    [InlineData("IntOverIntBuffer", "private readonly Tensor buf = torch.arange(72).view(6, 12) / 2;")]
    [InlineData("IntOverRealBuffer", "private readonly Tensor buf = torch.arange(72).view(6, 12) / 2.0;")]
    [InlineData("IntPlusIntBuffer", "private readonly Tensor buf = torch.ones(6, 12, dtype: ScalarType.Int32) + 1;")]
    public void A_buffer_has_the_promoted_type(string name, string field) =>
        OpModel.AssertExact(output, OpModel.Template(width: 12, headFeatures: 72, field), name, "var y = h * buf;", 2, "promotion");

    [Theory]
    [InlineData("IntOverIntForward", "var y = h * (torch.arange(12) / 2);")]
    [InlineData("IntTimesRealForward", "var y = h * (torch.arange(12) * 2.5);")]
    public void In_forward_the_conversion_is_declined(string name, string statements)
    {
        OpModel.AssertMemoryDeclined(output, OpModel.Template(width: 12, headFeatures: 72), name, statements, "promotion");
    }
}
