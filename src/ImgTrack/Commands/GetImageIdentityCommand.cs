using System;
using System.Collections.Generic;
using System.Management.Automation;
using ImgTrack.Collection;
using ImgTrack.Completion;
using ImgTrack.Engine;
using ImgTrack.Progress;
using ImgTrack.Registry;
using ImgTrack.Reporting;
using ImgTrack.Resources;
using ImgTrack.Text;
using ImgTrack.Validation;

namespace ImgTrack.Commands;

/// <summary>
/// <para type="synopsis">Tells which image a name or image ID stands for on a Docker engine, or a name in its registry (-Remote): image ID, repo digests and the tracking ID that merges with Kubernetes' imageID.</para>
/// </summary>
/// <remarks>
/// Inputs are inspected with bounded concurrency across the whole pipeline (a window of pending requests) and
/// written in input order as soon as each one and all before it are ready, so memory stays flat for thousands
/// of images. All writing happens on the pipeline thread. With -Remote the source is the registry instead of the
/// engine, through the same pipeline. The cmdlet binds, opens an <see cref="IdentityRun"/>, and writes what it returns:
/// what the run decides lives in the core, how a failure reads in <see cref="IdentityErrorRecords"/>.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "ImageIdentity", DefaultParameterSetName = NameSet)]
[OutputType(typeof(ImageIdentity))]
public sealed class GetImageIdentityCommand : ImgTrackCmdlet
{
    /// <summary>The default number of concurrent engine requests.</summary>
    /// <remarks>
    /// Chosen with tests/Benchmarks/ImgTrack.EngineBenchmark (1,000 images, dockerd 20.10, 2 shared CPUs; medians of one run):
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

    // Names arrive one by one, so the total is unknown: progress is drawn only for runs that last.
    private static readonly TimeSpan s_namesProgressDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_allProgressDelay = ProgressPolicy.MinimumInterval;

    private IdentityRun? _run;
    private IdentityRunReport? _report;
    private bool _showProgress;
    private ProgressThrottle? _progress;
    private int _done;

