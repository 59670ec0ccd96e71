using System;
using System.Collections.Generic;

namespace ImgTrack.Engine;

/// <summary>What the engine says about itself (<c>/version</c> and <c>/info</c>).</summary>
public sealed class EngineInfo
{
    /// <summary>The component name Podman's <c>/version</c> answer carries.</summary>
    public const string PodmanEngineComponent = "Podman Engine";

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

    /// <summary>The engine's operating system (<c>/version</c> Os: <c>linux</c>, <c>windows</c>), if it said.</summary>
    public string? Os { get; init; }

    /// <summary>The engine's architecture (<c>/version</c> Arch: <c>amd64</c>, <c>arm64</c>), if it said.</summary>
    public string? Architecture { get; init; }

    /// <summary>The names of the components <c>/version</c> lists (<c>Engine</c>, <c>containerd</c>; Podman's
    /// <c>Podman Engine</c>, <c>Conmon</c>).</summary>
    public IReadOnlyList<string> Components { get; init; } = Array.Empty<string>();

    /// <summary>True when the engine is Podman's Docker-compatible service: its version lists a <c>Podman Engine</c>
    /// component. Podman records repo digests no registry has (<c>localhost/…</c>, and its own manifest's digest under
    /// every name of an image).</summary>
    public bool IsPodman
    {
        get
        {
            foreach (var component in Components)
            {
                if (string.Equals(component, PodmanEngineComponent, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
