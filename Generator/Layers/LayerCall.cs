using System;
using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Layers;

/// <summary>Thrown by a forward rule when the incoming shape contradicts the layer (TBG003).</summary>
internal sealed class ShapeMismatchException(string message) : Exception(message);

/// <summary>
/// One call of a layer during the symbolic forward pass: its inputs, and what it allocates and what
/// autograd keeps for backward (derivatives.yaml), as the layer rules declare.
/// </summary>
internal sealed class LayerCall(LayerArgs args, ModuleInstance module, IReadOnlyList<Value> inputs, ForwardTrace trace)
{
    private readonly List<ActivationTensor> outputs = new();
    private readonly List<Storage> saved = new();
    private readonly List<ActivationTensor> returnedAndDropped = new();
    private ByteCount backwardScratch = ByteCount.Zero;
    private ByteCount denseGradientScratch = ByteCount.Zero;
    private IReadOnlyList<ByteCount>? backwardMoments;
    private bool recordedInside;

    public LayerArgs Args { get; } = args;

    public ModuleInstance Module { get; } = module;

    public IReadOnlyList<Value> Inputs { get; } = inputs;

    public ActivationTensor Input => TensorAt(0);

    /// <summary>
    /// A floating input whose type differs from the layer's parameters (TorchSharp throws, e.g. "mat1 and
    /// mat2 must have the same dtype"); null when the types agree or the layer has no parameters.
    /// </summary>
    public string? FloatInputOfAnotherType()
    {
        if (Module.Parameters.Count == 0) return null;
        var parameterType = Module.Parameters[0].Value.TypeIn(ParameterElementType);
        var other = Inputs.OfType<ActivationTensor>().FirstOrDefault(t => t.ElementType.IsFloating() && t.ElementType != parameterType);
        return other is null ? null : $"{Args.Factory}: its parameters are {parameterType} but it gets a {other.ElementType} tensor {other.Shape}";
    }

    /// <summary>The model's parameter type (the profile's DType), for layers whose output takes it.</summary>
    public ScalarType ParameterElementType => trace.ParameterElementType;

    public ActivationTensor TensorAt(int index) => index < Inputs.Count
        ? Inputs[index] switch
        {
            ActivationTensor tensor => tensor,
            UnknownValue unknown => throw new UnknownArgumentException(unknown),
            var other => throw new InvalidLayerArgumentException($"{Args.Factory} got {other.Describe()} where a tensor goes"),
        }
        : throw new InvalidLayerArgumentException($"{Args.Factory} needs {index + 1} tensor arguments");

    /// <summary>True when autograd records this call: grad is on and a trainable parameter or an input needs grad.</summary>
    public bool RecordsGraph => trace.GradEnabled
        && (Module.Parameters.Any(p => p.Value.RequiresGrad) || Inputs.OfType<ActivationTensor>().Any(t => t.RequiresGrad));

    /// <summary>
    /// A layer module called after <c>model.eval()</c> (the inference pass); false for functional calls, which follow
    /// their own <c>training</c> argument.
    /// </summary>
    public bool ModuleInEvalMode => !trace.Training && IsModuleCall;

    /// <summary>A layer module's own call (not a functional call, which brings its own arguments).</summary>
    public bool IsModuleCall => ReferenceEquals(Args, Module.FactoryArguments);

    /// <summary>A warning about the user's model at this call (TBG008): it runs, but not as its author likely meant.</summary>
    public void Warn(string message, string? id = null) =>
        trace.Warnings.Add((id ?? Diagnostics.DiagnosticDescriptors.SuspiciousCall.Id, message, CallSite ?? Module.CreatedAt));

    /// <summary>
    /// TBG014 where a sequence-first layer ([L, N, E] in TorchSharp 0.107) gets the batch first: it attends across the
    /// batch. The table follows what it really does.
    /// </summary>
    public void WarnIfBatchFirst(ActivationTensor input, string takes)
    {
        if (input.Shape.Rank == 3 && input.Shape[0].BatchPower > 0 && input.Shape[1].BatchPower == 0)
            Warn($"{Args.Factory} takes {takes} (sequence first) in TorchSharp 0.107 but gets {input.Shape}, whose first dimension is the "
                + "batch: it attends across the batch, so samples mix and memory grows as B²; transpose to sequence first "
                + "(x.transpose(0, 1)) before the call", Diagnostics.DiagnosticDescriptors.BatchFirstToSequenceFirst.Id);
    }

