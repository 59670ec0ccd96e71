using System;
using System.IO;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Engine;

/// <summary>
/// The platform's pooling HTTP handler, <c>SocketsHttpHandler</c>, connecting through a callback of ours
/// (<c>ConnectCallback</c>, .NET 5 and later, so PowerShell 7.4+): it keeps keep-alive connections to a unix socket or
/// a named pipe open and reuses them for the next requests, where Docker.DotNet's netstandard2.0 transports open a new
/// connection for every request, which made a 1,000-image <c>-All</c> pay a connect per image. The HTTP itself is the
/// platform's: no parser of ours.
/// </summary>
/// <remarks>
/// ImgTrack.Core is one netstandard2.0 build for Windows PowerShell 5.1 and PowerShell 7, and netstandard2.0 cannot name
/// <c>SocketsHttpHandler</c>; so the type and its callback property are found by reflection, as the module's
/// DependencyResolver finds AssemblyLoadContext. A second target framework would have meant two staged module builds
/// and a manifest choosing between them per edition. On .NET Framework the type does not exist and
/// <see cref="IsAvailable"/> is false: there Docker.DotNet's own transports serve (<see cref="EngineTransport"/>).
/// </remarks>
internal static class PooledHttpHandler
{
    private static readonly Type? s_handlerType = Type.GetType("System.Net.Http.SocketsHttpHandler, System.Net.Http", throwOnError: false);
    private static readonly PropertyInfo? s_connectCallback = s_handlerType?.GetProperty("ConnectCallback");

    /// <summary>True where the runtime has <c>SocketsHttpHandler.ConnectCallback</c> (.NET 5 and later).</summary>
    public static bool IsAvailable => s_connectCallback is not null;

    /// <summary>A pooling handler whose connections are opened by <paramref name="connect"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The runtime has no <c>SocketsHttpHandler.ConnectCallback</c>.</exception>
    public static HttpMessageHandler Create(Func<CancellationToken, Task<Stream>> connect)
    {
        if (s_handlerType is null || s_connectCallback is null)
        {
            throw new PlatformNotSupportedException(EngineMessages.ConnectCallbackUnsupported);
        }

        var handler = (HttpMessageHandler)Activator.CreateInstance(s_handlerType)!;
        try
        {
            // An engine answers itself: no proxy from HTTP_PROXY or the system settings, no redirects.
            Set(handler, "UseProxy", false);
            Set(handler, "AllowAutoRedirect", false);

            // The callback's parameter is SocketsHttpConnectionContext, which netstandard2.0 cannot name either; a method
            // taking object binds to it (delegate parameters are contravariant for reference types).
            var method = typeof(Connector).GetMethod(nameof(Connector.ConnectAsync))!;
            s_connectCallback.SetValue(handler, Delegate.CreateDelegate(s_connectCallback.PropertyType, new Connector(connect), method));
            return handler;
        }
        catch
        {
            handler.Dispose();
            throw;
        }
    }

    private static void Set(object target, string property, object value) =>
        target.GetType().GetProperty(property)?.SetValue(target, value);

    private sealed class Connector
    {
        private readonly Func<CancellationToken, Task<Stream>> _connect;

        public Connector(Func<CancellationToken, Task<Stream>> connect) => _connect = connect;

        /// <summary>Bound to <c>Func&lt;SocketsHttpConnectionContext, CancellationToken, ValueTask&lt;Stream&gt;&gt;</c>; the
        /// context (the request URI's host and port) names nothing a socket or pipe needs.</summary>
        public ValueTask<Stream> ConnectAsync(object context, CancellationToken cancellationToken) => new(_connect(cancellationToken));
    }
}
