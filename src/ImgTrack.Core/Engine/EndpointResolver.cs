using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImgTrack.DockerCli;
using ImgTrack.Text;

namespace ImgTrack.Engine;

/// <summary>
/// Finds the engine endpoint in the docker CLI's order (docker/cli <c>cli/command/cli.go</c>,
/// <c>resolveContextName</c> and <c>getServerHost</c>): an explicit host, else <c>DOCKER_HOST</c>, else the
/// Docker context (<c>DOCKER_CONTEXT</c>, else <c>currentContext</c> in <c>config.json</c>; <c>default</c>
/// means none), else the platform default. TLS for a <c>tcp://</c> host comes from <c>DOCKER_TLS_VERIFY</c>
/// (verify the engine) or <c>DOCKER_TLS</c> (encrypt only) with the files in <c>DOCKER_CERT_PATH</c>, or from the
/// context's TLS folder.
/// </summary>
public static class EndpointResolver
{
    /// <summary>The default on Linux and macOS.</summary>
    public const string DefaultUnixEndpoint = "unix:///var/run/docker.sock";

    /// <summary>The default on Windows.</summary>
    public const string DefaultWindowsEndpoint = "npipe://./pipe/docker_engine";

    // The docker CLI's DefaultTLSHost: with TLS asked for and no host given it goes to the TLS port on localhost.
    private const string DefaultTlsEndpoint = "tcp://localhost:2376";

    private const string DefaultContextName = "default";

    /// <summary>Resolves the endpoint for the current process.</summary>
    /// <exception cref="EngineConfigurationException">The settings name no usable endpoint.</exception>
    public static EngineEndpoint Resolve(string? dockerHost) => Resolve(dockerHost, EngineEnvironment.Current);

