using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parsing;

/// <summary>Where generated members can go: every declaration in the chain must be partial.</summary>
internal static class TypeTargets
{
    public static (TypeTarget Target, string? NotPartial) From(INamedTypeSymbol type)
    {
        var headers = new List<string>();
        string? notPartial = null;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var declarations = current.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            if (declarations.Count == 0 || !declarations.Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                notPartial ??= current.Name;
            }
            var keyword = current.IsRecord ? (current.IsValueType ? "record struct" : "record")
                : current.IsValueType ? "struct"
                : current.TypeKind == TypeKind.Interface ? "interface"
                : "class";
            var typeParameters = current.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", current.TypeParameters.Select(p => p.Name)) + ">";
            headers.Insert(0, $"partial {keyword} {current.Name}{typeParameters}");
        }
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return (new TypeTarget(ns, type.Name, headers.ToEquatableArray(), CanEmit: notPartial is null), notPartial);
    }
}
