using System;
using System.Collections.Generic;
using TorchBudget.Generator.Interpretation;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Factories measured to create no parameters and no buffers (losses keep their weight tensors unregistered): one
/// record each, with its forward rule where one is modeled and the <c>functional.*</c> names that behave as it.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>Most pointwise kernels and dropouts: the gradient they make takes the incoming one's layout.</summary>
    private const BackwardTrait KeepsLayout = BackwardTrait.KeepsGradientLayout;

    private static IEnumerable<LayerRule> ParameterFreeRules()
    {
        foreach (var rank in new[] { 1, 2, 3 })
        {
            // The 2-d pools' backward copies a sliced gradient contiguous (cpu_max_pool_backward, cpu_avg_pool_backward:
            // grad_output.contiguous(); YOLO's SPPF cat hands each pool such a slice); measured for 2-d only.
            yield return new($"MaxPool{rank}d", "no parameters", (_, _) => { }, c => PoolForward(c, rank, max: true))
            {
                Functional = [$"max_pool{rank}d"], Backward = MaxPoolBackward(rank), KernelRank = rank, StridedGradientCopies = rank == 2 ? 1 : null,
            };
            yield return new($"AvgPool{rank}d", "no parameters", (_, _) => { }, c => PoolForward(c, rank, max: false))
            {
                Functional = [$"avg_pool{rank}d"], Backward = AvgPoolBackward(rank), KernelRank = rank, StridedGradientCopies = rank == 2 ? 1 : null,
            };
            yield return Free($"AdaptiveAvgPool{rank}d", c => AdaptivePoolForward(c, rank, max: false), AvgPoolBackward(rank), null,
                $"adaptive_avg_pool{rank}d");
            // functional.adaptive_max_pool1d/3d were not measured.
            yield return Free($"AdaptiveMaxPool{rank}d", c => AdaptivePoolForward(c, rank, max: true), MaxPoolBackward(rank), null,
                rank == 2 ? new[] { "adaptive_max_pool2d" } : Array.Empty<string>());
            foreach (var pad in new[] { "ReflectionPad", "ReplicationPad", "ConstantPad" })
            {
                yield return Free($"{pad}{rank}d", c => PadForward(c, rank));
            }
        }
        yield return Free("ZeroPad2d", c => PadForward(c, 2));
        // functional.pad: the pad modules' ops by its mode (constant_pad_nd, reflection_pad, replication_pad).
        yield return new LayerRule("Pad", "no parameters", (_, _) => { }, FunctionalPadForward) { Functional = ["pad"], FunctionalOnly = true };
        // functional.upsample passes align_corners even in nearest mode, which libtorch rejects: not an alias.
        // Backward copies a sliced gradient contiguous (grad_output.contiguous(), the generic kernel); a channels-last one
        // takes the channels-last kernel without a copy, so a permuted gradient is not followed.
        yield return Free("Upsample", UpsampleForward, BackwardTrait.ReadsGradientStrides, 1, "interpolate");
        yield return Free("PixelShuffle", c => PixelShuffleForward(c, c.Args.Long("upscale_factor"), shuffle: true), "pixel_shuffle");
        yield return Free("PixelUnshuffle", c => PixelShuffleForward(c, c.Args.Long("downscale_factor"), shuffle: false), "pixel_unshuffle");

        yield return new LayerRule("ScaledDotProductAttention", "no parameters", (_, _) => { }, ScaledDotProductAttentionForward)
        {
            Functional = ["scaled_dot_product_attention"], Backward = BackwardTrait.TakesExpandedGradient, StridedGradientCopies = 0,
            FunctionalOnly = true, Composed = Ops.TensorOps.ScaledDotProductMath,
        };

        yield return Free("Dropout", DropoutForward, KeepsLayout, 0, "dropout");
        yield return Free("Dropout1d", DropoutForward, KeepsLayout | BackwardTrait.HandsGradientThroughViews, 0, "dropout1d");
        yield return Free("Dropout2d", DropoutForward, KeepsLayout | BackwardTrait.HandsGradientThroughViewsOffItsRank, 0, "dropout2d");
        yield return Free("Dropout3d", DropoutForward, KeepsLayout | BackwardTrait.HandsGradientThroughViewsOffItsRank, 0, "dropout3d");
        yield return Free("AlphaDropout", DropoutForward, KeepsLayout, 0, "alpha_dropout");
        yield return Free("FeatureAlphaDropout", DropoutForward, KeepsLayout, 0, "feature_alpha_dropout");

        // Elementwise layers autograd runs on their result (ReLU, Sigmoid, Tanh) or on their input (the others).
        yield return Free("ReLU", c => Elementwise(c, Keeps.Result), ReadsItsResultFirst, 0, "relu");
        yield return Free("Sigmoid", c => Elementwise(c, Keeps.Result), KeepsLayout, 0, "sigmoid");
        yield return Free("Tanh", c => Elementwise(c, Keeps.Result), KeepsLayout, 0, "tanh");
        yield return Free("GELU", c => Elementwise(c, Keeps.Input), KeepsLayout | BackwardTrait.StridedCopyMeasuredDenseOnly, 2, "gelu");
        yield return Free("SiLU", c => Elementwise(c, Keeps.Input), KeepsLayout, 0, "silu");
        yield return Free("Hardswish", c => Elementwise(c, Keeps.Input), KeepsLayout, 0, "hardswish");
        yield return Free("LeakyReLU", c => Elementwise(c, Keeps.Input), KeepsLayout | BackwardTrait.ReadsForwardTensorFirst, 0, "leaky_relu");
        yield return Free("ELU", c => Elementwise(c, Keeps.Input), KeepsLayout, 0, "elu");
        yield return Free("ReLU6", c => Elementwise(c, Keeps.Input), KeepsLayout, 0, "relu6");
        yield return Free("Softplus", c => Elementwise(c, Keeps.Input), KeepsLayout, 0, "softplus");
        yield return Free("SELU", c => Elementwise(c, Keeps.Input), KeepsLayout, 0);
        yield return Free("CELU", c => Elementwise(c, Keeps.Input), KeepsLayout, 0);
        yield return Free("Hardsigmoid", c => Elementwise(c, Keeps.Input), KeepsLayout, 0);
        // TorchSharp's Hardtanh module hands a dense incoming gradient on as it is (measured: no tensor in its backward).
        yield return Free("Hardtanh", c =>
        {
            var result = Elementwise(c, Keeps.Input);
            c.Backward(BackwardRules.PassThrough(c.Input));
            return result;
        }, BackwardTrait.ReadsForwardTensorFirst | BackwardTrait.TakesDenseGradientAsItIs, 1);
        // Op chains in TorchSharp: what each op keeps (LayerRules.Composites.cs).
        yield return Free("Mish", MishForward, "mish");
        yield return Free("Softsign", SoftsignForward);
        yield return Free("Tanhshrink", TanhshrinkForward);
        yield return Free("LogSigmoid", LogSigmoidForward, KeepsLayout, 0);
        // Softmin is softmax(-x): its softmax copies a strided gradient as Softmax does (measured; it was counted as none).
        yield return new("Softmin", "no parameters", (_, _) => { }, SoftminForward)
        {
            InnerStridedGradientCopies = new Dictionary<string, int> { ["softmax"] = 1 },
        };
        yield return Free("Softmax", SoftmaxForward, BackwardTrait.None, 1, "softmax");
        yield return Free("LogSoftmax", SoftmaxForward, BackwardTrait.None, 1, "log_softmax");

        yield return Free("Identity", c =>
        {
            c.Backward(BackwardRules.PassThrough(c.Input));
            return c.Input;
        });
        yield return Free("Flatten", FlattenForward);
        yield return Free("Unflatten", UnflattenForward);

        foreach (var name in NotFollowedInForward) yield return Free(name, null);
    }

    private static LayerRule Free(string factory, Func<LayerCall, Value>? forward, params string[] functional) =>
        new(factory, "no parameters", (_, _) => { }, forward) { Functional = functional };

    /// <param name="stridedCopies">See <see cref="LayerRule.StridedGradientCopies"/>.</param>
    private static LayerRule Free(string factory, Func<LayerCall, Value>? forward, BackwardTrait backward, int? stridedCopies,
        params string[] functional) =>
        new(factory, "no parameters", (_, _) => { }, forward) { Functional = functional, Backward = backward, StridedGradientCopies = stridedCopies };

    /// <summary>threshold_backward(grad, result): ReLU reads its result before the gradient.</summary>
    private const BackwardTrait ReadsItsResultFirst =
        BackwardTrait.KeepsGradientLayout | BackwardTrait.ReadsForwardTensorFirst | BackwardTrait.ReadsResult;

    /// <summary>The 1-d pools run the 2-d pool over views (unsqueeze, squeeze) and hand their gradient back through them.</summary>
    private static BackwardTrait AvgPoolBackward(int rank) => rank == 1 ? BackwardTrait.HandsGradientThroughViews : BackwardTrait.None;

    private static BackwardTrait MaxPoolBackward(int rank) => AvgPoolBackward(rank) | BackwardTrait.ReadsGradientStrides;

    /// <summary>
    /// Parameter-free factories whose forward is not modeled: a call to one is reported, never guessed. A property, not a
    /// field: the table is built in a static initializer, whose order across partial files is not defined.
    /// </summary>
    private static string[] NotFollowedInForward => new[]
    {
        "ChannelShuffle", "CosineSimilarity", "Fold", "FractionalMaxPool2d", "FractionalMaxPool3d", "GLU", "Hardshrink", "LPPool1d",
        "LPPool2d", "LocalResponseNorm", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "PairwiseDistance",
        "RReLU", "Softmax2d", "Softshrink", "Threshold", "Unfold",
        "BCELoss", "BCEWithLogitsLoss", "CTCLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "GaussianNLLLoss", "HingeEmbeddingLoss",
        "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "MarginRankingLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss",
        "MultiMarginLoss", "NLLLoss", "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss",
    };
}