    /// <summary>Where forward runs this call (a module's forward/call, or the functional call itself).</summary>
    public LocationInfo? CallSite { get; init; }

    /// <summary>A newly allocated result, in the input's element type unless given, contiguous unless strides are given.</summary>
    public ActivationTensor Output(TensorShape shape, ScalarType? elementType = null, IReadOnlyList<Dim>? strides = null,
        IReadOnlyList<Dim>? exact = null)
    {
        var output = trace.Allocate(shape, elementType ?? Input.ElementType, RecordsGraph, strides: strides, exact: exact);
        outputs.Add(output);
        return output;
    }

    /// <summary>
    /// The result of a pointwise op over these tensors (TensorIterator): the broadcast shape, laid out as
    /// <see cref="TensorLayout.PointwiseResult"/> decides from the inputs' strides. Where every operand is contiguous and
    /// of the result's shape, and no number is one (<paramref name="withNumber"/>), TensorIterator's fast setup gives the
    /// default strides, dropping odd strides of size-1 dimensions (measured on a [5, 24, 1, 1] of strides (24, 1, 24, 24):
    /// relu, sigmoid, and mul, sub, gt and where of two such give (24, 1, 1, 1); + 1 and > 0 keep them; Fuzz173_01874).
    /// </summary>
    public ActivationTensor PointwiseOutput(TensorShape shape, IEnumerable<ActivationTensor> over, ScalarType? elementType = null,
        bool withNumber = false)
    {
        var inputs = over.ToList();
        if (!withNumber && inputs.All(t => t.Shape == shape && t.Strides is null))
        {
            var plain = Output(shape, elementType);
            plain.LayoutNotFollowed = inputs.Any(t => t.LayoutNotFollowed);
            return plain;
        }
        var set = TensorLayout.PointwiseStrides(shape, inputs.Select(t => (t.Shape, TensorLayout.NonContiguousStridesOf(t))).ToList(), trace.Decide);
        var strides = TensorLayout.Normalized(shape, set, trace.Decide);
        // A contiguous input with odd size-1 strides may pass them on (not followed exactly: marked, for the rules that care).
        var exact = strides is not null ? null
            : set is not null ? TensorLayout.OddSizeOneStrides(shape, set)
            : inputs.FirstOrDefault(t => t.ExactStrides is not null && t.Shape == shape)?.ExactStrides;
        var result = Output(shape, elementType, strides, exact);
        result.LayoutNotFollowed = inputs.Any(t => t.LayoutNotFollowed);
        return result;
    }

    /// <summary>One more handle to the same tensor (what an in-place op or an eval-mode dropout returns).</summary>
    public ActivationTensor Alias(ActivationTensor source) => trace.View(source, source.Shape, source.Strides, alias: true);

    /// <summary>A view with the source's layout rules applied by the caller (null strides: contiguous).</summary>
    public ActivationTensor View(ActivationTensor source, TensorShape shape, IReadOnlyList<Dim>? strides = null) =>
        trace.View(source, shape, strides);

    /// <summary>reshape inside a layer (flatten, unflatten): a view where the strides allow one, else a contiguous copy, its result.</summary>
    public ActivationTensor Reshaped(ActivationTensor source, TensorShape shape)
    {
        if (TensorLayout.TryView(source.Shape, TensorLayout.NonContiguousStridesOf(source), shape, trace.Decide, out var strides, out var exact))
            return trace.View(source, shape, strides, exact: exact);
        Backward(BackwardRules.PassThrough(source, asView: true));
        var result = Output(shape);
        TransposeCopyBuffer(source);
        return result;
    }

