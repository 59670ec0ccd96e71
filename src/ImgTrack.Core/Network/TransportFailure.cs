using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace ImgTrack.Network;

/// <summary>
/// What counts as "the other end could not be reached or dropped the connection", for the engine and for registries
/// alike, and where the reason is found: the innermost exception, which names the socket or TLS error the outer ones
/// only wrap.
/// </summary>
internal static class TransportFailure
{
    /// <summary>
    /// True for a failure of the connection itself (refused, reset, TLS, a handler's own timeout), as opposed to an
    /// answer that came back. A cancellation counts only when a timeout caused it (HttpClient's own limit): the
    /// caller's token and a deadline are not transport failures.
    /// </summary>
    public static bool Is(Exception error) =>
        error is HttpRequestException or IOException or TimeoutException or AuthenticationException or SocketException
        || (error is OperationCanceledException && error.InnerException is TimeoutException);

    /// <summary>The innermost exception of <paramref name="error"/>: the one whose message says what failed.</summary>
    public static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>The first <typeparamref name="TException"/> in <paramref name="error"/>'s chain of inner exceptions
    /// (following the first of an aggregate's), or null.</summary>
    public static TException? Find<TException>(Exception error)
        where TException : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is TException found)
            {
                return found;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                var inner = Find<TException>(aggregate.InnerExceptions[0]);
                if (inner is not null)
                {
                    return inner;
                }
            }
        }

        return null;
    }
}
