namespace ImgTrack.Collection;

/// <summary>What kind of text the user gave <c>Get-ImageIdentity</c>.</summary>
public enum ImageInputKind
{
    /// <summary>An image name, read with Docker's reference grammar.</summary>
    Name,

    /// <summary>An image ID or a short ID prefix, as the docker CLI accepts them.</summary>
    ImageId,

    /// <summary>Neither: the text breaks the reference grammar.</summary>
    Invalid,
}