    /// <summary>
    /// The work buffer of a contiguous copy of <paramref name="source"/>, alive for the copy once the destination exists:
    /// a transposed matrix of at least <see cref="TensorLayout.TransposeCopyBlock"/> elements is copied block by block
    /// through one (measured: .contiguous(), reshape and softmax's copy of a [60, 60] transpose; a 3-d one takes none).
    /// Where its element count grows with the batch, the batches from the one that reaches the block get a pass of their own.
    /// </summary>
    public void TransposeCopyBuffer(ActivationTensor source)
    {
        if (!TensorLayout.IsTransposedMatrix(source.Shape, source.Strides, trace.Decide)) return;
        var count = source.Shape.ElementCount;
        bool used;
        if (count.BatchPower == 0 || trace.AtBatchOne) used = count.PinCoefficient() >= TensorLayout.TransposeCopyBlock;
        else if (count.BatchPower > 1)
            throw new UnknownArgumentException(new UnknownValue(
                $"whether the copy of a transposed {source.Shape} takes a work buffer depends on the batch size", null));
        else
        {
            // From the first batch whose count reaches the block on, in a pass of its own; batch 2 is the main pass's.
            var from = (TensorLayout.TransposeCopyBlock + count.PinCoefficient() - 1) / count.PinCoefficient();
            if (from > 2) RunsOtherKernelsFrom(from);
            used = from <= 2 || BatchAtLeast(from);
        }
        if (used) Transient(new TensorShape(new[] { Dim.Of(TensorLayout.TransposeCopyBlock) }), source.ElementType);
    }

    /// <summary>Size comparisons for layout decisions in this pass (see <see cref="BatchDecisions"/>).</summary>
    public BatchDecisions Decide => trace.Decide;

    /// <summary>Autograd keeps this tensor's memory until backward.</summary>
    public void Save(ActivationTensor tensor)
    {
        if (!RecordsGraph || tensor.Storage.IsResident) return;
        tensor.Storage.SavedForBackward = true;
        saved.Add(tensor.Storage);
    }

    /// <summary>
    /// Autograd keeps a tensor the op makes for backward only (indices, statistics, masks). Without autograd the op still
    /// makes it (ATen returns it beside the result) and it lives until the op returns (measured under no_grad: MaxPool's
    /// Int64 indices, and BatchNorm in eval mode two per-channel tensors, alpha and beta, where training mode's
    /// save_mean and save_invstd are).
    /// </summary>
    public void SaveNew(TensorShape shape, ScalarType elementType)
    {
        if (RecordsGraph) saved.Add(trace.AllocateSaved(shape, elementType));
        else returnedAndDropped.Add(trace.Allocate(shape, elementType, requiresGrad: false));
    }

    /// <summary>What this op's backward allocates for a moment besides the gradients (measured per layer).</summary>
    public void BackwardScratch(ByteCount bytes) => backwardScratch = backwardScratch.Plus(bytes);

    /// <summary>
    /// A work tensor only the backward kernel for a dense gradient allocates (batch_norm's contiguous kernel): a gradient
    /// arriving strided and taken as it is runs the other kernel, without it.
    /// </summary>
    public void DenseGradientScratch(ByteCount bytes)
    {
        BackwardScratch(bytes);
        denseGradientScratch = denseGradientScratch.Plus(bytes);
    }

    /// <summary>The bytes this op's backward holds at each moment that can be its largest (its results included while alive).</summary>
    public void BackwardMoments(IReadOnlyList<ByteCount> moments) => backwardMoments = moments;

    /// <summary>A work tensor of these bytes that forward allocates inside the op until <see cref="Release"/>.</summary>
    public ActivationTensor WorkBuffer(ByteCount bytes, ScalarType elementType)
    {
        var size = ElementSize(elementType);
        // A constant size that follows a polynomial (a block of a sequence length T) stays one: [elements] as its form.
        if (bytes.ConstantForm is { } form && bytes.PerSampleForm is null && bytes.Rounded.Count == 0 && bytes.PinPerSample() == 0
            && form.Expression.DividedBy(size) is { } elements && bytes.PeekConstant % size == 0)
        {
            var length = new Dim(bytes.PeekConstant / size, 0, new Parametric.SizeForm(elements, form.Guards));
            return trace.Allocate(new TensorShape(new[] { length }), elementType, requiresGrad: false);
        }
        var dims = bytes.PinPerSample() == 0
            ? new[] { Dim.Of(bytes.PinConstant() / size) }
            : new[] { Dim.Batch, Dim.Of(bytes.PinPerSample() / size) };
        if (bytes.PinConstant() % size != 0 || bytes.PinPerSample() % size != 0 || (bytes.PinPerSample() != 0 && bytes.PinConstant() != 0))
        {
            throw new System.ArgumentException("a work buffer is whole elements, either per sample or constant");
        }
        return trace.Allocate(new TensorShape(dims), elementType, requiresGrad: false);
    }

