using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace TorchBudget;

/// <summary>
/// What TorchBudget worked out at compile time for one profiled model. Counts are null where the
/// analysis could not know them; then <see cref="IsComplete"/> is false and <see cref="Notes"/> say why.
/// </summary>
public sealed partial class MemoryReport
{
    /// <summary>The report generated code hands over: its one entry point into the runtime.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static MemoryReport FromGenerated(GeneratedReport values)
    {
        if (values is null) throw new ArgumentNullException(nameof(values));
        return new MemoryReport(values.ModelName, values.InputShape, values.DType, values.InputDType, values.Optimizer, values.BatchSizes,
            values.ParameterCount, values.TrainableParameterCount, values.BufferElements, values.IsComplete, values.Notes,
            values.Layers.Select(l => l.ToReport()).ToArray(), values.OutputShape, values.Memory?.ToModel(), values.MultiplyAccumulatesPerSample)
        {
            Loss = values.Loss,
            KernelProfile = values.KernelProfile,
            PeaksFollowKernels = values.PeaksFollowKernels,
            OptimizerParameters = values.OptimizerParameters,
            LossOutput = values.LossOutput,
            FurtherInputs = values.FurtherInputs,
            ForwardArguments = Array.AsReadOnly(values.ForwardArguments),
            Sequence = values.Sequence,
            SequenceLength = values.Sequence is { } sequence ? sequence.ProfiledLength : null,
        };
    }

    internal MemoryReport(
        string modelName,
        long[] inputShape,
        torch.ScalarType dtype,
        torch.ScalarType inputDType,
        OptimizerKind optimizer,
        long[] batchSizes,
        long? parameterCount,
        long? trainableParameterCount,
        long? bufferElements,
        bool isComplete,
        string[] notes,
        LayerReport[] layers,
        string? outputShape,
        MemoryModel? memory,
        long? multiplyAccumulatesPerSample = null)
    {
        MultiplyAccumulatesPerSample = multiplyAccumulatesPerSample;
        OutputShape = LayerReport.Shape(outputShape, nameof(outputShape));
        Memory = memory;
        ModelName = modelName;
        InputShape = Array.AsReadOnly(inputShape);
        DType = dtype;
        InputDType = inputDType;
        Optimizer = optimizer;
        BatchSizes = Array.AsReadOnly(batchSizes);
        ParameterCount = parameterCount;
        TrainableParameterCount = trainableParameterCount;
        BufferElements = bufferElements;
        IsComplete = isComplete;
        Notes = Array.AsReadOnly(notes);
        Layers = Array.AsReadOnly(layers);
    }

    /// <summary>The profiled class's name.</summary>
    public string ModelName { get; }

    /// <summary>One sample's shape, without the batch dimension.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Element type of parameters and activations.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>Element type of the input batch.</summary>
    public torch.ScalarType InputDType { get; }

    /// <summary>
    /// Every tensor forward takes, by parameter position: [MemoryProfile]'s input at 0, then each [MemoryInput]. Each is
    /// batched: the step builds [batch, ...shape] of it.
    /// </summary>
    public IReadOnlyList<ForwardInput> Inputs =>
        new[] { new ForwardInput(0, InputShape.ToArray(), InputDType) }.Concat(FurtherInputs).OrderBy(i => i.Position).ToList();

    internal ForwardInput[] FurtherInputs { get; init; } = Array.Empty<ForwardInput>();

    /// <summary>The inputs and the optimizer's parameters as the reports' headers state them: "[12] Int64 + [12] Float32".</summary>
    internal string InputsText() => string.Join(" + ", Inputs.Select(i => "[" + string.Join(", ", i.Shape) + "] " + i.DType));

    /// <summary>" on trainable parameters only" where the optimizer is given only those; empty otherwise.</summary>
    internal string OptimizerScopeText() =>
        OptimizerParameters == OptimizerParameters.Trainable ? " on trainable parameters only" : "";

    /// <summary>
    /// Forward's arguments that are not tensors, by parameter position (null at tensor positions and where the declared
    /// default is taken), as [MemoryProfile]'s ForwardArguments gives them.
    /// </summary>
    public IReadOnlyList<object?> ForwardArguments { get; internal init; } = Array.Empty<object?>();

    /// <summary>
    /// The kernels the memory figures are for: the device, the CPU instruction set oneDNN picks kernels by and the thread
    /// count per-thread work buffers are sized by ("CPU AVX-512, 2 threads"). Peaks whose kernels' work tensors were
    /// measured on this profile hold for it; the Notes say which. Null in a report made by code older than this property.
    /// </summary>
    public string? KernelProfile { get; internal init; }

    /// <summary>
    /// Whether the peaks count work sized by <see cref="KernelProfile"/> (oneDNN's blocked copies and scratchpads, per-thread
    /// buffers): such peaks hold only for that profile, and the harness compares them only in a process that runs it.
    /// True when not stated (a report from older generated code).
    /// </summary>
    public bool PeaksFollowKernels { get; internal init; } = true;

