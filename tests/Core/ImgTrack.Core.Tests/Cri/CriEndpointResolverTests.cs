using System;
using ImgTrack.Core.Tests.Engine;
using ImgTrack.Cri;
using Xunit;

namespace ImgTrack.Core.Tests.Cri;

/// <summary>The CRI endpoint is found in crictl's order: -RuntimeEndpoint, CONTAINER_RUNTIME_ENDPOINT, the first default that exists.</summary>
public sealed class CriEndpointResolverTests
{
    private static readonly Func<CriEndpoint, bool> s_nothingExists = _ => false;

    [Fact]
    public void An_explicit_endpoint_wins_over_the_variable_and_is_used_even_when_it_does_not_exist()
    {
        var environment = TestEnvironment.Of("/root", false, ("CONTAINER_RUNTIME_ENDPOINT", "unix:///run/crio/crio.sock"));

        var endpoint = CriEndpointResolver.Resolve("unix:///tmp/my/containerd.sock", environment, s_nothingExists);

        Assert.Equal("/tmp/my/containerd.sock", endpoint.Path);
        Assert.False(endpoint.IsNamedPipe);
        Assert.Equal("-RuntimeEndpoint", endpoint.Source);
    }

    [Fact]
    public void The_variable_wins_over_the_defaults()
    {
        var environment = TestEnvironment.Of("/root", false, ("CONTAINER_RUNTIME_ENDPOINT", "unix:///run/crio/crio.sock"));

        var endpoint = CriEndpointResolver.Resolve(null, environment, _ => true);

        Assert.Equal("/run/crio/crio.sock", endpoint.Path);
        Assert.Equal("CONTAINER_RUNTIME_ENDPOINT", endpoint.Source);
    }

    [Theory]
    [InlineData("/run/containerd/containerd.sock", "/run/containerd/containerd.sock")]
    [InlineData("/run/crio/crio.sock", "/run/crio/crio.sock")]
    [InlineData("/var/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock")]
    public void Without_a_setting_the_first_default_that_exists_is_used_in_crictl_s_order(string existing, string expected)
    {
        var endpoint = CriEndpointResolver.Resolve(null, TestEnvironment.Of("/root"), e => e.Path == existing);

        Assert.Equal(expected, endpoint.Path);
        Assert.Equal("the default", endpoint.Source);
    }

    [Fact]
    public void Containerd_comes_before_CRI_O_when_both_exist()
    {
        var endpoint = CriEndpointResolver.Resolve(null, TestEnvironment.Of("/root"), _ => true);

        Assert.Equal("unix:///run/containerd/containerd.sock", endpoint.Address);
    }

    [Fact]
    public void On_Windows_the_default_is_containerd_s_named_pipe()
    {
        var endpoint = CriEndpointResolver.Resolve(null, TestEnvironment.Of(@"C:\Users\a", true), _ => true);

        Assert.True(endpoint.IsNamedPipe);
        Assert.Equal("containerd-containerd", endpoint.Path);
        Assert.Equal(".", endpoint.PipeServer);
    }

    [Fact]
    public void No_default_that_exists_is_one_error_naming_every_default_and_the_settings()
    {
        var error = Assert.Throws<CriException>(() => CriEndpointResolver.Resolve(null, TestEnvironment.Of("/root"), s_nothingExists));

        Assert.Equal(CriFailure.RuntimeEndpointNotFound, error.Failure);
        foreach (var address in CriEndpointResolver.DefaultUnixEndpoints)
        {
            Assert.Contains(address, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("-RuntimeEndpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("CONTAINER_RUNTIME_ENDPOINT", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool, string, string?> Forms => new()
    {
        { "unix:///run/containerd/containerd.sock", false, "/run/containerd/containerd.sock", null },
        { "/run/containerd/containerd.sock", false, "/run/containerd/containerd.sock", null },
        { "npipe:////./pipe/containerd-containerd", true, "containerd-containerd", "." },
        { "npipe://./pipe/containerd-containerd", true, "containerd-containerd", "." },
        { "npipe:////node7/pipe/containerd-containerd", true, "containerd-containerd", "node7" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Reads_the_forms_crictl_and_the_kubelet_accept(string address, bool isPipe, string path, string? server)
    {
        var endpoint = CriEndpointResolver.Resolve(address, TestEnvironment.Of("/root"), s_nothingExists);

        Assert.Equal(isPipe, endpoint.IsNamedPipe);
        Assert.Equal(path, endpoint.Path);
        Assert.Equal(server, endpoint.PipeServer);
        Assert.Equal(address, endpoint.Address);
    }

    [Theory]
    [InlineData("tcp://10.0.0.5:10010")]
    [InlineData("http://localhost:1234")]
    [InlineData("npipe://./containerd")]
    [InlineData("unix://")]
    public void Any_other_form_is_an_invalid_endpoint_naming_it(string address)
    {
        var error = Assert.Throws<CriException>(() => CriEndpointResolver.Resolve(address, TestEnvironment.Of("/root"), s_nothingExists));

        Assert.Equal(CriFailure.InvalidRuntimeEndpoint, error.Failure);
        Assert.Contains(address, error.Message, StringComparison.Ordinal);
    }
}
