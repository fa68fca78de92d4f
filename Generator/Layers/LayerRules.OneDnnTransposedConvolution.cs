using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// A Float32 strided ConvTranspose2d on CPU runs oneDNN's deconvolution, which is the backward-data of the convolution
/// it transposes (in_channels = this layer's out_channels over its output's sizes, out_channels = its in_channels over
/// its input's): forward takes the strided backward-data kernel's operands and scratchpad (OneDnnStridedBackwardData)
/// and 128 bytes more, then ends with three output-sized tensors at once; backward is that convolution's forward (the
/// input's gradient) and its backward-weights (the weight's), with this layer's bias gradient (out_channels floats) beside
/// them, once and then twice. Measured to the byte (k 2 and 4, stride 2, 3–128 channels, batch 1–8, bias or not, input
/// with and without a gradient; DeconvolutionTests). Stride 1 runs the direct backward-data kernel instead; with a bias
/// it adds buffers not pinned down, so that case is declined.
/// </summary>
internal static partial class LayerRules
{
    private static ActivationTensor OneDnnTransposedOutput(LayerCall c, int rank, long[] kernel, long[] stride, long[] dilation,
        long[]? padding, TensorShape shape)
    {
        var input = c.Input;
        var weight = c.Module.Parameters.FirstOrDefault(p => p.Key == "weight").Value;
        var bias = c.Module.Parameters.Any(p => p.Key == "bias");
        // A 1-d one runs as 2-d with height 1, as Conv1d does.
        var why = rank == 3 ? "runs oneDNN's 3-d transposed convolution, whose work tensors were not measured"
            : c.Args.Long("groups") != 1 ? "runs oneDNN's grouped transposed convolution, whose work tensors were not measured"
            : dilation.Any(d => d != 1) ? "runs oneDNN's dilated transposed convolution, whose work tensors were not measured"
            : padding is null ? "pads for padding: Same in ATen before oneDNN runs (not measured)"
            : OptionalDims(c.Args, "output_padding", rank, 0).Any(p => p != 0)
                ? "runs oneDNN's transposed convolution with output_padding, whose work tensors were not measured"
            : stride.All(s => s == 1) && bias ? "runs oneDNN's transposed convolution with stride 1 and a bias, whose bias step adds " +
                "buffers the measurements did not pin down"
            : kernel.All(k => k == 1) || kernel.Any(k => k > 5)
                ? "runs oneDNN's transposed convolution with a kernel side of 1 or above 5, whose work tensors were not measured"
            : c.Args.Has("padding_mode") && c.Args.Raw("padding_mode") is EnumValue { MemberName: not "Zeros" }
                ? "pads for its padding mode before oneDNN runs (not measured)"
            : input.Shape[0] != Dim.Batch ? "gets an input whose first dimension is not the batch (oneDNN's work tensors depend on it)"
            : !input.IsContiguous ? "gets a strided input, whose copies were not measured for a transposed convolution"
            : null;
        if (why is not null)
        {
            c.PeakNotModeled($"Peak is unknown: {c.Args.Factory} on CPU {why}.");
            return c.Output(shape);
        }
        long inChannels = input.Shape[1].PinCoefficient(), outChannels = shape[1].PinCoefficient();
        var inSizes = input.Shape.Dims.Skip(2).Select(d => d.PinCoefficient()).ToArray();
        var outSizes = shape.Dims.Skip(2).Select(d => d.PinCoefficient()).ToArray();
        long inSpatial = inSizes.Aggregate(1L, (a, s) => checked(a * s)), outSpatial = outSizes.Aggregate(1L, (a, s) => checked(a * s));
        // The convolution this one transposes, whose input's gradient forward computes.
        var transposedOf = new OneDnnConvolutionWork.Problem(outChannels, inChannels, kernel.Aggregate(1L, (a, k) => checked(a * k)),
            kernel[rank - 1], OneByOneKernel: false, Strided: stride.Any(s => s != 1), outSpatial, inSpatial, Bias: false,
            InputNeedsGradient: true, WeightNeedsGradient: weight is { RequiresGrad: true } && c.RecordsGraph)
        {
            Spatial = new OneDnnStridedBackwardData.Geometry(outSizes, kernel, stride, padding!),
            AtBatchOne = c.AtBatchOne,
            Threads = c.Kernels.Threads,
            Batch = c.FirstBatch,
        };
        why = (transposedOf.Strided ? OneDnnStridedBackwardData.Unmodeled(transposedOf) : null)
            ?? OneDnnConvolutionWork.Unmodeled(transposedOf with { InputNeedsGradient = false });
        why ??= PlanReduction(c, ref transposedOf);
        if (why is not null)
        {
            c.PeakNotModeled($"Peak is unknown: {c.Args.Factory} on CPU {why}.");
            return c.Output(shape);
        }

        var result = transposedOf.Strided
            ? StridedTransposedForward(c, transposedOf, shape) : UnitStrideTransposedForward(c, transposedOf, shape);
        if (c.RecordsGraph) c.BackwardMoments(TransposedBackwardMoments(transposedOf, input, bias ? outChannels * 4 : 0));
        c.MeasuredKernels(OneDnnKernelsNote(c.Kernels.Threads), new[] { 2 });
        if (transposedOf.Strided) c.MeasuredKernels(OneDnnStridedBackwardData.ThreadsNote);
        NoteOtherKernelsAtBatchOne(c, rank, kernel, transposedOf);
        return result;
    }

