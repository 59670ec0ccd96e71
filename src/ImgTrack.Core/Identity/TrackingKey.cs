using System;
using System.Diagnostics.CodeAnalysis;

namespace ImgTrack;

// SKELETON: the public shape; the grammar work fills it in.

/// <summary>
/// The canonical, runtime-neutral form of a tracking ID, so server and Kubernetes records join on one column:
/// a fully qualified repository plus digest (<c>docker.io/library/nginx@sha256:…</c>) or an image ID (<c>sha256:…</c>).
/// </summary>
public static class TrackingKey
{
    /// <summary>The key of any Kubernetes <c>imageID</c> form, Docker repo digest or image ID; throws <see cref="FormatException"/> naming what was expected.</summary>
    public static string Create(string id) => throw new NotImplementedException(id);

    /// <summary>The key, or false with the reason.</summary>
    public static bool TryCreate(string? id, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        error = "not implemented";
        return false;
    }
}
