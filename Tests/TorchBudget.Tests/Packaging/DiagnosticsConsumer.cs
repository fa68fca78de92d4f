using System;
using System.IO;
using Xunit;

namespace TorchBudget.Tests.Packaging;

/// <summary>
/// A class library a user might write with mistakes TorchBudget reports: an MLP over its memory budget (TBG001),
/// layers over the project's TorchBudgetMaxLayerParameters (TBG002), and an MNIST MLP profiled with CIFAR images (TBG009).
/// </summary>
internal static class DiagnosticsConsumer
{
    public const string Name = "DiagnosticsConsumer";
    public const string BudgetedFile = "BudgetedMlp.cs";
    public const string MismatchedFile = "CifarFedMlp.cs";

    // Linear(784, 128) has 100,480 parameters, Linear(128, 10) 1,290: the threshold sits between them.
    private const string Properties = "<TorchBudgetMaxLayerParameters>100000</TorchBudgetMaxLayerParameters>";

    public static void Write(string directory, string packageFeed, string packageVersion)
    {
        ConsumerProject.WriteProject(directory, Name, packageFeed, packageVersion, "Library", Properties);
        File.WriteAllText(Path.Combine(directory, BudgetedFile), BudgetedMlp);
        File.WriteAllText(Path.Combine(directory, MismatchedFile), CifarFedMlp(inputFeatures: "784"));
    }

    /// <summary>Gives the CIFAR model's first layer the 3 × 32 × 32 features it is fed, as the user's fix of TBG009.</summary>
    public static void FixShapeMismatch(string directory) =>
        File.WriteAllText(Path.Combine(directory, MismatchedFile), CifarFedMlp(inputFeatures: "3 * 32 * 32"));

    /// <summary>Where <paramref name="snippet"/> starts in <paramref name="source"/>, 1-based, as the compiler prints it.</summary>
    public static (int Line, int Column) PositionOf(string source, string snippet)
    {
        var index = source.IndexOf(snippet, StringComparison.Ordinal);
        Assert.True(index >= 0 && source.IndexOf(snippet, index + 1, StringComparison.Ordinal) < 0, $"'{snippet}' must occur once in the source.");
        var lineStart = source.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        return (source[..index].Split('\n').Length, index - lineStart + 1);
    }

    // 4 MiB holds the weights, gradients and Adam state of 101,770 parameters and some hundreds of images, not 4096.
    public const string BudgetedMlp = """
        using TorchBudget;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        namespace DiagnosticsConsumer;

        [MemoryProfile(1, 28, 28)]
        [MemoryBudget("4 MiB", BatchSize = 4096)]
        public partial class BudgetedMlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear(784, 128);
            private readonly Module<Tensor, Tensor> relu = ReLU();
            private readonly Module<Tensor, Tensor> fc2 = Linear(128, 10);

            public BudgetedMlp() : base(nameof(BudgetedMlp)) => RegisterComponents();

            public override Tensor forward(Tensor input) => fc2.forward(relu.forward(fc1.forward(input.flatten(1))));
        }
        """;

    public static string CifarFedMlp(string inputFeatures) => $$"""
        using TorchBudget;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        namespace DiagnosticsConsumer;

        [MemoryProfile(3, 32, 32)]
        public partial class CifarFedMlp : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc1 = Linear({{inputFeatures}}, 128);
            private readonly Module<Tensor, Tensor> fc2 = Linear(128, 10);

            public CifarFedMlp() : base(nameof(CifarFedMlp)) => RegisterComponents();

            public override Tensor forward(Tensor input) => fc2.forward(fc1.forward(input.flatten(1)));
        }
        """;
}
