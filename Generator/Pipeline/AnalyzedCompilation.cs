using System.Linq;
using Microsoft.CodeAnalysis;

namespace TorchBudget.Generator.Pipeline;

/// <summary>
/// What a model's analysis depends on: the compilation's files, references and options, held by identity (Roslyn
/// reuses the objects it did not change). One per compilation the generator runs on, shared by its models.
/// </summary>
internal sealed class AnalyzedCompilation
{
    public AnalyzedCompilation(Compilation compilation)
    {
        Trees = compilation.SyntaxTrees.ToArray();
        References = compilation.References.ToArray();
        Options = compilation.Options;
    }

    public SyntaxTree[] Trees { get; }

    public MetadataReference[] References { get; }

    public CompilationOptions Options { get; }
}
