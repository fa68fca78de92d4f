using System.Numerics;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Parametric;
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
        if (trace.AtBatchOne) return CoefficientsEqual(a, b);
        var generic = a.BatchPower == b.BatchPower ? CoefficientsEqual(a, b) : CoefficientIsZero(a) && CoefficientIsZero(b);
        if (!generic && a.BatchPower != b.BatchPower && EqualAtSomeBatch(a, b)) throw Depends(what);
        if (generic != CoefficientsEqual(a, b)) AskForBatchOnePass();
        return generic;
    }

    /// <summary>a &lt; b, as ATen compares the two sizes.</summary>
    public bool Less(Dim a, Dim b, string what)
    {
        if (trace.AtBatchOne) return CoefficientLess(a, 1, b, 1);
        var atTwo = CoefficientLess(a, 1L << a.BatchPower, b, 1L << b.BatchPower);
        // As B grows the higher power wins; equal powers compare their coefficients at every B.
        var eventually = a.BatchPower == b.BatchPower ? CoefficientLess(a, 1, b, 1)
            : a.BatchPower < b.BatchPower ? CoefficientLess(Dim.Of(0), 1, b, 1)
            : !CoefficientLess(Dim.Of(0), 1, a, 1) && CoefficientLess(Dim.Of(0), 1, b, 1);
        if (atTwo != eventually) throw Depends(what);
        if (atTwo != CoefficientLess(a, 1, b, 1)) AskForBatchOnePass();
        return atTwo;
    }

    /// <summary>
    /// Whether the coefficients are equal, as a guard where either follows a polynomial (a sequence length): the pass
    /// then holds wherever they compare the same, not only at this value.
    /// </summary>
    private static bool CoefficientsEqual(Dim a, Dim b)
    {
        var equal = a.PeekCoefficient == b.PeekCoefficient;
        return SizeGuards.Record((a.Form ?? b.Form)?.Guards, equal, () => SizeGuard.Equality(a.Expression, b.Expression, equal), () => Pin(a, b));
    }

    /// <summary>
    /// Whether <paramref name="x"/> × a's coefficient &lt; <paramref name="y"/> × b's, as a guard where either follows a
    /// polynomial.
    /// </summary>
    private static bool CoefficientLess(Dim a, long x, Dim b, long y)
    {
        var less = (BigInteger)a.PeekCoefficient * x < (BigInteger)b.PeekCoefficient * y;
        return SizeGuards.Record((a.Form ?? b.Form)?.Guards, less, () => SizeGuard.Comparison(a.Expression.Times(x), b.Expression.Times(y), less),
            () => Pin(a, b));
    }

    private static void Pin(Dim a, Dim b)
    {
        _ = a.PinCoefficient();
        _ = b.PinCoefficient();
    }

    private static bool CoefficientIsZero(Dim size) => CoefficientsEqual(size, Dim.Of(0));

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

    /// <summary>Whether c1·B^p1 = c2·B^p2 for some whole B ≥ 2 (the powers differ).</summary>
    private static bool EqualAtSomeBatch(Dim a, Dim b)
    {
        var (high, low) = a.BatchPower > b.BatchPower ? (a, b) : (b, a);
        // Polynomials in a constant ratio (32T against 32T) answer alike at every value: no pin.
        long? constantRatio = (high.Form ?? low.Form) is not null && high.PeekCoefficient != 0 && low.PeekCoefficient % high.PeekCoefficient == 0
            && SameUpToFactor(low.Expression, high.Expression, low.PeekCoefficient / high.PeekCoefficient)
            ? low.PeekCoefficient / high.PeekCoefficient
            : null;
        if (constantRatio is null && (high.PinCoefficient() == 0 || low.PinCoefficient() % high.PinCoefficient() != 0)) return false;
        var ratio = constantRatio ?? low.PinCoefficient() / high.PinCoefficient();
        var power = high.BatchPower - low.BatchPower;
        var root = (long)System.Math.Round(System.Math.Pow(ratio, 1.0 / power));
        for (var batch = System.Math.Max(2, root - 1); batch <= root + 1; batch++)
        {
            if (BigInteger.Pow(batch, power) == ratio) return true;
        }
        return false;
    }

    private static bool SameUpToFactor(Polynomial low, Polynomial high, long factor)
    {
        try { return low.Equals(high.Times(factor)); }
        catch (System.OverflowException) { return false; }
    }

    private static UnknownArgumentException Depends(string what) =>
        new(new UnknownValue($"whether ATen copies {what} depends on the batch size", null));
}
