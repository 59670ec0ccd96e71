using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Network;
using ImgTrack.Oci;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Manifests and configs, fetched through <see cref="RegistryHttp"/>, verified, and cached for the run: every
/// manifest's bytes are hashed and checked against <c>Docker-Content-Digest</c>, the digest asked for and the size an
/// index gave before anything is built on them; a name asked twice is asked once.
/// </summary>
internal sealed class RegistryContent
{
    /// <summary>The most bytes a manifest or index may have (the limit Docker and containerd apply).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private const int MaxConfigBytes = 16 * 1024 * 1024;

    private readonly RegistryHttp _http;
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _cache = new(StringComparer.Ordinal);

    public RegistryContent(RegistryHttp http) => _http = http;

    /// <summary>The manifest or index <paramref name="reference"/> (a tag or digest) names.</summary>
    public async Task<ManifestDocument> ManifestAsync(
        RegistryState state, string repository, string reference, string? expectedDigest, long? expectedSize, NameContext context)
    {
        var key = state.Endpoint.Registry + "/" + repository + (reference.IndexOf(':') >= 0 ? "@" : ":") + reference;
        var manifest = (ManifestDocument)await CachedAsync(key, context, () => FetchManifestAsync(state, repository, reference, expectedDigest, expectedSize, context)).ConfigureAwait(false);

        // A tag's answer also answers its digest, so a name by digest after the same name by tag costs nothing.
        if (expectedDigest is null)
        {
            _cache.TryAdd(state.Endpoint.Registry + "/" + repository + "@" + manifest.Digest, new Lazy<Task<object>>(() => Task.FromResult<object>(manifest)));
        }

        return manifest;
    }

    /// <summary>What a single-platform manifest's config says of the image: its platform and creation time.</summary>
    public async Task<ImageConfig> ConfigAsync(RegistryState state, string repository, ManifestDocument manifest, NameContext context)
    {
        var config = manifest.Config!;
        var key = state.Endpoint.Registry + "/" + repository + "#" + config.Digest;
        return (ImageConfig)await CachedAsync(key, context, () => FetchConfigAsync(state, repository, manifest, context)).ConfigureAwait(false);
    }

    private async Task<object> CachedAsync(string key, NameContext context, Func<Task<object>> fetch)
    {
        while (true)
        {
            var entry = _cache.GetOrAdd(key, _ => new Lazy<Task<object>>(fetch, LazyThreadSafetyMode.ExecutionAndPublication));
            try
            {
                return await entry.Value.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A cancelled fetch answered nothing, so it is not kept (failures of the registry are). When it was
                // another name's token that cancelled the shared fetch, this name asks again under its own.
                ((ICollection<KeyValuePair<string, Lazy<Task<object>>>>)_cache).Remove(new KeyValuePair<string, Lazy<Task<object>>>(key, entry));
                if (context.Token.IsCancellationRequested)
                {
                    throw;
                }
            }
        }
    }

    private async Task<object> FetchManifestAsync(RegistryState state, string repository, string reference, string? expectedDigest, long? expectedSize, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var answer = await _http.GetAsync(state, repository, "manifests/" + reference, reference, MediaTypes.Accepted, MaxManifestBytes, blob: false, context).ConfigureAwait(false);
        var body = answer.Body;
        var computed = ContentDigest.Sha256(body);

        if (answer.DigestHeader is { } header)
        {
            if (!ContentDigest.IsValid(header))
            {
                throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.DigestMalformed, registry, ServerText.Quote(header), reference, repository));
            }

            if (!ContentDigest.Matches(header, body))
            {
                throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.DigestMismatchHeader, registry, reference, repository, computed, header));
            }
        }

        if (expectedDigest is not null && !ContentDigest.Matches(expectedDigest, body))
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.DigestMismatchAsked, registry, expectedDigest, repository, computed));
        }

        if (expectedSize is not null && body.LongLength != expectedSize.Value)
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.SizeMismatch, registry, body.LongLength, reference, repository, expectedSize.Value));
        }

        // The digest names the bytes: the one asked for, else the registry's (verified above), else our own sha256.
        var digest = expectedDigest ?? answer.DigestHeader ?? computed;
        try
        {
            return ManifestDocument.Parse(digest, body, answer.ContentType);
        }
        catch (NotSupportedException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.UnsupportedMediaType, registry, reference, repository, ServerText.Quote(e.Message)), null, e);
        }
        catch (FormatException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.MalformedManifest, registry, reference, repository, ServerText.Quote(e.Message)), null, e);
        }
    }

    private async Task<object> FetchConfigAsync(RegistryState state, string repository, ManifestDocument manifest, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var config = manifest.Config!;
        if (config.Size > MaxConfigBytes)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.TooLarge, registry, config.Digest, repository, MaxConfigBytes));
        }

        RegistryAnswer answer;
        try
        {
            answer = await _http.GetAsync(state, repository, "blobs/" + config.Digest, config.Digest, null, (int)Math.Max(config.Size, 1), blob: true, context).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == RegistryError.ManifestNotFound)
        {
            throw new RegistryException(RegistryError.ManifestNotFound, registry, MessageText.Format(RegistryMessages.BlobNotFound, registry, config.Digest, repository, manifest.Digest, string.Empty), e.StatusCode, e);
        }

        var body = answer.Body;
        if (!ContentDigest.Matches(config.Digest, body))
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.DigestMismatchAsked, registry, config.Digest, repository, ContentDigest.Sha256(body)));
        }

        if (body.LongLength != config.Size)
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, MessageText.Format(RegistryMessages.SizeMismatch, registry, body.LongLength, config.Digest, repository, config.Size));
        }

        try
        {
            var (platform, created) = ManifestDocument.ParseConfig(body);
            return new ImageConfig(platform, created);
        }
        catch (FormatException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.MalformedManifest, registry, config.Digest, repository, ServerText.Quote(e.Message)), null, e);
        }
    }
}

/// <summary>What an image config says of the image.</summary>
internal sealed class ImageConfig
{
    public ImageConfig(Platform? platform, UtcTimestamp? created)
    {
        Platform = platform;
        Created = created;
    }

    public Platform? Platform { get; }

    public UtcTimestamp? Created { get; }
}
