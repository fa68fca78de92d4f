using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Forward rules of the table: each layer's output shape, what it allocates, and what autograd keeps
/// for backward (PyTorch's derivatives.yaml; CPU dropout keeps a noise tensor of the input's size and
/// type, measured on TorchSharp 0.107).
/// </summary>
internal static partial class LayerRules
{
    /// <summary>What autograd keeps of an elementwise op.</summary>
    private enum Keeps { Nothing, Input, Result }

    /// <summary>
    /// Layers whose rules follow a strided (non-contiguous) input: pointwise ones (their result takes the input's
    /// layout), those that copy it where ATen does (Linear, the convolutions, softmax, the recurrent and attention
    /// layers) and views. A channels-last layout sends convolutions to other kernels: not followed.
    /// </summary>
    public static bool FollowsStridedInputs(string factory, ActivationTensor input, BatchDecisions decide) => factory switch
    {
        "Conv1d" or "Conv2d" or "Conv3d" or "ConvTranspose1d" or "ConvTranspose2d" or "ConvTranspose3d" =>
            !TensorLayout.IsChannelsLastLike(input.Shape, TensorLayout.ExactStridesOf(input), decide),
        "Linear" or "LSTM" or "GRU" or "RNN" or "MultiheadAttention" or "TransformerEncoderLayer" or "TransformerEncoder" or "Embedding" => true,
        // The cells run linear over a 2-d input: addmm reads a unit-stride row or column without copying.
        "LSTMCell" or "GRUCell" or "RNNCell" => input.Shape.Rank == 2 && TensorLayout.StridesOf(input).Any(s => s == Dim.Of(1)),
        "Identity" or "Flatten" or "Unflatten" or "Softmax" or "LogSoftmax" => true,
        // layer_norm copies any non-contiguous input contiguous, in forward and again in backward (its rule counts both).
        "LayerNorm" => true,
        // The flash kernel reads query, key and value through their strides (its rule declines a last stride other than 1).
        "ScaledDotProductAttention" => true,
        "Dropout" or "Dropout1d" or "Dropout2d" or "Dropout3d" or "AlphaDropout" or "FeatureAlphaDropout" => true,
        "ReLU" or "Sigmoid" or "Tanh" or "GELU" or "SiLU" or "Hardswish" or "LeakyReLU" or "ELU" or "ReLU6" or "Softplus" or "SELU" or "CELU"
            or "Hardsigmoid" => true,
        // Hardtanh's result keeps a sliced input's gapped strides over a dense buffer (measured), which nothing models.
        "Hardtanh" => TensorLayout.IsNonOverlappingAndDense(input.Shape, input.Strides, decide),
        _ => false,
    };

    private static Value Elementwise(LayerCall c, Keeps keeps)
    {
        var input = c.Input;
        var inPlace = c.Args.Has("inplace") && c.Args.Bool("inplace");
        var result = inPlace ? InPlaceResult(c, input) : c.PointwiseOutput(input.Shape, new[] { input });
        if (keeps == Keeps.Input) c.Save(input);
        if (keeps == Keeps.Result) c.Save(result);
        return result;
    }

    /// <summary>
    /// An in-place layer (module or functional, inplace: true) returns a new handle to its input's storage, not the
    /// input's handle (measured on 0.107: ReLU, LeakyReLU, ELU, ReLU6, Hardtanh, SiLU, Dropout): disposing one leaves
    /// the storage to the other, so a custom forward's DisposeScope keeps it after a Sequential dropped the result.
    /// </summary>
    private static ActivationTensor InPlaceResult(LayerCall c, ActivationTensor input) => c.Alias(input);

    /// <summary>
    /// softmax_cpu_out: a contiguous result, computed from a contiguous copy of a strided input (freed when it returns,
    /// with its transpose buffer); autograd keeps the result.
    /// </summary>
    private static Value SoftmaxForward(LayerCall c)
    {
        var input = c.Input;
        if (input.Shape.Axis(c.Args.Long("dim")) is null)
            throw c.Mismatch($"dim {c.Args.Long("dim")} is outside a {input.Shape.Rank}-d input {input.Shape}");
        var result = c.Output(input.Shape);
        if (!input.IsContiguous)
        {
            var copy = c.Internal(input.Shape, input.ElementType, needsGrad: false);
            c.TransposeCopyBuffer(input);
            c.Release(copy);
        }
        c.Save(result);
        return result;
    }

