using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// The generator's <see cref="ModelSpec"/>s, handed to the analyzer of the same build so that a model is analyzed once
/// per compilation. The generator and the analyzer live in one assembly, so the compiler loads this class once for
/// both. A spec is keyed by the model's first declaring syntax tree (the analyzer's compilation holds the same tree
/// objects) and is taken only for a compilation that is the generator's plus generated files
/// (<see cref="HandoffReader"/>); in any other case, such as an IDE whose generator output lags the edits, the analyzer
/// analyzes the model itself, so a stale result is never reported.
/// </summary>
internal static class AnalysisHandoff
{
    // Weak in the tree: an entry lives as long as the compilation's files, never longer.
    private static readonly ConditionalWeakTable<SyntaxTree, Shelf> Shelves = new();

    /// <param name="key">The type's fully qualified name, which the caller already has (this runs on every keystroke).</param>
    public static void Publish(INamedTypeSymbol type, string key, ModelSpec spec, AnalyzedCompilation source)
    {
        if (KeyTree(type) is not { } tree) return;
        var shelf = Shelves.GetValue(tree, _ => new Shelf());
        lock (shelf) shelf.Specs[key] = (spec, source);
    }

    /// <summary>The generator's spec of <paramref name="type"/>, when it analyzed what <paramref name="reader"/> sees.</summary>
    public static ModelSpec? Take(INamedTypeSymbol type, HandoffReader reader)
    {
        if (KeyTree(type) is not { } tree || !Shelves.TryGetValue(tree, out var shelf)) return null;
        (ModelSpec Spec, AnalyzedCompilation Source) entry;
        lock (shelf)
        {
            if (!shelf.Specs.TryGetValue(Key(type), out entry)) return null;
        }
        return reader.Describes(entry.Source) ? entry.Spec : null;
    }

    private static SyntaxTree? KeyTree(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length == 0 ? null : type.DeclaringSyntaxReferences[0].SyntaxTree;

    private static string Key(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>The latest spec of each model declared first in one file, with the compilation it came from.</summary>
    private sealed class Shelf
    {
        public Dictionary<string, (ModelSpec Spec, AnalyzedCompilation Source)> Specs { get; } = new(System.StringComparer.Ordinal);
    }
}
