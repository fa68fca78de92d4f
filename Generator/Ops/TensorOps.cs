using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;

namespace TorchBudget.Generator.Ops;

/// <summary>
/// The one table of TorchSharp 0.107 tensor-op knowledge: a <see cref="TensorOpRule"/> per <see cref="TensorOp"/>, one
/// file per family (TensorOps.Views.cs, .Pointwise.cs …) holding the records and the forward rules they run. Adding an
/// op is adding its identity and its record (and its tests: a measured case and the fuzzer's).
/// </summary>
internal static partial class TensorOps
{
    private static readonly TensorOpRule[] Rules = Views().Concat(Sizes()).Concat(Pointwise()).Concat(ArithmeticOps()).Concat(Comparisons())
        .Concat(Reductions()).Concat(Products()).Concat(Einsum()).Concat(Creation()).Concat(Joining()).Concat(Splitting()).Concat(Indexing())
        .ToArray();

    private static readonly Dictionary<TensorOp, TensorOpRule> ById = Rules.ToDictionary(r => r.Id);

    private static readonly Dictionary<string, TensorOpRule> ByName =
        Rules.SelectMany(r => r.Names, (rule, name) => (rule, name)).ToDictionary(p => p.name, p => p.rule, System.StringComparer.Ordinal);

    private static readonly Dictionary<BinaryOperatorKind, TensorOpRule> ByOperator =
        Rules.Where(r => r.Operator is not null).ToDictionary(r => r.Operator!.Value);

    public static IEnumerable<TensorOpRule> All => Rules;

    public static TensorOpRule Get(TensorOp id) => ById[id];

    /// <summary>The op called by this name in this form; else null.</summary>
    public static TensorOpRule? Find(string name, TensorOpForms form) =>
        ByName.TryGetValue(name, out var rule) && (rule.Forms & form) != 0 ? rule : null;

    /// <summary>The op a C# operator runs on tensors; else null.</summary>
    public static TensorOpRule? FindOperator(BinaryOperatorKind kind) => ByOperator.TryGetValue(kind, out var rule) ? rule : null;

    /// <summary>The op a C# unary operator runs on a tensor; else null.</summary>
    public static TensorOpRule? FindUnaryOperator(UnaryOperatorKind kind) => Rules.FirstOrDefault(r => r.UnaryOperator == kind);

    /// <summary>The op whose tape nodes have this kind (any name it is called by); else null.</summary>
    public static TensorOpRule? FindKind(string kind) => ByName.TryGetValue(kind, out var rule) ? rule : null;

    internal static Value Recorded(LayerCall op, Value result, bool passesGradientThrough = false)
    {
        op.Record(result, passesGradientThrough);
        return result;
    }
}
