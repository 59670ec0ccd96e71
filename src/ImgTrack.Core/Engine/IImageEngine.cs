using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Identity;

namespace ImgTrack.Engine;

/// <summary>
/// The few engine calls ImgTrack needs, behind one seam so identity logic can be tested with recorded engine
/// answers and the real Docker engine API stays in one place. Every call honours its cancellation token.
/// </summary>
public interface IImageEngine : IDisposable
{
    /// <summary>The endpoint this engine talks to, as the user would write it (<c>unix:///var/run/docker.sock</c>).</summary>
    string Endpoint { get; }

    /// <summary>Version and host facts; the first call, so it also proves the engine answers
    /// (throws <see cref="EngineUnreachableException"/> within a few seconds when it does not).</summary>
    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Every local image, in one list call.</summary>
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>One image by name, image ID or unique ID prefix; null when the engine has no such image.</summary>
    Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken);
}
