using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace ImgTrack.Inventory;

/// <summary>
/// The texts of one merge read once each: a fleet's inventory repeats the same digests, tags and server names on every
/// server (the benchmark's 50,000 rows hold about 4,000 distinct images), so each distinct text goes through the
/// reference grammar once and later rows cost a dictionary lookup.
/// </summary>
internal sealed class InventoryText
{
    private readonly Dictionary<string, string> _keyOfText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _nameTagOfText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _upper = new(StringComparer.Ordinal);

    /// <summary>The tracking key of a repo digest, image ID or imageID (<see cref="TrackingKey.TryCreate"/>).</summary>
    public bool TryNormalize(string text, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (_keyOfText.TryGetValue(text, out key))
        {
            return true;
        }

        if (!TrackingKey.TryCreate(text, out key, out error))
        {
            return false;
        }

        _keyOfText.Add(text, key);
        return true;
    }

    /// <summary>The fully qualified <c>repository:tag</c> of a name without a digest (a digest cannot move); else null.</summary>
    public string? NameTag(string text)
    {
        if (!_nameTagOfText.TryGetValue(text, out var nameTag))
        {
            nameTag = ImageReference.TryParse(text, out var reference) && reference.Digest is null
                ? reference.FullName + ":" + reference.Tag
                : null;
            _nameTagOfText.Add(text, nameTag);
        }

        return nameTag;
    }

    /// <summary>A server name in upper case: host names compare without case.</summary>
    public string Upper(string text)
    {
        if (!_upper.TryGetValue(text, out var upper))
        {
            upper = text.ToUpperInvariant();
            _upper.Add(text, upper);
        }

        return upper;
    }
}
