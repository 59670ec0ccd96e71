
namespace ImgTrack.Oci;

/// <summary>The manifest media types of the OCI image spec and Docker's image manifest v2 schema 2.</summary>
internal static class MediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>The Accept header of manifest requests: the four types we read, nothing else (no schema 1).</summary>
    public static readonly string[] Accepted = { OciIndex, DockerManifestList, OciManifest, DockerManifest };

    /// <summary>True for an index or manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for an image manifest.</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>True for one of the four.</summary>
    public static bool IsKnown(string? mediaType) => IsIndex(mediaType) || IsManifest(mediaType);

    /// <summary>The media type without parameters, lower case, or null.</summary>
    public static string? Bare(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType!.IndexOf(';');
        return (semicolon >= 0 ? contentType.Substring(0, semicolon) : contentType).Trim().ToLowerInvariant();
    }
}