    /// <summary>
    /// <para type="description">Image names (<c>team/app:1.0</c>, <c>registry:5000/team/app@sha256:…</c>) or image IDs (<c>sha256:…</c>, the 64 hex digits, or a prefix of at least 12).</para>
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
    /// <remarks>Parsed once, at binding: a text that is no platform fails binding as a validation error.</remarks>
    [Parameter(ParameterSetName = RemoteSet)]
    [PlatformTransformation]
    [ValidatePlatform]
    public PlatformArgument? Platform { get; set; }

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
    /// <para type="description">How many seconds each request to the engine may take before the run stops with an EngineTimeout error (1–3600; default 60).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = DefaultTimeoutSec;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _showProgress = ProgressPolicy.ShouldShowProgress(
            Environment.UserInteractive,
            Host?.Name,
            Host?.UI?.RawUI is not null,
            Environment.GetCommandLineArgs());
        _report = new IdentityRunReport(WriteVerbose, WriteWarning, "-" + nameof(Credential), AllowInsecureRegistry);

        // A new source is a switch (a parameter set, or a switch that selects one), its IdentitySourceKind here, its
        // settings in IdentityRunOptions, and a case in IdentityRun.OpenAsync that opens it; nothing else here changes.
        var remote = ParameterSetName == RemoteSet;
        var options = new IdentityRunOptions
        {
            Source = remote ? IdentitySourceKind.Registry : IdentitySourceKind.Engine,
            CollectedAt = UtcTimestamp.Now,
            ThrottleLimit = remote && !MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? DefaultRemoteThrottleLimit : ThrottleLimit,
            RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
            FirstContactTimeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null,
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            DockerHost = DockerHost,
            ResolveRepoDigest = ResolveRepoDigest,
            Platform = Platform?.Platform,
            Credential = Credential is null ? null : RegistryCredential.FromPassword(Credential.UserName, Credential.GetNetworkCredential().Password ?? string.Empty),
            KnownNames = MyInvocation.BoundParameters.ContainsKey(nameof(Name)) ? Name : Array.Empty<string>(),
            AllowInsecureRegistries = AllowInsecureRegistry,
        };

        // Everything that can fail for the whole run fails here, before the first input and before any command after
        // this one in the pipeline (Export-Csv) opens its file.
        _run = Guard(() => IdentityRun.OpenAsync(options, _report, CancellationToken).GetAwaiter().GetResult());
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case NameSet:
            case RemoteSet:
                _progress ??= new ProgressThrottle(s_namesProgressDelay);
                foreach (var text in Items(Name))
                {
                    Write(() => _run!.Add(text));
                }

                break;
            case AllSet:
                _progress ??= new ProgressThrottle(s_allProgressDelay);
                Write(() => _run!.AddAll());
                break;
            default:
                throw new PSInvalidOperationException(MessageText.Format(CommandStrings.UnknownParameterSet, ParameterSetName));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_run is not null)
        {
            Write(() => _run.Finish());
        }

        _report?.Finish(_run?.Listed ?? _done);
        _report?.Flush();
        if (_progress is { HasReported: true })
        {
            WriteProgress(new ProgressRecord(1, EngineStrings.ProgressActivity, MessageText.Format(EngineStrings.ProgressStatusNames, _done)) { RecordType = ProgressRecordType.Completed });
        }

        ReleaseRun();
        base.EndProcessing();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseRun();
        }

        base.Dispose(disposing);
    }

    private string Endpoint => _run?.Engine?.Endpoint ?? DockerHost ?? EngineStrings.Unknown;

    // Enumerates (on the pipeline thread) the outcomes that are ready and writes each one.
    private void Write(Func<IEnumerable<IdentityOutcome>> outcomes) => Guard(() =>
    {
        foreach (var outcome in outcomes())
        {
            Emit(outcome);
        }

        return true;
    });

    private void Emit(IdentityOutcome outcome)
    {
        _done++;
        ReportProgress();
        var listed = ParameterSetName == AllSet;
        if (outcome.Identity is not null)
        {
            _report!.Resolved(outcome, listed, Endpoint);
        }

        // What the run said before this outcome (how the registry was opened) and of it, then the outcome itself.
        _report!.Flush();
        WriteRegistryWarnings();
        if (outcome.Identity is { } identity)
        {
            WriteObject(identity);
        }
        else
        {
            WriteError(IdentityErrorRecords.ForItem(outcome, listed, Endpoint));
        }
    }

    private void ReportProgress()
    {
        if (!_showProgress || _progress is null || !_progress.IsDue())
        {
            return;
        }

        var total = _run?.Listed ?? 0;
        var record = total > 0
            ? new ProgressRecord(1, EngineStrings.ProgressActivity, MessageText.Format(EngineStrings.ProgressStatusAll, _done, total)) { PercentComplete = Math.Min(100, _done * 100 / total) }
            : new ProgressRecord(1, EngineStrings.ProgressActivity, MessageText.Format(EngineStrings.ProgressStatusNames, _done));
        WriteProgress(record);
    }

    // Runs a blocking step on the pipeline thread; a failure that ends the run becomes one terminating error, and
    // cancellation after Ctrl+C stops the pipeline. Objects already written stay written.
    // The run's verbose lines and warnings are written here too, on this thread, before the step's end or its error.
    private T Guard<T>(Func<T> step)
    {
        try
        {
            var result = step();
            _report?.Flush();
            return result;
        }
        catch (Exception ex) when (IdentityErrorRecords.ForRun(ex, _run?.Engine?.Endpoint, DockerHost) is { } record)
        {
            _report?.Flush();
            ThrowTerminatingError(record);
            throw; // ThrowTerminatingError never returns.
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void ReleaseRun()
    {
        _run?.Dispose();
        _run = null;
    }

    // The registry client's own warnings (a configured credential helper that is missing), on the pipeline thread.
    private void WriteRegistryWarnings()
    {
        if (_run is null)
        {
            return;
        }

        foreach (var warning in _run.TakeWarnings())
        {
            WriteWarning(warning);
        }
    }
}
