using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>
/// One run of identity lookups (one <c>Get-ImageIdentity</c> invocation): opens the source the options name, feeds
/// inputs through an <see cref="IdentityPipeline"/>, and owns every client it opened. Everything that can fail for the
/// whole run fails in <see cref="OpenAsync"/>, before the first input: a run that cannot work ends before anything
/// downstream (Export-Csv) has opened its file, and yesterday's inventory stays as it was.
/// </summary>
/// <remarks>
/// Not thread-safe: a caller uses it from one thread (a cmdlet's pipeline thread), and every method that returns
/// outcomes returns them lazily on that thread. Run-ending failures propagate as <see cref="IdentityPipeline"/> says.
/// </remarks>
public sealed class IdentityRun : IDisposable
{
    private readonly IdentityRunOptions _options;
    private readonly IIdentityRunLog _log;
    private readonly CancellationToken _cancellationToken;
    private readonly List<IDisposable> _owned = new();
    private IdentityPipeline? _pipeline;
    private RemoteImageResolver? _registry;
    private RepoDigestResolver? _repoDigests;
    private Platform? _platform;
    private List<string?>? _held;

    private IdentityRun(IdentityRunOptions options, IIdentityRunLog log, CancellationToken cancellationToken)
    {
        _options = options;
        _log = log;
        _cancellationToken = cancellationToken;
    }

    /// <summary>What the engine said of itself in the handshake; null when the source is not an engine.</summary>
    public EngineInfo? Engine { get; private set; }

    /// <summary>How many images <see cref="AddAll"/> found in the source's list (0 before, or for names).</summary>
    public int Listed => _pipeline?.Listed ?? 0;

    /// <summary>
    /// Opens the source <paramref name="options"/> names for one run.
    /// </summary>
    /// <exception cref="EngineConfigurationException">The endpoint settings cannot work.</exception>
    /// <exception cref="EngineUnreachableException">The engine does not answer.</exception>
    /// <exception cref="EngineApiTooOldException">The engine's API is older than <see cref="EngineApiVersion.Minimum"/>.</exception>
    /// <exception cref="EngineRequestException">The endpoint answered, but not as a Docker engine does.</exception>
    /// <exception cref="CredentialSpansRegistriesException">A credential was given for names in several registries.</exception>
    public static async Task<IdentityRun> OpenAsync(IdentityRunOptions options, IIdentityRunLog log, CancellationToken cancellationToken)
    {
        var run = new IdentityRun(options ?? throw new ArgumentNullException(nameof(options)), log ?? throw new ArgumentNullException(nameof(log)), cancellationToken);
        try
        {
            // The one place a source is chosen. To add a source: a value in IdentitySourceKind, an IIdentitySource
            // (an IListedIdentitySource when it can list every image it holds, for -All) whose per-input failures are
            // outcomes, and a case here that opens it and hands it to StartPipeline. The pipeline's ordering and
            // throttling, and the module's error table, then serve it unchanged.
            switch (options.Source)
            {
                case IdentitySourceKind.Engine:
                    await run.OpenEngineAsync().ConfigureAwait(false);
                    break;
                case IdentitySourceKind.Registry:
                    await run.OpenRegistryAsync().ConfigureAwait(false);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), options.Source, MessageText.Format(CoreMessages.SourceUnknown, options.Source));
            }

            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>The registry client's own warnings since the last call (a missing credential helper).</summary>
    public IReadOnlyList<string> TakeWarnings() =>
        _registry?.TakeWarnings() ?? _repoDigests?.TakeWarnings() ?? (IReadOnlyList<string>)Array.Empty<string>();

    /// <summary>Adds one name or image ID; returns the outcomes that are ready. With a credential, the names are held
    /// until <see cref="Finish"/>, when all are known to be in one registry.</summary>
    public IEnumerable<IdentityOutcome> Add(string? text)
    {
        if (_held is not null)
        {
            _held.Add(text);
            return Array.Empty<IdentityOutcome>();
        }

        return _pipeline!.Add(text);
    }

