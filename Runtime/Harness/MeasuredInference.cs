using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchBudget.Harness.Measuring;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// What one inference pass really used (see <see cref="MemoryReport.ForInference"/>): <c>model.eval()</c>, then inside
/// a DisposeScope and <c>no_grad</c>, <c>forward(x)</c>; the second pass is measured (the first warms oneDNN's caches).
/// The resident parts by tensor accounting, forward's own additions by the device's meter.
/// </summary>
internal sealed record MeasuredInference(long ParameterBytes, long BufferBytes, long UnregisteredBytes, long InputBytes, long ActivationBytes,
    long ForwardPeakAdded)
{
    /// <summary>
    /// The most bytes live at once during forward: parameters, buffers, the tensors registration leaves out (without
    /// gradients: an inference pass makes none), the input and what forward added.
    /// </summary>
    public long Peak => checked(ParameterBytes + BufferBytes + UnregisteredBytes + InputBytes + ForwardPeakAdded);

    /// <summary>
    /// Runs the pass twice and measures the second. The model must be on <paramref name="device"/> already.
    /// <paramref name="progress"/> hears of each pass when it ends.
    /// </summary>
    public static MeasuredInference Run(ModelCall model, Device device, long batchSize, IMemoryMeter meter, Action<string>? progress = null)
    {
        var inputs = model.Inputs(device, batchSize);
        try
        {
            return Run(model, inputs, meter, batchSize, progress);
        }
        finally
        {
            foreach (var input in inputs) input.Dispose();
        }
    }

    private static MeasuredInference Run(ModelCall model, IReadOnlyList<Tensor> inputs, IMemoryMeter meter, long batchSize,
        Action<string>? progress)
    {
        model.Module.eval();
        long activations = 0, peakAdded = 0;
        for (var pass = 1; pass <= 2; pass++)
        {
            var liveAtStart = meter.Live;
            meter.ResetPeak();
            var clock = Stopwatch.StartNew();
            using (torch.NewDisposeScope())
            using (torch.no_grad())
            {
                model.Forward(inputs);
                activations = meter.Live - liveAtStart;
            }
            peakAdded = meter.Peak - liveAtStart;
            progress?.Invoke((pass == 1 ? "warm-up inference pass" : "measured inference pass") +
                $" (batch {batchSize:N0}) done in {ProgressText.Seconds(clock.Elapsed)}");
        }
        return new MeasuredInference(TensorBytes.Of(model.Module.parameters()), TensorBytes.Of(model.Module.buffers()),
            UnregisteredTensorScan.Of(model.Module).Tensors, TensorBytes.Of(inputs), activations, peakAdded);
    }
}
