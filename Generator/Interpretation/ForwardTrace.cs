using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// What one symbolic forward pass allocated, and for which module; and what it could not follow.
/// Mirrors TorchSharp inside a DisposeScope: a tensor's memory lives while its handle is not disposed
/// or while autograd saved it for backward.
/// </summary>
internal sealed class ForwardTrace(bool gradEnabled)
{
    private readonly List<ActivationTensor> tensors = new();

    public bool GradEnabled { get; } = gradEnabled;

    /// <summary>The model's modules are in training mode (the training step); false for the inference pass, after eval().</summary>
    public bool Training { get; init; } = true;

    /// <summary>This pass stands for batch 1 only, where ATen picks other CPU kernels for some layers (its peak is batch 1's).</summary>
    public bool AtBatchOne { get; init; }

    /// <summary>Some layer runs other kernels at batch 1 than at 2 and more: batch 1's peak needs a pass of its own.</summary>
    public bool OtherKernelsAtBatchOne { get; set; }

    /// <summary>Why batch 1's peak has a pass of its own (a sentence per reason), for the Notes.</summary>
    public SortedSet<string> BatchOneNotes { get; } = new(System.StringComparer.Ordinal);

    /// <summary>That pass, when <see cref="OtherKernelsAtBatchOne"/>: the same forward with batch 1's kernels.</summary>
    public ForwardTrace? BatchOnePass { get; set; }

    /// <summary>
    /// Set on a pass that stands for batches from this size on, where some layer runs other kernels (oneDNN's RNN keeps
    /// one time step's scratch gates from batch 128); null on the main pass.
    /// </summary>
    public long? StandsFromBatch { get; init; }

    /// <summary>Batch sizes (above 1) from which some layer of the main pass runs other kernels: each gets a pass of its own.</summary>
    public SortedSet<long> KernelsChangeAt { get; } = new();

    /// <summary>Those passes, in ascending batch order: each one's peak holds from its batch up to the next one's.</summary>
    public List<ForwardTrace> LargerBatchPasses { get; } = new();

    public Stack<ModuleInstance> Running { get; } = new();

    /// <summary>Size comparisons for layout decisions, for the batches this pass stands for.</summary>
    public BatchDecisions Decide => decide ??= new BatchDecisions(this);

    private BatchDecisions? decide;

    /// <summary>
    /// Whether a permutation of <paramref name="self"/> (its dimensions in <paramref name="sourceAxes"/> order) is still
    /// contiguous (ATen ignores the strides of size-1 dimensions, so [B, 64, 1].permute(0, 2, 1) stays contiguous; at
    /// batch 1 the batch dimension is such a dimension too, which batch 1's own pass follows).
    /// </summary>
    public bool PermutationStaysContiguous(ActivationTensor self, IReadOnlyList<int> sourceAxes) =>
        PermutedStrides(self, sourceAxes) is null;

    /// <summary>A permuted view (transpose, permute, t()): its dimensions are the source's in <paramref name="sourceAxes"/> order.</summary>
    public ActivationTensor Permute(ActivationTensor self, IReadOnlyList<int> sourceAxes) =>
        ViewWithStrides(self, new TensorShape(sourceAxes.Select(a => self.Shape[a])),
            TensorLayout.Permuted(TensorLayout.ExactStridesOf(self), sourceAxes));

    private IReadOnlyList<Dim>? PermutedStrides(ActivationTensor self, IReadOnlyList<int> sourceAxes) =>
        TensorLayout.Normalized(new TensorShape(sourceAxes.Select(a => self.Shape[a])),
            TensorLayout.Permuted(TensorLayout.StridesOf(self), sourceAxes), Decide);

    /// <summary>A view with ATen's own strides: recorded normalized (null where contiguous), the size-1 dimensions' kept aside.</summary>
    public ActivationTensor ViewWithStrides(ActivationTensor source, TensorShape shape, IReadOnlyList<Dim> exactStrides, bool slice = false)
    {
        var strides = TensorLayout.Normalized(shape, exactStrides, Decide);
        return View(source, shape, strides, exact: strides is null ? TensorLayout.OddSizeOneStrides(shape, exactStrides) : null, slice: slice);
    }

