using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TorchBudget.Generator.Interpretation;
using TorchBudget.Generator.Model;
using TorchBudget.Generator.Shapes;

namespace TorchBudget.Generator.Analysis;

/// <summary>
/// Tensors the model holds where registration does not look: layers kept in a <c>List&lt;T&gt;</c>, an array, a dictionary
/// or a plain object, and the fields of a module that never calls RegisterComponents(). TorchSharp leaves them out of
/// parameters(), so neither the optimizer, zero_grad() nor <c>.to()</c> sees them, yet they are allocated, and backward
/// gives each trainable one a <c>.grad</c> that stays (measured on 0.107).
/// </summary>
internal sealed record UnregisteredTensors(IReadOnlyList<UnregisteredSite> Sites, IReadOnlyList<TensorSlot> Tensors)
{
    public static readonly UnregisteredTensors None = new(System.Array.Empty<UnregisteredSite>(), System.Array.Empty<TensorSlot>());

    /// <summary>The field paths, in the order found ("hidden, encoder.layers").</summary>
    public string FieldList => string.Join(", ", Sites.Select(s => s.Path));

    public bool Any => Tensors.Count > 0;

    /// <summary>What the model's user modules hold outside the registered tree, by the field that holds it.</summary>
    public static UnregisteredTensors Of(ModuleInstance root, IEnumerable<TensorSlot> registered)
    {
        var known = new HashSet<TensorSlot>(registered);
        var found = new List<TensorSlot>();
        var sites = new List<UnregisteredSite>();
        var visited = new HashSet<object>();
        // A tensor is named by the field path it was found under: a user type's members extend the path, a list's items
        // and a module's own tensors and children keep it ("encoder.layers" for every weight of the layers in that list).
        void Walk(Value value, Site site)
        {
            switch (value)
            {
                case ModuleValue { Module: var module }:
                    Visit(module, "", site, isModule: true);
                    break;
                case ObjectValue { Instance: var instance }:
                    Visit(instance, "", site, isModule: false);
                    break;
                case TensorValue { Tensor: var tensor }:
                    Take(tensor, site);
                    break;
                case ListValue list when visited.Add(list):
                    foreach (var item in list.Items) Walk(item, site);
                    break;
                case TupleValue tuple:
                    foreach (var item in tuple.Items) Walk(item, site);
                    break;
                case DictionaryValue dictionary when visited.Add(dictionary):
                    foreach (var entry in dictionary.Entries.Values) Walk(entry.Item, site);
                    break;
            }
        }
        void Take(TensorSlot tensor, Site site)
        {
            if (known.Contains(tensor) || !visited.Add(tensor)) return;
            found.Add(tensor);
            if (sites.FirstOrDefault(s => s.Path == site.Path) is not { } held)
                sites.Add(held = new UnregisteredSite(site.Path, site.Field, site.OwnerNeverRegisters, new List<TensorSlot>()));
            ((List<TensorSlot>)held.Tensors).Add(tensor);
        }
        // prefix: the registered path down to a module reached without a site (the root, its registered children).
        void Visit(ModuleInstance module, string prefix, Site? site, bool isModule)
        {
            if (!visited.Add(module)) return;
            // Without a site the module is registered, and so are its own tensors.
            foreach (var tensor in module.Parameters.Concat(module.Buffers))
                if (site is not null) Take(tensor.Value, site);
            foreach (var child in module.Children) Visit(child.Value, prefix + child.Key + ".", site, isModule: true);
            // A module that never called RegisterComponents() leaves its module and tensor fields out (TBG007 says so).
            var neverRegisters = isModule && module.UserType is not null && !module.ComponentsRegistered;
            foreach (var member in module.Fields)
            {
                var path = site is null ? prefix + member.Key.Name : site.Path + "." + member.Key.Name;
                Walk(member.Value, new Site(path, site?.Field ?? member.Key,
                    site?.OwnerNeverRegisters ?? (neverRegisters && member.Value is ModuleValue or TensorValue)));
            }
        }
        Visit(root, "", null, isModule: true);
        return found.Count == 0 ? None : new UnregisteredTensors(sites, found);
    }

    private sealed record Site(string Path, ISymbol Field, bool OwnerNeverRegisters);

    /// <summary>The bytes of the tensors, in the dtype each was made in (the model's <c>.to(dtype)</c> does not reach them).</summary>
    public long? WeightBytes() => Bytes(Tensors);

    /// <summary>The bytes of the gradients backward gives them (<see cref="GradientRecipients"/>).</summary>
    public long? GradientBytes(HashSet<object>? recipients) => Bytes(Tensors.Where(t => GradientRecipients.Gets(recipients, t)));

    private static long? Bytes(IEnumerable<TensorSlot> tensors)
    {
        long total = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.PinElementCount() is not { } count || (tensor.ElementType ?? ScalarType.Float32).SizeOf() is not { } size) return null;
            try { total = checked(total + count * size); }
            catch (System.OverflowException) { return null; }
        }
        return total;
    }
}

/// <summary>
/// A field path under which registration leaves tensors out, the root's field it starts from, and whether that is because
/// its module never calls RegisterComponents() (TBG007) rather than because a list or an object hides it (TBG013).
/// </summary>
internal sealed record UnregisteredSite(string Path, ISymbol Field, bool OwnerNeverRegisters, IReadOnlyList<TensorSlot> Tensors)
{
    /// <summary>Their elements; null where a size is unknown or overflows.</summary>
    public long? Elements() => TensorSlot.TotalElements(Tensors);
}
