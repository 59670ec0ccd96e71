using System;
using System.Collections.Generic;

namespace ImgTrack.Identity;

/// <summary>
/// Picks the one repo digest that stands for an image. An image pushed to (or pulled from) several repositories
/// has one repo digest per repository; a node that pulled <c>registry/team/app:1.0</c> records the digest of
/// <c>registry/team/app</c>, so that one is chosen when the user asked by name. Otherwise the first, as the
/// original imgtrack script does.
/// </summary>
public static class RepoDigestSelector
{
    /// <summary>
    /// The repo digest of <paramref name="requested"/>'s repository, compared in normalized form (so
    /// <c>nginx@sha256:…</c> matches a request for <c>docker.io/library/nginx</c>); when the request names a digest
    /// and the image has that exact one in the repository, that one. Else the first; null when there is none.
    /// </summary>
    /// <param name="repoDigests">The engine's repo digests, in the engine's order.</param>
    /// <param name="requested">The name asked for, or null (image ID input, <c>-All</c>): then always the first.</param>
    public static string? Choose(IReadOnlyList<string> repoDigests, ImageReference? requested)
    {
        if (repoDigests is null)
        {
            throw new ArgumentNullException(nameof(repoDigests));
        }

        if (repoDigests.Count == 0)
        {
            return null;
        }

        if (requested is not null)
        {
            string? sameRepository = null;
            foreach (var candidate in repoDigests)
            {
                // An engine answer we cannot read (Podman's localhost/ forms read fine) simply never matches.
                if (!ImageReference.TryParse(candidate, out var parsed)
                    || !string.Equals(parsed.FullName, requested.FullName, StringComparison.Ordinal))
                {
                    continue;
                }

                if (requested.Digest is null || string.Equals(parsed.Digest, requested.Digest, StringComparison.Ordinal))
                {
                    return candidate;
                }

                sameRepository ??= candidate;
            }

            if (sameRepository is not null)
            {
                return sameRepository;
            }
        }

        return repoDigests[0];
    }
}
