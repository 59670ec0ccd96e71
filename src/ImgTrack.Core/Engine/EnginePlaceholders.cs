using System;
using System.Collections.Generic;

namespace ImgTrack.Engine;

/// <summary>
/// Engines before API 1.43 list an untagged image with the placeholders <c>&lt;none&gt;:&lt;none&gt;</c> and
/// <c>&lt;none&gt;@&lt;none&gt;</c> (API 1.43 and later list empty arrays). They are not names: they are dropped
/// here, where engine data enters, and nowhere else.
/// </summary>
public static class EnginePlaceholders
{
    /// <summary>The untagged image's tag placeholder.</summary>
    public const string NoTag = "<none>:<none>";

    /// <summary>The untagged image's repo digest placeholder.</summary>
    public const string NoDigest = "<none>@<none>";

    /// <summary>The values without placeholders and empty strings; never null.</summary>
    public static IReadOnlyList<string> RemoveFrom(IEnumerable<string>? values)
    {
        if (values is null)
        {
            return Array.Empty<string>();
        }

        var kept = new List<string>();
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value) && value != NoTag && value != NoDigest)
            {
                kept.Add(value);
            }
        }

        return kept;
    }
}
