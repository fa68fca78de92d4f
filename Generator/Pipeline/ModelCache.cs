using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// Keeps each model's <see cref="ModelSpec"/> across the generator's runs in one host (the IDE runs the generator on
/// every edit, and Roslyn re-runs the attribute transform of every model whenever the compilation changes). A spec is
/// reused while none of the files it depends on changed, and every other change was inside method bodies
/// (<see cref="BodyOnlyEdit"/>): then the model's code binds exactly as before. Any other change (a declaration, a
/// reference, an option, a file added or removed) clears the cache, so a result is never stale; a command-line
/// build runs once and analyzes every model, as without the cache. Every spec it returns is also published to
/// <see cref="AnalysisHandoff"/>, for the analyzer of the same compilation.
/// </summary>
internal sealed class ModelCache
{
    private readonly object gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    // The previous compilation's files and settings, compared by identity: Roslyn reuses the objects it did not change.
    private WeakReference<Compilation>? last;
    private Dictionary<string, SyntaxTree> lastTrees = new(StringComparer.Ordinal);
    private MetadataReference[] lastReferences = Array.Empty<MetadataReference>();
    private CompilationOptions? lastOptions;
    private AnalyzedCompilation? lastAnalyzed;

    private sealed record Entry(ModelSpec Spec, HashSet<string> DependencyPaths);

    /// <summary>How many times a model was analyzed rather than taken from the cache (for tests and bench/).</summary>
    public int Analyses { get; private set; }

    /// <param name="projectKernels">The project's kernel profile (<see cref="ProjectKernels"/>): part of the key, since an
    /// MSBuild property can change without the compilation's options changing.</param>
    public ModelSpec GetOrParse(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken,
        KernelProfile? projectKernels = null)
    {
        var typeKey = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var key = typeKey + "|" + projectKernels;
        AnalyzedCompilation analyzed;
        lock (gate)
        {
            analyzed = Advance(compilation, cancellationToken);
            if (entries.TryGetValue(key, out var cached))
            {
                AnalysisHandoff.Publish(type, typeKey, cached.Spec, analyzed);
                return cached.Spec;
            }
        }
        var dependencies = new List<SyntaxTree>();
        var spec = ModelAnalysis.Analyze(type, attribute, compilation, cancellationToken, dependencies, projectKernels: projectKernels);
        AnalysisHandoff.Publish(type, typeKey, spec, analyzed);
        lock (gate)
        {
            Analyses++;
            // Only a result for the compilation the cache now describes may be kept.
            if (last is not null && last.TryGetTarget(out var current) && ReferenceEquals(current, compilation))
            {
                entries[key] = new Entry(spec, new HashSet<string>(dependencies.Select(t => t.FilePath), StringComparer.Ordinal));
            }
        }
        return spec;
    }

    /// <summary>Forgets every spec, so the next run analyzes every model (tests check that a re-analysis is equal).</summary>
    public void Clear()
    {
        lock (gate) entries.Clear();
    }

    /// <summary>Brings the cache to <paramref name="compilation"/>: drops what the changes since the last one may affect.</summary>
    private AnalyzedCompilation Advance(Compilation compilation, CancellationToken cancellationToken)
    {
        if (last is not null && last.TryGetTarget(out var previous) && ReferenceEquals(previous, compilation)) return lastAnalyzed!;

        var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        var uniquePaths = true;
        foreach (var tree in compilation.SyntaxTrees)
        {
            // Files are matched by path; with two files of one path (possible in tests) nothing is reused.
            if (trees.ContainsKey(tree.FilePath)) uniquePaths = false;
            else trees[tree.FilePath] = tree;
        }
        var references = compilation.References.ToArray();
        var changedFiles = new List<string>();
        var onlyBodiesChanged = uniquePaths
            && lastOptions is not null && compilation.Options.Equals(lastOptions)
            && references.Length == lastReferences.Length && references.Zip(lastReferences, ReferenceEquals).All(same => same)
            && trees.Count == lastTrees.Count
            && trees.All(pair =>
            {
                if (!lastTrees.TryGetValue(pair.Key, out var before)) return false;
                if (ReferenceEquals(before, pair.Value)) return true;
                changedFiles.Add(pair.Key);
                return before.Options.Equals(pair.Value.Options) && BodyOnlyEdit.Between(before, pair.Value, cancellationToken);
            });

        if (!onlyBodiesChanged) entries.Clear();
        else
        {
            foreach (var stale in entries.Where(e => changedFiles.Any(e.Value.DependencyPaths.Contains)).Select(e => e.Key).ToList())
                entries.Remove(stale);
        }
        last = new WeakReference<Compilation>(compilation);
        lastTrees = uniquePaths ? trees : new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        lastReferences = references;
        lastOptions = compilation.Options;
        return lastAnalyzed = new AnalyzedCompilation(compilation);
    }
}
