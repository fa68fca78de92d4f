using System.Collections.Generic;
using System.Globalization;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Losses;

/// <summary>Plays a <see cref="LossRule"/>'s allocation sequence over the live bytes of the step.</summary>
internal static class LossSequence
{
    /// <summary>
    /// Adds each token's bytes to <paramref name="live"/> in order, and a peak line to <paramref name="terms"/> at every
    /// allocation; returns what is live after the last token (the output's gradient G included).
    /// </summary>
    public static ByteCount Play(string tokens, ByteCount live, ByteCount output, int elementSize, List<ByteCount> terms)
    {
        foreach (var token in tokens.Split(' '))
        {
            var bytes = token.Substring(1) switch
            {
                "Y" or "G" => output,
                "s" => new ByteCount(elementSize, 0),
                var number => new ByteCount(long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture), 0),
            };
            if (token[0] == '+')
            {
                live = live.Plus(bytes);
                terms.Add(live);
            }
            else live = live.Plus(bytes.Negate());
        }
        return live;
    }
}
