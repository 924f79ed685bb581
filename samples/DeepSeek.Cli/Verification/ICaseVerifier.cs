namespace DeepSeek.Cli.Verification;

/// <summary>Checks the SDK against one kind of reference fixture folder (see tests/Fixtures/README.md).
/// Each model family contributes a verifier; <see cref="CaseDispatcher"/> picks the one that claims a folder.</summary>
public interface ICaseVerifier
{
    /// <summary>Short name shown in reports, e.g. "tokenizers" or "deepseek_v3".</summary>
    string Kind { get; }

    bool CanVerify(CaseFolder folder);

    IReadOnlyList<CheckResult> Verify(CaseFolder folder, VerifyOptions options, CancellationToken cancellationToken);
}
