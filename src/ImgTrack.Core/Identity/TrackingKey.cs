using System;
using System.Diagnostics.CodeAnalysis;
using ImgTrack.References;
using ImgTrack.Text;

namespace ImgTrack;

/// <summary>
/// The canonical, runtime-neutral form of a tracking ID, so server and Kubernetes records join on one column:
/// a fully qualified repository plus digest (<c>docker.io/library/nginx@sha256:…</c>) or an image ID (<c>sha256:…</c>).
/// </summary>
/// <remarks>
/// Accepted forms, those the kubelet copies unchanged from the runtime into a pod's <c>imageID</c>: dockershim's <c>docker-pullable://</c> + repo digest
/// and <c>docker://</c> + image ID; containerd's fully qualified repo digest and bare <c>sha256:…</c>; Docker's own repo
/// digests in familiar form; image IDs with or without <c>sha256:</c>. Names are read with the one
/// <see cref="ImageReference"/> grammar; a tag next to the digest is dropped, since the digest alone names the content.
/// </remarks>
public static class TrackingKey
{
    private const string DockerPullablePrefix = "docker-pullable://";
    private const string DockerPrefix = "docker://";

    /// <summary>The key of any Kubernetes <c>imageID</c> form, Docker repo digest or image ID; throws <see cref="FormatException"/> naming what was expected.</summary>
    /// <param name="id">The ID, e.g. <c>docker-pullable://nginx@sha256:…</c>.</param>
    /// <exception cref="FormatException"><paramref name="id"/> is none of the accepted forms.</exception>
    public static string Create(string id) =>
        TryCreate(id, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>The key, or false with the reason.</summary>
    /// <param name="id">The ID; null is not valid.</param>
    /// <param name="key">The key, or null.</param>
    /// <param name="error">Null on success, else what was expected and why <paramref name="id"/> is not it.</param>
    public static bool TryCreate(string? id, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out string? error)
    {
        key = Normalize(id ?? string.Empty, out var reason);
        if (key is not null)
        {
            error = null;
            return true;
        }

        error = MessageText.Format(ReferenceMessages.TrackingIdInvalid, id, reason);
        return false;
    }

    private static string? Normalize(string id, out string? reason)
    {
        reason = null;
        if (id.Length == 0)
        {
            reason = ReferenceMessages.TrackingIdEmpty;
            return null;
        }

        var body = id;
        string? prefix = null;
        if (id.StartsWith(DockerPullablePrefix, StringComparison.Ordinal))
        {
            prefix = DockerPullablePrefix;
        }
        else if (id.StartsWith(DockerPrefix, StringComparison.Ordinal))
        {
            prefix = DockerPrefix;
        }

        if (prefix is not null)
        {
            body = id.Substring(prefix.Length);
            if (body.Length == 0)
            {
                reason = MessageText.Format(ReferenceMessages.TrackingIdEmptyAfterPrefix, prefix);
                return null;
            }
        }

        // An image ID as Docker prints it without the algorithm.
        if (ImageId.IsFullHex(body))
        {
            return ImageId.Sha256Prefix + body;
        }

        // An image ID (or any bare digest): Docker's name grammar would read "sha256:<hex>" as repository "sha256"
        // with a tag, but in an imageID it is always a digest.
        if (IsBareDigest(body))
        {
            return DigestGrammar.Validate(body, 0, out reason) ? body : null;
        }

        if (!ImageReference.TryParse(body, out var reference, out reason))
        {
            return null;
        }

        if (reference.Digest is null)
        {
            reason = MessageText.Format(ReferenceMessages.TrackingIdNoDigest, id);
            return null;
        }

        return reference.FullName + "@" + reference.Digest;
    }

    // "sha256:…", "sha384:…" or "sha512:…" with no name in front. A '/' or '@' (which no digest contains) makes it a name
    // that only starts like one: "sha256:5000/app@sha256:…" (registry host sha256, port 5000) and
    // "sha384:1.0@sha256:…" (repository sha384, tag 1.0) are repo digests (found by fuzzing).
    private static bool IsBareDigest(string body) =>
        body.Length > 7
        && body[6] == ':'
        && (body.StartsWith(ImageId.Sha256Prefix, StringComparison.Ordinal)
            || body.StartsWith("sha384:", StringComparison.Ordinal)
            || body.StartsWith("sha512:", StringComparison.Ordinal))
        && body.IndexOf('/') < 0
        && body.IndexOf('@') < 0;
}
