using System;
using System.Collections.Generic;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>A credential was given for names in more than one registry: a credential belongs to one registry, and
/// sending it to another would hand a secret to a host it was not meant for.</summary>
public class CredentialSpansRegistriesException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public CredentialSpansRegistriesException()
    {
        Registries = Array.Empty<string>();
    }

    /// <summary>Creates the exception with a message.</summary>
    public CredentialSpansRegistriesException(string message)
        : base(message)
    {
        Registries = Array.Empty<string>();
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CredentialSpansRegistriesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Registries = Array.Empty<string>();
    }

    /// <summary>Creates the exception for the registries the names are in.</summary>
    public CredentialSpansRegistriesException(IReadOnlyList<string> registries)
        : base(MessageText.Format(CoreMessages.CredentialSpansRegistries, (registries ?? throw new ArgumentNullException(nameof(registries))).Count, string.Join(", ", registries)))
    {
        Registries = registries;
    }

    /// <summary>The registries the names are in, in the order first seen.</summary>
    public IReadOnlyList<string> Registries { get; }
}
