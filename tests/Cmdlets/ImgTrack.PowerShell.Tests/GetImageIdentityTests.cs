using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>Get-ImageIdentity's shape and its behaviour without a working engine (no engine needed).</summary>
public sealed class GetImageIdentityTests
{
    private const string NoEngine = "unix:///tmp/imgtrack-no-engine-here.sock";

    [Fact]
    public void Syntax_has_Name_All_and_Remote_sets_with_DockerHost_for_the_engine_sets_only()
    {
        using var session = new PowerShellSession();

        var result = session.Invoke(@"
            $c = Get-Command Get-ImageIdentity
            $c.DefaultParameterSet
            ($c.ParameterSets | ForEach-Object { $_.Name + ':' + (($_.Parameters | Where-Object { $_.Name -in 'Name','All','DockerHost','ThrottleLimit','Remote' } | ForEach-Object Name) -join ',') }) -join ' '
            $c.OutputType.Name
            [string[]] $aliases = $c.Parameters['Name'].Aliases; [Array]::Sort($aliases); $aliases -join ','
            $p = $c.Parameters['Name'].ParameterSets['Name']; '{0},{1},{2}' -f $p.Position, $p.ValueFromPipeline, $p.ValueFromPipelineByPropertyName").ThrowIfErrors();

        Assert.Equal(
            new object[] { "Name", "Name:Name,DockerHost,ThrottleLimit Remote:Name,Remote,ThrottleLimit All:All,DockerHost,ThrottleLimit", "ImgTrack.ImageIdentity", "Image,ImageName", "0,True,True" },
            result.BaseObjects.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void ThrottleLimit_outside_1_to_64_is_refused_at_binding(int limit)
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -ThrottleLimit $args[0] -DockerHost $args[1]", limit, NoEngine);

        var error = Assert.Single(result.Errors);
        Assert.Equal("ParameterArgumentValidationError,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public void TimeoutSec_outside_1_to_3600_is_refused_at_binding(int seconds)
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -TimeoutSec $args[0] -DockerHost $args[1]", seconds, NoEngine);

        var error = Assert.Single(result.Errors);
        Assert.Equal("ParameterArgumentValidationError,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void ThrottleLimit_defaults_to_8_and_TimeoutSec_to_60()
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("[ImgTrack.Commands.GetImageIdentityCommand]::DefaultThrottleLimit; [ImgTrack.Commands.GetImageIdentityCommand]::DefaultTimeoutSec").ThrowIfErrors();

        Assert.Equal(new object[] { 8, 60 }, result.BaseObjects.ToArray());
    }

    [Fact]
    public void An_unreachable_engine_is_one_terminating_EngineUnreachable_error_within_5_seconds()
    {
        using var session = new PowerShellSession();
        var watch = Stopwatch.StartNew();

        // try/catch sees only terminating errors: a non-terminating one would not reach 'caught'.
        var result = session.Invoke("try { 'a:1', 'b:1', 'c:1' | Get-ImageIdentity -DockerHost $args[0] } catch { 'caught'; $_ }", NoEngine);

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal("caught", result.Output[0].BaseObject);
        var error = Assert.IsType<ErrorRecord>(result.Output[1].BaseObject);
        Assert.Equal("EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("imgtrack-no-engine-here.sock", error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal); // a message, not a stack trace
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("tcp://")]
    public void An_unusable_endpoint_is_one_terminating_InvalidEngineConfiguration_error(string dockerHost)
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("try { 'a:1', 'b:1' | Get-ImageIdentity -DockerHost $args[0] } catch { 'caught'; $_ }", dockerHost);

        Assert.Empty(result.Errors);
        Assert.Equal("caught", result.Output[0].BaseObject);
        var error = Assert.IsType<ErrorRecord>(result.Output[1].BaseObject);
        Assert.Equal("InvalidEngineConfiguration,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(dockerHost, error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_of_only_invalid_names_still_contacts_the_engine_first_and_fails_as_a_run()
    {
        // Changed on purpose (issue: a scheduled inventory never loses data): the engine is contacted in
        // BeginProcessing, before any input, so even a run of invalid names stops with EngineUnreachable when the
        // engine is down. Invalid names against a live engine are item errors (GetImageIdentityEngineTests).
        using var session = new PowerShellSession();

        var result = session.Invoke("try { 'Not Valid', '', 'UPPER' | Get-ImageIdentity -DockerHost $args[0] } catch { 'caught'; $_ }", NoEngine);

        Assert.Empty(result.Errors);
        Assert.Equal("caught", result.Output[0].BaseObject);
        var error = Assert.IsType<ErrorRecord>(result.Output[1].BaseObject);
        Assert.Equal("EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("Get-ImageIdentity -All -DockerHost $args[0] | Export-Csv -LiteralPath $args[1] -NoTypeInformation")]
    [InlineData("Get-ImageIdentity nginx, team/app:1.0 -DockerHost $args[0] | Export-Csv -LiteralPath $args[1] -NoTypeInformation")]
    [InlineData("'nginx', 'team/app:1.0' | Get-ImageIdentity -DockerHost $args[0] | Export-Csv -LiteralPath $args[1] -NoTypeInformation")]
    [InlineData("[pscustomobject]@{ Image = 'nginx' } | Get-ImageIdentity -DockerHost $args[0] | Export-Csv -LiteralPath $args[1] -NoTypeInformation")]
    public void An_unreachable_engine_stops_the_pipeline_before_Export_Csv_opens_its_file(string script)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imgtrack-kept-" + Guid.NewGuid().ToString("N") + ".csv");
        System.IO.File.WriteAllText(path, "\"Name\"\n\"yesterday\"\n");
        try
        {
            using var session = new PowerShellSession();

            var result = session.Invoke(script, NoEngine, path);

            // A cmdlet's terminating error stops this pipeline; the hosted script goes on and records it as an error.
            Assert.Empty(result.Output);
            var error = Assert.Single(result.Errors);
            Assert.Equal("EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
            Assert.Equal("\"Name\"\n\"yesterday\"\n", System.IO.File.ReadAllText(path));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_relative_unix_socket_path_is_read_against_the_current_location_and_named_whole_in_the_error()
    {
        using var session = new PowerShellSession();
        var folder = System.IO.Path.GetTempPath();

        var result = session.Invoke("Set-Location -LiteralPath $args[0]; try { Get-ImageIdentity -All -DockerHost 'unix://imgtrack-rel/x.sock' } catch { $_ }", folder);

        var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.Equal("EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
        var expected = System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), "imgtrack-rel", "x.sock");
        Assert.True(error.Exception.Message.Contains($"'{expected}'", StringComparison.Ordinal), error.Exception.Message);
    }

    [Fact]
    public void Ctrl_C_stops_a_run_waiting_on_a_silent_engine_promptly()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = "tcp://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        using var session = new PowerShellSession();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddCommand("Get-ImageIdentity").AddParameter("Name", "team/app:1.0").AddParameter("DockerHost", endpoint);

        var running = ps.BeginInvoke();
        Thread.Sleep(500); // connected (the listener accepts) and waiting for an answer that never comes
        var watch = Stopwatch.StartNew();
        ps.Stop();

        Assert.True(running.IsCompleted || running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(2)));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    [Fact]
    public void Tab_completion_without_an_engine_is_quiet_and_quick()
    {
        using var session = new PowerShellSession();
        var line = $"Get-ImageIdentity -DockerHost '{NoEngine}' -Name te";
        var watch = Stopwatch.StartNew();

        var result = session.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches", line);

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Empty(result.Output);
        Assert.Empty(result.Errors);
        Assert.Null(result.TerminatingError);
    }

    [Theory]
    [InlineData("Get-ImageIdentity -Remote -Name team/app:1 -DockerHost unix:///x.sock", "AmbiguousParameterSet")]
    [InlineData("Get-ImageIdentity -Remote -Name team/app:1 -ResolveRepoDigest", "AmbiguousParameterSet")]
    [InlineData("Get-ImageIdentity -Remote -All", "AmbiguousParameterSet")]
    [InlineData("Get-ImageIdentity -Remote -Name team/app:1 -Platform linux", "ParameterArgumentValidationError")]
    [InlineData("Get-ImageIdentity -Remote -Name team/app:1 -Platform 'linux/arm64/v8/x'", "ParameterArgumentValidationError")]
    [InlineData("Get-ImageIdentity -Name team/app:1 -Platform linux/amd64", "MissingMandatoryParameter")]
    public void Remote_parameter_combinations_that_cannot_work_are_refused_at_binding(string script, string errorId)
    {
        using var session = new PowerShellSession();

        var result = session.Invoke(script);

        var error = Assert.Single(result.Errors);
        Assert.Equal(errorId + ",ImgTrack.Commands.GetImageIdentityCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void Every_kind_of_failure_the_core_reports_has_its_error_ID_and_category_in_the_error_table()
    {
        using var session = new PowerShellSession();

        // Every value of the core's error kinds goes through the module's one table: a kind without a row fails here.
        var result = session.Invoke(@"
            $asm = [ImgTrack.Commands.GetImageIdentityCommand].Assembly
            $records = $asm.GetType('ImgTrack.Reporting.IdentityErrorRecords')
            $forItem = $records.GetMethod('ForItem')
            $forRun = $records.GetMethod('ForRun')
            function Show($record) { $record.FullyQualifiedErrorId + '/' + $record.CategoryInfo.Category }
            foreach ($e in [enum]::GetValues([ImgTrack.Collection.IdentityError])) {
                if ($e -eq 'RegistryFailed') {
                    foreach ($r in [enum]::GetValues([ImgTrack.Registry.RegistryError])) {
                        $o = [ImgTrack.Collection.IdentityOutcome]::Failed('x:1', $e, 'detail', [ImgTrack.Registry.RegistryException]::new($r, 'registry.example', 'detail'))
                        ""$r="" + (Show $forItem.Invoke($null, @($o, $false, 'ep')))
                    }
                } else {
                    $o = [ImgTrack.Collection.IdentityOutcome]::Failed('x:1', $e, 'detail', $null)
                    ""$e="" + (Show $forItem.Invoke($null, @($o, $false, 'ep')))
                }
            }
            foreach ($x in [ImgTrack.Engine.EngineConfigurationException]::new('m'), [ImgTrack.Engine.EngineTimeoutException]::new('m'),
                    [ImgTrack.Engine.EngineUnreachableException]::new('m'), [ImgTrack.Engine.EngineApiTooOldException]::new('m'),
                    [ImgTrack.Engine.EngineProtocolException]::new('m'), [ImgTrack.Collection.CredentialSpansRegistriesException]::new([string[]]('a', 'b'))) {
                $x.GetType().Name + '=' + (Show $forRun.Invoke($null, @($x, 'ep', $null)))
            }
            $null -eq $forRun.Invoke($null, @([InvalidOperationException]::new('a bug'), 'ep', $null))").ThrowIfErrors();

        Assert.Equal(
            new object[]
            {
                "InvalidImageReference=InvalidImageReference/InvalidArgument",
                "ImageNotFound=ImageNotFound/ObjectNotFound",
                "ImageInspectFailed=ImageInspectFailed/ReadError",
                "RemoteNameRequired=RemoteNameRequired/InvalidArgument",
                "ManifestNotFound=ManifestNotFound/ObjectNotFound",
                "RegistryUnauthorized=RegistryUnauthorized/PermissionDenied",
                "PlatformNotFound=PlatformNotFound/ObjectNotFound",
                "DigestMismatch=DigestMismatch/SecurityError",
                "UnsupportedManifest=UnsupportedManifest/InvalidData",
                "RegistryUnavailable=RegistryUnavailable/ConnectionError",
                "EngineConfigurationException=InvalidEngineConfiguration/InvalidArgument",
                "EngineTimeoutException=EngineTimeout/OperationTimeout",
                "EngineUnreachableException=EngineUnreachable/ConnectionError",
                "EngineApiTooOldException=EngineApiTooOld/NotImplemented",
                "EngineProtocolException=EngineProtocolError/ProtocolError",
                "CredentialSpansRegistriesException=CredentialSpansRegistries/InvalidArgument",
                true,
            },
            result.BaseObjects.ToArray());
    }

    [Fact]
    public void Remote_answers_image_IDs_and_invalid_names_with_item_errors_in_place_without_an_engine_or_a_request()
    {
        using var session = new PowerShellSession();
        var id = "sha256:" + new string('a', 64);
        var watch = Stopwatch.StartNew();

        var result = session.Invoke("$n = $args[0]; & { $n | Get-ImageIdentity -Remote -Platform linux/amd64 } 2>&1", new object[] { new[] { id, "Not Valid", "", "sha256:" + id[7..19] } });

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        var errors = result.Output.Select(o => Assert.IsType<ErrorRecord>(o.BaseObject)).ToList();
        Assert.Equal(
            new[] { "RemoteNameRequired", "InvalidImageReference", "InvalidImageReference", "RemoteNameRequired" },
            errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(ErrorCategory.InvalidArgument, errors[0].CategoryInfo.Category);
        Assert.Equal(id, errors[0].TargetObject);
        Assert.Contains("image ID", errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Remote_Ctrl_C_stops_a_run_waiting_on_a_silent_registry_promptly()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var name = "127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port + "/team/app:1.0";
        using var session = new PowerShellSession();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddCommand("Get-ImageIdentity").AddParameter("Remote").AddParameter("Name", name).AddParameter("Platform", "linux/amd64");

        var running = ps.BeginInvoke();
        Thread.Sleep(1000); // connected (the listener accepts) and waiting for an answer that never comes
        var watch = Stopwatch.StartNew();
        ps.Stop();

        Assert.True(running.IsCompleted || running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(2)));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }
}
