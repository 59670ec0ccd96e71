using System;

namespace ImgTrack.Inventory;

/// <summary>A cluster file that is not the JSON of <c>kubectl get pods -o json</c>; the message names the place.</summary>
public sealed class ClusterFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the JSON reader's exception.</summary>
    public ClusterFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
