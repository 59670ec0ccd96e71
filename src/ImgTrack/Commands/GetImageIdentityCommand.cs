using System;
using System.Collections.Generic;
using System.Management.Automation;
using ImgTrack.Collection;
using ImgTrack.Completion;
using ImgTrack.Engine;
using ImgTrack.Progress;
using ImgTrack.Registry;
using ImgTrack.Resources;
using ImgTrack.Validation;

namespace ImgTrack.Commands;

/// <summary>
/// <para type="synopsis">Tells which image a name or image ID stands for on a Docker engine, or a name in its registry (-Remote): image ID, repo digests and the tracking ID that merges with Kubernetes' imageID.</para>
/// </summary>
/// <remarks>
/// Inputs are inspected with bounded concurrency across the whole pipeline (a window of pending requests) and
/// written in input order as soon as each one and all before it are ready, so memory stays flat for thousands
/// of images. All writing happens on the pipeline thread. With -Remote the source is the registry instead of the
/// engine (issue 9), through the same pipeline.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "ImageIdentity", DefaultParameterSetName = NameSet)]
[OutputType(typeof(ImageIdentity))]
public sealed class GetImageIdentityCommand : ImgTrackCmdlet
{
    /// <summary>The default number of concurrent engine requests.</summary>
    /// <remarks>
    /// Chosen with tests/ImgTrack.EngineBenchmark (1,000 images, dockerd 20.10, 2 shared CPUs; medians of one run):
    /// -All took 251 ms at 8, 272 at 4, 213 at 16 and 653 at 1, where the engine's own floor (a plain client, 4
    /// keep-alive connections) took 179 ms and the docker CLI's single <c>docker image inspect $(docker images -q)</c>
    /// 516 ms; 8 and 16 trade places between runs. Connections are kept alive and reused on PowerShell 7.4+
    /// (EngineTransport), so a handful of requests in flight saturate the engine, and more only open more connections
    /// (on Windows, more named-pipe instances; 64 of them were a risk). Windows PowerShell 5.1 opens a connection per
    /// request, where a higher -ThrottleLimit may help against a local engine.
    /// </remarks>
    public const int DefaultThrottleLimit = 8;

    /// <summary>The default time limit of one engine request, in seconds (<see cref="EngineOptions.RequestTimeout"/>).</summary>
    public const int DefaultTimeoutSec = 60;

    /// <summary>The default number of concurrent registry lookups with -Remote (the registry benchmark's throttle):
    /// a registry is a shared service, often rate-limited, unlike the local engine.</summary>
    public const int DefaultRemoteThrottleLimit = RepoDigestResolver.DefaultConcurrency;

    private const string NameSet = "Name";
    private const string AllSet = "All";
    private const string RemoteSet = "Remote";

    // How many images the -All warning names before it only counts.
    private const int WarningNameLimit = 20;

    // Names arrive one by one, so the total is unknown: progress is drawn only for runs that last.
    private static readonly TimeSpan s_namesProgressDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_allProgressDelay = ProgressPolicy.MinimumInterval;

    private readonly List<string> _neverPushed = new();
    private ImageIdentityCollector? _collector;
    private RegistryIdentityCollector? _remote;
    private RepoDigestResolver? _repoDigests;
    private Platform? _remotePlatform;
    private List<string?>? _heldNames;
    private bool _notComparableWarned;
    private IdentityPipeline? _pipeline;
    private UtcTimestamp _collectedAt;
    private bool _showProgress;
    private ProgressThrottle? _progress;
    private int _done;

