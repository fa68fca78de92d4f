namespace TorchBudget.Generator.Ops;

/// <summary>
/// Every tensor op the analysis knows, by name (the way ILLink's Intrinsics names every known method): the key of its one
/// <see cref="TensorOpRule"/> in <see cref="TensorOps"/>. Layers and functional.* calls are <see cref="Layers.LayerRules"/>.
/// </summary>
internal enum TensorOp
{
    // Views and copies (TensorOps.Views.cs).
    View,
    Reshape,
    Flatten,
    Transpose,
    TransposeMatrix,
    Permute,
    Unsqueeze,
    Squeeze,
    Expand,
    RepeatInterleave,
    Repeat,
    Contiguous,
    Clone,
    Detach,
    To,
    Copy,
    Alias,
    ReverseDimensions,
    SwapLastTwo,

    // Sizes (TensorOps.Sizes.cs).
    Size,
    Dim,
    Shape,
    DType,
    Device,

    // Pointwise (TensorOps.Pointwise.cs).
    Relu,
    Sigmoid,
    Tanh,
    Exp,
    Sqrt,
    Rsqrt,
    Silu,
    ReluInPlace,
    SigmoidInPlace,
    TanhInPlace,
    Log,
    Pow,
    Abs,
    Neg,
    Clamp,
    Square,
    MaskedFill,
    Where,
    Tril,
    Triu,
    Softmax,
    LogSoftmax,

    // Arithmetic (TensorOps.Arithmetic.cs).
    Add,
    Sub,
    Mul,
    Div,

    // Comparisons (TensorOps.Comparison.cs).
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,

    // Reductions (TensorOps.Reductions.cs).
    Mean,
    Sum,
    Amax,
    Amin,
    Var,
    Std,
    Cumsum,

    // Matrix products (TensorOps.Products.cs, TensorOps.Einsum.cs).
    Matmul,
    Mm,
    Bmm,
    Outer,
    Einsum,

    // New tensors and joins (TensorOps.Creation.cs, TensorOps.Joining.cs).
    NewTensor,
    NewTensorLike,
    Arange,
    Cat,
    Stack,

    // Splits (TensorOps.Splitting.cs).
    Split,
    Chunk,
    Unbind,

    // Indexing (TensorOps.Indexing.cs).
    Index,
    Select,
    Narrow,
    IndexSelect,
    Gather,
}
