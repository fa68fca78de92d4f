using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// index_select(dim, index) and gather(dim, index): new tensors (the dimension as long as the index; the index's shape),
/// the index kept for backward, whose zeros of the input's size take the gradient by index_add_ / scatter_add_. Indices
/// made in forward (arange, zeros) or kept as a buffer, Int64 and Int32, on contiguous and transposed inputs. Compiled
/// and run for real: every row equals the allocation counter at batch 1 and another.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class IndexSelectGatherTests(ITestOutputHelper output)
{
    private static readonly string Template =
        OpModel.Template(width: 12, headFeatures: 24, fields: "private readonly Tensor rows = torch.arange(0, 6, 3);");

    [Theory]
    [InlineData("IndexSelectFeatures", "var y = h.index_select(2, torch.arange(0, 12, 3)).relu();", 3)]
    [InlineData("IndexSelectBufferRows", "var y = h.index_select(1, rows);", 2)]
    [InlineData("IndexSelectInt32", "var y = torch.index_select(h, -1, torch.arange(0, 12, 3, dtype: ScalarType.Int32)).tanh();", 4)]
    [InlineData("GatherFeatures", "var y = h.gather(2, torch.zeros(h.shape[0], 6, 4, dtype: ScalarType.Int64)).sigmoid();", 3)]
    [InlineData("GatherRows", "var y = h.gather(1, torch.zeros(h.shape[0], 2, 12, dtype: ScalarType.Int64));", 5)]
    public void Every_row_matches_the_counter(string name, string statements, long batch)
    {
        OpModel.AssertExact(output, Template, name, statements, batch, "index_select/gather");
    }

    /// <summary>
    /// Of a strided input ATen's kernels hold more while they run (index_select of a transposed [B, 12, 6]: 176 B per
    /// sample above the rows, measured): both peaks are unknown, every other row exact.
    /// </summary>
    [Theory]
    [InlineData("IndexSelectTransposed", "var y = h.transpose(1, 2).index_select(1, torch.arange(1, 12, 3)) * 3;", 3)]
    [InlineData("GatherTransposed", "var y = h.transpose(1, 2).gather(1, torch.zeros(h.shape[0], 4, 6, dtype: ScalarType.Int64));", 2)]
    public void Strided_inputs_leave_the_peaks_unknown(string name, string statements, long batch)
    {
        OpModel.AssertExact(output, Template, name, statements, batch, "index_select/gather", new[] { "Peak", "Inference Peak" });
    }
}