    /// <summary>The optimizer whose state is accounted for.</summary>
    public OptimizerKind Optimizer { get; }

    /// <summary>
    /// The loss of the training step the table describes, as <c>[MemoryProfile]</c> names it; null where it names none:
    /// then cross_entropy, for a [batch, classes] output only.
    /// </summary>
    public LossKind? Loss { get; internal init; }

    /// <summary>Which parameters the optimizer is given, and so has state for (<c>[MemoryProfile]</c>'s OptimizerParameters).</summary>
    public OptimizerParameters OptimizerParameters { get; internal init; }

    /// <summary>Which of forward's results the loss takes where forward returns a tuple (0: the first).</summary>
    public int LossOutput { get; internal init; }

    /// <summary>Batch sizes of the table.</summary>
    public IReadOnlyList<long> BatchSizes { get; }

    /// <summary>Total parameters, as <c>parameters().Sum(p => p.numel())</c>; null when unknown.</summary>
    public long? ParameterCount { get; }

    /// <summary>Parameters with requires_grad; null when unknown.</summary>
    public long? TrainableParameterCount { get; }

    /// <summary>Total buffer elements (BatchNorm running statistics and the like); null when unknown.</summary>
    public long? BufferElements { get; }

    /// <summary>False when some part of the model could not be analyzed; <see cref="Notes"/> say which.</summary>
    public bool IsComplete { get; }

    /// <summary>Human-readable notes: what could not be analyzed and why, and other caveats.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Every module, in <c>named_modules()</c> order, the root left out.</summary>
    public IReadOnlyList<LayerReport> Layers { get; }

    /// <summary>The model's output shape; null when unknown.</summary>
    public LayerShape? OutputShape { get; }

    /// <summary>
    /// Forward's multiply-accumulates per sample, every layer's and the model's own products (matmul in its forward),
    /// as torchinfo's "Total mult-adds" divided by the batch; null when unknown. Conventions: docs/compute-cost.md.
    /// </summary>
    public long? MultiplyAccumulatesPerSample { get; }

    /// <summary>The byte formulas behind <see cref="ForBatch(long)"/>; null when the parameters are not all known.</summary>
    public MemoryModel? Memory { get; }

    /// <summary>The memory of one training step at <paramref name="batchSize"/>.</summary>
    /// <exception cref="InvalidOperationException">A row is unknown; <see cref="Notes"/> say why.</exception>
    public MemoryBreakdown ForBatch(long batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        var missing = Memory is null ? "every row" : Memory.MissingRows;
        if (Memory is null || missing is not null)
        {
            throw new InvalidOperationException($"The memory table of {ModelName} is incomplete ({missing} unknown): {string.Join(" ", Notes)}");
        }
        return Memory.At(batchSize);
    }