    private static Value LinearForward(LayerCall c)
    {
        var input = c.Input;
        if (input.Shape.Rank == 0) throw c.Mismatch("input is a scalar");
        var (inputSize, outputSize) = c.Args.Has("inputSize")
            ? (c.Args.TrackedSize("inputSize"), c.Args.TrackedSize("outputSize"))
            : GivenWeightSizes(c);
        var expected = Dim.Of(inputSize);
        if (input.Shape[input.Shape.Rank - 1] != expected)
        {
            throw c.Mismatch($"expects a last dimension of {expected} (inputSize) but the incoming tensor is {input.Shape}");
        }
        var shape = input.Shape.With(input.Shape.Rank - 1, Dim.Of(outputSize));
        var rows = input.Shape.Dims.Take(input.Shape.Rank - 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var transient = c.MatrixProductOf(input.ElementType, rows, expected, shape[shape.Rank - 1]);
        var copy = SaveMatmulInput(c, input);
        c.MultiplyAccumulates(() => shape.ElementCount.Times(expected));
        var result = c.Output(shape);
        c.GemmTransient(transient);
        if (copy is not null) c.Release(copy);
        return result;
    }

    /// <summary>
    /// [out, in] from a given weight (Linear(weight, bias), functional.linear): a 2-d weight, as at::linear requires, and a
    /// bias of [out] or none.
    /// </summary>
    private static (TrackedSize Input, TrackedSize Output) GivenWeightSizes(LayerCall c)
    {
        var weight = c.Module.Parameters.FirstOrDefault(p => p.Key == "weight").Value?.PinShape()
            ?? throw new UnknownArgumentException(new UnknownValue("the shape of a Linear's given weight", c.Module.CreatedAt));
        if (weight.Length != 2) throw c.Mismatch($"its weight [{string.Join(", ", weight)}] is not a matrix [out, in]");
        // addmm broadcasts the bias: one of another shape may still run, which is not modeled.
        if (c.Module.Parameters.FirstOrDefault(p => p.Key == "bias").Value?.PinShape() is { } bias && (bias.Length != 1 || bias[0] != weight[0]))
            throw new UnknownArgumentException(new UnknownValue($"a Linear bias [{string.Join(", ", bias)}] other than [{weight[0]}]",
                c.Module.CreatedAt));
        return (new TrackedSize(weight[1], null), new TrackedSize(weight[0], null));
    }

    /// <summary>
    /// What at::linear keeps of its input. A 2-d input goes to addmm and a contiguous one is flattened by a view: mm keeps
    /// the input itself. A strided input of 3 or more dimensions goes through matmul, which folds it to 2-d with a
    /// reshape: a view where the strides allow one, else a contiguous copy that mm keeps (measured: x.transpose(0, 1) into
    /// a Linear allocates and keeps a copy of x).
    /// </summary>
    private static ActivationTensor? SaveMatmulInput(LayerCall c, ActivationTensor input)
    {
        if (input.Shape.Rank >= 3 && !input.IsContiguous && !c.Module.Parameters.Any(p => p.Key == "weight" && p.Value.RequiresGrad))
        {
            // A frozen weight folds only where the batch dimensions are contiguous, else matmul expands it per batch: not measured.
            c.MemoryNotModeled("a Linear with a frozen weight on a strided input of 3 or more dimensions was not measured");
        }
        var fold = LinearFold(c, input);
        if (!fold.BlasReady)
        {
            c.PeakNotModeled($"Peak is unknown: a Linear gets an input ({input.Shape}) that matrix multiplication copies for BLAS " +
                $"(no unit stride, or an expanded one); not measured.");
        }
        if (!fold.Copies) c.Save(input);
        else if (c.RecordsGraph) c.SaveNew(input.Shape, input.ElementType);
        // Without autograd the copy is mm's operand until the product is made, then freed (measured under no_grad).
        else return c.Internal(input.Shape, input.ElementType, needsGrad: false);
        return null;
    }

    /// <summary>
    /// How at::linear's matmul takes an input: a 2-d one as it is; one of 3 or more dimensions folded to a matrix by a view
    /// where its strides allow, else by a contiguous copy. BLAS takes the matrix as it is only where it has a unit stride
    /// and the other spans its rows (not an expanded stride 0): anything else is copied inside the kernel for a moment,
    /// which was not measured. ATen's strides, size-1 dimensions' included: at batch 1 a [1, K] matrix of strides [16, 1]
    /// is copied (measured).
    /// </summary>
    internal static (bool Copies, bool BlasReady) LinearFold(LayerCall c, ActivationTensor input)
    {
        var rows = input.Shape.Dims.Take(input.Shape.Rank - 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var folded = new TensorShape(new[] { rows, input.Shape[input.Shape.Rank - 1] });
        var ownStrides = TensorLayout.NonContiguousStridesOf(input);
        var foldedStrides = input.Shape.Rank == 2 ? ownStrides
            : TensorLayout.TryView(input.Shape, ownStrides, folded, c.Decide, out var viewed, out var viewedExact) ? viewed ?? viewedExact : null;
        // A size-1 dimension's stride (a permuted or sliced view's may be odd) takes part in BLAS's check: it is not followed
        // through every view, so a matrix with one (not the batch's, whose size-1 pass follows it), made from a strided
        // tensor, is not judged.
        var matrix = input.Shape.Rank == 2 ? input.Shape : folded;
        var oddSizeOneStride = (matrix[0] == Dim.Of(1) || matrix[1] == Dim.Of(1)) && ComesFromStridedTensor(input);
        var blasReady = !oddSizeOneStride && TensorLayout.IsBlasReady(matrix, foldedStrides, c.Decide);
        var copies = input.Shape.Rank >= 3 && !input.IsContiguous && !TensorLayout.TryView(input.Shape, input.Strides, folded, c.Decide, out _);
        return (copies, blasReady);
    }

    private static bool ComesFromStridedTensor(ActivationTensor tensor)
    {
        for (var t = tensor; t is not null; t = t.ViewSource)
        {
            if (t.Strides is not null || t.ExactStrides is not null) return true;
        }
        return false;
    }

    private static Value ConvolutionForward(LayerCall c, int rank, bool transposed)
    {
        var input = c.Input;
        if (input.Shape.Rank != rank + 2)
            throw c.Mismatch($"expects a {rank + 2}-d input [batch, channels, {SpatialNames(rank)}] but gets {input.Shape}");
        var channels = input.Shape[1];
        var expected = c.Args.Long("in_channels");
        if (!channels.IsConstant() || channels.PinCoefficient() != expected)
        {
            throw c.Mismatch($"expects {expected} input channels (in_channels) but the incoming tensor {input.Shape} has {channels}");
        }
        var kernel = c.Args.Dims("kernel_size", rank);
        var stride = OptionalDims(c.Args, "stride", rank, 1);
        var dilation = OptionalDims(c.Args, "dilation", rank, 1);
        var outputPadding = transposed ? OptionalDims(c.Args, "output_padding", rank, 0) : new long[rank];
        long[] padding;
        switch (c.Args.Has("padding") ? c.Args.Raw("padding") : NullValue.Instance)
        {
            case EnumValue { MemberName: "Same" }:
                padding = null!;
                break;
            case EnumValue { MemberName: "Valid" }:
                padding = new long[rank];
                break;
            default:
                padding = OptionalDims(c.Args, "padding", rank, 0);
                break;
        }
        var dims = new Dim[rank + 2];
        dims[0] = input.Shape[0];
        dims[1] = Dim.Of(c.Args.Long("out_channels"));
        for (var i = 0; i < rank; i++)
        {
            var size = SpatialSize(c, input.Shape[2 + i]);
            long output = padding is null ? size
                : transposed ? (size - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1
                : Floor(size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1, stride[i]) + 1;
            if (output <= 0) throw c.Mismatch($"the input {input.Shape} is too small for kernel {kernel[i]} (output size {output})");
            dims[2 + i] = Dim.Of(output);
        }
        var geometry = new ConvolutionGeometry(rank, transposed, kernel, stride, padding, dilation, outputPadding, c.Args.Long("groups"),
            PaddingMode(c.Args));
        // A padding mode other than zeros pads a copy of the input first, which the convolution saves for backward: an
        // activation the table would miss (measured: reflect, 38 % of a small model's Activations).
        if (geometry.PaddingMode is { } mode && mode != "Zeros")
            c.MemoryNotModeled($"padding_mode {mode} pads a copy of the input, which the convolution keeps for backward (not measured)");
        // So does padding: Same where a dimension's padding cannot split evenly (an even kernel): ATen pads the input first
        // (measured: 33 % of a small model's Activations).
        if (padding is null && Enumerable.Range(0, rank).Any(i => dilation[i] * (kernel[i] - 1) % 2 != 0))
            c.MemoryNotModeled("padding: Same with an even kernel pads a copy of the input, which the convolution keeps for backward "
                + "(not measured)");
        // Each output element sums (in/groups)·kernel products; a transposed convolution spreads each input element over
        // (out/groups)·kernel outputs.
        var window = kernel.Aggregate(1L, (a, k) => checked(a * k));
        var groups = c.Args.Long("groups");
        if (transposed) c.MultiplyAccumulates(input.Shape, () => checked(c.Args.Long("out_channels") / groups * window));
        else c.MultiplyAccumulates(new TensorShape(dims), () => checked(expected / groups * window));
        // Float32 runs oneDNN on CPU (but for small convolutions at batch 1); the other element types run ATen's im2col
        // path. Each rule models its calls or says why not.
        var result = Im2colConvolutionWork.TakesIm2colPath(input.ElementType) || (c.AtBatchOne && !OneDnnRunsAtBatchOne(c, rank, kernel))
            ? Im2colConvolutionWork.Im2colForward(c, geometry, new TensorShape(dims))
            : transposed ? OneDnnTransposedOutput(c, rank, kernel, stride, dilation, padding, new TensorShape(dims))
            : OneDnnConvolutionOutput(c, rank, kernel, stride, dilation, padding, new TensorShape(dims));
        c.Save(input);
        return result;
    }

    /// <summary>The padding_mode member (Zeros, Reflect, ...), "unknown" when the analysis cannot tell, null when absent.</summary>
    private static string? PaddingMode(LayerArgs args) =>
        !args.Has("padding_mode") ? null : args.Raw("padding_mode") is EnumValue mode ? mode.MemberName : "unknown";

    private static Value PoolForward(LayerCall c, int rank, bool max)
    {
        var input = c.Input;
        if (input.Shape.Rank != rank + 2 && input.Shape.Rank != rank + 1) throw c.Mismatch($"expects a {rank + 2}-d input but gets {input.Shape}");
        var kernel = c.Args.Dims("kernel_size", rank);
        var strideName = c.Args.Has("stride") ? "stride" : "strides";
        var stride = c.Args.Has(strideName) && c.Args.Raw(strideName) is not NullValue ? c.Args.Dims(strideName, rank) : kernel;
        var padding = OptionalDims(c.Args, "padding", rank, 0);
        var dilation = max ? OptionalDims(c.Args, "dilation", rank, 1) : Enumerable.Repeat(1L, rank).ToArray();
        var ceil = c.Args.Has("ceil_mode") && c.Args.Bool("ceil_mode");
        var lead = input.Shape.Rank - rank;
        var dims = input.Shape.Dims.Take(lead).ToList();
        for (var i = 0; i < rank; i++)
        {
            var size = SpatialSize(c, input.Shape[lead + i]);
            var span = size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1;
            var output = (ceil ? Ceiling(span, stride[i]) : Floor(span, stride[i])) + 1;
            // PyTorch: with ceil_mode the last window must start inside the input or its left padding.
            if (ceil && (output - 1) * stride[i] >= size + padding[i]) output--;
            if (output <= 0) throw c.Mismatch($"the input {input.Shape} is too small for kernel {kernel[i]}");
            dims.Add(Dim.Of(output));
        }
        var result = c.Output(new TensorShape(dims));
        c.Save(input);
        // max_pool1d keeps Int64 indices only for autograd: without it, ATen runs max_pool1d_impl, which makes none.
        if (max && (rank != 1 || c.RecordsGraph)) c.SaveNew(result.Shape, ScalarType.Int64);
        return result;
    }

    private static Value AdaptivePoolForward(LayerCall c, int rank, bool max)
    {
        var input = c.Input;
        if (input.Shape.Rank != rank + 2 && input.Shape.Rank != rank + 1) throw c.Mismatch($"expects a {rank + 2}-d input but gets {input.Shape}");
        var size = c.Args.Dims("output_size", rank);
        var lead = input.Shape.Rank - rank;
        var result = c.Output(new TensorShape(input.Shape.Dims.Take(lead).Concat(size.Select(Dim.Of))));
        c.Save(input);
        if (max) c.SaveNew(result.Shape, ScalarType.Int64);
        return result;
    }

    private static Value BatchNormForward(LayerCall c)
    {
        var input = c.Input;
        var features = c.Args.Long("num_features");
        if (input.Shape.Rank < 2 || !input.Shape[1].IsConstant() || input.Shape[1].PinCoefficient() != features)
        {
            throw c.Mismatch($"expects {features} channels (num_features) in dimension 1 but gets {input.Shape}");
        }
        // save_mean and save_invstd, one value per channel.
        var result = NormalizedOutput(c, new TensorShape(new[] { Dim.Of(features) }));
        // CPU batch_norm backward, when the input needs a gradient, allocates one more input-sized tensor after
        // grad_input and the parameters' gradients and frees it before it returns (measured: BatchNorm1d/2d/3d,
        // Float32 and Float64, training and eval, affine or not; none when only the parameters need gradients). Its
        // contiguous kernel does; a strided gradient runs TensorIterator reductions without it (measured: instance norm).
        if (input.RequiresGrad && c.RecordsGraph && input.Storage.Bytes() is { } inputBytes) c.DenseGradientScratch(inputBytes);
        // Over [N, C] (and [N, C, 1, ...]: one value per channel and sample) the channels-last kernel sums the weight's and
        // bias's gradients per thread: [2, threads, C], after that scratch is freed (measured: BatchNorm1d on [N, C] and
        // [N, C, 1]).
        if (input.Shape.Dims.Skip(2).All(d => d == Dim.Of(1)) && c.RecordsGraph && c.Module.Parameters.Any(p => p.Value.RequiresGrad))
        {
            var elementSize = c.ElementSize(input.ElementType);
            var created = input.RequiresGrad && input.Storage.Bytes() is { } gradInput ? gradInput : ByteCount.Zero;
            var parameters = new ByteCount(checked(2 * features * elementSize), 0);
            c.BackwardMoments(new[] { created.Plus(parameters).Plus(new ByteCount(checked(2 * c.Kernels.Threads * features * elementSize), 0)) });
            c.MeasuredKernels(CpuThreads.Note(c.Kernels.Threads), CpuThreads.NormSumsMeasured);
        }
        return result;
    }

    /// <summary>Normalizations: a new output like the input; autograd keeps the input and mean/invstd of this shape.</summary>
    private static ActivationTensor NormalizedOutput(LayerCall c, TensorShape statistics)
    {
        var result = c.Output(c.Input.Shape);
        c.Save(c.Input);
        // In the input's type: layer_norm and group_norm take float statistics only for a reduced-precision input with float
        // parameters (mixed type), which a model converted with .to(DType) never has (measured: BFloat16 and Float16 keep
        // 2-byte mean and rstd; a nanoGPT in BFloat16 was 0.5 % high in Activations).
        c.SaveNew(statistics, c.Input.ElementType);
        c.SaveNew(statistics, c.Input.ElementType);
        return result;
    }

    /// <summary>
    /// instance_norm runs batch_norm over the input viewed as [1, N·C, ...], with the weight and bias (and the running
    /// statistics) repeated N times. Measured on 0.107: the repeats come first (the bias's is freed when it returns),
    /// then the result, then batch_norm's per-(sample, channel) mean and invstd with two more such tensors beside them
    /// while it computes from the input's statistics; autograd keeps the weight's repeat, the running repeats, mean
    /// and invstd.
    /// </summary>
    private static Value InstanceNormForward(LayerCall c)
    {
        var input = c.Input;
        var features = c.Args.Long("num_features");
        if (input.Shape.Rank < 3 || input.Shape[1] != Dim.Of(features))
            throw c.Mismatch($"expects {features} channels (num_features) in dimension 1 but gets {input.Shape}");
        var perInstance = new TensorShape(new[] { input.Shape[0].Times(Dim.Of(features)) });
        var type = input.ElementType;
        var affine = c.Args.Bool("affine");
        var tracked = c.Args.Bool("track_running_stats");
        if (affine) c.SaveNew(perInstance, type);
        var biasRepeat = affine ? c.Internal(perInstance, type, needsGrad: false) : null;
        if (tracked)
        {
            c.SaveNew(perInstance, type);
            c.SaveNew(perInstance, type);
        }
        var result = NormalizedOutput(c, perInstance);
        // In Float16 and BFloat16 batch_norm makes two such pairs of transients, in the input's type and in float, in an
        // order that differs between the two types (measured): not modeled.
        if (type is ScalarType.Float16 or ScalarType.BFloat16)
            c.PeakNotModeled($"Peak is unknown: InstanceNorm on a {type} input makes transients in two types, which were not modeled.");
        if (!tracked || !c.ModuleInEvalMode)
        {
            var first = c.Internal(perInstance, type, needsGrad: false);
            var second = c.Internal(perInstance, type, needsGrad: false);
            c.Release(first);
            c.Release(second);
        }
        if (biasRepeat is not null) c.Release(biasRepeat);
        // batch_norm's CPU backward makes one more input-sized tensor beside grad_input (as BatchNorm), and the weight's
        // and bias's gradients at their repeated size before summing them per channel (measured).
        if (input.RequiresGrad && c.RecordsGraph && input.Storage.Bytes() is { } inputBytes) c.DenseGradientScratch(inputBytes);
        if (affine && c.RecordsGraph && c.Module.Parameters.Any(p => p.Value.RequiresGrad))
        {
            // The per-channel gradients are summed from the repeated ones afterwards: at the peak only the repeats are alive.
            var repeats = ByteCount.Of(perInstance.ElementCount.Times(Dim.Of(2)), c.ElementSize(type));
            c.BackwardScratch(repeats.Plus(new ByteCount(checked(2 * features * c.ElementSize(type)), 0).Negate()));
        }
        return result;
    }

    /// <summary>bilinear(x1, x2) through _trilinear: [N, out]; keeps both inputs.</summary>
    private static Value BilinearForward(LayerCall c)
    {
        ActivationTensor first = c.Input, second = c.TensorAt(1);
        c.MatrixProductOf(first.ElementType, first.Shape[0], Dim.Of(c.Args.Long("in1_features")), Dim.Of(c.Args.Long("out_features")),
            batched: true);
        long in1 = c.Args.Long("in1_features"), in2 = c.Args.Long("in2_features");
        if (first.Shape[first.Shape.Rank - 1] != Dim.Of(in1) || second.Shape[second.Shape.Rank - 1] != Dim.Of(in2))
        {
            throw c.Mismatch($"expects last dimensions {in1} and {in2} but gets {first.Shape} and {second.Shape}");
        }
        var result = c.Output(first.Shape.With(first.Shape.Rank - 1, Dim.Of(c.Args.Long("out_features"))));
        c.MultiplyAccumulates(result.Shape, () => checked(in1 * in2));
        c.Save(first);
        c.Save(second);
        return result;
    }

    private static Value LayerNormForward(LayerCall c)
    {
        var input = c.Input;
        var normalized = c.Args.TrackedShape("normalized_shape");
        var lead = input.Shape.Rank - normalized.Length;
        if (lead < 0 || normalized.Select((n, i) => input.Shape[lead + i] == Dim.Of(n)).Any(equal => !equal))
        {
            throw c.Mismatch(
                $"normalizes the last dimensions [{string.Join(", ", normalized.Select(n => n.Peek))}] but the incoming tensor is {input.Shape}");
        }
        // A non-contiguous input (tokens as flatten(2).transpose(1, 2), ConvNeXt's permute to channels-last) is copied
        // contiguous (expect_contiguous) for the kernel, in forward beside the result and again in backward (measured).
        var copy = input.IsContiguous ? null : c.Internal(input.Shape, needsGrad: false);
        // mean and rstd, one value per normalized row.
        var result = NormalizedOutput(c, new TensorShape(input.Shape.Dims.Take(lead).Concat(normalized.Select(_ => Dim.Of(1)))));
        if (copy is not null)
        {
            c.Release(copy);
            if (c.RecordsGraph) c.BackwardScratch(ByteCount.Of(input.Shape.ElementCount, c.ElementSize(input.ElementType)));
        }
        if (c.RecordsGraph && c.Module.Parameters.Any(p => p.Value.RequiresGrad))
        {
            c.BackwardScratch(LayerNormWeightGradientBuffer(c, normalized.Aggregate(Dim.Of(1), (a, n) => a.Times(Dim.Of(n))), input.ElementType));
            c.MeasuredKernels(CpuThreads.Note(c.Kernels.Threads), CpuThreads.NormSumsMeasured);
        }
        return result;
    }

    /// <summary>
    /// layer_norm's backward sums the weight's and bias's gradients per thread first: a [2, threads, N] buffer
    /// (layer_norm_kernel.cpp), N the normalized element count; the module and the layers' internal norms share it.
    /// </summary>
    internal static ByteCount LayerNormWeightGradientBuffer(LayerCall c, Dim normalized, ScalarType elementType) =>
        ByteCount.Of(normalized.Times(Dim.Of(2 * c.Kernels.Threads)), c.ElementSize(elementType));

    private static Value GroupNormForward(LayerCall c)
    {
        var input = c.Input;
        var channels = c.Args.Long("num_channels");
        if (input.Shape.Rank < 2 || input.Shape[1] != Dim.Of(channels))
            throw c.Mismatch($"expects {channels} channels in dimension 1 but gets {input.Shape}");
        var result = NormalizedOutput(c, new TensorShape(new[] { input.Shape[0], Dim.Of(c.Args.Long("num_groups")) }));
        // Backward first reduces ds and db per sample and channel: two [N, C] tensors (measured).
        if (c.RecordsGraph) c.BackwardScratch(ByteCount.Of(input.Shape[0].Times(Dim.Of(2 * channels)), c.ElementSize(input.ElementType)));
        return result;
    }

    /// <summary>
    /// PReLU keeps its input. Its backward computes both gradients whatever autograd needs (measured): the weight's at
    /// the input's size before summing it, frozen or not, and the input's, dropped when the input needs none.
    /// </summary>
    private static Value PReluForward(LayerCall c)
    {
        var result = Elementwise(c, Keeps.Input);
        var weightNeedsGrad = c.Module.Parameters.Any(p => p.Value.RequiresGrad);
        if (c.RecordsGraph && (c.Input.RequiresGrad || weightNeedsGrad) && c.Input.Storage.Bytes() is { } inputBytes)
            c.BackwardScratch(c.Input.RequiresGrad ? inputBytes : inputBytes.Plus(inputBytes));
        return result;
    }

    /// <summary>
    /// CPU dropout (ATen's _dropout_impl; measured on 0.107 for every kind, rank and call form): the result is the input
    /// times a noise tensor autograd keeps. Plain and alpha dropout draw noise of the input's size; feature dropout
    /// (Dropout1d/2d/3d, FeatureAlphaDropout) one value per sample and channel, [N, C, 1, ...]. Alpha dropout adds a
    /// second tensor of the noise's size, freed when it returns. p = 0, eval mode or training: false return the input;
    /// p = 1 multiplies by a kept zero scalar.
    /// </summary>
    private static Value DropoutForward(LayerCall c)
    {
        var input = c.Input;
        var kind = c.Args.Factory;
        // Functional calls follow their training argument (alpha_dropout and feature_alpha_dropout default to false);
        // a module follows train()/eval(). Both return the input itself, in a new handle, when not training.
        var training = c.Args.Has("training") ? c.Args.Bool("training") : !c.ModuleInEvalMode;
        var p = c.Args.Has("p") ? c.Args.Double("p") : 0.5;
        if (kind == "Dropout1d" && c.IsModuleCall && input.Shape.Rank != 3)
            throw c.Mismatch($"expects an input of shape (N, C, L) but gets {input.Shape}");
        if (!training || p == 0) return InPlaceResult(c, input);
        var inPlace = c.Args.Has("inplace") && c.Args.Bool("inplace");
        var noise = p == 1 ? new TensorShape(System.Array.Empty<Dim>()) : DropoutNoiseShape(c, kind, input);
        var noiseStrides = noise == input.Shape ? TensorLayout.PreservedLike(input.Shape, input.Strides, c.Decide) : null;
        c.SaveNew(noise, input.ElementType);
        // Backward is grad * noise; an off-rank input's noise has a leading 1 its dimensions lack.
        var factor = noise.Rank > input.Shape.Rank ? new TensorShape(noise.Dims.Skip(noise.Rank - input.Shape.Rank)) : noise;
        c.GradientMultipliedBy(factor, noiseStrides);
        var alphaShift = kind.Contains("Alpha") && p < 1 ? c.Internal(noise, needsGrad: false) : null;
        var result = inPlace
            ? InPlaceResult(c, input)
            : c.Output(input.Shape,
                strides: TensorLayout.PointwiseResult(input.Shape, new[] { (input.Shape, input.Strides), (noise, noiseStrides) }, c.Decide));
        if (alphaShift is not null) c.Release(alphaShift);
        return result;
    }

    /// <summary>
    /// Feature dropout's noise: [N, C, 1, ...] over an input of the batched rank (one more than the kind's spatial rank
    /// plus one). TorchSharp's Dropout1d/2d/3d treat any other rank as one unbatched sample: the input gains a leading
    /// 1, so its first dimension counts as channels and whole samples are dropped (warning TBG008).
    /// </summary>
    private static TensorShape DropoutNoiseShape(LayerCall c, string kind, ActivationTensor input)
    {
        if (kind is "Dropout" or "AlphaDropout") return input.Shape;
        if (kind == "FeatureAlphaDropout")
        {
            if (input.Shape.Rank < 2) throw c.Mismatch($"feature dropout needs at least 2 dimensions, got {input.Shape}");
            return new TensorShape(input.Shape.Dims.Select((d, i) => i < 2 ? d : Dim.Of(1)));
        }
        var batchedRank = kind[7] - '0' + 2;
        if (input.Shape.Rank == batchedRank) return new TensorShape(input.Shape.Dims.Select((d, i) => i < 2 ? d : Dim.Of(1)));
        c.Warn($"{kind} treats a {input.Shape.Rank}-d input {input.Shape} as one unbatched sample (it expects {batchedRank}-d [N, C, ...]): " +
            $"dimension 0 counts as channels, so whole samples are dropped together");
        return new TensorShape(new[] { Dim.Of(1), input.Shape[0] }.Concat(input.Shape.Dims.Skip(1).Select(_ => Dim.Of(1))));
    }

    private static Value FlattenForward(LayerCall c)
    {
        var input = c.Input;
        var start = input.Shape.Axis(c.Args.Long("start_dim"));
        var end = input.Shape.Axis(c.Args.Long("end_dim"));
        if (start is null || end is null || start > end)
            throw c.Mismatch($"cannot flatten dimensions {c.Args.Long("start_dim")}..{c.Args.Long("end_dim")} of {input.Shape}");
        var merged = input.Shape.Dims.Skip(start.Value).Take(end.Value - start.Value + 1).Aggregate(Dim.Of(1), (a, b) => a.Times(b));
        var shape = new TensorShape(input.Shape.Dims.Take(start.Value).Append(merged).Concat(input.Shape.Dims.Skip(end.Value + 1)));
        // ATen's flatten returns the tensor itself where there is nothing to merge: a new handle, no view op for autograd.
        return start == end ? input : c.Reshaped(input, shape);
    }

    private static Value UnflattenForward(LayerCall c)
    {
        var input = c.Input;
        var axis = input.Shape.Axis(c.Args.Long("dim")) ?? throw c.Mismatch($"dim {c.Args.Long("dim")} is outside {input.Shape}");
        var sizes = c.Args.Shape("unflattened_size");
        var product = sizes.Aggregate(1L, (a, b) => checked(a * b));
        if (input.Shape[axis] != Dim.Of(product)) throw c.Mismatch($"cannot unflatten {input.Shape[axis]} into [{string.Join(", ", sizes)}]");
        return c.Reshaped(input, new TensorShape(input.Shape.Dims.Take(axis).Concat(sizes.Select(Dim.Of)).Concat(input.Shape.Dims.Skip(axis + 1))));
    }

    private static Value EmbeddingForward(LayerCall c)
    {
        var input = c.Input;
        if (input.ElementType is not (ScalarType.Int64 or ScalarType.Int32))
            throw c.Mismatch($"expects integer token ids but gets {input.ElementType}");
        // embedding reads strided ids of 2 or more dimensions through reshape(-1): a copy, alive while index_select runs.
        var flattened = input.Shape.Rank > 1 && !input.IsContiguous
            ? c.Internal(new TensorShape(new[] { input.Shape.ElementCount }), input.ElementType, needsGrad: false)
            : null;
        var result = c.Output(new TensorShape(input.Shape.Dims.Append(Dim.Of(c.Args.Long("embedding_dims")))),
            c.Module.Parameters[0].Value.TypeIn(c.ParameterElementType));
        if (flattened is not null) c.Release(flattened);
        return result;
    }

    private static long SpatialSize(LayerCall c, Dim dim) =>
        dim.IsConstant() ? dim.PinCoefficient() : throw c.Mismatch($"a spatial dimension depends on the batch size ({dim})");

    private static long[] OptionalDims(LayerArgs args, string name, int rank, long fallback) =>
        !args.Has(name) || args.Raw(name) is NullValue ? Enumerable.Repeat(fallback, rank).ToArray() : args.Dims(name, rank);

    private static long Floor(long numerator, long denominator) => (long)Math.Floor((double)numerator / denominator);

    private static long Ceiling(long numerator, long denominator) => (long)Math.Ceiling((double)numerator / denominator);

    private static string SpatialNames(int rank) => rank switch { 1 => "length", 2 => "height, width", _ => "depth, height, width" };
}
