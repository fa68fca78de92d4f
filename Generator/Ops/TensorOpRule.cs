using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;

namespace TorchBudget.Generator.Ops;

/// <summary>How user code reaches a tensor op.</summary>
[Flags]
internal enum TensorOpForms
{
    None = 0,

    /// <summary><c>x.relu()</c>, and <c>torch.relu(x)</c> (also through <c>using static TorchSharp.torch</c>).</summary>
    Method = 1 << 0,

    /// <summary><c>torch.zeros(...)</c>, <c>torch.cat(...)</c>: a torch function with no tensor it is called on.</summary>
    TorchFunction = 1 << 1,

    /// <summary><c>x.T</c>, <c>x.shape</c>.</summary>
    Property = 1 << 2,

    /// <summary><c>x[...]</c>.</summary>
    Indexer = 1 << 3,

    /// <summary>Made inside other ops only (a view's tape node, reshape's copy): a tape kind with its backward traits.</summary>
    Internal = 1 << 4,
}

/// <summary>
/// What TorchBudget knows about one TorchSharp 0.107 tensor op, all in one record: the names it is called by, its forward
/// (output shape and layout, what it allocates, what autograd keeps, what backward allocates) and how its backward
/// treats a strided gradient. Every analysis reads this one table (<see cref="TensorOps"/>); the forward rules live beside
/// their records, one file per family.
/// </summary>
internal sealed class TensorOpRule(TensorOp id, string summary, Func<TensorOpCall, Value?>? forward)
{
    public TensorOp Id { get; } = id;

    /// <summary>Its name in TorchSharp and its tape kind: the first of <see cref="Names"/>.</summary>
    public string Name => Names[0];

    /// <summary>The names TorchSharp calls it by (aliases such as <c>swapaxes</c> for <c>transpose</c> behave alike).</summary>
    public IReadOnlyList<string> Names { get; init; } = Array.Empty<string>();

    public TensorOpForms Forms { get; init; } = TensorOpForms.Method;

    /// <summary>One line for docs/layers.md.</summary>
    public string Summary { get; } = summary;

    /// <summary>
    /// Its forward at one call by name; it returns null where these arguments are not modeled (the call is then unknown).
    /// Null for an op no call runs by name: indexing (the indexer hook runs <see cref="TensorOps.Index"/>) and the
    /// internal tape kinds.
    /// </summary>
    public Func<TensorOpCall, Value?>? Forward { get; } = forward;

    /// <summary>The C# operator that runs it on tensors (<c>x + y</c>); null where none does.</summary>
    public BinaryOperatorKind? Operator { get; init; }

    /// <summary>The C# unary operator that runs it on a tensor (<c>-x</c>); null where none does.</summary>
    public UnaryOperatorKind? UnaryOperator { get; init; }

    /// <summary>How its backward treats the layout of the gradient it gets (measured; <see cref="BackwardTrait"/>).</summary>
    public BackwardTrait Backward { get; init; }

    /// <summary>
    /// Copies of its output's size its backward makes of a strided incoming gradient; null where not measured with one
    /// (the peak is then unknown there).
    /// </summary>
    public int? StridedGradientCopies { get; init; }
}

/// <summary>One call of a tensor op in forward: the tensor it is called on, its other arguments by name, its tape node.</summary>
internal sealed class TensorOpCall(ForwardSemantics forward, string name, ActivationTensor? self, LayerCall op, Model.LocationInfo? at)
{
    public ForwardSemantics Forward { get; } = forward;

    public ForwardTrace Trace => Forward.Trace;

    /// <summary>The name as called (the tape kind, and the prefix of shape-error messages).</summary>
    public string Name { get; } = name;

    /// <summary>The tensor the op is called on (<c>x</c> in <c>x.relu()</c>, <c>torch.relu(x)</c>, <c>x.T</c>).</summary>
    public ActivationTensor Self => self ?? throw new InvalidOperationException($"{Name} is called on no tensor");

    /// <summary>The torch function called (for <see cref="TensorOpForms.TorchFunction"/>s, whose parameters name sizes).</summary>
    public Microsoft.CodeAnalysis.IMethodSymbol? Method { get; init; }

    /// <summary>The arguments after the tensor, by parameter name in declaration order.</summary>
    public List<KeyValuePair<string, Value>> Args { get; init; } = new();

    public Value Arg(int index) => index < Args.Count ? Args[index].Value : NullValue.Instance;

    /// <summary>The op's tape node: its outputs, saved tensors and backward.</summary>
    public LayerCall Op { get; } = op;

    public Model.LocationInfo? At { get; } = at;

    /// <summary>Records <paramref name="result"/> as the op's output.</summary>
    public Value Recorded(Value result) => TensorOps.Recorded(Op, result);
}
