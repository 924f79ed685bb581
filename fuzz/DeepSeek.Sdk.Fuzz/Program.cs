using DeepSeek.Sdk.Fuzzing;

// The AFL harness of the SDK's untrusted-input parsers; fuzz/run.sh drives it and docs/reliability.md explains it.
//   DeepSeek.Sdk.Fuzz list
//   DeepSeek.Sdk.Fuzz <target> [--in-process]                       run under afl-fuzz (input on stdin)
//   DeepSeek.Sdk.Fuzz replay <target> <file|folder>... [--timeout-ms N] [--slow-ms N]
//   DeepSeek.Sdk.Fuzz seeds <repository root> <output folder>       each target's seed corpus, from the repository's files
FuzzHarness.AttachScratchCoverageMap();
if (args.Length == 0)
    return FuzzHarness.Usage();
switch (args[0])
{
    case "list":
        foreach (var target in FuzzTargets.All)
            Console.WriteLine($"{target.Name,-12} {target.Description}");
        return 0;
    case "replay" when args.Length >= 3:
        return ReplayCommand.Run(args[1..]);
    case "seeds" when args.Length == 3:
        return SeedCorpus.Write(args[1], args[2]);
    default:
        return FuzzHarness.Fuzz(args);
}
