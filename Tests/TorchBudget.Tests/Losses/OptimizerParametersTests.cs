using System.Collections.Generic;
using System.Linq;
using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;

namespace TorchBudget.Tests.Losses;

/// <summary>
/// OptimizerParameters: a model with a frozen backbone, its optimizer given every parameter (the default) or only the
/// trainable ones, run for real at batch 1 and an odd batch. Every row must equal the CPU allocation counter, and the
/// OptimizerState row must differ between the two by the frozen parameters' state.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class OptimizerParametersTests
{
    [Theory]
    [InlineData("Adam", 2)]
    [InlineData("RMSprop", 3)]  // TorchSharp makes square_avg, momentum_buffer and grad_avg for each parameter
    [InlineData("SgdMomentum", 0)]
    public void The_optimizer_keeps_state_for_the_parameters_it_is_given(string optimizer, int statePerParameter)
    {
        var optimizerState = new Dictionary<string, long>();
        var programs = new[] { "All", "Trainable" }.SelectMany(given => new[] { 1L, 5L }.Select(batch =>
        {
            var name = $"Frozen{optimizer}{given}B{batch}";
            return new FuzzProgram(name, $$"""
                [MemoryProfile(12, Optimizer = OptimizerKind.{{optimizer}}, OptimizerParameters = OptimizerParameters.{{given}})]
                public partial class {{name}} : Module<Tensor, Tensor>
                {
                    private readonly Module<Tensor, Tensor> backbone = Sequential(Linear(12, 20), ReLU(), Linear(20, 16));
                    private readonly Linear head = Linear(16, 3);
                    public {{name}}() : base(nameof({{name}}))
                    {
                        foreach (var p in backbone.parameters()) p.requires_grad = false;
                        RegisterComponents();
                    }
                    public override Tensor forward(Tensor x) => head.forward(functional.relu(backbone.forward(x)));
                }
                """, new[] { "optimizer" }, batch);
        })).ToList();
        var problems = new List<string>();
        foreach (var outcome in DifferentialRunner.Run(programs))
        {
            var rows = outcome.Training!.Rows;
            problems.AddRange(rows.Where(r => r.Predicted is null || r.Predicted != r.Measured)
                .Select(r => $"{outcome.Program.Name} {r.Name}: predicted {r.Predicted:N0}, measured {r.Measured:N0}"));
            optimizerState[outcome.Program.Name] = rows.Single(r => r.Name == "OptimizerState").Measured!.Value;
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The frozen backbone: (12·20 + 20 + 20·16 + 16) Float32 parameters.
        var frozenBytes = (12 * 20 + 20 + 20 * 16 + 16) * 4L;
        Assert.Equal(statePerParameter * frozenBytes,
            optimizerState[$"Frozen{optimizer}AllB5"] - optimizerState[$"Frozen{optimizer}TrainableB5"]);
    }
}
