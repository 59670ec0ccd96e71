namespace ImgTrack.Collection;

/// <summary>Where an <see cref="IdentityRun"/> asks about images.</summary>
public enum IdentitySourceKind
{
    /// <summary>A Docker-compatible engine (dockerd, Podman): names and image IDs, and every image it holds.</summary>
    Engine,

    /// <summary>The registry each name points into: names only, the identity an engine would record after pulling.</summary>
    Registry,
}
