using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

internal sealed partial class Interpreter
{
    private enum Completion { Normal, Return, Break, Continue }

    private Completion Execute(IOperation operation, Frame frame)
    {
        CountStep(operation);
        switch (operation)
        {
            case IBlockOperation block:
            {
                // `using var` locals are disposed when the block ends, last declared first.
                var disposed = new List<(ILocalSymbol Local, IOperation At)>();
                var completion = Completion.Normal;
                foreach (var statement in block.Operations)
                {
                    if (statement is IUsingDeclarationOperation declaration)
                    {
                        completion = Execute(declaration.DeclarationGroup, frame);
                        disposed.AddRange(declaration.DeclarationGroup.Declarations.SelectMany(d => d.Declarators)
                            .Select(d => (d.Symbol, (IOperation)declaration)));
                    }
                    else completion = Execute(statement, frame);
                    if (completion != Completion.Normal) break;
                }
                for (var i = disposed.Count - 1; i >= 0; i--)
                {
                    if (frame.Variables.TryGetValue(disposed[i].Local, out var value)) Semantics.Dispose(value, disposed[i].At);
                }
                return completion;
            }

            case IExpressionStatementOperation { Operation: IThrowOperation }:
            case IThrowOperation:
                frame.Self?.Unknowns.Add(new UnknownValue("the constructor throws here with these arguments", LocationInfo.From(operation.Syntax)));
                return Completion.Return;

            case IExpressionStatementOperation statement:
                Evaluate(statement.Operation, frame);
                return Completion.Normal;

            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        var initializer = declarator.Initializer ?? declaration.Initializer;
                        frame.Variables[declarator.Symbol] = initializer is null
                            ? DefaultOf(declarator.Symbol.Type)
                            : Copied(Evaluate(initializer.Value, frame));
                    }
                }
                return Completion.Normal;

            case IConditionalOperation conditional:
                return ExecuteIf(conditional, frame);

            case IForLoopOperation loop:
                foreach (var before in loop.Before) Execute(before, frame);
                return RunLoop(loop, loop.Condition, loop.Body, loop.AtLoopBottom, frame);

            case IWhileLoopOperation loop:
                return RunLoop(loop, loop.Condition, loop.Body, default, frame, conditionIsTop: loop.ConditionIsTop,
                    conditionIsUntil: loop.ConditionIsUntil);

            case IForEachLoopOperation loop:
                return RunForEach(loop, frame);

            case IReturnOperation { Kind: OperationKind.Return } ret:
                frame.ReturnValue = ret.ReturnedValue is null ? NullValue.Instance : Evaluate(ret.ReturnedValue, frame);
                return Completion.Return;

            case IBranchOperation { BranchKind: BranchKind.Break }:
                return Completion.Break;

            case IBranchOperation { BranchKind: BranchKind.Continue }:
                return Completion.Continue;

            case ILocalFunctionOperation localFunction:
                localFunctions[localFunction.Symbol] = localFunction;
                return Completion.Normal;

            case IEmptyOperation:
                return Completion.Normal;

            case IUsingOperation usingOperation:
            {
                var resources = new List<Value>();
                if (usingOperation.Resources is IVariableDeclarationGroupOperation declared)
                {
                    Execute(declared, frame);
                    foreach (var declarator in declared.Declarations.SelectMany(d => d.Declarators))
                        if (frame.Variables.TryGetValue(declarator.Symbol, out var value)) resources.Add(value);
                }
                else if (usingOperation.Resources is { } expression) resources.Add(Evaluate(expression, frame));
                var completion = Execute(usingOperation.Body, frame);
                for (var i = resources.Count - 1; i >= 0; i--) Semantics.Dispose(resources[i], usingOperation);
                return completion;
            }

            case ILockOperation lockOperation:
                return Execute(lockOperation.Body, frame);

            case ITryOperation tryOperation:
                // Catch blocks run only when TorchSharp would throw, which the analysis does not model.
                var tryCompletion = Execute(tryOperation.Body, frame);
                if (tryOperation.Finally is { } finallyBlock) Execute(finallyBlock, frame);
                return tryCompletion;

            case ISwitchOperation switchOperation:
                return ExecuteSwitch(switchOperation, frame);

