using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace TorchBudget.Tests.Generator;

/// <summary>
/// Outside float32, CPU convolution runs ATen's im2col path, whose buffers the layer table models only for the
/// cases measured (Float64 Conv1d/Conv2d/Conv3d/ConvTranspose1d/2d, groups 1, no dilation, zero padding). Every other case
/// keeps the Peak unknown, and the note says why. (The bytes are checked against the tracker in
/// Float64TableTests and MemoryTableTests.)
/// </summary>
public class ConvolutionIm2colTests
{
    private static string Report(string dtype, string layer, string input = "3, 16, 16") =>
        TestCompilation.Generate(TestCompilation.Create(TestCompilation.Usings + $$"""
        namespace Probe
        {
            [MemoryProfile({{input}}, DType = ScalarType.{{dtype}}, InputDType = ScalarType.{{dtype}}, Optimizer = OptimizerKind.Sgd)]
            public partial class ConvNet : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> conv = {{layer}};
                private readonly Module<Tensor, Tensor> head = Sequential(AdaptiveAvgPool{{(input.Count(c => c == ',') == 1 ? "1"
                    : input.Count(c => c == ',') == 2 ? "2" : "3")}}d(1), Flatten(), Linear(8, 10, dtype: ScalarType.{{dtype}}));

                public ConvNet() : base(nameof(ConvNet)) => RegisterComponents();

                public override Tensor forward(Tensor x) => head.forward(conv.forward(x));
            }
        }
        """)).Generated.Single();

    private static bool HasPeak(string report) => GeneratedFormulas.Of(report, "peakLines") is not null;

    private static string PeakNote(string report) => Regex.Match(report, "\"(Peak is unknown:[^\"]*)\"").Groups[1].Value;

    [Theory]
    [InlineData("Conv2d(3, 8, 3, padding: 1, dtype: ScalarType.Float64)", "3, 16, 16")]
    [InlineData("Conv2d(3, 8, 5, stride: 2, bias: false, dtype: ScalarType.Float64)", "3, 16, 16")]
    [InlineData("Conv2d(3, 8, 1, dtype: ScalarType.Float64)", "3, 16, 16")]
    [InlineData("Conv1d(3, 8, 80, stride: 16, dtype: ScalarType.Float64)", "3, 400")]
    [InlineData("ConvTranspose2d(3, 8, 4, stride: 2, padding: 1, dtype: ScalarType.Float64)", "3, 8, 8")]
    [InlineData("ConvTranspose1d(3, 8, 4, stride: 2, padding: 1, dtype: ScalarType.Float64)", "3, 8")]
    [InlineData("Conv3d(3, 8, 3, padding: 1, dtype: ScalarType.Float64)", "3, 6, 6, 6")]
    public void A_measured_Float64_convolution_gets_a_peak(string layer, string input)
    {
        var report = Report("Float64", layer, input);
        Assert.Equal("", PeakNote(report));
        Assert.True(HasPeak(report));
    }

    [Theory]
    [InlineData("Float64", "Conv2d(4, 8, 3, groups: 2, dtype: ScalarType.Float64)", "4, 16, 16", "groups = 2")]
    [InlineData("Float64", "Conv2d(3, 8, 3, dilation: 2, dtype: ScalarType.Float64)", "3, 16, 16", "dilated")]
    [InlineData("Float64", "Conv3d(3, 8, 1, dtype: ScalarType.Float64)", "3, 6, 6, 6", "1×1×1 Conv3d")]
    [InlineData("Float64", "ConvTranspose3d(3, 8, 3, dtype: ScalarType.Float64)", "3, 6, 6, 6", "3-d transposed")]
    [InlineData("Float64", "Conv2d(3, 8, 3, padding: Padding.Same, dtype: ScalarType.Float64)", "3, 16, 16", "padding: Same")]
    [InlineData("Float64", "ConvTranspose2d(3, 8, 3, stride: 2, output_padding: 1, dtype: ScalarType.Float64)", "3, 8, 8", "output_padding")]
    [InlineData("BFloat16", "Conv2d(3, 8, 3, dtype: ScalarType.BFloat16)", "3, 16, 16", "oneDNN")]
    [InlineData("Float16", "Conv2d(3, 8, 3, dtype: ScalarType.Float16)", "3, 16, 16", "Float64 and Float32 only")]
    public void An_unmeasured_case_keeps_the_peak_unknown_and_says_why(string dtype, string layer, string input, string why)
    {
        var report = Report(dtype, layer, input);
        Assert.False(HasPeak(report));
        Assert.Contains(why, PeakNote(report), System.StringComparison.Ordinal);
    }
}
