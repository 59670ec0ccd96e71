using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ImgTrack.Collection;
using ImgTrack.Engine;
using Xunit;

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// The engine client on the branch Windows PowerShell 5.1 takes: .NET Framework has no pooling handler that can dial a
/// socket or pipe, so requests go through Docker.DotNet's own transports (its unix socket one here; the named pipe one
/// needs Windows), against a real dockerd 20.10 and registry. Each test opens its own run, as each cmdlet call does.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class LegacyTransportTests
{
    private const string Sha256Pattern = "^sha256:[0-9a-f]{64}$";

    private readonly TestEngine _engine;

    public LegacyTransportTests(TestEngine engine)
    {
        _engine = engine;
    }

    [EngineFact]
    public void The_handshake_reads_the_engines_version_and_host()
    {
        using var collector = Open();

        Assert.Equal(_engine.Docker("version", "--format", "{{.Server.Version}}"), collector.Info.EngineVersion);
        Assert.Equal(_engine.Docker("version", "--format", "{{.Server.APIVersion}}"), collector.Info.ApiVersion);
        Assert.Equal(_engine.Docker("info", "--format", "{{.Name}}"), collector.Info.HostName);
        Assert.False(collector.Info.IsPodman);
    }

    [EngineFact]
    public void A_pushed_image_tracks_by_the_repo_digest_the_registry_gave_it()
    {
        var name = $"{_engine.RegistryAddress}/netfx/pushed:1.0";
        var id = _engine.ImportImage(name);
        _engine.Docker("push", name);
        var repoDigest = _engine.Docker("image", "inspect", "--format", "{{index .RepoDigests 0}}", name);

        var identity = Resolve(name).Identity;

        Assert.NotNull(identity);
        Assert.Equal(id, identity!.ImageId);
        Assert.Equal(repoDigest, identity.RepoDigest);
        Assert.Equal(repoDigest, identity.TrackingId);
        Assert.Equal("RepoDigest", identity.TrackingIdSource);
        Assert.Equal(repoDigest, identity.TrackingKey);
        Assert.Equal(name, identity.Reference);
        Assert.Equal("linux", identity.Os);
        Assert.Equal(_engine.Docker("image", "inspect", "--format", "{{.Architecture}}", name), identity.Architecture);
        var created = DateTimeOffset.Parse(identity.Created!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [EngineFact]
    public void A_never_pushed_image_tracks_by_its_image_ID_and_a_missing_one_is_that_names_error()
    {
        var name = "netfx/solo:" + Guid.NewGuid().ToString("N").Substring(0, 8);
        var id = _engine.ImportImage(name);

        var outcomes = Run(pipeline => pipeline.Add(name).Concat(pipeline.Add("netfx/missing:1.0")).Concat(pipeline.Add("Not Valid")));

        Assert.Equal(new[] { name, "netfx/missing:1.0", "Not Valid" }, outcomes.Select(o => o.Input));
        Assert.Equal(id, outcomes[0].Identity!.TrackingId);
        Assert.Equal("ImageId", outcomes[0].Identity!.TrackingIdSource);
        Assert.Equal(IdentityError.ImageNotFound, outcomes[1].Error);
        Assert.Equal(IdentityError.InvalidImageReference, outcomes[2].Error);
    }

    [EngineFact]
    public void All_gives_every_image_the_engine_lists_once_with_requests_in_parallel()
    {
        for (var i = 0; i < 12; i++)
        {
            _engine.ImportImage($"netfx/many:{i}");
        }

        var listed = _engine.Docker("images", "--quiet", "--no-trunc").Split('\n').Select(line => line.Trim()).Distinct().ToArray();

        var outcomes = Run(pipeline => pipeline.AddAll());

        Assert.Equal(listed.Length, outcomes.Count);
        Assert.All(outcomes, outcome => Assert.Null(outcome.Error));
        Assert.All(outcomes, outcome => Assert.Matches(Sha256Pattern, outcome.Identity!.ImageId));
        Assert.Equal(listed.OrderBy(id => id, StringComparer.Ordinal), outcomes.Select(o => o.Identity!.ImageId).OrderBy(id => id, StringComparer.Ordinal));
    }

    [EngineFact]
    public void A_socket_that_is_not_there_is_one_unreachable_error_that_says_so()
    {
        var socket = Path.Combine(_engine.Directory, "nothing-here.sock");

        var error = Assert.Throws<EngineUnreachableException>(() =>
            ImageIdentityCollector.OpenAsync("unix://" + socket, null, UtcTimestamp.Now, CancellationToken.None).GetAwaiter().GetResult());

        Assert.Contains(socket, error.Message, StringComparison.Ordinal);
    }

    [EngineFact]
    public void The_answers_came_through_the_staged_Docker_DotNet_transport()
    {
        using (var collector = Open())
        {
            Assert.NotEmpty(collector.ListAsync(CancellationToken.None).GetAwaiter().GetResult());
        }

        // Docker.DotNet's unix socket transport and its HTTP client: the legacy branch, not the pooled one.
        foreach (var name in new[] { "Docker.DotNet.Unix", "Microsoft.Net.Http.Client", "Docker.DotNet", "System.Text.Json" })
        {
            StagedAssemblyTests.AssertLoadedFromStagedModule(name);
        }
    }

    private ImageIdentityCollector Open() =>
        ImageIdentityCollector.OpenAsync(_engine.DockerHost, null, UtcTimestamp.Now, CancellationToken.None).GetAwaiter().GetResult();

    private IdentityOutcome Resolve(string name) => Run(pipeline => pipeline.Add(name)).Single();

    private List<IdentityOutcome> Run(Func<IdentityPipeline, IEnumerable<IdentityOutcome>> add)
    {
        using var collector = Open();
        using var pipeline = new IdentityPipeline(collector, 8, CancellationToken.None);
        var outcomes = add(pipeline).ToList();
        outcomes.AddRange(pipeline.Drain());
        return outcomes;
    }
}
