using System.Collections.Generic;

namespace TorchBudget.Tests.Differential.Found;

/// <summary>
/// Programs the 10,000-program soak (seed 100) found wrong, as it generated them, each with the batch it failed at and
/// whether its report is now fully known (the fix) or honestly unknown (a case the analysis now declines).
/// </summary>
internal static class SoakFinds
{
    public static readonly IReadOnlyList<(string Name, long Batch, bool Known, string Why, string Source)> All = new (string, long, bool, string, string)[]
    {
        ("Soak100_05421", 8, false, "mean backward over a strided gradient: its layout is not followed (was 29% low)", """
            [MemoryProfile(6, 5, 3)]
            public partial class Soak100_05421 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(3, 32);
                private readonly Module<Tensor, Tensor> head = Linear(60, 4);

                public Soak100_05421() : base(nameof(Soak100_05421)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = x.unsqueeze(3);
                    var t1 = t0.expand(-1, 6, 5, 2, -1);
                    var t2 = f0.forward(t1);
                    var t3 = t2.mean(new long[] { 4 }, keepdim: false);
                    var t4 = t3.permute(2, 0, 1, 3);
                    var t5 = t4.transpose(0, 1);
                    return head.forward(t5.flatten(1));
                }
            }
            """),
        ("Soak100_05322", 5, true, "(x + x.mean(...)) reached through a view: the two gradients are summed out of place (was 10% low)", """
            [MemoryProfile(2, 5, 4)]
            public partial class Soak100_05322 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(4, 5);
                private readonly Module<Tensor, Tensor> head = Linear(50, 3);

                public Soak100_05322() : base(nameof(Soak100_05322)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.reshape(b, 10, 5);
                    var t2 = t1 + t1.mean(new long[] { 1 }, keepdim: true);
                    return head.forward(t2.flatten(1));
                }
            }
            """),
        ("Soak100_00237", 3, true, "a flatten that copied hands its gradient back as a view, not a new tensor (was 9% low)", """
            [MemoryProfile(16, 6)]
            public partial class Soak100_00237 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(6, 12);
                private readonly Module<Tensor, Tensor> head = Linear(192, 2);

                public Soak100_00237() : base(nameof(Soak100_00237)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = x / 3.0;
                    var t1 = f0.forward(t0);
                    var t2 = t1.permute(0, 2, 1);
                    var t3 = t2.unsqueeze(2);
                    var t4 = t3 + t3.mean(new long[] { 2 }, keepdim: true);
                    return head.forward(t4.flatten(1));
                }
            }
            """),
        ("Soak100_06124", 3, true, "a reshape view of a strided gradient is a view where computeStride allows (was 9% low)", """
            [MemoryProfile(12, 8, 5)]
            public partial class Soak100_06124 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(5, 5);
                private readonly Module<Tensor, Tensor> head = Linear(480, 3);

                public Soak100_06124() : base(nameof(Soak100_06124)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.softmax(-3);
                    var t2 = t1.view(b, 12, 40);
                    var t3 = t2.permute(2, 0, 1);
                    var t4 = t3.reshape(5, 8, b, 12);
                    var t5 = t4.reshape(5, 4, -1, b, 12);
                    var t6 = t5.transpose(0, 3);
                    return head.forward(t6.flatten(1));
                }
            }
            """),
        ("Soak100_07103", 2, true, "Dropout2d over a 2-d input hands its gradient through unsqueeze/squeeze views: summed out of place (was 8% low)", """
            [MemoryProfile(16, 4, 2)]
            public partial class Soak100_07103 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(2, 24);
                private readonly Parameter f1 = Parameter(torch.randn(1));
                private readonly Module<Tensor, Tensor> f2 = Dropout2d(0.2);
                private readonly Module<Tensor, Tensor> head = Linear(3072, 2);

                public Soak100_07103() : base(nameof(Soak100_07103)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = f1 - t0;
                    var t2 = torch.stack(new[] { t1, t0 }, 4);
                    var t3 = t2.flatten(1, 3);
                    var t4 = functional.relu6(t3);
                    var t5 = t4.flatten(1, 2);
                    var t6 = t5 - t5.mean(new long[] { 1 }, keepdim: true);
                    var t7 = f2.forward(t6);
                    return head.forward(t7.flatten(1));
                }
            }
            """),
        ("Soak100_04750", 2, true, "a pool's fresh gradient is no view: a later sum is in place (was 13% high)", """
            [MemoryProfile(4, 3, 3)]
            public partial class Soak100_04750 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(3, 32, hasBias: false);
                private readonly Parameter f1 = Parameter(torch.randn(16, 4));
                private readonly Module<Tensor, Tensor> head = Linear(16, 2);

                public Soak100_04750() : base(nameof(Soak100_04750)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0 - t0.mean(new long[] { 1 }, keepdim: true);
                    var t2 = t1.contiguous();
                    var t3 = functional.avg_pool2d(t2, 2);
                    var t4 = torch.matmul(t3, f1);
                    return head.forward(t4.flatten(1));
                }
            }
            """),
        ("Soak100_01453", 5, true, "cat of channels-last-like inputs is channels-last: the flatten after it copies (activations were 19% low)", """
            [MemoryProfile(1, 40)]
            public partial class Soak100_01453 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(40, 12, hasBias: false);
                private readonly Module<Tensor, Tensor> f1 = Dropout1d(0.5);
                private readonly Module<Tensor, Tensor> head = Linear(24, 3);

                public Soak100_01453() : base(nameof(Soak100_01453)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.view(b, 1, -1, 6);
                    var t2 = t1.permute(0, 3, 1, 2);
                    var t3 = torch.cat(new[] { t2, t2.relu() }, 3);
                    var t4 = t3.flatten(2, 3);
                    var t5 = t4.abs();
                    var t6 = f1.forward(t5);
                    return head.forward(t6.flatten(1));
                }
            }
            """),
        ("Soak100_08490", 1, true, "a permute keeps its size-1 dimensions' strides: they make the cat channels-last (activations were 11% low)", """
            [MemoryProfile(1, 16, 2)]
            public partial class Soak100_08490 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(2, 24);
                private readonly Parameter f1 = Parameter(torch.randn(24, 2));
                private readonly Module<Tensor, Tensor> f2 = GELU();
                private readonly Module<Tensor, Tensor> head = Linear(64, 2);

                public Soak100_08490() : base(nameof(Soak100_08490)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = torch.matmul(t0, f1);
                    var t2 = t1.permute(0, 2, 1, 3);
                    var t3 = t2.transpose(1, 3);
                    var t4 = f2.forward(t3);
                    var t5 = torch.cat(new[] { t4, t3 }, 3);
                    return head.forward(t5.flatten(1));
                }
            }
            """),
        ("Soak100_00783", 3, false, "Hardtanh of a sliced (gapped) input keeps its strides: not modeled (activations were 24% low)", """
            [MemoryProfile(3, 6)]
            public partial class Soak100_00783 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Hardtanh();
                private readonly Module<Tensor, Tensor> head = Linear(9, 2);

                public Soak100_00783() : base(nameof(Soak100_00783)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = x.view(b, 3, 2, 3);
                    var t1 = functional.log_softmax(t0, -2);
                    var t2 = t1[TensorIndex.Colon, TensorIndex.None, TensorIndex.Colon, TensorIndex.Slice(0, 1, 2)];
                    var t3 = f0.forward(t2);
                    return head.forward(t3.flatten(1));
                }
            }
            """),
        ("Soak100_04366", 1, false, "a Linear over an expanded input copies it for BLAS: not measured (inference peak was 3% low)", """
            [MemoryProfile(1, 1, 16)]
            public partial class Soak100_04366 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(16, 12);
                private readonly Module<Tensor, Tensor> f1 = Linear(2, 8);
                private readonly Module<Tensor, Tensor> head = Linear(96, 3);

                public Soak100_04366() : base(nameof(Soak100_04366)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.transpose(3, 2);
                    var t2 = t1.contiguous();
                    var t3 = functional.log_softmax(t2, 0);
                    var t4 = t3.expand(-1, 1, -1, 2);
                    var t5 = t4.squeeze(1);
                    var t6 = f1.forward(t5);
                    var t7 = t6.unsqueeze(3);
                    return head.forward(t7.flatten(1));
                }
            }
            """),
        ("Soak100_08164", 8, true, "GELU's backward takes a gradient laid out as its own result without a copy (was 16% high)", """
            [MemoryProfile(2, 8)]
            public partial class Soak100_08164 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(8, 5, hasBias: false);
                private readonly Module<Tensor, Tensor> f1 = Dropout(0.5);
                private readonly Module<Tensor, Tensor> head = Linear(10, 4);

                public Soak100_08164() : base(nameof(Soak100_08164)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.view(b, -1);
                    var t2 = f1.forward(t1);
                    var t3 = t2.mT;
                    var t4 = functional.gelu(t3);
                    var t5 = t4.transpose(0, 1);
                    return head.forward(t5.flatten(1));
                }
            }
            """),
        ("Soak100_07643", 3, true, "flatten(1) of a 2-d tensor returns it: no op, no gradient (was 1.5% high)", """
            [MemoryProfile(8, 6)]
            public partial class Soak100_07643 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(6, 5, hasBias: false);
                private readonly Module<Tensor, Tensor> head = Linear(40, 2);

                public Soak100_07643() : base(nameof(Soak100_07643)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.flatten(1, 2);
                    var t2 = t1.contiguous();
                    return head.forward(t2.flatten(1));
                }
            }
            """),
        ("Soak100_09427", 2, false, "a reshape of sum's expanded gradient: whether it copies is not followed (was 4% low)", """
            [MemoryProfile(12, 4)]
            public partial class Soak100_09427 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(4, 5);
                private readonly Module<Tensor, Tensor> f1 = Sequential(Linear(5, 6), ReLU());
                private readonly Module<Tensor, Tensor> head = Linear(36, 2);

                public Soak100_09427() : base(nameof(Soak100_09427)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.unsqueeze(0);
                    var t2 = t1 + 1.0;
                    var t3 = t2.expand(2, -1, -1, 5);
                    var t4 = t3.reshape(2, b, 6, 2, 5);
                    var t5 = t4.sum(new long[] { 3 }, keepdim: true);
                    var t6 = f1.forward(t5);
                    var t7 = t6[TensorIndex.Colon, TensorIndex.None, TensorIndex.Colon, TensorIndex.Slice(2, 5)];
                    var t8 = t7.transpose(0, 2);
                    return head.forward(t8.flatten(1));
                }
            }
            """),
        ("Soak100_01851", 1, true, "stack writes a contiguous result whatever its inputs (activations were 28% high)", """
            [MemoryProfile(5, 2, 3)]
            public partial class Soak100_01851 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Dropout(0.5);
                private readonly Module<Tensor, Tensor> f1 = SiLU();
                private readonly Module<Tensor, Tensor> head = Linear(60, 2);

                public Soak100_01851() : base(nameof(Soak100_01851)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.contiguous();
                    var t2 = t1.reshape(b, 10, 3);
                    var t3 = t2.sigmoid();
                    var t4 = t3.transpose(2, 1);
                    var t5 = torch.stack(new[] { t4, t4.relu() }, 2);
                    var t6 = f1.forward(t5);
                    return head.forward(t6.flatten(1));
                }
            }
            """),
        ("Soak100_08451", 3, false, "softmax of a strided input getting a strided gradient: not followed (was 12% high)", """
            [MemoryProfile(16, 8)]
            public partial class Soak100_08451 : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> f0 = Linear(8, 12);
                private readonly Module<Tensor, Tensor> head = Linear(192, 2);

                public Soak100_08451() : base(nameof(Soak100_08451)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var b = x.shape[0];
                    var t0 = f0.forward(x);
                    var t1 = t0.view(b, -1);
                    var t2 = t1.mT;
                    var t3 = functional.softmax(t2, 1);
                    var t4 = t3.transpose(0, 1);
                    return head.forward(t4.flatten(1));
                }
            }
            """),
    };
}
