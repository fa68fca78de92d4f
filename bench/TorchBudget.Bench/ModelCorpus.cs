using System.Collections.Generic;
using System.Globalization;

namespace TorchBudget.Bench;

/// <summary>
/// A deterministic set of profiled models of five kinds, one file each: MLPs, CNNs, ResNet-style residual blocks,
/// LSTM text classifiers and transformer encoders, with sizes varied by index so no two are the same. They follow
/// the zoo's patterns, which the analysis understands (most reports are complete; LSTM and transformer peaks are
/// unknown by design). One extra file, <see cref="UnrelatedFile"/>, holds no model: the target of unrelated edits.
/// </summary>
internal static class ModelCorpus
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using TorchBudget;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    public const string UnrelatedFile = Usings + """
        namespace Bench.Models;

        public static class Helpers
        {
            public static int Answer()
            {
                var total = 0;
                return total;
            }
        }
        """;

    public static readonly string[] Kinds = { "Mlp", "Cnn", "ResBlockNet", "LstmClassifier", "TransformerClassifier" };

    /// <summary>(file name, source) of model <paramref name="index"/>; the kind cycles with the index.</summary>
    public static (string Name, string Source) Model(int index)
    {
        var kind = Kinds[index % Kinds.Length];
        var name = kind + index.ToString(CultureInfo.InvariantCulture);
        var width = 32 + 8 * (index % 16);
        var body = kind switch
        {
            "Mlp" => Mlp(name, width),
            "Cnn" => Cnn(name, width),
            "ResBlockNet" => ResBlockNet(name, 8 + index % 8),
            "LstmClassifier" => Lstm(name, width),
            _ => Transformer(name, 16 * (1 + index % 4)),
        };
        return (name + ".cs", Usings + "namespace Bench.Models;\n\n" + body);
    }

    public static IEnumerable<(string Name, string Source)> Models(int count)
    {
        for (var i = 0; i < count; i++) yield return Model(i);
    }

    /// <summary>
    /// Models whose constructor takes its sizes (the profile passes them as Arguments), so the generator also builds
    /// ParameterCountFor/MemoryReportFor: it re-runs the constructor, forward and backward at other depths.
    /// </summary>
    public static IEnumerable<(string Name, string Source)> ParametricModels(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var name = "DepthMlp" + i.ToString(CultureInfo.InvariantCulture);
            var arguments = $"32, {32 + 8 * (i % 16)}, {2 + i % 3}, 10";
            yield return (name + ".cs", Usings + "namespace Bench.Models;\n\n" + DepthMlp(name, arguments));
        }
    }

    /// <summary>An MLP of <c>depth</c> blocks whose constructor takes its sizes, profiled with <paramref name="arguments"/>.</summary>
    public static string DepthMlp(string name, string arguments) => $$"""
        [MemoryProfile(32, Arguments = new object[] { {{arguments}} })]
        public partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly ModuleList<Module<Tensor, Tensor>> blocks = new ModuleList<Module<Tensor, Tensor>>();
            private readonly Linear head;

            public {{name}}(int inputs, int hidden, int depth, int classes) : base(nameof({{name}}))
            {
                for (var i = 0; i < depth; i++) blocks.Add(Sequential(Linear(i == 0 ? inputs : hidden, hidden), LayerNorm(hidden), ReLU()));
                head = Linear(hidden, classes);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                foreach (var block in blocks) x = block.call(x);
                return head.call(x);
            }
        }
        """;

    private static string Mlp(string name, int hidden) => $$"""
        [MemoryProfile(784)]
        public sealed partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, {{hidden}});
            private readonly Module<Tensor, Tensor> fc2 = Linear({{hidden}}, {{hidden / 2}});
            private readonly Module<Tensor, Tensor> fc3 = Linear({{hidden / 2}}, 10);

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                var h = functional.relu(fc1.forward(x));
                h = functional.relu(fc2.forward(h));
                return fc3.forward(h);
            }
        }
        """;

    private static string Cnn(string name, int channels) => $$"""
        [MemoryProfile(3, 32, 32)]
        public sealed partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv1 = Conv2d(3, {{channels / 4}}, 5);
            private readonly Module<Tensor, Tensor> pool = MaxPool2d(2);
            private readonly Module<Tensor, Tensor> conv2 = Conv2d({{channels / 4}}, 16, 5);
            private readonly Module<Tensor, Tensor> fc1 = Linear(16 * 5 * 5, 120);
            private readonly Module<Tensor, Tensor> fc2 = Linear(120, 10);

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                x = pool.forward(functional.relu(conv1.forward(x)));
                x = pool.forward(functional.relu(conv2.forward(x)));
                x = x.flatten(1);
                return fc2.forward(functional.relu(fc1.forward(x)));
            }
        }
        """;

    private static string ResBlockNet(string name, int width) => $$"""
        public sealed class {{name}}Block : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv1;
            private readonly Module<Tensor, Tensor> bn1;
            private readonly Module<Tensor, Tensor> conv2;
            private readonly Module<Tensor, Tensor> bn2;

            public {{name}}Block(long channels) : base(nameof({{name}}Block))
            {
                conv1 = Conv2d(channels, channels, 3, padding: 1, bias: false);
                bn1 = BatchNorm2d(channels);
                conv2 = Conv2d(channels, channels, 3, padding: 1, bias: false);
                bn2 = BatchNorm2d(channels);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var y = functional.relu(bn1.forward(conv1.forward(x)));
                y = bn2.forward(conv2.forward(y));
                return functional.relu(y + x);
            }
        }

        [MemoryProfile(3, 16, 16)]
        public sealed partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> stem = Conv2d(3, {{width}}, 3, padding: 1);
            private readonly ModuleList<Module<Tensor, Tensor>> blocks = new();
            private readonly Module<Tensor, Tensor> head = Sequential(AdaptiveAvgPool2d(1), Flatten(), Linear({{width}}, 10));

            public {{name}}() : base(nameof({{name}}))
            {
                for (var i = 0; i < 3; i++) blocks.Add(new {{name}}Block({{width}}));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                x = stem.forward(x);
                foreach (var block in blocks) x = block.forward(x);
                return head.forward(x);
            }
        }
        """;

    private static string Lstm(string name, int hidden) => $$"""
        [MemoryProfile(32, InputDType = ScalarType.Int64)]
        public sealed partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Embedding embedding = Embedding(5000, 64);
            private readonly LSTM lstm = LSTM(64, {{hidden}}, numLayers: 1, batchFirst: true);
            private readonly Linear fc = Linear({{hidden}}, 2);

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor tokens)
            {
                var (_, hidden, _) = lstm.call(embedding.forward(tokens));
                return fc.forward(hidden[-1]);
            }
        }
        """;

    private static string Transformer(string name, int dModel) => $$"""
        [MemoryProfile(32, InputDType = ScalarType.Int64)]
        public sealed partial class {{name}} : Module<Tensor, Tensor>
        {
            private readonly Embedding embedding = Embedding(5000, {{dModel}});
            private readonly TransformerEncoder encoder =
                TransformerEncoder(TransformerEncoderLayer({{dModel}}, 4, dim_feedforward: {{dModel * 4}}), 2);
            private readonly Linear classifier = Linear({{dModel}}, 5);

            public {{name}}() : base(nameof({{name}})) => RegisterComponents();

            public override Tensor forward(Tensor tokens)
            {
                var x = encoder.call(embedding.forward(tokens.t()));
                return classifier.forward(x.mean(new long[] { 0 }));
            }
        }
        """;
}
