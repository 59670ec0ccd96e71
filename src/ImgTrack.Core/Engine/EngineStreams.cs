using System;
using System.IO;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Text;

namespace ImgTrack.Engine;

/// <summary>Opens one connection to a local engine: a unix socket or a named pipe (for <see cref="PooledHttpHandler"/>).</summary>
internal static class EngineStreams
{
    // How long to wait for a free instance of an existing pipe. The engine creates instances on demand; a pipe that does
    // not exist fails at once. Not verified here (no Windows).
    private const int PipeConnectMilliseconds = 10_000;

    // .NET Core 2.1+ (netstandard2.0 cannot name it; found by reflection like SocketsHttpHandler).
    private static readonly Type? s_unixEndPoint = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets", throwOnError: false);

    /// <summary>Connects to the unix socket at <paramref name="path"/>.</summary>
    public static async Task<Stream> ConnectUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        if (s_unixEndPoint is null)
        {
            throw new PlatformNotSupportedException(EngineMessages.UnixSocketsUnsupported);
        }

        var endPoint = (EndPoint)Activator.CreateInstance(s_unixEndPoint, path)!;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // netstandard2.0's ConnectAsync takes no token: closing the socket is how a pending connect is cancelled.
            using (cancellationToken.Register(static state => ((Socket)state!).Dispose(), socket))
            {
                await socket.ConnectAsync(endPoint).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            socket.Dispose();
            throw new OperationCanceledException(cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects to the named pipe of an <c>npipe://</c> address (<c>npipe://./pipe/docker_engine</c>), as
    /// Docker.DotNet's NPipe transport reads it.</summary>
    public static async Task<Stream> ConnectNamedPipeAsync(Uri address, CancellationToken cancellationToken)
    {
        var (server, pipe) = PipeOf(address);
        var stream = new NamedPipeClientStream(server, pipe, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            await stream.ConnectAsync(PipeConnectMilliseconds, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The server (<c>.</c> for this machine) and pipe name of an <c>npipe://</c> address.</summary>
    internal static (string Server, string Pipe) PipeOf(Uri address)
    {
        var segments = address.Segments;
        if (segments.Length != 3 || !string.Equals(segments[1], "pipe/", StringComparison.OrdinalIgnoreCase))
        {
            throw new EngineConfigurationException(MessageText.Format(EngineMessages.NotPipeAddress, address.OriginalString));
        }

        var host = address.Host;
        var server = host.Length == 0 || host == "." || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? "." : host;
        return (server, Uri.UnescapeDataString(segments[2]));
    }
}
