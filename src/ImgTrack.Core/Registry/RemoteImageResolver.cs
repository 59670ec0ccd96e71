using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Asks registries what image names stand for, over the OCI distribution API, with the fewest requests: anonymous,
/// at most two GETs per name and never a layer (index then platform manifest; or manifest then its config blob), no
/// <c>/v2/</c> ping; with auth, the challenge and one token request per repository scope per run. Every manifest's
/// bytes are hashed and checked before anything is built on them (<see cref="RegistryContent"/>). Manifests and configs
/// are cached for the instance's lifetime (one run): a name asked twice is asked once. Thread-safe: names may be
/// resolved concurrently.
/// </summary>
public sealed class RemoteImageResolver : IDisposable
{
    /// <summary>The most platforms a message lists; more are counted, not named.</summary>
    internal const int MaxPlatformsListed = 12;

    private readonly RegistryOptions _options;
    private readonly string[] _insecure;
    private readonly RegistryClients _clients;
    private readonly RegistryContent _content;
    private readonly ConcurrentDictionary<string, RegistryState> _registries = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _warnings = new();

    /// <summary>Creates a resolver; dispose it at the end of the run.</summary>
    /// <param name="options">Time limits, trust, insecure registries and credentials; null for the defaults (anonymous).</param>
    public RemoteImageResolver(RegistryOptions? options = null)
        : this(options, null)
    {
    }

    /// <summary>Creates a resolver whose handler chain a test may wrap (to count requests).</summary>
    internal RemoteImageResolver(RegistryOptions? options, Func<HttpMessageHandler, HttpMessageHandler>? wrap)
    {
        _options = options ?? new RegistryOptions();
        _insecure = _options.AllowInsecureRegistries.ToArray();
        _clients = new RegistryClients(_options, wrap);
        var retry = new RetryPolicy(_options);
        var tokens = new TokenClient(_clients, retry, _options.Credentials);
        _content = new RegistryContent(new RegistryHttp(_clients, tokens, retry));
    }

    /// <summary>
    /// What <paramref name="name"/> stands for on <paramref name="platform"/>: the identity the engine would record after
    /// pulling it (<see cref="RemoteImage.RepoDigest"/> of the index or manifest, <see cref="RemoteImage.ImageId"/> of the
    /// platform's config). A name with a digest is asked for by that digest.
    /// </summary>
    /// <param name="name">The image name.</param>
    /// <param name="platform">The platform to pick from an index and to require of a single-platform image
    /// (<see cref="Platform.Current"/>, or the engine's own).</param>
    /// <param name="cancellationToken">Cancels every request in flight.</param>
    /// <exception cref="RegistryException">The registry gave no identity; <see cref="RegistryException.Error"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<RemoteImage> ResolveAsync(ImageReference name, Platform platform, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (platform is null)
        {
            throw new ArgumentNullException(nameof(platform));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var state = StateFor(name);
        using var deadline = new CancellationTokenSource(_options.RequestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var context = new NameContext(cancellationToken, linked.Token, _options.RetryBudget, _options.RequestTimeout);
        try
        {
            return await ResolveCoreAsync(state, name, platform, context).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (context.TimedOut)
        {
            // The name's deadline, not the caller, ended it: a registry that accepts and never answers.
            throw RegistryFailures.NoAnswer(state, state.Endpoint.Registry, context, e);
        }
    }

    /// <summary>Warnings gathered since the last call (a configured credential helper that is missing, say), oldest
    /// first; never a secret. For the caller to write on its own thread.</summary>
    public IReadOnlyList<string> TakeWarnings()
    {
        var taken = new List<string>();
        while (_warnings.TryDequeue(out var warning))
        {
            taken.Add(warning);
        }

        return taken;
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose()
    {
        _clients.Dispose();
        foreach (var state in _registries.Values)
        {
            state.Probe.Dispose();
        }
    }

    /// <summary>The platforms an index offers, for a message: at most <see cref="MaxPlatformsListed"/> named, the rest
    /// counted, so an index of thousands of entries stays a readable line.</summary>
    internal static string Listed(ManifestDocument index)
    {
        var platforms = index.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).Distinct().ToList();
        if (platforms.Count == 0)
        {
            return RegistryMessages.NoPlatforms;
        }

        var named = string.Join(", ", platforms.Take(MaxPlatformsListed));
        return platforms.Count <= MaxPlatformsListed
            ? named
            : MessageText.Format(RegistryMessages.PlatformsAndMore, named, platforms.Count - MaxPlatformsListed);
    }

    private async Task<RemoteImage> ResolveCoreAsync(RegistryState state, ImageReference name, Platform platform, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var repository = name.Repository;
        var top = await _content.ManifestAsync(state, repository, name.Digest ?? name.Tag ?? "latest", name.Digest, null, context).ConfigureAwait(false);
        if (top.IsIndex)
        {
            var chosen = top.EntryFor(platform)
                ?? throw new RegistryException(RegistryError.PlatformNotFound, registry, MessageText.Format(RegistryMessages.PlatformNotInIndex, top.Digest, name.Original, platform, Listed(top)));
            if (MediaTypes.IsIndex(chosen.MediaType))
            {
                throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.NestedIndex, top.Digest, name.Original, chosen.Digest, platform));
            }

            var manifest = await _content.ManifestAsync(state, repository, chosen.Digest, chosen.Digest, chosen.Size, context).ConfigureAwait(false);
            if (manifest.IsIndex)
            {
                throw new RegistryException(RegistryError.UnsupportedManifest, registry, MessageText.Format(RegistryMessages.NestedIndex, top.Digest, name.Original, chosen.Digest, platform));
            }

            return new RemoteImage(name, top.Digest, top.MediaType, manifest.Digest, manifest.Config!.Digest, chosen.Platform, null);
        }

        // A single-platform manifest says nothing of its platform: its config does, and the platform must be checked.
        var config = await _content.ConfigAsync(state, repository, top, context).ConfigureAwait(false);
        if (config.Platform is not null && !platform.PullOrder().Any(p => p.Matches(config.Platform)))
        {
            throw new RegistryException(RegistryError.PlatformNotFound, registry, MessageText.Format(RegistryMessages.PlatformMismatch, name.Original, config.Platform, platform));
        }

        return new RemoteImage(name, top.Digest, top.MediaType, top.Digest, top.Config!.Digest, config.Platform, config.Created);
    }

    private RegistryState StateFor(ImageReference name)
    {
        var endpoint = RegistryEndpoint.For(name, _insecure);
        return _registries.GetOrAdd(endpoint.Registry, _ => new RegistryState(endpoint, caller => CredentialAsync(endpoint, caller)));
    }

    /// <summary>The registry's credential, looked up once per run: bounded by <see cref="RegistryOptions.RequestTimeout"/>
    /// and the caller's token, never cancelled half-way by one name's own deadline.</summary>
    private async Task<RegistryCredential?> CredentialAsync(RegistryEndpoint endpoint, CancellationToken caller)
    {
        var provider = _options.Credentials;
        if (provider is null)
        {
            return null;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(caller);
        limit.CancelAfter(_options.RequestTimeout);
        return await provider.GetCredentialAsync(endpoint.Registry, _warnings.Enqueue, limit.Token).ConfigureAwait(false);
    }
}
