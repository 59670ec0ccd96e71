using System;

namespace ImgTrack.Engine;

/// <summary>A resolved engine endpoint: where to connect, why there, and with which TLS material.</summary>
public sealed class EngineEndpoint
{
    /// <summary>Creates the endpoint.</summary>
    public EngineEndpoint(Uri address, string source, EngineTlsSettings? tls)
    {
        Address = address ?? throw new ArgumentNullException(nameof(address));
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Tls = tls;
    }

    /// <summary>The address: <c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c> or <c>npipe://./pipe/docker_engine</c>.</summary>
    public Uri Address { get; }

    /// <summary>Where the address came from, for messages: <c>DOCKER_HOST</c>, <c>Docker context 'x'</c>, ….</summary>
    public string Source { get; }

    /// <summary>TLS settings for a <c>tcp://</c> address; null for plain HTTP and for sockets and pipes.</summary>
    public EngineTlsSettings? Tls { get; }

    /// <summary>The address as the user would write it (<c>unix:///var/run/docker.sock</c>).</summary>
    public override string ToString() => Address.OriginalString;
}

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

/// <summary>The engine endpoint settings are wrong (unknown context, bad address, missing TLS files); the message says which and how to fix it.</summary>
public class EngineConfigurationException : EngineUnreachableException
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
