using System;
using System.Diagnostics;
using System.IO;

namespace ImgTrack.Tests;

/// <summary>
/// Certificates for engine TLS tests, made with the openssl command line the way Docker's "Protect the Docker
/// daemon socket" guide makes them: a CA, a server certificate with an IP SAN, client certificates.
/// </summary>
public static class TestCertificates
{
    /// <summary>The key kinds a test can ask for.</summary>
    public enum KeyKind
    {
        /// <summary>RSA 2048 written as PKCS#8 (<c>BEGIN PRIVATE KEY</c>, what OpenSSL 3 writes).</summary>
        RsaPkcs8,

        /// <summary>RSA 2048 written as PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>, what OpenSSL 1.x and Docker's guide wrote).</summary>
        RsaPkcs1,

        /// <summary>EC P-256 written as SEC1 (<c>BEGIN EC PRIVATE KEY</c>).</summary>
        EcSec1,
    }

    /// <summary>Makes a self-signed CA: <c>ca.pem</c> and <c>ca-key.pem</c> in <paramref name="directory"/>.</summary>
    public static void CreateAuthority(string directory, string commonName = "ImgTrack test CA")
    {
        Directory.CreateDirectory(directory);
        OpenSsl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-keyout", "ca-key.pem", "-out", "ca.pem", "-subj", "/CN=" + commonName);
    }

    /// <summary>
    /// Makes a key and a certificate signed by the CA in <paramref name="authorityDirectory"/>: writes
    /// <paramref name="certificateFile"/> and <paramref name="keyFile"/> into <paramref name="directory"/>.
    /// </summary>
    /// <param name="extensions">openssl extension lines, e.g. <c>subjectAltName=IP:127.0.0.1</c>.</param>
    public static void CreateSigned(
        string authorityDirectory, string directory, string certificateFile, string keyFile, string commonName, KeyKind kind, params string[] extensions)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.GetFileNameWithoutExtension(certificateFile);
        var keyPath = Path.Combine(directory, keyFile);
        switch (kind)
        {
            case KeyKind.EcSec1:
                OpenSsl(directory, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath);
                break;
            case KeyKind.RsaPkcs1:
                OpenSsl(directory, "genrsa", "-traditional", "-out", keyPath, "2048");
                break;
            default:
                OpenSsl(directory, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath);
                break;
        }

        var csr = Path.Combine(directory, stem + ".csr");
        var ext = Path.Combine(directory, stem + ".ext");
        File.WriteAllText(ext, string.Join("\n", extensions) + "\n");
        OpenSsl(directory, "req", "-new", "-key", keyPath, "-out", csr, "-subj", "/CN=" + commonName);
        OpenSsl(directory, "x509", "-req", "-sha256", "-days", "2", "-in", csr,
            "-CA", Path.Combine(authorityDirectory, "ca.pem"), "-CAkey", Path.Combine(authorityDirectory, "ca-key.pem"),
            "-set_serial", "0x" + Guid.NewGuid().ToString("N").Substring(0, 16),
            "-out", Path.Combine(directory, certificateFile), "-extfile", ext);
        File.Delete(csr);
        File.Delete(ext);
    }

    /// <summary>A server certificate for 127.0.0.1, as dockerd's <c>--tlscert</c> wants it.</summary>
    public static void CreateServer(string authorityDirectory, string directory, KeyKind kind = KeyKind.RsaPkcs8) =>
        CreateSigned(authorityDirectory, directory, "server-cert.pem", "server-key.pem", "127.0.0.1", kind,
            "subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth");

    /// <summary>A client certificate pair <c>cert.pem</c>/<c>key.pem</c>, plus the CA as <c>ca.pem</c>: a DOCKER_CERT_PATH folder.</summary>
    public static void CreateClient(string authorityDirectory, string directory, KeyKind kind = KeyKind.RsaPkcs8)
    {
        CreateSigned(authorityDirectory, directory, "cert.pem", "key.pem", "imgtrack-client", kind, "extendedKeyUsage=clientAuth");
        File.Copy(Path.Combine(authorityDirectory, "ca.pem"), Path.Combine(directory, "ca.pem"), overwrite: true);
    }

    private static void OpenSsl(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start openssl.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
