using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// Code behind a condition the analysis cannot decide is not run: whatever it could write becomes unknown (TBG004 at the
/// condition), whatever kind of target it writes to. Before the assignment targets were one switch, a deconstruction,
/// a static field and an array element written there kept their old values, so the layer below was counted at a guess.
/// </summary>
public class SkippedCodeTests
{
    private static string Model(string name, string body) => $$"""
        [MemoryProfile(10)]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private static long width = 20;
            private readonly Module<Tensor, Tensor> fc;
            public {{name}}() : base("m")
            {
        {{body}}
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """;

    [Fact]
    public Task A_deconstruction_in_skipped_code_makes_its_variables_unknown() => AnalyzerTest.VerifyAsync(Model("Deconstructed", """
                long a = 20, b = 1;
                if ({|TBG004:DateTime.Now.Hour > 12|}) (a, b) = (30, 2);
                fc = Linear(10, a);
        """));

    [Fact]
    public Task A_static_field_written_in_skipped_code_is_unknown() => AnalyzerTest.VerifyAsync(Model("StaticWidth", """
                if ({|TBG004:DateTime.Now.Hour > 12|}) width = 30;
                fc = Linear(10, width);
        """));

    [Fact]
    public Task An_array_element_written_in_skipped_code_makes_the_array_unknown() => AnalyzerTest.VerifyAsync(Model("ArraySizes", """
                var sizes = new long[] { 20, 30 };
                if ({|TBG004:DateTime.Now.Hour > 12|}) sizes[0] = 40;
                fc = Linear(10, sizes[0]);
        """));

    /// <summary>What skipped code does not touch stays known: the count is exact.</summary>
    [Fact]
    public Task Skipped_code_leaves_what_it_does_not_write_known() => AnalyzerTest.VerifyAsync(Model("Untouched", """
                var sizes = new long[] { 20, 30 };
                var other = new long[] { 1 };
                if (DateTime.Now.Hour > 12) other[0] = 40;
                fc = Linear(10, sizes[0]);
        """));
}