    /// <summary>Resolves the endpoint for the given environment.</summary>
    /// <exception cref="EngineConfigurationException">The settings name no usable endpoint.</exception>
    public static EngineEndpoint Resolve(string? dockerHost, EngineEnvironment environment)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        var configDirectory = DockerCliConfig.Folder(environment.GetVariable, environment.HomeDirectory);

        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            return FromHost(dockerHost!.Trim(), EngineMessages.SourceParameter, environment, configDirectory);
        }

        var hostVariable = environment.GetVariable("DOCKER_HOST");
        if (hostVariable is not null)
        {
            return FromHost(hostVariable.Trim(), EngineMessages.SourceDockerHost, environment, configDirectory);
        }

        var (contextName, contextNameSource) = FindContextName(environment, configDirectory);
        if (contextName is not null && !string.Equals(contextName, DefaultContextName, StringComparison.Ordinal))
        {
            return FromContext(contextName, contextNameSource, configDirectory, environment);
        }

        // No host and no context: the platform default, unless TLS is asked for (the CLI then uses tcp://localhost:2376).
        var tls = TlsFromEnvironment(environment, configDirectory);
        if (tls is not null)
        {
            return FromHost(DefaultTlsEndpoint, EngineMessages.SourceDefault, environment, configDirectory);
        }

        return new EngineEndpoint(
            new Uri(environment.IsWindows ? DefaultWindowsEndpoint : DefaultUnixEndpoint),
            EngineMessages.SourceDefault,
            tls: null);
    }

    /// <summary>The context ID the CLI uses as a folder name: the SHA-256 of the context name, lowercase hex.</summary>
    internal static string ContextId(string contextName)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(contextName));
        var text = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static EngineEndpoint FromHost(string host, string source, EngineEnvironment environment, string configDirectory)
    {
        var tls = TlsFromEnvironment(environment, configDirectory);
        var address = ParseHost(host, source, tls is not null, environment.WorkingDirectory);
        RequireWindowsForPipes(address, host, source, environment);

        // TLS settings only mean something for TCP; the CLI ignores them for sockets and pipes.
        return new EngineEndpoint(address, source, address.Scheme == "tcp" ? tls : null);
    }

    private static EngineTlsSettings? TlsFromEnvironment(EngineEnvironment environment, string configDirectory)
    {
        var verify = environment.GetVariable("DOCKER_TLS_VERIFY") is not null;
        var encrypt = verify || environment.GetVariable("DOCKER_TLS") is not null;
        if (!encrypt)
        {
            return null;
        }

        return new EngineTlsSettings(environment.GetVariable("DOCKER_CERT_PATH") ?? configDirectory, verify);
    }

    /// <summary>Parses a host as the CLI's <c>ParseHost</c> does: a bare <c>host:port</c> is TCP, a TCP host
    /// without a port gets 2375 (2376 with TLS), an empty unix path is the default socket, and a relative unix path
    /// (<c>unix://tmp/docker.sock</c>: the CLI dials <c>tmp/docker.sock</c>) is read against <paramref name="workingDirectory"/>.</summary>
    internal static Uri ParseHost(string host, string source, bool tls, string? workingDirectory = null)
    {
        var separator = host.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? "tcp" : host.Substring(0, separator).ToLowerInvariant();
        var rest = separator < 0 ? host : host.Substring(separator + 3);

        switch (scheme)
        {
            case "unix":
                if (rest.Length == 0)
                {
                    return new Uri(DefaultUnixEndpoint);
                }

                // Rooted paths stay as written; a relative one is the CLI's relative path, made absolute here so the
                // error can name the file that was tried.
                var socket = Path.IsPathRooted(rest) ? rest : Path.GetFullPath(Path.Combine(workingDirectory ?? Environment.CurrentDirectory, rest));
                return new Uri("unix://" + socket);

            case "npipe":
                // The CLI writes npipe:////./pipe/name; Docker.DotNet wants npipe://./pipe/name.
                var pipe = rest.TrimStart('/');
                if (!pipe.StartsWith("./pipe/", StringComparison.OrdinalIgnoreCase) || pipe.Length == "./pipe/".Length)
                {
                    throw new EngineConfigurationException(MessageText.Format(EngineMessages.InvalidEndpoint, host, source));
                }

                return new Uri("npipe://" + pipe);

            case "tcp":
                var hostAndPort = rest.TrimEnd('/');
                if (hostAndPort.Length == 0 || hostAndPort.Contains("/"))
                {
                    throw new EngineConfigurationException(MessageText.Format(EngineMessages.InvalidEndpoint, host, source));
                }

                if (!Uri.TryCreate("tcp://" + hostAndPort, UriKind.Absolute, out var tcp) || string.IsNullOrEmpty(tcp.Host))
                {
                    throw new EngineConfigurationException(MessageText.Format(EngineMessages.InvalidEndpoint, host, source));
                }

                if (tcp.IsDefaultPort || tcp.Port <= 0)
                {
                    return new Uri("tcp://" + tcp.Host + ":" + (tls ? "2376" : "2375"));
                }

                return tcp;

            default:
                throw new EngineConfigurationException(MessageText.Format(EngineMessages.UnsupportedScheme, host, source, scheme));
        }
    }

    private static (string? Name, string Source) FindContextName(EngineEnvironment environment, string configDirectory)
    {
        var fromVariable = environment.GetVariable("DOCKER_CONTEXT");
        if (fromVariable is not null)
        {
            return (fromVariable, "DOCKER_CONTEXT");
        }

        // Like the CLI, an unreadable config.json does not stop us: it only means no current context.
        var configFile = Path.Combine(configDirectory, "config.json");
        return (DockerCliConfig.Read(configFile).CurrentContext, configFile);
    }

    // A named pipe exists only on Windows: elsewhere .NET would wait for a pipe that can never appear, and the run would
    // end "did not answer" seconds later. Nothing can work, so say so at once.
    private static void RequireWindowsForPipes(Uri address, string host, string source, EngineEnvironment environment)
    {
        if (address.Scheme == "npipe" && !environment.IsWindows)
        {
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.NamedPipeNotWindows, host, source));
        }
    }

    private static EngineEndpoint FromContext(string contextName, string nameSource, string configDirectory, EngineEnvironment environment)
    {
        var id = ContextId(contextName);
        var metaFile = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        var source = MessageText.Format(EngineMessages.SourceContext, contextName);
        if (!File.Exists(metaFile))
        {
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.ContextNotFound, contextName, nameSource, metaFile));
        }

        string? host;
        var skipVerify = false;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(metaFile));
            host = null;
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Endpoints", out var endpoints)
                && endpoints.ValueKind == JsonValueKind.Object
                && endpoints.TryGetProperty("docker", out var docker)
                && docker.ValueKind == JsonValueKind.Object)
            {
                if (docker.TryGetProperty("Host", out var hostElement) && hostElement.ValueKind == JsonValueKind.String)
                {
                    host = hostElement.GetString();
                }

                if (docker.TryGetProperty("SkipTLSVerify", out var skip) && skip.ValueKind == JsonValueKind.True)
                {
                    skipVerify = true;
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.ContextUnreadable, contextName, metaFile, e.Message), e);
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.ContextHasNoDockerEndpoint, contextName, metaFile));
        }

        // The context store keeps TLS material per endpoint: contexts/tls/<id>/docker/{ca,cert,key}.pem.
        var tlsDirectory = Path.Combine(configDirectory, "contexts", "tls", id, "docker");
        var hasTls = Directory.Exists(tlsDirectory) && Directory.GetFiles(tlsDirectory, "*.pem").Length > 0;
        var tls = hasTls ? new EngineTlsSettings(tlsDirectory, verifyServer: !skipVerify) : null;
        var address = ParseHost(host!.Trim(), source, tls is not null);
        RequireWindowsForPipes(address, host!.Trim(), source, environment);
        return new EngineEndpoint(address, source, address.Scheme == "tcp" ? tls : null);
    }
}
