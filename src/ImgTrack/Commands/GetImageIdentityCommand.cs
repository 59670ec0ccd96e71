using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using ImgTrack.Collection;
using ImgTrack.Completion;
using ImgTrack.Engine;
using ImgTrack.Progress;
using ImgTrack.Resources;

namespace ImgTrack.Commands;

/// <summary>
/// <para type="synopsis">Tells which image a name or image ID stands for on a Docker engine: image ID, repo digests and the tracking ID that merges with Kubernetes' imageID.</para>
/// </summary>
/// <remarks>
/// Inputs are inspected with bounded concurrency across the whole pipeline (a window of pending requests) and
/// written in input order as soon as each one and all before it are ready, so memory stays flat for thousands
/// of images. All writing happens on the pipeline thread.
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

    private const string NameSet = "Name";
    private const string AllSet = "All";

    // How many images the -All warning names before it only counts.
    private const int WarningNameLimit = 20;

    // Names arrive one by one, so the total is unknown: progress is drawn only for runs that last.
    private static readonly TimeSpan s_namesProgressDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_allProgressDelay = ProgressPolicy.MinimumInterval;

    private readonly List<string> _neverPushed = new();
    private ImageIdentityCollector? _collector;
    private IdentityPipeline? _pipeline;
    private UtcTimestamp _collectedAt;
    private bool _showProgress;
    private ProgressThrottle? _progress;
    private int _done;

    /// <summary>
    /// <para type="description">Image names (<c>team/app:1.0</c>, <c>registry:5000/team/app@sha256:…</c>) or image IDs (<c>sha256:…</c>, the 64 hex digits, or a prefix of at least 12).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
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
    /// <para type="description">The engine endpoint (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>, <c>npipe://./pipe/docker_engine</c>); by default DOCKER_HOST, the Docker context, then the platform default.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DockerHost { get; set; }

    /// <summary>
    /// <para type="description">How many engine requests run at once (1–64).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

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
        _collectedAt = UtcTimestamp.Now;

        // Everything that can fail for the whole run happens here, before the first input and before any command
        // after this one in the pipeline (Export-Csv) opens its file: a run that cannot work stops with one
        // terminating error and leaves yesterday's inventory as it was.
        var workingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var options = new EngineOptions { RequestTimeout = TimeSpan.FromSeconds(TimeoutSec) };
        _collector = Guard(() => ImageIdentityCollector.OpenAsync(DockerHost, workingDirectory, options, _collectedAt, CancellationToken).GetAwaiter().GetResult());
        var info = _collector.Info;
        WriteVerbose(Format(EngineStrings.EngineVerbose, info.Endpoint, info.EngineVersion ?? EngineStrings.Unknown, info.ApiVersion ?? EngineStrings.Unknown, info.HostName ?? EngineStrings.Unknown));
        if (info.UsesContainerdImageStore)
        {
            WriteVerbose(Format(EngineStrings.ContainerdStoreVerbose, info.Endpoint));
        }

        _pipeline = new IdentityPipeline(_collector, ThrottleLimit, CancellationToken);
        _showProgress = ProgressPolicy.ShouldShowProgress(
            Environment.UserInteractive,
            Host?.Name,
            Host?.UI?.RawUI is not null,
            Environment.GetCommandLineArgs());
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
            default:
                throw new PSInvalidOperationException("Unknown parameter set " + ParameterSetName);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_pipeline is not null)
        {
            Write(_pipeline.Drain());
        }

        if (_neverPushed.Count > 0)
        {
            WriteWarning(Format(EngineStrings.NeverPushedSummaryWarning, _neverPushed.Count, _pipeline?.Listed ?? _done, NameList(_neverPushed)));
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
        if (outcome.Identity is { } identity)
        {
            if (outcome.NeverPushed)
            {
                if (ParameterSetName == AllSet)
                {
                    _neverPushed.Add(identity.Name);
                }
                else
                {
                    WriteWarning(Format(EngineStrings.NeverPushedWarning, identity.Name, identity.ImageId));
                }
            }

            WriteObject(identity);
            return;
        }

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
    }

    private static string NameList(List<string> names)
    {
        if (names.Count <= WarningNameLimit)
        {
            return string.Join(", ", names);
        }

        return Format(EngineStrings.NeverPushedMore, string.Join(", ", names.GetRange(0, WarningNameLimit)), names.Count - WarningNameLimit);
    }

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.CurrentCulture, format, args);
}
