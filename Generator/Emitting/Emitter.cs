using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Scriban;
using Scriban.Runtime;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Emitting;

/// <summary>
/// <see cref="ModelSpec"/> → C# text, through a Scriban template parsed once. This file turns the spec's values into C#
/// tokens (literals, numbers); every construct of the output is in Templates/MemoryProfile.scriban.
/// </summary>
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
            ["kernel_profile"] = Literal(spec.Settings.Kernels.ToString()),
            ["peaks_follow_kernels"] = spec.PeaksFollowKernels,
            ["loss"] = spec.Settings.LossDeclared ? spec.Settings.Loss.ToString() : null,
            ["trainable_only"] = spec.Settings.OptimizerTrainableOnly,
            ["loss_output"] = spec.Settings.LossOutput == 0 ? null : spec.Settings.LossOutput.ToString(CultureInfo.InvariantCulture),
            ["further_inputs"] = spec.Settings.FurtherInputs.Select(input => new ScriptObject
            {
                ["position"] = input.Position.ToString(CultureInfo.InvariantCulture),
                ["shape"] = string.Join(", ", input.Shape.Select(Long)),
                ["dtype"] = input.DType.ToString(),
                ["sequence_dimensions"] = input.SequenceDimensions.Count == 0 ? null : string.Join(", ", input.SequenceDimensions),
            }).ToList(),
            ["forward_arguments"] = spec.Settings.ForwardArgumentTexts.Count == 0 ? null : string.Join(", ", spec.Settings.ForwardArgumentTexts),
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
                ["kernel"] = layer.Kernel is null ? "null" : Literal(layer.Kernel),
                ["first_call"] = layer.FirstCall is { } call ? call.ToString(CultureInfo.InvariantCulture) : "null",
                ["subtree"] = layer.Subtree is not { } subtree ? null : new ScriptObject
                {
                    ["parameter_count"] = NullableLong(subtree.ParameterCount) ?? "null",
                    ["trainable_parameter_count"] = NullableLong(subtree.TrainableParameterCount) ?? "null",
                    ["activation_bytes_per_sample"] = NullableLong(subtree.ActivationBytesPerSample) ?? "null",
                    ["multiply_accumulates_per_sample"] = NullableLong(subtree.MultiplyAccumulatesPerSample) ?? "null",
                },
            }).ToList(),
            ["multiply_accumulates_per_sample"] = NullableLong(spec.MultiplyAccumulatesPerSample) ?? "null",
            ["parametric"] = spec.Parametric is { } parametric ? ParametricText.Model(parametric) : null,
            ["sequence"] = spec.Sequence is { } sequence ? SequenceText.Model(sequence) : null,
            ["sequence_dimensions"] = string.Join(", ", spec.Settings.SequenceDimensions),
            ["sequence_length"] = NullableLong(spec.Settings.SequenceLength),
            ["output_shape"] = spec.Memory?.OutputShape is { } shape ? Literal(shape) : "null",
            ["memory"] = spec.Memory is not { } memory ? null : new ScriptObject
            {
                ["parameter_bytes"] = Long(memory.ParameterBytes),
                ["buffer_bytes"] = Long(memory.BufferBytes),
                ["gradient_bytes"] = Long(memory.GradientBytes),
                ["optimizer_state_bytes"] = Long(memory.OptimizerStateBytes),
                ["unregistered_bytes"] = memory.UnregisteredBytes == 0 ? null : Long(memory.UnregisteredBytes),
                ["input_bytes_per_sample"] = Long(memory.InputBytesPerSample),
                ["activations"] = Formula(memory.Activations),
                ["peak_lines"] = Formulas(memory.PeakLines),
                ["peak_at_batch_one"] = NullableLong(memory.PeakAtBatchOne) ?? "null",
                ["activations_at_batch_one"] = NullableLong(memory.ActivationsAtBatchOne) ?? "null",
                ["larger_batch_peaks"] = Regimes(memory.LargerBatchPeaks),
                ["inference"] = memory.Inference is { } inference ? Inference(inference) : null,
            },
        };
        // LoopLimit 0: Scriban stops a loop at 1,000 iterations by default, and a model can have more layers than that.
        // The template's loops run over the spec's own lists, which are finite.
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = member => member.Name, LoopLimit = 0 };
        context.PushGlobal(model);
        return MemoryProfileTemplate.Render(context).Replace("\r\n", "\n");
    }

    /// <summary>The larger-batch regimes (the template writes null for none).</summary>
    private static List<ScriptObject> Regimes(EquatableArray<PeakRegime> regimes) =>
        regimes.Select(r => new ScriptObject { ["from_batch"] = Long(r.FromBatch), ["lines"] = Formulas(r.Lines) }).ToList();

    private static ScriptObject Inference(InferenceMemory inference) => new()
    {
        ["input_bytes_per_sample"] = Long(inference.InputBytesPerSample),
        ["activations"] = Formula(inference.Activations),
        ["peak_lines"] = Formulas(inference.PeakLines),
        ["peak_at_batch_one"] = NullableLong(inference.PeakAtBatchOne) ?? "null",
        ["larger_batch_peaks"] = Regimes(inference.LargerBatchPeaks),
        ["activations_at_batch_one"] = NullableLong(inference.ActivationsAtBatchOne) ?? "null",
    };

    private static string Indent(int depth) => new(' ', 4 * depth);

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>A byte count's terms for the template's formula: Constant + PerSample × B, then each page-rounded buffer.</summary>
    private static ScriptObject? Formula(ByteCount? bytes) => bytes is not { } known ? null : new ScriptObject
    {
        ["constant"] = Long(known.PinConstant()),
        ["per_sample"] = Long(known.PinPerSample()),
        ["rounded"] = known.Rounded.Select(r => new ScriptObject
        {
            ["constant"] = Long(r.Constant),
            ["per_sample"] = Long(r.PerSample),
            ["granule"] = Long(r.Granule),
            ["times"] = r.Times.ToString(CultureInfo.InvariantCulture),
        }).ToList(),
    };

    private static List<ScriptObject?>? Formulas(EquatableArray<ByteCount>? lines) => lines?.Select(l => Formula(l)).ToList();

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