    /// <summary>
    /// Multiply-accumulates of forward's weight and matrix products, by the innermost module running them (null: the
    /// profiled model's own forward code). Conventions: docs/compute-cost.md.
    /// </summary>
    public List<(ModuleInstance? Module, Dim Count)> MultiplyAccumulates { get; } = new();

    /// <summary>Why the multiply-accumulates are not known (a layer with weights whose rule counts none); null when known.</summary>
    public string? MultiplyAccumulatesUnknown { get; set; }

    public void AddMultiplyAccumulates(Dim count) => MultiplyAccumulates.Add((Running.Count > 0 ? Running.Peek() : null, count));

    /// <summary>Each module's output shape at its first call, as torchinfo's column shows it.</summary>
    public Dictionary<ModuleInstance, string> OutputShapes { get; } = new();

    /// <summary>Each module's place in the order forward first calls them (0 for the first module called).</summary>
    public Dictionary<ModuleInstance, int> FirstCalls { get; } = new();

    /// <summary>Each module's arguments at its first call (shapes and element types), so Verify can call it on its own.</summary>
    public Dictionary<ModuleInstance, (string Shape, string ElementType)> InputShapes { get; } = new();

    public List<UnknownValue> Unknowns { get; } = new();

    /// <summary>Notes ("Peak is unknown: ...") of layer calls whose CPU work tensors the rules do not model (forward's shapes are known).</summary>
    public List<string> UnmodeledPeak { get; } = new();

    /// <summary>What a known peak assumes, for the Notes (the CPU kernels a convolution's work tensors follow).</summary>
    public SortedSet<string> PeakNotes { get; } = new(System.StringComparer.Ordinal);

    /// <summary>The model's output, when forward returned one tensor.</summary>
    public ActivationTensor? Output { get; set; }

    /// <summary>The ops autograd recorded, in forward order.</summary>
    public List<TapeNode> Tape { get; } = new();

    /// <summary>The model's parameter type (DType), for parameters used in forward and gradient temporaries.</summary>
    public ScalarType ParameterElementType { get; set; } = ScalarType.Float32;

    /// <summary>
    /// Whether a known peak counts work whose size depends on <see cref="Kernels"/> (an instruction set's blocks, a thread
    /// count's buffers): the harness compares such a peak only in a process that runs that profile.
    /// </summary>
    public bool PeakFollowsKernels { get; set; }

    /// <summary>The kernels the step runs (their per-thread and per-ISA work buffers).</summary>
    public Model.KernelProfile Kernels { get; init; } = Model.KernelProfile.Measured;

    /// <summary>The training step's loss, which backward's simulation starts from.</summary>
    public Losses.LossRule Loss { get; init; } = Losses.LossRules.Get(Losses.LossKind.CrossEntropy);

    public int ParameterElementSize => ParameterElementType.SizeOf() ?? 4;

    /// <summary>Allocations (true) and disposals (false) in order, replayed once for forward's own peaks.</summary>
    private readonly List<(ActivationTensor Tensor, bool Allocated)> events = new();

    /// <summary>Calls that run but likely not as meant (TBG008 material): message and place.</summary>
    public List<(string Id, string Message, LocationInfo? Location)> Warnings { get; } = new();

    /// <summary>Shape contradictions found statically (TBG003 material): message and place.</summary>
    public List<ShapeMismatch> Mismatches { get; } = new();

    /// <summary>The tensor forward is run on: the profile's input batch.</summary>
    public ActivationTensor? ProfileInput { get; set; }

    /// <summary>
    /// forward's tensor inputs, with their parameter names (or "input N" where unknown) and the length of their sequence
    /// dimensions where they mark some (<c>SequenceDimensions</c>).
    /// </summary>
    public List<(string Name, ActivationTensor Tensor, long? SequenceLength)> Inputs { get; } = new();

    /// <summary>Where forward extends an input along a dimension with computed tensors (a key/value cache): see <see cref="CacheSite"/>.</summary>
    public List<CacheSite> CacheSites { get; } = new();

