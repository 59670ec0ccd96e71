using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Registry;
using ImgTrack.Resources;
using ImgTrack.Text;

namespace ImgTrack.Reporting;

/// <summary>
/// What a <c>Get-ImageIdentity</c> run tells besides its objects and errors, as text for PowerShell's verbose and
/// warning streams: which engine or registry it asked and how, what <c>-ResolveRepoDigest</c> found, and which images
/// were never pushed. The run may report from any thread (after an awaited handshake, a thread-pool thread), and
/// PowerShell's streams may be written only from the pipeline thread: lines are queued, and <see cref="Flush"/>, called
/// by the cmdlet on its pipeline thread, writes them in the order they came.
/// </summary>
internal sealed class IdentityRunReport : IIdentityRunLog
{
    // How many images the -All warning names before it only counts.
    private const int WarningNameLimit = 20;

    private readonly ConcurrentQueue<(bool Warning, string Text)> _lines = new();
    private readonly Action<string> _writeVerbose;
    private readonly Action<string> _writeWarning;
    private readonly string _credentialParameter;
    private readonly IReadOnlyList<string> _insecure;
    private readonly List<string> _neverPushed = new();
    private bool _notComparableWarned;
    private bool _lookupHint;

    /// <summary>Creates the report.</summary>
    /// <param name="verbose">Writes a verbose line (on the pipeline thread, from <see cref="Flush"/>).</param>
    /// <param name="warning">Writes a warning (on the pipeline thread, from <see cref="Flush"/>).</param>
    /// <param name="credentialParameter">How the caller names a given credential (<c>-Credential</c>).</param>
    /// <param name="insecure">The plain-HTTP registries as the caller gave them.</param>
    public IdentityRunReport(Action<string> verbose, Action<string> warning, string credentialParameter, IReadOnlyList<string> insecure)
    {
        _writeVerbose = verbose;
        _writeWarning = warning;
        _credentialParameter = credentialParameter;
        _insecure = insecure;
    }

    /// <summary>Writes the queued lines, in order; call on the pipeline thread.</summary>
    public void Flush()
    {
        while (_lines.TryDequeue(out var line))
        {
            (line.Warning ? _writeWarning : _writeVerbose)(line.Text);
        }
    }

    /// <inheritdoc />
    public void EngineOpened(EngineInfo info)
    {
        Verbose(MessageText.Format(EngineStrings.EngineVerbose, info.Endpoint, info.EngineVersion ?? EngineStrings.Unknown, info.ApiVersion ?? EngineStrings.Unknown, info.HostName ?? EngineStrings.Unknown));
        if (info.UsesContainerdImageStore)
        {
            Verbose(MessageText.Format(EngineStrings.ContainerdStoreVerbose, info.Endpoint));
        }
    }

    /// <inheritdoc />
    public void PlatformChosen(PlatformChoice choice) => Verbose(choice switch
    {
        { Given: true } => MessageText.Format(RegistryStrings.PlatformGivenVerbose, choice.Platform),
        { FromEngine: true } => MessageText.Format(RegistryStrings.PlatformEngineVerbose, choice.Platform, choice.EngineEndpoint),
        { EngineFailure: null } => MessageText.Format(RegistryStrings.PlatformSilentEngineVerbose, choice.Platform, choice.EngineEndpoint, PlatformChoice.EngineProbeTimeout.TotalSeconds),
        _ => MessageText.Format(RegistryStrings.PlatformNoEngineVerbose, choice.Platform, choice.EngineFailure),
    });

    /// <inheritdoc />
    public void CredentialScoped(string registry, string? userName) =>
        Verbose(MessageText.Format(RegistryStrings.CredentialVerbose, registry, userName));

    /// <inheritdoc />
    public void RegistryOpened(IRegistryCredentialProvider? credentials, RegistryOptions options)
    {
        var source = credentials switch
        {
            DockerConfigCredentialProvider config => config.Description,
            null => RegistryStrings.CredentialSourceNone,
            _ => _credentialParameter,
        };
        Verbose(MessageText.Format(
            RegistryStrings.RegistryVerbose,
            source,
            _insecure.Count == 0 ? string.Empty : MessageText.Format(RegistryStrings.InsecureRegistries, string.Join(", ", _insecure))));
    }

