using TorchBudget.Tests.Differential;
using TorchBudget.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace TorchBudget.Tests.Ops;

/// <summary>
/// Issue #18's vision models, written by hand as users write them: a MobileNet v2 (inverted residuals with depthwise
/// convolutions), a DCGAN discriminator (strided 4×4 convolutions, BatchNorm, LeakyReLU, a BCE logit) and generator (from
/// a 100×1×1 latent through transposed convolutions), a small U-Net and a four-level one at 128 × 128 (transposed
/// convolutions, skip concatenation, in-place ReLU, per-pixel classes), a convolutional VAE (randn_like), an ESPCN
/// (PixelShuffle), a diffusion decoder's up block (GroupNorm/SiLU ResBlocks, nearest upsampling), a YOLO-style neck
/// (Conv-BN-SiLU, SPPF, an upsampled cat), an Inception block and ResNet bottlenecks at 112 × 112. Every row of both
/// tables against the allocation counter at batch 1 to 3, both peaks to the byte; a YOLOv5n at 320 × 320 at batch 1 and 2.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class VisionModelTests(ITestOutputHelper output)
{
    private const string MobileNetV2 = """
        [MemoryProfile(3, 64, 64)]
        public partial class MobileNetV2Small : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> stem =
                Sequential(Conv2d(3, 32, 3, stride: 2L, padding: 1L, bias: false), BatchNorm2d(32), ReLU6());
            private readonly ModuleList<Module<Tensor, Tensor>> blocks = new();
            private readonly Module<Tensor, Tensor> last = Sequential(Conv2d(64, 256, 1, bias: false), BatchNorm2d(256), ReLU6());
            private readonly Module<Tensor, Tensor> head = Linear(256, 10);

            public MobileNetV2Small() : base(nameof(MobileNetV2Small))
            {
                var settings = new (long Expand, long Out, long Repeats, long Stride)[]
                {
                    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 2, 2),
                };
                long channels = 32;
                foreach (var (expand, outChannels, repeats, stride) in settings)
                {
                    for (var i = 0; i < repeats; i++)
                    {
                        blocks.Add(new InvertedResidual(channels, outChannels, i == 0 ? stride : 1, expand));
                        channels = outChannels;
                    }
                }
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var t = stem.forward(x);
                foreach (var block in blocks) t = block.forward(t);
                t = functional.adaptive_avg_pool2d(last.forward(t), 1);
                return head.forward(t.flatten(1));
            }
        }

        public class InvertedResidual : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> conv;
            private readonly bool residual;

            public InvertedResidual(long input, long output, long stride, long expand) : base(nameof(InvertedResidual))
            {
                var hidden = input * expand;
                residual = stride == 1 && input == output;
                var layers = new List<Module<Tensor, Tensor>>();
                if (expand != 1)
                {
                    layers.Add(Conv2d(input, hidden, 1, bias: false));
                    layers.Add(BatchNorm2d(hidden));
                    layers.Add(ReLU6());
                }
                layers.Add(Conv2d(hidden, hidden, 3, stride: stride, padding: 1L, groups: hidden, bias: false));
                layers.Add(BatchNorm2d(hidden));
                layers.Add(ReLU6());
                layers.Add(Conv2d(hidden, output, 1, bias: false));
                layers.Add(BatchNorm2d(output));
                conv = Sequential(layers.ToArray());
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => residual ? x + conv.forward(x) : conv.forward(x);
        }
        """;

    private const string Discriminator = """
        [MemoryProfile(3, 32, 32, Loss = LossKind.BceWithLogits)]
        public partial class DcganDiscriminator : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> net = Sequential(
                Conv2d(3, 32, 4, stride: 2L, padding: 1L, bias: false), LeakyReLU(0.2),
                Conv2d(32, 64, 4, stride: 2L, padding: 1L, bias: false), BatchNorm2d(64), LeakyReLU(0.2),
                Conv2d(64, 128, 4, stride: 2L, padding: 1L, bias: false), BatchNorm2d(128), LeakyReLU(0.2),
                Conv2d(128, 1, 4, bias: false));

            public DcganDiscriminator() : base(nameof(DcganDiscriminator)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x).flatten(1);
        }
        """;

    private const string Generator = """
        [MemoryProfile(100, 1, 1, Loss = LossKind.Mse)]
        public partial class DcganGenerator : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> net = Sequential(
                ConvTranspose2d(100, 128, 4, bias: false), BatchNorm2d(128), ReLU(),
                ConvTranspose2d(128, 64, 4, stride: 2L, padding: 1L, bias: false), BatchNorm2d(64), ReLU(),
                ConvTranspose2d(64, 32, 4, stride: 2L, padding: 1L, bias: false), BatchNorm2d(32), ReLU(),
                ConvTranspose2d(32, 3, 4, stride: 2L, padding: 1L, bias: false), Tanh());

            public DcganGenerator() : base(nameof(DcganGenerator)) => RegisterComponents();

            public override Tensor forward(Tensor x) => net.forward(x);
        }
        """;

    private const string UNet = """
        [MemoryProfile(3, 16, 16, Loss = LossKind.CrossEntropy)]
        public partial class TinyUNet : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> enc1 = Sequential(Conv2d(3, 16, 3, padding: 1L), ReLU(), Conv2d(16, 16, 3, padding: 1L), ReLU());
            private readonly Module<Tensor, Tensor> enc2 = Sequential(Conv2d(16, 32, 3, padding: 1L), ReLU(), Conv2d(32, 32, 3, padding: 1L), ReLU());
            private readonly Module<Tensor, Tensor> up = ConvTranspose2d(32, 16, 2, stride: 2L);
            private readonly Module<Tensor, Tensor> dec = Sequential(Conv2d(32, 16, 3, padding: 1L), ReLU(), Conv2d(16, 16, 3, padding: 1L), ReLU());
            private readonly Module<Tensor, Tensor> classes = Conv2d(16, 5, 1);

            public TinyUNet() : base(nameof(TinyUNet)) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                var e1 = enc1.forward(x);
                var e2 = enc2.forward(functional.max_pool2d(e1, 2));
                var d = dec.forward(torch.cat(new[] { up.forward(e2), e1 }, 1));
                return classes.forward(d);
            }
        }
        """;

    private const string Vae = """
        [MemoryProfile(1, 16, 16, Loss = LossKind.Mse)]
        public partial class ConvVae : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> encoder = Sequential(
                Conv2d(1, 16, 4, stride: 2L, padding: 1L), ReLU(), Conv2d(16, 32, 4, stride: 2L, padding: 1L), ReLU(), Flatten());
            private readonly Linear mu = Linear(32 * 4 * 4, 8);
            private readonly Linear logVariance = Linear(32 * 4 * 4, 8);
            private readonly Linear expand = Linear(8, 32 * 4 * 4);
            private readonly Module<Tensor, Tensor> decoder = Sequential(
                ConvTranspose2d(32, 16, 4, stride: 2L, padding: 1L), ReLU(), ConvTranspose2d(16, 1, 4, stride: 2L, padding: 1L), Sigmoid());

            public ConvVae() : base(nameof(ConvVae)) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                var h = encoder.forward(x);
                var m = mu.forward(h);
                var std = torch.exp(0.5 * logVariance.forward(h));
                var z = m + std * torch.randn_like(std);
                return decoder.forward(expand.forward(z).view(-1, 32, 4, 4));
            }
        }
        """;

    private const string Espcn = """
        [MemoryProfile(1, 17, 15, Loss = LossKind.Mse)]
        public partial class Espcn : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> features = Sequential(
                Conv2d(1, 64, 5, padding: 2L), Tanh(), Conv2d(64, 32, 3, padding: 1L), Tanh(), Conv2d(32, 9, 3, padding: 1L));
            private readonly Module<Tensor, Tensor> shuffle = PixelShuffle(3);

            public Espcn() : base(nameof(Espcn)) => RegisterComponents();

            public override Tensor forward(Tensor x) => shuffle.forward(features.forward(x)).sigmoid();
        }
        """;

    private const string DiffusionUpBlock = """
        [MemoryProfile(32, 8, 8, Loss = LossKind.Mse)]
        public partial class DiffusionUpBlock : Module<Tensor, Tensor>
        {
            private readonly ResBlock first = new(32, 16);
            private readonly ResBlock second = new(16, 16);
            private readonly Module<Tensor, Tensor> up = Upsample(scale_factor: new double[] { 2, 2 });
            private readonly Module<Tensor, Tensor> conv = Conv2d(16, 16, 3, padding: 1L);
            private readonly Module<Tensor, Tensor> output = Sequential(GroupNorm(4, 16), SiLU(), Conv2d(16, 3, 3, padding: 1L));

            public DiffusionUpBlock() : base(nameof(DiffusionUpBlock)) => RegisterComponents();

            public override Tensor forward(Tensor x) => output.forward(conv.forward(up.forward(second.forward(first.forward(x)))));
        }

        public class ResBlock : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> norm1, conv1, norm2, conv2, skip;

            public ResBlock(long input, long output) : base(nameof(ResBlock))
            {
                norm1 = GroupNorm(8, input);
                conv1 = Conv2d(input, output, 3, padding: 1L);
                norm2 = GroupNorm(8, output);
                conv2 = Conv2d(output, output, 3, padding: 1L);
                skip = input == output ? Identity() : Conv2d(input, output, 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var h = conv1.forward(functional.silu(norm1.forward(x)));
                h = conv2.forward(functional.silu(norm2.forward(h)));
                return skip.forward(x) + h;
            }
        }
        """;

    private const string Yolo = """
        [MemoryProfile(3, 32, 32, Loss = LossKind.Mse)]
        public partial class YoloNeck : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> stem = Cbs(3, 16, 3, 2);
            private readonly Module<Tensor, Tensor> down1 = Cbs(16, 32, 3, 2);
            private readonly Module<Tensor, Tensor> down2 = Cbs(32, 64, 3, 2);
            private readonly Module<Tensor, Tensor> reduce = Cbs(64, 32, 1, 1);
            private readonly Module<Tensor, Tensor> pool = MaxPool2d(5, stride: 1, padding: 2);
            private readonly Module<Tensor, Tensor> sppf = Cbs(128, 64, 1, 1);
            private readonly Module<Tensor, Tensor> up = Upsample(scale_factor: new double[] { 2, 2 }, mode: UpsampleMode.Nearest);
            private readonly Module<Tensor, Tensor> fuse = Cbs(96, 32, 3, 1);
            private readonly Module<Tensor, Tensor> detect = Conv2d(32, 18, 1);

            public YoloNeck() : base(nameof(YoloNeck)) => RegisterComponents();

            private static Module<Tensor, Tensor> Cbs(long cin, long cout, long k, long s) =>
                Sequential(Conv2d(cin, cout, k, stride: s, padding: k / 2, bias: false), BatchNorm2d(cout), SiLU());

            public override Tensor forward(Tensor x)
            {
                var p3 = down1.forward(stem.forward(x));
                var p4 = down2.forward(p3);
                var r = reduce.forward(p4);
                var y1 = pool.forward(r);
                var y2 = pool.forward(y1);
                var y3 = pool.forward(y2);
                var s = sppf.forward(torch.cat(new[] { r, y1, y2, y3 }, 1));
                var f = fuse.forward(torch.cat(new[] { up.forward(s), p3 }, 1));
                return detect.forward(f);
            }
        }
        """;

    private const string YoloV5n = """
        [MemoryProfile(3, 320, 320, Loss = LossKind.Mse)]
        public partial class YoloV5n : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> b0 = Cbs(3, 16, 6, 2, 2), b1 = Cbs(16, 32, 3, 2, 1), b3 = Cbs(32, 64, 3, 2, 1),
                b5 = Cbs(64, 128, 3, 2, 1), b7 = Cbs(128, 256, 3, 2, 1);
            private readonly C3 c2 = new(32, 32, 1), c4 = new(64, 64, 2), c6 = new(128, 128, 3), c8 = new(256, 256, 1);
            private readonly Module<Tensor, Tensor> sppIn = Cbs(256, 128, 1, 1, 0), sppOut = Cbs(512, 256, 1, 1, 0);
            private readonly Module<Tensor, Tensor> pool = MaxPool2d(5, stride: 1, padding: 2);
            private readonly Module<Tensor, Tensor> h10 = Cbs(256, 128, 1, 1, 0), up = Upsample(scale_factor: new double[] { 2, 2 });
            private readonly C3 c13 = new(256, 128, 1, false), c17 = new(128, 64, 1, false);
            private readonly Module<Tensor, Tensor> h14 = Cbs(128, 64, 1, 1, 0);
            private readonly Module<Tensor, Tensor> detect = Conv2d(64, 255, 1);

            public YoloV5n() : base(nameof(YoloV5n)) => RegisterComponents();

            internal static Module<Tensor, Tensor> Cbs(long cin, long cout, long k, long s, long p) =>
                Sequential(Conv2d(cin, cout, k, stride: s, padding: p, bias: false), BatchNorm2d(cout), SiLU());

            public override Tensor forward(Tensor x)
            {
                var p3 = c4.forward(b3.forward(c2.forward(b1.forward(b0.forward(x)))));
                var p4 = c6.forward(b5.forward(p3));
                var t = c8.forward(b7.forward(p4));
                var r = sppIn.forward(t);
                var y1 = pool.forward(r);
                var y2 = pool.forward(y1);
                t = sppOut.forward(torch.cat(new[] { r, y1, y2, pool.forward(y2) }, 1));
                var h = h10.forward(t);
                t = c13.forward(torch.cat(new[] { up.forward(h), p4 }, 1));
                var h2 = h14.forward(t);
                return detect.forward(c17.forward(torch.cat(new[] { up.forward(h2), p3 }, 1)));
            }
        }

        public class C3 : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> cv1, cv2, cv3;
            private readonly ModuleList<Module<Tensor, Tensor>> blocks = new();
            private readonly bool shortcut;
            public C3(long cin, long cout, long n, bool shortcut = true) : base(nameof(C3))
            {
                var hidden = cout / 2;
                this.shortcut = shortcut;
                cv1 = YoloV5n.Cbs(cin, hidden, 1, 1, 0);
                cv2 = YoloV5n.Cbs(cin, hidden, 1, 1, 0);
                cv3 = YoloV5n.Cbs(2 * hidden, cout, 1, 1, 0);
                for (var i = 0; i < n; i++) blocks.Add(Sequential(YoloV5n.Cbs(hidden, hidden, 1, 1, 0), YoloV5n.Cbs(hidden, hidden, 3, 1, 1)));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var a = cv1.forward(x);
                foreach (var block in blocks) a = shortcut ? a + block.forward(a) : block.forward(a);
                return cv3.forward(torch.cat(new[] { a, cv2.forward(x) }, 1));
            }
        }
        """;

    private const string UNet4 = """
        [MemoryProfile(3, 128, 128, Loss = LossKind.CrossEntropy)]
        public partial class UNet4 : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> e1 = Block(3, 16), e2 = Block(16, 32), e3 = Block(32, 64), e4 = Block(64, 128);
            private readonly Module<Tensor, Tensor> u3 = ConvTranspose2d(128, 64, 2, stride: 2), u2 = ConvTranspose2d(64, 32, 2, stride: 2),
                u1 = ConvTranspose2d(32, 16, 2, stride: 2);
            private readonly Module<Tensor, Tensor> d3 = Block(128, 64), d2 = Block(64, 32), d1 = Block(32, 16);
            private readonly Module<Tensor, Tensor> classes = Conv2d(16, 4, 1);
            public UNet4() : base(nameof(UNet4)) => RegisterComponents();
            private static Module<Tensor, Tensor> Block(long cin, long cout) => Sequential(Conv2d(cin, cout, 3, padding: 1, bias: false),
                BatchNorm2d(cout), ReLU(inplace: true), Conv2d(cout, cout, 3, padding: 1, bias: false), BatchNorm2d(cout), ReLU(inplace: true));
            public override Tensor forward(Tensor x)
            {
                var a = e1.forward(x);
                var b = e2.forward(functional.max_pool2d(a, 2));
                var c = e3.forward(functional.max_pool2d(b, 2));
                var d = e4.forward(functional.max_pool2d(c, 2));
                var y = d3.forward(torch.cat(new[] { u3.forward(d), c }, 1));
                y = d2.forward(torch.cat(new[] { u2.forward(y), b }, 1));
                y = d1.forward(torch.cat(new[] { u1.forward(y), a }, 1));
                return classes.forward(y);
            }
        }
        """;

    private const string Inception = """
        [MemoryProfile(32, 28, 28)]
        public partial class InceptionBlock : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> b1 = Conv2d(32, 16, 1);
            private readonly Module<Tensor, Tensor> b2 = Sequential(Conv2d(32, 24, 1), ReLU(), Conv2d(24, 32, 3, padding: 1));
            private readonly Module<Tensor, Tensor> b3 = Sequential(Conv2d(32, 8, 1), ReLU(), Conv2d(8, 16, 5, padding: 2));
            private readonly Module<Tensor, Tensor> b4 = Sequential(MaxPool2d(3, stride: 1, padding: 1), Conv2d(32, 16, 1));
            private readonly Linear head = Linear(80, 10);
            public InceptionBlock() : base(nameof(InceptionBlock)) => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var y = functional.relu(torch.cat(new[] { b1.forward(x), b2.forward(x), b3.forward(x), b4.forward(x) }, 1));
                return head.forward(functional.adaptive_avg_pool2d(y, 1).flatten(1));
            }
        }
        """;

    private const string Bottlenecks = """
        [MemoryProfile(3, 112, 112)]
        public partial class ResNetBottlenecks : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> stem = Sequential(Conv2d(3, 32, 7, stride: 2, padding: 3, bias: false), BatchNorm2d(32), ReLU(),
                MaxPool2d(3, stride: 2, padding: 1));
            private readonly Bottleneck b1 = new(32, 16, 64, 1), b2 = new(64, 32, 128, 2);
            private readonly Linear fc = Linear(128, 10);
            public ResNetBottlenecks() : base(nameof(ResNetBottlenecks)) => RegisterComponents();
            public override Tensor forward(Tensor x) =>
                fc.forward(functional.adaptive_avg_pool2d(b2.forward(b1.forward(stem.forward(x))), 1).flatten(1));
        }

        public class Bottleneck : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> body, shortcut;
            public Bottleneck(long cin, long mid, long cout, long stride) : base(nameof(Bottleneck))
            {
                body = Sequential(Conv2d(cin, mid, 1, bias: false), BatchNorm2d(mid), ReLU(),
                    Conv2d(mid, mid, 3, stride: stride, padding: 1, bias: false), BatchNorm2d(mid), ReLU(),
                    Conv2d(mid, cout, 1, bias: false), BatchNorm2d(cout));
                shortcut = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: false), BatchNorm2d(cout));
                RegisterComponents();
            }
            public override Tensor forward(Tensor x) => functional.relu(body.forward(x) + shortcut.forward(x));
        }
        """;

    [Theory]
    [InlineData("MobileNetV2Small", MobileNetV2)]
    [InlineData("DcganDiscriminator", Discriminator)]
    [InlineData("DcganGenerator", Generator)]
    [InlineData("TinyUNet", UNet)]
    [InlineData("ConvVae", Vae)]
    [InlineData("Espcn", Espcn)]
    [InlineData("DiffusionUpBlock", DiffusionUpBlock)]
    [InlineData("YoloNeck", Yolo)]
    [InlineData("UNet4", UNet4)]
    [InlineData("InceptionBlock", Inception)]
    [InlineData("ResNetBottlenecks", Bottlenecks)]
    public void Every_row_equals_the_allocation_counter(string name, string source) =>
        ExactRows.AssertModelExact(name, source, new long[] { 1, 2, 3 }, "vision", output.WriteLine);

    /// <summary>A YOLOv5n-style detector (C3 blocks, SPPF, the FPN's upsampled cats) at 320 × 320, as detection ports run it.</summary>
    [Fact]
    public void A_yolo_v5n_at_320_equals_the_allocation_counter() =>
        ExactRows.AssertModelExact("YoloV5n", YoloV5n, new long[] { 1, 2 }, "vision", output.WriteLine);
}
