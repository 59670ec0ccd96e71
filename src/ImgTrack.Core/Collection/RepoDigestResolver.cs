using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Concurrency;
using ImgTrack.Oci;
using ImgTrack.Registry;

namespace ImgTrack.Collection;

/// <summary>
/// <c>-ResolveRepoDigest</c>: asks the registry of an engine image's tag what the tag stands for on the
/// image's own platform, and compares config digests. Equal: the registry's digest is the image's repo digest (what
/// a node pulling the tag records). Different: the tag has moved on and the local image is stale. A registry that
/// cannot be reached is asked once per run: the names behind the first one wait for its answer, and once it failed
/// they are skipped. Thread-safe; at most <see cref="DefaultConcurrency"/> registry lookups run at once, however many
/// engine requests do.
/// </summary>
public sealed class RepoDigestResolver : IDisposable
{
    /// <summary>How many registry lookups run at once (the registry benchmark's throttle).</summary>
    public const int DefaultConcurrency = 16;

    private readonly RemoteImageResolver _resolver;
    private readonly SemaphoreSlim _concurrency;
    private readonly ConcurrentDictionary<string, RegistryGate> _registries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the resolver for one run.</summary>
    /// <param name="options">How registries are spoken to (credentials from the docker config, insecure registries).</param>
    /// <param name="concurrency">How many lookups run at once.</param>
    public RepoDigestResolver(RegistryOptions? options, int concurrency = DefaultConcurrency)
        : this(new RemoteImageResolver(options), concurrency)
    {
    }

    /// <summary>Creates the resolver over a registry client, which it then owns.</summary>
    public RepoDigestResolver(RemoteImageResolver resolver, int concurrency = DefaultConcurrency)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _concurrency = new SemaphoreSlim(Math.Max(1, concurrency));
    }

    /// <summary>The registry client's warnings since the last call (a missing credential helper), for the caller's thread.</summary>
    public IReadOnlyList<string> TakeWarnings() => _resolver.TakeWarnings();

    /// <summary>
    /// Looks <paramref name="tag"/> up for <paramref name="platform"/> and compares the registry's config digest with
    /// <paramref name="configDigest"/>. Registry failures are the check's result, never thrown.
    /// </summary>
    /// <param name="tag">The image's tag (or the name it was asked by).</param>
    /// <param name="platform">The image's own platform.</param>
    /// <param name="configDigest">The image's config digest (the engine's image ID on the classic store and Podman).</param>
    /// <param name="engineRepoDigest">The repo digest the engine's record gave, if any: when the registry serves that
    /// very digest the check is <see cref="RepoDigestCheckResult.Confirmed"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<RepoDigestCheck> CheckAsync(ImageReference tag, Platform platform, string configDigest, string? engineRepoDigest, CancellationToken cancellationToken)
    {
        if (tag is null)
        {
            throw new ArgumentNullException(nameof(tag));
        }

        if (platform is null)
        {
            throw new ArgumentNullException(nameof(platform));
        }

        if (configDigest is null)
        {
            throw new ArgumentNullException(nameof(configDigest));
        }

        var gate = _registries.GetOrAdd(tag.Registry, _ => new RegistryGate());
        var first = gate.TryEnterFirst();
        try
        {
            if (!first)
            {
                // Behind the registry's first lookup: if that one finds the registry unreachable, this name is not asked.
                await gate.FirstDone.Task.WaitOrCancelAsync(cancellationToken).ConfigureAwait(false);
            }

            if (gate.Unreachable is { } unreachable)
            {
                return new RepoDigestCheck(RepoDigestCheckResult.RegistrySkipped, tag, platform, null, unreachable);
            }

            RemoteImage remote;
            await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                remote = await _resolver.ResolveAsync(tag, platform, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException e)
            {
                if (e.Error != RegistryError.RegistryUnavailable)
                {
                    return new RepoDigestCheck(RepoDigestCheckResult.Failed, tag, platform, null, e);
                }

                // Only the first failure to reach the registry is reported; lookups that were already in flight and
                // fail the same way count as skipped.
                return gate.MarkUnreachable(e)
                    ? new RepoDigestCheck(RepoDigestCheckResult.Failed, tag, platform, null, e) { FirstUnreachable = true }
                    : new RepoDigestCheck(RepoDigestCheckResult.RegistrySkipped, tag, platform, null, e);
            }
            finally
            {
                _concurrency.Release();
            }

            if (!string.Equals(remote.ImageId, configDigest, StringComparison.Ordinal))
            {
                return new RepoDigestCheck(RepoDigestCheckResult.Stale, tag, platform, remote, null);
            }

            return engineRepoDigest is not null && SameDigest(engineRepoDigest, remote.RepoDigest)
                ? new RepoDigestCheck(RepoDigestCheckResult.Confirmed, tag, platform, remote, null)
                : new RepoDigestCheck(RepoDigestCheckResult.Resolved, tag, platform, remote, null);
        }
        finally
        {
            if (first)
            {
                gate.FirstDone.TrySetResult(true);
            }
        }
    }

    /// <summary>Closes the registry connections.</summary>
    public void Dispose()
    {
        _resolver.Dispose();
        _concurrency.Dispose();
    }

    // Repo digests compare in canonical form: nginx@sha256:… and docker.io/library/nginx@sha256:… are one.
    private static bool SameDigest(string left, string right) =>
        TrackingKey.TryCreate(left, out var leftKey, out _)
        && TrackingKey.TryCreate(right, out var rightKey, out _)
        && string.Equals(leftKey, rightKey, StringComparison.Ordinal);

    /// <summary>One registry's state in this run: whether its first lookup is done, and whether it was unreachable.</summary>
    private sealed class RegistryGate
    {
        private int _started;
        private RegistryException? _unreachable;

        public TaskCompletionSource<bool> FirstDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RegistryException? Unreachable => Volatile.Read(ref _unreachable);

        public bool TryEnterFirst() => Interlocked.Exchange(ref _started, 1) == 0;

        /// <summary>Records the failure; true when it is the registry's first.</summary>
        public bool MarkUnreachable(RegistryException failure) => Interlocked.CompareExchange(ref _unreachable, failure, null) is null;
    }
}
