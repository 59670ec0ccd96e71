using System;

namespace ImgTrack.Engine;

/// <summary>Time limits for engine calls. The caller's cancellation token applies on top of them.</summary>
public sealed class EngineOptions
{
    /// <summary>How long the first calls (<c>/version</c>, <c>/info</c>) may take before the engine counts as
    /// unreachable: an engine that accepts a connection but never answers must not hang a script.</summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a list or inspect call may take (a list of thousands of images takes a while).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
