namespace ImgTrack;

/// <summary>Who answered for an image: <see cref="ImageIdentity.Source"/>, and <see cref="ImageIdentity.RepoDigestSource"/>
/// for its repo digest (held as the value's name, so that ConvertTo-Json writes the name).</summary>
public enum IdentitySource
{
    /// <summary>The engine (Docker Engine or Podman) that holds the image.</summary>
    Engine,

    /// <summary>The registry the image's name points to.</summary>
    Registry,

    /// <summary>A Kubernetes node's container runtime (containerd, CRI-O), asked through its CRI image service.</summary>
    Cri,
}