    /// <summary>Adds every image the source holds, in its list's order.</summary>
    /// <exception cref="InvalidOperationException">The source holds no images of its own (a registry).</exception>
    public IEnumerable<IdentityOutcome> AddAll() => _pipeline!.AddAll();

    /// <summary>Resolves the held names, if any, then waits for and returns every pending outcome, in order.</summary>
    /// <exception cref="CredentialSpansRegistriesException">A credential was given for names in several registries.</exception>
    public IEnumerable<IdentityOutcome> Finish()
    {
        if (_held is not null)
        {
            var held = _held;
            _held = null;
            StartRegistry(ScopedCredential(held));
            foreach (var text in held)
            {
                foreach (var outcome in _pipeline!.Add(text))
                {
                    yield return outcome;
                }
            }
        }

        if (_pipeline is not null)
        {
            foreach (var outcome in _pipeline.Drain())
            {
                yield return outcome;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _pipeline?.Dispose();
        _pipeline = null;
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }

    private async Task OpenEngineAsync()
    {
        var engineOptions = new EngineOptions
        {
            RequestTimeout = _options.RequestTimeout,
            AnswerTimeout = _options.FirstContactTimeout ?? EngineOptions.DefaultAnswerTimeout,
        };
        var collector = Own(await ImageIdentityCollector.OpenAsync(_options.DockerHost, _options.WorkingDirectory, engineOptions, _options.CollectedAt, _cancellationToken).ConfigureAwait(false));
        Engine = collector.Info;
        _log.EngineOpened(collector.Info);
        if (_options.ResolveRepoDigest)
        {
            _repoDigests = Own(new RepoDigestResolver(RegistryOptionsFor(new DockerConfigCredentialProvider())));
            collector.ResolveRepoDigestsWith(_repoDigests);
        }

        StartPipeline(collector);
    }

    // No engine is opened for a registry run. The platform is chosen first (the only engine contact, at most a second,
    // and none with a given platform); with a credential the names are held until all are known, so that names in
    // several registries fail the run before any request. Names known now fail it now.
    private async Task OpenRegistryAsync()
    {
        var choice = _options.Platform is { } given
            ? PlatformChoice.FromCaller(given)
            : await PlatformChoice.ChooseAsync(_options.WorkingDirectory, _cancellationToken).ConfigureAwait(false);
        _platform = choice.Platform;
        _log.PlatformChosen(choice);
        if (_options.Credential is null)
        {
            StartRegistry(new DockerConfigCredentialProvider());
            return;
        }

        _ = CredentialScope.RegistryOf(_options.KnownNames);
        _held = new List<string?>();
    }

    // The given credential, for the one registry the names are in; none when no input is a name.
    private IRegistryCredentialProvider? ScopedCredential(IEnumerable<string?> names)
    {
        var registry = CredentialScope.RegistryOf(names);
        if (registry is null)
        {
            return null;
        }

        _log.CredentialScoped(registry, _options.Credential!.UserName);
        return new SingleRegistryCredentialProvider(registry, _options.Credential);
    }

    private void StartRegistry(IRegistryCredentialProvider? credentials)
    {
        _registry = new RemoteImageResolver(RegistryOptionsFor(credentials));
        StartPipeline(Own(new RegistryIdentityCollector(_registry, _platform!, _options.CollectedAt)));
    }

    private void StartPipeline(IIdentitySource source) =>
        _pipeline = new IdentityPipeline(source, _options.ThrottleLimit, _cancellationToken);

    private RegistryOptions RegistryOptionsFor(IRegistryCredentialProvider? credentials)
    {
        var options = new RegistryOptions { Credentials = credentials, RequestTimeout = _options.RequestTimeout };
        foreach (var registry in _options.AllowInsecureRegistries)
        {
            options.AllowInsecureRegistries.Add(registry);
        }

        _log.RegistryOpened(credentials, options);
        return options;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
