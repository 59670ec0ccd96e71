using System;

namespace ImgTrack;

/// <summary>An image name broke a rule of the reference grammar; the message names the part and the rule.</summary>
public class ImageReferenceFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ImageReferenceFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The rule that failed.</param>
    public ImageReferenceFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The rule that failed.</param>
    /// <param name="innerException">The cause.</param>
    public ImageReferenceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
