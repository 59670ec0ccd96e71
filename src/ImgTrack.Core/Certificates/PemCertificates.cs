using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using ImgTrack.Text;

namespace ImgTrack.Certificates;

/// <summary>
/// Reads Docker's PEM files into .NET certificates: the CLI's engine TLS files (<c>ca.pem</c>, <c>cert.pem</c>,
/// <c>key.pem</c>) and a registry's <c>certs.d</c> files (<c>*.crt</c> CAs, <c>*.cert</c>/<c>*.key</c> client pairs).
/// netstandard2.0 (and so Windows PowerShell 5.1) has no PEM private-key loader, so BouncyCastle parses the
/// PEM and the pair travels to .NET as an in-memory PKCS#12 blob. Keys may be PKCS#1 RSA (<c>RSA PRIVATE KEY</c>,
/// OpenSSL 1.x), PKCS#8 (<c>PRIVATE KEY</c>, OpenSSL 3) or SEC1 EC (<c>EC PRIVATE KEY</c>).
/// </summary>
internal static class PemCertificates
{
    // PKCS#12 needs some password; an empty one is handled unevenly across .NET Framework versions.
    private const string TransferPassword = "imgtrack";

    /// <summary>Loads the first certificate of a PEM file (the CA).</summary>
    public static X509Certificate2 LoadCertificate(string path)
    {
        var certificates = ReadCertificates(path);
        if (certificates.Count == 0)
        {
            throw Unreadable(path, CertificateMessages.PemNoCertificate);
        }

        return new X509Certificate2(certificates[0].GetEncoded());
    }

    /// <summary>Loads every certificate of a PEM file (a CA bundle); none is an error.</summary>
    public static IReadOnlyList<X509Certificate2> LoadCertificates(string path)
    {
        var certificates = ReadCertificates(path);
        if (certificates.Count == 0)
        {
            throw Unreadable(path, CertificateMessages.PemNoCertificate);
        }

        var loaded = new X509Certificate2[certificates.Count];
        for (var i = 0; i < certificates.Count; i++)
        {
            loaded[i] = new X509Certificate2(certificates[i].GetEncoded());
        }

        return loaded;
    }

    /// <summary>Loads a client certificate with its private key.</summary>
    public static X509Certificate2 LoadCertificateWithKey(string certificatePath, string keyPath)
    {
        var certificates = ReadCertificates(certificatePath);
        if (certificates.Count == 0)
        {
            throw Unreadable(certificatePath, CertificateMessages.PemNoCertificate);
        }

        var privateKey = ReadPrivateKey(keyPath);
        if (!KeyMatches(privateKey, certificates[0].GetPublicKey()))
        {
            throw Unreadable(keyPath, MessageText.Format(CertificateMessages.PemKeyDoesNotMatch, certificatePath));
        }

        var store = new Pkcs12StoreBuilder().Build();
        var chain = new X509CertificateEntry[certificates.Count];
        for (var i = 0; i < certificates.Count; i++)
        {
            chain[i] = new X509CertificateEntry(certificates[i]);
        }

        store.SetKeyEntry("client", new AsymmetricKeyEntry(privateKey), chain);
        using var blob = new MemoryStream();
        store.Save(blob, TransferPassword.ToCharArray(), new SecureRandom());
        return new X509Certificate2(blob.ToArray(), TransferPassword, X509KeyStorageFlags.Exportable);
    }

    private static List<BcCertificate> ReadCertificates(string path)
    {
        var certificates = new List<BcCertificate>();
        foreach (var item in ReadPemObjects(path))
        {
            if (item is BcCertificate certificate)
            {
                certificates.Add(certificate);
            }
        }

        return certificates;
    }

    private static AsymmetricKeyParameter ReadPrivateKey(string path)
    {
        foreach (var item in ReadPemObjects(path))
        {
            switch (item)
            {
                // PKCS#1 RSA and SEC1 EC blocks come as key pairs, PKCS#8 blocks as the private key alone.
                case AsymmetricCipherKeyPair pair:
                    return pair.Private;
                case AsymmetricKeyParameter { IsPrivate: true } key:
                    return key;
            }
        }

        throw Unreadable(path, CertificateMessages.PemNoPrivateKey);
    }

    private static List<object> ReadPemObjects(string path)
    {
        var items = new List<object>();
        try
        {
            using var reader = new StreamReader(path);
            var pem = new PemReader(reader);
            for (var item = pem.ReadObject(); item is not null; item = pem.ReadObject())
            {
                items.Add(item);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PemException or InvalidCastException or ArgumentException)
        {
            throw new CertificateFileException(path, e.Message, e);
        }

        return items;
    }

    private static bool KeyMatches(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey) => (privateKey, publicKey) switch
    {
        (RsaKeyParameters rsa, RsaKeyParameters rsaPublic) => rsa.Modulus.Equals(rsaPublic.Modulus),
        (ECPrivateKeyParameters ec, ECPublicKeyParameters ecPublic) =>
            ec.Parameters.G.Multiply(ec.D).Normalize().Equals(ecPublic.Q.Normalize()),

        (RsaKeyParameters, _) or (ECPrivateKeyParameters, _) => false,

        // Other key kinds (Ed25519, DSA): let the TLS handshake judge them.
        _ => true,
    };

    private static CertificateFileException Unreadable(string path, string reason) => new(path, reason);
}
