using System.Linq;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>Layer shapes are structured: dimensions with the symbolic batch, tuples of tensors, nulls and flags.</summary>
public class LayerShapeTests
{
    [Fact]
    public void A_tuple_of_tensors_nulls_and_flags_reads_back_as_written()
    {
        var shape = LayerShape.Parse("([B, 7, 20], [1, B, 20], null, true)")!;
        Assert.True(shape.IsTuple);
        Assert.Equal(new[] { new SymbolicDimension(1, 1), new SymbolicDimension(7, 0), new SymbolicDimension(20, 0) },
            shape.Items[0].Dimensions);
        Assert.Null(shape.Items[2].Dimensions);
        Assert.True(shape.Items[3].Flag);
        Assert.Equal(new[] { new long[] { 3, 7, 20 }, new long[] { 1, 3, 20 } }, shape.TensorsAt(3));
        Assert.Equal("([B, 7, 20], [1, B, 20], null, true)", shape.ToString());
    }

    [Theory]
    [InlineData("[400B, 10]", 5, new long[] { 2000, 10 })]
    [InlineData("[B^2]", 6, new long[] { 36 })]
    [InlineData("[4B^2, 1]", 3, new long[] { 36, 1 })]
    public void Dimensions_grow_with_the_batch(string text, long batch, long[] sizes) =>
        Assert.Equal(sizes, LayerShape.Parse(text)!.TensorsAt(batch).Single());

    [Theory]
    [InlineData("[B, <10>]")]
    [InlineData("[B, 10")]
    [InlineData("[B, 10], [B, 4]")]
    [InlineData("")]
    public void Text_that_is_no_shape_is_none(string text) => Assert.Null(LayerShape.Parse(text));

    [Fact]
    public void A_row_refuses_a_shape_it_cannot_read() =>
        Assert.Throws<System.ArgumentException>(() => new LayerReport("fc", "Linear", 1, 1, 0, "[B, <10>]", 4));
}
