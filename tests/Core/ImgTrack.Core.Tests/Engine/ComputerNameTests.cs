using System;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>The engine's host name is the engine's, not the machine's: a dockerd in its own UTS namespace.</summary>
public sealed class ComputerNameTests : IClassFixture<NamedHostDockerEngineFixture>
{
    private readonly NamedHostDockerEngineFixture _engine;

    public ComputerNameTests(NamedHostDockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public async Task GetInfo_reports_the_engine_host_name_set_with_unshare_uts_not_the_machine_name()
    {
        using var engine = ImageEngineFactory.Create(_engine.DockerHost);

        var info = await engine.GetInfoAsync(CancellationToken.None);

        Assert.Equal(NamedHostDockerEngineFixture.HostName, info.HostName);
        Assert.NotEqual(Environment.MachineName, info.HostName);
    }
}
