namespace TorchBudget.Generator.Parametric;

/// <summary>
/// What an integer the interpreter holds is as a polynomial in the constructor's size parameters, and the guard log
/// of the run it belongs to. Reading the plain number pins the polynomial to it (<see cref="SizeGuards.Pin"/>), so a
/// use the analysis does not follow symbolically can never make a count wrong, only narrower.
/// </summary>
internal sealed class SizeForm(Polynomial expression, SizeGuards guards)
{
    public Polynomial Expression { get; } = expression;

    public SizeGuards Guards { get; } = guards;
}
