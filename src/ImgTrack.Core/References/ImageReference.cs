using System;
using System.Diagnostics.CodeAnalysis;
using ImgTrack.References;

namespace ImgTrack;

/// <summary>
/// An image name read with Docker's reference grammar: <c>ParseNormalizedNamed</c> in
/// github.com/distribution/reference v0.6.0, with one deliberate difference (a registry host must not contain '_').
/// </summary>
/// <remarks>
/// Parsing validates the whole name and records where its parts lie; each part becomes a string the first time it is
/// read and is kept. The instance is immutable: concurrent first reads build equal strings.
/// </remarks>
public sealed class ImageReference
{
    // Parts are built on first read because TryParse alone (Test-ImageReference) needs none of them: building all eight
    // at parse time made it about twice as slow. They are kept because views and Export-Csv read them again, and
    // FullName, FamiliarName and Reference are built from the others: without the cache, parse plus every property
    // was about 1.5x slower (variants timed side by side on ImageReferenceParseBenchmarks' names).
    private readonly NameLayout _layout;
    private string? _registry;
    private string? _registryHost;
    private string? _repository;
    private string? _tag;
    private string? _digest;
    private string? _fullName;
    private string? _familiarName;
    private string? _reference;

    internal ImageReference(string original, NameLayout layout)
    {
        Original = original;
        _layout = layout;
    }

    /// <summary>The text as given.</summary>
    public string Original { get; }

    /// <summary>host[:port] as in the name; <c>docker.io</c> by default (and for <c>index.docker.io</c>).</summary>
    public string Registry => _registry ??= _layout.DockerHub
        ? ImageReferenceParser.DockerHub
        : Slice(Original, 0, _layout.RegistryEnd);

    /// <summary>The registry host without the port (IPv6 keeps its brackets).</summary>
    public string RegistryHost => _registryHost ??= _layout.DockerHub || _layout.HostEnd == _layout.RegistryEnd
        ? Registry
        : Original.Substring(0, _layout.HostEnd);

    /// <summary>The port when its digits are 1–65535, else null (Docker accepts any digits; so do we).</summary>
    public int? Port => _layout.Port;

    /// <summary>The repository path, e.g. <c>library/nginx</c>.</summary>
    public string Repository => _repository ??= _layout.OfficialPrefix
        ? ImageReferenceParser.OfficialPrefix + Slice(Original, _layout.PathStart, _layout.PathEnd)
        : Slice(Original, _layout.PathStart, _layout.PathEnd);

    /// <summary>The explicit tag; <c>latest</c> when the name has neither tag nor digest; null when it has only a digest.</summary>
    public string? Tag => _layout.TagStart >= 0
        ? _tag ??= Original.Substring(_layout.TagStart, _layout.TagEnd - _layout.TagStart)
        : _layout.DigestStart >= 0 ? null : ImageReferenceParser.DefaultTag;

    /// <summary>The digest (<c>sha256:…</c>), or null.</summary>
    public string? Digest => _layout.DigestStart >= 0 ? _digest ??= Original.Substring(_layout.DigestStart) : null;

    /// <summary>Registry and repository: <c>docker.io/library/nginx</c>.</summary>
    public string FullName => _fullName ??= _layout.FullNameAsWritten
        ? Slice(Original, 0, _layout.PathEnd)
        : string.Concat(Registry, "/", Repository);

    /// <summary>The short form Docker shows: <c>nginx</c>, <c>team/app</c>, <c>localhost:5000/app</c>.</summary>
    public string FamiliarName => _familiarName ??= Familiarize();

    /// <summary>The canonical reference: <c>docker.io/library/nginx:latest</c>; <c>…:tag@digest</c> when both; <c>…@digest</c> when only a digest.</summary>
    public string Reference => _reference ??= Canonicalize();

    /// <summary>Parses a name; throws <see cref="ImageReferenceFormatException"/> naming the part and the rule that failed.</summary>
    /// <param name="name">The image name, e.g. <c>nginx:1.25</c> or <c>127.0.0.1:5000/team/app@sha256:…</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ImageReferenceFormatException">The name is not valid.</exception>
    public static ImageReference Parse(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        return ImageReferenceParser.Parse(name, out var error) ?? throw new ImageReferenceFormatException(error!);
    }

    /// <summary>Parses a name; false when it is not valid.</summary>
    /// <param name="name">The image name; null is not valid.</param>
    /// <param name="reference">The parsed reference, or null.</param>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ImageReference? reference) =>
        TryParse(name, out reference, out _);

    /// <summary>Parses a name; false, with the message naming the part and the rule that failed, when it is not valid.</summary>
    /// <param name="name">The image name; null is not valid.</param>
    /// <param name="reference">The parsed reference, or null.</param>
    /// <param name="error">Null on success, else the rule that failed.</param>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        if (name is null)
        {
            reference = null;
            error = ReferenceMessages.NameEmpty;
            return false;
        }

        reference = ImageReferenceParser.Parse(name, out error);
        return reference is not null;
    }

    /// <summary>The canonical reference.</summary>
    public override string ToString() => Reference;

    // The canonical reference is the full name plus the name's own ":tag@digest" suffix, which Docker keeps as written.
    private string Canonicalize()
    {
        var pathEnd = _layout.PathEnd;
        if (pathEnd == Original.Length)
        {
            return string.Concat(FullName, ImageReferenceParser.ColonDefaultTag);
        }

        return _layout.FullNameAsWritten
            ? Original
            : FullName + Original.Substring(pathEnd);
    }

    // familiarizeName: drop docker.io, and library/ when nothing else follows it.
    private string Familiarize()
    {
        if (!_layout.DockerHub)
        {
            return FullName;
        }

        if (_layout.OfficialPrefix)
        {
            return Slice(Original, _layout.PathStart, _layout.PathEnd);
        }

        var repository = Repository;
        var prefix = ImageReferenceParser.OfficialPrefix;
        return repository.StartsWith(prefix, StringComparison.Ordinal) && repository.IndexOf('/', prefix.Length) < 0
            ? repository.Substring(prefix.Length)
            : repository;
    }

    /// <summary><c>s[start..end)</c>, reusing <paramref name="s"/> when that is all of it.</summary>
    private static string Slice(string s, int start, int end) =>
        start == 0 && end == s.Length ? s : s.Substring(start, end - start);
}
