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

    /// <summary>The pass that runs constructors' tensor ops (<see cref="ISemanticsHost.ConstructorOp"/>), made on first use.</summary>
    private ForwardSemantics? constructorOps;

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

    Value ISemanticsHost.DummyForward(ModuleInstance module, IReadOnlyList<TensorSlot> inputs, LocationInfo? at)
    {
        var given = new List<(long[] Shape, ScalarType DType)>();
        foreach (var input in inputs)
        {
            if (input.PinShape() is not { } shape) return new UnknownValue("forward on a tensor of unknown shape in a constructor", at);
            given.Add((shape, input.ElementType ?? ScalarType.Float32));
        }
        var constructing = semantics;
        try
        {
            // The modules are as the constructor left them: parameters in the default type, training mode.
            var trace = RunForward(module, Parsing.ForwardBinding.Fixed(given), ScalarType.Float32, gradEnabled: false);
            if (trace.Unknowns.Count > 0) return new UnknownValue($"forward on a dummy input: {trace.Unknowns[0].Reason}", at);
            if (trace.Mismatches.Count > 0) return new UnknownValue($"forward on a dummy input fails: {trace.Mismatches[0].Message}", at);
            if (trace.Output is not { } output || output.Shape.Dims.Any(d => d.BatchPower != 0))
                return new UnknownValue("forward on a dummy input returns no tensor of a known shape", at);
            var dims = output.Shape.Dims.Select(d => d.PinCoefficient()).ToArray();
            return new TensorValue(new TensorSlot(dims.Aggregate(1L, (a, b) => checked(a * b)), false, output.ElementType, dims));
        }
        finally
        {
            semantics = constructing;
        }
    }

    Value ISemanticsHost.ConstructorOp(IMethodSymbol? method, BinaryOperatorKind? operatorKind, Value? self,
        List<KeyValuePair<string, Value>> args, LocationInfo? at)
    {
        var constructing = semantics;
        // One pass for all of a constructor's ops: a view one op makes reaches the next with its layout and storage.
        var pass = constructorOps ??= new ForwardSemantics(this, torch,
            new ForwardTrace(gradEnabled: false) { ParameterElementType = ScalarType.Float32 });
        var (unknowns, mismatches) = (pass.Trace.Unknowns.Count, pass.Trace.Mismatches.Count);
        try
        {
            semantics = pass;
            var result = pass.RunOnConstants(method, operatorKind, self, args, at);
            if (pass.Trace.Unknowns.Count > unknowns) return pass.Trace.Unknowns[unknowns];
            if (pass.Trace.Mismatches.Count > mismatches)
                return new UnknownValue($"a constructor's tensor op fails: {pass.Trace.Mismatches[mismatches].Message}", at);
            return result;
        }
        catch (AnalysisLimitException limit)
        {
            return limit.Unknown;
        }
        finally
        {
            semantics = constructing;
        }
    }
}
