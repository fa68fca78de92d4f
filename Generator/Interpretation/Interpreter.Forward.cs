using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// The evaluator's side of the symbolic forward pass: it runs forward with <see cref="ForwardSemantics"/> as its
/// TorchSharp semantics, and runs user modules' forward methods for it.
/// </summary>
internal sealed partial class Interpreter : ISemanticsHost
{
    private TorchSemantics? semantics;

    /// <summary>What TorchSharp's calls and tensors mean in the code being run: a constructor's until <see cref="RunForward"/>.</summary>
    private TorchSemantics Semantics => semantics ??= new TorchSemantics(this, torch);

    public ForwardTrace RunForward(ModuleInstance root, Parsing.ForwardBinding arguments, ScalarType parameterType, bool gradEnabled,
        bool atBatchOne = false, long? fromBatch = null, bool training = true, KernelProfile? kernels = null,
        Losses.LossRule? loss = null)
    {
        var trace = new ForwardTrace(gradEnabled)
        {
            ParameterElementType = parameterType, AtBatchOne = atBatchOne, StandsFromBatch = fromBatch, Training = training,
            Kernels = kernels ?? KernelProfile.Measured, Loss = loss ?? Losses.LossRules.Get(Losses.LossKind.CrossEntropy),
        };
        var forward = new ForwardSemantics(this, torch, trace);
        semantics = forward;
        forward.Run(root, arguments);
        return trace;
    }

    Value? ISemanticsHost.CallUserForward(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite)
    {
        IMethodSymbol? forward = null;
        for (var type = module.UserType; type is not null && IsInSource(type) && forward is null; type = type.BaseType)
        {
            forward = type.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsAbstract && m.Parameters.Length == inputs.Count);
        }
        if (forward is null) return null;
        var arguments = new Dictionary<IParameterSymbol, Value>(SymbolEqualityComparer.Default);
        for (var i = 0; i < inputs.Count; i++) arguments[forward.Parameters[i]] = inputs[i];
        return CallSourceMethod(forward, new ModuleValue(module), arguments, null, new Frame(module));
    }

    Value ISemanticsHost.Enumerate(Value collection, IOperation? at) => Enumerate(collection, at);
}
