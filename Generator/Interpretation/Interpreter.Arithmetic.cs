using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Parametric;

namespace TorchBudget.Generator.Interpretation;

internal sealed partial class Interpreter
{
    private Value Binary(IBinaryOperation binary, Frame frame)
    {
        // && and || short-circuit, as in C#: the right side may be unknowable when the left decides.
        if (binary.OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr)
        {
            var left = Evaluate(binary.LeftOperand, frame);
            var isAnd = binary.OperatorKind == BinaryOperatorKind.ConditionalAnd;
            if (left is BoolValue decided && decided.Flag != isAnd) return decided;
            var right = Evaluate(binary.RightOperand, frame);
            return left is BoolValue && right is BoolValue r ? r : Unknown("a condition on an unknown value", binary, left as UnknownValue ?? right);
        }
        return Arithmetic(binary.OperatorKind, Evaluate(binary.LeftOperand, frame), Evaluate(binary.RightOperand, frame), binary);
    }

    private Value Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation at)
    {
        if (left is UnknownValue) return left;
        if (right is UnknownValue) return right;
        if (Semantics.Arithmetic(kind, left, right, at) is { } tensorResult) return tensorResult;
        try
        {
            return (kind, left, right) switch
            {
                (BinaryOperatorKind.Equals, _, _) =>
                    ValuesEqual(left, right) is { } eq ? BoolValue.Of(eq) : Unknown("a comparison the analysis cannot decide", at),
                (BinaryOperatorKind.NotEquals, _, _) =>
                    ValuesEqual(left, right) is { } eq ? BoolValue.Of(!eq) : Unknown("a comparison the analysis cannot decide", at),
                (_, IntValue a, IntValue b) => SizeArithmetic.Of(kind, a, b) ?? IntegerArithmetic(kind, a.Pin(), b.Pin(), at),
                (_, IntValue or RealValue, IntValue or RealValue) => RealArithmetic(kind, AsDouble(left), AsDouble(right), at),
                (_, BoolValue a, BoolValue b) => kind switch
                {
                    BinaryOperatorKind.And => BoolValue.Of(a.Flag & b.Flag),
                    BinaryOperatorKind.Or => BoolValue.Of(a.Flag | b.Flag),
                    BinaryOperatorKind.ExclusiveOr => BoolValue.Of(a.Flag ^ b.Flag),
                    _ => Unknown($"operator {kind} on bools", at),
                },
                (BinaryOperatorKind.Add, _, _) when ToText(left) is { } l && ToText(right) is { } r
                    && (left is StringValue || right is StringValue) => new StringValue(l + r),
                _ => Unknown($"operator {kind} on {left.Describe()} and {right.Describe()}", at),
            };
        }
        catch (OverflowException)
        {
            return Unknown($"'{Shorten(at.Syntax)}' overflows a 64-bit integer", at);
        }
        catch (DivideByZeroException)
        {
            return Unknown($"'{Shorten(at.Syntax)}' divides by zero", at);
        }
    }

    private static Value IntegerArithmetic(BinaryOperatorKind kind, long a, long b, IOperation at) => kind switch
    {
        BinaryOperatorKind.Add => new IntValue(checked(a + b)),
        BinaryOperatorKind.Subtract => new IntValue(checked(a - b)),
        BinaryOperatorKind.Multiply => new IntValue(checked(a * b)),
        BinaryOperatorKind.Divide => new IntValue(checked(a / b)),
        BinaryOperatorKind.Remainder => new IntValue(a % b),
        BinaryOperatorKind.LeftShift =>
            new IntValue(checked(b is >= 0 and < 63 && Math.Abs(a) <= long.MaxValue >> (int)b ? a << (int)b : throw new OverflowException())),
        BinaryOperatorKind.RightShift => new IntValue(a >> (int)Math.Min(b, 63)),
        BinaryOperatorKind.And => new IntValue(a & b),
        BinaryOperatorKind.Or => new IntValue(a | b),
        BinaryOperatorKind.ExclusiveOr => new IntValue(a ^ b),
        BinaryOperatorKind.LessThan => BoolValue.Of(a < b),
        BinaryOperatorKind.LessThanOrEqual => BoolValue.Of(a <= b),
        BinaryOperatorKind.GreaterThan => BoolValue.Of(a > b),
        BinaryOperatorKind.GreaterThanOrEqual => BoolValue.Of(a >= b),
        _ => Unknown($"integer operator {kind}", at),
    };

    private static Value RealArithmetic(BinaryOperatorKind kind, double a, double b, IOperation at) => kind switch
    {
        BinaryOperatorKind.Add => new RealValue(a + b),
        BinaryOperatorKind.Subtract => new RealValue(a - b),
        BinaryOperatorKind.Multiply => new RealValue(a * b),
        BinaryOperatorKind.Divide => new RealValue(a / b),
        BinaryOperatorKind.LessThan => BoolValue.Of(a < b),
        BinaryOperatorKind.LessThanOrEqual => BoolValue.Of(a <= b),
        BinaryOperatorKind.GreaterThan => BoolValue.Of(a > b),
        BinaryOperatorKind.GreaterThanOrEqual => BoolValue.Of(a >= b),
        _ => Unknown($"operator {kind} on real numbers", at),
    };

    private static double AsDouble(Value value) => value is IntValue i ? i.Pin() : ((RealValue)value).Number;

    private Value Unary(IUnaryOperation unary, Value operand) => (unary.OperatorKind, operand) switch
    {
        (_, UnknownValue) => operand,
        _ when Semantics.Unary(unary.OperatorKind, operand, unary) is { } tensorResult => tensorResult,
        (UnaryOperatorKind.Minus, IntValue i) when i.Peek != long.MinValue => SizeArithmetic.Negate(i),
        (UnaryOperatorKind.Minus, RealValue r) => new RealValue(-r.Number),
        (UnaryOperatorKind.Plus, IntValue or RealValue) => operand,
        (UnaryOperatorKind.Not, BoolValue b) => BoolValue.Of(!b.Flag),
        (UnaryOperatorKind.BitwiseNegation, IntValue i) => new IntValue(~i.Pin()),
        (UnaryOperatorKind.Hat, IntValue i) => new FromEndIndexValue(i.Pin()),
        _ => Unknown($"operator {unary.OperatorKind} on {operand.Describe()}", unary),
    };

    private Value IncrementOrDecrement(IIncrementOrDecrementOperation operation, Frame frame)
    {
        var before = Evaluate(operation.Target, frame);
        var kind = operation.Kind == OperationKind.Increment ? BinaryOperatorKind.Add : BinaryOperatorKind.Subtract;
        var after = Arithmetic(kind, before, new IntValue(1), operation);
        Assign(operation.Target, after, frame);
        return operation.IsPostfix ? before : after;
    }

    /// <summary>Converts like C# does between the numeric types the analysis tracks; other conversions keep the value.</summary>
    private static Value Convert(Value value, ITypeSymbol? type, IOperation at)
    {
        if (value is UnknownValue || type is null) return value;
        var target = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            ? ((INamedTypeSymbol)type).TypeArguments[0]
            : type;
        switch (target.SpecialType)
        {
            case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal when value is IntValue i:
                return new RealValue(i.Pin());
            case SpecialType.System_Int32 when value is IntValue i && (i.Peek > int.MaxValue || i.Peek < int.MinValue):
                return Unknown($"{i.Peek} does not fit an int", at);
            case SpecialType.System_Int32 when value is IntValue { Form: { } form }:
                SizeArithmetic.FitsAnInt(form);
                return value;
            case >= SpecialType.System_SByte and <= SpecialType.System_UInt64 when value is RealValue r:
                return double.IsNaN(r.Number) || Math.Abs(r.Number) >= 9.2e18
                    ? Unknown($"{r.Number} does not fit an integer", at)
                    : new IntValue((long)Math.Truncate(r.Number));
            case >= SpecialType.System_SByte and <= SpecialType.System_UInt64 when value is EnumValue e:
                return new IntValue(e.Raw);
        }
        if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType && value is IntValue raw)
        {
            return new EnumValue(enumType.Name, null, raw.Pin());
        }
        return value;
    }

    /// <summary>Equality as C# would decide it, or null when the analysis cannot tell.</summary>
    private static bool? ValuesEqual(Value left, Value right) => (left, right) switch
    {
        (UnknownValue, _) or (_, UnknownValue) => null,
        (NullValue, NullValue) => true,
        (NullValue, _) or (_, NullValue) => false,
        (IntValue a, IntValue b) => SizeArithmetic.Equal(a, b),
        (IntValue or RealValue, IntValue or RealValue) => AsDouble(left) == AsDouble(right),
        (BoolValue a, BoolValue b) => a.Flag == b.Flag,
        (StringValue a, StringValue b) => a.Text == b.Text,
        (EnumValue a, EnumValue b) => a.Raw == b.Raw,
        (ModuleValue a, ModuleValue b) => ReferenceEquals(a.Module, b.Module),
        (TensorValue a, TensorValue b) => ReferenceEquals(a.Tensor, b.Tensor),
        _ => null,
    };
}
