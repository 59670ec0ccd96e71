using System;

namespace ImgTrack.Engine;

/// <summary>The engine endpoint settings are wrong (unknown context, bad address, missing TLS files); the message says which and how to fix it.</summary>
public class EngineConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
