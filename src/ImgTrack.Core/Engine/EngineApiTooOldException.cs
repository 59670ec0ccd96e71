using System;

namespace ImgTrack.Engine;

/// <summary>The engine speaks a Docker API version below <see cref="EngineApiVersion.Minimum"/>; the message names both
/// versions. Found in the handshake, before any input is read.</summary>
public class EngineApiTooOldException : EngineRequestException
{
    /// <summary>Creates the exception.</summary>
    public EngineApiTooOldException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineApiTooOldException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineApiTooOldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
