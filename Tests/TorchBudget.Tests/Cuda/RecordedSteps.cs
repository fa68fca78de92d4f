using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TorchBudget.Cuda;

namespace TorchBudget.Tests.Cuda;

/// <summary>A training step recorded on a GPU by bench/gpu/trace_step.py: where its trace starts, its events, its peaks.</summary>
internal sealed record RecordedStep(
    string Model, long Batch, IReadOnlyList<CachedSegment> Initial, IReadOnlyList<AllocatorTraceEvent> Events,
    long MaxMemoryAllocated, long MaxMemoryReserved)
{
    /// <summary>Reads the steps of a <c>trace_step.py steps</c> output file.</summary>
    public static IReadOnlyList<RecordedStep> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(Step).ToList();
    }

    private static RecordedStep Step(JsonElement step) => new(
        step.GetProperty("model").GetString()!,
        step.GetProperty("batch").GetInt64(),
        step.GetProperty("initial_segments").EnumerateArray().Select(Segment).ToList(),
        step.GetProperty("events").EnumerateArray().Select(Event).ToList(),
        step.GetProperty("max_memory_allocated").GetInt64(),
        step.GetProperty("max_memory_reserved").GetInt64());

    // [address, total size, [[block size, state], ...]]; a block is free only when its state is "inactive".
    private static CachedSegment Segment(JsonElement s) => new(
        s[0].GetInt64(),
        s[2].EnumerateArray().Select(b => (b[0].GetInt64(), b[1].GetString() != "inactive")).ToList());

    private static AllocatorTraceEvent Event(JsonElement e) => new(e[0].GetString()!, e[1].GetInt64(), e[2].GetInt64());
}
