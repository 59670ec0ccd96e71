using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using ImgTrack.Certificates;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// One registry's folder in Docker's <c>certs.d</c> (<c>certs.d/host:port</c>; on Windows, whose file names cannot hold
/// ':', <c>certs.d\hostport</c>), read as dockerd reads it: every <c>*.crt</c> is a CA the registry's certificate may chain
/// to, and every <c>*.cert</c> with the <c>*.key</c> of the same name is a client certificate presented to the registry
/// (mutual TLS). As in Docker, half a pair is a mistake to name, not a file to skip, and so is a file that cannot be read:
/// an administrator who put a client certificate there expects it used, and a silent fallback would only surface later as
/// a puzzling handshake failure.
/// </summary>
internal sealed class RegistryCertificates
{
    private static readonly X509Certificate2[] s_none = Array.Empty<X509Certificate2>();

    private RegistryCertificates(string folder, X509Certificate2[] authorities, X509Certificate2[] clientCertificates, string? problem)
    {
        Folder = folder;
        Authorities = authorities;
        ClientCertificates = clientCertificates;
        Problem = problem;
    }

    /// <summary>The folder read (it need not exist).</summary>
    public string Folder { get; }

    /// <summary>The CAs of <c>*.crt</c> files, in file-name order.</summary>
    public IReadOnlyList<X509Certificate2> Authorities { get; }

    /// <summary>The client certificates of <c>*.cert</c>/<c>*.key</c> pairs, each with its private key, in file-name order.</summary>
    public IReadOnlyList<X509Certificate2> ClientCertificates { get; }

    /// <summary>Why the folder cannot be used (a half pair, an unreadable file); null when it can. Nothing else in it is
    /// used then.</summary>
    public string? Problem { get; }

    /// <summary>Reads <paramref name="authority"/>'s folder under <paramref name="certificatesDirectory"/>.</summary>
    public static RegistryCertificates Load(string certificatesDirectory, string authority)
    {
        var folder = Path.Combine(certificatesDirectory, Path.DirectorySeparatorChar == '\\' ? authority.Replace(":", string.Empty) : authority);
        if (!Directory.Exists(folder))
        {
            return new RegistryCertificates(folder, s_none, s_none, null);
        }

        try
        {
            var authorities = new List<X509Certificate2>();
            var clients = new List<X509Certificate2>();
            var files = Directory.GetFiles(folder);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                switch (Path.GetExtension(file))
                {
                    case ".crt":
                        authorities.AddRange(PemCertificates.LoadCertificates(file));
                        break;
                    case ".cert":
                        var key = Path.ChangeExtension(file, ".key");
                        if (!File.Exists(key))
                        {
                            return Unusable(folder, MessageText.Format(RegistryMessages.ClientKeyMissing, Path.GetFileName(file), Path.GetFileName(key)));
                        }

                        clients.Add(PemCertificates.LoadCertificateWithKey(file, key));
                        break;
                    case ".key":
                        var certificate = Path.ChangeExtension(file, ".cert");
                        if (!File.Exists(certificate))
                        {
                            return Unusable(folder, MessageText.Format(RegistryMessages.ClientCertificateMissing, Path.GetFileName(file), Path.GetFileName(certificate)));
                        }

                        break;
                }
            }

            return new RegistryCertificates(folder, authorities.ToArray(), clients.ToArray(), null);
        }
        catch (CertificateFileException e)
        {
            return Unusable(folder, MessageText.Format(RegistryMessages.CertificateFileUnusable, Path.GetFileName(e.Path), e.Reason));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unusable(folder, e.Message);
        }
    }

    private static RegistryCertificates Unusable(string folder, string problem) => new(folder, s_none, s_none, problem);
}
