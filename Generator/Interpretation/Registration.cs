using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Model;

namespace TorchBudget.Generator.Interpretation;

/// <summary>TorchSharp's registration rules: what <c>RegisterComponents()</c>, <c>named_parameters()</c> and <c>named_modules()</c> see.</summary>
internal static class Registration
{
    /// <summary>
    /// RegisterComponents (measured on 0.107): runs once per module; every instance field (auto-properties
    /// under their backing-field name) holding a Module becomes a submodule, a Parameter a parameter, another
    /// Tensor a buffer; nulls are skipped and a name already registered is kept.
    /// </summary>
    public static void RegisterComponents(ModuleInstance module, TorchSharpSymbols torch, LocationInfo? location)
    {
        if (module.UserType is null || module.ComponentsRegistered) return;
        module.ComponentsRegistered = true;
        foreach (var member in FieldsInReflectionOrder(module.UserType))
        {
            if (!module.Fields.TryGetValue(member, out var value)) continue;
            var name = member is IPropertySymbol ? $"<{member.Name}>k__BackingField" : member.Name;
            if (IsNameTaken(module, name)) continue;
            switch (value)
            {
                case ModuleValue child:
                    RegisterModule(module, name, child.Module, torch, location);
                    break;
                case TensorValue { Tensor.SharesOtherStorage: true }:
                    module.Unknowns.Add(new UnknownValue($"the value of field '{member.Name}': a view of part of a larger tensor, "
                        + "or an expanded one, whose storage is not its own size", location));
                    break;
                case TensorValue { Tensor.IsParameter: true } parameter:
                    module.AddParameter(name, parameter.Tensor);
                    break;
                case TensorValue buffer:
                    module.AddBuffer(name, buffer.Tensor);
                    break;
                case UnknownValue unknown when CanHoldComponent(MemberType(member), torch):
                    module.Unknowns.Add(new UnknownValue($"the value of field '{member.Name}': {unknown.Reason}", unknown.Location ?? location));
                    break;
            }
        }
    }

    /// <summary>
    /// register_module: the child is attached and, if it is a user module, its own fields get registered
    /// now (TorchSharp does this even when the child never called RegisterComponents). ModuleList and
    /// ModuleDict pass this on to their items; Sequential does not (measured).
    /// </summary>
    public static void RegisterModule(ModuleInstance parent, string name, ModuleInstance child, TorchSharpSymbols torch, LocationInfo? location)
    {
        parent.AddChild(name, child);
        Activate(child, torch, location);
    }

    /// <summary>What happens to a module when a parent registers it.</summary>
    public static void Activate(ModuleInstance module, TorchSharpSymbols torch, LocationInfo? location)
    {
        if (module.UserType is not null)
        {
            RegisterComponents(module, torch, location);
            return;
        }
        if (module.Kind is "ModuleList" or "ModuleDict" && !module.ComponentsRegistered)
        {
            module.ComponentsRegistered = true;
            foreach (var item in module.Children) Activate(item.Value, torch, location);
        }
    }

    private static bool IsNameTaken(ModuleInstance module, string name) =>
        module.Children.Any(c => c.Key == name) || module.Parameters.Any(p => p.Key == name) || module.Buffers.Any(b => b.Key == name);

    /// <summary>
    /// Fields in the order TorchSharp's reflection visits them (measured): the class's own fields in
    /// declaration order, then inherited non-private fields from the nearest base up, then the bases'
    /// private fields from the nearest base up.
    /// </summary>
    public static IEnumerable<ISymbol> FieldsInReflectionOrder(INamedTypeSymbol type)
    {
        var bases = new List<INamedTypeSymbol>();
        for (var current = type.BaseType; current is not null && current.Locations.Any(l => l.IsInSource); current = current.BaseType)
            bases.Add(current);
        return InstanceFields(type)
            .Concat(bases.SelectMany(b => InstanceFields(b).Where(f => f.DeclaredAccessibility != Accessibility.Private)))
            .Concat(bases.SelectMany(b => InstanceFields(b).Where(f => f.DeclaredAccessibility == Accessibility.Private)));
    }

    private static IEnumerable<ISymbol> InstanceFields(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member.IsStatic) continue;
            if (member is IFieldSymbol { AssociatedSymbol: null, IsConst: false }) yield return member;
            else if (member is IPropertySymbol property && Interpreter.IsAutoProperty(property)) yield return member;
        }
    }

    private static ITypeSymbol? MemberType(ISymbol member) => member switch
    {
        IFieldSymbol f => f.Type,
        IPropertySymbol p => p.Type,
        _ => null,
    };

    private static bool CanHoldComponent(ITypeSymbol? type, TorchSharpSymbols torch) =>
        type is null || type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Interface or TypeKind.TypeParameter
        || torch.IsModule(type) || torch.IsTensor(type);

    /// <summary>Parameters as <c>named_parameters()</c> lists them: own first, then each child's; a tensor seen before is skipped.</summary>
    public static List<KeyValuePair<string, TensorSlot>> NamedParameters(ModuleInstance module)
    {
        var result = new List<KeyValuePair<string, TensorSlot>>();
        var seen = new HashSet<TensorSlot>();
        Collect(module, "", result, seen, new HashSet<ModuleInstance>(), m => m.Parameters);
        return result;
    }

    /// <summary>Buffers as <c>named_buffers()</c> lists them.</summary>
    public static List<KeyValuePair<string, TensorSlot>> NamedBuffers(ModuleInstance module)
    {
        var result = new List<KeyValuePair<string, TensorSlot>>();
        Collect(module, "", result, new HashSet<TensorSlot>(), new HashSet<ModuleInstance>(), m => m.Buffers);
        return result;
    }

    private static void Collect(ModuleInstance module, string prefix, List<KeyValuePair<string, TensorSlot>> result, HashSet<TensorSlot> seen,
        HashSet<ModuleInstance> visiting, System.Func<ModuleInstance, List<KeyValuePair<string, TensorSlot>>> select)
    {
        if (!visiting.Add(module)) return;
        foreach (var tensor in select(module))
        {
            if (seen.Add(tensor.Value)) result.Add(new(prefix + tensor.Key, tensor.Value));
        }
        foreach (var child in module.Children) Collect(child.Value, prefix + child.Key + ".", result, seen, visiting, select);
        visiting.Remove(module);
    }

    /// <summary>
    /// Modules as TorchSharp 0.107's <c>named_modules()</c> lists them (measured): the root left out, each
    /// module's direct children first, then each child's own list; a shared module under every name.
    /// </summary>
    public static List<KeyValuePair<string, ModuleInstance>> NamedModules(ModuleInstance root)
    {
        var result = new List<KeyValuePair<string, ModuleInstance>>();
        var visiting = new HashSet<ModuleInstance>();
        void Visit(ModuleInstance module, string prefix)
        {
            if (!visiting.Add(module)) return; // a module that contains itself: list it once
            foreach (var child in module.Children) result.Add(new(prefix + child.Key, child.Value));
            foreach (var child in module.Children) Visit(child.Value, prefix + child.Key + ".");
            visiting.Remove(module);
        }
        Visit(root, "");
        return result;
    }
}
