using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// The zoo's models and how the tests and the measurement app build them: a factory per model,
/// written with the same constructor arguments as the model's <see cref="MemoryProfileAttribute.Arguments"/>.
/// </summary>
public static class ZooModels
{
    private static readonly Dictionary<Type, Func<nn.Module<Tensor, Tensor>>> Factories = new()
    {
        [typeof(MnistMlp)] = () => new MnistMlp(),
        [typeof(SimpleCnn)] = () => new SimpleCnn(),
        [typeof(CifarMlp)] = () => new CifarMlp(),
        [typeof(LeNet5)] = () => new LeNet5(),
        [typeof(ResNet18)] = () => new ResNet18(),
        [typeof(SmallResNet)] = () => new SmallResNet(new long[] { 2, 2, 2 }, 16),
        [typeof(Vgg11)] = () => new Vgg11(),
        [typeof(LstmTextClassifier)] = () => new LstmTextClassifier(),
        [typeof(GruTagger)] = () => new GruTagger(5000, 64, 96, 17),
        [typeof(GruClassifier)] = () => new GruClassifier(),
        [typeof(TransformerEncoderClassifier)] = () => new TransformerEncoderClassifier(8000, 128),
        [typeof(BatchNormCnn)] = () => new BatchNormCnn(),
        [typeof(GroupNormCnn)] = () => new GroupNormCnn(),
        [typeof(CrossAttention)] = () => new CrossAttention(),
        [typeof(SharedLayerNet)] = () => new SharedLayerNet(),
        [typeof(FrozenFeatureExtractor)] = () => new FrozenFeatureExtractor(),
        [typeof(NormalizedInputNet)] = () => new NormalizedInputNet(),
        [typeof(M5Audio)] = () => new M5Audio(1, 35),
        [typeof(ConvDecoder)] = () => new ConvDecoder(),
        [typeof(BagOfWordsBilinear)] = () => new BagOfWordsBilinear(3000),
        [typeof(RecurrentCellNet)] = () => new RecurrentCellNet(),
        [typeof(StyleNormNet)] = () => new StyleNormNet(),
        [typeof(ResidualMlp)] = () => new ResidualMlp(64, 1.5),
        [typeof(FrozenEmbeddingClassifier)] = () => new FrozenEmbeddingClassifier(),
        [typeof(Float64Mlp)] = () => new Float64Mlp(),
        [typeof(Float64ConvNet)] = () => new Float64ConvNet(),
        [typeof(Float64VolumeNet)] = () => new Float64VolumeNet(),
        [typeof(HandWrittenAttention)] = () => new HandWrittenAttention(),
        [typeof(SpatialDropoutCnn)] = () => new SpatialDropoutCnn(),
    };

    /// <summary>Every zoo model, in the list's order.</summary>
    public static IEnumerable<Type> Types => Factories.Keys;

    public static nn.Module<Tensor, Tensor> Create(Type model) => Factories[model]();

    /// <summary>The zoo model of that class name (ordinal, case-insensitive).</summary>
    public static Type Find(string name) =>
        Factories.Keys.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no zoo model named {name}; the zoo has {string.Join(", ", Factories.Keys.Select(t => t.Name))}",
            nameof(name));

    public static MemoryProfileAttribute Profile(Type model) =>
        model.GetCustomAttribute<MemoryProfileAttribute>()
        ?? throw new InvalidOperationException($"{model.Name} has no [MemoryProfile]");

    /// <summary>
    /// Builds the model the way the attribute describes it: its Arguments, positional, converted to
    /// the parameter types, the omitted trailing parameters taking their declared defaults.
    /// </summary>
    public static nn.Module<Tensor, Tensor> CreateFromAttribute(Type model)
    {
        var arguments = Profile(model).Arguments;
        foreach (var constructor in model.GetConstructors())
        {
            var parameters = constructor.GetParameters();
            if (arguments.Length > parameters.Length) continue;
            if (parameters.Skip(arguments.Length).Any(p => !p.HasDefaultValue)) continue;

            var values = new object?[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                values[i] = i < arguments.Length
                    ? Convert(arguments[i], parameters[i].ParameterType)
                    : parameters[i].DefaultValue;
            }
            return (nn.Module<Tensor, Tensor>)constructor.Invoke(values);
        }
        throw new InvalidOperationException($"no constructor of {model.Name} takes the attribute's {arguments.Length} arguments");
    }

    private static object? Convert(object? value, Type target) =>
        value is IConvertible && target.IsPrimitive && value.GetType() != target
            ? System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture)
            : value;

    /// <summary>
    /// A batch of the attribute's input shape: random floats, or token ids below 10 (every zoo
    /// vocabulary is larger) for Int64 inputs.
    /// </summary>
    public static Tensor Input(Type model, long batch)
    {
        var profile = Profile(model);
        var shape = new[] { batch }.Concat(profile.InputShape).ToArray();
        return profile.InputDType switch
        {
            ScalarType.Int64 or ScalarType.Int32 => torch.randint(0, 10, shape, dtype: profile.InputDType),
            _ => torch.randn(shape, dtype: profile.InputDType),
        };
    }
}
