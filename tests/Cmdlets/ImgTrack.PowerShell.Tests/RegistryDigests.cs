using System;
using System.Linq;
using System.Net.Http;

namespace ImgTrack.PowerShell.Tests;

/// <summary>Asks a plain-HTTP test registry itself (not an engine) what it serves for a name.</summary>
internal static class RegistryDigests
{
    private static readonly string[] s_manifestTypes =
    {
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    };

    /// <summary>The repo digest a pull of <paramref name="name"/> (<c>host:port/repository:tag</c>) records:
    /// repository@ the registry's <c>Docker-Content-Digest</c> for the tag.</summary>
    public static string Of(string name)
    {
        var at = name.LastIndexOf(':');
        var repository = name[..at];
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{repository[..slash]}/v2/{repository[(slash + 1)..]}/manifests/{name[(at + 1)..]}");
        foreach (var type in s_manifestTypes)
        {
            request.Headers.Accept.ParseAdd(type);
        }

        using var response = http.Send(request);
        response.EnsureSuccessStatusCode();
        return repository + "@" + response.Headers.GetValues("Docker-Content-Digest").Single();
    }
}
