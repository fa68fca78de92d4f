using System;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Shapes;

/// <summary>
/// A tensor dimension as Coefficient × B^BatchPower, B the batch size: 6, B, 400B. Enough to follow
/// reshapes such as view(-1, 400) exactly without fixing the batch size. In a parametric run the coefficient may be a
/// polynomial in the constructor's sizes (<see cref="Form"/>): reading it (<see cref="PinCoefficient"/>) pins it, as
/// <c>IntValue.Pin</c> does; <see cref="Times"/>, <see cref="DividedBy"/> and equality follow it.
/// </summary>
internal readonly struct Dim : IEquatable<Dim>
{
    private readonly long coefficient;

    public Dim(long coefficient, int batchPower, SizeForm? form = null)
    {
        this.coefficient = coefficient;
        BatchPower = batchPower;
        Form = form is { Expression.IsConstant: false } ? form : null;
    }

    public static readonly Dim Batch = new(1, 1);

    public static Dim Of(long size) => new(size, 0);

    /// <summary>A size a layer rule read, with its polynomial.</summary>
    public static Dim Of(TrackedSize size) => new(size.Peek, 0, size.Form);

    /// <summary>The coefficient, pinning <see cref="Form"/> to it (a method: reading it records a guard).</summary>
    public long PinCoefficient()
    {
        Form?.Guards.Pin(Form.Expression, coefficient);
        return coefficient;
    }

    /// <summary>The coefficient without pinning, for the uses that carry <see cref="Form"/> along (or only print it).</summary>
    public long PeekCoefficient => coefficient;

    public int BatchPower { get; }

    public SizeForm? Form { get; }

    /// <summary>Whether it does not grow with the batch; a batch dimension's coefficient is pinned by the check (a method:
    /// it may record a guard).</summary>
    public bool IsConstant() => BatchPower == 0 || PinCoefficient() == 0;

    public Dim Times(Dim other)
    {
        var product = checked(coefficient * other.coefficient);
        if ((Form ?? other.Form) is not { Guards: var guards }) return new Dim(product, BatchPower + other.BatchPower);
        try
        {
            return new Dim(product, BatchPower + other.BatchPower, new SizeForm(Expression.Times(other.Expression), guards));
        }
        catch (OverflowException)
        {
            return new Dim(checked(PinCoefficient() * other.PinCoefficient()), BatchPower + other.BatchPower);
        }
    }

    /// <summary>The sum of two sizes of one batch power (cat's joined dimension), following their polynomials where either has one.</summary>
    public Dim Plus(Dim other)
    {
        if (BatchPower != other.BatchPower) throw new InvalidOperationException("a sum of sizes of different batch powers");
        var sum = checked(coefficient + other.coefficient);
        if ((Form ?? other.Form) is not { Guards: var guards }) return new Dim(sum, BatchPower);
        try
        {
            return new Dim(sum, BatchPower, new SizeForm(Expression.Plus(other.Expression), guards));
        }
        catch (OverflowException)
        {
            return new Dim(checked(PinCoefficient() + other.PinCoefficient()), BatchPower);
        }
    }

    /// <summary>Exact division, or null when the result would not be a whole dimension.</summary>
    public Dim? DividedBy(Dim other)
    {
        if (other.Form is null && Form is not null && other.coefficient != 0 && BatchPower >= other.BatchPower
            && Form.Expression.DividedBy(other.coefficient) is { } quotient)
        {
            return new Dim(coefficient / other.coefficient, BatchPower - other.BatchPower, new SizeForm(quotient, Form.Guards));
        }
        var divisor = other.PinCoefficient();
        var dividend = PinCoefficient();
        return divisor != 0 && dividend % divisor == 0 && BatchPower >= other.BatchPower
            ? new Dim(dividend / divisor, BatchPower - other.BatchPower)
            : null;
    }

    /// <summary>Equal as the shapes are here; where either is a polynomial, the decision becomes a guard.</summary>
    public bool Equals(Dim other)
    {
        var equal = BatchPower == other.BatchPower && coefficient == other.coefficient;
        if ((Form ?? other.Form) is { Guards: var guards } && BatchPower == other.BatchPower)
        {
            try { guards.Add(SizeGuard.Equality(Expression, other.Expression, equal)); }
            catch (OverflowException) { _ = PinCoefficient(); _ = other.PinCoefficient(); }
        }
        return equal;
    }

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => unchecked(coefficient.GetHashCode() * 31 + BatchPower);

    public static bool operator ==(Dim left, Dim right) => left.Equals(right);

    public static bool operator !=(Dim left, Dim right) => !left.Equals(right);

    /// <summary>The coefficient as a polynomial (a constant one where it has no form), without pinning.</summary>
    public Polynomial Expression => Form?.Expression ?? Polynomial.Constant(coefficient);

    /// <summary>As the runtime reads it back (one format on both sides).</summary>
    public override string ToString() => Analyzers.Linked.DimensionText.Format(coefficient, BatchPower);
}
