using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Layers that resample a [B, C, H, W] image: pixel (un)shuffling and upsampling.</summary>
internal static partial class LayerRules
{
    /// <summary>
    /// pixel_shuffle: [..., C·r², H, W] to [..., C, H·r, W·r] (pixel_unshuffle the other way), one new tensor, nothing kept;
    /// backward runs the inverse on the gradient, one tensor of the input's size (measured, batch 1 and 3, factors 2 and 3,
    /// after a convolution as in ESPCN). A strided input is declined before this (it was not measured).
    /// </summary>
    private static Value PixelShuffleForward(LayerCall c, long factor, bool shuffle)
    {
        var input = c.Input;
        var name = shuffle ? "upscale_factor" : "downscale_factor";
        if (factor <= 0) throw c.Mismatch($"{name} must be positive, got {factor}");
        if (input.Shape.Rank < 3) throw c.Mismatch($"expects at least 3 dimensions ([..., C, H, W]) but gets {input.Shape}");
        var rank = input.Shape.Rank;
        var dims = input.Shape.Dims.ToArray();
        var channels = dims[rank - 3];
        var square = checked(factor * factor);
        if (!channels.IsConstant() || !dims[rank - 2].IsConstant() || !dims[rank - 1].IsConstant())
            throw c.Mismatch($"expects constant channels, height and width but gets {input.Shape}");
        var (c0, h, w) = (channels.PinCoefficient(), dims[rank - 2].PinCoefficient(), dims[rank - 1].PinCoefficient());
        if (shuffle && c0 % square != 0) throw c.Mismatch($"{c0} channels do not divide by {name}² = {square}");
        if (!shuffle && (h % factor != 0 || w % factor != 0)) throw c.Mismatch($"{h} × {w} does not divide by {name} = {factor}");
        dims[rank - 3] = Dim.Of(shuffle ? c0 / square : checked(c0 * square));
        dims[rank - 2] = Dim.Of(shuffle ? checked(h * factor) : h / factor);
        dims[rank - 1] = Dim.Of(shuffle ? checked(w * factor) : w / factor);
        return c.Output(new TensorShape(dims));
    }
    /// <summary>
    /// Upsample (and functional.interpolate) over [B, C, H, W] in nearest or bilinear mode, to <c>size</c> or
    /// by <c>scale_factor</c> (each size the floor of the input's times the factor): its result and nothing kept, beside it
    /// the kernel's work tensors (<see cref="UpsampleWork"/>); backward one gradient of the input's size (measured). Other
    /// modes, ranks and dtypes, a strided input, and antialias were not measured.
    /// </summary>
    private static Value UpsampleForward(LayerCall c)
    {
        var input = c.Input;
        var mode = c.Args.Has("mode") ? c.Args.EnumMember("mode") : "Nearest";
        if (c.Args.Has("antialias") && c.Args.Bool("antialias")) c.MemoryNotModeled("interpolate with antialias was not measured");
        if (input.Shape.Rank != 4 || mode is not ("Nearest" or "Bilinear"))
        {
            c.MemoryNotModeled($"Upsample in {mode} mode over {input.Shape.Rank} dimensions was not measured (nearest and bilinear over 4 are)");
        }
        if (input.Shape.Rank < 3) throw c.Mismatch($"expects [B, C, ...] with at least one spatial dimension but gets {input.Shape}");
        var spatial = input.Shape.Rank - 2;
        var hasSize = c.Args.Has("size") && c.Args.Raw("size") is not NullValue;
        var hasScale = c.Args.Has("scale_factor") && c.Args.Raw("scale_factor") is not NullValue;
        if (hasSize == hasScale) throw c.Mismatch("expects either size or scale_factor");
        var dims = input.Shape.Dims.ToArray();
        var sizes = hasSize ? c.Args.Dims("size", spatial) : null;
        var scales = hasScale ? Reals(c, "scale_factor") : null;
        if (sizes?.Length != spatial && scales?.Length != spatial)
            throw c.Mismatch($"expects {spatial} sizes or scale factors, one per spatial dimension of {input.Shape}");
        for (var i = 0; i < spatial; i++)
        {
            var size = sizes is not null ? sizes[i] : (long)System.Math.Floor(SpatialSize(c, dims[2 + i]) * scales![i]);
            if (size <= 0) throw c.Mismatch($"upsamples {input.Shape} to an empty size");
            dims[2 + i] = Dim.Of(size);
        }
        var output = new TensorShape(dims);
        if (input.Shape.Rank != 4 || mode is not ("Nearest" or "Bilinear") || input.ElementType != ScalarType.Float32 || !input.IsContiguous)
        {
            c.PeakNotModeled("Peak is unknown: Upsample's work tensors were measured for a contiguous Float32 [B, C, H, W] input "
                + "in nearest and bilinear mode only.");
            return c.Output(output);
        }
        var work = UpsampleWork(c, input, output, interpolated: mode == "Bilinear" ? 2 : 1);
        var result = c.Output(output);
        foreach (var tensor in work) c.Release(tensor);
        return result;
    }

    /// <summary>
    /// The work tensors ATen's 2-d upsampling kernel holds beside its result until it returns (UpSampleKernel.cpp, checked
    /// with the allocation counter): where the input is channels-last contiguous with more than 3 channels, or the output's
    /// height plus width is at most 128, it runs the channels-last kernel on a channels-last copy of the input and into a
    /// channels-last result copied back (a contiguous tensor with one channel is both: no copies); otherwise the generic
    /// kernel, with an Int64 index and a weight tensor per spatial dimension of the output's size, two each in bilinear mode.
    /// (Bilinear with 3 channels on one thread takes the channels-last kernel too; the profile's 2 threads do not.)
    /// </summary>
    private static System.Collections.Generic.List<ActivationTensor> UpsampleWork(LayerCall c, ActivationTensor input, TensorShape output,
        int interpolated)
    {
        var work = new System.Collections.Generic.List<ActivationTensor>();
        var decide = c.Decide;
        var channelsLastInput = TensorLayout.IsChannelsLastContiguous(input.Shape, null, decide);
        var channels = input.Shape[1];
        var small = output[2].PinCoefficient() + output[3].PinCoefficient() <= 128;
        if ((channelsLastInput && decide.Less(Dim.Of(3), channels, "the upsampling kernel")) || small)
        {
            if (!channelsLastInput) work.Add(c.Internal(input.Shape, needsGrad: false));
            if (!TensorLayout.IsChannelsLastContiguous(output, null, decide)) work.Add(c.Internal(output, needsGrad: false));
            return work;
        }
        for (var axis = 2; axis < 4; axis++)
        {
            var along = new TensorShape(new[] { output[axis] });
            for (var i = 0; i < interpolated; i++)
            {
                work.Add(c.Internal(along, ScalarType.Int64, needsGrad: false));
                work.Add(c.Internal(along, ScalarType.Float32, needsGrad: false));
            }
        }
        return work;
    }

    /// <summary>The real numbers of a double[] argument (TorchSharp takes one per spatial dimension, no fewer).</summary>
    private static double[] Reals(LayerCall c, string name)
    {
        if (c.Args.Raw(name) is not ListValue list) return new[] { c.Args.Double(name) };
        return list.Items.Select(v => v switch
        {
            RealValue r => r.Number,
            IntValue i => i.Pin(),
            _ => throw new InvalidLayerArgumentException($"{c.Args.Factory}({name}) is not a list of numbers: {v.Describe()}"),
        }).ToArray();
    }
}
