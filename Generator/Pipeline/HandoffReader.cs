using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// The analyzer's side of <see cref="AnalysisHandoff"/>, one per compilation it analyzes. A generator result applies
/// when this compilation is the one the generator analyzed plus files generators added: the same files, references
/// and options (by identity), and nothing else but generated files. A command-line build always meets that (the
/// compiler adds the generated files to the very compilation the generator saw); an IDE whose generator has not run
/// since the last edit does not, and the analyzer then analyzes the model itself.
/// </summary>
internal sealed class HandoffReader
{
    private readonly Compilation compilation;
    private readonly Dictionary<AnalyzedCompilation, bool> verdicts = new();
    private HashSet<SyntaxTree>? trees;

    public HandoffReader(Compilation compilation) => this.compilation = compilation;

    public bool Describes(AnalyzedCompilation source)
    {
        lock (verdicts)
        {
            if (!verdicts.TryGetValue(source, out var verdict)) verdicts[source] = verdict = Matches(source);
            return verdict;
        }
    }

    private bool Matches(AnalyzedCompilation source)
    {
        if (!ReferenceEquals(compilation.Options, source.Options) && !compilation.Options.Equals(source.Options)) return false;
        var references = compilation.References.ToArray();
        if (references.Length != source.References.Length || !references.Zip(source.References, ReferenceEquals).All(same => same)) return false;
        trees ??= new HashSet<SyntaxTree>(compilation.SyntaxTrees);
        if (!source.Trees.All(trees.Contains)) return false;
        var analyzed = new HashSet<SyntaxTree>(source.Trees);
        return trees.Where(t => !analyzed.Contains(t)).All(IsGeneratorOutput);
    }

    /// <summary>
    /// Roslyn names a generated file "{generator assembly}/{generator type's full name}/{hint name}". A generator whose
    /// type is not in a namespace of its assembly's name fails this test, which costs only a second analysis.
    /// </summary>
    private static bool IsGeneratorOutput(SyntaxTree tree)
    {
        var generatorType = Path.GetFileName(Path.GetDirectoryName(tree.FilePath));
        var generatorAssembly = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(tree.FilePath)));
        return !string.IsNullOrEmpty(generatorType) && !string.IsNullOrEmpty(generatorAssembly)
            && generatorType!.StartsWith(generatorAssembly + ".", StringComparison.Ordinal);
    }
}
