using System;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Oci;

namespace ImgTrack.Collection;

/// <summary>
/// The one home of the default platform: the platform a registry lookup resolves names for when none is given is the
/// local engine's (what a pull on this machine would take), when an engine answers within <see cref="EngineProbeTimeout"/>;
/// else <see cref="Oci.Platform.Current"/> (<c>linux/</c> or <c>windows/</c> and this machine's architecture).
/// </summary>
public sealed class PlatformChoice
{
    /// <summary>How long the engine may take to say what it is; a registry lookup must not wait on a dead engine.</summary>
    public static readonly TimeSpan EngineProbeTimeout = TimeSpan.FromSeconds(1);

    private PlatformChoice(Platform platform, string? engineEndpoint, bool fromEngine, string? engineFailure, bool given = false)
    {
        Platform = platform;
        EngineEndpoint = engineEndpoint;
        FromEngine = fromEngine;
        EngineFailure = engineFailure;
        Given = given;
    }

    /// <summary>The platform.</summary>
    public Platform Platform { get; }

    /// <summary>True when the caller named the platform (<c>-Platform</c>): no engine was asked.</summary>
    public bool Given { get; }

    /// <summary>The engine endpoint asked; null when the settings named none that could work.</summary>
    public string? EngineEndpoint { get; }

    /// <summary>True when <see cref="Platform"/> is the engine's; false when it is this machine's.</summary>
    public bool FromEngine { get; }

    /// <summary>Why the engine gave no platform (its error, or the settings' error); null when it answered, or did not
    /// answer in time.</summary>
    public string? EngineFailure { get; }

    /// <summary>The platform the caller named: no engine is asked.</summary>
    public static PlatformChoice FromCaller(Platform platform) =>
        new(platform ?? throw new ArgumentNullException(nameof(platform)), null, false, null, given: true);

    /// <summary>
    /// The platform of an engine that has answered its handshake: its OS and architecture, or this machine's when it
    /// named neither (an image that records no platform of its own is taken to be the engine's).
    /// </summary>
    public static Platform OfEngine(EngineInfo info) =>
        info is null ? throw new ArgumentNullException(nameof(info))
        : string.IsNullOrEmpty(info.Os) || string.IsNullOrEmpty(info.Architecture) ? Platform.Current
        : new Platform(info.Os!, info.Architecture!);

    /// <summary>
    /// Asks the engine the docker CLI would use (<c>DOCKER_HOST</c>, the Docker context, the platform default) for its
    /// platform, for at most <see cref="EngineProbeTimeout"/>; falls back to this machine's. Never throws for the engine.
    /// </summary>
    /// <param name="workingDirectory">The folder a relative unix socket path is read against.</param>
    /// <param name="cancellationToken">Cancels the probe (and the run).</param>
    public static Task<PlatformChoice> ChooseAsync(string? workingDirectory, CancellationToken cancellationToken) =>
        ChooseAsync(workingDirectory, EngineProbeTimeout, cancellationToken);

    /// <summary>As <see cref="ChooseAsync(string?, CancellationToken)"/> with another time limit.</summary>
    public static async Task<PlatformChoice> ChooseAsync(string? workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IImageEngine engine;
        try
        {
            // The probe's own deadline ends a silent engine's wait; the client's limits only back it up (a second
            // later), so that silence always reads as silence, not as the client's timeout error.
            var backstop = timeout + TimeSpan.FromSeconds(1);
            engine = ImageEngineFactory.Create(
                EndpointResolver.Resolve(null, EngineEnvironment.ForWorkingDirectory(workingDirectory)),
                new EngineOptions { AnswerTimeout = backstop, RequestTimeout = backstop });
        }
        catch (EngineConfigurationException e)
        {
            return new PlatformChoice(Platform.Current, null, false, e.Message);
        }

        using (engine)
        {
            using var deadline = new CancellationTokenSource(timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                var info = await engine.GetInfoAsync(linked.Token).ConfigureAwait(false);
                var fromEngine = !string.IsNullOrEmpty(info.Os) && !string.IsNullOrEmpty(info.Architecture);
                return new PlatformChoice(OfEngine(info), engine.Endpoint, fromEngine, null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new PlatformChoice(Platform.Current, engine.Endpoint, false, null);
            }
            catch (Exception e) when (e is EngineUnreachableException or EngineRequestException or EngineConfigurationException)
            {
                return new PlatformChoice(Platform.Current, engine.Endpoint, false, e.Message);
            }
        }
    }
}
