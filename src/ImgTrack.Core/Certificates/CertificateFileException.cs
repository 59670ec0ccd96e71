using System;
using ImgTrack.Text;

namespace ImgTrack.Certificates;

/// <summary>
/// A certificate or key file that cannot be used: unreadable, not PEM, no certificate or key in it, or a key that does
/// not belong to its certificate. The message names the file and the reason; the engine and the registry each turn it
/// into their own error (a run failure for the engine's TLS files, a registry failure for <c>certs.d</c>).
/// </summary>
internal sealed class CertificateFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public CertificateFileException(string path, string reason, Exception? innerException = null)
        : base(MessageText.Format(CertificateMessages.FileUnusable, path, reason), innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that cannot be used.</summary>
    public string Path { get; }

    /// <summary>Why, as a clause to follow the file's name.</summary>
    public string Reason { get; }
}
