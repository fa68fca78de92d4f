using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Measurement;

/// <summary>
/// The measurement harness against facts (tensor sizes, behaviour measured and explained in
/// shared/notes/memory-facts.md), never against TorchBudget's predictions: if these fail, the
/// tracker or the app is wrong, or TorchSharp changed.
/// </summary>
public class MeasurementTests
{
    private readonly ITestOutputHelper output;

    public MeasurementTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void ATensorOfAThousandFloatsIsFourThousandBytes()
    {
        var probes = MeasurementApp.Probes();
        Assert.Equal(4_000, probes["zeros1000"]);
        Assert.Equal(4_000, probes["zeros1000Tensor"]);
        Assert.Equal(0, probes["zeros1000AfterDispose"]);
        Assert.Equal(8_000, probes["zeros1000Float64"]);
    }

    [Fact]
    public void SequentialKeepsOnlyWhatAutogradNeedsAfterForward()
    {
        // Sequential(Flatten, Linear(784,128), ReLU, Linear(128,10)) at batch 64: the ReLU result
        // (64 x 128 x 4) for backward and the output (64 x 10 x 4).
        Assert.Equal(35_328, MeasurementApp.Probes()["sequentialMlpAfterForward"]);
    }

    [Fact]
    public void AdamAllocatesTwiceTheParameterBytesWhenCreated()
    {
        var probes = MeasurementApp.Probes();
        Assert.Equal(407_080, probes["adamParameterBytes"]);
        Assert.Equal(2 * probes["adamParameterBytes"], probes["adamConstruction"]);
    }

    [Fact]
    public void SimpleCnnKeepsEveryIntermediateUntilTheScopeEnds()
    {
        var step = MeasureAndLog("SimpleCnn", 64);

        Assert.Null(step.Error);
        Assert.Equal(62_006 * 4, step.Parameters);
        // Every conv/relu/pool/fc output in float32 plus the Int64 pool indices: 71,016 bytes a sample.
        Assert.Equal(4_545_024, step.ActivationsAfterForward);
        Assert.Equal(64 * 71_016, step.ActivationsAfterForward);
        Assert.Equal(step.Parameters, step.Gradients);
        Assert.Equal(2 * step.Parameters, step.OptimizerState);
        Assert.Equal(64 * 3 * 32 * 32 * 4 + 64 * 8, step.Input);
    }

    [Fact]
    public void ACustomForwardKeepsEachModulesOutput()
    {
        // MnistMlp's own forward chains flatten, fc1, relu, fc2 at batch 64: every module's output
        // stays in the scope (fc1 and relu 64 x 128 x 4 each, fc2 64 x 10 x 4; flatten is a view).
        var step = MeasureAndLog("MnistMlp", 64);
        Assert.Equal(64 * (128 + 128 + 10) * 4, step.ActivationsAfterForward);
        Assert.Equal(68_096, step.ActivationsAfterForward);
    }

    [Fact]
    public void ASequentialModelKeepsOnlyWhatAutogradNeeds()
    {
        // CifarMlp wraps the same layers (3072 -> 128 -> 10) in a Sequential, which disposes the
        // intermediates it created: the ReLU result and the output stay.
        var step = MeasureAndLog("CifarMlp", 64);
        Assert.Equal(64 * (128 + 10) * 4, step.ActivationsAfterForward);
        Assert.Equal(35_328, step.ActivationsAfterForward);
    }

    [Theory]
    [InlineData("MnistMlp")]
    [InlineData("BatchNormCnn")]
    [InlineData("SharedLayerNet")]
    [InlineData("FrozenFeatureExtractor")]
    public void TheBooksBalance(string model)
    {
        var step = MeasureAndLog(model, 2);

        // Steady state: the step leaves nothing behind, and nothing grows from step to step.
        Assert.Equal(0, step.LeftAfterStep);
        Assert.Equal(0, step.SteadyStateDrift);
        // What stays between steps is the model, the input, the gradients and the optimizer state.
        Assert.Equal(0, step.ResidentUnexplained);
        Assert.Equal(step.Parameters + step.Buffers, step.ModelTracked);
        Assert.Equal(step.LiveBeforeStep + step.Peak, step.PeakAbsolute);
        Assert.Equal(step.ActivationsAfterForward, step.Timeline["afterForward"]);
        Assert.Equal(step.Peak, step.PhasePeaks.Values.Max());
        Assert.True(step.Peak >= step.ActivationsAfterForward);
    }

    [Theory]
    [InlineData("None", 0, 0)]
    [InlineData("Sgd", 0, 0)]
    [InlineData("SgdMomentum", 0, 1)]   // momentum_buffer, created by the first step()
    [InlineData("Adam", 2, 0)]          // exp_avg, exp_avg_sq, created with the optimizer
    [InlineData("AdamW", 2, 0)]
    [InlineData("AdamAmsgrad", 3, 0)]   // + max_exp_avg_sq
    [InlineData("RMSprop", 3, 0)]       // square_avg, momentum_buffer and grad_avg, even unused
    [InlineData("Adagrad", 1, 0)]       // sum
    public void OptimizerStateIsAMultipleOfTheParameters(string optimizer, int atConstruction, int atFirstStep)
    {
        var step = MeasuredStep.Measure("MnistMlp", 2, "Float32", optimizer);

        Assert.Equal(atConstruction * step.Parameters, step.OptimizerStateAtConstruction);
        Assert.Equal(atFirstStep * step.Parameters, step.OptimizerStateAtFirstStep);
        Assert.Equal(step.Parameters, step.Gradients);
    }

    [Fact]
    public void DTypeScalesParametersAndActivations()
    {
        var single = MeasuredStep.Measure("MnistMlp", 2, "Float32", "Adam");
        var twice = MeasuredStep.Measure("MnistMlp", 2, "Float64", "Adam");

        Assert.Equal(2 * single.Parameters, twice.Parameters);
        Assert.Equal(2 * single.ActivationsAfterForward, twice.ActivationsAfterForward);
    }

    [Fact]
    public void ANonClassifierOutputIsMeasuredWithTheLossItsProfileDeclares()
    {
        // ConvDecoder's images train with Loss = Mse: the whole step runs, backward included.
        var step = MeasureAndLog("ConvDecoder", 2);

        Assert.Null(step.Error);
        Assert.Equal(4, step.OutputShape.Length);
        Assert.True(step.ActivationsAfterForward > 0);
        Assert.True(step.Gradients > 0);
    }

    /// <summary>A Float32 Adam step, its JSON in the test's output.</summary>
    private MeasuredStep MeasureAndLog(string model, long batch)
    {
        var step = MeasuredStep.Measure(model, batch);
        output.WriteLine(JsonSerializer.Serialize(step, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return step;
    }

    [Fact]
    public void TheAppRefusesToMeasureWithoutTheTracker()
    {
        var (exitCode, _, error) = MeasurementApp.RunRaw(preload: false, "probes");
        Assert.Equal(3, exitCode);
        Assert.Contains("LD_PRELOAD", error);
    }
}
