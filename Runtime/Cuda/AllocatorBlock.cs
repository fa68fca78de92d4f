namespace TorchBudget.Cuda;

/// <summary>
/// A piece of a cudaMalloc'd segment: allocated to a tensor or cached. The blocks of a segment are a doubly linked
/// list in address order, as the caching allocator keeps them, so a freed block can merge with free neighbours.
/// </summary>
internal sealed class AllocatorBlock
{
    public AllocatorBlock(long address, long size, bool small)
    {
        Address = address;
        Size = size;
        Small = small;
    }

    public long Address { get; set; }

    public long Size { get; set; }

    /// <summary>The bytes the tensor asked for, before rounding; 0 while cached.</summary>
    public long Requested { get; set; }

    public bool Allocated { get; set; }

    /// <summary>The pool the block belongs to: fixed by the segment it was cut from.</summary>
    public bool Small { get; }

    public AllocatorBlock? Previous { get; set; }

    public AllocatorBlock? Next { get; set; }

    /// <summary>A block that is its segment entire: the only kind a cache release hands back to CUDA.</summary>
    public bool IsWholeSegment => Previous is null && Next is null;
}
