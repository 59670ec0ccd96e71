using System;
using System.Collections.Generic;
using System.IO;
using ImgTrack.Engine;
using ImgTrack.Text;

namespace ImgTrack.Cri;

/// <summary>
/// Finds the container runtime's CRI endpoint in crictl's order (cri-tools <c>cmd/crictl/main.go</c>): an explicit
/// endpoint, else <c>CONTAINER_RUNTIME_ENDPOINT</c>, else the first default endpoint that exists: containerd's, CRI-O's,
/// cri-dockerd's socket on Linux, containerd's named pipe on Windows. A default that does not exist is skipped, as crictl
/// skips one it cannot reach; an endpoint that was named is used as named, and a missing one is reported as missing.
/// </summary>
public static class CriEndpointResolver
{
    /// <summary>The environment variable crictl and the kubelet's tooling read.</summary>
    public const string EnvironmentVariable = "CONTAINER_RUNTIME_ENDPOINT";

    /// <summary>The default endpoints on Linux, in crictl's order: containerd, CRI-O, cri-dockerd.</summary>
    public static readonly IReadOnlyList<string> DefaultUnixEndpoints = new[]
    {
        "unix:///run/containerd/containerd.sock",
        "unix:///run/crio/crio.sock",
        "unix:///var/run/cri-dockerd.sock",
    };

    /// <summary>The default endpoint on Windows: containerd's named pipe.</summary>
    public static readonly IReadOnlyList<string> DefaultWindowsEndpoints = new[]
    {
        "npipe:////./pipe/containerd-containerd",
    };

    private const string UnixScheme = "unix://";
    private const string PipeScheme = "npipe://";

    /// <summary>Resolves the endpoint for the current process.</summary>
    /// <exception cref="CriException">The setting is no socket or pipe address, or no default endpoint exists.</exception>
    public static CriEndpoint Resolve(string? runtimeEndpoint, string? workingDirectory) =>
        Resolve(runtimeEndpoint, EngineEnvironment.ForWorkingDirectory(workingDirectory), Exists);

    /// <summary>Resolves the endpoint for the given environment; <paramref name="exists"/> says whether an endpoint's
    /// socket or pipe exists (a seam for tests).</summary>
    /// <exception cref="CriException">The setting is no socket or pipe address, or no default endpoint exists.</exception>
    public static CriEndpoint Resolve(string? runtimeEndpoint, EngineEnvironment environment, Func<CriEndpoint, bool> exists)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        if (exists is null)
        {
            throw new ArgumentNullException(nameof(exists));
        }

        if (!string.IsNullOrWhiteSpace(runtimeEndpoint))
        {
            return Parse(runtimeEndpoint!.Trim(), CriMessages.SourceParameter, environment.WorkingDirectory);
        }

        var variable = environment.GetVariable(EnvironmentVariable);
        if (variable is not null && variable.Trim().Length > 0)
        {
            return Parse(variable.Trim(), CriMessages.SourceVariable, environment.WorkingDirectory);
        }

        var defaults = environment.IsWindows ? DefaultWindowsEndpoints : DefaultUnixEndpoints;
        foreach (var address in defaults)
        {
            var endpoint = Parse(address, CriMessages.SourceDefault, environment.WorkingDirectory);
            if (exists(endpoint))
            {
                return endpoint;
            }
        }

        throw new CriException(CriFailure.RuntimeEndpointNotFound, MessageText.Format(CriMessages.NoDefaultEndpoint, string.Join(", ", defaults)));
    }

    /// <summary>True when the endpoint's socket file or named pipe exists.</summary>
    public static bool Exists(CriEndpoint endpoint)
    {
        if (endpoint is null)
        {
            throw new ArgumentNullException(nameof(endpoint));
        }

        // A pipe's existence is asked as a file under \\.\pipe\, which Windows answers for pipes of this machine.
        return endpoint.IsNamedPipe
            ? File.Exists($@"\\{endpoint.PipeServer}\pipe\{endpoint.Path}")
            : File.Exists(endpoint.Path);
    }

    /// <summary>Reads an endpoint as crictl and the kubelet do: <c>unix:///path</c>, a bare path (read as a unix socket,
    /// as the kubelet's fallback does), or <c>npipe:////./pipe/NAME</c> (also <c>npipe://./pipe/NAME</c>).</summary>
    /// <exception cref="CriException">Any other form: the CRI is served on a local socket or pipe only.</exception>
    internal static CriEndpoint Parse(string address, string source, string workingDirectory)
    {
        if (address.StartsWith(PipeScheme, StringComparison.OrdinalIgnoreCase))
        {
            var parts = address.Substring(PipeScheme.Length).TrimStart('/').Split('/');
            if (parts.Length != 3 || parts[0].Length == 0 || !string.Equals(parts[1], "pipe", StringComparison.OrdinalIgnoreCase) || parts[2].Length == 0)
            {
                throw Invalid(address, source, CriMessages.PipeForm);
            }

            var server = parts[0] == "." || string.Equals(parts[0], "localhost", StringComparison.OrdinalIgnoreCase) ? "." : parts[0];
            return new CriEndpoint(address, isNamedPipe: true, Uri.UnescapeDataString(parts[2]), server, source);
        }

        string path;
        if (address.StartsWith(UnixScheme, StringComparison.OrdinalIgnoreCase))
        {
            path = address.Substring(UnixScheme.Length);
        }
        else if (address.IndexOf("://", StringComparison.Ordinal) < 0)
        {
            path = address;
        }
        else
        {
            throw Invalid(address, source, CriMessages.LocalOnly);
        }

        if (path.Length == 0)
        {
            throw Invalid(address, source, CriMessages.SocketPathMissing);
        }

        // A relative path is read against the caller's folder (PowerShell's location), as the engine's unix:// is.
        return new CriEndpoint(address, isNamedPipe: false, Path.GetFullPath(Path.Combine(workingDirectory, path)), null, source);
    }

    private static CriException Invalid(string address, string source, string reason) =>
        new(CriFailure.InvalidRuntimeEndpoint, MessageText.Format(CriMessages.InvalidEndpoint, address, source, reason));
}
