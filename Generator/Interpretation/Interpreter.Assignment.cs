using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>Assignment targets: the one place that knows what C# code can write to.</summary>
internal sealed partial class Interpreter
{
    /// <summary>
    /// Writes <paramref name="value"/> to a local, parameter, field, property, array element, a declared variable, or a
    /// tuple of them (deconstruction, foreach). With <paramref name="skippedBecause"/> the write is in code the analysis
    /// does not run (<see cref="Havoc"/>): the target becomes that unknown, and nothing the skipped code would compute
    /// first (an instance, an index) is evaluated, so what it might have changed is unknown, never a guess.
    /// </summary>
    private void Assign(IOperation target, Value value, Frame frame, UnknownValue? skippedBecause = null)
    {
        var skipped = skippedBecause is not null;
        value = Copied(value);
        switch (target)
        {
            case IVariableDeclaratorOperation declarator:
                frame.Variables[declarator.Symbol] = value;
                return;
            case IDeclarationExpressionOperation declaration:
                Assign(declaration.Expression, value, frame, skippedBecause);
                return;
            case ITupleOperation tuple:
                for (var i = 0; i < tuple.Elements.Length; i++)
                {
                    var element = skipped ? value
                        : value is TupleValue t && i < t.Items.Count ? t.Items[i]
                        : new UnknownValue("a tuple element", LocationInfo.From(target.Syntax));
                    Assign(tuple.Elements[i], element, frame, skippedBecause);
                }
                return;
            case ILocalReferenceOperation local:
                frame.Variables[local.Local] = value;
                return;
            case IParameterReferenceOperation parameter:
                frame.Variables[parameter.Parameter] = value;
                return;
            case IFieldReferenceOperation { Field.IsStatic: true } field:
                staticFields[field.Field] = skipped ? value : Unknown($"static field '{field.Field.Name}' is assigned at run time", target);
                return;
            case IFieldReferenceOperation field when skipped:
                if (frame.Self is not null) frame.Self.Fields[field.Field] = value;
                return;
            case IFieldReferenceOperation field:
                var fieldOwner = Evaluate(field.Instance!, frame);
                if (fieldOwner is ModuleValue { Module: var owner }) owner.Fields[field.Field] = value;
                else if (fieldOwner is ObjectValue { Instance: var instance }) instance.Fields[field.Field] = value;
                return;
            case IPropertyReferenceOperation property when skipped:
                if (property.Property.Name == "requires_grad") frame.Self?.Unknowns.Add(skippedBecause!);
                else if (!property.Property.IsStatic && frame.Self is not null && IsAutoProperty(property.Property))
                {
                    frame.Self.Fields[property.Property] = value;
                }
                return;
            case IPropertyReferenceOperation property:
                AssignProperty(property, value, frame);
                return;
            case IArrayElementReferenceOperation element when skipped:
                // The skipped code's index is not known: the whole array becomes unknown.
                Assign(element.ArrayReference, value, frame, skippedBecause);
                return;
            case IArrayElementReferenceOperation element:
                var array = Evaluate(element.ArrayReference, frame);
                SetIndex(array, element.Indices.Select(i => Evaluate(i, frame)).ToList(), value, frame, target);
                return;
            case IInvocationOperation when skipped:
                frame.Self?.Unknowns.Add(skippedBecause!);
                return;
            case IDiscardOperation:
                return;
            default:
                frame.Self?.Unknowns.Add(skippedBecause ?? new UnknownValue($"assignment to '{Shorten(target.Syntax)}' is not supported",
                    LocationInfo.From(target.Syntax)));
                return;
        }
    }
}
