using System;
using System.Collections.Generic;
using ImgTrack.Oci;
using ImgTrack.Registry;

namespace ImgTrack.Collection;

/// <summary>Everything an <see cref="IdentityRun"/> needs to know before its first input; the settings of one source
/// are ignored by the others.</summary>
public sealed class IdentityRunOptions
{
    /// <summary>Where images are looked up.</summary>
    public IdentitySourceKind Source { get; set; } = IdentitySourceKind.Engine;

    /// <summary>One timestamp for every identity of the run.</summary>
    public UtcTimestamp CollectedAt { get; set; } = UtcTimestamp.Now;

    /// <summary>How many requests run at once.</summary>
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>The time limit of each engine or registry request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Engine: the time limit of the first contact (<c>/version</c>, <c>/info</c>) when the caller gave a request
    /// timeout; null for the short default (<see cref="Engine.EngineOptions.DefaultAnswerTimeout"/>), so that a dead or
    /// silent endpoint fails fast unless the caller chose to wait.</summary>
    public TimeSpan? FirstContactTimeout { get; set; }

    /// <summary>The folder a relative unix socket path is read against (PowerShell's location, not the process's).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Engine: the endpoint, or null for DOCKER_HOST, the Docker context, then the platform default.</summary>
    public string? DockerHost { get; set; }

    /// <summary>Engine: look up in its tag's registry an image the engine knows no registry repo digest for.</summary>
    public bool ResolveRepoDigest { get; set; }

    /// <summary>Registry: the platform names resolve to; null for <see cref="PlatformChoice"/>'s default.</summary>
    public Platform? Platform { get; set; }

    /// <summary>Registry: a credential for the one registry the names are in; null for the docker config's.</summary>
    public RegistryCredential? Credential { get; set; }

    /// <summary>Registry, with <see cref="Credential"/>: the names known before the first input (given as
    /// arguments), checked for one registry when the run opens.</summary>
    public IReadOnlyList<string?> KnownNames { get; set; } = Array.Empty<string?>();

    /// <summary>Registries (host[:port]) that may be spoken to in plain HTTP when HTTPS fails.</summary>
    public IReadOnlyList<string> AllowInsecureRegistries { get; set; } = Array.Empty<string>();
}
