using System;

namespace ImgTrack.Engine;

/// <summary>Where the TLS material for an engine is, and whether the engine's certificate is verified.</summary>
public sealed class EngineTlsSettings
{
    /// <summary>Creates the settings.</summary>
    public EngineTlsSettings(string certificateDirectory, bool verifyServer)
    {
        CertificateDirectory = certificateDirectory ?? throw new ArgumentNullException(nameof(certificateDirectory));
        VerifyServer = verifyServer;
    }

    /// <summary>The folder holding <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c>.</summary>
    public string CertificateDirectory { get; }

    /// <summary>True when the engine's certificate must chain to <c>ca.pem</c> and name the host (<c>DOCKER_TLS_VERIFY</c>).</summary>
    public bool VerifyServer { get; }

    /// <summary>The CA certificate file.</summary>
    public string CaFile => System.IO.Path.Combine(CertificateDirectory, "ca.pem");

    /// <summary>The client certificate file.</summary>
    public string CertificateFile => System.IO.Path.Combine(CertificateDirectory, "cert.pem");

    /// <summary>The client private key file.</summary>
    public string KeyFile => System.IO.Path.Combine(CertificateDirectory, "key.pem");
}
