using System;
using System.Management.Automation;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Registry;
using ImgTrack.Resources;
using ImgTrack.Text;

namespace ImgTrack.Reporting;

/// <summary>
/// A failed identity lookup in PowerShell's terms: the error record for one input's outcome, or for the failure that
/// ends the run. IDs and categories come from <see cref="ErrorTable"/>; messages from the module's resources, naming
/// the input, the endpoint and the rule that failed.
/// </summary>
internal static class IdentityErrorRecords
{
    /// <summary>The error record of one failed input.</summary>
    /// <param name="outcome">A failed outcome.</param>
    /// <param name="listed">True when the input came from the engine's own list (<c>-All</c>): a missing image then
    /// vanished during the run (docker rmi or a prune), and the message says so.</param>
    /// <param name="endpoint">The engine endpoint, for messages.</param>
    public static ErrorRecord ForItem(IdentityOutcome outcome, bool listed, string endpoint)
    {
        var error = outcome.Error ?? throw new ArgumentException(CommandStrings.OutcomeDidNotFail, nameof(outcome));
        var row = error == IdentityError.RegistryFailed ? ErrorTable.For((outcome.Exception as RegistryException)?.Error) : ErrorTable.For(error);
        var input = outcome.Input;
        switch (error)
        {
            case IdentityError.InvalidImageReference:
                return row.Record(outcome.Exception ?? new FormatException(outcome.Detail), input, MessageText.Format(EngineStrings.InvalidImageReference, input, outcome.Detail));
            case IdentityError.ImageNotFound:
                // Listed, then removed before its inspect: an item failure like any other, so an inventory that lacks
                // an image it listed says so; nothing is lost silently.
                var notFound = MessageText.Format(listed ? EngineStrings.ImageVanished : EngineStrings.ImageNotFound, input, endpoint);
                return row.Record(new ItemNotFoundException(notFound), input, notFound);
            case IdentityError.RemoteNameRequired:
                var nameRequired = MessageText.Format(RegistryStrings.RemoteNameRequired, input);
                return row.Record(new ArgumentException(nameRequired), input, nameRequired);
            case IdentityError.RegistryFailed:
                return row.Record(outcome.Exception ?? new InvalidOperationException(outcome.Detail), input, MessageText.Format(RegistryStrings.RegistryItemFailed, input, outcome.Detail));
            default:
                // The engine's own error about this image (ImageInspectFailed, and any engine error without a message of its own).
                return row.Record(outcome.Exception ?? new InvalidOperationException(outcome.Detail), input, MessageText.Format(EngineStrings.ImageInspectFailed, input, endpoint, outcome.Detail));
        }
    }

    /// <summary>The terminating error record of a failure that ends the run; null when the table knows no such failure.</summary>
    /// <param name="exception">What the core threw.</param>
    /// <param name="endpoint">The engine endpoint that answered the handshake; null before.</param>
    /// <param name="dockerHost">The endpoint as the caller gave it (<c>-DockerHost</c>); null for the default.</param>
    public static ErrorRecord? ForRun(Exception exception, string? endpoint, string? dockerHost)
    {
        if (ErrorTable.ForRunFailure(exception) is not { } row)
        {
            return null;
        }

        switch (exception)
        {
            case CredentialSpansRegistriesException spans:
                var message = MessageText.Format(RegistryStrings.CredentialSpansRegistries, spans.Registries.Count, string.Join(", ", spans.Registries));
                return row.Record(new ArgumentException(message, spans), ToArray(spans), message);
            case EngineConfigurationException or EngineApiTooOldException:
                // The settings, as given, are what failed: the core's message names the setting and where it came from,
                // or the engine's API version and the minimum.
                return row.Record(exception, dockerHost);
            default:
                return row.Record(exception, endpoint ?? dockerHost);
        }
    }

    private static string[] ToArray(CredentialSpansRegistriesException spans)
    {
        var registries = new string[spans.Registries.Count];
        for (var i = 0; i < registries.Length; i++)
        {
            registries[i] = spans.Registries[i];
        }

        return registries;
    }
}
