using System;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using ImgTrack.Certificates;
using ImgTrack.Text;

namespace ImgTrack.Engine;

/// <summary>
/// TLS for a <c>tcp://</c> engine as the docker CLI does it: the client certificate from <c>cert.pem</c> and
/// <c>key.pem</c> when present, and, when verifying, the engine's certificate must chain to <c>ca.pem</c> — not
/// to the machine's trust store — and name the host connected to. (Docker.DotNet.X509's own CA callback ignores
/// host-name errors, so it is not used.)
/// </summary>
internal sealed class TlsAuthProvider
{
    private readonly X509Certificate2? _clientCertificate;
    private readonly X509Certificate2? _authority;
    private readonly bool _verifyServer;
    private string? _lastRejection;

    private TlsAuthProvider(X509Certificate2? clientCertificate, X509Certificate2? authority, bool verifyServer, string caFile)
    {
        _clientCertificate = clientCertificate;
        _authority = authority;
        _verifyServer = verifyServer;
        CaFile = caFile;
    }

    /// <summary>The CA file the engine's certificate is checked against.</summary>
    public string CaFile { get; }

    /// <summary>Why the last server certificate was rejected, for the error message; null when none was.</summary>
    public string? LastRejection => Volatile.Read(ref _lastRejection);

    /// <summary>Loads the material named by the settings; fails early, naming the file, when any is missing or unreadable.</summary>
    public static TlsAuthProvider Load(EngineEndpoint endpoint)
    {
        var settings = endpoint.Tls ?? throw new ArgumentException(EngineMessages.EndpointHasNoTls, nameof(endpoint));
        try
        {
            X509Certificate2? authority = null;
            if (settings.VerifyServer)
            {
                RequireFile(endpoint, settings.CaFile);
                authority = PemCertificates.LoadCertificate(settings.CaFile);
            }

            // Like the CLI, a missing client pair means no client certificate; half a pair is a mistake worth naming.
            X509Certificate2? client = null;
            var hasCertificate = File.Exists(settings.CertificateFile);
            var hasKey = File.Exists(settings.KeyFile);
            if (hasCertificate || hasKey)
            {
                RequireFile(endpoint, settings.CertificateFile);
                RequireFile(endpoint, settings.KeyFile);
                client = PemCertificates.LoadCertificateWithKey(settings.CertificateFile, settings.KeyFile);
            }

            return new TlsAuthProvider(client, authority, settings.VerifyServer, settings.CaFile);
        }
        catch (CertificateFileException e)
        {
            // The engine cannot be used at all: a run failure (InvalidEngineConfiguration), naming the file.
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.TlsMaterialUnreadable, e.Path, e.Reason), e);
        }
    }

    /// <summary>Puts the client certificate and the server check on the platform's handler (pooled on every runtime;
    /// <c>SocketsHttpHandler</c> underneath on .NET Core).</summary>
    public HttpClientHandler ConfigureHandler(HttpClientHandler handler)
    {
        if (handler is null)
        {
            throw new ArgumentNullException(nameof(handler));
        }

        handler.ClientCertificateOptions = ClientCertificateOption.Manual;
        if (_clientCertificate is not null)
        {
            handler.ClientCertificates.Add(_clientCertificate);
        }

        handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) =>
            ValidateServerCertificate(message, certificate, chain, errors);
        return handler;
    }

    /// <summary>The docker CLI's check: chain to <c>ca.pem</c> as the only root, and the right host name.</summary>
    internal bool ValidateServerCertificate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (!_verifyServer)
        {
            // DOCKER_TLS without DOCKER_TLS_VERIFY: encrypt, trust anything (the CLI's InsecureSkipVerify).
            return true;
        }

        var rejection = CheckServerCertificate(certificate, errors);
        Volatile.Write(ref _lastRejection, rejection);
        return rejection is null;
    }

    private string? CheckServerCertificate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return MessageText.Format(EngineMessages.ServerCertificateUntrusted, "none", CaFile);
        }

        using var server = new X509Certificate2(certificate);
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return MessageText.Format(EngineMessages.ServerCertificateNameMismatch, server.Subject, server.GetNameInfo(X509NameType.DnsName, false));
        }

        if (!ChainTrust.IsTrusted(server, new[] { _authority! }, null, out _))
        {
            return MessageText.Format(EngineMessages.ServerCertificateUntrusted, server.Subject, CaFile);
        }

        return null;
    }

    private static void RequireFile(EngineEndpoint endpoint, string path)
    {
        if (!File.Exists(path))
        {
            throw new EngineConfigurationException(MessageText.Format(
                EngineMessages.TlsFileMissing, endpoint, endpoint.Source, path, Path.GetDirectoryName(path) ?? path));
        }
    }
}
