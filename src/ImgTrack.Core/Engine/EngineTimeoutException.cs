using System;

namespace ImgTrack.Engine;

/// <summary>The engine answered the handshake but then did not answer a request within the request timeout
/// (<see cref="EngineOptions.RequestTimeout"/>, <c>-TimeoutSec</c>): a hung or frozen engine. It ends the run; what was
/// already identified stays written.</summary>
public class EngineTimeoutException : EngineUnreachableException
{
    /// <summary>Creates the exception.</summary>
    public EngineTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
