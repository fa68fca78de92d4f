using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Ops;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Ops;

/// <summary>The tensor-op table against itself and against TorchSharp 0.107's real API (by reflection).</summary>
public class TensorOpTableTests
{
    [Fact]
    public void Every_identity_has_one_record()
    {
        var ids = TensorOps.All.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Enum.GetValues<TensorOp>().OrderBy(i => i), ids.OrderBy(i => i));
    }

    [Fact]
    public void Names_are_unique_and_every_record_has_one_and_a_form()
    {
        var names = TensorOps.All.SelectMany(r => r.Names).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(TensorOps.All, r => Assert.NotEmpty(r.Names));
        Assert.All(TensorOps.All, r => Assert.NotEqual(TensorOpForms.None, r.Forms));
        // A call by name needs the record's forward; indexing and the tape kinds run from their own hooks.
        var byName = TensorOpForms.Method | TensorOpForms.TorchFunction | TensorOpForms.Property;
        Assert.All(TensorOps.All, r => Assert.Equal((r.Forms & byName) != 0, r.Forward is not null));
    }

    [Fact]
    public void Every_name_is_in_TorchSharp_in_the_forms_the_record_claims()
    {
        const BindingFlags instance = BindingFlags.Public | BindingFlags.Instance;
        var tensor = typeof(torch.Tensor);
        foreach (var rule in TensorOps.All)
        {
            foreach (var name in rule.Names)
            {
                if (rule.Forms.HasFlag(TensorOpForms.Method))
                    Assert.True(tensor.GetMethods(instance).Any(m => m.Name == name), $"Tensor.{name}() is not in TorchSharp");
                if (rule.Forms.HasFlag(TensorOpForms.TorchFunction))
                    Assert.True(TorchHasFunction(name), $"torch.{name}(...) is not in TorchSharp");
                if (rule.Forms.HasFlag(TensorOpForms.Property))
                    Assert.NotNull(tensor.GetProperty(name, instance));
            }
            if (rule.Forms.HasFlag(TensorOpForms.Indexer))
                Assert.Contains(tensor.GetProperties(instance), p => p.GetIndexParameters().Length > 0);
        }
    }

    [Fact]
    public void Operators_are_the_ones_Tensor_defines()
    {
        var operators = typeof(torch.Tensor).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        foreach (var rule in TensorOps.All.Where(r => r.Operator is not null))
        {
            var clr = rule.Operator switch
            {
                BinaryOperatorKind.Add => "op_Addition",
                BinaryOperatorKind.Subtract => "op_Subtraction",
                BinaryOperatorKind.Multiply => "op_Multiply",
                BinaryOperatorKind.Divide => "op_Division",
                BinaryOperatorKind.Equals => "op_Equality",
                BinaryOperatorKind.NotEquals => "op_Inequality",
                BinaryOperatorKind.LessThan => "op_LessThan",
                BinaryOperatorKind.LessThanOrEqual => "op_LessThanOrEqual",
                BinaryOperatorKind.GreaterThan => "op_GreaterThan",
                BinaryOperatorKind.GreaterThanOrEqual => "op_GreaterThanOrEqual",
                var other => throw new InvalidOperationException($"no CLR name known for {other}"),
            };
            Assert.Contains(clr, operators);
            Assert.Same(rule, TensorOps.FindOperator(rule.Operator!.Value));
        }
    }

    private static bool TorchHasFunction(string name) =>
        typeof(torch).GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name == name);
}
