using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TorchBudget.Bench;

/// <summary>
/// The least a generator keyed on [MemoryProfile] can do: Roslyn's ForAttributeWithMetadataName with a transform that
/// only reads the class name, and no output. Its per-edit cost is what Roslyn itself spends finding and binding the
/// attributed classes of a new compilation, the floor under TorchBudget's generator.
/// </summary>
internal sealed class AttributePipelineFloor : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var names = context.SyntaxProvider.ForAttributeWithMetadataName(
            "TorchBudget.MemoryProfileAttribute",
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, _) => ctx.TargetSymbol.Name);
        context.RegisterSourceOutput(names, static (_, _) => { });
    }
}
