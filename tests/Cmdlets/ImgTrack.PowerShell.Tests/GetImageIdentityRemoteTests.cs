using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// <c>Get-ImageIdentity -Remote</c> through the staged module in a real PowerShell engine (issue 9), against the private
/// dockerd 20.10 and docker-registry of <see cref="DockerEngineFixture"/>. Fidelity, field by field: what the registry
/// says a name stands for equals the engine's own identity of the image after <c>docker pull</c> (ImageId, RepoDigest,
/// TrackingId, TrackingKey, TrackingIdSource), by tag and by digest, for a Docker v2 image the engine pushed and for a
/// two-platform OCI index pushed with <c>skopeo copy --all</c> (linux/amd64, linux/arm64/v8).
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class GetImageIdentityRemoteTests
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";

    // The properties both sources must agree on (the join keys), then the ones a pull also fixes.
    private static readonly string[] s_identityFields = { "ImageId", "RepoDigest", "TrackingId", "TrackingKey", "TrackingIdSource" };
    private static readonly string[] s_platformFields = { "Os", "Architecture", "Platform", "ImageIdKind", "ConfigDigest" };

    private readonly DockerEngineFixture _engine;

    public GetImageIdentityRemoteTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void A_single_platform_image_pushed_by_the_engine_has_the_pulled_images_identity_by_tag_and_by_digest()
    {
        var name = $"{_engine.RegistryAddress}/remote/single{Unique()}:1.0";
        _engine.ImportImage(name);
        _engine.Push(name);
        PullAfresh(name, null);
        using var session = new PowerShellSession();
        var engine = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _engine.DockerHost).ThrowIfErrors();
        var repoDigest = (string)engine.Property(0, "RepoDigest")!;

        var remote = session.Invoke("Get-ImageIdentity -Remote -Name $args[0], $args[1] -Platform linux/amd64", name, repoDigest).ThrowIfErrors();

        Assert.Equal(2, remote.Output.Count);
        Assert.Empty(remote.Warnings);
        for (var i = 0; i < 2; i++)
        {
            foreach (var field in s_identityFields.Concat(s_platformFields).Append("Created"))
            {
                Assert.True(Equals(engine.Property(0, field)?.ToString(), remote.Property(i, field)?.ToString()), $"{field}: engine {engine.Property(0, field)}, registry {remote.Property(i, field)}");
            }

            Assert.Equal("RepoDigest", remote.Property(i, "TrackingIdSource")!.ToString());
            Assert.Equal("Registry", remote.Property(i, "Source"));
            Assert.Equal("Registry", remote.Property(i, "RepoDigestSource"));
            Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", remote.Property(i, "MediaType"));
            Assert.Equal(repoDigest[(repoDigest.IndexOf('@', StringComparison.Ordinal) + 1)..], remote.Property(i, "ManifestDigest"));
            Assert.Equal(repoDigest, remote.Property(i, "RepoDigests")!.ToString());

            // A registry has no host, no uncompressed size and no tag list of the image's.
            Assert.Null(remote.Property(i, "Size"));
            Assert.Null(remote.Property(i, "ComputerName"));
            Assert.Equal(string.Empty, remote.Property(i, "RepoTags")!.ToString());
        }

        Assert.Equal(name, remote.Property(0, "Name"));
        Assert.Equal(repoDigest, remote.Property(1, "Name"));
        Assert.Equal("Engine", engine.Property(0, "Source"));
    }

    [EngineFact]
    public void A_two_platform_OCI_index_gives_each_platforms_config_digest_under_the_one_index_digest()
    {
        var layout = Path.Combine(_engine.Directory, "remote-multi-" + Unique());
        var configs = OciLayout.Write(layout, "linux/amd64", "linux/arm64/v8");
        var name = $"{_engine.RegistryAddress}/remote/multi{Unique()}:1.0";
        OciLayout.Skopeo("--insecure-policy", "copy", "--all", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":" + OciLayout.Tag, "docker://" + name);
        using var session = new PowerShellSession();

        // dockerd 20.10 keeps one image per repo@digest: each platform is pulled into an engine without the other.
        PullAfresh(name, "linux/amd64");
        var amd64 = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _engine.DockerHost).ThrowIfErrors();
        PullAfresh(name, "linux/arm64/v8");
        var arm64 = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _engine.DockerHost).ThrowIfErrors();
        var indexDigest = (string)amd64.Property(0, "RepoDigest")!;
        Assert.Equal(configs["linux/amd64"], amd64.Property(0, "ImageId"));
        Assert.Equal(configs["linux/arm64/v8"], arm64.Property(0, "ImageId"));
        Assert.Equal(indexDigest, arm64.Property(0, "RepoDigest"));

        foreach (var (platform, engine) in new[] { ("linux/amd64", amd64), ("linux/arm64/v8", arm64) })
        {
            var remote = session.Invoke("Get-ImageIdentity -Remote $args[0], $args[1] -Platform $args[2]", name, indexDigest, platform).ThrowIfErrors();

            for (var i = 0; i < 2; i++)
            {
                foreach (var field in s_identityFields.Concat(s_platformFields))
                {
                    Assert.True(Equals(engine.Property(0, field)?.ToString(), remote.Property(i, field)?.ToString()), $"{platform} {field}: engine {engine.Property(0, field)}, registry {remote.Property(i, field)}");
                }

                Assert.Equal(platform, remote.Property(i, "Platform"));
                Assert.Equal(indexDigest, remote.Property(i, "RepoDigest"));
                Assert.Equal("application/vnd.oci.image.index.v1+json", remote.Property(i, "MediaType"));
                Assert.NotEqual(indexDigest[(indexDigest.IndexOf('@', StringComparison.Ordinal) + 1)..], remote.Property(i, "ManifestDigest"));

                // The index says the platform; the config of an index entry is not read, so there is no creation time.
                Assert.Null(remote.Property(i, "Created"));
            }
        }
    }

    [EngineFact]
    public void Each_failing_name_is_an_item_error_with_the_registrys_error_ID_in_its_place()
    {
        var layout = Path.Combine(_engine.Directory, "remote-errors-" + Unique());
        OciLayout.Write(layout, "linux/amd64", "linux/arm64/v8");
        var multi = $"{_engine.RegistryAddress}/remote/errors-multi{Unique()}:1";
        OciLayout.Skopeo("--insecure-policy", "copy", "--all", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":" + OciLayout.Tag, "docker://" + multi);
        var single = $"{_engine.RegistryAddress}/remote/errors-single{Unique()}:1";
        var id = _engine.ImportImage(single);
        _engine.Push(single);
        var missing = $"{_engine.RegistryAddress}/remote/missing{Unique()}:1";
        using var session = new PowerShellSession();

        var result = session.Invoke("$n = $args[0]; & { $n | Get-ImageIdentity -Remote -Platform linux/arm64 } 2>&1", new object[] { new[] { multi, missing, id, "Not Valid", single } });

        Assert.Null(result.TerminatingError);
        Assert.Equal(5, result.Output.Count);
        Assert.Equal("linux/arm64/v8", result.Property(0, "Platform"));
        var errors = result.Output.Skip(1).Select(o => Assert.IsType<ErrorRecord>(o.BaseObject)).ToList();
        Assert.Equal(
            new[] { "ManifestNotFound", "RemoteNameRequired", "InvalidImageReference", "PlatformNotFound" },
            errors.Select(e => e.FullyQualifiedErrorId.Replace(CmdletErrorSuffix, string.Empty, StringComparison.Ordinal)));
        Assert.Equal(
            new[] { ErrorCategory.ObjectNotFound, ErrorCategory.InvalidArgument, ErrorCategory.InvalidArgument, ErrorCategory.ObjectNotFound },
            errors.Select(e => e.CategoryInfo.Category));
        Assert.Equal(new object[] { missing, id, "Not Valid", single }, errors.Select(e => e.TargetObject));
        Assert.Contains(missing, errors[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("linux/arm64", errors[3].ToString(), StringComparison.Ordinal);
    }

    [EngineFact]
    public void Remote_output_exports_clean_CSV_cells_in_the_contract_column_order()
    {
        var name = $"{_engine.RegistryAddress}/remote/csv{Unique()}:1";
        _engine.ImportImage(name);
        _engine.Push(name);
        using var session = new PowerShellSession();
        using var folder = new CsvFolder();

        session.Invoke("Get-ImageIdentity -Remote $args[0] -Platform linux/amd64 | Export-Csv -LiteralPath (Join-Path $args[1] 'remote.csv') -NoTypeInformation", name, folder.Path).ThrowIfErrors();

        var csv = folder.Read("remote.csv");
        Assert.Equal(CsvContractTests.ImageIdentityColumns, csv.Columns);
        var row = csv.SingleRow;
        Assert.Equal("Registry", row["Source"]);
        Assert.Equal(string.Empty, row["Size"]);
        Assert.Equal(string.Empty, row["RepoTags"]);
        Assert.Equal(string.Empty, row["ComputerName"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", row["CollectedAt"]);
        Assert.All(row.Values, cell => Assert.DoesNotContain("System.", cell, StringComparison.Ordinal));
    }

    [EngineFact]
    public void ResolveRepoDigest_gives_an_image_loaded_from_a_tarball_the_registrys_digest_of_its_tag()
    {
        var name = $"{_engine.RegistryAddress}/resolve/loaded{Unique()}:1.0";
        var id = _engine.ImportImage(name);
        _engine.Push(name);
        var registryDigest = RegistryDigests.Of(name);
        Reload(name);
        Assert.Equal("[]", _engine.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", name));
        using var session = new PowerShellSession();

        var plain = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _engine.DockerHost).ThrowIfErrors();
        var resolved = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -ResolveRepoDigest", name, _engine.DockerHost).ThrowIfErrors();
        var all = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0] -ResolveRepoDigest -WarningAction SilentlyContinue", _engine.DockerHost).ThrowIfErrors();

        Assert.Equal("ImageId", plain.Property(0, "TrackingIdSource")!.ToString());
        Assert.Single(plain.Warnings);
        Assert.Empty(resolved.Warnings);
        Assert.Equal(id, resolved.Property(0, "ImageId"));
        Assert.Equal(registryDigest, resolved.Property(0, "RepoDigest"));
        Assert.Equal(registryDigest, resolved.Property(0, "TrackingId"));
        Assert.Equal(registryDigest, resolved.Property(0, "TrackingKey"));
        Assert.Equal("RepoDigest", resolved.Property(0, "TrackingIdSource")!.ToString());
        Assert.Equal("Registry", resolved.Property(0, "RepoDigestSource"));
        Assert.Equal("Engine", resolved.Property(0, "Source"));
        Assert.Equal(string.Empty, resolved.Property(0, "RepoDigests")!.ToString()); // the engine's own list
        var listed = Assert.Single(all.Output, o => (string)o.Properties["ImageId"].Value == id);
        Assert.Equal(registryDigest, listed.Properties["TrackingId"].Value);
    }

    [EngineFact]
    public void ResolveRepoDigest_warns_that_a_tag_pushed_again_with_other_content_has_moved_on()
    {
        var name = $"{_engine.RegistryAddress}/resolve/stale{Unique()}:1.0";
        var old = _engine.ImportImage(name);
        _engine.Push(name);
        var tarball = Path.Combine(_engine.Directory, "stale-" + Unique() + ".tar");
        _engine.Docker("save", "--output", tarball, name);
        var newer = _engine.ImportImage(name);
        _engine.Push(name);
        var newerDigest = RegistryDigests.Of(name);
        _engine.Docker("image", "rm", "--force", newer);
        _engine.Docker("image", "rm", "--force", old);
        _engine.Docker("load", "--input", tarball);
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -ResolveRepoDigest", name, _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(old, result.Property(0, "ImageId"));
        Assert.Equal(old, result.Property(0, "TrackingId"));
        Assert.Equal("ImageId", result.Property(0, "TrackingIdSource")!.ToString());
        Assert.Null(result.Property(0, "RepoDigestSource"));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("stale", warning, StringComparison.Ordinal);
        Assert.Contains(name, warning, StringComparison.Ordinal);
        Assert.Contains(newer, warning, StringComparison.Ordinal);
        Assert.Contains(newerDigest, warning, StringComparison.Ordinal);
    }

    [EngineFact]
    public void ResolveRepoDigest_asks_a_registry_that_cannot_be_reached_once_and_still_writes_every_identity()
    {
        var id = _engine.ImportImage("resolve/unreachable:" + Unique());
        var names = new[] { "127.0.0.1:9/resolve/a:" + Unique(), "127.0.0.1:9/resolve/b:" + Unique(), "127.0.0.1:9/resolve/c:" + Unique() };
        foreach (var name in names)
        {
            _engine.Docker("tag", id, name);
        }

        using var session = new PowerShellSession();
        var result = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -ResolveRepoDigest -Verbose", names, _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(3, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(id, o.Properties["TrackingId"].Value));
        var unreachable = Assert.Single(result.Warnings, w => w.Contains("could not be reached", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:9", unreachable, StringComparison.Ordinal);
        Assert.Equal(3, result.Warnings.Count(w => w.Contains("no repo digest in the engine's records", StringComparison.Ordinal)));
        Assert.Equal(2, result.Verbose.Count(v => v.Contains("was not asked", StringComparison.Ordinal)));
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    // What a server that pulls the name has: the image removed, then pulled (for one platform).
    private void PullAfresh(string name, string? platform)
    {
        foreach (var id in _engine.Docker("image", "ls", "--quiet", "--no-trunc", name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            _engine.Docker("image", "rm", "--force", id.Trim());
        }

        _engine.Docker(platform is null ? new[] { "pull", "--quiet", name } : new[] { "pull", "--quiet", "--platform", platform, name });
    }

    // docker save, rmi, load: the same image with the same tag and no repo digest.
    private void Reload(string name)
    {
        var tarball = Path.Combine(_engine.Directory, "reload-" + Unique() + ".tar");
        _engine.Docker("save", "--output", tarball, name);
        _engine.Docker("image", "rm", name);
        _engine.Docker("load", "--input", tarball);
        File.Delete(tarball);
    }
}
