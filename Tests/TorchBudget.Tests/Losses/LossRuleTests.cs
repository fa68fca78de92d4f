using System;
using System.Linq;
using TorchBudget.Generator.Losses;
using GeneratorLoss = TorchBudget.Generator.Losses.LossKind;
using Xunit;

namespace TorchBudget.Tests.Losses;

/// <summary>The generator's loss records against the runtime's <see cref="TorchBudget.LossKind"/> and their own token grammar.</summary>
public sealed class LossRuleTests
{
    [Fact]
    public void The_generator_knows_every_runtime_loss_by_name_with_one_record()
    {
        Assert.Equal(Enum.GetNames<TorchBudget.LossKind>(), Enum.GetNames<GeneratorLoss>());
        Assert.Equal(Enum.GetValues<GeneratorLoss>().OrderBy(k => k), LossRules.All.Select(r => r.Kind).OrderBy(k => k));
    }

    [Fact]
    public void Every_sequence_hands_on_one_gradient_after_the_ones_gradient()
    {
        foreach (var rule in LossRules.All)
        {
            var forward = rule.Forward.Split(' ');
            var backward = rule.Backward.Split(' ');
            Assert.All(forward.Concat(backward), t => Assert.Matches("^[+-](Y|G|s|[0-9]+)$", t));
            Assert.DoesNotContain("+G", forward);
            Assert.Equal(1, backward.Count(t => t == "+G"));
            // The simulation frees the ones gradient when backward returns: it must be backward's first allocation.
            Assert.Equal("+s", backward[0]);
        }
    }
}
