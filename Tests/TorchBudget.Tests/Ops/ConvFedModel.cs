namespace TorchBudget.Tests.Ops;

/// <summary>
/// The vision layer tests' model: [C, H, W] samples through a 1×1 Conv2d into <c>f.forward(x)</c>, the statements under
/// test (which leave <c>y</c>) and a Linear head over <c>y.flatten(1)</c>.
/// </summary>
internal static class ConvFedModel
{
    /// <summary>The start of a module field named g.</summary>
    public const string Field = "private readonly Module<Tensor, Tensor> g = ";

    /// <param name="input">One sample's shape, channels first ("8, 5, 6").</param>
    /// <param name="head">y's elements per sample.</param>
    public static string Source(string name, string input, string fields, string body, int head) => $$"""
        [MemoryProfile({{input}})]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> f = Conv2d({{input.Split(',')[0].Trim()}}, {{input.Split(',')[0].Trim()}}, 1);
            {{fields}}
            private readonly Linear head = Linear({{head}}, 4);
            public {{name}}() : base(nameof({{name}})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                {{body}}
                return head.forward(y.flatten(1));
            }
        }
        """;
}
