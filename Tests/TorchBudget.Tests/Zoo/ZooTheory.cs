using System;
using Xunit;

namespace TorchBudget.Tests.Zoo;

/// <summary>Every zoo model as theory rows: <c>[MemberData(nameof(ZooTheory.Models), MemberType = typeof(ZooTheory))]</c>.</summary>
public static class ZooTheory
{
    public static TheoryData<Type> Models()
    {
        var models = new TheoryData<Type>();
        foreach (var model in ZooModels.Types) models.Add(model);
        return models;
    }
}
