using System.Collections.Generic;
using TorchBudget.Tests.Differential;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// The op tests' model: a [6, 10] sample through Linear(10, width) into <c>h</c>, the statements under test (which leave
/// <c>y</c>), and a Linear head over <c>y.flatten(1)</c>; compiled and run for real by <see cref="ExactRows"/>.
/// </summary>
internal static class OpModel
{
    /// <param name="width">h's features.</param>
    /// <param name="headFeatures">y's elements per sample.</param>
    /// <param name="fields">More field declarations (buffers, parameters) the statements use.</param>
    public static string Template(int width, int headFeatures, string fields = "") => $$"""
        [MemoryProfile(6, 10)]
        public partial class {0} : Module<Tensor, Tensor>
        {
            private readonly Linear f = Linear(10, {{width}});
            {{fields}}
            private readonly Linear head = Linear({{headFeatures}}, 4);
            public {0}() : base(nameof({0})) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = f.forward(x);
                {1}
                return head.forward(y.flatten(1));
            }
        }
        """;

    /// <summary>
    /// The statements fail in TorchSharp, and the report says so with a shape error (TBG003), nothing else amiss: the
    /// runner checks that the step throws.
    /// </summary>
    public static void AssertShapeError(string template, string name, string statements, string origin)
    {
        var source = template.Replace("{0}", name).Replace("{1}", statements, System.StringComparison.Ordinal);
        var outcome = DifferentialRunner.Run(new[] { new FuzzProgram(name, source, new[] { origin }, 2) })[0];
        Assert.Empty(outcome.Mismatches);
        Assert.Null(outcome.Training);
        Assert.Contains(outcome.Diagnostics, d => d.Id == "TBG003");
    }

    /// <summary>
    /// The statements are declined with a TBG004 at batch 1 and 2: the memory rows (Activations and Peak of both tables) are
    /// unknown, every other row equals the allocation counter.
    /// </summary>
    public static void AssertMemoryDeclined(ITestOutputHelper output, string template, string name, string statements, string origin)
    {
        var problems = ExactRows.ProblemsBut(name, template.Replace("{1}", statements, System.StringComparison.Ordinal), 2, origin,
            output.WriteLine, new[] { "Activations", "Peak", "Inference Activations", "Inference Peak" }, "TBG004");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Every row of both tables equals the allocation counter at batch 1 and <paramref name="batch"/>, but
    /// <paramref name="unknownRows"/>, which must be unknown.
    /// </summary>
    public static void AssertExact(ITestOutputHelper output, string template, string name, string statements, long batch, string origin,
        IReadOnlyCollection<string>? unknownRows = null)
    {
        var problems = ExactRows.ProblemsBut(name, template.Replace("{1}", statements), batch, origin, output.WriteLine,
            unknownRows ?? new string[0]);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
