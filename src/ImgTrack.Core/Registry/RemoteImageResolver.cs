using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;

namespace ImgTrack.Registry;

/// <summary>
/// Asks registries what image names stand for, over the OCI distribution API, with the fewest requests: anonymous,
/// at most two GETs per name and never a layer (index then platform manifest; or manifest then its config blob), no
/// <c>/v2/</c> ping; with auth, the challenge and one token request per repository scope per run. Every manifest's
/// bytes are hashed and checked against <c>Docker-Content-Digest</c> and the digest asked for before anything is built
/// on them. Manifests and configs are cached for the instance's lifetime (one run): a name asked twice is asked once.
/// Thread-safe: names may be resolved concurrently.
/// </summary>
public sealed class RemoteImageResolver : IDisposable
{
    /// <summary>The most bytes a manifest or index may have (the limit Docker and containerd apply).</summary>
    internal const int MaxManifestBytes = 4 * 1024 * 1024;

    private const int MaxConfigBytes = 16 * 1024 * 1024;
    private const int MaxErrorBytes = 64 * 1024;
    private const int MaxRedirects = 5;

    private static readonly string s_userAgent = "ImgTrack/" + (typeof(RemoteImageResolver).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly RegistryOptions _options;
    private readonly HttpClient _http;
    private readonly CertificateTrust _trust;
    private readonly Func<HttpMessageHandler, HttpMessageHandler>? _wrap;
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _mutualTlsClients = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _insecure;
    private readonly ConcurrentDictionary<string, RegistryState> _registries = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _content = new(StringComparer.Ordinal);
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
        _trust = new CertificateTrust(_options.CertificatesDirectory);
        _wrap = wrap;
        _http = CreateClient(Array.Empty<X509Certificate2>());
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
            var failure = new RegistryException(
                RegistryError.RegistryUnavailable,
                state.Endpoint.Registry,
                Format(RegistryMessages.NoAnswer, state.Endpoint.Registry, Math.Ceiling(context.Deadline.TotalSeconds)),
                null,
                e);
            state.Unreachable ??= failure;
            throw failure;
        }
    }

    private async Task<RemoteImage> ResolveCoreAsync(RegistryState state, ImageReference name, Platform platform, NameContext context)
    {
        var repository = name.Repository;

        var top = await GetManifestAsync(state, repository, name.Digest ?? name.Tag ?? "latest", name.Digest, null, context).ConfigureAwait(false);
        if (top.IsIndex)
        {
            var chosen = top.EntryFor(platform);
            if (chosen is null)
            {
                throw new RegistryException(
                    RegistryError.PlatformNotFound,
                    state.Endpoint.Registry,
                    Format(RegistryMessages.PlatformNotInIndex, top.Digest, name.Original, platform, Listed(top)));
            }

            if (MediaTypes.IsIndex(chosen.MediaType))
            {
                throw new RegistryException(
                    RegistryError.UnsupportedManifest,
                    state.Endpoint.Registry,
                    Format(RegistryMessages.NestedIndex, top.Digest, name.Original, chosen.Digest, platform));
            }

            var manifest = await GetManifestAsync(state, repository, chosen.Digest, chosen.Digest, chosen.Size, context).ConfigureAwait(false);
            if (manifest.IsIndex)
            {
                throw new RegistryException(
                    RegistryError.UnsupportedManifest,
                    state.Endpoint.Registry,
                    Format(RegistryMessages.NestedIndex, top.Digest, name.Original, chosen.Digest, platform));
            }

            return new RemoteImage(name, top.Digest, top.MediaType, manifest.Digest, manifest.Config!.Digest, chosen.Platform, null);
        }

        // A single-platform manifest says nothing of its platform: its config does, and the platform must be checked.
        var config = await GetConfigAsync(state, repository, top, context).ConfigureAwait(false);
        if (config.Platform is not null && !platform.PullOrder().Any(p => p.Matches(config.Platform)))
        {
            throw new RegistryException(
                RegistryError.PlatformNotFound,
                state.Endpoint.Registry,
                Format(RegistryMessages.PlatformMismatch, name.Original, config.Platform, platform));
        }

        return new RemoteImage(name, top.Digest, top.MediaType, top.Digest, top.Config!.Digest, config.Platform, config.Created);
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
        _http.Dispose();
        foreach (var client in _mutualTlsClients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        foreach (var state in _registries.Values)
        {
            state.Probe.Dispose();
        }
    }

    private static string Listed(ManifestDocument index)
    {
        var platforms = index.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).Distinct().ToList();
        return platforms.Count == 0 ? "no platforms" : string.Join(", ", platforms);
    }

    private RegistryState StateFor(ImageReference name)
    {
        var endpoint = RegistryEndpoint.For(name, _insecure);
        return _registries.GetOrAdd(endpoint.Registry, _ => new RegistryState(endpoint, () => CredentialAsync(endpoint)));
    }

    private async Task<RegistryCredential?> CredentialAsync(RegistryEndpoint endpoint)
    {
        var provider = _options.Credentials;
        if (provider is null)
        {
            return null;
        }

        // Looked up once per registry per run, and never cancelled half-way by one name's deadline.
        return await provider.GetCredentialAsync(endpoint.Registry, _warnings.Enqueue, CancellationToken.None).ConfigureAwait(false);
    }

    // ---- content, cached per run ----

    private async Task<ManifestDocument> GetManifestAsync(
        RegistryState state, string repository, string reference, string? expectedDigest, long? expectedSize, NameContext context)
    {
        var key = state.Endpoint.Registry + "/" + repository + (reference.IndexOf(':') >= 0 ? "@" : ":") + reference;
        var manifest = (ManifestDocument)await CachedAsync(key, context, () => FetchManifestAsync(state, repository, reference, expectedDigest, expectedSize, context)).ConfigureAwait(false);

        // A tag's answer also answers its digest, so a name by digest after the same name by tag costs nothing.
        if (expectedDigest is null)
        {
            _content.TryAdd(state.Endpoint.Registry + "/" + repository + "@" + manifest.Digest, new Lazy<Task<object>>(() => Task.FromResult<object>(manifest)));
        }

        return manifest;
    }

    private async Task<ImageConfig> GetConfigAsync(RegistryState state, string repository, ManifestDocument manifest, NameContext context)
    {
        var config = manifest.Config!;
        var key = state.Endpoint.Registry + "/" + repository + "#" + config.Digest;
        return (ImageConfig)await CachedAsync(key, context, () => FetchConfigAsync(state, repository, manifest, context)).ConfigureAwait(false);
    }

    private async Task<object> CachedAsync(string key, NameContext context, Func<Task<object>> fetch)
    {
        while (true)
        {
            var entry = _content.GetOrAdd(key, _ => new Lazy<Task<object>>(fetch, LazyThreadSafetyMode.ExecutionAndPublication));
            try
            {
                return await entry.Value.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A cancelled fetch answered nothing, so it is not kept (failures of the registry are). When it was
                // another name's token that cancelled the shared fetch, this name asks again under its own.
                ((ICollection<KeyValuePair<string, Lazy<Task<object>>>>)_content).Remove(new KeyValuePair<string, Lazy<Task<object>>>(key, entry));
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
        var answer = await GetAsync(state, repository, "manifests/" + reference, reference, MediaTypes.Accepted, MaxManifestBytes, blob: false, context).ConfigureAwait(false);
        var body = answer.Body;
        var computed = ContentDigest.Sha256(body);

        if (answer.DigestHeader is { } header)
        {
            if (!ContentDigest.IsValid(header))
            {
                throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.DigestMalformed, registry, header, reference, repository));
            }

            if (!ContentDigest.Matches(header, body))
            {
                throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.DigestMismatchHeader, registry, reference, repository, computed, header));
            }
        }

        if (expectedDigest is not null && !ContentDigest.Matches(expectedDigest, body))
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.DigestMismatchAsked, registry, expectedDigest, repository, computed));
        }

        if (expectedSize is not null && body.LongLength != expectedSize.Value)
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.SizeMismatch, registry, body.LongLength, reference, repository, expectedSize.Value));
        }

        // The digest names the bytes: the one asked for, else the registry's (verified above), else our own sha256.
        var digest = expectedDigest ?? answer.DigestHeader ?? computed;
        try
        {
            return ManifestDocument.Parse(digest, body, answer.ContentType);
        }
        catch (NotSupportedException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.UnsupportedMediaType, registry, reference, repository, e.Message), null, e);
        }
        catch (FormatException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.MalformedManifest, registry, reference, repository, e.Message), null, e);
        }
    }

    private async Task<object> FetchConfigAsync(RegistryState state, string repository, ManifestDocument manifest, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var config = manifest.Config!;
        if (config.Size > MaxConfigBytes)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.TooLarge, registry, config.Digest, repository, MaxConfigBytes));
        }

        RegistryAnswer answer;
        try
        {
            answer = await GetAsync(state, repository, "blobs/" + config.Digest, config.Digest, null, (int)Math.Max(config.Size, 1), blob: true, context).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == RegistryError.ManifestNotFound)
        {
            throw new RegistryException(RegistryError.ManifestNotFound, registry, Format(RegistryMessages.BlobNotFound, registry, config.Digest, repository, manifest.Digest, string.Empty), e.StatusCode, e);
        }

        var body = answer.Body;
        if (!ContentDigest.Matches(config.Digest, body))
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.DigestMismatchAsked, registry, config.Digest, repository, ContentDigest.Sha256(body)));
        }

        if (body.LongLength != config.Size)
        {
            throw new RegistryException(RegistryError.DigestMismatch, registry, Format(RegistryMessages.SizeMismatch, registry, body.LongLength, config.Digest, repository, config.Size));
        }

        try
        {
            var (platform, created) = ManifestDocument.ParseConfig(body);
            return new ImageConfig(platform, created);
        }
        catch (FormatException e)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.MalformedManifest, registry, config.Digest, repository, e.Message), null, e);
        }
    }

    // ---- HTTP: scheme, auth, retries, redirects ----

    /// <summary>
    /// One GET of <c>/v2/&lt;repository&gt;/&lt;path&gt;</c>, answered 2xx, its body read within
    /// <paramref name="maxBytes"/>. Handles the scheme (HTTPS, then plain HTTP once per registry where allowed), the
    /// auth challenge, retries of 429/5xx/dropped connections within the retry budget, and redirects; every other
    /// answer becomes a classified <see cref="RegistryException"/>.
    /// </summary>
    private async Task<RegistryAnswer> GetAsync(
        RegistryState state, string repository, string path, string reference, string[]? accept, int maxBytes, bool blob, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var scope = "repository:" + repository + ":pull";
        var retries = 0;
        var challenged = false;
        AuthenticationHeaderValue? authorization = null;
        while (true)
        {
            if (state.Unreachable is { } unreachable)
            {
                throw new RegistryException(RegistryError.RegistryUnavailable, registry, Format(RegistryMessages.NotAskedAgain, registry, unreachable.Message), unreachable.StatusCode, unreachable);
            }

            RequireUsableCertificates(state);
            var probing = false;
            if (state.Scheme == RegistryState.SchemeUnknown)
            {
                await state.Probe.WaitAsync(context.Token).ConfigureAwait(false);
                probing = state.Scheme == RegistryState.SchemeUnknown;
                if (!probing)
                {
                    state.Probe.Release();
                }
            }

            var baseUri = state.BaseUri;
            var https = baseUri.Scheme == Uri.UriSchemeHttps;
            var target = new Uri(baseUri, "v2/" + repository + "/" + path);
            HttpResponseMessage response;
            try
            {
                authorization = await AuthorizationAsync(state, repository, scope, context).ConfigureAwait(false);
                response = await SendFollowingRedirectsAsync(state, target, accept, authorization, blob, reference, context).ConfigureAwait(false);
                if (probing)
                {
                    state.Scheme = https ? RegistryState.SchemeHttps : RegistryState.SchemeHttp;
                }
            }
            catch (Exception e) when (IsTransportFailure(e) && !context.Token.IsCancellationRequested)
            {
                var reason = TransportReason(state, e);
                if (https && state.Endpoint.PlainHttpAllowed && state.Scheme != RegistryState.SchemeHttp)
                {
                    // As Docker does for loopback and insecure registries: plain HTTP after HTTPS fails, once per run.
                    state.HttpsFailure = reason;
                    state.Scheme = RegistryState.SchemeHttp;
                    continue;
                }

                if (probing)
                {
                    state.Scheme = RegistryState.SchemeHttps;
                }

                var delay = Backoff(retries, null);
                if (retries < _options.MaxRetries && context.MayRetry(delay))
                {
                    retries++;
                    await Task.Delay(delay, context.Token).ConfigureAwait(false);
                    continue;
                }

                var failure = new RegistryException(
                    RegistryError.RegistryUnavailable,
                    registry,
                    Format(RegistryMessages.Unreachable, registry, baseUri.GetLeftPart(UriPartial.Authority), reason) + RetryNote(retries, context),
                    null,
                    e);
                state.Unreachable ??= failure;
                throw failure;
            }
            catch (OperationCanceledException e) when (context.TimedOut)
            {
                var failure = new RegistryException(
                    RegistryError.RegistryUnavailable,
                    registry,
                    Format(RegistryMessages.NoAnswer, registry, Math.Ceiling(context.Deadline.TotalSeconds)),
                    null,
                    e);
                state.Unreachable ??= failure;
                throw failure;
            }
            finally
            {
                if (probing)
                {
                    state.Probe.Release();
                }
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    var body = await ReadAsync(response, maxBytes, state, repository, reference, context).ConfigureAwait(false);
                    return new RegistryAnswer(
                        body,
                        response.Content.Headers.ContentType?.MediaType,
                        response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.FirstOrDefault()?.Trim() : null);
                }

                var words = await RegistryWordsAsync(response, context).ConfigureAwait(false);
                switch (status)
                {
                    case 401 when !challenged:
                        challenged = true;
                        await AuthenticateAsync(state, repository, scope, response, words, authorization, context).ConfigureAwait(false);
                        continue;
                    case 401:
                    case 403:
                        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, Format(RegistryMessages.Unauthorized, registry, repository, scope, status, Words(words)), status) { Scope = scope };
                    case 404:
                        throw new RegistryException(RegistryError.ManifestNotFound, registry, Format(RegistryMessages.ManifestNotFound, registry, reference, repository, Words(words)), status);
                    case 429:
                    case >= 500 and <= 599:
                        var delay = Backoff(retries, response.Headers.RetryAfter);
                        if (retries < _options.MaxRetries && context.MayRetry(delay))
                        {
                            retries++;
                            await DelayAsync(delay, context).ConfigureAwait(false);
                            continue;
                        }

                        throw new RegistryException(
                            RegistryError.RegistryUnavailable,
                            registry,
                            Format(RegistryMessages.UnavailableStatus, registry, reference, repository, status, Words(words), RetryNote(retries, context)),
                            status);
                    default:
                        var note = state.Scheme == RegistryState.SchemeHttp && state.HttpsFailure is not null
                            ? Format(RegistryMessages.HttpsFailedFirst, state.HttpsFailure)
                            : string.Empty;
                        throw new RegistryException(
                            RegistryError.RegistryUnavailable,
                            registry,
                            Format(RegistryMessages.UnavailableStatus, registry, reference, repository, status, Words(words), note),
                            status);
                }
            }
        }
    }

    /// <summary>The client for <paramref name="state"/>'s requests (the registry's own, its token service's and the
    /// storage it redirects to, as dockerd uses one TLS setup for all three): one of its own when its certs.d folder holds
    /// client certificates, since a handler presents what it holds to every server that asks; else the shared one.</summary>
    private HttpClient ClientFor(RegistryState state)
    {
        var certificates = _trust.CertificatesFor(state.Endpoint.Authority);
        if (certificates.ClientCertificates.Count == 0)
        {
            return _http;
        }

        return _mutualTlsClients.GetOrAdd(
            state.Endpoint.Authority,
            _ => new Lazy<HttpClient>(() => CreateClient(certificates.ClientCertificates), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>A certs.d folder that cannot be used (half a client pair, an unreadable file) fails the registry once for
    /// the run, before any request: with it, the registry would be asked without what the administrator put there.</summary>
    private void RequireUsableCertificates(RegistryState state)
    {
        var certificates = _trust.CertificatesFor(state.Endpoint.Authority);
        if (certificates.Problem is { } problem)
        {
            var registry = state.Endpoint.Registry;
            var failure = new RegistryException(RegistryError.RegistryUnavailable, registry, Format(RegistryMessages.CertificatesFolderUnusable, registry, certificates.Folder, problem));
            state.Unreachable ??= failure;
            throw failure;
        }
    }

    private HttpClient CreateClient(IReadOnlyList<X509Certificate2> clientCertificates)
    {
        var handler = new HttpClientHandler
        {
            // Redirects are followed here, so that credentials never follow one to another host.
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = _trust.Validate,
        };
        if (clientCertificates.Count > 0)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            foreach (var certificate in clientCertificates)
            {
                handler.ClientCertificates.Add(certificate);
            }
        }

        var client = new HttpClient(_wrap is null ? handler : _wrap(handler), disposeHandler: true)
        {
            // Every request is bounded by the name's own deadline and the caller's token instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(s_userAgent);
        return client;
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(
        RegistryState state, Uri target, string[]? accept, AuthenticationHeaderValue? authorization, bool blob, string reference, NameContext context)
    {
        var registryOrigin = state.BaseUri;
        var uri = target;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (accept is not null)
            {
                foreach (var type in accept)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }
            }

            // The token and Basic credentials go to the registry itself only, never to storage it redirects to.
            if (authorization is not null && SameOrigin(uri, registryOrigin))
            {
                request.Headers.Authorization = authorization;
            }

            var response = await ClientFor(state).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is null)
            {
                return response;
            }

            var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(uri, response.Headers.Location);
            response.Dispose();
            var sameOrigin = SameOrigin(next, registryOrigin);
            var downgrade = uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps && !RegistryEndpoint.IsLoopbackHost(next.Host);
            if ((!sameOrigin && !blob) || downgrade || (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp))
            {
                // Manifests come from the registry itself; a blob may live in storage elsewhere, reached without our credentials.
                throw new RegistryException(
                    RegistryError.RegistryUnavailable,
                    state.Endpoint.Registry,
                    Format(RegistryMessages.RedirectRefused, state.Endpoint.Registry, reference, next.GetLeftPart(UriPartial.Authority)),
                    status);
            }

            uri = next;
        }

        throw new RegistryException(
            RegistryError.RegistryUnavailable,
            state.Endpoint.Registry,
            Format(RegistryMessages.TooManyRedirects, state.Endpoint.Registry, reference, MaxRedirects));
    }

    /// <summary>What to send up front: Basic once the registry asked for it, or the scope's token once there is one
    /// (fetched now, without a challenge, when the registry's token service is already known).</summary>
    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(RegistryState state, string repository, string scope, NameContext context)
    {
        if (state.Basic)
        {
            var credential = await state.CredentialAsync().ConfigureAwait(false);
            return credential?.Password is null ? null : BasicHeader(credential);
        }

        if (state.Bearer is null)
        {
            return null;
        }

        var token = await TokenAsync(state, repository, scope, context).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Bearer", token.Value);
    }

    /// <summary>Answers a 401: learns the challenge, and gets what the next attempt sends (a token, or Basic).</summary>
    private async Task AuthenticateAsync(
        RegistryState state, string repository, string scope, HttpResponseMessage response, string? words, AuthenticationHeaderValue? sent, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var challenges = AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        var bearer = challenges.FirstOrDefault(c => c.IsBearer && !string.IsNullOrEmpty(c["realm"]));
        if (bearer is not null)
        {
            // A token that was sent and refused is stale (expired early, or revoked): ask for a new one, once. Names
            // that were refused anonymously meanwhile keep the token another name just got.
            if (sent is { Scheme: "Bearer" } && state.Tokens.TryGetValue(scope, out var old)
                && old.IsValueCreated && old.Value.Status == TaskStatus.RanToCompletion && old.Value.Result.Value == sent.Parameter)
            {
                ((ICollection<KeyValuePair<string, Lazy<Task<BearerToken>>>>)state.Tokens).Remove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(scope, old));
            }

            state.Bearer = bearer;
            await TokenAsync(state, repository, scope, context).ConfigureAwait(false);
            return;
        }

        if (challenges.Any(c => c.IsBasic))
        {
            var credential = await state.CredentialAsync().ConfigureAwait(false);
            if (credential?.Password is null)
            {
                throw new RegistryException(RegistryError.RegistryUnauthorized, registry, Format(RegistryMessages.NeedsCredentials, registry, "Basic", repository, scope), 401) { Scope = scope };
            }

            state.Basic = true;
            return;
        }

        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, Format(RegistryMessages.Unauthorized, registry, repository, scope, 401, Words(words)), 401) { Scope = scope };
    }

    private Task<BearerToken> TokenAsync(RegistryState state, string repository, string scope, NameContext context)
    {
        while (true)
        {
            var entry = state.Tokens.GetOrAdd(scope, _ => new Lazy<Task<BearerToken>>(() => FetchTokenAsync(state, scope, context), LazyThreadSafetyMode.ExecutionAndPublication));
            var task = entry.Value;
            if (task.Status == TaskStatus.RanToCompletion && task.Result.Expired)
            {
                ((ICollection<KeyValuePair<string, Lazy<Task<BearerToken>>>>)state.Tokens).Remove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(scope, entry));
                continue;
            }

            if (task.IsCanceled || task.IsFaulted)
            {
                // Refused or failed token requests are not kept: each name reports its own error.
                ((ICollection<KeyValuePair<string, Lazy<Task<BearerToken>>>>)state.Tokens).Remove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(scope, entry));
            }

            return task;
        }
    }

    /// <summary>
    /// The token request (distribution's token spec): GET realm?service=…&amp;scope=… with Basic credentials when there
    /// are any, or with an identity token the OAuth2 form POST (grant_type=refresh_token). Credentials go only to the
    /// realm the registry's own challenge named, and only over HTTPS or to loopback.
    /// </summary>
    private async Task<BearerToken> FetchTokenAsync(RegistryState state, string scope, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        var challenge = state.Bearer!;
        var realmText = challenge["realm"]!;
        if (!Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
            || !(realm.Scheme == Uri.UriSchemeHttps || (realm.Scheme == Uri.UriSchemeHttp && RegistryEndpoint.IsLoopbackHost(realm.Host))))
        {
            throw new RegistryException(RegistryError.RegistryUnauthorized, registry, Format(RegistryMessages.RealmNotHttps, registry, realmText)) { Scope = scope };
        }

        var service = challenge["service"];
        var credential = await state.CredentialAsync().ConfigureAwait(false);
        var retries = 0;
        while (true)
        {
            using var request = BuildTokenRequest(realm, service, scope, credential);
            HttpResponseMessage response;
            try
            {
                response = await ClientFor(state).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e) && !context.Token.IsCancellationRequested)
            {
                var delay = Backoff(retries, null);
                if (retries < _options.MaxRetries && context.MayRetry(delay))
                {
                    retries++;
                    await Task.Delay(delay, context.Token).ConfigureAwait(false);
                    continue;
                }

                throw new RegistryException(RegistryError.RegistryUnavailable, registry, Format(RegistryMessages.Unreachable, registry, realm.GetLeftPart(UriPartial.Authority), TransportReason(state, e)), null, e);
            }
            catch (OperationCanceledException e) when (context.TimedOut)
            {
                throw new RegistryException(RegistryError.RegistryUnavailable, registry, Format(RegistryMessages.NoAnswer, realm.GetLeftPart(UriPartial.Authority), Math.Ceiling(context.Deadline.TotalSeconds)), null, e);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is 429 or (>= 500 and <= 599))
                {
                    var delay = Backoff(retries, response.Headers.RetryAfter);
                    if (retries < _options.MaxRetries && context.MayRetry(delay))
                    {
                        retries++;
                        await DelayAsync(delay, context).ConfigureAwait(false);
                        continue;
                    }
                }

                if (status is < 200 or >= 300)
                {
                    var words = await RegistryWordsAsync(response, context).ConfigureAwait(false);
                    var error = status is 401 or 403 ? RegistryError.RegistryUnauthorized : RegistryError.RegistryUnavailable;
                    throw new RegistryException(error, registry, Format(RegistryMessages.TokenRefused, realm.GetLeftPart(UriPartial.Path), registry, scope, status, Words(words)), status) { Scope = scope };
                }

                var body = await ReadAsync(response, MaxErrorBytes, state, scope, realmText, context).ConfigureAwait(false);
                return ParseToken(body, realm, registry, scope);
            }
        }
    }

    private static HttpRequestMessage BuildTokenRequest(Uri realm, string? service, string scope, RegistryCredential? credential)
    {
        if (credential?.IdentityToken is { } refreshToken)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", refreshToken),
                new("client_id", "imgtrack"),
                new("scope", scope),
            };
            if (!string.IsNullOrEmpty(service))
            {
                form.Add(new("service", service!));
            }

            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }

        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query.Substring(1) + "&" : string.Empty);
        if (!string.IsNullOrEmpty(service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service!)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (credential?.Password is not null)
        {
            request.Headers.Authorization = BasicHeader(credential);
        }

        return request;
    }

    private static BearerToken ParseToken(byte[] body, Uri realm, string registry, string scope)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? token = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "token", "access_token" })
                {
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString()))
                    {
                        token = value.GetString();
                        break;
                    }
                }
            }

            if (token is not null)
            {
                // The token spec's default lifetime is 60 seconds when the service names none.
                var seconds = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var s) && s > 0 ? s : 60;
                return new BearerToken(token, TimeSpan.FromSeconds(seconds));
            }
        }
        catch (JsonException)
        {
            // Reported below, without the body (it may hold a secret).
        }

        throw new RegistryException(RegistryError.RegistryUnauthorized, registry, Format(RegistryMessages.TokenMissing, realm.GetLeftPart(UriPartial.Path), registry, scope)) { Scope = scope };
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password)));

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, int maxBytes, RegistryState state, string repository, string reference, NameContext context)
    {
        var registry = state.Endpoint.Registry;
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.TooLarge, registry, reference, repository, maxBytes));
        }

        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, context.Token).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > maxBytes)
            {
                throw new RegistryException(RegistryError.UnsupportedManifest, registry, Format(RegistryMessages.TooLarge, registry, reference, repository, maxBytes));
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>The registry's own error words (<c>{"errors":[{"code":…,"message":…}]}</c>), or null.</summary>
    private static async Task<string?> RegistryWordsAsync(HttpResponseMessage response, NameContext context)
    {
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[MaxErrorBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer, total, buffer.Length - total, context.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            using var document = JsonDocument.Parse(new ReadOnlyMemory<byte>(buffer, 0, total));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array)
            {
                var words = new List<string>();
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    words.Add(code is null ? message ?? string.Empty : message is null ? code : code + ": " + message);
                }

                return words.Count == 0 ? null : string.Join("; ", words);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            // No words, then: the status says enough.
        }

        return null;
    }

    private static string Words(string? words) => string.IsNullOrEmpty(words) ? "." : ": " + words + ".";

    private static string RetryNote(int retries, NameContext context) =>
        retries == 0 ? string.Empty : Format(RegistryMessages.RetriesExhausted, retries, context.Elapsed.TotalSeconds);

    /// <summary>Exponential backoff from <see cref="RegistryOptions.RetryDelay"/>, or the registry's Retry-After when longer.</summary>
    private TimeSpan Backoff(int retries, RetryConditionHeaderValue? retryAfter)
    {
        var delay = TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(retries, 16)));
        TimeSpan? asked = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

        return asked is { } wait && wait > delay ? wait : delay;
    }

    private static async Task DelayAsync(TimeSpan delay, NameContext context)
    {
        try
        {
            await Task.Delay(delay, context.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.Caller.IsCancellationRequested)
        {
            // The deadline came first; the next attempt reports it.
        }
    }

    private static bool IsTransportFailure(Exception e) =>
        e is HttpRequestException or IOException or AuthenticationException or System.Net.Sockets.SocketException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    private string TransportReason(RegistryState state, Exception error)
    {
        var authority = state.Endpoint.Authority;
        if (_trust.Rejections.TryRemove(authority, out var rejection))
        {
            return Format(RegistryMessages.CertificateRejected, rejection, Path.Combine(_options.CertificatesDirectory, authority));
        }

        var innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var reason = innermost.Message.TrimEnd('.') + ".";
        if (RefusedWithoutClientCertificate(authority, innermost))
        {
            reason += Format(RegistryMessages.ClientCertificateHint, _trust.CertificatesFor(authority).Folder);
        }

        return state.HttpsFailure is { } first && state.Scheme == RegistryState.SchemeHttp
            ? reason + Format(RegistryMessages.HttpsFailedFirst, first)
            : reason;
    }

    // A server that wants a client certificate ends the handshake with a TLS alert (bad_certificate, or TLS 1.3's
    // certificate_required), which OpenSSL words as "... alert bad certificate" or "... alert certificate required". The
    // hint is only a hint: other TLS stacks (Windows' SChannel) word it otherwise, and then the reason stands alone.
    private bool RefusedWithoutClientCertificate(string authority, Exception innermost) =>
        _trust.CertificatesFor(authority).ClientCertificates.Count == 0
        && innermost.Message.IndexOf("alert", StringComparison.OrdinalIgnoreCase) >= 0
        && innermost.Message.IndexOf("certificate", StringComparison.OrdinalIgnoreCase) >= 0;

    private static bool SameOrigin(Uri left, Uri right) =>
        string.Equals(left.Scheme, right.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(left.Host, right.Host, StringComparison.OrdinalIgnoreCase)
        && left.Port == right.Port;

    private static string Format(string template, params object[] args) => string.Format(CultureInfo.CurrentCulture, template, args);

    private sealed class RegistryAnswer
    {
        public RegistryAnswer(byte[] body, string? contentType, string? digestHeader)
        {
            Body = body;
            ContentType = contentType;
            DigestHeader = string.IsNullOrEmpty(digestHeader) ? null : digestHeader;
        }

        public byte[] Body { get; }

        public string? ContentType { get; }

        public string? DigestHeader { get; }
    }

    private sealed class ImageConfig
    {
        public ImageConfig(Platform? platform, UtcTimestamp? created)
        {
            Platform = platform;
            Created = created;
        }

        public Platform? Platform { get; }

        public UtcTimestamp? Created { get; }
    }
}
