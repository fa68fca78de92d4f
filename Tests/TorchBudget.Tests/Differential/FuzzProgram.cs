using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchBudget.Tests.Differential;

/// <summary>One generated program: a [MemoryProfile] module class, the op families it uses and the batch it is checked at.</summary>
internal sealed record FuzzProgram(string Name, string Source, IReadOnlyList<string> Families, long Batch)
{
    /// <summary>
    /// The profiled length where the program marks its input's first sample dimension as the sequence
    /// (<see cref="Create(int, int, bool)"/> with sequence: true); null otherwise.
    /// </summary>
    public long? SequenceLength { get; init; }

    /// <summary>
    /// The program of <paramref name="index"/> in the run of <paramref name="seed"/>: an input of rank 1 to 3 (besides the
    /// batch), two to seven ops drawn from <see cref="FuzzOps"/>, the batch brought first, a Linear head.
    /// </summary>
    /// <param name="sequence">
    /// Also mark the input's first sample dimension as the sequence, end in a Linear over the last dimension with an MSE
    /// loss (a head over the flattened features would fix T), and so check the report at other lengths too. The program's
    /// random draws are the same either way.
    /// </param>
    public static FuzzProgram Create(int seed, int index, bool sequence = false)
    {
        var random = new Random(unchecked(seed * 7919 + index * 104729));
        var name = $"Fuzz{seed}_{index:D5}";
        var builder = new ProgramBuilder(name, random);
        var rank = 1 + random.Next(3);
        var input = Enumerable.Range(0, rank).Select(_ => builder.Pick(new long[] { 1, 2, 3, 4, 5, 6, 8, 12, 16 })).ToArray();
        // Large enough that the few scalar bytes of a step (the loss, Adam's step counts) stay far below 1% of its peak.
        if (input.Aggregate(1L, (a, d) => a * d) < 16) input[^1] *= 8;
        builder.Tensors.Add(new FuzzTensor("x", new[] { ProgramBuilder.Batch }.Concat(input).ToArray()));
        var steps = 2 + random.Next(6);
        // Most models start with a layer, so that what follows needs gradients.
        if (random.NextDouble() < 0.7) FuzzOps.All.First(o => o.Family == "linear").Apply(builder);
        for (var step = 0; step < steps && builder.Current.Features <= 4096; step++)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                if (builder.Pick(FuzzOps.All).Apply(builder)) break;
            }
        }
        FuzzOps.Finish(builder);
        var batch = builder.Pick(builder.NeedsBatchAbove1 ? new long[] { 2, 3, 5, 8 } : new long[] { 1, 2, 3, 5, 8 });
        return new FuzzProgram(name, builder.Source(input, 2 + random.Next(4), sequence), builder.Families.ToList(), batch)
        {
            SequenceLength = sequence ? input[0] : null,
        };
    }
}
