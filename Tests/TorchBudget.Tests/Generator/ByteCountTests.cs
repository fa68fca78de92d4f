using TorchBudget.Generator.Shapes;
using Xunit;

namespace TorchBudget.Tests.Generator;

// The runtime has a public RoundedBytes too; these tests are about the generator's.
using RoundedBytes = TorchBudget.Generator.Shapes.RoundedBytes;

/// <summary>The generator's byte arithmetic with page-rounded buffers: freeing what was allocated cancels exactly.</summary>
public class ByteCountTests
{
    private static readonly RoundedBytes Workspace = RoundedBytes.Pages(0, 3_000);

    [Fact]
    public void Allocating_and_freeing_a_paged_buffer_leaves_nothing()
    {
        var live = new ByteCount(10, 20).Plus(ByteCount.Of(Workspace));
        var freed = live.Plus(ByteCount.Of(Workspace).Negate());
        Assert.Equal(new ByteCount(10, 20), freed);
        Assert.True(freed.IsLinear);
    }

    [Fact]
    public void The_same_buffer_twice_is_counted_twice_and_other_buffers_apart()
    {
        var twice = ByteCount.Of(Workspace).Plus(ByteCount.Of(Workspace)).Plus(ByteCount.Of(RoundedBytes.Pages(4_096, 0)));
        Assert.Equal(2, twice.Rounded.Count);
        // B = 2: 6,000 → 8,192 twice; 4,096 once.
        Assert.Equal(2 * 8_192 + 4_096, twice.At(2));
    }
}
