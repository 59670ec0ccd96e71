using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using Xunit;
using Xunit.Abstractions;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// An engine that is not there, or that never answers, must give a clear <see cref="EngineUnreachableException"/>
/// within seconds — never a hang, never a raw transport exception — and the caller's token must stop any call.
/// Timing bounds are loose on purpose (the machine is shared): the point is "seconds, not forever".
/// </summary>
public sealed class UnreachableEngineTests
{
    private static readonly TimeSpan s_upperBound = TimeSpan.FromSeconds(15);
    private readonly ITestOutputHelper _output;

    public UnreachableEngineTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> NothingListens()
    {
        var missingFolder = Path.Combine("/tmp", "itn-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        return new TheoryData<string, string>
        {
            { "a socket path that does not exist", "unix://" + missingFolder + "/docker.sock" },
            { "a closed loopback TCP port", "tcp://127.0.0.1:" + ClosedPort() },
        };
    }

    [Theory]
    [MemberData(nameof(NothingListens))]
    public async Task GetInfo_where_nothing_listens_fails_fast_naming_the_endpoint_and_the_fixes(string _, string endpoint)
    {
        using var engine = ImageEngineFactory.Create(endpoint);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        Assert.True(clock.Elapsed < s_upperBound, $"took {clock.Elapsed}");
        AssertNamesEndpointAndFixes(error, endpoint);
        AssertGivesNoEngineGuidance(error);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task GetInfo_on_a_stale_socket_file_nobody_listens_on_fails_fast_with_connection_refused()
    {
        // What a killed engine leaves behind: the socket file without a listener. .NET deletes the file of a socket
        // it bound when that socket closes, so keep a hard link to it: the same socket inode, nobody listening.
        var bound = Path.Combine("/tmp", "itn-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock");
        var stale = bound + ".stale";
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(bound));
            using var link = Process.Start("ln", new[] { bound, stale });
            link.WaitForExit();
            Assert.Equal(0, link.ExitCode);
        }

        try
        {
            using var engine = ImageEngineFactory.Create("unix://" + stale);
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

            Assert.True(clock.Elapsed < s_upperBound, $"took {clock.Elapsed}");
            AssertNamesEndpointAndFixes(error, "unix://" + stale);
            Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
            AssertGivesNoEngineGuidance(error);
        }
        finally
        {
            File.Delete(stale);
            File.Delete(bound);
        }
    }

    [Fact]
    public async Task GetInfo_on_a_missing_socket_says_the_socket_is_missing()
    {
        var path = Path.Combine("/tmp", "itn-" + Guid.NewGuid().ToString("N").Substring(0, 12), "docker.sock");
        using var engine = ImageEngineFactory.Create("unix://" + path);

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        Assert.Contains($"there is no socket '{path}', so no engine is running there.", error.Message, StringComparison.Ordinal);
        AssertGivesNoEngineGuidance(error);
    }

