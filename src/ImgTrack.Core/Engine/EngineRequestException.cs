using System;

namespace ImgTrack.Engine;

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
