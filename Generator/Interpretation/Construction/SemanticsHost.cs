using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>What TorchSharp's semantics need from the C# evaluator (<see cref="Interpreter"/>).</summary>
internal interface ISemanticsHost
{
    /// <summary>The items a foreach would visit, as a list; or why they are unknown.</summary>
    Value Enumerate(Value collection, IOperation? at);

    /// <summary>Runs a user module's forward method in source; null where it has none taking these inputs.</summary>
    Value? CallUserForward(ModuleInstance module, IReadOnlyList<Value> inputs, LocationInfo? callSite);

    /// <summary>
    /// A constructor runs a module's forward on tensors of fixed shapes (to learn a flattened size): the result's shape
    /// from a symbolic pass, or why it is unknown.
    /// </summary>
    Value DummyForward(ModuleInstance module, IReadOnlyList<TensorSlot> inputs, LocationInfo? at);

    /// <summary>
    /// A tensor op on tensors a constructor made (a rotary table's <c>torch.outer</c>, <c>cat</c>, a product of two):
    /// the op's own forward rule on their fixed shapes gives a new tensor's shape and type, or why it is unknown.
    /// <paramref name="self"/> is the receiver of a method call, else null (a <c>torch.*</c> function or an operator).
    /// </summary>
    Value ConstructorOp(IMethodSymbol? method, BinaryOperatorKind? operatorKind, Value? self, List<KeyValuePair<string, Value>> args,
        LocationInfo? at);
}

/// <summary>
/// A call's arguments, evaluated on first use and once only: evaluating allocates tensors, and a handler that leaves
/// the call to the evaluator must not have evaluated them.
/// </summary>
internal sealed class CallArguments(IReadOnlyList<IArgumentOperation> arguments, System.Func<IOperation, Value> evaluate)
{
    private List<KeyValuePair<string, Value>>? byName;

    public int Count => arguments.Count;

    /// <summary>By parameter name, in declaration order (defaults included: Roslyn did the matching).</summary>
    public List<KeyValuePair<string, Value>> ByName() => byName ??= Bind();

    /// <summary>The argument at this position alone (for a call that reads only some of them).</summary>
    public Value Evaluate(int index) => evaluate(arguments[index].Value);

    private List<KeyValuePair<string, Value>> Bind()
    {
        var bound = new List<(int Ordinal, string Name, IOperation Value)>();
        foreach (var argument in arguments)
        {
            if (argument.Parameter is { } parameter) bound.Add((parameter.Ordinal, parameter.Name, argument.Value));
        }
        var result = new List<KeyValuePair<string, Value>>(bound.Count);
        foreach (var (_, name, value) in System.Linq.Enumerable.OrderBy(bound, b => b.Ordinal)) result.Add(new(name, evaluate(value)));
        return result;
    }
}
