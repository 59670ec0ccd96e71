using System;

namespace ImgTrack.Engine;

/// <summary>The engine could not be reached or did not answer in time; the message names the endpoint and the likely fixes.</summary>
public class EngineUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineUnreachableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