    /// <summary>
    /// A native buffer sized in bytes, not elements (oneDNN's RNN workspace, in whole pages: see <see cref="RoundedBytes"/>):
    /// a handle until <see cref="Release"/>; autograd keeps it when an <see cref="InternalOp"/> lists it.
    /// </summary>
    public ActivationTensor NativeBuffer(ByteCount bytes) => trace.AllocateBytes(bytes);

    /// <summary>The training step's peak is not known because of this call (forward's shapes are): the Notes say why, in a whole sentence.</summary>
    public void PeakNotModeled(string note) => trace.UnmodeledPeak.Add(note);

    /// <summary>
    /// A BFloat16 matrix product of M·K·N over 4,096 runs oneDNN's gemm, which allocates a transient work buffer beside
    /// its result (measured over 1,331 sizes up to 64: exactly those over 4,096 take one; Float16 products allocate
    /// nothing more, over 1,000 sizes up to 256). For a 2-d product (mm, a Linear) without autograd it is modeled:
    /// threads × (128·K′ + 640) + 256 bytes, K′ = K rounded up to 32, for K up to 512, independent of M and N (measured at
    /// 1, 2 and 4 threads, M 4–2,048, N 8–1,024: bench/RESULTS.md); from the batch where M·K·N passes 4,096 on. Anything
    /// else leaves the peak unknown (the backward's products contract over the rows). Returns the transient's bytes to
    /// allocate once the result is made, or null.
    /// </summary>
    public ByteCount? MatrixProductOf(ScalarType elementType, Dim m, Dim k, Dim n, bool batched = false)
    {
        if (elementType != ScalarType.BFloat16) return null;
        var work = m.Times(k).Times(n);
        if (work.IsConstant() && new IntValue(work.PeekCoefficient, work.Form).AtMost(new IntValue(4096))) return null;
        var threads = trace.Kernels.Threads;
        var measured = KernelProfile.Measured;
        // A size that follows a sequence length would move the threshold with it: not followed (pinning it would narrow the lengths).
        if (batched || trace.GradEnabled || new[] { work, k, n }.Any(d => d.Form is not null)
            || !k.IsConstant() || k.PinCoefficient() > 512 || threads is not (1 or 2 or 4)
            || trace.Kernels.Device != measured.Device || trace.Kernels.InstructionSet != measured.InstructionSet
            || !n.IsConstant() || m.BatchPower > 1)
        {
            PeakNotModeled("Peak is unknown: a BFloat16 matrix product over 4,096 multiply-adds runs oneDNN's gemm, whose transient "
                + "work buffer was modeled only for a 2-d product without autograd and K up to 512.");
            return null;
        }
        if (!work.IsConstant())
        {
            // From the first batch whose product passes 4,096 multiply-adds on.
            var from = 4096 / work.PinCoefficient() + 1;
            if (from > 1) RunsOtherKernelsFrom(from);
            if (from == 2 && !trace.AtBatchOne) RunsOtherKernelsAtBatchOne("A BFloat16 matrix product takes oneDNN's gemm from batch 2.");
            var runs = trace.AtBatchOne ? from <= 1 : from <= 2 || BatchAtLeast(from);
            if (!runs) return null;
        }
        var blocked = (k.PinCoefficient() + 31) / 32 * 32;
        trace.PeakFollowsKernels = true;
        return new ByteCount(checked(threads * (128 * blocked + 640) + 256), 0);
    }

    /// <summary>The gemm's transient (<see cref="MatrixProductOf"/>), beside the result made just before, freed when it returns.</summary>
    public void GemmTransient(ByteCount? bytes)
    {
        if (bytes is { } transient) Release(WorkBuffer(transient, ScalarType.Byte));
    }

    /// <summary>A layer's own matrix products (attention's projections) over a batch: unknown peaks in BFloat16, as above.</summary>
    public void MatrixProductsOverTheBatch(ScalarType elementType) =>
        MatrixProductOf(elementType, Dim.Batch, Dim.Of(1), Dim.Of(1), batched: true);

    /// <summary>Whether <paramref name="tensor"/> with its first two dimensions swapped is contiguous
    /// (see <see cref="ForwardTrace.PermutationStaysContiguous"/>).</summary>
    public bool FirstTwoSwappedStaysContiguous(ActivationTensor tensor) =>
        trace.PermutationStaysContiguous(tensor, FirstTwoSwapped(tensor.Shape.Rank));

