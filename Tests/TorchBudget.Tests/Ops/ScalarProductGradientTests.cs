using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// A tensor times (or over) a number reads only the gradient in backward, as neg does: over sum's expanded gradient
/// through a transpose its gradient's layout follows the gradient, not the forward tensor (it was taken from the forward
/// tensor, and the step's peak came out 20 % low: one copy of h uncounted in Linear's backward). Compiled and run for
/// real at batch 1 and 5.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class ScalarProductGradientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("TransposedTimesNumber", "var y = (h.transpose(1, 2) * 2).sum(2);")]
    [InlineData("TransposedOverNumber", "var y = (h.transpose(1, 2) / 3).sum(2);")]
    [InlineData("TransposedMulNumber", "var y = h.transpose(1, 2).mul(0.5).sum(2, keepdim: true);")]
    [InlineData("TimesNumberTransposed", "var y = (h * 2).transpose(1, 2).sum(2);")]
    public void A_product_with_a_number_lays_its_gradient_out_as_the_gradient(string name, string statements) =>
        OpModel.AssertExact(output, OpModel.Template(width: 12, headFeatures: 12), name, statements, 5, "scalar product");
}
