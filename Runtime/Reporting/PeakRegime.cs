// Linked into the analyzers too, under their own namespace, so tests that see both assemblies find one type.
#if TORCHBUDGET_ANALYZERS
namespace TorchBudget.Analyzers.Linked;
#else
namespace TorchBudget;
#endif

/// <summary>
/// The peak's lines from <see cref="FromBatch"/> samples on, up to the next regime: some layer runs other kernels from
/// that batch size (oneDNN's RNN keeps one time step's scratch gates from batch 128), so the step's peak follows other lines.
/// </summary>
public sealed class PeakRegime
{
    /// <summary>Creates the regime; generated code calls this.</summary>
    public PeakRegime(long fromBatch, ByteFormula[] lines)
    {
        if (fromBatch < 2)
            throw new System.ArgumentOutOfRangeException(nameof(fromBatch), fromBatch, "A regime starts above batch 1 (batch 1 has PeakAtBatchOne).");
        if (lines is null || lines.Length == 0) throw new System.ArgumentException("A regime has at least one line.", nameof(lines));
        FromBatch = fromBatch;
        Lines = System.Array.AsReadOnly(lines);
    }

    /// <summary>The smallest batch size these lines hold for.</summary>
    public long FromBatch { get; }

    /// <summary>Peak(B) is the largest of these at B.</summary>
    public System.Collections.Generic.IReadOnlyList<ByteFormula> Lines { get; }
}