    /// <summary><paramref name="tensor"/> with its first two dimensions swapped, as a view (transpose(0, 1)).</summary>
    public ActivationTensor FirstTwoSwappedView(ActivationTensor tensor) => trace.Permute(tensor, FirstTwoSwapped(tensor.Shape.Rank));

    /// <summary>A contiguous tensor viewed as another shape of its element count (view(...)).</summary>
    public ActivationTensor ContiguousView(ActivationTensor tensor, TensorShape shape) =>
        trace.ViewWithStrides(tensor, shape, TensorLayout.ContiguousStrides(shape));

    private static IReadOnlyList<int> FirstTwoSwapped(int rank) => new[] { 1, 0 }.Concat(Enumerable.Range(2, rank - 2)).ToList();

    /// <summary>The pass stands for batch 1 only (see <see cref="ForwardTrace.AtBatchOne"/>).</summary>
    public bool AtBatchOne => trace.AtBatchOne;

    /// <summary>This call runs other kernels at batch 1 than at 2 and more, so batch 1's peak gets a pass of its own;
    /// <paramref name="note"/> says why, for the Notes.</summary>
    public void RunsOtherKernelsAtBatchOne(string note)
    {
        trace.OtherKernelsAtBatchOne = true;
        trace.BatchOneNotes.Add(note);
    }

    /// <summary>This call runs other kernels from <paramref name="batch"/> samples on, so those batches' peak gets a pass of its own.</summary>
    public void RunsOtherKernelsFrom(long batch)
    {
        if (batch > 1 && trace.StandsFromBatch is null) trace.KernelsChangeAt.Add(batch);
    }

    /// <summary>The smallest batch this pass stands for: 1 in batch 1's pass, else where its regime starts (2 in the main pass).</summary>
    public long FirstBatch => trace.AtBatchOne ? 1 : trace.StandsFromBatch ?? 2;

    /// <summary>Whether this pass stands for batches of at least <paramref name="batch"/> (see <see cref="RunsOtherKernelsFrom"/>).</summary>
    public bool BatchAtLeast(long batch) => trace.StandsFromBatch is { } from && from >= batch;

    /// <summary>
    /// Multiply-accumulates this call performs (weight and matrix products; see docs/compute-cost.md). A count past a
    /// long leaves the count unknown, not the layer's shapes and memory.
    /// </summary>
    public void MultiplyAccumulates(System.Func<Dim> count)
    {
        try { trace.AddMultiplyAccumulates(count()); }
        catch (System.OverflowException)
        {
            trace.MultiplyAccumulatesUnknown ??= $"the multiply-accumulates of {Args.Factory} overflow a 64-bit integer";
        }
    }

    /// <summary>A product whose every output element sums <paramref name="reduced"/> products (linear, matmul, a convolution's window).</summary>
    public void MultiplyAccumulates(TensorShape output, System.Func<long> reduced) =>
        MultiplyAccumulates(() => output.ElementCount.Times(Dim.Of(reduced())));

    /// <summary>A fact the Notes must state when the peak is known (what it assumes).</summary>
    public void PeakNote(string note) => trace.PeakNotes.Add(note);

    /// <summary>The kernels the step runs: <see cref="KernelProfile.Threads"/> sizes per-thread buffers.</summary>
    public KernelProfile Kernels => trace.Kernels;

    /// <summary>
    /// The work this rule models was measured on <see cref="KernelProfile.Measured"/>'s device and instruction set, with
    /// <paramref name="threads"/> CPU threads (the measured profile's alone where not given): there the note says what
    /// the peak assumes; under any other profile the peak is unknown.
    /// </summary>
    public void MeasuredKernels(string note, IReadOnlyCollection<int>? threads = null)
    {
        trace.PeakFollowsKernels = true;
        var measured = KernelProfile.Measured;
        var held = threads ?? new[] { measured.Threads };
        if (trace.Kernels.Device == measured.Device && trace.Kernels.InstructionSet == measured.InstructionSet
            && held.Contains(trace.Kernels.Threads))
        {
            PeakNote(note);
            return;
        }
        var on = held.Count == 1 ? measured.ToString()
            : $"{measured.Device} {measured.InstructionSet} with {string.Join(", ", held.OrderBy(t => t))} threads";
        PeakNotModeled($"Peak is unknown: the work tensors of {Args.Factory} were measured on {on}, not on {trace.Kernels}.");
    }

