using System;
using System.Linq;
using TorchBudget.Samples.Models;

Console.WriteLine(MnistMlp.MemoryReport);
Console.WriteLine($"generated ParameterCount = {MnistMlp.ParameterCount:N0}, TorchSharp parameters() = {new MnistMlp().parameters().Sum(p => p.numel()):N0}");
Console.WriteLine();
Console.WriteLine(SimpleCnn.MemoryReport);
Console.WriteLine($"generated ParameterCount = {SimpleCnn.ParameterCount:N0}, TorchSharp parameters() = {new SimpleCnn().parameters().Sum(p => p.numel()):N0}");