    public ActivationTensor Allocate(TensorShape shape, ScalarType elementType, bool requiresGrad, bool isResident = false,
        IReadOnlyList<Dim>? strides = null, TensorSlot? parameter = null, IReadOnlyList<Dim>? exact = null)
    {
        if (tensors.Count >= InterpreterLimits.MaxForwardTensors)
        {
            throw new AnalysisLimitException(new UnknownValue($"forward creates more than {InterpreterLimits.MaxForwardTensors:N0} tensors", null));
        }
        var storage = new Storage(shape.ElementCount, elementType, Running.Count > 0 ? Running.Peek() : null, isResident);
        var tensor = new ActivationTensor(shape, elementType, storage, requiresGrad, strides)
        {
            IsTrainableParameter = parameter is { RequiresGrad: true }, Parameter = parameter, ExactStrides = exact
        };
        tensors.Add(tensor);
        events.Add((tensor, true));
        return tensor;
    }

    /// <summary>
    /// A native work buffer sized in bytes (oneDNN's RNN workspace, in whole pages): a Byte tensor whose nominal shape
    /// [1] says nothing; its storage carries the bytes.
    /// </summary>
    public ActivationTensor AllocateBytes(Shapes.ByteCount bytes)
    {
        if (tensors.Count >= InterpreterLimits.MaxForwardTensors)
        {
            throw new AnalysisLimitException(new UnknownValue($"forward creates more than {InterpreterLimits.MaxForwardTensors:N0} tensors", null));
        }
        var owner = Running.Count > 0 ? Running.Peek() : null;
        var storage = new Storage(Shapes.Dim.Of(1), ScalarType.Byte, owner, isResident: false, sizedInBytes: bytes);
        var tensor = new ActivationTensor(new Shapes.TensorShape(new[] { Shapes.Dim.Of(1) }), ScalarType.Byte, storage, requiresGrad: false);
        tensors.Add(tensor);
        events.Add((tensor, true));
        return tensor;
    }

    /// <summary>
    /// A view: a new tensor handle over the same storage (allocates nothing), with these strides (null: contiguous); an
    /// alias is one more handle to the same tensor (an in-place op's result), which autograd records no view op for.
    /// </summary>
    public ActivationTensor View(ActivationTensor source, TensorShape shape, IReadOnlyList<Dim>? strides, bool alias = false, bool slice = false,
        IReadOnlyList<Dim>? exact = null)
    {
        var view = NewView(source, shape, strides, alias, slice, alias ? source.ExactStrides : exact);
        // Autograd records a view op like any other: its backward hands the gradient back to the source.
        if (!alias && GradEnabled && source.RequiresGrad)
        {
            Tape.Add(new TapeNode("view", new[] { source }, new[] { view }, System.Array.Empty<Storage>(), System.Array.Empty<ParameterGradient>(),
                plan: Layers.BackwardRules.View(source, view, AtBatchOne)));
        }
        return view;
    }

    /// <summary>
    /// split/chunk/unbind: views of <paramref name="source"/>'s parts, one autograd node for all of them, whose backward
    /// joins their gradients into one tensor of the source's size (see <see cref="Layers.BackwardRules.Join"/>).
    /// </summary>
    public IReadOnlyList<ActivationTensor> SplitViews(ActivationTensor source, IReadOnlyList<(TensorShape Shape, IReadOnlyList<Dim> Strides)> parts,
        string kind)
    {
        var views = parts.Select(p =>
        {
            var strides = TensorLayout.Normalized(p.Shape, p.Strides, Decide);
            var exact = strides is null ? TensorLayout.OddSizeOneStrides(p.Shape, p.Strides) : null;
            return NewView(source, p.Shape, strides, alias: false, slice: true, exact);
        }).ToList();
        if (GradEnabled && source.RequiresGrad)
        {
            Tape.Add(new TapeNode(kind, new[] { source }, views, System.Array.Empty<Storage>(), System.Array.Empty<ParameterGradient>(),
                plan: Layers.BackwardRules.Join(source)));
        }
        return views;
    }

    /// <summary>
    /// at::alias(self), what indices that view nothing return: a handle over the whole tensor that autograd records as an
    /// op of its own, whose backward hands the incoming gradient itself on (AliasBackward: grad, not a view of it).
    /// </summary>
    public ActivationTensor AliasOp(ActivationTensor source)
    {
        var alias = NewView(source, source.Shape, source.Strides, alias: false, slice: false, source.ExactStrides);
        if (GradEnabled && source.RequiresGrad)
        {
            Tape.Add(new TapeNode("alias", new[] { source }, new[] { alias }, System.Array.Empty<Storage>(), System.Array.Empty<ParameterGradient>(),
                plan: Layers.BackwardRules.PassThrough(source)));
        }
        return alias;
    }

