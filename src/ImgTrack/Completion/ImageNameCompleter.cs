using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using ImgTrack.Engine;

namespace ImgTrack.Completion;

/// <summary>
/// Completes <c>-Name</c> with the local engine's image tags (the engine of <c>-DockerHost</c> when it is already
/// on the command line). Quiet and quick when there is no engine: no candidates after at most
/// <see cref="ImageNameCompletion.DefaultTimeout"/>, never an error at the prompt.
/// </summary>
public sealed class ImageNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var dockerHost = BoundString(fakeBoundParameters, "DockerHost");

        // Keep the quote the user opened, and close it: tags hold no spaces or quotes, but the user chose one.
        var word = wordToComplete ?? string.Empty;
        var quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Substring(0, 1) : string.Empty;
        word = word.Substring(quote.Length).TrimEnd('\'', '"');

        var tags = ImageNameCompletion
            .CompleteAsync(() => ImageEngineFactory.Create(dockerHost), word, ImageNameCompletion.DefaultTimeout)
            .GetAwaiter()
            .GetResult();

        var results = new List<CompletionResult>(tags.Count);
        foreach (var tag in tags)
        {
            results.Add(new CompletionResult(quote + tag + quote, tag, CompletionResultType.ParameterValue, tag));
        }

        return results;
    }

    private static string? BoundString(IDictionary? fakeBoundParameters, string name)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name))
        {
            return null;
        }

        var value = fakeBoundParameters[name];
        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        return value as string;
    }
}
