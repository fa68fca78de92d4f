using System;
using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// How an op's backward treats the layout of the gradient it gets (measured op by op on TorchSharp 0.107 CPU with the
/// allocation tracker). A tape node's kind is a tensor op ("relu"), a layer ("ReLU") or an op inside a composite layer
/// ("Softmin.softmax").
/// </summary>
[Flags]
internal enum BackwardTrait
{
    None = 0,

    /// <summary>
    /// A TensorIterator kernel over the incoming gradient: the gradient it makes takes the incoming one's layout (a
    /// transposed incoming gradient gives a transposed one). GELU's oneDNN path and LogSigmoid's kernel too (measured: a
    /// permuted gradient into either, over a contiguous or a permuted input, comes out permuted).
    /// </summary>
    KeepsGradientLayout = 1 << 0,

    /// <summary>
    /// Reads the forward tensor before the incoming gradient (threshold_backward, leaky_relu_backward, hardtanh_backward):
    /// where the two are laid out differently, the gradient follows the forward tensor (measured both ways: a contiguous
    /// input with a transposed gradient gives a contiguous gradient, a transposed input with a contiguous one a
    /// transposed one). Every other kernel that keeps the gradient's layout follows the gradient.
    /// </summary>
    ReadsForwardTensorFirst = 1 << 1,

    /// <summary>Reads its result rather than its input (ReLU's threshold_backward(grad, result)).</summary>
    ReadsResult = 1 << 2,

    /// <summary>
    /// grad.neg(): the gradient alone lays it out, an expanded one's stride-0 dimensions staying in their place (measured:
    /// a sum's gradient negated, then copied by a Linear's fold).
    /// </summary>
    ReadsGradientOnly = 1 << 3,

    /// <summary>
    /// Max pools' backward kernels pick their memory format from the gradient's strides, size-1 dimensions' included
    /// (measured: a gradient handed back through a transpose of size-1 dimensions costs max_pool1d's backward a second
    /// input-sized tensor; avg_pool's does not).
    /// </summary>
    ReadsGradientStrides = 1 << 4,

    /// <summary>
    /// amax and amin hand back (grad / count) * mask, the mask laid out as their input: a strided input's gradient follows
    /// its layout over the reduced dimensions (measured: amin over a transposed view hands back a gradient contiguous
    /// through the transpose).
    /// </summary>
    MasksExpandedGradient = 1 << 5,

    /// <summary>A reduction whose backward expands the incoming gradient back to the input's size inside a pointwise kernel.</summary>
    ExpandsGradientBack = 1 << 6,

    /// <summary>
    /// Runs through views in ATen and hands its gradient back through them, so autograd sums a second one out of place
    /// (measured): the 1-d pools (unsqueeze, the 2-d pool, squeeze), instance norm (batch norm over a reshaped view),
    /// Dropout1d. The 2-d pools, batch, group and layer norm add in place.
    /// </summary>
    HandsGradientThroughViews = 1 << 7,

    /// <summary>Dropout2d/3d hand their gradient through views on an input of another rank than their batched one.</summary>
    HandsGradientThroughViewsOffItsRank = 1 << 8,

    /// <summary>
    /// Reshapes a strided gradient into a dense copy and drops the strided one before computing (Linear over 3 or more
    /// dimensions, instance norm): the copy is alive with the incoming gradient for a moment only.
    /// </summary>
    ReplacesStridedGradient = 1 << 9,

    /// <summary>
    /// TorchSharp's Hardtanh module hands a dense gradient on as it is, in any dimension order (measured: a permuted one,
    /// no tensor in its backward); a gapped one (a narrow view of cat's gradient) costs it a copy. A fresh gradient summed
    /// with the one it handed on was measured both in place and out of place (BackwardEngine: an uncertain moment).
    /// </summary>
    TakesDenseGradientAsItIs = 1 << 10,

    /// <summary>
    /// Its strided-gradient copies were measured with permuted (dense) gradients only: oneDNN's GELU runs other reorders
    /// for a sliced one (with gaps), so that case is declined.
    /// </summary>
    StridedCopyMeasuredDenseOnly = 1 << 11,

    /// <summary>
    /// Joins the incoming gradients with cat or stack, whose kernel copies any layout, stride 0 included, without a copy of
    /// its own (split's and unbind's backward on sum's expanded gradient, checked by the differential fuzzer).
    /// </summary>
    TakesExpandedGradient = 1 << 12,
}

/// <summary>
/// A tape node's backward traits, read from its record: a layer's (<see cref="LayerRule.Backward"/>,
/// <see cref="LayerRule.StridedGradientCopies"/>), a tensor op's (<see cref="Ops.TensorOpRule"/>), or for an op inside a
/// composite layer ("Softmin.softmax") the layer's <see cref="LayerRule.InnerStridedGradientCopies"/>. A kind with no
/// record, or a null count, was not measured with a strided gradient: the peak is unknown there.
/// </summary>
internal static class BackwardTraits
{
    public static BackwardTrait Of(string kind) =>
        LayerRules.Find(kind) is { } layer ? layer.Backward : Ops.TensorOps.FindKind(kind)?.Backward ?? BackwardTrait.None;

    public static bool Has(string kind, BackwardTrait trait) => (Of(kind) & trait) == trait;

    /// <summary>Copies of the output's size made of a strided gradient; null where not measured.</summary>
    public static int? StridedCopies(string kind)
    {
        if (LayerRules.Find(kind) is { } layer) return layer.StridedGradientCopies;
        if (Ops.TensorOps.FindKind(kind) is { } op) return op.StridedGradientCopies;
        var dot = kind.IndexOf('.');
        if (dot < 0) return null;
        // Mish, Softsign and Tanhshrink are op chains, and the ops inside recurrent and attention layers were measured as
        // whole layers, their gradients' layouts included: none copies unless its layer's record says so.
        return LayerRules.Find(kind.Substring(0, dot)) is { } composite
            && composite.InnerStridedGradientCopies.TryGetValue(kind.Substring(dot + 1), out var copies) ? copies : 0;
    }
}
