using System;

namespace ImgTrack.Cri;

/// <summary>A run against a container runtime's CRI cannot go on; <see cref="Failure"/> says why, the message says it in
/// plain words with the fix.</summary>
public sealed class CriException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CriException(CriFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Creates an exception with a generic message (for serializers and analyzers).</summary>
    public CriException()
        : this(CriFailure.RuntimeUnreachable, CriMessages.RuntimeUnusable)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CriException(string message)
        : this(CriFailure.RuntimeUnreachable, message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public CriException(string message, Exception innerException)
        : this(CriFailure.RuntimeUnreachable, message, innerException)
    {
    }

    /// <summary>Why the run cannot go on (the cmdlet's error ID).</summary>
    public CriFailure Failure { get; }
}
