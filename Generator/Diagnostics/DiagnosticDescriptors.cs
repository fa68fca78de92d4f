using System.Linq;
using Microsoft.CodeAnalysis;

namespace TorchBudget.Generator.Diagnostics;

/// <summary>Every TorchBudget diagnostic. IDs are public API: never renumber.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "TorchBudget";

    private static string HelpLink(string id) => $"https://github.com/TorchBudget/TorchBudget/blob/main/docs/diagnostics/{id}.md";

    public static readonly DiagnosticDescriptor OverBudget = new(
        id: "TBG001",
        title: "Training peak over the memory budget",
        messageFormat: "'{0}' at batch size {1} peaks at {2} in training, over {3} ({4:0%} of the budget {5}): {7}; " +
            "the largest batch that fits is {6}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The predicted peak of one training step exceeds SafetyFactor × the declared budget.",
        helpLinkUri: HelpLink("TBG001"));

    public static readonly DiagnosticDescriptor OversizedLayer = new(
        id: "TBG002",
        title: "Oversized layer",
        messageFormat: "Layer '{0}' ({1}) of '{2}' has {3} parameters, more than {4} "
            + "(set TorchBudgetMaxLayerParameters or torchbudget.max_layer_parameters to change the threshold)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "One layer holds more parameters than the threshold (default 50,000,000): "
            + "a likely sizing mistake, e.g. a Linear after a flatten of a large feature map.",
        helpLinkUri: HelpLink("TBG002"));

    public static readonly DiagnosticDescriptor ShapeMismatch = new(
        id: "TBG003",
        title: "Shape mismatch",
        messageFormat: "{0} (in '{1}'): this call fails at run time",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The shape the analysis follows through forward contradicts the layer: TorchSharp would throw here.",
        helpLinkUri: HelpLink("TBG003"));

    public static readonly DiagnosticDescriptor CannotAnalyze = new(
        id: "TBG004",
        title: "TorchBudget cannot analyze this construct",
        messageFormat: "TorchBudget cannot analyze this: {0}; the report of '{1}' is incomplete",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generator does not print a guess as a fact: "
            + "counts that depend on this construct are left out and MemoryReport.IsComplete is false.",
        helpLinkUri: HelpLink("TBG004"));

    public static readonly DiagnosticDescriptor InvalidAttributeArguments = new(
        id: "TBG005",
        title: "Invalid TorchBudget attribute arguments",
        messageFormat: "Invalid [{0}] on '{1}': {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("TBG005"));

    public static readonly DiagnosticDescriptor NotProfilable = new(
        id: "TBG006",
        title: "[MemoryProfile] class cannot be profiled",
        messageFormat: "[MemoryProfile] on '{0}' has no effect: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("TBG006"));

    public static readonly DiagnosticDescriptor ComponentsNotRegistered = new(
        id: "TBG007",
        title: "Module fields are never registered",
        messageFormat: "'{0}' never calls RegisterComponents(): TorchSharp registers none of its fields ({1}), "
            + "so parameters() leaves them out and the optimizer never trains them; their bytes are in the Unregistered row",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("TBG007"));

    public static readonly DiagnosticDescriptor SuspiciousCall = new(
        id: "TBG008",
        title: "A call that runs, but likely not as meant",
        messageFormat: "{0} (in '{1}')",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp accepts the call, but with the shapes the analysis follows it does something else than its name suggests "
            + "(a spatial dropout on an input without a batch dimension drops whole samples). The report models what it really does.",
        helpLinkUri: HelpLink("TBG008"));

    public static readonly DiagnosticDescriptor ProfileInputMismatch = new(
        id: "TBG009",
        title: "The profile's input does not fit the model",
        messageFormat: "The [MemoryProfile] input {0} does not fit '{1}': {2}; give the shape (and InputDType) of one real sample, or fix that layer",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The first call that takes the profile's input (or a view of it) rejects it: "
            + "either the attribute describes another input than the model takes, or that layer is wrong. "
            + "The memory rows are unknown; the counts stay.",
        helpLinkUri: HelpLink("TBG009"));

    public static readonly DiagnosticDescriptor UnmeasuredTorchSharp = new(
        id: "TBG010",
        title: "TorchSharp version the memory rules were not measured on",
        messageFormat: "The memory table of '{0}' is unknown: {1}; the counts are kept",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Every memory rule was measured against TorchSharp 0.107's real allocations. "
            + "Another version may run other kernels and save other tensors, so its memory rows would be a guess printed as a fact.",
        helpLinkUri: HelpLink("TBG010"));

    public static readonly DiagnosticDescriptor EvalModeShapeMismatch = new(
        id: "TBG011",
        title: "A call that fails in eval mode only",
        messageFormat: "{0} (in '{1}'): this call fails after model.eval() (inference), though the training step runs",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "In eval mode dropout returns its input as it is, where training mode made a new contiguous tensor: "
            + "a view that only training's layout allows fails at inference. The inference table is unknown.",
        helpLinkUri: HelpLink("TBG011"));

    public static readonly DiagnosticDescriptor LossDoesNotFitOutput = new(
        id: "TBG012",
        title: "The training step's loss cannot take the model's output",
        messageFormat: "'{0}' returns {1}, but {2}: {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The memory table describes one training step: forward, the loss named by Loss on [MemoryProfile] "
            + "(cross_entropy by default), backward, the optimizer step. When that loss cannot take what forward returns, "
            + "the step's peak is unknown. Name the loss the model is trained with.",
        helpLinkUri: HelpLink("TBG012"));

    public static readonly DiagnosticDescriptor TensorsOutsideRegistration = new(
        id: "TBG013",
        title: "Layers kept where RegisterComponents() does not look",
        messageFormat: "'{0}' keeps layers or tensors in '{1}' ({2} elements) where RegisterComponents() does not look: "
            + "parameters() leaves them out, so the optimizer never trains them and .to() never moves them; "
            + "their bytes and gradients are in the Unregistered row. Hold layers in a ModuleList or ModuleDict to register them.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp's RegisterComponents() registers fields that hold a Module, a Parameter or a Tensor; a List<T>, an "
            + "array, a dictionary or a plain object holding them is skipped (measured on 0.107). Their tensors still take memory, "
            + "and backward gives each trainable one a .grad that zero_grad() never clears: the report counts them in the "
            + "Unregistered row and the peak.",
        helpLinkUri: HelpLink("TBG013"));

    public static readonly DiagnosticDescriptor BatchFirstToSequenceFirst = new(
        id: "TBG014",
        title: "A batch-first input to a sequence-first attention layer",
        messageFormat: "{0} (in '{1}')",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp 0.107's MultiheadAttention and Transformer layers take [sequence, batch, feature]; there is no "
            + "batch_first. Fed [B, T, E], they treat the batch as the sequence: every sample attends to every other, the "
            + "attention weights grow as B², and the model is wrong. The report follows what the layer really does.",
        helpLinkUri: HelpLink("TBG014"));

    public static readonly DiagnosticDescriptor InternalError = new(
        id: "TBG900",
        title: "TorchBudget internal error",
        messageFormat: "TorchBudget failed while analyzing '{0}': {1}. Please report this; the build goes on without its generated members.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("TBG900"));

    /// <summary>Every descriptor the analyzers report (the generator reports only TBG900).</summary>
    public static readonly System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> All = System.Collections.Immutable.ImmutableArray.Create(
        OverBudget, OversizedLayer, ShapeMismatch, CannotAnalyze, InvalidAttributeArguments, NotProfilable, ComponentsNotRegistered,
        SuspiciousCall, ProfileInputMismatch, UnmeasuredTorchSharp, EvalModeShapeMismatch, LossDoesNotFitOutput,
        TensorsOutsideRegistration, BatchFirstToSequenceFirst, InternalError);

    public static DiagnosticDescriptor? Find(string id) => All.FirstOrDefault(d => d.Id == id);
}