    /// <summary>
    /// The strided backward-data kernel's operands and scratchpad (and 128 bytes), then its NHWC result, ideep's public copy
    /// and ATen's output at once.
    /// </summary>
    private static ActivationTensor StridedTransposedForward(LayerCall c, OneDnnConvolutionWork.Problem transposedOf, TensorShape shape)
    {
        long outChannels = transposedOf.InChannels, outSpatial = transposedOf.InSpatial;
        var strided = OneDnnStridedBackwardData.Moments(transposedOf);
        var gradOutput = OneDnnStridedBackwardData.GradOutputCopy(transposedOf);
        var output = new ByteCount(0, checked(outChannels * outSpatial * 4));
        var nhwc = c.WorkBuffer(output, ScalarType.Float32);
        var reordered = gradOutput.Equals(ByteCount.Zero) ? null : c.WorkBuffer(gradOutput, ScalarType.Float32);
        // The weight copy and the scratchpad (constant sizes).
        var constant = c.WorkBuffer(strided[0].Plus(output.Negate()).Plus(gradOutput.Negate()).Plus(new ByteCount(128, 0)), ScalarType.Float32);
        if (reordered is not null) c.Release(reordered);
        c.Release(constant);
        var publicCopy = c.WorkBuffer(output, ScalarType.Float32);
        var result = c.Output(shape);
        c.Release(publicCopy);
        c.Release(nhwc);
        return result;
    }

    /// <summary>
    /// Stride 1 runs the direct backward-data kernel (ONEDNN_VERBOSE: conv:any+jit:avx512_core, 16-channel blocks): the
    /// input, the weight and the result blocked, then ATen's output beside the blocked result.
    /// </summary>
    private static ActivationTensor UnitStrideTransposedForward(LayerCall c, OneDnnConvolutionWork.Problem transposedOf, TensorShape shape)
    {
        var (input, weight, result) = OneDnnConvolutionWork.BackwardDataWork(transposedOf);
        var blockedInput = c.WorkBuffer(input, ScalarType.Float32);
        var weightCopy = c.WorkBuffer(weight, ScalarType.Float32);
        var blockedResult = c.WorkBuffer(result, ScalarType.Float32);
        c.Release(blockedInput);
        c.Release(weightCopy);
        var output = c.Output(shape);
        c.Release(blockedResult);
        return output;
    }

    /// <summary>
    /// The input's gradient (the transposed convolution's forward kernel: its work, then its blocked result beside the plain
    /// gradient), then the weight's (its backward-weights with the input's gradient alive, the bias gradient once and then
    /// twice).
    /// </summary>
    private static List<ByteCount> TransposedBackwardMoments(OneDnnConvolutionWork.Problem transposedOf, ActivationTensor input, long biasBytes)
    {
        var moments = new List<ByteCount>();
        var gradInput = input.RequiresGrad ? BackwardPlanBuilder.BytesOf(input) : ByteCount.Zero;
        if (input.RequiresGrad)
        {
            var work = OneDnnConvolutionWork.ForwardWork(transposedOf);
            moments.Add(work.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b)));
            moments.Add(work[work.Count - 1].Plus(gradInput));
        }
        if (transposedOf.WeightNeedsGradient)
        {
            var weights = OneDnnConvolutionWork.BackwardMoments(transposedOf with { InputNeedsGradient = false });
            var bias = new ByteCount(biasBytes, 0);
            moments.Add(weights[0].Plus(gradInput).Plus(bias));
            moments.Add(weights[1].Plus(gradInput).Plus(bias).Plus(bias));
        }
        return moments;
    }
}
