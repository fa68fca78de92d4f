using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Model;

/// <summary>
/// The peak's lines from <paramref name="FromBatch"/> samples on (up to the next regime): some layer runs other kernels
/// there (oneDNN's RNN books one time step's scratch gates from batch 128). Absolute bytes, like Memory.PeakLines.
/// </summary>
internal sealed record PeakRegime(long FromBatch, EquatableArray<ByteCount> Lines);
