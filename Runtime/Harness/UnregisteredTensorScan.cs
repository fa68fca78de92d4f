using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchBudget.Harness;

/// <summary>
/// The tensors a model's objects hold where RegisterComponents() does not look (layers in a <c>List&lt;T&gt;</c>, an
/// array, a dictionary or a plain object; the fields of a module that never registers them), found by reflection over
/// the fields of the module tree: their bytes, and those of the gradients they hold. parameters() leaves them out.
/// </summary>
internal static class UnregisteredTensorScan
{
    public static (long Tensors, long Gradients) Of(nn.Module root)
    {
        var registered = new HashSet<IntPtr>(root.parameters().Concat(root.buffers()).Select(t => t.Handle));
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var found = new Dictionary<IntPtr, Tensor>();
        void Take(Tensor tensor)
        {
            if (tensor.IsInvalid || registered.Contains(tensor.Handle)) return;
            found.TryAdd(tensor.Handle, tensor);
        }
        void Visit(object? value)
        {
            if (value is null or string or Delegate || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value)) return;
            switch (value)
            {
                case Tensor tensor:
                    Take(tensor);
                    return;
                case nn.Module module:
                    foreach (var tensor in module.parameters().Concat(module.buffers())) Take(tensor);
                    foreach (var child in module.children()) Visit(child);
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary) Visit(entry.Value);
                    return;
                case IEnumerable items:
                    foreach (var item in items) Visit(item);
                    return;
            }
            // The user's own classes (modules, configuration objects): TorchSharp's and the runtime's types hold nothing of theirs.
            for (var type = value.GetType(); type is not null && IsUsers(type); type = type.BaseType)
            {
                foreach (var field in type.GetFields(OwnInstanceFields)) Visit(field.GetValue(value));
            }
        }
        Visit(root);
        using var scope = torch.NewDisposeScope(); // disposes the .grad wrappers, not the gradients
        var gradients = found.Values.Select(t => t.grad).OfType<Tensor>().Where(g => !g.IsInvalid).ToList();
        return (TensorBytes.Of(found.Values), TensorBytes.Of(gradients));
    }

    private const BindingFlags OwnInstanceFields =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static bool IsUsers(Type type) =>
        type.Namespace is not { } name
        || !(name.StartsWith("TorchSharp", StringComparison.Ordinal) || name.StartsWith("System", StringComparison.Ordinal));
}
