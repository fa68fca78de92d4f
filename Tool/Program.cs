using System;
using TorchBudget.Tool;

// torchbudget report <assembly or project> [options]: see ReportOptions.Usage
return ReportCommand.Run(args, Console.Out, Console.Error);
