using System.Collections.Generic;
using System.Linq;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Layers;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parsing;

/// <summary>
/// Autograd's engine on the CPU, one node at a time in reverse tape order (the order its ready queue gives a single
/// thread), tracking the bytes alive: the forward storages autograd still keeps, the pending gradients (a gradient and
/// the views of it share one buffer), and parameters' gradients on their way into .grad. Each node's backward follows
/// its <see cref="BackwardPlan"/>, or without one creates a gradient of each input's storage size. Adds a peak line for
/// every moment that can be the largest.
/// </summary>
internal sealed class BackwardEngine
{
    private readonly ForwardTrace trace;
    private readonly List<ByteCount> terms;
    private readonly Dictionary<Storage, Gradient> pending = new();
    private readonly HashSet<Storage> released = new();
    private readonly Dictionary<object, int> uses;
    private readonly Dictionary<object, int> seen = new();
    // Autograd's input buffers: the running sum of a parameter's gradients while some of its uses are still to run.
    private readonly Dictionary<object, ByteCount> parameterBuffers = new();

    public BackwardEngine(ForwardTrace trace, Storage output, ByteCount outputGradient, ByteCount live, List<ByteCount> terms)
    {
        this.trace = trace;
        this.terms = terms;
        Live = live;
        pending[output] = Gradient.Fresh(outputGradient);
        uses = ParameterUses(trace, output);
    }

    /// <summary>Forward's storages still alive (saved by autograd or held by a handle), the resident rows aside.</summary>
    public ByteCount Live { get; private set; }

    /// <summary>Runs one node's backward; false where a size is unknown (the peak is then unknown).</summary>
    public bool Run(TapeNode node)
    {
        var incoming = node.Outputs.Select(o => o.Storage).Distinct().Where(pending.ContainsKey).ToList();
        return incoming.Count == 0 || RunNode(node, incoming);
    }

