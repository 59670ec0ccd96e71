using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using ImgTrack.References;

namespace ImgTrack.Registry;

/// <summary>Where a registry named in image names is reached, and by which schemes.</summary>
internal sealed class RegistryEndpoint
{
    /// <summary>Docker Hub as names spell it (the reference grammar's rule).</summary>
    public const string DockerHub = ImageReferenceParser.DockerHub;

    /// <summary>Where Docker Hub's distribution API answers.</summary>
    public const string DockerHubHost = "registry-1.docker.io";

    /// <summary>Docker Hub's key in the docker config's <c>auths</c> and what credential helpers are asked for.</summary>
    public const string DockerHubServerUrl = "https://index.docker.io/v1/";

    private RegistryEndpoint(string registry, string authority, string host, bool isLoopback, bool plainHttpAllowed)
    {
        Registry = registry;
        Authority = authority;
        Host = host;
        IsLoopback = isLoopback;
        PlainHttpAllowed = plainHttpAllowed;
    }

    /// <summary>The registry as in names: <c>docker.io</c>, <c>127.0.0.1:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>host[:port] requests go to (<c>registry-1.docker.io</c> for Docker Hub); also the certs.d folder name.</summary>
    public string Authority { get; }

    /// <summary>The host alone.</summary>
    public string Host { get; }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public bool IsLoopback { get; }

    /// <summary>True when plain HTTP may be tried after HTTPS fails (loopback, or named as insecure).</summary>
    public bool PlainHttpAllowed { get; }

    /// <summary>What the credential helper protocol is asked for: Docker Hub's server URL, else host[:port].</summary>
    public string CredentialServer => CredentialServerFor(Registry);

    /// <summary>What the credential helper protocol is asked for a registry key (<see cref="CredentialKey"/>).</summary>
    public static string CredentialServerFor(string key) => key == DockerHub ? DockerHubServerUrl : key;

    /// <summary>The base address for a scheme.</summary>
    public Uri BaseUri(bool https) => new((https ? "https://" : "http://") + Authority + "/");

    /// <summary>Creates the endpoint of a name's registry.</summary>
    public static RegistryEndpoint For(ImageReference name, IEnumerable<string> insecureRegistries)
    {
        var registry = name.Registry;
        var hub = registry == DockerHub;
        var authority = hub ? DockerHubHost : registry;
        var host = hub ? DockerHubHost : name.RegistryHost;
        var loopback = IsLoopbackHost(host);
        var insecure = false;
        foreach (var entry in insecureRegistries)
        {
            insecure |= string.Equals(CredentialKey(entry), CredentialKey(registry), StringComparison.OrdinalIgnoreCase);
        }

        return new RegistryEndpoint(registry, authority, host, loopback, loopback || insecure);
    }

    /// <summary>True for hosts Docker treats as insecure by default: 127.0.0.0/8, ::1, localhost.</summary>
    public static bool IsLoopbackHost(string host)
    {
        var bare = host.Trim('[', ']');
        if (string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// A registry key for comparing credential entries, as the docker CLI reads its config (<c>ConvertToHostname</c>):
    /// no scheme, nothing after the first '/', lower case; Docker Hub's spellings all become <c>docker.io</c>.
    /// </summary>
    public static string CredentialKey(string registry)
    {
        var key = registry.Trim();
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (key.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                key = key.Substring(scheme.Length);
            }
        }

        var slash = key.IndexOf('/');
        if (slash >= 0)
        {
            key = key.Substring(0, slash);
        }

        key = key.ToLower(CultureInfo.InvariantCulture);
        return key is ImageReferenceParser.LegacyDockerHub or DockerHubHost or DockerHub ? DockerHub : key;
    }
}
