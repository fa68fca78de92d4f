using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Cuda;

/// <summary>
/// Replays a sequence of allocations and frees through PyTorch's CUDA caching allocator (one device, one stream,
/// default configuration; the rules are in <see cref="CachingAllocatorRules"/>) and keeps the statistics PyTorch reports:
/// <c>memory_allocated</c>, <c>memory_reserved</c>, the requested bytes and their peaks. Reserved memory depends on the
/// order of allocations and frees, not only on their sizes: blocks are split, cached and merged.
/// </summary>
public sealed class CachingAllocatorSimulator
{
    /// <summary>Where simulated segments start when no address is given: any base works, only the order matters.</summary>
    private const long FirstSegmentAddress = 1L << 40;

    private static readonly Comparer<AllocatorBlock> BySizeThenAddress = Comparer<AllocatorBlock>.Create((a, b) =>
        a.Size != b.Size ? a.Size.CompareTo(b.Size) : a.Address.CompareTo(b.Address));

    private readonly SortedSet<AllocatorBlock> smallPool = new(BySizeThenAddress);
    private readonly SortedSet<AllocatorBlock> largePool = new(BySizeThenAddress);
    private readonly Dictionary<long, AllocatorBlock> allocated = new();
    private readonly List<AllocatorBlock> segmentHeads = new();
    private long nextSegmentAddress = FirstSegmentAddress;

