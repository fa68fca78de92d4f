using System;
using System.Collections.Generic;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// What TorchBudget knows about one TorchSharp factory (<c>torch.nn.Conv2d</c> …), all in one record: the parameters
/// and buffers it creates from its arguments, its forward rule, the <c>functional.*</c> names that run it, and how far
/// its memory is modeled. Every analysis and the docs read this one table (<see cref="LayerRules"/>).
/// </summary>
internal sealed class LayerRule(string factory, string summary, Action<LayerArgs, LayerBuilder> build,
    Func<LayerCall, Interpretation.Value>? forward = null)
{
    /// <summary>The factory method's name in <c>torch.nn</c>, also the layer's reported kind.</summary>
    public string Factory { get; } = factory;

    /// <summary>The parameters it creates, for docs and notes (e.g. "weight[out, in], bias[out]").</summary>
    public string Summary { get; } = summary;

    public Action<LayerArgs, LayerBuilder> Build { get; } = build;

    /// <summary>Output shape, allocations and saved tensors of one call; null where not modeled yet.</summary>
    public Func<LayerCall, Interpretation.Value>? Forward { get; } = forward;

    /// <summary><c>functional.*</c> functions that behave as this layer (same shapes, same saved tensors).</summary>
    public IReadOnlyList<string> Functional { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The <c>functional.*</c> arguments that are its parameters, by their names there and on the module
    /// (<c>functional.linear(x, weights, bias)</c>: TorchSharp's Linear.forward runs that very function on its own
    /// weight and bias). A parameter or buffer given there takes the module parameter's place, gradient included.
    /// </summary>
    public IReadOnlyList<(string Argument, string Parameter)> FunctionalParameters { get; init; } = Array.Empty<(string, string)>();

    /// <summary>
    /// Where its kernel does not take a call, the ops ATen composes it of, run by forward's own op rules (the math path of
    /// scaled_dot_product_attention); it returns null where the kernel's rule (<see cref="Forward"/>) applies.
    /// </summary>
    public Func<Interpretation.ForwardSemantics, LayerCall, Model.LocationInfo?, Interpretation.Value?>? Composed { get; init; }

    /// <summary>No torch.nn factory makes it: only its <see cref="Functional"/> names reach it (scaled_dot_product_attention).</summary>
    public bool FunctionalOnly { get; init; }

    /// <summary>
    /// Its result is a new contiguous tensor whatever its input's layout (Linear, layer_norm): a layout not followed upstream
    /// stops here (what such an input costs it is its rule's to judge).
    /// </summary>
    public bool ResultContiguous { get; init; }

    /// <summary>Its forward rule knows the output shape but not the memory (it calls MemoryNotModeled).</summary>
    public bool ShapeOnly { get; init; }

    /// <summary>How its backward treats the layout of the gradient it gets (measured; <see cref="BackwardTrait"/>).</summary>
    public BackwardTrait Backward { get; init; }

    /// <summary>
    /// Copies of its output's size its backward makes of a strided incoming gradient; null where not measured with one
    /// (the peak is then unknown there).
    /// </summary>
    public int? StridedGradientCopies { get; init; }

    /// <summary>
    /// For a composite layer recorded as its ops (<see cref="LayerCall.InternalOp"/>): copies of an op's output size its
    /// backward makes of a strided gradient, by op kind, where not none (measured).
    /// </summary>
    public IReadOnlyDictionary<string, int> InnerStridedGradientCopies { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Its weights scale, shift or are looked up (norms, embeddings, PReLU): it runs no weight or matrix products to count
    /// as multiply-accumulates (docs/compute-cost.md). A layer with weights whose rule counts none and is not such a layer
    /// leaves the model's count unknown.
    /// </summary>
    public bool WeightsWithoutProducts { get; init; }

    /// <summary>The spatial rank of its <c>kernel_size</c> (convolutions, pools): the report's Kernel column; null without one.</summary>
    public int? KernelRank { get; init; }

    /// <summary>
    /// Recorded as one tape node whose backward is not modeled (a recurrent layer: autograd sums each weight's gradients
    /// over the time steps before adding them to .grad), so the step's peak is unknown.
    /// </summary>
    public bool BackwardNotModeled { get; init; }
}
