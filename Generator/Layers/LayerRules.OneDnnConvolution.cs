using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>
/// Float32 CPU convolutions run oneDNN (ATen's Mkldnn backend): the work tensors of forward and the moments of
/// backward come from <see cref="OneDnnConvolutionWork"/>, for the convolutions that were measured; the others
/// leave the step's peak unknown and say why.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>The sentence every report with a modeled Float32 convolution carries.</summary>
    internal static string OneDnnKernelsNote(int threads) =>
        $"The Peak assumes oneDNN's AVX-512 convolution kernels on {threads} CPU threads (measured on an AVX-512 x86-64 CPU; on " +
        "other CPUs oneDNN picks other kernels, block sizes and work buffers, and with more threads it divides the weight-gradient " +
        "reduction otherwise).";

    /// <summary>
    /// The thread counts oneDNN's direct (not 1×1) kernels' work was measured exact with (LeNet-5, 3×3 and 5×5 Conv2d with
    /// and without padding or stride, Conv1d, batch 1 to 64: bench/RESULTS.md); at 8 and 16 the reduction plan declines most
    /// shapes, and Conv1d came out 2 % low at 16. The 1×1 kernel was off at 1 and 16 threads: 2 only.
    /// </summary>
    private static readonly int[] DirectKernelsMeasured = { 1, 2, 4 };

    /// <summary>
    /// The thread counts the depthwise kernels' backward-weights split was checked exact at (DepthwiseConvolutionTests); the
    /// rule follows oneDNN's balance for any count.
    /// </summary>
    private static readonly int[] DepthwiseKernelsMeasured = { 1, 2, 4, 8, 16 };

    /// <summary>Allocates the convolution's plain output with oneDNN's forward work around it, and records its backward's moments.</summary>
    private static ActivationTensor OneDnnConvolutionOutput(LayerCall c, int rank, long[] kernel, long[] stride, long[] dilation,
        long[]? padding, TensorShape shape)
    {
        var input = c.Input;
        var groups = c.Args.Long("groups");
        // oneDNN's depthwise kernels need a channel multiplier of 1.
        var depthwise = groups > 1 && input.Shape[1] == Dim.Of(groups) && shape[1] == Dim.Of(groups);
        var why = rank == 3 ? "runs oneDNN's 3-d convolution, whose work tensors were not measured"
            : groups != 1 && !depthwise ? "runs oneDNN's grouped convolution, whose work tensors were not measured"
            : dilation.Any(d => d != 1) ? "runs oneDNN's dilated convolution, whose work tensors were not measured"
            : padding is null ? "pads for padding: Same in ATen before oneDNN runs (not measured)"
            : kernel.All(k => k == 1) && padding.Any(p => p != 0)
                ? "runs oneDNN's gemm convolution for a padded 1×1 kernel, whose im2col scratchpad was not modeled"
            : c.Args.Has("padding_mode") && c.Args.Raw("padding_mode") is EnumValue { MemberName: not "Zeros" }
                ? "pads for its padding mode before oneDNN runs (not measured)"
            : input.Shape[0] != Dim.Batch ? "gets an input whose first dimension is not the batch (oneDNN's work tensors depend on it)"
            : null;
        var inSpatial = input.Shape.Dims.Skip(2).Aggregate(1L, (a, d) => checked(a * d.PinCoefficient()));
        var outSpatial = shape.Dims.Skip(2).Aggregate(1L, (a, d) => checked(a * d.PinCoefficient()));
        var weight = c.Module.Parameters.FirstOrDefault(p => p.Key == "weight").Value;
        var problem = new OneDnnConvolutionWork.Problem(
            input.Shape[1].PinCoefficient(), shape[1].PinCoefficient(), kernel.Aggregate(1L, (a, k) => checked(a * k)), kernel[rank - 1],
            padding is not null
                && OneDnnConvolutionWork.UsesOneByOneKernel(kernel, padding, stride,
                    input.Shape.Dims.Skip(2).Select(d => d.PinCoefficient()).ToArray()),
            stride.Any(s => s != 1),
            inSpatial, outSpatial, c.Module.Parameters.Any(p => p.Key == "bias"), input.RequiresGrad && c.RecordsGraph,
            weight is { RequiresGrad: true } && c.RecordsGraph)
        {
            Spatial = padding is null
                ? null
                : new OneDnnStridedBackwardData.Geometry(input.Shape.Dims.Skip(2).Select(d => d.PinCoefficient()).ToArray(), kernel, stride, padding),
            AtBatchOne = c.AtBatchOne,
            Threads = c.Kernels.Threads,
            Batch = c.FirstBatch,
            Depthwise = depthwise,
        };
        why ??= OneDnnConvolutionWork.Unmodeled(problem) ?? PlanReduction(c, ref problem);
        if (why is not null)
        {
            c.PeakNotModeled($"Peak is unknown: {c.Args.Factory} on CPU {why}.");
            return c.Output(shape);
        }
        // mkldnn_convolution works on input.contiguous(): a non-contiguous input (a permuted sequence) is copied first
        // and the copy freed once the plain output is made (measured: Conv1d on embedding(x).permute(0, 2, 1)).
        var copy = input.IsContiguous ? null : c.Internal(input.Shape, needsGrad: false);
        var work = OneDnnConvolutionWork.ForwardWork(problem).Select(bytes => c.WorkBuffer(bytes, ScalarType.Float32)).ToList();
        foreach (var buffer in work.Take(work.Count - 1)) c.Release(buffer);
        var output = c.Output(shape);
        c.Release(work[work.Count - 1]);
        if (copy is not null) c.Release(copy);
        // mkldnn_convolution_backward works on input.contiguous() too: a strided saved input is copied for the whole backward
        // (measured: Conv1d on a transposed input, an input-sized copy at the peak; soak seed 190).
        var inputCopy = input.IsContiguous ? ByteCount.Zero : BackwardPlanBuilder.BytesOf(input);
        if (c.RecordsGraph) c.BackwardMoments(OneDnnConvolutionWork.BackwardMoments(problem).Select(m => m.Plus(inputCopy)).ToList());
        c.MeasuredKernels(OneDnnKernelsNote(c.Kernels.Threads),
            problem.Depthwise ? DepthwiseKernelsMeasured : problem.OneByOneKernel ? null : DirectKernelsMeasured);
        if (problem.InputNeedsGradient && problem.Strided && !depthwise) c.MeasuredKernels(OneDnnStridedBackwardData.ThreadsNote);
        foreach (var note in OneDnnConvolutionWork.GemmBackwardWeightsNotes(problem)) c.MeasuredKernels(note);
        NoteOtherKernelsAtBatchOne(c, rank, kernel, problem);
        return output;
    }

    /// <summary>
    /// Plans backward-weights' reduction scratchpad over the batches (nothing where the weight needs no gradient): the pass's
    /// own figure on <paramref name="problem"/>, each batch it changes from with a pass of its own; why not where it cannot.
    /// </summary>
    private static string? PlanReduction(LayerCall c, ref OneDnnConvolutionWork.Problem problem)
    {
        if (!problem.WeightNeedsGradient) return null;
        BatchPlan? plan;
        try { plan = OneDnnConvolutionWork.ReductionPlan(problem, InterpreterLimits.MaxBatchRegimes); }
        catch (System.OverflowException) { plan = null; }
        if (plan is null) return ReductionUnfollowed;
        problem = problem with { Reduction = OneDnnConvolutionWork.PassReduction(problem, plan) };
        if (!c.AtBatchOne) FollowReductionRegimes(c, problem, plan);
        return null;
    }

    /// <summary>Batch 1 gets its own pass where ATen leaves oneDNN, or where oneDNN's gemm backward-weights runs on one thread.</summary>
    private static void NoteOtherKernelsAtBatchOne(LayerCall c, int rank, long[] kernel, OneDnnConvolutionWork.Problem problem)
    {
        if (!OneDnnRunsAtBatchOne(c, rank, kernel) || OneDnnConvolutionWork.GemmThreadsDifferAtBatchOne(problem))
            c.RunsOtherKernelsAtBatchOne("At batch size 1 ATen runs a convolution with a kernel of at most 3 and at most 20,480 input " +
                "elements per sample on its own im2col path, not oneDNN: the peak at batch 1 is that path's.");
    }

    private const string ReductionUnfollowed = "runs oneDNN's backward-weights, whose division of threads between the batch and " +
        "the channels (and so its reduction scratchpad) changes at more batch sizes than the analysis follows, or for sizes past its limits";

    /// <summary>
    /// Gives each batch from which oneDNN's backward-weights reduction scratchpad changes a pass of its own, and batch 1
    /// one where it differs there; where it alternates with the batch's parity, the Notes say how much the peak may
    /// count above it.
    /// </summary>
    private static void FollowReductionRegimes(LayerCall c, OneDnnConvolutionWork.Problem problem, BatchPlan plan)
    {
        foreach (var batch in plan.ChangesAt) c.RunsOtherKernelsFrom(batch);
        if (OneDnnConvolutionWork.ReductionBytes(problem, 1) != plan.At(2, (b, costs) => OneDnnConvolutionWork.ReductionBytes(problem, b, costs)))
            c.RunsOtherKernelsAtBatchOne("At batch size 1 oneDNN's backward-weights divides its threads otherwise (one image), so its " +
                "reduction scratchpad differs: the peak at batch 1 is that pass's.");
        if (plan.UpperFrom is { } from && plan.Gap > 0)
            c.PeakNote($"From batch {from:N0} on, oneDNN's backward-weights of {c.Args.Factory} divides its threads differently at " +
                $"neighbouring batch sizes (with their parity); the peak counts the larger reduction scratchpad, so at some batches " +
                $"it may be up to {plan.Gap:N0} bytes above what is allocated.");
    }

    /// <summary>ATen's use_mkldnn: at batch 1, a convolution of one group with a kernel of at most 3 (either side) on at most
    /// 20,480 input elements per sample runs ATen's own im2col path instead.</summary>
    private static bool OneDnnRunsAtBatchOne(LayerCall c, int rank, long[] kernel)
    {
        if (c.Args.Long("groups") > 1) return true;
        var perSample = c.Input.Shape.Dims.Skip(1).Aggregate(1L, (a, d) => checked(a * d.PinCoefficient()));
        return OneDnnConvolutionWork.MkldnnAtBatchOne(rank == 2 ? kernel[0] : 1, kernel[rank - 1], perSample);
    }
}