    /// <summary>
    /// <see cref="ForBatch(long)"/> without the exception: false, and <paramref name="breakdown"/> null, where a row is
    /// unknown (the <see cref="Notes"/> say why; the known rows stay on <see cref="Memory"/> and in the Markdown and HTML).
    /// </summary>
    public bool TryForBatch(long batchSize, [NotNullWhen(true)] out MemoryBreakdown? breakdown)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        breakdown = Memory is { MissingRows: null } memory ? memory.At(batchSize) : null;
        return breakdown is not null;
    }

    /// <summary>
    /// <see cref="ForInference(long)"/> without the exception: false, and <paramref name="breakdown"/> null, where a row is
    /// unknown.
    /// </summary>
    public bool TryForInference(long batchSize, [NotNullWhen(true)] out InferenceBreakdown? breakdown)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        breakdown = Memory?.Inference is { MissingRows: null } ? ForInference(batchSize) : null;
        return breakdown is not null;
    }

    /// <summary>
    /// The memory of one inference pass at <paramref name="batchSize"/>: <c>model.eval()</c>, then inside
    /// <c>torch.NewDisposeScope()</c> and <c>torch.no_grad()</c>, <c>y = model.forward(x)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A row is unknown; <see cref="Notes"/> say why.</exception>
    public InferenceBreakdown ForInference(long batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        var inference = Memory?.Inference;
        var missing = Memory is null || inference is null ? "every row" : inference.MissingRows;
        if (Memory is null || inference is null || missing is not null)
        {
            throw new InvalidOperationException($"The inference table of {ModelName} is incomplete ({missing} unknown): {string.Join(" ", Notes)}");
        }
        return checked(new InferenceBreakdown(batchSize, Memory.ParameterBytes, Memory.BufferBytes, inference.InputBytesPerSample * batchSize,
            inference.ActivationsAt(batchSize), inference.PeakAt(batchSize)));
    }

    /// <summary>
    /// The largest batch whose inference Peak fits in <paramref name="safetyFactor"/> × <paramref name="budgetBytes"/>;
    /// 0 when not even one sample fits.
    /// </summary>
    /// <exception cref="InvalidOperationException">The inference peak is unknown; <see cref="Notes"/> say why.</exception>
    public long InferenceMaxBatchSize(long budgetBytes, double safetyFactor = 0.8)
    {
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        ForInference(1); // throws when the table is incomplete
        return Memory!.Inference!.LargestBatch((decimal)budgetBytes * (decimal)safetyFactor);
    }

    /// <summary>One <see cref="MemoryBreakdown"/> per configured batch size.</summary>
    public IReadOnlyList<MemoryBreakdown> Table => BatchSizes.Select(b => ForBatch(b)).ToList();

    /// <summary>
    /// The largest batch whose Peak fits in <paramref name="safetyFactor"/> × <paramref name="budgetBytes"/>
    /// (use about 80% of what fits); 0 when not even one sample fits. On a measured report (<see cref="Measure"/>) the
    /// fitted answer is confirmed with real steps of the model at that batch, and corrected where a step disagrees.
    /// </summary>
    /// <param name="budgetBytes">The memory to fit in.</param>
    /// <param name="safetyFactor">The share of the budget to use.</param>
    /// <param name="sequenceLength">The sequence length (<see cref="ForSequenceLength"/>); null: this report's.</param>
    /// <exception cref="InvalidOperationException">A row is unknown; or, on a measured report, confirming the answer would take
    /// more memory than this machine has available.</exception>
    public long MaxBatchSize(long budgetBytes, double safetyFactor = 0.8, long? sequenceLength = null)
    {
        var fitted = FittedMaxBatchSize(budgetBytes, safetyFactor, sequenceLength);
        return Confirm is null ? fitted : Confirmed(fitted, (decimal)budgetBytes * (decimal)safetyFactor);
    }

    /// <summary>The largest batch by the formulas alone, without a measured report's confirmation.</summary>
    internal long FittedMaxBatchSize(long budgetBytes, double safetyFactor = 0.8, long? sequenceLength = null)
    {
        if (sequenceLength is { } length && length != SequenceLength) return ForSequenceLength(length).FittedMaxBatchSize(budgetBytes, safetyFactor);
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "The budget must be positive.");
        if (safetyFactor <= 0 || safetyFactor > 1)
            throw new ArgumentOutOfRangeException(nameof(safetyFactor), safetyFactor, "The safety factor must be in (0, 1].");
        ForBatch(1); // throws when the table is incomplete
        return PeakFormula.LargestBatch(Memory!.PeakLines!, Memory.PeakAtBatchOne, (decimal)budgetBytes * (decimal)safetyFactor,
            Memory.LargerBatchPeaks);
    }

    /// <summary>
    /// The per-layer table, torchinfo's totals, the per-batch tables of training and inference and the Notes, in Markdown
    /// with human units. A module with children shows its whole subtree's parameters, activations and multiply-accumulates.
    /// </summary>
    /// <param name="depth">Only modules this deep (1: the model's children); null: all.</param>
    /// <param name="order">The rows' order: <c>named_modules()</c>'s (the default), or a tree in registration or execution order.</param>
    public string ToMarkdown(int? depth = null, LayerOrder order = LayerOrder.NamedModules) => MarkdownReport.Render(this, depth, order);

    /// <summary>
    /// The report as one self-contained HTML page: the device and kernel profile, the per-layer, per-batch and inference
    /// tables, the notes, and a chart of the step's peak by component against the batch size with <paramref name="budgetBytes"/>,
    /// its usable part (<paramref name="safetyFactor"/> × budget) and the recommended batch (<see cref="MaxBatchSize"/>) marked;
    /// the footer names the TorchBudget version and when the page was made (UTC).
    /// Inline CSS and SVG only: it loads nothing from the network. Where the Peak is unknown, the page says so and draws no chart.
    /// </summary>
    public string ToHtml(long budgetBytes, double safetyFactor = 0.8) => HtmlReport.Render(this, budgetBytes, safetyFactor, DateTimeOffset.UtcNow);

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/> (UTF-8), creating its folder if need be.</summary>
    public void WriteHtml(string path, long budgetBytes, double safetyFactor = 0.8)
    {
        var html = ToHtml(budgetBytes, safetyFactor);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) System.IO.Directory.CreateDirectory(folder);
        System.IO.File.WriteAllText(path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(ModelName).Append(": ").Append(LayerReport.Format(ParameterCount)).Append(" parameters (")
            .Append(LayerReport.Format(TrainableParameterCount)).Append(" trainable)");
        if (!IsComplete) text.Append(", incomplete");
        text.AppendLine();
        var nameWidth = Layers.Select(l => l.Name.Length).DefaultIfEmpty(4).Max();
        foreach (var layer in Layers)
        {
            text.Append("  ").Append(layer.Name.PadRight(nameWidth)).Append("  ").Append(layer.Kind.PadRight(22))
                .Append((layer.OutputShape?.ToString() ?? "?").PadRight(22)).Append(LayerReport.Format(layer.ParameterCount).PadLeft(14))
                .AppendLine();
        }
        foreach (var note in Notes) text.Append("  note: ").AppendLine(note);
        return text.ToString();
    }
}
