using System;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Inventories from many servers are concatenated: each identity names the ENGINE's host, not the machine that ran
/// the cmdlet, and when it was collected. The engine runs in its own UTS namespace (unshare --uts) under a host
/// name of its own, so engine and machine differ.
/// </summary>
public sealed class ComputerNameTests : IClassFixture<NamedHostDockerEngineFixture>
{
    private readonly NamedHostDockerEngineFixture _engine;

    public ComputerNameTests(NamedHostDockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void Each_identity_carries_the_engines_host_name_and_a_UTC_collection_time()
    {
        _engine.ImportImage("fleet/app:1.0");
        using var session = new PowerShellSession();
        var before = DateTime.UtcNow.AddSeconds(-1);

        var result = session.Invoke(
            "Get-ImageIdentity -Name fleet/app:1.0 -DockerHost $args[0] -WarningAction SilentlyContinue | ForEach-Object { $_.ComputerName; ([datetimeoffset]$_.CollectedAt).UtcDateTime; $_.CollectedAt }",
            _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(NamedHostDockerEngineFixture.HostName, result.Output[0].BaseObject);
        Assert.NotEqual(Environment.MachineName, result.Output[0].BaseObject);
        var collectedAt = Assert.IsType<DateTime>(result.Output[1].BaseObject);
        Assert.Equal(DateTimeKind.Utc, collectedAt.Kind);
        Assert.InRange(collectedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$", (string)result.Output[2].BaseObject);
    }
}
