using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using TorchBudget.Samples.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// Issue #2: what the generator emits for each zoo model must equal what TorchSharp itself reports
/// for the constructed model. The generated members are read by reflection so that this file
/// compiles whether or not the generator has emitted them yet.
/// </summary>
public class ZooParameterCountTests
{
    private const BindingFlags PublicStatic = BindingFlags.Public | BindingFlags.Static;

    private readonly ITestOutputHelper output;

    public ZooParameterCountTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void GeneratedConstantsEqualTorchSharpsCounts(Type model)
    {
        using var module = ZooModels.Create(model);
        var (total, trainable) = Count(module);
        output.WriteLine($"{model.Name}: parameters() = {total:N0}, with requires_grad = {trainable:N0}, "
            + $"buffer elements = {module.buffers().Sum(b => b.numel()):N0}");

        Assert.Equal(total, GeneratedConstant(model, "ParameterCount"));
        Assert.Equal(trainable, GeneratedConstant(model, "TrainableParameterCount"));
    }

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void GeneratedReportAgreesWithTorchSharp(Type model)
    {
        using var module = ZooModels.Create(model);
        var (total, trainable) = Count(module);
        var buffers = module.buffers().Sum(b => b.numel());

        var property = model.GetProperty("MemoryReport", PublicStatic);
        Assert.True(property is not null, $"generator emitted no MemoryReport on {model.Name}");
        var report = Assert.IsType<MemoryReport>(property!.GetValue(null));

        Assert.Equal(model.Name, report.ModelName);
        Assert.Equal(ZooModels.Profile(model).InputShape, report.InputShape);
        Assert.Equal(ZooModels.Profile(model).InputDType, report.InputDType);
        Assert.Equal(total, report.ParameterCount);
        Assert.Equal(trainable, report.TrainableParameterCount);
        Assert.Equal(buffers, report.BufferElements);
        Assert.True(report.ParameterCount is not null, $"{model.Name}'s parameter counts are incomplete: {string.Join("; ", report.Notes)}");

        // Layers: every module of named_modules(), in its order, each with its own parameters.
        var modules = module.named_modules().ToList();
        Assert.Equal(modules.Select(m => m.name), report.Layers.Select(l => l.Name));
        foreach (var (layer, (name, sub)) in report.Layers.Zip(modules))
        {
            var own = sub.parameters(recurse: false).ToList();
            if (layer.ParameterCount is { } count)
                Assert.True(own.Sum(p => p.numel()) == count,
                    $"{model.Name}.{name}: report says {count} parameters, TorchSharp {own.Sum(p => p.numel())}");
            if (layer.TrainableParameterCount is { } trainableCount)
                Assert.True(own.Where(p => p.requires_grad).Sum(p => p.numel()) == trainableCount,
                    $"{model.Name}.{name}: trainable parameters differ");
        }
    }

    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void ForwardRunsOnABatchOfTwo(Type model)
    {
        using var module = ZooModels.Create(model);
        using var scope = torch.NewDisposeScope();
        var input = ZooModels.Input(model, batch: 2);

        var result = module.forward(input);

        output.WriteLine($"{model.Name}: [{string.Join(", ", input.shape)}] {input.dtype} -> [{string.Join(", ", result.shape)}]");
        Assert.Equal(2, result.shape[0]);
        Assert.False(result.isnan().any().item<bool>(), $"{model.Name} produced NaN");
    }

    /// <summary>The tests' factories must build what the attribute's Arguments describe.</summary>
    [Theory]
    [MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]
    public void FactoryMatchesTheAttributesArguments(Type model)
    {
        using var fromFactory = ZooModels.Create(model);
        using var fromAttribute = ZooModels.CreateFromAttribute(model);

        Assert.Equal(Count(fromFactory), Count(fromAttribute));
        Assert.Equal(
            fromFactory.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))),
            fromAttribute.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))));
    }

    [Fact]
    public void EveryProfiledModelIsInTheZoo()
    {
        // The models written for the parametric formulas are checked at many constructor arguments by ParametricFormulaTests.
        var parametric = new[] { typeof(StackedMlp), typeof(WidthScaledConvNet), typeof(DepthScaledConvNet) };
        var profiled = typeof(ZooModels).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<MemoryProfileAttribute>() is not null)
            .Except(parametric)
            .ToHashSet();

        Assert.True(ZooModels.Types.Count() >= 18, "the zoo needs at least 18 models");
        Assert.Equal(profiled.OrderBy(t => t.Name), ZooModels.Types.OrderBy(t => t.Name));
    }

    /// <summary>Published figures, checked against TorchSharp so the zoo's models are the real ones.</summary>
    [Theory]
    [InlineData(typeof(MnistMlp), 101_770L)]
    [InlineData(typeof(SimpleCnn), 62_006L)]
    [InlineData(typeof(ResNet18), 11_689_512L)]    // torchvision resnet18
    [InlineData(typeof(Vgg11), 132_863_336L)]      // torchvision vgg11
    public void ZooModelsHaveTheirPublishedSizes(Type model, long published)
    {
        using var module = ZooModels.Create(model);
        Assert.Equal(published, Count(module).Total);
    }

    [Fact]
    public void FrozenModelsHaveFewerTrainableParameters()
    {
        foreach (var model in new[] { typeof(FrozenFeatureExtractor), typeof(FrozenEmbeddingClassifier) })
        {
            using var module = ZooModels.Create(model);
            var (total, trainable) = Count(module);
            Assert.True(trainable > 0 && trainable < total, $"{model.Name}: {trainable} of {total} trainable");
        }
    }

    [Fact]
    public void SharedLayerIsCountedOnce()
    {
        using var module = new SharedLayerNet();
        var modules = module.named_modules().Select(m => m.module).ToList();
        var distinct = modules.Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module>().ToList();

        Assert.True(modules.Count > distinct.Count, "the shared Linear should be registered more than once");
        Assert.Equal(distinct.Sum(m => m.parameters(recurse: false).Sum(p => p.numel())), Count(module).Total);
    }

    private static (long Total, long Trainable) Count(nn.Module module)
    {
        var parameters = module.parameters().ToList();
        return (parameters.Sum(p => p.numel()), parameters.Where(p => p.requires_grad).Sum(p => p.numel()));
    }

    private static long GeneratedConstant(Type model, string name)
    {
        var field = model.GetField(name, PublicStatic);
        Assert.True(field is not null, $"generator emitted no {name} on {model.Name}");
        Assert.True(field!.IsLiteral && field.FieldType == typeof(long), $"{model.Name}.{name} should be a const long");
        return (long)field.GetRawConstantValue()!;
    }
}