    private bool RunNode(TapeNode node, List<Storage> incoming)
    {
        var incomingGradients = incoming.Select(s => pending[s]).ToList();
        var held = Held();
        var buffered = Sum(parameterBuffers.Values);
        if (DenseStandIns(node) is not { } standIns) return false;
        var fresh = Sum(node.ParameterGradients.Select(g => g.Bytes));
        List<(ActivationTensor Input, Gradient Gradient)> handed;
        if (node.Plan is { } plan)
        {
            foreach (var moment in plan.Moments) terms.Add(Live.Plus(held).Plus(buffered).Plus(standIns).Plus(fresh).Plus(node.BackwardScratch).Plus(moment));
            var shared = incomingGradients.FirstOrDefault()?.Buffer;
            handed = plan.Gradients.Select(g => (g.Input, g.SharesIncoming && shared is not null ? new Gradient(g.Bytes, shared) : Gradient.Fresh(g.Bytes))).ToList();
        }
        else
        {
            // Without a plan: one gradient of each input's size (a pass-through node hands the incoming one on).
            var created = ByteCount.Zero;
            var shared = incomingGradients[0].Buffer;
            handed = new List<(ActivationTensor, Gradient)>();
            foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident))
            {
                ByteCount bytes;
                try { bytes = BackwardPlanBuilder.BytesOf(input); }
                catch (System.Exception e) when (e is NotLinearInBatchException or System.OverflowException) { return false; }
                if (!node.PassesGradientThrough) created = created.Plus(bytes);
                handed.Add((input, node.PassesGradientThrough ? new Gradient(bytes, shared) : Gradient.Fresh(bytes)));
            }
            terms.Add(Live.Plus(held).Plus(created).Plus(fresh).Plus(buffered).Plus(node.BackwardScratch).Plus(standIns));
            foreach (var moment in node.BackwardMoments) terms.Add(Live.Plus(held).Plus(buffered).Plus(standIns).Plus(moment));
        }

        foreach (var storage in incoming) pending.Remove(storage);
        Release(node);
        var parameterGradients = node.ParameterGradients.Select(g => (g.Parameter, g.Bytes)).ToList();
        foreach (var (input, gradient) in handed)
        {
            if (input.Storage.IsResident)
            {
                if (input.Parameter is not { } parameter || parameter.PeekElementCount is null) continue;
                var bytes = ParameterGradient.Of(parameter, trace.ParameterElementSize).Bytes;
                Convert(input, gradient, bytes);
                parameterGradients.Add((parameter, bytes));
                fresh = fresh.Plus(bytes);
                continue;
            }
            if (input.Storage.Bytes() is not { } storageBytes) return false;
            Accumulate(input.Storage, Convert(input, gradient, storageBytes));
        }
        AddParameterGradients(parameterGradients, fresh);
        return true;
    }

    /// <summary>
    /// A gradient of a view, walked back to the tensor that owns the storage, one view op at a time: a slice's or an
    /// index's backward fills a zero tensor of its source's size, an expand's sums the gradient down to its source's;
    /// each new tensor is alive for a moment beside the one it came from. Views of the same size hand it on as it is.
    /// </summary>
    private Gradient Convert(ActivationTensor input, Gradient gradient, ByteCount storageBytes)
    {
        var current = input;
        var bytes = gradient.Bytes;
        var alone = References(gradient.Buffer) == 0;
        while (current.ViewSource is { } source)
        {
            if (!SameCount(current.Shape.ElementCount, source.Shape.ElementCount))
            {
                var sourceBytes = BackwardPlanBuilder.BytesOf(source);
                terms.Add(Live.Plus(Held()).Plus(alone ? bytes : ByteCount.Zero).Plus(sourceBytes).Plus(Sum(parameterBuffers.Values)));
                gradient = Gradient.Fresh(sourceBytes);
                bytes = sourceBytes;
                alone = true;
            }
            current = source;
        }
        var result = SameCount(current.Shape.ElementCount, input.Storage.Elements) || bytes.Equals(storageBytes) ? gradient : Gradient.Fresh(storageBytes);
        // A gradient that reached its storage through views only (a reshape, a transpose) arrives as a view: the engine
        // cannot add into it in place (measured: x.matmul(x.transpose(-2, -1)) sums x's two gradients out of place).
        if (ReferenceEquals(result, gradient) && input.ViewSource is not null) result = new Gradient(result.Bytes, result.Buffer) { ThroughView = true };
        return result;
    }

    private static bool SameCount(Dim a, Dim b) => a.BatchPower == b.BatchPower && a.PeekCoefficient == b.PeekCoefficient;

    /// <summary>
    /// A gradient arriving for a storage: the first is kept; a second is added in place into the first where the first is
    /// a buffer of its own, else summed out of place (old, new and the sum alive for a moment).
    /// </summary>
    private void Accumulate(Storage storage, Gradient gradient)
    {
        if (!pending.TryGetValue(storage, out var old))
        {
            pending[storage] = gradient;
            return;
        }
        if (References(old.Buffer) == 1 && !ReferenceEquals(old.Buffer, gradient.Buffer) && old.IsOwn && !old.ThroughView) return;
        var sum = Gradient.Fresh(old.Bytes);
        var arriving = References(gradient.Buffer) == 0 ? gradient.Bytes : ByteCount.Zero;
        terms.Add(Live.Plus(Held()).Plus(arriving).Plus(sum.Bytes).Plus(Sum(parameterBuffers.Values)));
        pending[storage] = sum;
    }

    /// <summary>The engine releases what the node saved before it adds the node's gradients into input buffers (engine.cpp).</summary>
    private void Release(TapeNode node)
    {
        foreach (var storage in node.Saved)
        {
            if (--storage.Savers > 0 || trace.HasLiveHandle(storage) || !released.Add(storage)) continue;
            if (storage.Bytes() is { } bytes) Live = Live.Plus(bytes.Negate());
        }
    }

    /// <summary>
    /// Each fresh parameter gradient goes into its parameter's input buffer (measured on 0.107 CPU): the first is kept as
    /// it is, the second is summed out of place (old, fresh and sum alive at once), later ones are added in place; after
    /// the last use the sum is added into .grad and freed. A parameter used once: added, freed. The engine reaches a
    /// linear's bias first and its weight after t()'s backward: last listed first.
    /// </summary>
    private void AddParameterGradients(List<(object Parameter, ByteCount Bytes)> gradients, ByteCount fresh)
    {
        var after = Held();
        foreach (var (parameter, bytes) in Enumerable.Reverse(gradients))
        {
            var count = seen[parameter] = seen.TryGetValue(parameter, out var n) ? n + 1 : 1;
            var total = uses.TryGetValue(parameter, out var u) ? u : 1;
            if (count == 2) terms.Add(Live.Plus(after).Plus(fresh).Plus(Sum(parameterBuffers.Values)).Plus(bytes));
            fresh = fresh.Plus(bytes.Negate());
            if (count == 1 && total > 1) parameterBuffers[parameter] = bytes;
            if (count == total) parameterBuffers.Remove(parameter);
        }
    }

    private int References(GradientBuffer buffer) => pending.Values.Count(g => ReferenceEquals(g.Buffer, buffer));

    /// <summary>The pending gradients' bytes, each buffer once.</summary>
    private ByteCount Held()
    {
        foreach (var gradient in pending.Values) gradient.Buffer.Counted = false;
        var total = ByteCount.Zero;
        foreach (var gradient in pending.Values)
        {
            if (gradient.Buffer.Counted) continue;
            gradient.Buffer.Counted = true;
            total = total.Plus(gradient.Buffer.Bytes);
        }
        return total;
    }

    private static ByteCount Sum(IEnumerable<ByteCount> bytes) => bytes.Aggregate(ByteCount.Zero, (a, b) => a.Plus(b));

    /// <summary>
    /// How many nodes that backward runs (those a gradient reaches from the output) use each parameter: autograd adds a
    /// parameter's summed gradient into .grad once all of them have run.
    /// </summary>
    private static Dictionary<object, int> ParameterUses(ForwardTrace trace, Storage output)
    {
        var reached = new HashSet<Storage> { output };
        var uses = new Dictionary<object, int>();
        foreach (var node in Enumerable.Reverse(trace.Tape))
        {
            var incoming = node.Outputs.Select(o => o.Storage).Where(reached.Contains).ToList();
            if (incoming.Count == 0) continue;
            foreach (var storage in incoming) reached.Remove(storage);
            foreach (var input in node.Inputs.Where(i => !i.Storage.IsResident)) reached.Add(input.Storage);
            var parameters = node.ParameterGradients.Select(g => g.Parameter)
                .Concat(node.Plan?.Gradients.Where(g => g.Input.Storage.IsResident && g.Input.Parameter is not null).Select(g => (object)g.Input.Parameter!) ?? Enumerable.Empty<object>());
            foreach (var parameter in parameters) uses[parameter] = uses.TryGetValue(parameter, out var n) ? n + 1 : 1;
        }
        return uses;
    }

    /// <summary>
    /// What a backward that needs its incoming gradients dense (oneDNN's RNN) makes for the whole call: zeros for each
    /// that did not arrive, a contiguous copy of each that arrives strided. Null, with the reason among the trace's
    /// unmodeled-peak Notes, when one arrives and the rule could not tell its layout.
    /// </summary>
    private ByteCount? DenseStandIns(TapeNode node)
    {
        var total = ByteCount.Zero;
        foreach (var dense in node.DenseGradients)
        {
            var arrives = pending.ContainsKey(dense.Carrier);
            if (arrives && dense.Layout == GradientLayout.Unknown)
            {
                trace.UnmodeledPeak.Add($"Peak is unknown: {node.Kind}'s backward copies the gradient of {dense.Of} when it is not contiguous, and whether it is depends on the ops after the layer.");
                return null;
            }
            if (!arrives || dense.Layout == GradientLayout.NonContiguous) total = total.Plus(dense.Bytes);
        }
        return total;
    }

    /// <summary>A pending gradient: its bytes as handed, and the buffer it lives in (shared by views of one gradient).</summary>
    private sealed class Gradient(ByteCount bytes, GradientBuffer buffer)
    {
        public ByteCount Bytes { get; } = bytes;

        public GradientBuffer Buffer { get; } = buffer;

        /// <summary>A tensor of its own, not a view of another gradient.</summary>
        public bool IsOwn => ReferenceEquals(Buffer.Owner, this) || (Buffer.Owner is { } owner && owner.Bytes.Equals(Bytes) && !ThroughView);

        /// <summary>Handed on through view ops (reshape, transpose): autograd holds it as a view.</summary>
        public bool ThroughView { get; init; }

        public static Gradient Fresh(ByteCount bytes)
        {
            var buffer = new GradientBuffer(bytes);
            var gradient = new Gradient(bytes, buffer);
            buffer.Owner = gradient;
            return gradient;
        }
    }

    private sealed class GradientBuffer(ByteCount bytes)
    {
        public ByteCount Bytes { get; } = bytes;

        public Gradient? Owner { get; set; }

        public bool Counted { get; set; }
    }
}
