using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Scriban;
using Scriban.Runtime;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Emitting;

/// <summary><see cref="ModelSpec"/> → C# text, through a Scriban template parsed once.</summary>
internal static class Emitter
{
    private static readonly Template MemoryProfileTemplate = LoadTemplate("MemoryProfile.scriban");

    public static string Emit(ModelSpec spec)
    {
        var depth = spec.Target.Namespace is null ? 0 : 1;
        var model = new ScriptObject
        {
            ["class_name"] = spec.Target.ClassName,
            ["namespace"] = spec.Target.Namespace,
            ["headers"] = spec.Target.TypeHeaders.Select((text, i) => new ScriptObject { ["text"] = text, ["indent"] = Indent(depth + i) }).ToList(),
            ["indent"] = Indent(depth + spec.Target.TypeHeaders.Count),
            ["model_name"] = Literal(spec.Target.ClassName),
            ["input_shape"] = string.Join(", ", spec.Settings.InputShape.Select(Long)),
            ["dtype"] = spec.Settings.DType.ToString(),
            ["input_dtype"] = spec.Settings.InputDType.ToString(),
            ["optimizer"] = spec.Settings.Optimizer,
            ["batch_sizes"] = string.Join(", ", spec.Settings.BatchSizes.Select(Long)),
            ["parameter_count"] = NullableLong(spec.ParameterCount),
            ["trainable_parameter_count"] = NullableLong(spec.TrainableParameterCount),
            ["buffer_elements"] = NullableLong(spec.BufferElements),
            ["is_complete"] = spec.IsComplete,
            ["notes"] = spec.Notes.Select(Literal).ToList(),
            ["layers"] = spec.Layers.Select(layer => new ScriptObject
            {
                ["name"] = Literal(layer.Name),
                ["kind"] = Literal(layer.Kind),
                ["parameter_count"] = NullableLong(layer.ParameterCount) ?? "null",
                ["trainable_parameter_count"] = NullableLong(layer.TrainableParameterCount) ?? "null",
                ["buffer_elements"] = NullableLong(layer.BufferElements) ?? "null",
                ["output_shape"] = layer.OutputShape is null ? "null" : Literal(layer.OutputShape),
                ["activation_bytes_per_sample"] = NullableLong(layer.ActivationBytesPerSample) ?? "null",
                ["multiply_accumulates_per_sample"] = NullableLong(layer.MultiplyAccumulatesPerSample) ?? "null",
                ["input_shape"] = layer.InputShape is null ? "null" : Literal(layer.InputShape),
                ["input_element_type"] = layer.InputElementType is null ? "null" : Literal(layer.InputElementType),
            }).ToList(),
            ["multiply_accumulates_per_sample"] = NullableLong(spec.MultiplyAccumulatesPerSample) ?? "null",
            ["parametric"] = spec.Parametric is { } parametric ? ParametricText.Model(parametric, spec.Target.ClassName) : null,
            ["output_shape"] = spec.Memory?.OutputShape is { } shape ? Literal(shape) : "null",
            ["memory"] = spec.Memory is not { } memory ? null : new ScriptObject
            {
                ["parameter_bytes"] = Long(memory.ParameterBytes),
                ["buffer_bytes"] = Long(memory.BufferBytes),
                ["gradient_bytes"] = Long(memory.GradientBytes),
                ["optimizer_state_bytes"] = Long(memory.OptimizerStateBytes),
                ["input_bytes_per_sample"] = Long(memory.InputBytesPerSample),
                ["activations"] = memory.Activations is { } activations ? Formula(activations) : "null",
                ["peak_lines"] = memory.PeakLines is { } lines
                    ? "new global::TorchBudget.ByteFormula[] { " + string.Join(", ", lines.Select(Formula)) + " }"
                    : "null",
                ["peak_at_batch_one"] = NullableLong(memory.PeakAtBatchOne) ?? "null",
                ["activations_at_batch_one"] = NullableLong(memory.ActivationsAtBatchOne) ?? "null",
                ["larger_batch_peaks"] = Regimes(memory.LargerBatchPeaks),
                ["inference"] = memory.Inference is { } inference ? Inference(inference) : "null",
            },
        };
        // LoopLimit 0: Scriban stops a loop at 1,000 iterations by default, and a model can have more layers than that.
        // The template's loops run over the spec's own lists, which are finite.
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = member => member.Name, LoopLimit = 0 };
        context.PushGlobal(model);
        return MemoryProfileTemplate.Render(context).Replace("\r\n", "\n");
    }

    private static string Regimes(EquatableArray<PeakRegime> regimes) => regimes.Count == 0 ? "null"
        : "new global::TorchBudget.PeakRegime[] { " + string.Join(", ", regimes.Select(r =>
            $"new global::TorchBudget.PeakRegime({Long(r.FromBatch)}, "
                + $"new global::TorchBudget.ByteFormula[] {{ {string.Join(", ", r.Lines.Select(Formula))} }})")) + " }";

    private static string Inference(InferenceMemory inference) =>
        "new global::TorchBudget.InferenceModel(" + Long(inference.InputBytesPerSample)
        + ", " + (inference.Activations is { } activations ? Formula(activations) : "null")
        + ", " + (inference.PeakLines is { } lines
            ? "new global::TorchBudget.ByteFormula[] { " + string.Join(", ", lines.Select(Formula)) + " }"
            : "null")
        + ", " + (NullableLong(inference.PeakAtBatchOne) ?? "null")
        + ", " + Regimes(inference.LargerBatchPeaks)
        + ", " + (NullableLong(inference.ActivationsAtBatchOne) ?? "null") + ")";

    private static string Indent(int depth) => new(' ', 4 * depth);

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>A byte count as the runtime's formula: Constant + PerSample × B, then each page-rounded buffer.</summary>
    private static string Formula(ByteCount bytes) =>
        "new global::TorchBudget.ByteFormula(" + Long(bytes.PinConstant()) + ", " + Long(bytes.PinPerSample())
        + string.Concat(bytes.Rounded.Select(r =>
            $", new global::TorchBudget.RoundedBytes({Long(r.Constant)}, {Long(r.PerSample)}, {Long(r.Granule)}, "
                + $"{r.Times.ToString(CultureInfo.InvariantCulture)})"))
        + ")";

    private static string? NullableLong(long? value) => value is { } v ? Long(v) : null;

    private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    private static Template LoadTemplate(string name)
    {
        using var stream = typeof(Emitter).Assembly.GetManifestResourceStream("TorchBudget.Templates." + name)
            ?? throw new FileNotFoundException("Embedded template missing", name);
        using var reader = new StreamReader(stream);
        var template = Template.Parse(reader.ReadToEnd(), name);
        if (template.HasErrors) throw new InvalidDataException($"{name}: {string.Join("; ", template.Messages)}");
        return template;
    }
}
