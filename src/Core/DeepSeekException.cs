namespace DeepSeek.Sdk;

/// <summary>
/// The base of every exception the SDK throws because of what it was given (a model folder, a config, a checkpoint,
/// a tokenizer, a chat template, an image, a prompt, a device choice) rather than because of a defect in the SDK. Its
/// message names the file and the field, tensor or option that was wrong, and what was expected, so an application can
/// show it to the user as it is: <c>catch (DeepSeekException e)</c> separates "your input is wrong" from bugs.
/// </summary>
/// <remarks>A limit an input breached (nesting depth, loop iterations, a size in a config, a scan count) is reported
/// the same way, by the area's own exception type, naming the limit's option so that a caller who trusts the input can
/// raise it.</remarks>
public abstract class DeepSeekException : Exception
{
    protected DeepSeekException(string message) : base(message) { }

    protected DeepSeekException(string message, Exception? innerException) : base(message, innerException) { }
}
