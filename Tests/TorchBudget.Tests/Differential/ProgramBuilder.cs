using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget.Tests.Differential;

/// <summary>
/// One generated forward program under construction: the module's fields, forward's statements and the tensors it has
/// made so far, each with its shape. Sizes are whole numbers, the batch is <see cref="Batch"/> (emitted as <c>b</c>, read
/// from the input); the op catalog (<see cref="FuzzOps"/>) keeps every statement valid for TorchSharp, so that what
/// differs between the report and the measurement is the analysis, not the program.
/// </summary>
internal sealed class ProgramBuilder(string name, Random random)
{
    /// <summary>The batch dimension in a shape.</summary>
    public const long Batch = -1;

    private readonly List<string> fields = new();
    private readonly List<string> statements = new();
    private int next;

    public string Name { get; } = name;

    public Random Random { get; } = random;

    /// <summary>Set by an op that throws at batch 1 in TorchSharp (BatchNorm in training over one value per channel).</summary>
    public bool NeedsBatchAbove1 { get; set; }

    /// <summary>Op families the program uses (for the per-family tally).</summary>
    public SortedSet<string> Families { get; } = new(StringComparer.Ordinal);

    /// <summary>Tensors forward has made, the current one last.</summary>
    public List<FuzzTensor> Tensors { get; } = new();

    public FuzzTensor Current => Tensors[^1];

    public int Pick(int count) => Random.Next(count);

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double probability) => Random.NextDouble() < probability;

    /// <summary>Whether a statement or field so far contains <paramref name="text"/> (an op that can make infinities, a layer).</summary>
    public bool Uses(string text) => statements.Concat(fields).Any(s => s.Contains(text, StringComparison.Ordinal));

    /// <summary>Declares a field (a layer or a parameter) and returns its name.</summary>
    public string Field(string type, string initializer)
    {
        var field = $"f{fields.Count}";
        fields.Add($"    private readonly {type} {field} = {initializer};");
        return field;
    }

    /// <summary>Adds `var tN = expression;` for a tensor of this shape and makes it current.</summary>
    public FuzzTensor Emit(string family, string expression, IReadOnlyList<long> shape)
    {
        Families.Add(family);
        var tensor = new FuzzTensor($"t{next++}", shape.ToArray());
        statements.Add($"        var {tensor.Name} = {expression};");
        Tensors.Add(tensor);
        return tensor;
    }

    /// <summary>A size as forward writes it: the batch as b.</summary>
    public static string Size(long size) => size == Batch ? "b" : size.ToString(CultureInfo.InvariantCulture);

    public static string Sizes(IEnumerable<long> shape) => string.Join(", ", shape.Select(Size));

    /// <summary>
    /// The class: a [MemoryProfile] module whose forward ends in a Linear head over the flattened features; with
    /// <paramref name="sequence"/>, over the last dimension (the features stay free of the length), its input's first
    /// sample dimension marked as the sequence and an MSE loss.
    /// </summary>
    public string Source(IReadOnlyList<long> inputShape, long classes, bool sequence = false)
    {
        var last = Current;
        var head = sequence ? (last.Shape.Length > 1 ? last.Shape[^1] : 1) : last.Shape.Where(d => d != Batch).Aggregate(1L, (a, d) => a * d);
        var headInput = !sequence ? $"{last.Name}.flatten(1)" : last.Shape.Length > 1 ? last.Name : $"{last.Name}.unsqueeze(1)";
        var text = new StringBuilder();
        text.AppendLine(sequence
            ? $"[MemoryProfile({string.Join(", ", inputShape)}, SequenceDimensions = new[] {{ 0 }}, Loss = LossKind.Mse)]"
            : $"[MemoryProfile({string.Join(", ", inputShape)})]");
        text.AppendLine($"public partial class {Name} : Module<Tensor, Tensor>");
        text.AppendLine("{");
        foreach (var field in fields) text.AppendLine(field);
        text.AppendLine($"    private readonly Module<Tensor, Tensor> head = Linear({head}, {classes});");
        text.AppendLine();
        text.AppendLine($"    public {Name}() : base(nameof({Name})) => RegisterComponents();");
        text.AppendLine();
        text.AppendLine("    public override Tensor forward(Tensor x)");
        text.AppendLine("    {");
        text.AppendLine("        var b = x.shape[0];");
        foreach (var statement in statements) text.AppendLine(statement);
        text.AppendLine($"        return head.forward({headInput});");
        text.AppendLine("    }");
        text.AppendLine("}");
        return text.ToString();
    }
}

/// <summary>A tensor of the generated forward: its variable and shape (<see cref="ProgramBuilder.Batch"/> for the batch).</summary>
internal sealed record FuzzTensor(string Name, long[] Shape)
{
    public int Rank => Shape.Length;

    public int BatchAxis => Array.IndexOf(Shape, ProgramBuilder.Batch);

    public long Features => Shape.Where(d => d != ProgramBuilder.Batch).Aggregate(1L, (a, d) => a * d);

    /// <summary>Axes other than the batch.</summary>
    public IReadOnlyList<int> FeatureAxes => Enumerable.Range(0, Rank).Where(i => Shape[i] != ProgramBuilder.Batch).ToList();
}
