namespace ImgTrack;

/// <summary>What an engine's image ID is the digest of (<see cref="ImageIdentity.ImageIdKind"/>, held as the name).</summary>
public enum ImageIdKind
{
    /// <summary>The image configuration: Docker's classic image store and Podman; what a remote lookup reports.</summary>
    Config,

    /// <summary>A platform manifest: Docker's containerd image store, for a single-platform image.</summary>
    Manifest,

    /// <summary>An index (manifest list): Docker's containerd image store, for a multi-platform image.</summary>
    Index,
}
