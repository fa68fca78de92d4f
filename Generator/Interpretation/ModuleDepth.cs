using System.Collections.Generic;

namespace TorchBudget.Generator.Interpretation;

/// <summary>
/// How deep a module tree nests, without recursion (the tree may be deeper than the stack allows): the longest
/// chain of children below the root, a module that contains itself counted once.
/// </summary>
internal static class ModuleDepth
{
    public static bool Exceeds(ModuleInstance root, int limit)
    {
        var height = new Dictionary<ModuleInstance, int>();
        var onPath = new HashSet<ModuleInstance>();
        var stack = new Stack<(ModuleInstance Module, int NextChild)>();
        stack.Push((root, 0));
        onPath.Add(root);
        while (stack.Count > 0)
        {
            var (module, next) = stack.Pop();
            if (next < module.Children.Count)
            {
                stack.Push((module, next + 1));
                var child = module.Children[next].Value;
                if (!height.ContainsKey(child) && onPath.Add(child)) stack.Push((child, 0));
                continue;
            }
            var own = 0;
            foreach (var child in module.Children)
            {
                if (height.TryGetValue(child.Value, out var below) && below + 1 > own) own = below + 1;
            }
            if (own > limit) return true;
            height[module] = own;
            onPath.Remove(module);
        }
        return false;
    }
}