    /// <param name="capacity">
    /// The bytes cudaMalloc can hand out in all (the card's free memory after the context and other processes);
    /// null for no limit.
    /// </param>
    public CachingAllocatorSimulator(long? capacity = null)
    {
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), "A capacity is not negative.");
        Capacity = capacity;
    }

    /// <summary>The bytes cudaMalloc can hand out in all, or null for no limit.</summary>
    public long? Capacity { get; }

    /// <summary>Bytes of the blocks held by tensors (<c>torch.cuda.memory_allocated</c>), rounded block sizes.</summary>
    public long Allocated { get; private set; }

    /// <summary>Bytes the tensors asked for, before rounding.</summary>
    public long Requested { get; private set; }

    /// <summary>Bytes of the segments cudaMalloc'd and not released (<c>torch.cuda.memory_reserved</c>).</summary>
    public long Reserved { get; private set; }

    /// <summary>The largest <see cref="Allocated"/> since the start or <see cref="ResetPeaks"/> (<c>max_memory_allocated</c>).</summary>
    public long PeakAllocated { get; private set; }

    /// <summary>The largest <see cref="Requested"/> since the start or <see cref="ResetPeaks"/>.</summary>
    public long PeakRequested { get; private set; }

    /// <summary>The largest <see cref="Reserved"/> since the start or <see cref="ResetPeaks"/> (<c>max_memory_reserved</c>).</summary>
    public long PeakReserved { get; private set; }

    /// <summary>How many allocations failed with out-of-memory after releasing the cache and retrying.</summary>
    public int OutOfMemoryCount { get; private set; }

    /// <summary>How many segments are reserved now.</summary>
    public int SegmentCount => segmentHeads.Count;

    /// <summary>
    /// Allocates a block for <paramref name="requested"/> bytes and returns its address, or null when the device is
    /// out of memory even after the cache is released. A request of 0 bytes takes no block (address 0), as in PyTorch.
    /// </summary>
    /// <param name="requested">The bytes the tensor asks for.</param>
    /// <param name="segmentAddress">
    /// The address cudaMalloc returns if this allocation needs a new segment (replaying a recorded trace); by default
    /// segments take increasing addresses. The address decides ties between equally sized cached blocks.
    /// </param>
    public long? Allocate(long requested, long? segmentAddress = null)
    {
        if (requested < 0) throw new ArgumentOutOfRangeException(nameof(requested), "A request is not negative.");
        if (requested == 0) return 0;
        var size = CachingAllocatorRules.RoundSize(requested);
        var pool = PoolFor(size);
        var block = BestFit(pool, size) ?? NewSegment(size, segmentAddress);
        if (block is null)
        {
            OutOfMemoryCount++;
            return null;
        }
        pool.Remove(block);
        if (CachingAllocatorRules.Splits(block.Size, size)) Split(block, size, pool);
        block.Allocated = true;
        block.Requested = requested;
        allocated.Add(block.Address, block);
        Allocated += block.Size;
        Requested += requested;
        PeakAllocated = Math.Max(PeakAllocated, Allocated);
        PeakRequested = Math.Max(PeakRequested, Requested);
        return block.Address;
    }

    /// <summary>Frees the block at <paramref name="address"/>: it stays cached, merged with free neighbours.</summary>
    public void Free(long address)
    {
        if (address == 0) return;
        if (!allocated.TryGetValue(address, out var block))
            throw new ArgumentException($"No block is allocated at 0x{address:x}.", nameof(address));
        allocated.Remove(address);
        Allocated -= block.Size;
        Requested -= block.Requested;
        block.Allocated = false;
        block.Requested = 0;
        var pool = block.Small ? smallPool : largePool;
        block = MergeWithNext(MergeWithPrevious(block, pool), pool);
        pool.Add(block);
    }

    /// <summary>Releases every cached segment no tensor uses (<c>torch.cuda.empty_cache</c>).</summary>
    public void EmptyCache()
    {
        foreach (var head in segmentHeads.Where(b => b.IsWholeSegment && !b.Allocated).ToList()) Release(head);
    }

    /// <summary>Starts the peaks again from the current figures (<c>torch.cuda.reset_peak_memory_stats</c>).</summary>
    public void ResetPeaks()
    {
        PeakAllocated = Allocated;
        PeakRequested = Requested;
        PeakReserved = Reserved;
    }

    /// <summary>
    /// Adds a segment that is already reserved, with its blocks in address order (replaying a trace that starts from a
    /// snapshot): allocated blocks count their size as both allocated and requested.
    /// </summary>
    public void AddSegment(long address, IReadOnlyList<(long Size, bool Allocated)> blocks)
    {
        if (blocks.Count == 0) throw new ArgumentException("A segment has at least one block.", nameof(blocks));
        var total = blocks.Sum(b => b.Size);
        var small = total == CachingAllocatorRules.SmallBuffer; // large-pool segments are 10 MiB or more
        AllocatorBlock? previous = null;
        var at = address;
        foreach (var (size, isAllocated) in blocks)
        {
            var block = new AllocatorBlock(at, size, small) { Previous = previous };
            if (previous is null) segmentHeads.Add(block);
            else previous.Next = block;
            if (isAllocated)
            {
                block.Allocated = true;
                block.Requested = size;
                allocated.Add(at, block);
                Allocated += size;
                Requested += size;
            }
            else (small ? smallPool : largePool).Add(block);
            previous = block;
            at += size;
        }
        Reserved += total;
        nextSegmentAddress = Math.Max(nextSegmentAddress, at);
        ResetPeaks();
    }

    private SortedSet<AllocatorBlock> PoolFor(long size) => CachingAllocatorRules.IsSmall(size) ? smallPool : largePool;

    /// <summary>The smallest cached block of the pool that holds the size; among equal sizes the lowest address.</summary>
    private static AllocatorBlock? BestFit(SortedSet<AllocatorBlock> pool, long size)
    {
        if (pool.Max is not { } largest || largest.Size < size) return null;
        var probe = new AllocatorBlock(long.MinValue, size, small: false);
        return pool.GetViewBetween(probe, largest).Min;
    }

    /// <summary>
    /// cudaMalloc's a segment for the block; when the device has no room, releases every cached whole segment and
    /// tries once more, as the allocator does before it reports out-of-memory.
    /// </summary>
    private AllocatorBlock? NewSegment(long size, long? address)
    {
        var segment = CachingAllocatorRules.SegmentSize(size);
        if (!Fits(segment))
        {
            EmptyCache();
            if (!Fits(segment)) return null;
        }
        var at = address ?? nextSegmentAddress;
        nextSegmentAddress = Math.Max(nextSegmentAddress, at + segment);
        var block = new AllocatorBlock(at, segment, CachingAllocatorRules.IsSmall(size));
        segmentHeads.Add(block);
        Reserved += segment;
        PeakReserved = Math.Max(PeakReserved, Reserved);
        return block;
    }

    private bool Fits(long segment) => Capacity is not { } capacity || Reserved + segment <= capacity;

    private void Release(AllocatorBlock head)
    {
        (head.Small ? smallPool : largePool).Remove(head);
        segmentHeads.Remove(head);
        Reserved -= head.Size;
    }

    /// <summary>The block keeps its address and the size asked for; the rest becomes a cached block after it.</summary>
    private static void Split(AllocatorBlock block, long size, SortedSet<AllocatorBlock> pool)
    {
        var rest = new AllocatorBlock(block.Address + size, block.Size - size, block.Small)
        {
            Previous = block,
            Next = block.Next,
        };
        if (block.Next is { } next) next.Previous = rest;
        block.Next = rest;
        block.Size = size;
        pool.Add(rest);
    }

    private static AllocatorBlock MergeWithPrevious(AllocatorBlock block, SortedSet<AllocatorBlock> pool)
    {
        if (block.Previous is not { Allocated: false } previous) return block;
        pool.Remove(previous);
        previous.Size += block.Size;
        previous.Next = block.Next;
        if (block.Next is { } next) next.Previous = previous;
        return previous;
    }

    private static AllocatorBlock MergeWithNext(AllocatorBlock block, SortedSet<AllocatorBlock> pool)
    {
        if (block.Next is not { Allocated: false } next) return block;
        pool.Remove(next);
        block.Size += next.Size;
        block.Next = next.Next;
        if (next.Next is { } after) after.Previous = block;
        return block;
    }
}
