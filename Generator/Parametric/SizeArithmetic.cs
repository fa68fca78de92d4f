using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Parametric;

/// <summary>
/// The integer operations the interpreter follows symbolically in a parametric run: +, −, ×, exact division by a
/// constant, and comparisons (which record the decision as a guard). Anything else reads the plain numbers, which pins
/// them.
/// </summary>
internal static class SizeArithmetic
{
    /// <summary>The result with its polynomial, or null where neither operand has one or the operation is not followed.</summary>
    public static Value? Of(BinaryOperatorKind kind, IntValue left, IntValue right)
    {
        if ((left.Form ?? right.Form) is not { Guards: var guards }) return null;
        long a = left.Peek, b = right.Peek;
        Polynomial p = FormOf(left), q = FormOf(right);
        try
        {
            switch (kind)
            {
                case BinaryOperatorKind.Add: return Tracked(checked(a + b), p.Plus(q), guards);
                case BinaryOperatorKind.Subtract: return Tracked(checked(a - b), p.Minus(q), guards);
                case BinaryOperatorKind.Multiply: return Tracked(checked(a * b), p.Times(q), guards);
                // Exact for every argument when each coefficient divides: C# division of an exact multiple truncates nothing.
                case BinaryOperatorKind.Divide when q.IsConstant && b != 0 && p.DividedBy(b) is { } quotient: return Tracked(a / b, quotient, guards);
                // x << k for a constant k is x × 2^k.
                case BinaryOperatorKind.LeftShift when q.IsConstant && b is >= 0 and < 62:
                    return Tracked(checked(a * (1L << (int)b)), p.Times(1L << (int)b), guards);
                case BinaryOperatorKind.LessThan:
                    return Decide(a < b, SizeGuard.Ordered(p, q, strict: true), SizeGuard.Ordered(q, p, strict: false), guards);
                case BinaryOperatorKind.LessThanOrEqual:
                    return Decide(a <= b, SizeGuard.Ordered(p, q, strict: false), SizeGuard.Ordered(q, p, strict: true), guards);
                case BinaryOperatorKind.GreaterThan:
                    return Decide(a > b, SizeGuard.Ordered(q, p, strict: true), SizeGuard.Ordered(p, q, strict: false), guards);
                case BinaryOperatorKind.GreaterThanOrEqual:
                    return Decide(a >= b, SizeGuard.Ordered(q, p, strict: false), SizeGuard.Ordered(p, q, strict: true), guards);
                default: return null;
            }
        }
        catch (System.OverflowException)
        {
            // A coefficient overflowed: fall back to the pinned numbers (the concrete overflow, if any, is reported there).
            return null;
        }
    }

    public static Value Negate(IntValue value) =>
        value.Form is { } form ? Tracked(-value.Peek, form.Expression.Times(-1), form.Guards) : new IntValue(-value.Peek);

    /// <summary><c>a == b</c>, recording the decision where either side is a polynomial.</summary>
    public static bool Equal(IntValue left, IntValue right)
    {
        var equal = left.Peek == right.Peek;
        if ((left.Form ?? right.Form) is { Guards: var guards })
        {
            try { guards.Add(SizeGuard.Equality(FormOf(left), FormOf(right), equal)); }
            catch (System.OverflowException) { _ = left.Pin(); _ = right.Pin(); }
        }
        return equal;
    }

    /// <summary>A conversion to int: C# would wrap a value outside int's range, so the path requires it inside.</summary>
    public static void FitsAnInt(SizeForm form)
    {
        form.Guards.Add(SizeGuard.Ordered(Polynomial.Constant(int.MinValue), form.Expression, strict: false));
        form.Guards.Add(SizeGuard.Ordered(form.Expression, Polynomial.Constant(int.MaxValue), strict: false));
    }

    private static Polynomial FormOf(IntValue value) => value.Form?.Expression ?? Polynomial.Constant(value.Peek);

    private static Value Tracked(long number, Polynomial form, SizeGuards guards) =>
        form.IsConstant ? new IntValue(number) : new IntValue(number, new SizeForm(form, guards));

    private static Value Decide(bool outcome, SizeGuard ifTrue, SizeGuard ifFalse, SizeGuards guards)
    {
        guards.Add(outcome ? ifTrue : ifFalse);
        return BoolValue.Of(outcome);
    }
}
