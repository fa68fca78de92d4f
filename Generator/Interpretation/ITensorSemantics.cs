using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// What TorchSharp's tensors mean where the C# evaluator (<see cref="Interpreter"/>) meets them: hooks it calls at each
/// member read, invocation, indexer and operator before its own C# rules. In a constructor tensors are parameters and
/// buffers (<see cref="ConstructionSemantics"/>); in forward they are activations on the autograd tape
/// (<see cref="ForwardSemantics"/>). A hook returns null where the mode gives the construct no meaning of its own.
/// </summary>
internal interface ITensorSemantics
{
    /// <summary>A field or property just read: forward turns a parameter or buffer into the tensor it computes with.</summary>
    Value ReadMember(Value value, IOperation at);

    Value? Invoke(IInvocationOperation invocation, Value? receiver, CallArguments arguments);

    Value? ReadProperty(Value owner, IPropertySymbol property);

    Value? Index(Value collection, IReadOnlyList<Value> indices, IOperation at);

    Value? Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at);
}

/// <summary>
/// A constructor's tensors: parameters and buffers, built by the factories and registered by the module methods the
/// evaluator follows (Interpreter.Calls/Library, <see cref="TensorFactories"/>); none of forward's hooks apply.
/// </summary>
internal sealed class ConstructionSemantics : ITensorSemantics
{
    public static readonly ConstructionSemantics Instance = new();

    private ConstructionSemantics()
    {
    }

    public Value ReadMember(Value value, IOperation at) => value;

    public Value? Invoke(IInvocationOperation invocation, Value? receiver, CallArguments arguments) => null;

    public Value? ReadProperty(Value owner, IPropertySymbol property) => null;

    public Value? Index(Value collection, IReadOnlyList<Value> indices, IOperation at) => null;

    public Value? Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at) => null;
}

/// <summary>
/// A call's arguments by parameter name in declaration order, evaluated on first use and once only: evaluating
/// allocates tensors, and a hook that leaves the call to the evaluator must not have evaluated them.
/// </summary>
internal sealed class CallArguments(System.Func<List<KeyValuePair<string, Value>>> evaluate)
{
    private List<KeyValuePair<string, Value>>? evaluated;

    public List<KeyValuePair<string, Value>> ByName() => evaluated ??= evaluate();
}

/// <summary>What forward's semantics need from the C# evaluator.</summary>
internal interface IForwardHost
{
    /// <summary>Runs a user module's forward method in source; null where it has none taking these inputs.</summary>
    Value? CallUserForward(ModuleInstance module, IReadOnlyList<Value> inputs, Model.LocationInfo? callSite);

    /// <summary>The items a foreach would visit, as a list; or why they are unknown.</summary>
    Value Enumerate(Value collection);
}
