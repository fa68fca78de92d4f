using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchBudget.Analyzers;
using TorchBudget.Generator;
using TorchBudget.Tests.Generator;
using Xunit;

namespace TorchBudget.Tests.Robustness;

/// <summary>The suite's own machinery must see what it is looking for: crashes on either side, and unexplained gaps.</summary>
public class CaseRunnerTests
{
    private const string Model = """
        namespace Models;
        [MemoryProfile(4)]
        public partial class Mlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc = Linear(4, 2);
            public Mlp() : base("mlp") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """;

    private static RobustnessCase Case(string source) =>
        new(0, "test", new[] { new CaseSource("Model.cs", TestCompilation.Usings + source) }, ReferencesTorchSharp: true,
            new Dictionary<string, string>());

    [Fact]
    public void The_shipped_components_give_a_complete_report_and_no_problem()
    {
        var outcome = CaseRunner.ForShippedComponents().Run(Case(Model), CancellationToken.None);
        Assert.Equal(new[] { "Mlp" }, outcome.ProfiledClasses);
        Assert.True(outcome.Generated.Single().IsComplete);
        Assert.Empty(CaseVerdict.Problems(outcome));
    }

    [Fact]
    public void An_analyzer_that_throws_is_a_problem()
    {
        var runner = new CaseRunner(new[] { new MemoryProfileGenerator().AsSourceGenerator() }, new DiagnosticAnalyzer[] { new ThrowingAnalyzer() });
        var problems = CaseVerdict.Problems(runner.Run(Case(Model), CancellationToken.None));
        Assert.Contains(problems, p => p.StartsWith("exception: analyzer ThrowingAnalyzer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_generator_that_throws_is_a_problem()
    {
        var runner = new CaseRunner(new[] { new ThrowingGenerator().AsSourceGenerator() }, new DiagnosticAnalyzer[] { new MemoryProfileAnalyzer() });
        var problems = CaseVerdict.Problems(runner.Run(Case(Model), CancellationToken.None));
        Assert.Contains(problems, p => p.StartsWith("exception: generator ThrowingGenerator", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("crash diagnostic:", StringComparison.Ordinal) && p.Contains("CS8785"));
    }

    [Fact]
    public void A_profiled_class_without_a_report_or_a_reason_is_a_problem()
    {
        // No generator: the class is profiled, nothing reports on it and nothing says why.
        var runner = new CaseRunner(Array.Empty<ISourceGenerator>(), new DiagnosticAnalyzer[] { new ThrowingAnalyzer { Throws = false } });
        var problems = CaseVerdict.Problems(runner.Run(Case(Model), CancellationToken.None));
        Assert.Equal(new[] { "Mlp: no report and no diagnostic that says why (TBG diagnostics: none)" }, problems);
    }

    [Fact]
    public void A_gap_with_a_diagnostic_that_names_the_class_is_accepted()
    {
        var outcome = CaseRunner.ForShippedComponents()
            .Run(Case(Model.Replace("Linear(4, 2)", "Linear(Environment.ProcessorCount, 2)")), CancellationToken.None);
        Assert.False(outcome.Generated.Single().IsComplete);
        Assert.Contains(outcome.AnalyzerDiagnostics, d => d.Id == "TBG004");
        Assert.Empty(CaseVerdict.Problems(outcome));
    }

    // A test double handed to the runner as an instance, never loaded by a compiler: without [DiagnosticAnalyzer]
    // (which would make this test assembly an analyzer assembly) and without release tracking for its rule.
#pragma warning disable RS1001, RS2008
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST001", "test", "test", "test", DiagnosticSeverity.Warning, true);

        public bool Throws { get; init; } = true;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(_ => { if (Throws) throw new InvalidOperationException("thrown on purpose"); }, SymbolKind.NamedType);
        }
    }

#pragma warning restore RS1001, RS2008

    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, (_, _) => throw new InvalidOperationException("thrown on purpose"));
    }
}
