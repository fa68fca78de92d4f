using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// functional.pad as causal convolutions and style-transfer nets call it: constant padding of the last dimension(s)
/// (constant_pad_nd), reflect and replicate over every dimension after the first two: one new tensor, nothing kept,
/// backward one gradient of the input's size. Every row of both tables against the allocation counter at batch 1 and
/// another; circular padding and a crop are unknown, said so.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class FunctionalPadTests(ITestOutputHelper output)
{
    private const string Conv1dFed = """
        [MemoryProfile(8, 20)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> c1 = Conv1d(8, 16, 3), c2 = Conv1d(16, 8, 3);
            private readonly Linear head = Linear(8 * 20, 3);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                {1}
                return head.forward(y.flatten(1));
            }
        }
        """;

    [Theory]
    [InlineData("CausalConvolutions", "var h = functional.relu(c1.forward(functional.pad(x, new long[] { 2, 0 }))); "
        + "var y = x + c2.forward(functional.pad(h, new long[] { 2, 0 }));", 3)]
    [InlineData("ReflectPadded", "var h = functional.relu(c1.forward(functional.pad(x, new long[] { 1, 1 }, PaddingModes.Reflect))); "
        + "var y = c2.forward(functional.pad(h, new long[] { 1, 1 }, PaddingModes.Replicate));", 2)]
    [InlineData("ConstantValue", "var h = functional.relu(c1.forward(functional.pad(x, new long[] { 0, 2 }, value: 0.5))); "
        + "var y = c2.forward(functional.pad(h, new long[] { 1, 1, 1, 1 })[.., 1..17, ..]);", 3)]
    public void Every_row_matches_the_counter(string name, string statements, long batch) =>
        OpModel.AssertExact(output, Conv1dFed, name, statements, batch, "pad");

    [Theory]
    [InlineData("CircularPadded", "var y = c2.forward(c1.forward(functional.pad(x, new long[] { 2, 2 }, PaddingModes.Circular)));")]
    [InlineData("Cropped", "var y = functional.pad(c2.forward(c1.forward(functional.pad(x, new long[] { 2, 2 }))), new long[] { 2, -2 });")]
    public void A_mode_or_pad_not_measured_leaves_the_memory_unknown(string name, string statements) =>
        OpModel.AssertMemoryDeclined(output, Conv1dFed, name, statements, "pad");
}
