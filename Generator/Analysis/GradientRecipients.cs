using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// The parameters the standard step's backward reaches from the output. A registered layer forward never calls (or
/// calls under no_grad, or on a detached path) gets no .grad: TorchSharp leaves it null and the optimizer step skips
/// it (measured), so it counts in neither the Gradients row nor the step's temporaries.
/// </summary>
internal static class GradientRecipients
{
    /// <summary>
    /// Null where forward was not followed to the end: then every trainable parameter is assumed to get one.
    /// A layer rule that records its parameters' gradients as raw bytes (attention, transformer layers) stands for all the
    /// parameters of the module it was called on and its submodules.
    /// </summary>
    public static HashSet<object>? Of(ForwardTrace? trace)
    {
        if (!Followed(trace)) return null;
        var recipients = new HashSet<object>(BackwardEngine.ParameterUses(trace!, trace!.Output!, out var reachedNodes).Keys);
        foreach (var caller in reachedNodes.Select(n => n.Caller).OfType<ModuleInstance>().Distinct())
        {
            foreach (var parameter in Registration.NamedParameters(caller)) recipients.Add(parameter.Value);
        }
        return recipients;
    }

    /// <summary>Whether forward was followed to the end, so that <see cref="Of"/> knows the recipients.</summary>
    public static bool Followed(ForwardTrace? trace) => trace is { Output: not null, Unknowns.Count: 0, Mismatches.Count: 0 };

    /// <summary>Whether <paramref name="parameter"/> gets a gradient in the step.</summary>
    public static bool Gets(HashSet<object>? recipients, TensorSlot parameter) =>
        parameter.RequiresGrad && (recipients is null || recipients.Contains(parameter));
}
