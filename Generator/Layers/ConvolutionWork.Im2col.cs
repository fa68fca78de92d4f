using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>The geometry of one convolution call, as its forward rule resolved it (padding null for padding: Same).</summary>
internal sealed record ConvolutionGeometry(int Rank, bool Transposed, long[] Kernel, long[] Stride, long[]? Padding, long[] Dilation,
    long[] OutputPadding, long Groups, string? PaddingMode)
{
    /// <summary>A 1×1 kernel, stride 1, no padding: ATen's slow path reads the input as its columns, no copy.</summary>
    public bool IsPointwise => Kernel.All(k => k == 1) && Stride.All(s => s == 1) && Padding is { } p && p.All(x => x == 0);
}

/// <summary>
/// The work buffers of ATen's native CPU convolution, which libtorch 2.10 takes outside float32 and bfloat16
/// (those go to oneDNN): slow_conv2d unfolds the input into "columns" [B, C_in·Πkernel, Πoutput] and multiplies
/// by the weight; conv1d runs as conv2d over an unsqueezed input; slow_conv3d does the same in 3-d;
/// slow_conv_transpose2d multiplies first and folds columns [B, C_out·Πkernel, Πinput] back. Measured on TorchSharp 0.107 CPU
/// with the allocation log (Float64:
/// Conv1d/Conv2d kernels 1, 3, 5, 80, strides 1 and 2, padding 0–2, with and without bias, first layer, inner,
/// frozen, contiguous and permuted inputs, Conv3d kernels 1 and 3, ConvTranspose1d/2d kernels 1, 3, 4; B = 2, 3,
/// 4; 1, 2 and 4 threads).
/// </summary>
internal static class Im2colConvolutionWork
{
    /// <summary>The element types whose CPU convolutions the im2col rule handles (it models them or says why not).</summary>
    public static bool TakesIm2colPath(ScalarType elementType) => elementType is not ScalarType.Float32;

    /// <summary>
    /// The convolution's output, with the columns forward builds around it and the buffers its backward adds to
    /// the tape node. Forward: a contiguous copy of a non-contiguous input, the columns, the output, then the
    /// columns and the copy are freed (ConvTranspose makes its output before its columns). Backward
    /// (after the input's gradient, the bias's and the weight's): Conv makes the input's columns again for the
    /// weight's gradient (and the copy of a non-contiguous input) and frees them, Conv3d also for the input's
    /// gradient (before the parameters' gradients, so the weight's columns are the larger moment); ConvTranspose makes one
    /// sample's columns [C_out·Πkernel, Πinput] for the input's gradient, and again for the weight's.
    /// </summary>
    public static ActivationTensor Im2colForward(LayerCall c, ConvolutionGeometry g, TensorShape outputShape)
    {
        var input = c.Input;
        if (Im2colNotModeled(c, g) is { } why)
        {
            c.PeakNotModeled($"Peak is unknown: {c.Args.Factory} in {input.ElementType} on CPU runs ATen's native convolution, and {why}.");
            return c.Output(outputShape);
        }
        var spatialIn = input.Shape.Dims.Skip(2).Select(d => d.PinCoefficient()).Aggregate(1L, (a, b) => checked(a * b));
        var spatialOut = outputShape.Dims.Skip(2).Select(d => d.PinCoefficient()).Aggregate(1L, (a, b) => checked(a * b));
        var kernel = g.Kernel.Aggregate(1L, (a, b) => checked(a * b));
        var weightGradient = c.Module.Parameters.Any(p => p.Key == "weight" && p.Value.RequiresGrad);
        var batch = input.Shape[0];
        if (g.Transposed)
        {
            var outChannels = outputShape[1].PinCoefficient();
            var rows = checked(outChannels * kernel);
            var output = c.Output(outputShape);
            c.Release(c.Internal(new TensorShape(new[] { batch, Dim.Of(rows), Dim.Of(spatialIn) })));
            if (!g.IsPointwise && (weightGradient || input.RequiresGrad))
            {
                c.BackwardScratch(new ByteCount(checked(rows * spatialIn * c.ElementSize(input.ElementType)), 0));
            }
            return output;
        }
        var copy = input.IsContiguous ? null : c.Internal(input.Shape);
        var columns = g.IsPointwise
            ? null
            : c.Internal(new TensorShape(new[] { batch, Dim.Of(checked(input.Shape[1].PinCoefficient() * kernel)), Dim.Of(spatialOut) }));
        var result = c.Output(outputShape);
        if (columns is not null) c.Release(columns);
        if (copy is not null) c.Release(copy);
        // slow_conv3d also unfolds for the input's gradient (columns again, before the parameters' gradients).
        if (weightGradient || (g.Rank == 3 && input.RequiresGrad))
        {
            var scratch = ByteCount.Zero;
            foreach (var work in new[] { copy, columns }.Where(t => t is not null)) scratch = scratch.Plus(work!.Storage.Bytes() ?? ByteCount.Zero);
            c.BackwardScratch(scratch);
        }
        return result;
    }

    /// <summary>Why the rule does not know this call's buffers (null when it does): only what was measured is modeled.</summary>
    private static string? Im2colNotModeled(LayerCall c, ConvolutionGeometry g)
    {
        var input = c.Input;
        if (input.ElementType == ScalarType.BFloat16)
            return "bfloat16 convolutions on this CPU go to oneDNN (measured: reordered copies, no columns), which is modeled for float32 only";
        // Float32 comes here only at batch 1, where ATen keeps small convolutions from oneDNN (same code as Float64).
        if (input.ElementType is not (ScalarType.Float64 or ScalarType.Float32))
            return $"its work buffers were measured for Float64 and Float32 only ({input.ElementType} differs: " +
                $"Float16 accumulates bias and gradients in float32 copies)";
        if (g.Rank == 3 && g.Transposed) return "a 3-d transposed convolution was not measured";
        if (g.Rank == 3 && g.IsPointwise)
            return "a 1×1×1 Conv3d makes columns for the input's gradient but none for the weight's (measured, not modeled)";
        if (g.Rank == 3 && !input.IsContiguous) return "a non-contiguous input to a Conv3d was not measured";
        if (g.Groups != 1)
            return $"with groups = {g.Groups} ATen convolves each group on its own, with contiguous copies of each slice and a final cat " +
                $"(measured, not modeled yet)";
        if (g.Dilation.Any(d => d != 1))
            return "a dilated convolution takes slow_conv_dilated, whose columns are per sample and ordered differently (measured, not modeled yet)";
        if (g.PaddingMode is { } mode && mode != "Zeros") return $"padding_mode {mode} pads a copy of the input first (not measured)";
        if (g.Padding is null) return "padding: Same was not measured (an even kernel pads a copy of the input)";
        if (g.Transposed && g.OutputPadding.Any(p => p != 0)) return "output_padding was not measured";
        if (g.Transposed && !input.IsContiguous) return "a non-contiguous input to a transposed convolution was not measured";
        if (!input.IsContiguous
            && (g.IsPointwise || (input.RequiresGrad && !c.Module.Parameters.Any(p => p.Key == "weight" && p.Value.RequiresGrad))))
        {
            return "a non-contiguous input was measured only for a kernel wider than 1 with a trainable weight";
        }
        return null;
    }
}
