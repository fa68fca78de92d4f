using System.Threading.Tasks;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// Once the analysis loses a tensor (an unmodeled call, a shape error), the modeled calls after it are not causes:
/// TBG004 names the first construct only, and a shape error stands alone.
/// </summary>
public class CascadeDiagnosticTests
{
    [Fact]
    public Task An_unmodeled_tensor_method_is_the_only_cause_not_the_matmul_and_flatten_after_it() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, 16)]
        public partial class Windows : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> proj = Linear(16, 32);
            private readonly Module<Tensor, Tensor> head = Linear(64, 3);
            public Windows() : base(nameof(Windows)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var parts = {|TBG004:proj.forward(x).unfold(2, 4, 4)|};
                var scores = torch.matmul(parts, parts.transpose(-2, -1));
                return head.forward(torch.flatten(scores, 1).sum(1, keepdim: true).expand(-1, 64));
            }
        }
        """);

    [Fact]
    public Task A_shape_error_is_not_followed_by_unmodeled_calls() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, 16)]
        public partial class Misfit : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> proj = Linear(16, 32), mix = Linear(31, 32);
            private readonly Module<Tensor, Tensor> head = Linear(256, 3);
            public Misfit() : base(nameof(Misfit)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = {|TBG003:mix.forward(proj.forward(x))|};
                return head.forward(torch.flatten(functional.relu(h), 1));
            }
        }
        """);

    [Fact]
    public Task A_lost_list_element_is_not_blamed_on_the_concatenation() => AnalyzerTest.VerifyAsync("""
        [MemoryProfile(8, 16)]
        public partial class Halves : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> proj = Linear(16, 32);
            private readonly Module<Tensor, Tensor> head = Linear(256, 3);
            public Halves() : base(nameof(Halves)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = proj.forward(x);
                var windows = {|TBG004:h.unfold(2, 4, 4)|};
                var joined = torch.cat(new[] { h, windows.flatten(2) }, 2);
                return head.forward(functional.softmax(joined, -1).flatten(1));
            }
        }
        """);
}
