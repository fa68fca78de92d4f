using System.Numerics;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// Comparisons of sizes (c·B^p) as ATen makes them on real numbers, for the batches one forward pass stands for. The
/// main pass stands for every B from 2 on: a comparison whose answer changes at some B from 2 on makes the layout
/// unknown (an <see cref="UnknownArgumentException"/>), and one whose answer differs at B = 1 asks for batch 1's own
/// pass, where B is 1.
/// </summary>
internal sealed class BatchDecisions(ForwardTrace trace)
{
    private const string BatchOneNote =
        "At batch size 1 the batch dimension has size 1, which changes whether ATen can view a tensor without copying it "
        + "(a transpose, expand, reshape or matmul involving it): batch 1's Activations and Peak come from a pass of its own.";

    /// <summary>a == b, as ATen compares the two sizes.</summary>
    public bool Equal(Dim a, Dim b, string what)
    {
        if (trace.AtBatchOne) return a.PinCoefficient() == b.PinCoefficient();
        var generic = a.PeekCoefficient == 0 && b.PeekCoefficient == 0 || a == b;
        if (!generic && a.BatchPower != b.BatchPower && EqualAtSomeBatch(a, b)) throw Depends(what);
        if (generic != (a.PinCoefficient() == b.PinCoefficient())) AskForBatchOnePass();
        return generic;
    }

    /// <summary>a &lt; b, as ATen compares the two sizes.</summary>
    public bool Less(Dim a, Dim b, string what)
    {
        if (trace.AtBatchOne) return a.PinCoefficient() < b.PinCoefficient();
        var atTwo = ValueAt(a, 2) < ValueAt(b, 2);
        // As B grows the higher power wins; equal powers compare their coefficients at every B.
        var eventually = a.BatchPower == b.BatchPower ? a.PinCoefficient() < b.PinCoefficient()
            : a.BatchPower < b.BatchPower ? b.PinCoefficient() > 0 : a.PinCoefficient() <= 0 && b.PinCoefficient() > 0;
        if (atTwo != eventually) throw Depends(what);
        if (atTwo != a.PinCoefficient() < b.PinCoefficient()) AskForBatchOnePass();
        return atTwo;
    }

    /// <summary>A zero stride (a broadcast dimension) is zero at every batch size.</summary>
    public bool IsZero(Dim stride) => stride.PeekCoefficient == 0;

    /// <summary>Whether the size is 1 in this pass (a batch dimension is at batch 1).</summary>
    public bool IsOne(Dim size, string what) => Equal(size, Dim.Of(1), what);

    private void AskForBatchOnePass()
    {
        if (trace.AtBatchOne || trace.StandsFromBatch is not null) return;
        trace.OtherKernelsAtBatchOne = true;
        trace.BatchOneNotes.Add(BatchOneNote);
    }

    private static BigInteger ValueAt(Dim size, int batch) => size.PinCoefficient() * BigInteger.Pow(batch, size.BatchPower);

    /// <summary>Whether c1·B^p1 = c2·B^p2 for some whole B ≥ 2 (the powers differ).</summary>
    private static bool EqualAtSomeBatch(Dim a, Dim b)
    {
        var (high, low) = a.BatchPower > b.BatchPower ? (a, b) : (b, a);
        if (high.PinCoefficient() == 0 || low.PinCoefficient() % high.PinCoefficient() != 0) return false;
        var ratio = low.PinCoefficient() / high.PinCoefficient();
        var power = high.BatchPower - low.BatchPower;
        var root = (long)System.Math.Round(System.Math.Pow(ratio, 1.0 / power));
        for (var batch = System.Math.Max(2, root - 1); batch <= root + 1; batch++)
        {
            if (BigInteger.Pow(batch, power) == ratio) return true;
        }
        return false;
    }

    private static UnknownArgumentException Depends(string what) =>
        new(new UnknownValue($"whether ATen copies {what} depends on the batch size", null));
}
