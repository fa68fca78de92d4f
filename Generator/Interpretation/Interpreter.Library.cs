using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Calls of list methods, lambdas and the few BCL methods models use.</summary>
internal sealed partial class Interpreter
{
    private Value CallListMethod(ListValue list, IInvocationOperation invocation, Frame frame)
    {
        var args = invocation.Arguments.Select(a => Evaluate(a.Value, frame)).ToList();
        switch (invocation.TargetMethod.Name, args.Count)
        {
            case ("Add", 1):
                list.Items.Add(args[0]);
                return NullValue.Instance;
            case ("AddRange", 1) when Enumerate(args[0], invocation) is ListValue range:
                list.Items.AddRange(range.Items);
                return NullValue.Instance;
            case ("Insert", 2) when args[0] is IntValue index && index.Pin() is var at && at >= 0 && at <= list.Items.Count:
                list.Items.Insert((int)index.Pin(), args[1]);
                return NullValue.Instance;
            case ("Clear", 0):
                list.Items.Clear();
                return NullValue.Instance;
            case ("ToArray" or "ToList", 0):
                return new ListValue(list.Items.ToList());
            default:
                var unknown = Unknown($"'{invocation.TargetMethod.Name}' on a list is not modeled", invocation);
                if (!invocation.TargetMethod.ReturnsVoid) return unknown;
                for (var i = 0; i < list.Items.Count; i++) list.Items[i] = unknown;
                return NullValue.Instance;
        }
    }

    private Value CallDictionaryMethod(DictionaryValue table, IInvocationOperation invocation, Frame frame)
    {
        var args = invocation.Arguments.Select(a => Evaluate(a.Value, frame)).ToList();
        switch (invocation.TargetMethod.Name, args.Count)
        {
            case ("ContainsKey", 1) when DictionaryValue.KeyOf(args[0]) is { } key:
                return BoolValue.Of(table.Entries.ContainsKey(key));
            case ("Add", 2) when AddEntry(table, args[0], args[1]):
                return NullValue.Instance;
            default:
                // A change the analysis cannot follow leaves every entry unknown.
                var unknown = Unknown($"'{invocation.TargetMethod.Name}' on a dictionary is not modeled", invocation);
                foreach (var key in table.Entries.Keys.ToList()) table.Entries[key] = (table.Entries[key].Key, unknown);
                return unknown;
        }
    }

    private Value CallLambda(LambdaValue lambda, Value argument, IOperation at) => CallLambda(lambda, new[] { argument }, at);

    private Value CallLambda(LambdaValue lambda, IReadOnlyList<Value> arguments, IOperation at)
    {
        using var call = EnterCall(LocationInfo.From(at.Syntax));
        if (call.Refused is { } refused) return refused;
        var captured = (Frame)lambda.CapturedFrame;
        var frame = new Frame(captured.Self);
        foreach (var pair in captured.Variables) frame.Variables[pair.Key] = pair.Value;
        for (var i = 0; i < arguments.Count; i++) frame.Variables[lambda.Function.Symbol.Parameters[i]] = arguments[i];
        return Execute(lambda.Function.Body, frame) == Completion.Return ? frame.ReturnValue : NullValue.Instance;
    }

