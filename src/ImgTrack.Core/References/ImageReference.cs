using System;
using System.Diagnostics.CodeAnalysis;

namespace ImgTrack;

// SKELETON: the public shape every layer codes against. The grammar work replaces the internals.

/// <summary>An image name read with Docker's reference grammar (distribution/reference v0.6.0 ParseNormalizedNamed).</summary>
public sealed class ImageReference
{
    private ImageReference(string original)
    {
        Original = original;
        Registry = RegistryHost = Repository = string.Empty;
    }

    /// <summary>The text as given.</summary>
    public string Original { get; }

    /// <summary>host[:port] as in the name; <c>docker.io</c> by default.</summary>
    public string Registry { get; }

    /// <summary>The registry host without the port (IPv6 keeps its brackets).</summary>
    public string RegistryHost { get; }

    /// <summary>The port when its digits are 1–65535, else null.</summary>
    public int? Port { get; }

    /// <summary>The repository path, e.g. <c>library/nginx</c>.</summary>
    public string Repository { get; }

    /// <summary>The explicit tag; <c>latest</c> when the name has neither tag nor digest; else null.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or null.</summary>
    public string? Digest { get; }

    /// <summary>Registry and repository: <c>docker.io/library/nginx</c>.</summary>
    public string FullName => Registry + "/" + Repository;

    /// <summary>The short form Docker shows: <c>nginx</c>.</summary>
    public string FamiliarName => FullName;

    /// <summary>The canonical reference: <c>docker.io/library/nginx:latest</c>, <c>…:tag@digest</c> when both.</summary>
    public string Reference => FullName;

    /// <summary>Parses a name; throws <see cref="ImageReferenceFormatException"/> naming the rule that failed.</summary>
    public static ImageReference Parse(string name) => throw new NotImplementedException(name);

    /// <summary>Parses a name; false when it is not valid.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        return false;
    }

    /// <summary>The canonical reference.</summary>
    public override string ToString() => Reference;
}

/// <summary>An image name broke a rule of the reference grammar; the message names the part and the rule.</summary>
public class ImageReferenceFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ImageReferenceFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ImageReferenceFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ImageReferenceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
