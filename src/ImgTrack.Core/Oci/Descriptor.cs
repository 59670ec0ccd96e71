
namespace ImgTrack.Oci;

/// <summary>A content descriptor: what an index lists, or a manifest's config.</summary>
internal sealed class Descriptor
{
    public Descriptor(string mediaType, string digest, long size, Platform? platform)
    {
        MediaType = mediaType;
        Digest = digest;
        Size = size;
        Platform = platform;
    }

    public string MediaType { get; }

    public string Digest { get; }

    public long Size { get; }

    public Platform? Platform { get; }
}