    private ActivationTensor NewView(ActivationTensor source, TensorShape shape, IReadOnlyList<Dim>? strides, bool alias, bool slice,
        IReadOnlyList<Dim>? exact)
    {
        if (tensors.Count >= InterpreterLimits.MaxForwardTensors)
        {
            throw new AnalysisLimitException(new UnknownValue($"forward creates more than {InterpreterLimits.MaxForwardTensors:N0} tensors", null));
        }
        var view = new ActivationTensor(shape, source.ElementType, source.Storage, source.RequiresGrad, strides)
        {
            IsTrainableParameter = source.IsTrainableParameter, Parameter = source.Parameter, ViewSource = source, IsAlias = alias, IsSlice = slice,
            ExactStrides = exact, LayoutNotFollowed = source.LayoutNotFollowed
        };
        tensors.Add(view);
        events.Add((view, true));
        return view;
    }

    /// <summary>Memory autograd keeps without any handle (pool indices, normalization statistics, dropout masks).</summary>
    public Storage AllocateSaved(TensorShape shape, ScalarType elementType)
    {
        var hidden = Allocate(shape, elementType, requiresGrad: false);
        Dispose(hidden);
        hidden.Storage.SavedForBackward = true;
        return hidden.Storage;
    }

    /// <summary>TorchSharp disposes the handle (Sequential does with intermediate results).</summary>
    public void Dispose(ActivationTensor tensor)
    {
        tensor.Disposed = true;
        events.Add((tensor, false));
    }

    /// <summary>
    /// Live activation bytes right after each allocation in forward (forward's own peaks), in one pass: a
    /// storage lives while a handle does, or from its allocation on if autograd saved it.
    /// </summary>
    public List<Shapes.ByteCount>? ForwardPeaks()
    {
        var handles = new Dictionary<Storage, int>();
        var live = Shapes.ByteCount.Zero;
        var peaks = new List<Shapes.ByteCount>();
        foreach (var (tensor, allocated) in events)
        {
            var storage = tensor.Storage;
            if (storage.IsResident) continue;
            if (storage.Bytes() is not { } bytes) return null;
            var seen = handles.TryGetValue(storage, out var count);
            var wasLive = seen && (count > 0 || storage.SavedForBackward);
            handles[storage] = allocated ? count + 1 : count - 1;
            var isLive = handles[storage] > 0 || storage.SavedForBackward;
            if (isLive && !wasLive) live = live.Plus(bytes);
            if (!isLive && wasLive) live = live.Plus(bytes.Negate());
            if (allocated) peaks.Add(live);
        }
        return peaks;
    }

    /// <summary>Whether an undisposed tensor handle still holds this storage.</summary>
    public bool HasLiveHandle(Storage storage) => tensors.Any(t => !t.Disposed && ReferenceEquals(t.Storage, storage));

    /// <summary>Bytes of the storages alive now; null when a size is unknown or grows faster than B.</summary>
    public Shapes.ByteCount? LiveBytes()
    {
        var total = Shapes.ByteCount.Zero;
        foreach (var storage in AliveStorages())
        {
            if (storage.Bytes() is not { } bytes) return null;
            total = total.Plus(bytes);
        }
        return total;
    }

    /// <summary>Storages alive now, the input batch excluded.</summary>
    public IEnumerable<Storage> AliveStorages() =>
        tensors.Where(t => !t.Disposed).Select(t => t.Storage)
            .Concat(tensors.Select(t => t.Storage).Where(s => s.SavedForBackward))
            .Where(s => !s.IsResident)
            .Distinct();
}

/// <summary>
/// A call TorchSharp would reject with the shapes followed: its message and place, and whether what it was fed is the
/// profile's input itself (or a view of it), so that the attribute is as likely wrong as the call; then the module.
/// </summary>
internal sealed record ShapeMismatch(string Message, LocationInfo? Location, bool OnProfileInput = false, ModuleInstance? Module = null);
