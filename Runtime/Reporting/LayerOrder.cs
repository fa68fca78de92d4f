namespace TorchBudget;

/// <summary>The order of the per-layer table's rows.</summary>
public enum LayerOrder
{
    /// <summary>As TorchSharp's <c>named_modules()</c> lists them: each module's children first, then their children.</summary>
    NamedModules,

    /// <summary>A tree: each module followed by its subtree, children in the order they were registered.</summary>
    Tree,

    /// <summary>A tree whose children come in the order forward first calls them (modules forward never calls last).</summary>
    Execution,
}
