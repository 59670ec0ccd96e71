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

/// <summary>The engine answered a request with an error other than "not found"; the message names the request, the
/// HTTP status and the engine's own words.</summary>
public class EngineRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineRequestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message, the HTTP status and its cause.</summary>
    public EngineRequestException(string message, int statusCode, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the engine answered with.</summary>
    public int StatusCode { get; }
}
