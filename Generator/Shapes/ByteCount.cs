using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// Bytes as Constant + PerSample × B, plus buffers sized in whole pages (<see cref="RoundedBytes"/>): what activations
/// and peaks look like as the batch grows. In a parametric run Constant and PerSample may be polynomials in the
/// constructor's sizes (<see cref="ConstantForm"/>, <see cref="PerSampleForm"/>): reading them pins those, as reading a
/// <see cref="Dim"/>'s coefficient does (<see cref="PinConstant"/>, <see cref="PinPerSample"/>); <see cref="Plus"/> and
/// <see cref="Negate"/> follow them.
/// </summary>
internal readonly struct ByteCount : IEquatable<ByteCount>
{
    private readonly long constant;
    private readonly long perSample;

    public ByteCount(long constant, long perSample, EquatableArray<RoundedBytes> rounded, SizeForm? constantForm = null,
        SizeForm? perSampleForm = null)
    {
        this.constant = constant;
        this.perSample = perSample;
        Rounded = rounded;
        ConstantForm = constantForm is { Expression.IsConstant: false } ? constantForm : null;
        PerSampleForm = perSampleForm is { Expression.IsConstant: false } ? perSampleForm : null;
    }

    public ByteCount(long constant, long perSample) : this(constant, perSample, EquatableArray<RoundedBytes>.Empty) { }

    public static readonly ByteCount Zero = new(0, 0);

    /// <summary>The constant bytes, pinning <see cref="ConstantForm"/> (a method: reading it records a guard).</summary>
    public long PinConstant()
    {
        ConstantForm?.Guards.Pin(ConstantForm.Expression, constant);
        return constant;
    }

    /// <summary>The bytes per sample, pinning <see cref="PerSampleForm"/> (a method: reading it records a guard).</summary>
    public long PinPerSample()
    {
        PerSampleForm?.Guards.Pin(PerSampleForm.Expression, perSample);
        return perSample;
    }

    public EquatableArray<RoundedBytes> Rounded { get; }

    /// <summary>The constant bytes without pinning, for the uses that carry <see cref="ConstantForm"/> along.</summary>
    public long PeekConstant => constant;

    public SizeForm? ConstantForm { get; }

    public SizeForm? PerSampleForm { get; }

    /// <summary>Constant as a polynomial (a constant one where it has none), without pinning.</summary>
    public Polynomial ConstantExpression => ConstantForm?.Expression ?? Polynomial.Constant(constant);

    /// <summary>PerSample as a polynomial (a constant one where it has none), without pinning.</summary>
    public Polynomial PerSampleExpression => PerSampleForm?.Expression ?? Polynomial.Constant(perSample);

    /// <summary>A buffer sized in whole pages, alone.</summary>
    public static ByteCount Of(RoundedBytes rounded) => new(0, 0, new[] { rounded }.ToEquatableArray());

    /// <summary>Bytes of a tensor with <paramref name="elements"/> elements; throws if they grow faster than B.</summary>
    public static ByteCount Of(Dim elements, int elementSize)
    {
        var bytes = checked(elements.PeekCoefficient * elementSize);
        var form = Scaled(elements.Form, elementSize, elements.PeekCoefficient);
        return elements.BatchPower switch
        {
            0 => new ByteCount(bytes, 0, EquatableArray<RoundedBytes>.Empty, constantForm: form),
            1 => new ByteCount(0, bytes, EquatableArray<RoundedBytes>.Empty, perSampleForm: form),
            _ => throw new NotLinearInBatchException(),
        };
    }

    /// <summary>Whether these bytes are Constant + PerSample × B exactly (no page-rounded buffer).</summary>
    public bool IsLinear => Rounded.Count == 0;

    public ByteCount Plus(ByteCount other) =>
        new(checked(constant + other.constant), checked(perSample + other.perSample), Merge(Rounded, other.Rounded),
            Sum(ConstantForm, other.ConstantForm, constant, other.constant), Sum(PerSampleForm, other.PerSampleForm, perSample, other.perSample));

    public ByteCount Negate() =>
        new(checked(-constant), checked(-perSample), Rounded.Select(r => r.WithTimes(checked(-r.Times))).ToEquatableArray(),
            Scaled(ConstantForm, -1, constant), Scaled(PerSampleForm, -1, perSample));

    /// <summary>
    /// Whether these bytes are at least <paramref name="other"/>'s part by part (constant, then per sample): a guard
    /// where either follows a polynomial (a sequence length), so the answer holds wherever the path does.
    /// </summary>
    public bool PartsAtLeast(ByteCount other) =>
        AtLeast(ConstantForm, other.ConstantForm, constant, other.constant)
        && AtLeast(PerSampleForm, other.PerSampleForm, perSample, other.perSample);

    private static bool AtLeast(SizeForm? form, SizeForm? otherForm, long value, long otherValue)
    {
        var result = value >= otherValue;
        return SizeGuards.Record((form ?? otherForm)?.Guards, result,
            () => SizeGuard.Comparison(form?.Expression ?? Polynomial.Constant(value), otherForm?.Expression ?? Polynomial.Constant(otherValue),
                less: !result),
            () =>
            {
                form?.Guards.Pin(form.Expression, value);
                otherForm?.Guards.Pin(otherForm.Expression, otherValue);
            });
    }

    /// <summary>The bytes at batch size <paramref name="batchSize"/>.</summary>
    public long At(long batchSize) =>
        Rounded.Aggregate(checked(PinConstant() + PinPerSample() * batchSize), (sum, r) => checked(sum + r.At(batchSize)));

    /// <summary>Equal as the bytes are here (the polynomials only say how they vary with the sizes).</summary>
    public bool Equals(ByteCount other) => constant == other.constant && perSample == other.perSample && Rounded.Equals(other.Rounded);

    public override bool Equals(object? obj) => obj is ByteCount other && Equals(other);

    public override int GetHashCode() => unchecked((constant.GetHashCode() * 31 + perSample.GetHashCode()) * 31 + Rounded.GetHashCode());

    public static bool operator ==(ByteCount left, ByteCount right) => left.Equals(right);

    public static bool operator !=(ByteCount left, ByteCount right) => !left.Equals(right);

    public override string ToString() => $"ByteCount {{ Constant = {constant}, PerSample = {perSample}, Rounded = {Rounded.Count} }}";

    /// <summary>form × factor; where a coefficient overflows, the form is pinned to its value instead.</summary>
    private static SizeForm? Scaled(SizeForm? form, long factor, long value)
    {
        if (form is null) return null;
        try { return new SizeForm(form.Expression.Times(factor), form.Guards); }
        catch (OverflowException) { form.Guards.Pin(form.Expression, value); return null; }
    }

    /// <summary>left + right, either a polynomial or a plain value; where a coefficient overflows, both are pinned.</summary>
    private static SizeForm? Sum(SizeForm? left, SizeForm? right, long leftValue, long rightValue)
    {
        if ((left ?? right) is not { Guards: var guards }) return null;
        try
        {
            return new SizeForm((left?.Expression ?? Polynomial.Constant(leftValue)).Plus(right?.Expression ?? Polynomial.Constant(rightValue)),
                guards);
        }
        catch (OverflowException)
        {
            left?.Guards.Pin(left.Expression, leftValue);
            right?.Guards.Pin(right.Expression, rightValue);
            return null;
        }
    }

    /// <summary>Counts of the same buffer add up; a buffer freed as often as it was allocated drops out.</summary>
    private static EquatableArray<RoundedBytes> Merge(EquatableArray<RoundedBytes> left, EquatableArray<RoundedBytes> right)
    {
        if (right.Count == 0) return left;
        if (left.Count == 0) return right;
        var merged = new List<RoundedBytes>(left);
        foreach (var buffer in right)
        {
            var index = merged.FindIndex(buffer.SameBuffer);
            if (index < 0) merged.Add(buffer);
            else merged[index] = merged[index].WithTimes(checked(merged[index].Times + buffer.Times));
        }
        return merged.Where(r => r.Times != 0).ToEquatableArray();
    }
}

/// <summary>A tensor whose size grows with B², which the linear memory table cannot express.</summary>
internal sealed class NotLinearInBatchException : Exception
{
    public NotLinearInBatchException() : base("a tensor grows faster than the batch size") { }
}
