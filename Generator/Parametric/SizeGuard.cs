using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Parametric;

/// <summary>How a guard's polynomial relates to zero (or, for divisibility, to its divisor).</summary>
internal enum GuardRelation
{
    Positive,
    NonNegative,
    Zero,
    NonZero,
    DivisibleBy,
    NotDivisibleBy,
}

/// <summary>
/// A decision the constructor (or a layer rule) took on the size parameters: <c>Expression Relation 0</c>, or
/// <c>Expression % Divisor == 0</c>. A construction path's counts hold wherever all of its guards hold.
/// </summary>
internal readonly record struct SizeGuard(Polynomial Expression, GuardRelation Relation, long Divisor = 0)
{
    public bool Holds(long[] arguments)
    {
        long value;
        try { value = Expression.Evaluate(arguments); }
        catch (System.OverflowException) { return false; }
        return Relation switch
        {
            GuardRelation.Positive => value > 0,
            GuardRelation.NonNegative => value >= 0,
            GuardRelation.Zero => value == 0,
            GuardRelation.NonZero => value != 0,
            GuardRelation.DivisibleBy => value % Divisor == 0,
            _ => value % Divisor != 0,
        };
    }

    /// <summary><c>smaller &lt; larger</c> (strict) or <c>smaller &lt;= larger</c>, as a guard on their difference.</summary>
    public static SizeGuard Ordered(Polynomial smaller, Polynomial larger, bool strict) =>
        new(larger.Minus(smaller), strict ? GuardRelation.Positive : GuardRelation.NonNegative);

    /// <summary><c>left &lt; right</c> when <paramref name="less"/>, else <c>left &gt;= right</c>: a comparison as decided.</summary>
    public static SizeGuard Comparison(Polynomial left, Polynomial right, bool less) =>
        less ? Ordered(left, right, strict: true) : Ordered(right, left, strict: false);

    /// <summary><c>left == right</c> when <paramref name="equal"/>, else <c>left != right</c>.</summary>
    public static SizeGuard Equality(Polynomial left, Polynomial right, bool equal) =>
        new(left.Minus(right), equal ? GuardRelation.Zero : GuardRelation.NonZero);
}
