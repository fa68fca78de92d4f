using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace TorchBudget.CodeFixes;

/// <summary>The [MemoryBudget] syntax the TBG001 fix writes.</summary>
internal static class BudgetSyntax
{
    private const string BatchSize = "BatchSize";

    /// <summary>The attribute with BatchSize = <paramref name="batch"/>, replacing the value it had (or adding it).</summary>
    public static AttributeSyntax WithBatchSize(AttributeSyntax attribute, long batch)
    {
        var value = Number(batch);
        var existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == BatchSize);
        if (existing is not null)
            return attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));
        var argument = AttributeArgument(NameEquals(IdentifierName(BatchSize)), null, value);
        return attribute.WithArgumentList((attribute.ArgumentList ?? AttributeArgumentList()).AddArguments(argument));
    }

    /// <summary>
    /// <c>[MemoryBudget("budget", BatchSize = batch)]</c> on its own line after <paramref name="profileList"/>, with its
    /// indentation. Written fully qualified and left to the simplifier, so it resolves whatever the file imports.
    /// </summary>
    public static AttributeListSyntax NewBudgetList(string budget, long batch, AttributeListSyntax profileList)
    {
        var name = ParseName("global::TorchBudget.MemoryBudget").WithAdditionalAnnotations(Simplifier.Annotation);
        var arguments = AttributeArgumentList(SeparatedList(new[]
        {
            AttributeArgument(LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(budget))),
            AttributeArgument(NameEquals(IdentifierName(BatchSize)), null, Number(batch)),
        }));
        // Only the whitespace right before '[': a doc comment before it ends its own line.
        var indentation = profileList.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
        var endOfLine = profileList.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return AttributeList(SingletonSeparatedList(Attribute(name, arguments)))
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : ElasticLineFeed);
    }

    // Parsed, as if typed: Literal(long) would write "64L", and the parser types 64 as int (converted to long).
    private static ExpressionSyntax Number(long value) => ParseExpression(value.ToString(CultureInfo.InvariantCulture));
}