    public static TheoryData<string, string, Exception, string> TransportFailures() => new()
    {
        // What the unix transport raised for a socket the account may not use (EACCES), seen on this machine by
        // running Get-ImageIdentity as root without CAP_DAC_OVERRIDE against a mode-000 socket
        // (tests/Pester/FrontDoor.Tests.ps1 does that for real).
        {
            "a socket the account may not use",
            "unix:///run/itn-denied/docker.sock",
            new HttpRequestException("Connection failed.", new SocketException((int)SocketError.AccessDenied)),
            "this account may not use the socket '/run/itn-denied/docker.sock' (permission denied)."
        },

        // Windows, not verified here: opening a named pipe without access raises UnauthorizedAccessException,
        // bare or wrapped by the HTTP layer.
        {
            "a named pipe the account may not open",
            "npipe://./pipe/docker_engine",
            new UnauthorizedAccessException("Access to the path is denied."),
            "may not open the engine's named pipe npipe://./pipe/docker_engine (Access is denied)."
        },
        {
            "a named pipe the account may not open, wrapped",
            "npipe://./pipe/docker_engine",
            new HttpRequestException("Connection failed.", new UnauthorizedAccessException("Access to the path is denied.")),
            "may not open the engine's named pipe npipe://./pipe/docker_engine (Access is denied)."
        },
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public void A_transport_failure_becomes_EngineUnreachable_saying_what_failed_and_how_to_fix_it(string _, string endpoint, Exception failure, string reason)
    {
        // Built from the address itself: the resolver refuses npipe:// off Windows, and the pipe's message is what is tested.
        using var engine = (DockerImageEngine)ImageEngineFactory.Create(new EngineEndpoint(new Uri(endpoint), "the -DockerHost parameter", null));

        var error = Assert.IsType<EngineUnreachableException>(engine.Translate("GET /version", failure));

        Assert.Contains($"Cannot reach the Docker engine at {endpoint} (endpoint from the -DockerHost parameter): ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        if (endpoint.StartsWith("npipe:", StringComparison.Ordinal))
        {
            // Windows (not verifiable here): the pipe's ACL is the cause, so the fix is an account it admits, or a group
            // named in daemon.json; Linux's advice (the 'docker' group, systemctl) would send the admin the wrong way.
            _output.WriteLine(error.Message);
            Assert.Contains("this account (" + Environment.UserDomainName + "\\" + Environment.UserName + ")", error.Message, StringComparison.Ordinal);
            Assert.Contains("run as an account the pipe admits: SYSTEM, a member of the Administrators group", error.Message, StringComparison.Ordinal);
            Assert.Contains("or the account that started the engine", error.Message, StringComparison.Ordinal);
            Assert.Contains("\"group\": \"NAME\" into the engine's daemon.json", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("join the 'docker' group", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("systemctl", error.Message, StringComparison.Ordinal);
        }
        else
        {
            AssertGivesNoEngineGuidance(error);
        }

        Assert.Same(failure, error.InnerException);
    }

    [Theory]
    [InlineData("TCP")]
    [InlineData("unix")]
    public async Task GetInfo_on_a_listener_that_never_answers_gives_up_after_about_five_seconds(string kind)
    {
        using var listener = kind == "TCP" ? SilentListener.OnLoopbackTcp() : SilentListener.OnUnixSocket();
        using var engine = ImageEngineFactory.Create(listener.Endpoint);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => engine.GetInfoAsync(CancellationToken.None));

        // The default answer timeout is 5 s; allow for a slow, shared machine.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4) && clock.Elapsed < s_upperBound, $"took {clock.Elapsed}");
        Assert.True(listener.Accepted >= 1, "the client never connected, so this did not test a silent engine");
        AssertNamesEndpointAndFixes(error, listener.Endpoint);
        Assert.Contains("did not answer within 5 seconds", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> CallsAndListeners() => new()
    {
        { "GetInfo", "TCP" },
        { "GetInfo", "unix" },
        { "ListImages", "TCP" },
        { "ListImages", "unix" },
        { "InspectImage", "TCP" },
        { "InspectImage", "unix" },
    };

    [Theory]
    [MemberData(nameof(CallsAndListeners))]
    public async Task Cancelling_mid_request_against_a_silent_engine_stops_the_call_promptly(string call, string kind)
    {
        using var listener = kind == "TCP" ? SilentListener.OnLoopbackTcp() : SilentListener.OnUnixSocket();

        // Time limits far beyond the test, so only the token can end the call.
        var options = new EngineOptions { AnswerTimeout = TimeSpan.FromMinutes(5), RequestTimeout = TimeSpan.FromMinutes(5) };
        using var engine = ImageEngineFactory.Create(EndpointResolver.Resolve(listener.Endpoint), options);
        using var cancellation = new CancellationTokenSource();

        Task running = call switch
        {
            "GetInfo" => engine.GetInfoAsync(cancellation.Token),
            "ListImages" => engine.ListImagesAsync(cancellation.Token),
            _ => engine.InspectImageAsync("team/app:1.0", cancellation.Token),
        };
        await WaitUntil(() => listener.Accepted >= 1);
        Assert.False(running.IsCompleted, "the call ended before it was cancelled");
        var clock = Stopwatch.StartNew();
        cancellation.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed} after Cancel");
        Assert.Equal(cancellation.Token, error.CancellationToken);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_stops_it_without_connecting()
    {
        using var listener = SilentListener.OnLoopbackTcp();
        using var engine = ImageEngineFactory.Create(listener.Endpoint);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.GetInfoAsync(new CancellationToken(canceled: true)));

        Assert.Equal(0, listener.Accepted);
    }

    private void AssertNamesEndpointAndFixes(EngineUnreachableException error, string endpoint)
    {
        _output.WriteLine(error.Message);
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("-DockerHost parameter", error.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker context ls", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    // The guidance of issue 11, the same paragraph build.ps1 -Task Run shows when no engine answers: install or start
    // Docker or Podman, DOCKER_HOST, the 'docker' group for the socket.
    private void AssertGivesNoEngineGuidance(EngineUnreachableException error)
    {
        _output.WriteLine(error.Message);
        Assert.Contains("install Docker Engine or Podman, or start it", error.Message, StringComparison.Ordinal);
        Assert.Contains("name it with DOCKER_HOST or -DockerHost", error.Message, StringComparison.Ordinal);
        Assert.Contains("join the 'docker' group", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < s_upperBound, "the client never connected to the listener");
            await Task.Delay(20);
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
