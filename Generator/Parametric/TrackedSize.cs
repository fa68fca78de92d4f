using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// A size a layer rule reads from a factory argument, with the polynomial it is in a parametric run, so the rule's
/// parameter shapes carry it into the counts. <see cref="Pin"/> pins it, like <see cref="IntValue.Pin"/>; the
/// operators follow it. There is deliberately no implicit conversion to long: each plain use is visible in the rule.
/// </summary>
internal readonly struct TrackedSize(long number, SizeForm? form)
{
    public SizeForm? Form => form;

    public long Peek => number;

    /// <summary>
    /// The plain number, pinning the polynomial to it (a method: reading it records a guard), so only for uses that do not
    /// shape a parameter.
    /// </summary>
    public long Pin()
    {
        form?.Guards.Pin(form.Expression, number);
        return number;
    }

    public Polynomial Expression => form?.Expression ?? Polynomial.Constant(number);

    public static implicit operator TrackedSize(long constant) => new(constant, null);

    public static TrackedSize operator *(TrackedSize left, TrackedSize right) =>
        Combine(left, right, checked(left.Peek * right.Peek), (p, q) => p.Times(q));

    /// <summary>
    /// A tensor's element count as the product of its dimensions' polynomials; null where all are constant. Where the
    /// product overflows a coefficient, the dimensions are pinned instead.
    /// </summary>
    public static SizeForm? ProductForm(IReadOnlyList<TrackedSize> dims)
    {
        if (dims.Select(d => d.Form).FirstOrDefault(f => f is not null) is not { Guards: var guards }) return null;
        try
        {
            var product = dims.Aggregate(Polynomial.Constant(1), (count, dim) => count.Times(dim.Expression));
            return product.IsConstant ? null : new SizeForm(product, guards);
        }
        catch (System.OverflowException)
        {
            foreach (var dim in dims) _ = dim.Pin();
            return null;
        }
    }

    /// <summary>Whether this is a multiple of <paramref name="divisor"/>; a constant divisor becomes a divisibility guard.</summary>
    public bool IsMultipleOf(TrackedSize divisor)
    {
        if (divisor.Form is null && divisor.Peek is 1 or -1) return true;
        var outcome = divisor.Peek != 0 && Peek % divisor.Peek == 0;
        if (form is null) return divisor.Pin() != 0 && number % divisor.Pin() == 0;
        if (divisor.Form is not null || divisor.Peek == 0) return divisor.Pin() != 0 && Pin() % divisor.Pin() == 0;
        form.Guards.Add(new SizeGuard(form.Expression, outcome ? GuardRelation.DivisibleBy : GuardRelation.NotDivisibleBy, divisor.Peek));
        return outcome;
    }

    /// <summary>The exact quotient (the caller checked divisibility); pinned where it is not a polynomial with integer coefficients.</summary>
    public TrackedSize DividedBy(TrackedSize divisor) =>
        divisor.Form is null && form is not null && form.Expression.DividedBy(divisor.Peek) is { } quotient
            ? new TrackedSize(number / divisor.Peek, new SizeForm(quotient, form.Guards))
            : new TrackedSize(Pin() / divisor.Pin(), null);

    private static TrackedSize Combine(TrackedSize left, TrackedSize right, long number, System.Func<Polynomial, Polynomial, Polynomial> operation)
    {
        if ((left.Form ?? right.Form) is not { Guards: var guards }) return new TrackedSize(number, null);
        try
        {
            var combined = operation(left.Expression, right.Expression);
            return new TrackedSize(number, combined.IsConstant ? null : new SizeForm(combined, guards));
        }
        catch (System.OverflowException)
        {
            // Not a polynomial with long coefficients: fix both operands instead.
            _ = left.Pin();
            _ = right.Pin();
            return new TrackedSize(number, null);
        }
    }
}
