using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchBudget.Tests.Zoo;

/// <summary>
/// torchvision's vgg11 (configuration "A"): the feature extractor is built by a foreach over a
/// static configuration table into a List, then wrapped in a Sequential.
/// </summary>
[MemoryProfile(3, 224, 224, BatchSizes = new long[] { 1, 16, 64 })]
public partial class Vgg11 : Module<Tensor, Tensor>
{
    private const int M = 0; // max pooling marker in the table
    private static readonly int[] Config = { 64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M };

    private readonly Module<Tensor, Tensor> features;
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor> classifier;

    public Vgg11(int numClasses = 1000, double dropout = 0.5) : base(nameof(Vgg11))
    {
        var layers = new List<Module<Tensor, Tensor>>();
        long inChannels = 3;
        foreach (var v in Config)
        {
            if (v == M)
            {
                layers.Add(MaxPool2d(kernel_size: 2, stride: 2));
            }
            else
            {
                layers.Add(Conv2d(inChannels, v, kernel_size: 3, padding: 1));
                layers.Add(ReLU(inplace: true));
                inChannels = v;
            }
        }
        features = Sequential(layers);
        avgpool = AdaptiveAvgPool2d(new long[] { 7, 7 });
        classifier = Sequential(
            Linear(512 * 7 * 7, 4096),
            ReLU(true),
            Dropout(p: dropout),
            Linear(4096, 4096),
            ReLU(true),
            Dropout(p: dropout),
            Linear(4096, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = avgpool.forward(features.forward(x));
        x = x.flatten(1);
        return classifier.forward(x);
    }
}
