using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchBudget.Analyzers;

namespace TorchBudget.CodeFixes;

/// <summary>
/// TBG001: sets the budget's batch size to the largest batch that fits, as the analyzer computed it (the
/// diagnostic's "LargestBatchThatFits" property). On [MemoryBudget] it rewrites BatchSize; for the project's
/// budget (the diagnostic then sits on [MemoryProfile]) it adds [MemoryBudget] with that budget and batch,
/// which makes the model's own budget win. No fix when not even one sample fits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetBatchSizeCodeFixProvider)), Shared]
public sealed class SetBatchSizeCodeFixProvider : CodeFixProvider
{
    /// <summary>One key for every TBG001 fix, so Fix All applies them together whatever each batch is.</summary>
    internal const string EquivalenceKey = "TorchBudget.SetBatchSizeThatFits";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(OverBudgetProperties.DiagnosticId);

    // Each fix touches only its own attribute, so the fixes of one document merge without conflicts.
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(OverBudgetProperties.LargestBatchThatFits, out var text)
                || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var batch) || batch <= 0)
                continue;
            if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax attribute) continue;

            if (diagnostic.Properties.TryGetValue(OverBudgetProperties.ProjectMemoryBudget, out var projectBudget) && projectBudget is not null)
            {
                if (attribute.Parent is not AttributeListSyntax { Parent: TypeDeclarationSyntax }) continue;
                context.RegisterCodeFix(CodeAction.Create(
                    $"Add [MemoryBudget(\"{projectBudget}\", BatchSize = {batch})] (the project's budget at the largest batch that fits)",
                    token => AddBudget(context.Document, attribute, projectBudget, batch, token), EquivalenceKey), diagnostic);
            }
            else
            {
                context.RegisterCodeFix(CodeAction.Create(
                    $"Set BatchSize to {batch} (the largest batch that fits)",
                    token => SetBatchSize(context.Document, attribute, batch, token), EquivalenceKey), diagnostic);
            }
        }
    }

    private static async Task<Document> SetBatchSize(Document document, AttributeSyntax attribute, long batch, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(attribute, BudgetSyntax.WithBatchSize(attribute, batch)));
    }

    private static async Task<Document> AddBudget(Document document, AttributeSyntax profile, string budget, long batch,
        CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var list = (AttributeListSyntax)profile.Parent!;
        var type = (TypeDeclarationSyntax)list.Parent!;
        var lists = type.AttributeLists.Insert(type.AttributeLists.IndexOf(list) + 1, BudgetSyntax.NewBudgetList(budget, batch, list));
        return document.WithSyntaxRoot(root!.ReplaceNode(type, type.WithAttributeLists(lists)));
    }
}