    /// <summary>
    /// <para type="description">Image names (<c>team/app:1.0</c>, <c>registry:5000/team/app@sha256:…</c>) or image IDs (<c>sha256:…</c>, the 64 hex digits, or a prefix; short hex is a name first, then an ID prefix, as for the docker CLI).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = RemoteSet)]
    [Alias("Image", "ImageName")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para type="description">Every image of the engine, one object each.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>
    /// <para type="description">Asks each name's registry instead of an engine: the identity the engine would record after pulling the name on -Platform. No engine is needed.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
    public SwitchParameter Remote { get; set; }

    /// <summary>
    /// <para type="description">The engine endpoint (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>, <c>npipe://./pipe/docker_engine</c>); by default DOCKER_HOST, the Docker context, then the platform default.</para>
    /// </summary>
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = AllSet)]
    [ValidateNotNullOrEmpty]
    public string? DockerHost { get; set; }

    /// <summary>
    /// <para type="description">How many engine requests (or, with -Remote, registry lookups) run at once (1–64).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>
    /// <para type="description">With -Remote: the platform, os/arch[/variant] (linux/arm64/v8), whose image a multi-platform name resolves to; by default the local engine's platform, else this machine's.</para>
    /// </summary>
    [Parameter(ParameterSetName = RemoteSet)]
    [ValidatePlatform]
    public string? Platform { get; set; }

    /// <summary>
    /// <para type="description">With -Remote: the user name and password for the one registry the names are in; by default the docker config's credentials.</para>
    /// </summary>
    [Parameter(ParameterSetName = RemoteSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// <para type="description">Registries (host[:port]) that may be spoken to in plain HTTP when HTTPS fails, as loopback registries may.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] AllowInsecureRegistry { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para type="description">Looks up in its tag's registry an image whose engine record has no registry repo digest (and every Podman image), and takes the registry's digest when the registry's image is this one.</para>
    /// </summary>
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = AllSet)]
    public SwitchParameter ResolveRepoDigest { get; set; }

    /// <summary>
    /// <para type="description">How many seconds each request (the engine's first contact included) may take before the run stops with an EngineTimeout error (1–3600; default 60, and 5 for the first contact).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = DefaultTimeoutSec;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _collectedAt = UtcTimestamp.Now;
        _showProgress = ProgressPolicy.ShouldShowProgress(
            Environment.UserInteractive,
            Host?.Name,
            Host?.UI?.RawUI is not null,
            Environment.GetCommandLineArgs());
        if (ParameterSetName == RemoteSet)
        {
            BeginRemote();
            return;
        }

        // Everything that can fail for the whole run happens here, before the first input and before any command
        // after this one in the pipeline (Export-Csv) opens its file: a run that cannot work stops with one
        // terminating error and leaves yesterday's inventory as it was.
        var workingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var options = EngineOptions.ForTimeoutSec(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : null);
        _collector = Guard(() => ImageIdentityCollector.OpenAsync(DockerHost, workingDirectory, options, _collectedAt, CancellationToken).GetAwaiter().GetResult());
        var info = _collector.Info;
        WriteVerbose(Format(EngineStrings.EngineVerbose, info.Endpoint, info.EngineVersion ?? EngineStrings.Unknown, info.ApiVersion ?? EngineStrings.Unknown, info.HostName ?? EngineStrings.Unknown));
        if (info.UsesContainerdImageStore)
        {
            WriteVerbose(Format(EngineStrings.ContainerdStoreVerbose, info.Endpoint));
        }

        if (ResolveRepoDigest)
        {
            _repoDigests = new RepoDigestResolver(RegistryOptionsFor(new DockerConfigCredentialProvider()));
            _collector.ResolveRepoDigestsWith(_repoDigests);
        }

        _pipeline = new IdentityPipeline(_collector, ThrottleLimit, CancellationToken);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case NameSet:
                _progress ??= new ProgressThrottle(s_namesProgressDelay);
                foreach (var text in Items(Name))
                {
                    Write(_pipeline!.Add(text));
                }

                break;
            case AllSet:
                _progress ??= new ProgressThrottle(s_allProgressDelay);
                Write(_pipeline!.AddAll());
                break;
            case RemoteSet:
                _progress ??= new ProgressThrottle(s_namesProgressDelay);
                foreach (var text in Items(Name))
                {
                    if (_heldNames is not null)
                    {
                        // -Credential: held until every name is known (see BeginRemote).
                        _heldNames.Add(text);
                    }
                    else
                    {
                        Write(_pipeline!.Add(text));
                    }
                }

                break;
            default:
                throw new PSInvalidOperationException("Unknown parameter set " + ParameterSetName);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_heldNames is not null)
        {
            var held = _heldNames;
            _heldNames = null;
            OpenRemote(CredentialProvider(held));
            foreach (var text in held)
            {
                Write(_pipeline!.Add(text));
            }
        }

        if (_pipeline is not null)
        {
            Write(_pipeline.Drain());
        }

        if (_neverPushed.Count > 0)
        {
            WriteWarning(Format(EngineStrings.NeverPushedSummaryWarning, _neverPushed.Count, _pipeline?.Listed ?? _done, NameList(_neverPushed), ResolveRepoDigest ? string.Empty : EngineStrings.ResolveRepoDigestHint));
        }

        if (_progress is { HasReported: true })
        {
            WriteProgress(new ProgressRecord(1, EngineStrings.ProgressActivity, Format(EngineStrings.ProgressStatusNames, _done)) { RecordType = ProgressRecordType.Completed });
        }

        ReleaseEngine();
        base.EndProcessing();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseEngine();
        }

        base.Dispose(disposing);
    }

    // Enumerates (on the pipeline thread) the outcomes that are ready and writes each one.
    private void Write(IEnumerable<IdentityOutcome> outcomes) => Guard(() =>
    {
        foreach (var outcome in outcomes)
        {
            Emit(outcome);
        }
    });

    private void Emit(IdentityOutcome outcome)
    {
        _done++;
        ReportProgress();
        foreach (var warning in outcome.Warnings)
        {
            WriteWarning(warning);
        }

        if (outcome.Identity is { } identity)
        {
            // A stale image's own warning says more than "never pushed": the registry knows its tag, for other content.
            if (outcome.NeverPushed && outcome.RepoDigestCheck?.Result != RepoDigestCheckResult.Stale)
            {
                if (ParameterSetName == AllSet)
                {
                    _neverPushed.Add(identity.Name);
                }
                else
                {
                    WriteWarning(Format(EngineStrings.NeverPushedWarning, identity.Name, identity.ImageId, ResolveRepoDigest ? string.Empty : EngineStrings.ResolveRepoDigestHint));
                }
            }

            if (outcome.RepoDigestCheck is { } check)
            {
                ReportCheck(identity, check);
            }

            WriteRegistryWarnings();
            WriteObject(identity);
            return;
        }

        WriteRegistryWarnings();

        var endpoint = _collector?.Info.Endpoint ?? DockerHost ?? EngineStrings.Unknown;
        switch (outcome.Error)
        {
            case IdentityError.InvalidImageReference:
                WriteItemError(outcome, outcome.Exception ?? new FormatException(outcome.Detail), ErrorIds.InvalidImageReference, ErrorCategory.InvalidArgument, Format(EngineStrings.InvalidImageReference, outcome.Input, outcome.Detail));
                break;
            case IdentityError.ImageNotFound when ParameterSetName == AllSet:
                // Listed, then removed before its inspect (docker rmi or a prune during the run): an item failure like
                // any other, so an inventory that lacks an image it listed says so (issue 10, "nothing lost").
                var vanished = Format(EngineStrings.ImageVanished, outcome.Input, endpoint);
                WriteItemError(outcome, new ItemNotFoundException(vanished), ErrorIds.ImageNotFound, ErrorCategory.ObjectNotFound, vanished);
                break;
            case IdentityError.ImageNotFound:
                var message = Format(EngineStrings.ImageNotFound, outcome.Input, endpoint);
                WriteItemError(outcome, new ItemNotFoundException(message), ErrorIds.ImageNotFound, ErrorCategory.ObjectNotFound, message);
                break;
            case IdentityError.RemoteNameRequired:
                var remoteMessage = Format(RegistryStrings.RemoteNameRequired, outcome.Input);
                WriteItemError(outcome, new ArgumentException(remoteMessage), ErrorIds.RemoteNameRequired, ErrorCategory.InvalidArgument, remoteMessage);
                break;
            case IdentityError.RegistryFailed:
                WriteRegistryError(outcome);
                break;
            default:
                WriteItemError(outcome, outcome.Exception ?? new InvalidOperationException(outcome.Detail), ErrorIds.ImageInspectFailed, ErrorCategory.ReadError, Format(EngineStrings.ImageInspectFailed, outcome.Input, endpoint, outcome.Detail));
                break;
        }
    }

    private void WriteItemError(IdentityOutcome outcome, Exception exception, string errorId, ErrorCategory category, string message)
    {
        WriteError(new ErrorRecord(exception, errorId, category, outcome.Input) { ErrorDetails = new ErrorDetails(message) });
    }

    private void ReportProgress()
    {
        if (!_showProgress || _progress is null || !_progress.IsDue())
        {
            return;
        }

        var total = _pipeline?.Listed ?? 0;
        var record = total > 0
            ? new ProgressRecord(1, EngineStrings.ProgressActivity, Format(EngineStrings.ProgressStatusAll, _done, total)) { PercentComplete = Math.Min(100, _done * 100 / total) }
            : new ProgressRecord(1, EngineStrings.ProgressActivity, Format(EngineStrings.ProgressStatusNames, _done));
        WriteProgress(record);
    }

    private void Guard(Action step) => Guard<object?>(() =>
    {
        step();
        return null;
    });

    // Runs a blocking step on the pipeline thread, turning the run-ending failures into PowerShell's terms: each is
    // one terminating error naming the endpoint; cancellation after Ctrl+C stops the pipeline.
    private T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (EngineConfigurationException ex)
        {
            // No usable endpoint (a bad -DockerHost, DOCKER_HOST or context, missing TLS files): the core's message
            // names the setting and where it came from. A settings error, not a connection error.
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidEngineConfiguration, ErrorCategory.InvalidArgument, DockerHost));
            throw; // ThrowTerminatingError never returns.
        }
        catch (EngineTimeoutException ex)
        {
            // The engine answered, then stopped answering within -TimeoutSec (hung, frozen): objects already written
            // stay written, and the run ends here, once.
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.EngineTimeout, ErrorCategory.OperationTimeout, _collector?.Info.Endpoint ?? DockerHost));
            throw;
        }
        catch (EngineUnreachableException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.EngineUnreachable, ErrorCategory.ConnectionError, _collector?.Info.Endpoint ?? DockerHost));
            throw;
        }
        catch (EngineApiTooOldException ex)
        {
            // The message names the engine's API version and the minimum.
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.EngineApiTooOld, ErrorCategory.NotImplemented, DockerHost));
            throw;
        }
        catch (EngineRequestException ex)
        {
            // The handshake's and the -All list's errors, and answers that are not the engine API (not HTTP, not JSON:
            // EngineProtocolException) from any request; an engine's error about one image is an outcome instead. The
            // endpoint answered, but not as a Docker engine does (a registry's port, a web server, a broken proxy).
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.EngineProtocolError, ErrorCategory.ProtocolError, _collector?.Info.Endpoint ?? DockerHost));
            throw;
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void ReleaseEngine()
    {
        _pipeline?.Dispose();
        _pipeline = null;
        _collector?.Dispose();
        _collector = null;
        _remote?.Dispose();
        _remote = null;
        _repoDigests?.Dispose();
        _repoDigests = null;
    }

    // -Remote: no engine is opened. The platform is chosen first (the only engine contact, at most a second, and none
    // with -Platform); with -Credential the names are held until all are known, so that names in several registries
    // fail the run before any request. Names given as arguments are known now: they fail it before Export-Csv downstream
    // opens its file.
    private void BeginRemote()
    {
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)))
        {
            ThrottleLimit = DefaultRemoteThrottleLimit;
        }

        _remotePlatform = ChooseRemotePlatform();
        if (Credential is null)
        {
            OpenRemote(new DockerConfigCredentialProvider());
            return;
        }

        _ = CredentialRegistry(MyInvocation.BoundParameters.ContainsKey(nameof(Name)) ? Name : Array.Empty<string>());
        _heldNames = new List<string?>();
    }

    private void OpenRemote(IRegistryCredentialProvider? credentials)
    {
        _remote = new RegistryIdentityCollector(new RemoteImageResolver(RegistryOptionsFor(credentials)), _remotePlatform!, _collectedAt);
        _pipeline = new IdentityPipeline(_remote, ThrottleLimit, CancellationToken);
    }

    private Platform ChooseRemotePlatform()
    {
        if (Platform is not null)
        {
            var given = Registry.Platform.Parse(Platform);
            WriteVerbose(Format(RegistryStrings.PlatformGivenVerbose, given));
            return given;
        }

        var workingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var choice = Guard(() => PlatformChoice.ChooseAsync(workingDirectory, CancellationToken).GetAwaiter().GetResult());
        WriteVerbose(choice switch
        {
            { FromEngine: true } => Format(RegistryStrings.PlatformEngineVerbose, choice.Platform, choice.EngineEndpoint),
            { EngineFailure: null } => Format(RegistryStrings.PlatformSilentEngineVerbose, choice.Platform, choice.EngineEndpoint, PlatformChoice.EngineProbeTimeout.TotalSeconds),
            _ => Format(RegistryStrings.PlatformNoEngineVerbose, choice.Platform, choice.EngineFailure),
        });
        return choice.Platform;
    }

    // The -Credential provider for the one registry the names are in.
    private IRegistryCredentialProvider? CredentialProvider(IEnumerable<string?> names)
    {
        var registry = CredentialRegistry(names);
        if (registry is null)
        {
            return null;
        }

        var password = Credential!.GetNetworkCredential().Password ?? string.Empty;
        WriteVerbose(Format(RegistryStrings.CredentialVerbose, registry, Credential.UserName));
        return new SingleRegistryCredentialProvider(registry, RegistryCredential.FromPassword(Credential.UserName, password));
    }

    // The one registry the names are in (null when no input is a name); a terminating error when they span several.
    private string? CredentialRegistry(IEnumerable<string?> names)
    {
        var registries = new List<string>();
        foreach (var text in names)
        {
            var input = ImageInput.Classify(text);
            if (input.Kind == ImageInputKind.Name && !registries.Exists(r => string.Equals(r, input.Reference!.Registry, StringComparison.OrdinalIgnoreCase)))
            {
                registries.Add(input.Reference!.Registry);
            }
        }

        if (registries.Count > 1)
        {
            var message = Format(RegistryStrings.CredentialSpansRegistries, registries.Count, string.Join(", ", registries));
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), ErrorIds.CredentialSpansRegistries, ErrorCategory.InvalidArgument, registries.ToArray())
            {
                ErrorDetails = new ErrorDetails(message),
            });
        }

        return registries.Count == 0 ? null : registries[0];
    }

    private RegistryOptions RegistryOptionsFor(IRegistryCredentialProvider? credentials)
    {
        var options = new RegistryOptions { Credentials = credentials, RequestTimeout = TimeSpan.FromSeconds(TimeoutSec) };
        foreach (var registry in AllowInsecureRegistry)
        {
            options.AllowInsecureRegistries.Add(registry);
        }

        var source = credentials switch
        {
            DockerConfigCredentialProvider config => config.ConfigFilePath,
            null => RegistryStrings.CredentialSourceNone,
            _ => "-" + nameof(Credential),
        };
        WriteVerbose(Format(
            RegistryStrings.RegistryVerbose,
            source,
            AllowInsecureRegistry.Length == 0 ? string.Empty : Format(RegistryStrings.InsecureRegistries, string.Join(", ", AllowInsecureRegistry))));
        return options;
    }

    // What -ResolveRepoDigest found for one engine image, as warnings (what a script should know) and verbose lines.
    private void ReportCheck(ImageIdentity identity, RepoDigestCheck check)
    {
        switch (check.Result)
        {
            case RepoDigestCheckResult.Resolved:
                WriteVerbose(Format(RegistryStrings.RepoDigestResolvedVerbose, identity.Name, check.Tag.Original, check.Platform, identity.RepoDigest));
                break;
            case RepoDigestCheckResult.Confirmed:
                WriteVerbose(Format(RegistryStrings.RepoDigestConfirmedVerbose, identity.Name, check.Tag.Original, identity.RepoDigest));
                break;
            case RepoDigestCheckResult.Stale:
                WriteWarning(Format(RegistryStrings.StaleWarning, identity.Name, identity.ImageId, check.Tag.Original, check.Remote!.ImageId, check.Platform, check.Remote.RepoDigest, identity.TrackingId));
                break;
            case RepoDigestCheckResult.Failed when check.FirstUnreachable:
                WriteWarning(Format(RegistryStrings.RegistryUnreachableWarning, check.Registry, check.Exception!.Message));
                break;
            case RepoDigestCheckResult.Failed:
                WriteWarning(Format(RegistryStrings.LookupFailedWarning, identity.Name, check.Tag.Original, check.Exception!.Message));
                break;
            case RepoDigestCheckResult.RegistrySkipped:
                WriteVerbose(Format(RegistryStrings.RegistrySkippedVerbose, identity.Name, check.Registry));
                break;
            case RepoDigestCheckResult.NotComparable when !_notComparableWarned:
                _notComparableWarned = true;
                WriteWarning(Format(RegistryStrings.NotComparableWarning, _collector?.Info.Endpoint ?? DockerHost ?? EngineStrings.Unknown));
                break;
        }
    }

    // The registry client's own warnings (a configured credential helper that is missing), on the pipeline thread.
    private void WriteRegistryWarnings()
    {
        var warnings = _remote?.TakeWarnings() ?? _repoDigests?.TakeWarnings();
        if (warnings is null)
        {
            return;
        }

        foreach (var warning in warnings)
        {
            WriteWarning(warning);
        }
    }

    // The registry's classification (RegistryError) in PowerShell's terms: the error ID and the category.
    private void WriteRegistryError(IdentityOutcome outcome)
    {
        var (errorId, category) = (outcome.Exception as RegistryException)?.Error switch
        {
            RegistryError.ManifestNotFound => (ErrorIds.ManifestNotFound, ErrorCategory.ObjectNotFound),
            RegistryError.RegistryUnauthorized => (ErrorIds.RegistryUnauthorized, ErrorCategory.PermissionDenied),
            RegistryError.PlatformNotFound => (ErrorIds.PlatformNotFound, ErrorCategory.ObjectNotFound),
            RegistryError.DigestMismatch => (ErrorIds.DigestMismatch, ErrorCategory.SecurityError),
            RegistryError.UnsupportedManifest => (ErrorIds.UnsupportedManifest, ErrorCategory.InvalidData),
            _ => (ErrorIds.RegistryUnavailable, ErrorCategory.ConnectionError),
        };
        var message = Format(RegistryStrings.RegistryItemFailed, outcome.Input, outcome.Detail);
        WriteItemError(outcome, outcome.Exception ?? new InvalidOperationException(outcome.Detail), errorId, category, message);
    }

    private static string NameList(List<string> names)
    {
        if (names.Count <= WarningNameLimit)
        {
            return string.Join(", ", names);
        }

        return Format(EngineStrings.NeverPushedMore, string.Join(", ", names.GetRange(0, WarningNameLimit)), names.Count - WarningNameLimit);
    }

    private static string Format(string format, params object?[] args) => Text.MessageText.Format(format, args!);
}