    /// <summary>Static BCL helpers models use to compute sizes; anything else is unknown.</summary>
    private Value CallLibraryMethod(IInvocationOperation invocation, Value? receiver, Frame frame)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType?.ToDisplayString();
        var args = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => Evaluate(a.Value, frame)).ToList();
        if (args.FirstOrDefault(a => a is UnknownValue) is UnknownValue unknownArgument) return unknownArgument;

        switch (type, method.Name)
        {
            case ("System.Math", "Max") when args is [IntValue a, IntValue b]:
                return new IntValue(Math.Max(a.Pin(), b.Pin()));
            case ("System.Math", "Min") when args is [IntValue a, IntValue b]:
                return new IntValue(Math.Min(a.Pin(), b.Pin()));
            case ("System.Math", "Abs") when args is [IntValue a] && a.Pin() != long.MinValue:
                return new IntValue(Math.Abs(a.Pin()));
            case ("System.Math", "Max" or "Min" or "Pow" or "Sqrt" or "Floor" or "Ceiling" or "Round" or "Abs")
                when args.All(a => a is IntValue or RealValue):
                var numbers = args.Select(AsDouble).ToArray();
                return new RealValue(method.Name switch
                {
                    "Max" => Math.Max(numbers[0], numbers[1]),
                    "Min" => Math.Min(numbers[0], numbers[1]),
                    "Pow" => Math.Pow(numbers[0], numbers[1]),
                    "Sqrt" => Math.Sqrt(numbers[0]),
                    "Floor" => Math.Floor(numbers[0]),
                    "Ceiling" => Math.Ceiling(numbers[0]),
                    "Abs" => Math.Abs(numbers[0]),
                    _ => Math.Round(numbers[0]),
                });
            case ("System.Linq.Enumerable", "Select") when args is [var source, LambdaValue map] && map.Function.Symbol.Parameters.Length == 1
                && Enumerate(source, invocation) is ListValue mapped:
                return new ListValue(mapped.Items.Select(item => CallLambda(map, item, invocation)).ToList());
            case ("System.Linq.Enumerable", "Where") when args is [var source, LambdaValue predicate]
                && predicate.Function.Symbol.Parameters.Length == 1 && Enumerate(source, invocation) is ListValue filtered:
                var kept = new List<Value>();
                foreach (var item in filtered.Items)
                {
                    switch (CallLambda(predicate, item, invocation))
                    {
                        case BoolValue { Flag: true }: kept.Add(item); break;
                        case BoolValue: break;
                        case var other: return Unknown("a filter the analysis cannot decide", invocation, other);
                    }
                }
                return new ListValue(kept);
            case ("System.Linq.Enumerable", "Range") when args is [IntValue start, IntValue count]
                && count.Pin() is >= 0 and <= InterpreterLimits.MaxLoopIterations:
                return new ListValue(Enumerable.Range(0, (int)count.Pin()).Select(i => (Value)new IntValue(start.Pin() + i)).ToList());
            case ("System.Linq.Enumerable", "Repeat") when args is [var element, IntValue times]
                && times.Pin() is >= 0 and <= InterpreterLimits.MaxLoopIterations:
                return new ListValue(Enumerable.Repeat(element, (int)times.Pin()).ToList());
            case ("System.Linq.Enumerable", "ToArray" or "ToList" or "AsEnumerable") when args.Count == 1:
                return Enumerate(args[0], invocation) is ListValue copy
                    ? new ListValue(copy.Items.ToList())
                    : Unknown("an unknown sequence", invocation);
            case ("System.Linq.Enumerable", "Count") when args.Count == 1 && Enumerate(args[0], invocation) is ListValue counted:
                return new IntValue(counted.Items.Count);
            case ("System.Linq.Enumerable", "Concat") when args.Count == 2 && Enumerate(args[0], invocation) is ListValue first
                && Enumerate(args[1], invocation) is ListValue second:
                return new ListValue(first.Items.Concat(second.Items).ToList());
            case ("System.Linq.Enumerable", "Reverse") when args.Count == 1 && Enumerate(args[0], invocation) is ListValue reversed:
                return new ListValue(Enumerable.Reverse(reversed.Items).ToList());
            case ("System.Tuple", "Create") or ("System.ValueTuple", "Create"):
                return new TupleValue(args);
            case ("string", "Concat") when args.All(a => ToText(a) is not null):
                return new StringValue(string.Concat(args.Select(ToText)));
            case (_, "ToString") when receiver is not null && args.Count == 0 && ToText(receiver) is { } text:
                return new StringValue(text);
            case ("string", "ToLower" or "ToLowerInvariant") when receiver is StringValue text && args.Count == 0:
                return new StringValue(text.Text.ToLowerInvariant());
            case ("string", "ToUpper" or "ToUpperInvariant") when receiver is StringValue text && args.Count == 0:
                return new StringValue(text.Text.ToUpperInvariant());
            case ("string", "Trim") when receiver is StringValue text && args.Count == 0:
                return new StringValue(text.Text.Trim());
        }
        return Unknown($"'{method.ContainingType?.Name}.{method.Name}' is not modeled", invocation);
    }
}