            default:
                Havoc(operation, frame,
                    new UnknownValue($"'{Shorten(operation.Syntax)}' ({operation.Kind}) is not supported", LocationInfo.From(operation.Syntax)));
                return Completion.Normal;
        }
    }

    private Completion ExecuteIf(IConditionalOperation conditional, Frame frame)
    {
        switch (Evaluate(conditional.Condition, frame))
        {
            case BoolValue { Flag: true }:
                return Execute(conditional.WhenTrue, frame);
            case BoolValue { Flag: false }:
                return conditional.WhenFalse is null ? Completion.Normal : Execute(conditional.WhenFalse, frame);
            case var other:
                var why = other as UnknownValue;
                var reason = $"'{Shorten(conditional.Condition.Syntax)}' is decided at run time "
                    + $"({why?.Reason ?? "a value the analysis does not know"})";
                var unknown = new UnknownValue(reason, LocationInfo.From(conditional.Condition.Syntax));
                Havoc(conditional.WhenTrue, frame, unknown);
                if (conditional.WhenFalse is not null) Havoc(conditional.WhenFalse, frame, unknown);
                return Completion.Normal;
        }
    }

    private Completion RunLoop(IOperation loop, IOperation? condition, IOperation body, IEnumerable<IOperation>? atBottom, Frame frame,
        bool conditionIsTop = true, bool conditionIsUntil = false)
    {
        for (var iteration = 0; ; iteration++)
        {
            if (iteration >= InterpreterLimits.MaxLoopIterations)
            {
                Havoc(body, frame,
                    new UnknownValue($"the loop runs more than {InterpreterLimits.MaxLoopIterations:N0} times", LocationInfo.From(loop.Syntax)));
                return Completion.Normal;
            }
            if (conditionIsTop && condition is not null && !LoopContinues(loop, condition, body, frame, conditionIsUntil)) return Completion.Normal;
            var completion = Execute(body, frame);
            if (completion is Completion.Return) return completion;
            if (completion is Completion.Break) return Completion.Normal;
            if (atBottom is not null) foreach (var step in atBottom) Execute(step, frame);
            if (!conditionIsTop && condition is not null && !LoopContinues(loop, condition, body, frame, conditionIsUntil)) return Completion.Normal;
        }
    }

    private bool LoopContinues(IOperation loop, IOperation condition, IOperation body, Frame frame, bool conditionIsUntil)
    {
        if (Evaluate(condition, frame) is BoolValue flag) return flag.Flag != conditionIsUntil;
        Havoc(body, frame,
            new UnknownValue($"the loop condition '{Shorten(condition.Syntax)}' is not known at compile time", LocationInfo.From(loop.Syntax)));
        return false;
    }

    private Completion RunForEach(IForEachLoopOperation loop, Frame frame)
    {
        var items = Enumerate(Evaluate(loop.Collection, frame), loop.Collection);
        if (items is UnknownValue unknown)
        {
            Havoc(loop.Body, frame,
                new UnknownValue($"the loop runs over {unknown.Reason}", unknown.Location ?? LocationInfo.From(loop.Collection.Syntax)));
            return Completion.Normal;
        }
        foreach (var item in ((ListValue)items).Items.ToList())
        {
            Assign(loop.LoopControlVariable, item, frame);
            var completion = Execute(loop.Body, frame);
            if (completion is Completion.Return) return completion;
            if (completion is Completion.Break) break;
        }
        return Completion.Normal;
    }

    private Completion ExecuteSwitch(ISwitchOperation switchOperation, Frame frame)
    {
        var value = Evaluate(switchOperation.Value, frame);
        if (value is UnknownValue unknown)
        {
            foreach (var section in switchOperation.Cases)
            {
                foreach (var body in section.Body) Havoc(body, frame, unknown);
            }
            return Completion.Normal;
        }
        var matched = switchOperation.Cases.FirstOrDefault(section => section.Clauses.Any(clause =>
            clause is ISingleValueCaseClauseOperation single && Evaluate(single.Value, frame) is var label && ValuesEqual(label, value) == true))
            ?? switchOperation.Cases.FirstOrDefault(section => section.Clauses.Any(c => c.CaseKind == CaseKind.Default));
        if (matched is null) return Completion.Normal;
        foreach (var body in matched.Body)
        {
            var completion = Execute(body, frame);
            if (completion is Completion.Break) return Completion.Normal;
            if (completion != Completion.Normal) return completion;
        }
        return Completion.Normal;
    }

    /// <summary>
    /// Code the analysis does not run: everything it could assign becomes unknown, and if it could
    /// register components the current module's registrations become unknown too. Never a guess.
    /// </summary>
    private void Havoc(IOperation code, Frame frame, UnknownValue why)
    {
        foreach (var operation in code.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IAssignmentOperation assignment:
                    Assign(assignment.Target, why, frame, skippedBecause: why);
                    break;
                case IIncrementOrDecrementOperation increment:
                    Assign(increment.Target, why, frame, skippedBecause: why);
                    break;
                case IInvocationOperation invocation:
                    if (invocation.Instance is ILocalReferenceOperation or IFieldReferenceOperation)
                    {
                        Assign(invocation.Instance, why, frame, skippedBecause: why);
                    }
                    var onThisModule = invocation.Instance is IInstanceReferenceOperation
                        || (invocation.Instance is null && !invocation.TargetMethod.IsStatic);
                    if (onThisModule && frame.Self is not null && !IsSideEffectFree(invocation.TargetMethod))
                    {
                        frame.Self.Unknowns.Add(why);
                    }
                    break;
            }
        }
    }

    private static bool IsSideEffectFree(IMethodSymbol method) =>
        method.ContainingType?.SpecialType == SpecialType.System_Object || method.ContainingType?.ToDisplayString() == "System.Console";

    private static string Shorten(SyntaxNode? syntax)
    {
        var text = syntax?.ToString().Replace("\r", " ").Replace("\n", " ") ?? "";
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}
