namespace TorchBudget.Generator.Model;

/// <summary>Why the training peak is unknown, as a kind to branch on; the sentence is the one the Notes print.</summary>
internal enum UnknownCode
{
    /// <summary>The analysis stopped at a construct it cannot follow (TBG004): a count or a shape depends on it.</summary>
    NotFollowed,

    /// <summary>Forward is known, but some backward or kernel work tensor on the way to the peak was not measured.</summary>
    PeakNotModeled,

    /// <summary>Layers change kernels at more batch sizes than the analysis follows.</summary>
    TooManyKernelRegimes,

    /// <summary>The training step's loss (cross_entropy by default) cannot take forward's output (TBG012).</summary>
    LossDoesNotFitOutput,

    /// <summary>The project references a TorchSharp other than the one the memory rules were measured on (TBG010).</summary>
    UnmeasuredTorchSharp,
}

/// <param name="Message">The Note that says it, e.g. "Peak is unknown: …" or "Not analyzed: … (Model.cs, line 12)."</param>
internal sealed record UnknownReason(UnknownCode Code, string Message);