    /// <summary>Whether this module already ran earlier in the pass (a cell stepped over time, a shared layer).</summary>
    public bool RanBefore => trace.OutputShapes.ContainsKey(Module);

    /// <summary>A work tensor forward allocates and frees inside the op (it counts toward forward's peak only).</summary>
    public void Transient(TensorShape shape, ScalarType elementType) => trace.Dispose(trace.Allocate(shape, elementType, requiresGrad: false));

    /// <summary>
    /// A tensor a native composite layer (MultiheadAttention, TransformerEncoderLayer) makes inside: it has a
    /// handle until <see cref="Release"/> (the layer's outputs keep theirs); autograd may keep it (<see cref="InternalOp"/>).
    /// </summary>
    public ActivationTensor Internal(TensorShape shape, ScalarType? elementType = null, bool needsGrad = true) =>
        trace.Allocate(shape, elementType ?? Input.ElementType, needsGrad && RecordsGraph);

    /// <summary>
    /// chunk(count, -1) of an internal contiguous tensor: views of equal parts of its last dimension, which autograd joins
    /// back into one gradient of the whole (split's backward) once each part's has come.
    /// </summary>
    public IReadOnlyList<ActivationTensor> Chunks(ActivationTensor source, int count)
    {
        var last = source.Shape.Rank - 1;
        var part = source.Shape.With(last, Dim.Of(source.Shape[last].PinCoefficient() / count));
        var strides = TensorLayout.StridesOf(source);
        return trace.SplitViews(source, Enumerable.Repeat((part, strides), count).ToList(), "split");
    }

    /// <summary>An internal pointwise result over <paramref name="like"/>: its shape, laid out as TensorIterator lays it.</summary>
    public ActivationTensor InternalLike(ActivationTensor like) =>
        trace.Allocate(like.Shape, like.ElementType, RecordsGraph,
            strides: TensorLayout.PointwiseResult(like.Shape, new[] { (like.Shape, like.Strides) }, trace.Decide));

    /// <summary>
    /// A view autograd tracks apart from its base (one of unbind's outputs): it takes no memory in forward, but
    /// backward gives it a gradient of its own, held until the op that made it runs.
    /// </summary>
    public ActivationTensor SeparateView(TensorShape shape, ScalarType elementType) =>
        new(shape, elementType, new Storage(shape.ElementCount, elementType, null, isResident: false), RecordsGraph);

    /// <summary>The native code drops its handle to an internal tensor (its memory stays if autograd kept it).</summary>
    public void Release(ActivationTensor tensor) => trace.Dispose(tensor);

    /// <summary>
    /// One op inside a native composite layer, put on the autograd tape in forward order: the layer is then
    /// recorded as these ops, not as one node.
    /// </summary>
    public void InternalOp(string kind, IEnumerable<ActivationTensor> inputs, IEnumerable<ActivationTensor> produced,
        IEnumerable<ActivationTensor> keeps, IEnumerable<long>? parameterGradientBytes = null, bool passesGradientThrough = false,
        ByteCount scratch = default, IEnumerable<string>? parameters = null, IReadOnlyList<ByteCount>? moments = null,
        IReadOnlyList<DenseGradient>? denseGradients = null, BackwardPlan? backward = null, string? asModule = null)
    {
        if (!RecordsGraph) return;
        recordedInside = true;
        var kept = keeps.Select(t => t.Storage).Where(s => !s.IsResident).Distinct().ToList();
        foreach (var storage in kept)
        {
            storage.SavedForBackward = true;
            storage.Savers++;
        }
        // An F::linear or F::layer_norm inside the layer runs the ATen op the module does: its backward follows the module's rules.
        trace.Tape.Add(new TapeNode(asModule ?? $"{Args.Factory}.{kind}", inputs.Where(t => t.RequiresGrad).ToList(), produced.ToList(), kept,
            GradientsOf(parameterGradientBytes, parameters, asModule == "Linear"), passesGradientThrough, scratch, moments, denseGradients, backward)
            { Caller = IsModuleCall ? Module : null });
    }

