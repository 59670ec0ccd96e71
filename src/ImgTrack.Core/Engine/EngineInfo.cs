namespace ImgTrack.Engine;

/// <summary>What the engine says about itself (<c>/version</c> and <c>/info</c>).</summary>
public sealed class EngineInfo
{
    /// <summary>Creates the record.</summary>
    public EngineInfo(string endpoint, string? engineVersion, string? apiVersion, string? hostName, bool usesContainerdImageStore)
    {
        Endpoint = endpoint;
        EngineVersion = engineVersion;
        ApiVersion = apiVersion;
        HostName = hostName;
        UsesContainerdImageStore = usesContainerdImageStore;
    }

    /// <summary>The endpoint asked.</summary>
    public string Endpoint { get; }

    /// <summary>The engine's version (<c>20.10.24</c>).</summary>
    public string? EngineVersion { get; }

    /// <summary>The engine's API version (<c>1.41</c>).</summary>
    public string? ApiVersion { get; }

    /// <summary>The engine's host name (<c>/info</c> Name).</summary>
    public string? HostName { get; }

    /// <summary>True when the engine uses the containerd image store, where image IDs are manifest/index digests, not config digests.</summary>
    public bool UsesContainerdImageStore { get; }
}
