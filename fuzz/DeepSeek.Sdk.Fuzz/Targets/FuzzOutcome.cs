namespace DeepSeek.Sdk.Fuzzing;

/// <summary>How a run that did not fail ended: the input was accepted, or refused with the SDK's typed exception.</summary>
public enum FuzzOutcome
{
    Accepted,
    Refused,
}
