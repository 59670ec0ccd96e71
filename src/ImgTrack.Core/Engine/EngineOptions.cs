using System;

namespace ImgTrack.Engine;

/// <summary>Time and size limits for engine calls. The caller's cancellation token applies on top of them.</summary>
public sealed class EngineOptions
{
    /// <summary>The first contact's limit when no request timeout is given: short, so that a script against a dead or
    /// silent endpoint fails in seconds.</summary>
    public static readonly TimeSpan DefaultAnswerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A request's limit when none is given.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the first calls (<c>/version</c>, <c>/info</c>) may take before the engine counts as
    /// unreachable: an engine that accepts a connection but never answers must not hang a script.</summary>
    public TimeSpan AnswerTimeout { get; set; } = DefaultAnswerTimeout;

    /// <summary>How long a list or inspect call may take (a list of thousands of images takes a while).</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>The largest answer read other than the image list (<c>/version</c>, <c>/info</c>, an inspect, an error):
    /// an inspect with every manifest of a large index is a few hundred KB.</summary>
    internal int MaxAnswerBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The largest single entry of the image list: it is read whole before it is bound. A thousand tags of the
    /// longest names Docker allows are about 0.4 MiB.</summary>
    internal int MaxListEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most memory the image list's records may take, estimated as they are read (<see cref="ImageListReader"/>): a
    /// hostile list ends here, well before the process nears 1 GB, while a legitimate 200,000-image engine needs a third
    /// of it. Members ImgTrack does not read (labels, sizes) are skipped as they stream by and cost nothing.
    /// </summary>
    internal long MaxListMemory { get; set; } = 384L * 1024 * 1024;
}
