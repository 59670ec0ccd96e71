using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Engine;

/// <summary>
/// Faults of a real engine (the fixture's dockerd 20.10) at an exact point of a run, made by a relay in front of it
/// (<see cref="EngineRelay"/>): an image removed between the list and its inspect, an engine frozen with SIGSTOP.
/// Nothing is lost: what was identified is written, and each fault is reported once.
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class EngineFaultTests
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";

    private readonly DockerEngineFixture _engine;

    public EngineFaultTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void An_image_removed_by_docker_rmi_between_the_list_and_its_inspect_is_one_ImageNotFound_error_and_every_other_image_is_written()
    {
        var doomed = _engine.ImportImage("fault/removed:1.0");
        _engine.ImportImage("fault/kept:1.0");
        var listed = ListedIds();
        using var relay = new EngineRelay(_engine.DockerHost, RelayPath(), request =>
        {
            // The engine has listed the image; remove it just before its inspect reaches the engine.
            if (request.Line.StartsWith("GET /images/" + doomed + "/json", StringComparison.Ordinal))
            {
                _engine.Docker("rmi", "--force", doomed);
            }

            return Task.FromResult(true);
        });
        using var session = new PowerShellSession();

        var result = session.Invoke("$h = $args[0]; & { Get-ImageIdentity -All -DockerHost $h -WarningAction SilentlyContinue } 2>&1", relay.Endpoint);

        Assert.Null(result.TerminatingError);
        Assert.Equal(listed.Length, result.Output.Count);
        var error = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>());
        Assert.Equal("ImageNotFound" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
        Assert.Equal(doomed, error.TargetObject);
        var written = result.Output.Where(o => o.BaseObject is not ErrorRecord).Select(o => (string)o.Properties["ImageId"].Value).ToArray();
        Assert.Equal(listed.Where(id => id != doomed).OrderBy(id => id, StringComparer.Ordinal), written.OrderBy(id => id, StringComparer.Ordinal));
    }

    [EngineFact]
    public void An_engine_frozen_mid_run_ends_the_run_with_one_EngineTimeout_after_TimeoutSec_and_what_was_written_stays_written()
    {
        for (var i = 0; i < 4; i++)
        {
            _engine.ImportImage($"fault/frozen-{i}:1.0");
        }

        // ThrottleLimit 1, so requests go one after another: /version, /info, /images/json, then inspects. The engine is
        // frozen just before the third inspect reaches it, so exactly two images were identified.
        const int FreezeAt = 3 + 3;
        var frozen = 0;
        using var relay = new EngineRelay(_engine.DockerHost, RelayPath(), request =>
        {
            if (request.Number == FreezeAt)
            {
                EngineRelay.Signal(_engine.EnginePid, "STOP");
                Interlocked.Exchange(ref frozen, 1);
            }

            return Task.FromResult(true);
        });
        using var session = new PowerShellSession();
        var clock = Stopwatch.StartNew();
        try
        {
            var (written, error) = FakeEngineTests.RunToTerminatingError(
                session,
                "Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit 1 -TimeoutSec 2 -WarningAction SilentlyContinue",
                relay.Endpoint);
            clock.Stop();

            Assert.Equal(1, Volatile.Read(ref frozen));
            Assert.Equal(2, written.Count);
            Assert.All(written, o => Assert.StartsWith("sha256:", (string)o.Properties["ImageId"].Value, StringComparison.Ordinal));
            Assert.Equal("EngineTimeout" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("within 2 seconds (-TimeoutSec)", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("GET /images/sha256:", error.Exception.Message, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        }
        finally
        {
            EngineRelay.Signal(_engine.EnginePid, "CONT");
        }

        // Thawed, the engine answers again (the other tests of this collection share it).
        Assert.NotEmpty(_engine.Docker("version", "--format", "{{.Server.APIVersion}}"));
    }

    private string[] ListedIds() =>
        _engine.Docker("images", "--no-trunc", "--quiet").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().ToArray();

    private string RelayPath() => Path.Combine(_engine.Directory, "relay-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".sock");
}
