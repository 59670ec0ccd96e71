using System;

namespace ImgTrack.Registry;

/// <summary>
/// A registry gave no identity for a name; <see cref="Error"/> classifies why. The message names the registry, the
/// repository and what failed, and never holds a secret. Thrown by <see cref="RemoteImageResolver.ResolveAsync"/>
/// for per-name failures; cancellation by the caller is an <see cref="OperationCanceledException"/> instead.
/// </summary>
public class RegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its classification.</summary>
    /// <param name="error">Why.</param>
    /// <param name="registry">The registry as in the name (<c>docker.io</c>, <c>127.0.0.1:5000</c>).</param>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status that decided it, or null.</param>
    /// <param name="innerException">The cause, or null.</param>
    public RegistryException(RegistryError error, string registry, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Registry = registry;
        StatusCode = statusCode;
    }

    /// <summary>The classification (the error ID).</summary>
    public RegistryError Error { get; } = RegistryError.RegistryUnavailable;

    /// <summary>The registry as in the name.</summary>
    public string? Registry { get; }

    /// <summary>The HTTP status that decided the failure, or null (transport failures, bad bytes).</summary>
    public int? StatusCode { get; }

    /// <summary>For <see cref="RegistryError.RegistryUnauthorized"/> the scope refused (<c>repository:team/app:pull</c>).</summary>
    public string? Scope { get; internal set; }
}