    /// <summary>
    /// Says what is worth saying about one resolved image before it is written: that it was never pushed (at once, or
    /// in one summary when <paramref name="listed"/>), and what the registry said of its tag.
    /// </summary>
    /// <param name="outcome">A resolved outcome.</param>
    /// <param name="listed">True for the engine's own list (<c>-All</c>): never-pushed images are named in one summary.</param>
    /// <param name="endpoint">The engine endpoint, for messages.</param>
    public void Resolved(IdentityOutcome outcome, bool listed, string endpoint)
    {
        var identity = outcome.Identity!;
        foreach (var warning in outcome.Warnings)
        {
            // What the engine's answer held that is not in the identity (a tag that is no name), and why.
            Warning(warning);
        }

        // A stale image's own warning says more than "never pushed": the registry knows its tag, for other content.
        if (outcome.NeverPushed && outcome.RepoDigestCheck?.Result != RepoDigestCheckResult.Stale)
        {
            // Not "never pushed": a loaded or imported image may well be in its registry, which only a lookup can tell.
            // The hint to look it up is left out where a lookup was made.
            _lookupHint |= outcome.RepoDigestCheck is null;
            if (listed)
            {
                _neverPushed.Add(identity.Name);
            }
            else
            {
                Warning(MessageText.Format(EngineStrings.NeverPushedWarning, identity.Name, identity.ImageId, outcome.RepoDigestCheck is null ? EngineStrings.ResolveRepoDigestHint : string.Empty));
            }
        }

        if (outcome.RepoDigestCheck is { } check)
        {
            ReportCheck(identity, check, endpoint);
        }
    }

    /// <summary>The one summary of never-pushed images of a listed run, if any.</summary>
    /// <param name="total">How many images the run wrote or listed.</param>
    public void Finish(int total)
    {
        if (_neverPushed.Count > 0)
        {
            Warning(MessageText.Format(EngineStrings.NeverPushedSummaryWarning, _neverPushed.Count, total, NameList(_neverPushed), _lookupHint ? EngineStrings.ResolveRepoDigestHint : string.Empty));
        }
    }

    private void Verbose(string text) => _lines.Enqueue((false, text));

    private void Warning(string text) => _lines.Enqueue((true, text));

    private static string NameList(List<string> names) =>
        names.Count <= WarningNameLimit
            ? string.Join(", ", names)
            : MessageText.Format(EngineStrings.NeverPushedMore, string.Join(", ", names.GetRange(0, WarningNameLimit)), names.Count - WarningNameLimit);

    // What -ResolveRepoDigest found for one engine image, as warnings (what a script should know) and verbose lines.
    private void ReportCheck(ImageIdentity identity, RepoDigestCheck check, string endpoint)
    {
        switch (check.Result)
        {
            case RepoDigestCheckResult.Resolved:
                Verbose(MessageText.Format(RegistryStrings.RepoDigestResolvedVerbose, identity.Name, check.Tag.Original, check.Platform, identity.RepoDigest));
                break;
            case RepoDigestCheckResult.Confirmed:
                Verbose(MessageText.Format(RegistryStrings.RepoDigestConfirmedVerbose, identity.Name, check.Tag.Original, identity.RepoDigest));
                break;
            case RepoDigestCheckResult.Stale:
                Warning(MessageText.Format(RegistryStrings.StaleWarning, identity.Name, identity.ImageId, check.Tag.Original, check.Remote!.ImageId, check.Platform, check.Remote.RepoDigest, identity.TrackingId));
                break;
            case RepoDigestCheckResult.Failed when check.FirstUnreachable:
                Warning(MessageText.Format(RegistryStrings.RegistryUnreachableWarning, check.Registry, check.Exception!.Message));
                break;
            case RepoDigestCheckResult.Failed:
                Warning(MessageText.Format(RegistryStrings.LookupFailedWarning, identity.Name, check.Tag.Original, check.Exception!.Message));
                break;
            case RepoDigestCheckResult.RegistrySkipped:
                Verbose(MessageText.Format(RegistryStrings.RegistrySkippedVerbose, identity.Name, check.Registry));
                break;
            case RepoDigestCheckResult.NotComparable when !_notComparableWarned:
                _notComparableWarned = true;
                Warning(MessageText.Format(RegistryStrings.NotComparableWarning, endpoint));
                break;
        }
    }
}
