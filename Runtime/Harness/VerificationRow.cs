using System;

namespace TorchBudget.Harness;

/// <summary>How one checked figure came out.</summary>
public enum VerificationOutcome
{
    /// <summary>Measured equals predicted (exact rows) or is within the tolerance.</summary>
    Passed,
    /// <summary>Measured differs from predicted beyond the tolerance: the report is wrong for this model.</summary>
    Failed,
    /// <summary>The report does not know this figure (its Notes say why), so there was nothing to check.</summary>
    NotPredicted,
    /// <summary>The harness could not measure it (e.g. no training step for a model whose output is not [B, classes]).</summary>
    NotMeasured,
    /// <summary>
    /// The report's figure holds for another kernel profile than this process runs (its CPU instruction set or thread
    /// count, <see cref="MemoryReport.KernelProfile"/>): measured, not compared.
    /// </summary>
    OtherKernels,
}

/// <summary>One row of a memory table (or a count), predicted against measured.</summary>
public sealed class VerificationRow
{
    /// <summary>Creates a row and decides its outcome.</summary>
    public VerificationRow(string name, long? predicted, long? measured, double tolerance, long slackBytes, string method)
        : this(name, predicted, measured, tolerance, slackBytes, method, otherKernels: false)
    {
    }

    /// <summary>A row whose prediction holds for another kernel profile than this process runs, where <paramref name="otherKernels"/>.</summary>
    internal VerificationRow(string name, long? predicted, long? measured, double tolerance, long slackBytes, string method, bool otherKernels)
    {
        Name = name;
        Predicted = predicted;
        Measured = measured;
        Tolerance = tolerance;
        SlackBytes = slackBytes;
        Method = method;
        Outcome = predicted is null ? VerificationOutcome.NotPredicted
            : measured is null ? VerificationOutcome.NotMeasured
            : otherKernels ? VerificationOutcome.OtherKernels
            : Within(predicted.Value, measured.Value, tolerance, slackBytes) ? VerificationOutcome.Passed
            : VerificationOutcome.Failed;
    }

    /// <summary>The row: Parameters, Buffers, Gradients, OptimizerState, Input, Activations, Peak, or a count.</summary>
    public string Name { get; }

    /// <summary>What the report says; null when it does not know.</summary>
    public long? Predicted { get; }

    /// <summary>What the harness measured; null when it could not.</summary>
    public long? Measured { get; }

    /// <summary>(predicted − measured) / measured; null when either is missing.</summary>
    public double? RelativeError =>
        Predicted is { } p && Measured is { } m ? (m == 0 ? (p == 0 ? 0 : double.PositiveInfinity) : (p - m) / (double)m) : null;

    /// <summary>The relative difference allowed: 0 for rows that must be exact.</summary>
    public double Tolerance { get; }

    /// <summary>A difference of at most this many bytes passes whatever the relative error (0 on the CPU).</summary>
    public long SlackBytes { get; }

    /// <summary>How the measured figure was obtained.</summary>
    public string Method { get; }

    /// <summary>Passed, failed, or why it was not checked.</summary>
    public VerificationOutcome Outcome { get; }

    private static bool Within(long predicted, long measured, double tolerance, long slackBytes) =>
        Math.Abs((double)predicted - measured) <= Math.Max(tolerance * Math.Abs((double)measured), slackBytes);
}

/// <summary>One layer's output shape, predicted against what the layer really returned.</summary>
public sealed class LayerShapeCheck
{
    /// <summary>Creates a layer check.</summary>
    public LayerShapeCheck(string layer, string? predicted, string? observed, VerificationOutcome outcome, string method)
    {
        Layer = layer;
        Predicted = predicted;
        Observed = observed;
        Outcome = outcome;
        Method = method;
    }

    /// <summary>The layer's name, as in named_modules().</summary>
    public string Layer { get; }

    /// <summary>The report's shape at this batch size.</summary>
    public string? Predicted { get; }

    /// <summary>What the layer returned; null when it could not be observed.</summary>
    public string? Observed { get; }

    /// <summary>Passed, failed, or why it was not checked.</summary>
    public VerificationOutcome Outcome { get; }

    /// <summary>"forward hook" (the layer ran through call()) or "matched among forward's tensors".</summary>
    public string Method { get; }
}
