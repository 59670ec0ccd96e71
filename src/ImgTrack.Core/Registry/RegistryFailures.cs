using System;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>The failures more than one part of the registry client raises, each built in one place.</summary>
internal static class RegistryFailures
{
    /// <summary>
    /// <paramref name="who"/> (the registry, or its token service) did not answer before the name's deadline: a server
    /// that accepts and never answers. Remembered for the registry, so later names fail at once.
    /// </summary>
    public static RegistryException NoAnswer(RegistryState state, string who, NameContext context, Exception? cause)
    {
        var failure = new RegistryException(
            RegistryError.RegistryUnavailable,
            state.Endpoint.Registry,
            MessageText.Format(RegistryMessages.NoAnswer, who, Math.Ceiling(context.Deadline.TotalSeconds)),
            null,
            cause);
        state.Unreachable ??= failure;
        return failure;
    }

    /// <summary>The registry's credential lookup (a credential helper) gave nothing before the deadline: what was slow
    /// is named, and the registry, which was not yet asked, is not blamed nor remembered as unreachable.</summary>
    public static RegistryException CredentialNoAnswer(RegistryState state, string source, NameContext context, Exception? cause) =>
        new(
            RegistryError.RegistryUnavailable,
            state.Endpoint.Registry,
            MessageText.Format(RegistryMessages.CredentialNoAnswer, source, state.Endpoint.Registry, Math.Ceiling(context.Deadline.TotalSeconds)),
            null,
            cause);

    /// <summary>A registry found unreachable earlier in the run is not asked again.</summary>
    public static RegistryException NotAskedAgain(RegistryState state, RegistryException unreachable) =>
        new(
            RegistryError.RegistryUnavailable,
            state.Endpoint.Registry,
            MessageText.Format(RegistryMessages.NotAskedAgain, state.Endpoint.Registry, unreachable.Message),
            unreachable.StatusCode,
            unreachable);

    /// <summary>": the server's words." or ".": what follows a status in a message, the words made safe to quote.</summary>
    public static string Words(string? words)
    {
        var quoted = Network.ServerText.Quote(words);
        return quoted.Length == 0 ? "." : ": " + quoted + ".";
    }
}
