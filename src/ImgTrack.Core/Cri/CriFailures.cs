using System;
using System.IO;
using System.Net.Sockets;
using Grpc.Core;
using ImgTrack.Text;

namespace ImgTrack.Cri;

/// <summary>
/// Which gRPC failures end a run against a runtime, and the plain words for each: a call's status code, and for a
/// connection that never opened, the socket or pipe error behind it (gRPC reports every such failure as
/// <see cref="StatusCode.Unavailable"/>, with the cause as <see cref="Status.DebugException"/>).
/// </summary>
internal static class CriFailures
{
    /// <summary>The run failure <paramref name="error"/> stands for, or null when it concerns only the image asked about.</summary>
    public static CriFailure? RunFailure(RpcException error)
    {
        if (error is null)
        {
            throw new ArgumentNullException(nameof(error));
        }

        switch (ConnectionCause(error.Status.DebugException))
        {
            case SocketError.AccessDenied:
                return CriFailure.RuntimePermissionDenied;
            case SocketError.AddressNotAvailable:
                return CriFailure.RuntimeEndpointNotFound;
        }

        if (IsDenied(error.Status.DebugException))
        {
            return CriFailure.RuntimePermissionDenied;
        }

        return error.StatusCode switch
        {
            StatusCode.Unimplemented => CriFailure.CriNotServed,
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => CriFailure.RuntimePermissionDenied,
            StatusCode.DeadlineExceeded => CriFailure.RuntimeTimeout,
            StatusCode.Unavailable => CriFailure.RuntimeUnreachable,
            _ => null,
        };
    }

    /// <summary>The run-ending exception for a failure, its message naming the endpoint and the fix.</summary>
    public static CriException ToException(CriFailure failure, RpcException error, CriEndpoint endpoint, TimeSpan timeout)
    {
        var detail = Detail(error);
        var message = failure switch
        {
            CriFailure.RuntimePermissionDenied => MessageText.Format(CriMessages.PermissionDenied, endpoint.Address, endpoint.Source, detail),
            CriFailure.RuntimeEndpointNotFound => MessageText.Format(CriMessages.EndpointMissing, endpoint.Address, endpoint.Source, endpoint.Path),
            CriFailure.CriNotServed => MessageText.Format(CriMessages.NotServed, endpoint.Address, endpoint.Source, detail),
            CriFailure.RuntimeTimeout => MessageText.Format(CriMessages.Timeout, endpoint.Address, endpoint.Source, timeout.TotalSeconds),
            _ => MessageText.Format(CriMessages.Unreachable, endpoint.Address, endpoint.Source, detail),
        };
        return new CriException(failure, message, error);
    }

    /// <summary>The status's own words, or the connection error's when the call never reached the runtime.</summary>
    public static string Detail(RpcException error)
    {
        var cause = error.Status.DebugException;
        while (cause?.InnerException is not null && cause is not SocketException and not IOException)
        {
            cause = cause.InnerException;
        }

        var text = string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : error.StatusCode + ": " + error.Status.Detail;
        return cause is null || error.Status.Detail.Contains(cause.Message) ? text : text + " (" + cause.Message + ")";
    }

    private static SocketError? ConnectionCause(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    // A named pipe that does not admit this account fails with UnauthorizedAccessException (Windows: "Access is denied").
    private static bool IsDenied(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is UnauthorizedAccessException)
            {
                return true;
            }
        }

        return false;
    }
}
