using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ImgTrack.Registry;

/// <summary>How a <see cref="RemoteImageResolver"/> talks to registries. The caller's cancellation token applies on top.</summary>
public sealed class RegistryOptions
{
    /// <summary>
    /// How long one request may take, and also one name's whole resolution (challenge, token, manifests, retries): a
    /// registry that accepts connections and never answers fails within it. Default 60 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>No retry starts once a name has taken this long (default 30 s): the bound on backoff and
    /// <c>Retry-After</c> waits per name.</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many retries of one request after 5xx, 429 or a dropped connection (default 4).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first backoff (default 0.5 s); each retry waits twice as long as the one before, unless the registry
    /// names a longer <c>Retry-After</c>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Docker's per-registry CA folder: <c>&lt;dir&gt;/&lt;host[:port]&gt;/*.crt</c> are trusted for that registry in
    /// addition to the OS store. Default <c>/etc/docker/certs.d</c> (<c>%ProgramData%\docker\certs.d</c> on Windows).
    /// </summary>
    public string CertificatesDirectory { get; set; } = DefaultCertificatesDirectory;

    /// <summary>Registries (<c>host[:port]</c>, as in names) that may be spoken to in plain HTTP when HTTPS fails, as
    /// loopback registries may. Certificates are never left unchecked.</summary>
    public ICollection<string> AllowInsecureRegistries { get; } = new List<string>();

    /// <summary>Where credentials come from; null for anonymous access only.</summary>
    public IRegistryCredentialProvider? Credentials { get; set; }

    /// <summary>The platform default for <see cref="CertificatesDirectory"/>.</summary>
    public static string DefaultCertificatesDirectory =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "docker", "certs.d")
            : "/etc/docker/certs.d";
}
