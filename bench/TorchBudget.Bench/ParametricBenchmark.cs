using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using TorchBudget.Generator.Analysis;
using TorchBudget.Generator.Parsing;

namespace TorchBudget.Bench;

/// <summary>
/// What ParameterCountFor/MemoryReportFor cost the generator per model: the parse of one model (what an edit to it
/// re-runs) with and without the parametric formulas, for three kinds of constructor: a loop over a depth (17 paths),
/// widths only (one path), and a transformer whose width is pinned by Math.Sqrt and whose layer count is a
/// parameter (the 32-run budget used up).
/// </summary>
internal static class ParametricBenchmark
{
    public sealed record Row(string Kind, int Paths, double WithMs, double WithoutMs);

    public static IReadOnlyList<Row> Run(int runs)
    {
        var files = new[] { ("DepthMlp.cs", DepthMlp), ("WidthCnn.cs", WidthCnn), ("PinnedTransformer.cs", PinnedTransformer) };
        var compilation = BenchCompilation.Create(files.Select(f => (f.Item1, ModelCorpus.Usings + f.Item2)));
        var rows = new List<Row>();
        foreach (var name in new[] { "DepthMlp", "WidthCnn", "PinnedTransformer" })
        {
            var type = compilation.GetTypeByMetadataName("Bench.Parametric." + name)!;
            var attribute = type.GetAttributes().Single(a => a.AttributeClass?.Name == "MemoryProfileAttribute");
            double Time(bool parametric)
            {
                var clock = Stopwatch.StartNew();
                ModelAnalysis.Analyze(type, attribute, compilation, CancellationToken.None, parametricFormulas: parametric);
                return clock.Elapsed.TotalMilliseconds;
            }
            // Warm-up: JIT, Roslyn's binding of the model's code.
            Time(true);
            Time(false);
            var with = Stats.Of(Enumerable.Range(0, runs).Select(_ => Time(true)).ToList()).Median;
            var without = Stats.Of(Enumerable.Range(0, runs).Select(_ => Time(false)).ToList()).Median;
            var paths = ModelAnalysis.Analyze(type, attribute, compilation, CancellationToken.None).Parametric?.Paths.Count ?? 0;
            rows.Add(new Row(name, paths, with, without));
        }
        return rows;
    }

    // The parametric build corpus' model (ModelCorpus.DepthMlp), profiled at depth 3.
    private static readonly string DepthMlp =
        "namespace Bench.Parametric;\n\n" + ModelCorpus.DepthMlp(nameof(DepthMlp), "32, 64, 3, 10");

    private const string WidthCnn = """
        namespace Bench.Parametric;

        [MemoryProfile(3, 16, 16, Arguments = new object[] { 16, 10 })]
        public partial class WidthCnn : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> features;
            private readonly Linear head;

            public WidthCnn(long width, long classes) : base(nameof(WidthCnn))
            {
                features = Sequential(Conv2d(3, width, 3, padding: 1), BatchNorm2d(width), ReLU(), Conv2d(width, width * 2, 3, padding: 1), ReLU(),
                    AdaptiveAvgPool2d(1), Flatten());
                head = Linear(width * 2, classes);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => head.call(features.call(x));
        }
        """;

    private const string PinnedTransformer = """
        namespace Bench.Parametric;

        [MemoryProfile(32, InputDType = ScalarType.Int64, Arguments = new object[] { 5000, 64, 2 })]
        public partial class PinnedTransformer : Module<Tensor, Tensor>
        {
            private readonly Embedding embedding;
            private readonly TransformerEncoder encoder;
            private readonly Linear classifier;
            private readonly double scale;

            public PinnedTransformer(long vocab, long dModel, long layers) : base(nameof(PinnedTransformer))
            {
                embedding = Embedding(vocab, dModel);
                encoder = TransformerEncoder(TransformerEncoderLayer(dModel, 4, dim_feedforward: dModel * 4), layers);
                classifier = Linear(dModel, 5);
                scale = Math.Sqrt(dModel);
                RegisterComponents();
            }

            public override Tensor forward(Tensor tokens)
            {
                var x = encoder.call(embedding.forward(tokens.t()) * scale);
                return classifier.forward(x.mean(new long[] { 0 }));
            }
        }
        """;
}
