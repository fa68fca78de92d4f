using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// README says mixed precision is not modeled because TorchSharp 0.107 has no autocast and no GradScaler. This keeps
/// that sentence true: if a TorchSharp update brings them, this fails and the table must learn them.
/// </summary>
public class MixedPrecisionAbsenceTests
{
    [Fact]
    public void TorchSharp_has_no_autocast_and_no_grad_scaler()
    {
        var names = typeof(torch).Assembly.GetTypes().Select(t => t.FullName ?? t.Name).ToList();
        Assert.NotEmpty(names);
        Assert.Contains(names, n => n.EndsWith("Modules.Linear", StringComparison.Ordinal)); // the scan sees TorchSharp's types
        Assert.DoesNotContain(names, n => n.Contains("autocast", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.Contains("GradScaler", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names,
            n => n.Contains(".amp.", StringComparison.OrdinalIgnoreCase) || n.EndsWith("+amp", StringComparison.OrdinalIgnoreCase));
        var methods = typeof(torch).Assembly.GetTypes().SelectMany(t => t.GetMethods()).Select(m => m.Name);
        Assert.DoesNotContain(methods, m => m.Contains("autocast", StringComparison.OrdinalIgnoreCase));
    }
}
