using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchBudget.Generator.Diagnostics;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;

using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Parsing;

/// <summary>Reads and validates <c>[MemoryProfile(...)]</c>; every problem becomes a TBG005 at the argument.</summary>
internal sealed class ProfileAttribute
{
    private static readonly ImmutableArray<long> DefaultBatchSizes = ImmutableArray.Create(1L, 16L, 64L, 256L);

    private ProfileAttribute(ProfileSettings settings, IReadOnlyList<Value> arguments, IReadOnlyList<Value> forwardArguments,
        IReadOnlyList<DiagnosticInfo> diagnostics, LocationInfo? location, string? factory)
    {
        Factory = factory;
        Settings = settings;
        Arguments = arguments;
        ForwardArguments = forwardArguments;
        Diagnostics = diagnostics;
        Location = location;
    }

    public ProfileSettings Settings { get; }

    /// <summary>The constructor arguments from <c>Arguments = new object[] { ... }</c>.</summary>
    public IReadOnlyList<Value> Arguments { get; }

    /// <summary>The static method named by <c>Factory</c>, which builds the module instead of a constructor; null for none.</summary>
    public string? Factory { get; }

    /// <summary>forward's non-tensor arguments from <c>ForwardArguments = new object[] { ... }</c>, by position.</summary>
    public IReadOnlyList<Value> ForwardArguments { get; }

    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }

    public LocationInfo? Location { get; }

    /// <param name="kernels">A profile that overrides the attribute's (tests).</param>
    /// <param name="projectKernels">The project's (MSBuild's TorchBudgetKernels), where the attribute names none.</param>
    public static ProfileAttribute Read(AttributeData attribute, string className, KernelProfile? kernels = null,
        KernelProfile? projectKernels = null)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
        var location = LocationInfo.From(syntax);
        var diagnostics = new List<DiagnosticInfo>();
        void Invalid(string message, SyntaxNode? at) =>
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArguments.Id, LocationInfo.From(at) ?? location,
                new[] { "MemoryProfile", className, message }.ToEquatableArray()));

        var inputShape = attribute.ConstructorArguments.Length == 1 ? Longs(attribute.ConstructorArguments[0]) : null;
        if (inputShape is null) Invalid("the input shape must be constant long values", syntax);
        else if (inputShape.Value.Length == 0)
            Invalid("the input shape is empty: give one sample's shape without the batch dimension, e.g. [MemoryProfile(1, 28, 28)]", syntax);
        else if (inputShape.Value.Any(d => d <= 0))
            Invalid($"input shape dimensions must be positive, got ({string.Join(", ", inputShape.Value)})", syntax);
        else if (!FitsALong(inputShape.Value))
            Invalid($"one sample of shape ({string.Join(", ", inputShape.Value)}) has more elements than a 64-bit count holds", syntax);

        ScalarType dtype = ScalarType.Float32, inputDType = ScalarType.Float32;
        var optimizer = "Adam";
        var loss = Losses.LossKind.CrossEntropy;
        var batchSizes = DefaultBatchSizes;
        var arguments = new List<Value>();
        var forwardArguments = new List<Value>();
        var trainableOnly = false;
        var lossOutput = 0;
        string? factory = null;
        var forwardTexts = new List<string>();
        var sequenceDimensions = ImmutableArray<int>.Empty;
        foreach (var named in attribute.NamedArguments)
        {
            var at = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
            switch (named.Key)
            {
                // An invalid setting stops the analysis (the diagnostic), so the value kept for it is never used.
                case "DType":
                    var modelType = ScalarTypes.Parse(EnumName(named.Value));
                    if (modelType is not { } floating || !floating.IsFloating())
                        Invalid($"DType must be Float32, Float64, Float16 or BFloat16, got {modelType?.ToString() ?? "?"}", at);
                    else dtype = floating;
                    break;
                case "InputDType":
                    var inputType = ScalarTypes.Parse(EnumName(named.Value));
                    if (inputType is not { } supported || !IsInputType(supported))
                    {
                        Invalid($"InputDType {inputType?.ToString() ?? "?"} is not supported", at);
                    }
                    else inputDType = supported;
                    break;
                case "Optimizer":
                    optimizer = EnumName(named.Value) ?? "?";
                    if (optimizer == "?") Invalid("Optimizer is not a known OptimizerKind", at);
                    break;
                case "Loss":
                    if (System.Enum.TryParse<Losses.LossKind>(EnumName(named.Value), out var kind)) loss = kind;
                    else Invalid("Loss is not a known LossKind", at);
                    break;
                case "OptimizerParameters":
                    if (EnumName(named.Value) is "All" or "Trainable") trainableOnly = EnumName(named.Value) == "Trainable";
                    else Invalid("OptimizerParameters is not a known OptimizerParameters", at);
                    break;
                case "Factory":
                    if (named.Value.Value is string { Length: > 0 } method) factory = method;
                    else Invalid("Factory must name a static parameterless method, e.g. Factory = nameof(CreateForProfile)", at);
                    break;
                case "LossOutput":
                    if (named.Value.Value is int index && index >= 0) lossOutput = index;
                    else Invalid("LossOutput must be a non-negative constant int", at);
                    break;
                case "SequenceDimensions":
                    if (SequenceDimensions(named.Value, inputShape ?? ImmutableArray<long>.Empty, out var problem) is { } dims)
                        sequenceDimensions = dims;
                    else Invalid(problem!, at);
                    break;
                case "BatchSizes":
                    var sizes = Longs(named.Value);
                    if (sizes is null || sizes.Value.Length == 0) Invalid("BatchSizes must be a non-empty list of constant longs", at);
                    else if (sizes.Value.Any(b => b <= 0)) Invalid($"batch sizes must be positive, got ({string.Join(", ", sizes.Value)})", at);
                    else batchSizes = sizes.Value;
                    break;
                case "Arguments":
                    if (named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                        arguments.AddRange(named.Value.Values.Select(FromTypedConstant));
                    else if (!named.Value.IsNull) Invalid("Arguments must be an object[] of constants", at);
                    break;
                case "Kernels":
                    if (KernelProfile.Parse(named.Value.Value as string) is { } requested) kernels ??= requested;
                    else Invalid($"Kernels must be \"AVX-512\" or \"AVX2\", optionally with \", N threads\" (1 to 1,024), " +
                        $"got \"{named.Value.Value}\"", at);
                    break;
                case "ForwardArguments":
                    if (named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                    {
                        forwardArguments.AddRange(named.Value.Values.Select(FromTypedConstant));
                        forwardTexts.AddRange(named.Value.Values.Select(v => v.IsNull ? "null" : v.ToCSharpString()));
                    }
                    else if (!named.Value.IsNull) Invalid("ForwardArguments must be an object[] of constants", at);
                    break;
            }
        }
        var settings = new ProfileSettings((inputShape ?? ImmutableArray<long>.Empty).ToEquatableArray(), dtype, inputDType, optimizer,
            batchSizes.ToEquatableArray())
        {
            Kernels = kernels ?? projectKernels ?? KernelProfile.Measured, Loss = loss,
            LossDeclared = attribute.NamedArguments.Any(a => a.Key == "Loss"),
            ForwardArgumentTexts = forwardTexts.ToEquatableArray(), OptimizerTrainableOnly = trainableOnly, LossOutput = lossOutput,
            SequenceDimensions = sequenceDimensions.ToEquatableArray(),
        };
        if (factory is not null && arguments.Count > 0) Invalid("give either Arguments or a Factory, not both", syntax);
        return new ProfileAttribute(settings, arguments, forwardArguments, diagnostics, location, factory);
    }

    /// <summary>
    /// <c>SequenceDimensions</c>: distinct indices into <paramref name="shape"/> whose sizes are one length; else null
    /// with the problem.
    /// </summary>
    internal static ImmutableArray<int>? SequenceDimensions(TypedConstant constant, ImmutableArray<long> shape, out string? problem)
    {
        problem = null;
        var dims = Longs(constant);
        if (dims is null || dims.Value.Length == 0)
            problem = "SequenceDimensions must be a non-empty list of constant ints, e.g. SequenceDimensions = new[] { 0 }";
        else if (dims.Value.FirstOrDefault(d => d < 0 || d >= shape.Length) is var beyond && (beyond < 0 || beyond >= shape.Length))
            problem = $"SequenceDimensions names dimension {beyond}, but one sample's shape ({string.Join(", ", shape)}) has {shape.Length}";
        else if (dims.Value.Distinct().Count() != dims.Value.Length) problem = "SequenceDimensions names a dimension twice";
        else if (dims.Value.Select(d => shape[(int)d]).Distinct().Count() != 1)
            problem = $"the sequence dimensions must have one length, got ({string.Join(", ", dims.Value.Select(d => shape[(int)d]))})";
        return problem is null ? dims!.Value.Select(d => (int)d).ToImmutableArray() : null;
    }

    /// <summary>The element types an input batch can have here (complex and quantized tensors are not followed).</summary>
    internal static bool IsInputType(ScalarType type) =>
        type is not (ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 or ScalarType.QInt8 or ScalarType.QUInt8 or ScalarType.QInt32);

    /// <summary>The forward analysis multiplies the dimensions out (checked); no real tensor has more than long.MaxValue elements.</summary>
    internal static bool FitsALong(ImmutableArray<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim > long.MaxValue / count) return false;
            count *= dim;
        }
        return true;
    }

    internal static ImmutableArray<long>? Longs(TypedConstant constant)
    {
        if (constant.Kind != TypedConstantKind.Array || constant.IsNull) return null;
        var values = ImmutableArray.CreateBuilder<long>();
        foreach (var item in constant.Values)
        {
            if (item.Value is null || item.Kind != TypedConstantKind.Primitive) return null;
            try { values.Add(System.Convert.ToInt64(item.Value, System.Globalization.CultureInfo.InvariantCulture)); }
            catch (System.Exception e) when (e is System.OverflowException or System.FormatException or System.InvalidCastException) { return null; }
        }
        return values.ToImmutable();
    }

    internal static string? EnumName(TypedConstant constant) =>
        constant.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } type && constant.Value is { } raw
            ? type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, raw))?.Name
            : null;

    private static Value FromTypedConstant(TypedConstant constant)
    {
        if (constant.IsNull) return NullValue.Instance;
        switch (constant.Kind)
        {
            case TypedConstantKind.Array:
                return new ListValue(constant.Values.Select(FromTypedConstant).ToList());
            case TypedConstantKind.Enum when constant.Type is INamedTypeSymbol enumType:
                var raw = System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
                var member = enumType.GetMembers().OfType<IFieldSymbol>()
                    .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value));
                return new EnumValue(enumType.Name, member?.Name, raw);
            case TypedConstantKind.Primitive:
                return constant.Value switch
                {
                    bool flag => BoolValue.Of(flag),
                    string text => new StringValue(text),
                    char c => new StringValue(c.ToString()),
                    float or double => new RealValue(System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture)),
                    ulong big when big > long.MaxValue => new UnknownValue($"{big} does not fit a long", null),
                    { } number => new IntValue(System.Convert.ToInt64(number, System.Globalization.CultureInfo.InvariantCulture)),
                    null => NullValue.Instance,
                };
            default:
                return new UnknownValue($"an attribute argument of kind {constant.Kind}", null);
        }
    }
}
