// The samples' CIFAR MLP and ResNet-18 (with its BasicBlock) are zoo models too, compiled from Samples/ (see the
// project file), so the models users read and the models the tests check are one source.
global using TorchBudget.Samples.Models;
