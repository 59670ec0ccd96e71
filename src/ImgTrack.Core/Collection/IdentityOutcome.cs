using System;
using System.Collections.Generic;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>The result for one input: an identity, or an error to report against that input. Never both.</summary>
public sealed class IdentityOutcome
{
    private IdentityOutcome(string input, ImageIdentity? identity, IdentityError? error, string? detail, Exception? exception, RepoDigestCheck? repoDigestCheck = null)
    {
        Input = input;
        Identity = identity;
        Error = error;
        Detail = detail;
        Exception = exception;
        RepoDigestCheck = repoDigestCheck;
    }

    /// <summary>The input as given (the error record's target).</summary>
    public string Input { get; }

    /// <summary>The identity, when the input resolved.</summary>
    public ImageIdentity? Identity { get; }

    /// <summary>The error, when it did not.</summary>
    public IdentityError? Error { get; }

    /// <summary>For <see cref="IdentityError.InvalidImageReference"/> the rule that failed; for
    /// <see cref="IdentityError.ImageInspectFailed"/> the engine's message; else null.</summary>
    public string? Detail { get; }

    /// <summary>The exception behind the error (the grammar's, or the engine client's), kept for the error record.</summary>
    public Exception? Exception { get; }

    /// <summary>What the registry said of an engine image's tag (<c>-ResolveRepoDigest</c>); null when it was not asked.</summary>
    public RepoDigestCheck? RepoDigestCheck { get; }

    /// <summary>What the source left out of its answer for this input, and why (a tag that is no name, a repo digest
    /// that is no digest): one warning each, written before the identity. Empty for most outcomes.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>True when the image has no repo digest, so its tracking ID is its image ID.</summary>
    public bool NeverPushed => Identity?.TrackingIdSource == nameof(TrackingIdSource.ImageId);

    /// <summary>A resolved input.</summary>
    public static IdentityOutcome Resolved(string input, ImageIdentity identity) =>
        new(input, identity ?? throw new ArgumentNullException(nameof(identity)), null, null, null);

    /// <summary>A resolved input whose tag was also looked up in its registry.</summary>
    public static IdentityOutcome Resolved(string input, ImageIdentity identity, RepoDigestCheck? repoDigestCheck) =>
        new(input, identity ?? throw new ArgumentNullException(nameof(identity)), null, null, null, repoDigestCheck);

    /// <summary>A resolved input, with the warnings of its source's answer (<see cref="Identity.ImageFacts.Warnings"/>).</summary>
    public static IdentityOutcome Resolved(string input, ImageIdentity identity, RepoDigestCheck? repoDigestCheck, IReadOnlyList<string> warnings) =>
        new(input, identity ?? throw new ArgumentNullException(nameof(identity)), null, null, null, repoDigestCheck)
        {
            Warnings = warnings ?? throw new ArgumentNullException(nameof(warnings)),
        };

    /// <summary>The outcome of an input that breaks the grammar: no engine call is made for it.</summary>
    public static IdentityOutcome Invalid(ImageInput input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (input.Kind != ImageInputKind.Invalid)
        {
            throw new ArgumentException(CoreMessages.InputIsValid, nameof(input));
        }

        return new(input.Text, null, IdentityError.InvalidImageReference, input.Error, input.Exception);
    }

    /// <summary>A failed input.</summary>
    public static IdentityOutcome Failed(string input, IdentityError error, string? detail = null, Exception? exception = null) =>
        new(input, null, error, detail, exception);
}
