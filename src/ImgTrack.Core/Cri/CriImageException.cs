using System;

namespace ImgTrack.Cri;

/// <summary>The runtime answered a request about one image with an error of its own; the run goes on.</summary>
public sealed class CriImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CriImageException()
    {
    }

    /// <summary>Creates the exception with the runtime's words.</summary>
    public CriImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the runtime's words and the gRPC error.</summary>
    public CriImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
