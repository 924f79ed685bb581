using DeepSeek.Sdk.Text;

namespace DeepSeek.Cli.Verification;

/// <summary>Finds the verifier for a case folder. A folder no verifier claims is an error (a command-line one: the
/// folder named is not a case), never a pass.</summary>
public sealed class CaseDispatcher(IReadOnlyList<ICaseVerifier> verifiers)
{
    public static CaseDispatcher Default { get; } = new(
    [
        new TokenizersCaseVerifier(),
        new CausalModelCaseVerifier("text model", TextModels.SupportedModelTypes, static (dir, backend) => TextModels.Load(dir, backend)),
        new JanusCaseVerifier(),
    ]);

    public IReadOnlyList<ICaseVerifier> Verifiers { get; } = verifiers;

    public ICaseVerifier Find(CaseFolder folder)
    {
        foreach (var v in Verifiers)
            if (v.CanVerify(folder)) return v;
        string what = folder.ModelType is { } mt ? $"model_type '{mt}'" : "this folder layout";
        throw new Commands.UsageException(
            $"No verifier handles {what} in '{folder.Path}'. Known case kinds: {(Verifiers.Count == 0 ? "none" : string.Join(", ", Verifiers.Select(v => v.Kind)))}.");
    }
}
