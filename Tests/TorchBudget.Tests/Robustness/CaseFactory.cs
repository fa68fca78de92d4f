using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TorchBudget.Tests.Generator;
using TorchBudget.Tests.Zoo;

namespace TorchBudget.Tests.Robustness;

/// <summary>
/// Makes case <c>i</c> of a run from the run's seed alone (each case has its own <see cref="Random"/>), so one case
/// can be remade without the others. About two thirds mutate a real zoo model read from the repository; the rest
/// are <see cref="HandwrittenModules"/>, as written (with random sizes) or mutated too. A few cases lose the
/// TorchSharp reference, and some set odd project-wide options.
/// </summary>
internal sealed class CaseFactory
{
    /// <summary>ResNet18 and SmallResNet build <c>BasicBlock</c>, declared in its own file (a sample model the zoo links).</summary>
    private const string SharedZooFile = "BasicBlock.cs";

    /// <summary>The zoo's global using of the samples' namespace, which BasicBlock lives in.</summary>
    private const string SampleNamespaceFile = "SampleModels.cs";

    private static readonly Regex SizeHole = new("«S»", RegexOptions.Compiled);
    private static readonly Regex CountHole = new("«N»", RegexOptions.Compiled);

    private readonly int seed;
    private readonly IReadOnlyList<CaseSource> zoo;

    public CaseFactory(int seed)
    {
        this.seed = seed;
        zoo = ZooSources.Files()
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new CaseSource(Path.GetFileName(path), File.ReadAllText(path)))
            .ToList();
        if (zoo.Count < 20) throw new InvalidOperationException($"Expected the zoo's model sources, found {zoo.Count} files (ZooSources).");
    }

    public int ZooFileCount => zoo.Count;

    public RobustnessCase Create(int index)
    {
        var caseSeed = unchecked(seed * 7919 + index);
        var random = new Random(caseSeed);
        var (name, sources) = random.Next(3) < 2 ? FromZoo(random) : FromHandwritten(random);
        var referencesTorchSharp = random.Next(25) != 0;
        var options = random.Next(8) == 0 ? RandomGlobalOptions(random) : new Dictionary<string, string>();
        return new RobustnessCase(index, $"seed {caseSeed}, {name}", sources, referencesTorchSharp, options);
    }

    private (string, IReadOnlyList<CaseSource>) FromZoo(Random random)
    {
        var target = zoo[random.Next(zoo.Count)];
        var (description, text) = SourceMutator.Mutate(target.Text, random);
        var companion = target.Path == SharedZooFile ? zoo.Single(z => z.Path == "SmallResNet.cs") : zoo.Single(z => z.Path == SharedZooFile);
        var sources = new List<CaseSource> { target with { Text = text }, companion };
        if (target.Path != SampleNamespaceFile) sources.Add(zoo.Single(z => z.Path == SampleNamespaceFile));
        return ($"zoo {target.Path}: {description}", sources);
    }

    private static (string, IReadOnlyList<CaseSource>) FromHandwritten(Random random)
    {
        var (name, files) = HandwrittenModules.All[random.Next(HandwrittenModules.All.Length)];
        var sources = files.Select((text, i) => new CaseSource($"Hand{i}.cs", TestCompilation.Usings + Fill(text, random))).ToList();
        if (random.Next(2) == 0) return ($"handwritten '{name}' as written", sources);
        var target = random.Next(sources.Count);
        var (description, mutated) = SourceMutator.Mutate(sources[target].Text, random);
        sources[target] = sources[target] with { Text = mutated };
        return ($"handwritten '{name}', {sources[target].Path}: {description}", sources);
    }

    private static string Fill(string template, Random random)
    {
        var sized = SizeHole.Replace(template, _ => MutationPools.Sizes[random.Next(MutationPools.Sizes.Length)]);
        return CountHole.Replace(sized, _ => MutationPools.Counts[random.Next(MutationPools.Counts.Length)]);
    }

    private static Dictionary<string, string> RandomGlobalOptions(Random random) =>
        MutationPools.GlobalOptions
            .Where(_ => random.Next(2) == 0)
            .ToDictionary(option => option.Key, option => option.Values[random.Next(option.Values.Length)]);
}
