using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Activations TorchSharp 0.107 computes as several ATen ops (pointwise: each result laid out as the input), each on the autograd tape
/// (measured: what each keeps after forward and its forward peak, with and without autograd). The temporaries of one C++ expression
/// live until its end, so they are all alive when the last op allocates its result.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>Mish: x * tanh(softplus(x)); softplus keeps x, tanh and mul keep tanh's result.</summary>
    private static Value MishForward(LayerCall c)
    {
        var x = c.Input;
        var softplus = c.InternalLike(x);
        c.InternalOp("softplus", new[] { x }, new[] { softplus }, new[] { x });
        var tanh = c.InternalLike(x);
        c.InternalOp("tanh", new[] { softplus }, new[] { tanh }, new[] { tanh });
        var result = c.InternalLike(x);
        c.InternalOp("mul", new[] { x, tanh }, new[] { result }, new[] { x, tanh }, backward: BackwardRules.Binary("mul", x, tanh, result));
        c.Release(softplus);
        c.Release(tanh);
        return result;
    }

    /// <summary>Softsign: x / (x.abs() + 1); abs keeps x, div keeps x and the denominator.</summary>
    private static Value SoftsignForward(LayerCall c)
    {
        var x = c.Input;
        var magnitude = c.InternalLike(x);
        c.InternalOp("abs", new[] { x }, new[] { magnitude }, new[] { x }, backward: BackwardRules.Pointwise(x, 2));
        var denominator = c.InternalLike(x);
        c.InternalOp("add", new[] { magnitude }, new[] { denominator }, new ActivationTensor[0], backward: BackwardRules.PassThrough(magnitude));
        var result = c.InternalLike(x);
        c.InternalOp("div", new[] { x, denominator }, new[] { result }, new[] { x, denominator },
            backward: BackwardRules.Binary("div", x, denominator, result));
        c.Release(magnitude);
        c.Release(denominator);
        return result;
    }

    /// <summary>Tanhshrink: x - tanh(x); tanh keeps its result, the subtraction nothing.</summary>
    private static Value TanhshrinkForward(LayerCall c)
    {
        var x = c.Input;
        var tanh = c.InternalLike(x);
        c.InternalOp("tanh", new[] { x }, new[] { tanh }, new[] { tanh });
        var result = c.InternalLike(x);
        c.InternalOp("sub", new[] { x, tanh }, new[] { result }, new ActivationTensor[0], backward: BackwardRules.Binary("sub", x, tanh, result));
        c.Release(tanh);
        return result;
    }

    /// <summary>LogSigmoid: log_sigmoid_forward returns the result and a buffer of the input's size, which autograd keeps with the input.</summary>
    private static Value LogSigmoidForward(LayerCall c)
    {
        var result = c.Output(c.Input.Shape);
        c.Save(c.Input);
        c.SaveNew(c.Input.Shape, c.Input.ElementType);
        return result;
    }

    /// <summary>Softmin: softmax(-x); the negation is freed once softmax returns, softmax keeps its result.</summary>
    private static Value SoftminForward(LayerCall c)
    {
        var x = c.Input;
        var negated = c.InternalLike(x);
        c.InternalOp("neg", new[] { x }, new[] { negated }, new ActivationTensor[0]);
        var result = c.InternalLike(x);
        c.InternalOp("softmax", new[] { negated }, new[] { result }, new[] { result });
        c.Release(negated);
        return result;
    }
}
