using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchBudget.Harness;

/// <summary>What <see cref="BatchSizeFinder"/> found.</summary>
public sealed class BatchSizeSearch
{
    internal BatchSizeSearch(long largestThatRan, long recommended, long capacityBytes, double safetyFactor,
        long? predictedLargest, long? predictedRecommended, IReadOnlyList<BatchProbeResult> probes)
    {
        LargestBatchThatRan = largestThatRan;
        RecommendedBatchSize = recommended;
        CapacityBytes = capacityBytes;
        SafetyFactor = safetyFactor;
        PredictedLargest = predictedLargest;
        PredictedRecommended = predictedRecommended;
        Probes = probes;
    }

    /// <summary>The largest batch whose step ran within the capacity; 0 when not even one sample did.</summary>
    public long LargestBatchThatRan { get; }

    /// <summary>The largest batch whose measured peak stayed within <see cref="SafetyFactor"/> × <see cref="CapacityBytes"/>.</summary>
    public long RecommendedBatchSize { get; }

    /// <summary>The budget given, or the device's total memory.</summary>
    public long CapacityBytes { get; }

    /// <summary>The share of the capacity a recommended batch may use (0.8: the seed's "keep about 80%").</summary>
    public double SafetyFactor { get; }

    /// <summary>The report's <see cref="MemoryReport.MaxBatchSize"/> at the full capacity; null when its peak is unknown.</summary>
    public long? PredictedLargest { get; }

    /// <summary>The report's <see cref="MemoryReport.MaxBatchSize"/> at the safety factor; null when its peak is unknown.</summary>
    public long? PredictedRecommended { get; }

    /// <summary>Every trial step, in the order they ran.</summary>
    public IReadOnlyList<BatchProbeResult> Probes { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Largest batch that ran: ").Append(N(LargestBatchThatRan))
            .Append(" (predicted ").Append(PredictedLargest is { } p ? N(p) : "unknown").AppendLine(")");
        text.Append("Recommended batch (peak ≤ ").Append((SafetyFactor * 100).ToString("0.#", CultureInfo.InvariantCulture)).Append("% of ")
            .Append(ByteUnits.Format(CapacityBytes)).Append("): ").Append(N(RecommendedBatchSize))
            .Append(" (predicted ").Append(PredictedRecommended is { } r ? N(r) : "unknown").Append(") after ").Append(Probes.Count)
            .Append(" trial steps");
        return text.ToString();
    }

    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