    /// <summary>
    /// Raw byte counts are gradients no other node shares (a linear's with a bias: weight, then bias); named parameters are
    /// this module's own (several ops may use one).
    /// </summary>
    private List<ParameterGradient> GradientsOf(IEnumerable<long>? bytes, IEnumerable<string>? parameters, bool linear)
    {
        var raw = (bytes ?? Array.Empty<long>()).ToList();
        var gradients = raw.Select((b, i) => ParameterGradient.Unshared(b, linear && i == 1 ? "bias" : null)).ToList();
        foreach (var name in parameters ?? Array.Empty<string>())
        {
            var slot = Module.Parameters.First(p => p.Key == name).Value;
            if (slot.RequiresGrad && slot.PeekElementCount is not null) gradients.Add(ParameterGradient.Of(slot, trace.ParameterElementSize));
        }
        return gradients;
    }

    public int ElementSize(ScalarType elementType) => elementType.SizeOf()
        ?? throw new UnknownArgumentException(new UnknownValue($"the element size of {elementType}", Module.CreatedAt));

    public ShapeMismatchException Mismatch(string message) => new($"{Args.Factory}: {message}");

    private BackwardPlan? plan;
    private (TensorShape, IReadOnlyList<Dim>?)? gradientFactor;

    /// <summary>Backward multiplies the incoming gradient by a tensor of this shape and layout (see <see cref="TapeNode.GradientFactor"/>).</summary>
    public void GradientMultipliedBy(TensorShape shape, IReadOnlyList<Dim>? strides) => gradientFactor = (shape, strides);

    private IReadOnlyList<Dim>? gradientLayout;
    private bool convertsOperand;

    /// <summary>See <see cref="TapeNode.ConvertsOperandInBackward"/>.</summary>
    public void ConvertsOperandInBackward() => convertsOperand = true;

    /// <summary>Backward copies an incoming gradient laid out otherwise than this (see <see cref="TapeNode.GradientLayoutNeeded"/>).</summary>
    public void GradientLaidOutAs(IReadOnlyList<Dim> strides) => gradientLayout = strides;

    /// <summary>What this op's backward allocates and hands on (see <see cref="BackwardRules"/>); without one, a gradient per input.</summary>
    public void Backward(BackwardPlan backward) => plan = backward;

    /// <summary>Puts this call on the autograd tape when autograd records it (after the rule ran).</summary>
    public void Record(Value result, bool passesGradientThrough = false)
    {
        foreach (var dropped in returnedAndDropped) trace.Dispose(dropped);
        returnedAndDropped.Clear();
        if (!RecordsGraph || recordedInside) return;
        // A rule that returned a view (flatten without a copy) or an input as it is (Identity) made no op of its own:
        // the view's node is on the tape already.
        if (outputs.Count == 0 && result is ActivationTensor returned
            && ((returned.ViewSource is not null && !returned.IsAlias) || Inputs.Contains(returned))) return;
        var produced = outputs.Count > 0
            ? outputs
            : (result is ActivationTensor same ? new List<ActivationTensor> { same } : new List<ActivationTensor>());
        foreach (var storage in saved) storage.Savers++;
        var parameterGradients = Module.Parameters.Where(p => p.Value.RequiresGrad && p.Value.PeekElementCount is not null)
            .Select(p => ParameterGradient.Of(p.Value, trace.ParameterElementSize, p.Key)).ToList();
        trace.Tape.Add(new TapeNode(Args.Factory, Inputs.OfType<ActivationTensor>().Where(t => t.RequiresGrad).ToList(), produced, saved.ToList(),
            parameterGradients, passesGradientThrough, backwardScratch, backwardMoments, plan: plan)
            { Caller = IsModuleCall ? Module : null, DenseGradientScratch = denseGradientScratch, GradientFactor = gradientFactor,
                GradientLayoutNeeded = gradientLayout, ConvertsOperandInBackward = convertsOperand });
    }

    /// <summary>The output shape is known but not what the layer allocates inside: the memory table says so.</summary>
    public void MemoryNotModeled(string? reason = null) =>
        trace.Unknowns.Add(new UnknownValue(
            $"the memory {Args.Factory} allocates in forward is not modeled yet (its output shape is)" + (reason is null ? "" : $": {reason}"),
            Module.CreatedAt));
}
