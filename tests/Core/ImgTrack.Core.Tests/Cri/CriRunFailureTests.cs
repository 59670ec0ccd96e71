using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using ImgTrack.Core.Tests.Engine;
using ImgTrack.Cri;
using Xunit;

namespace ImgTrack.Core.Tests.Cri;

/// <summary>
/// Every run failure against a runtime is one <see cref="CriException"/> whose message says what failed and the fix.
/// What root cannot cause for real here (a socket that refuses this account) goes through the real gRPC client with a
/// connection callback that fails as the operating system would. These tests run Grpc.Net.Client's net8 build; the
/// module's netstandard2.0 build is proven against a real containerd in tests/Pester/Get-ImageIdentity.Cri.Tests.ps1.
/// </summary>
public sealed class CriRunFailureTests
{
    private static readonly CriEndpoint s_endpoint = new("unix:///run/containerd/containerd.sock", false, "/run/containerd/containerd.sock", null, "-RuntimeEndpoint");

    [Fact]
    public async Task A_socket_that_refuses_this_account_is_permission_denied_with_the_fix()
    {
        var error = await Assert.ThrowsAsync<CriException>(() => Open(_ => throw new SocketException((int)SocketError.AccessDenied)));

        Assert.Equal(CriFailure.RuntimePermissionDenied, error.Failure);
        Assert.Contains("Permission denied", error.Message, StringComparison.Ordinal);
        Assert.Contains(s_endpoint.Address, error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_pipe_that_refuses_this_account_is_permission_denied()
    {
        var error = await Assert.ThrowsAsync<CriException>(() => Open(_ => throw new UnauthorizedAccessException("Access to the path is denied.")));

        Assert.Equal(CriFailure.RuntimePermissionDenied, error.Failure);
    }

    [Fact]
    public async Task A_socket_with_nothing_listening_is_unreachable()
    {
        var error = await Assert.ThrowsAsync<CriException>(() => Open(_ => throw new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(CriFailure.RuntimeUnreachable, error.Failure);
        Assert.Contains(s_endpoint.Address, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_that_vanished_is_endpoint_not_found()
    {
        var error = await Assert.ThrowsAsync<CriException>(() => Open(_ => throw new SocketException((int)SocketError.AddressNotAvailable)));

        Assert.Equal(CriFailure.RuntimeEndpointNotFound, error.Failure);
        Assert.Contains(s_endpoint.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_socket_is_endpoint_not_found_before_any_connection()
    {
        var error = await Assert.ThrowsAsync<CriException>(() => CriImageService.OpenAsync("unix:///nonexistent/imgtrack/containerd.sock", null, TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal(CriFailure.RuntimeEndpointNotFound, error.Failure);
        Assert.Contains("/nonexistent/imgtrack/containerd.sock", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_runtime_that_does_not_answer_ends_the_run_within_the_time_limit()
    {
        using var silent = SilentListener.OnUnixSocket();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<CriException>(() => CriImageService.OpenAsync(silent.Endpoint, null, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal(CriFailure.RuntimeTimeout, error.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "took " + clock.Elapsed);
        Assert.True(silent.Accepted > 0, "the client never connected");
        Assert.Contains("-TimeoutSec", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.Unimplemented, CriFailure.CriNotServed)]
    [InlineData(StatusCode.DeadlineExceeded, CriFailure.RuntimeTimeout)]
    [InlineData(StatusCode.PermissionDenied, CriFailure.RuntimePermissionDenied)]
    [InlineData(StatusCode.Unavailable, CriFailure.RuntimeUnreachable)]
    public void Status_codes_that_end_the_run(StatusCode code, CriFailure expected)
    {
        Assert.Equal(expected, CriFailures.RunFailure(new RpcException(new Status(code, "x"))));
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.Unknown)]
    public void Status_codes_that_concern_one_image_only(StatusCode code)
    {
        Assert.Null(CriFailures.RunFailure(new RpcException(new Status(code, "x"))));
    }

    [Fact]
    public void Unimplemented_names_both_causes_and_the_config_line()
    {
        var message = CriFailures.ToException(CriFailure.CriNotServed, new RpcException(new Status(StatusCode.Unimplemented, "unknown service runtime.v1.ImageService")), s_endpoint, TimeSpan.FromSeconds(1)).Message;

        Assert.Contains("disabled_plugins = [\"cri\"]", message, StringComparison.Ordinal);
        Assert.Contains("runtime.v1alpha2", message, StringComparison.Ordinal);
        Assert.Contains("unknown service runtime.v1.ImageService", message, StringComparison.Ordinal);
    }

    private static Task<CriImageService> Open(Func<CancellationToken, Task<Stream>> connect) =>
        CriImageService.OpenAsync(s_endpoint, connect, TimeSpan.FromSeconds(10), CancellationToken.None);
}
