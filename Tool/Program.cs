using System;
using TorchBudget.Tool;

// torchbudget report <assembly or project> [--html DIR] [--budget SIZE] [--batch N] [--model NAME]
return ReportCommand.Run(args, Console.Out, Console.Error);
