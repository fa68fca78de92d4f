using System.Linq;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// functional.linear(x, weights, bias): TorchSharp's Linear.forward runs this very function on its own weight, so a call
/// with a parameter or buffer behaves as a Linear layer holding it (a tied head, a weight used twice, a frozen one);
/// Linear(weight, bias) built from given Parameters too. Compiled and run for real: every row equals the allocation
/// counter at batch 1 and another. A weight that is a view or a result is declined, and a weight of the wrong width is
/// the shape error TorchSharp throws.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class FunctionalLinearTests(ITestOutputHelper output)
{
    private static readonly string Template = OpModel.Template(width: 12, headFeatures: 72,
        "private readonly Linear g = Linear(12, 12); private readonly Parameter w = Parameter(torch.randn(12, 12)); "
        + "private readonly Parameter frozen = Parameter(torch.randn(12, 12), requires_grad: false); "
        + "private readonly Linear given = Linear(Parameter(torch.randn(12, 12)), Parameter(torch.zeros(12))); "
        + "private readonly Linear plain = Linear(12, 12, hasBias: false);");

    private static readonly string Plain = OpModel.Template(width: 12, headFeatures: 72,
        "private readonly Linear g = Linear(12, 12); private readonly Parameter w = Parameter(torch.randn(12, 12));");

    [Theory]
    [InlineData("LinearOfLayerWeights", "var y = functional.linear(h, g.weight, g.bias).relu();", 3)]
    [InlineData("LinearOfParameter", "var y = functional.linear(h, w).relu();", 3)]
    [InlineData("LinearWeightTwice", "var y = g.forward(functional.linear(h, g.weight).relu());", 3)]
    [InlineData("LinearStrided", "var y = functional.linear(h.transpose(0, 1), w, g.bias).transpose(0, 1);", 3)]
    [InlineData("LinearOfMatrix", "var y = functional.linear(h.flatten(0, 1), g.weight, g.bias).view(-1, 6, 12);", 3)]
    [InlineData("LinearFrozen", "var y = functional.linear(h, frozen, g.bias).tanh();", 3)]
    [InlineData("LinearGivenParameters", "var y = given.forward(h).sigmoid();", 3)]
    [InlineData("LinearWithoutBias", "var y = functional.linear(h, plain.weight, plain.bias).relu();", 2)]
    [InlineData("LinearNamedBias", "var y = torch.nn.functional.linear(h, w, bias: g.bias);", 2)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Template, name, statements, batch, "functional.linear");

    [Theory]
    [InlineData("LinearOfResult", "var y = g.forward(functional.linear(h, w * 2));")]
    [InlineData("LinearOfView", "var y = g.forward(functional.linear(h, w.t()));")]
    public void A_weight_that_is_not_a_parameter_itself_is_declined(string name, string statements)
    {
        OpModel.AssertMemoryDeclined(output, Plain, name, statements, "functional.linear");
    }

    [Fact]
    public void A_weight_of_another_width_is_the_shape_error_TorchSharp_throws() =>
        OpModel.AssertShapeError(OpModel.Template(width: 12, headFeatures: 72, "private readonly Parameter w = Parameter(torch.randn(12, 8));"),
            "LinearTooNarrow", "var y = functional.linear(h, w).relu();", "functional.linear");
}
