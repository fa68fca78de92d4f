using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget.Harness;

/// <summary>A generated <see cref="MemoryReport"/> checked against a real training step.</summary>
public sealed class VerificationResult
{
    internal VerificationResult(string modelName, string device, long batchSize, string measurementMethod,
        IReadOnlyList<VerificationRow> rows, IReadOnlyList<LayerShapeCheck> layers, IReadOnlyList<string> notes)
    {
        ModelName = modelName;
        Device = device;
        BatchSize = batchSize;
        MeasurementMethod = measurementMethod;
        Rows = rows;
        Layers = layers;
        Notes = notes;
    }

    /// <summary>The report's model.</summary>
    public string ModelName { get; }

    /// <summary>Where the step ran ("cpu", "cuda:0").</summary>
    public string Device { get; }

    /// <summary>The batch size of the step.</summary>
    public long BatchSize { get; }

    /// <summary>How live and peak bytes were measured on this device.</summary>
    public string MeasurementMethod { get; }

    /// <summary>Counts and memory rows, predicted against measured.</summary>
    public IReadOnlyList<VerificationRow> Rows { get; }

    /// <summary>Every layer's output shape, predicted against observed.</summary>
    public IReadOnlyList<LayerShapeCheck> Layers { get; }

    /// <summary>What the reader should know: tolerances and why, rows not checked.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Failed when a row or a layer failed; Inconclusive when none could be compared (nothing both predicted and
    /// measured); Passed otherwise. Rows the report does not predict do not fail; see <see cref="IsComplete"/>.
    /// </summary>
    public VerificationVerdict Verdict =>
        Rows.Any(r => r.Outcome == VerificationOutcome.Failed) || Layers.Any(l => l.Outcome == VerificationOutcome.Failed)
            ? VerificationVerdict.Failed
        : Rows.Any(r => r.Outcome == VerificationOutcome.Passed) || Layers.Any(l => l.Outcome == VerificationOutcome.Passed)
            ? VerificationVerdict.Passed
        : VerificationVerdict.Inconclusive;

    /// <summary>The verdict is <see cref="VerificationVerdict.Passed"/>: something was compared and nothing failed.</summary>
    public bool Passed => Verdict == VerificationVerdict.Passed;

    /// <summary>Every row and layer was both predicted and measured.</summary>
    public bool IsComplete => Rows.All(r => r.Outcome is VerificationOutcome.Passed or VerificationOutcome.Failed)
        && Layers.All(l => l.Outcome is VerificationOutcome.Passed or VerificationOutcome.Failed);

    /// <summary>The rows and layers as Markdown tables, with a verdict line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var verdict = Verdict switch
        {
            VerificationVerdict.Failed => "FAILED",
            VerificationVerdict.Inconclusive => "INCONCLUSIVE (nothing was both predicted and measured)",
            _ => IsComplete ? "PASSED" : "PASSED (partly: some figures were not predicted or not measured)",
        };
        text.Append("Verification of ").Append(ModelName).Append(" at batch ").Append(BatchSize.ToString(CultureInfo.InvariantCulture))
            .Append(" on ").Append(Device).Append(": ").AppendLine(verdict);
        text.Append("Measured with ").Append(MeasurementMethod).AppendLine(".");
        text.AppendLine();
        text.AppendLine("| Row | Predicted | Measured | Error | Tolerance | Result |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var row in Rows)
        {
            text.Append("| ").Append(row.Name).Append(" | ").Append(Number(row.Predicted)).Append(" | ").Append(Number(row.Measured)).Append(" | ")
                .Append(row.RelativeError is { } error ? error.ToString("+0.0000%;-0.0000%;0", CultureInfo.InvariantCulture) : "-").Append(" | ")
                .Append(row.Tolerance == 0 ? "exact" : "±" + (row.Tolerance * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%").Append(" | ")
                .Append(Describe(row.Outcome)).AppendLine(" |");
        }
        if (Layers.Count > 0)
        {
            var passed = Layers.Count(l => l.Outcome == VerificationOutcome.Passed);
            text.AppendLine();
            text.Append("Layer output shapes: ").Append(passed).Append(" of ").Append(Layers.Count).AppendLine(" match.");
            foreach (var layer in Layers.Where(l => l.Outcome != VerificationOutcome.Passed))
            {
                text.Append("- ").Append(layer.Layer).Append(": predicted ").Append(layer.Predicted ?? "unknown").Append(", observed ")
                    .Append(layer.Observed ?? "nothing").Append(" (").Append(layer.Method).Append("): ").AppendLine(Describe(layer.Outcome));
            }
        }
        foreach (var note in Notes) text.AppendLine().Append("- ").Append(note);
        return text.ToString();
    }

    private static string Number(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "unknown";

    private static string Describe(VerificationOutcome outcome) => outcome switch
    {
        VerificationOutcome.Passed => "pass",
        VerificationOutcome.Failed => "FAIL",
        VerificationOutcome.NotPredicted => "not predicted",
        VerificationOutcome.OtherKernels => "not compared: other kernels",
        _ => "not measured",
    };
}

/// <summary>What a verification found overall.</summary>
public enum VerificationVerdict
{
    /// <summary>At least one figure was compared and none failed.</summary>
    Passed,
    /// <summary>A figure differs from the report beyond its tolerance.</summary>
    Failed,
    /// <summary>Nothing could be compared: every figure was unknown to the report or not measured.</summary>
    Inconclusive,
}
