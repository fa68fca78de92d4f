using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// to_type(dtype) and type_as(other), as ports convert masks and position tables: itself in its own type, else a
/// converted copy, whose backward converts the gradient back. Every row of both tables against the allocation counter
/// at batch 1 and another; a copy the call forces is not followed.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ConversionTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72);

    [Theory]
    [InlineData("ToTypeAndBack", "var y = h.to_type(ScalarType.Float64).relu().to_type(ScalarType.Float32);", 3)]
    [InlineData("ToOwnType", "var y = h.to_type(ScalarType.Float32) * 2;", 2)]
    [InlineData("TypeAsPositions", "var y = h + torch.arange(12).type_as(h);", 3)]
    [InlineData("BoolMaskToType", "var y = h * (h > 0).to_type(ScalarType.Float32);", 2)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "conversion");

    [Fact]
    public void A_forced_copy_is_not_followed() =>
        OpModel.AssertMemoryDeclined(output, Template, "ToTypeCopy", "var y = h.to_type(ScalarType.Float32, copy: true);", "conversion");
}
