namespace ImgTrack.Cri;

/// <summary>Why a run against a container runtime's CRI cannot go on. The names are the cmdlet's error IDs.</summary>
public enum CriFailure
{
    /// <summary>The endpoint setting is not a unix socket or named pipe address.</summary>
    InvalidRuntimeEndpoint,

    /// <summary>No runtime listens at the endpoint: the socket or pipe does not exist, or none of the defaults does.</summary>
    RuntimeEndpointNotFound,

    /// <summary>The endpoint exists, but this account may not open it.</summary>
    RuntimePermissionDenied,

    /// <summary>The endpoint answers, but not with the CRI's runtime.v1 image service (CRI plugin disabled, or a runtime
    /// older than CRI v1).</summary>
    CriNotServed,

    /// <summary>The endpoint exists but the runtime does not answer (nothing listens, the connection fails).</summary>
    RuntimeUnreachable,

    /// <summary>A call got no answer within the time limit.</summary>
    RuntimeTimeout,

    /// <summary>This PowerShell cannot speak gRPC to a local runtime (Windows PowerShell 5.1, .NET Framework).</summary>
    CriRequiresPowerShell7,
}
