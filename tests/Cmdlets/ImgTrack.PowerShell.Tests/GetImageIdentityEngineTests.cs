using System;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading.Tasks;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Get-ImageIdentity through the staged module in a real PowerShell engine, against a private dockerd 20.10 and
/// docker-registry (DockerEngineFixture): the seeds' scenario end to end — an imported image has only an image ID,
/// a pushed one has the registry's manifest digest, one image in two repositories gets each repository's digest.
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class GetImageIdentityEngineTests
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";

    // The manifest media types the engine may have pushed; the registry answers the digest of what it stores.
    private static readonly string[] s_manifestTypes =
    {
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    };

    private readonly DockerEngineFixture _engine;

    public GetImageIdentityEngineTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void An_imported_image_has_an_image_ID_no_repo_digest_and_a_warning()
    {
        var id = _engine.ImportImage("seed/imported:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -Name seed/imported:1.0 -DockerHost $args[0]", _engine.DockerHost).ThrowIfErrors();

        Assert.Equal("ImgTrack.ImageIdentity", Assert.Single(result.Output).TypeNames[0]);
        Assert.Equal("seed/imported:1.0", result.Property(0, "Name"));
        Assert.Equal(id, result.Property(0, "ImageId"));
        Assert.Null(result.Property(0, "RepoDigest"));
        Assert.Equal(string.Empty, result.Property(0, "RepoDigests")!.ToString());
        Assert.Equal(id, result.Property(0, "TrackingId"));
        Assert.Equal("ImageId", result.Property(0, "TrackingIdSource")!.ToString());
        Assert.Equal(id, result.Property(0, "TrackingKey"));
        Assert.Equal("docker.io/seed/imported:1.0", result.Property(0, "Reference"));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("has no repo digest in the engine's records", warning, StringComparison.Ordinal);
        Assert.Contains("seed/imported:1.0", warning, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task After_a_push_the_repo_digest_is_the_registrys_manifest_digest_and_the_tracking_ID()
    {
        var id = _engine.ImportImage("seed/pushed:1.0");
        var name = $"{_engine.RegistryAddress}/seed/pushed:1.0";
        _engine.Docker("tag", "seed/pushed:1.0", name);
        _engine.Push(name);
        var registryDigest = await RegistryDigestAsync("seed/pushed", "1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _engine.DockerHost).ThrowIfErrors();

        var expected = $"{_engine.RegistryAddress}/seed/pushed@{registryDigest}";
        Assert.Equal(id, result.Property(0, "ImageId"));
        Assert.Equal(expected, result.Property(0, "RepoDigest"));
        Assert.Equal(expected, result.Property(0, "TrackingId"));
        Assert.Equal("RepoDigest", result.Property(0, "TrackingIdSource")!.ToString());
        Assert.Equal(expected, result.Property(0, "TrackingKey"));
        Assert.NotEqual(id, registryDigest); // the image ID is the config digest, not the manifest's
        Assert.Empty(result.Warnings);
    }

    [EngineFact]
    public async Task One_image_under_two_names_in_two_repositories_gets_each_repositorys_digest()
    {
        var id = _engine.ImportImage("seed/twice:1.0");
        var alpha = $"{_engine.RegistryAddress}/alpha/twice:1.0";
        var beta = $"{_engine.RegistryAddress}/beta/twice:2.0";
        foreach (var name in new[] { alpha, beta })
        {
            _engine.Docker("tag", "seed/twice:1.0", name);
            _engine.Push(name);
        }

        var alphaDigest = await RegistryDigestAsync("alpha/twice", "1.0");
        var betaDigest = await RegistryDigestAsync("beta/twice", "2.0");
        using var session = new PowerShellSession();

        // beta first: the engine lists alpha's digest first, so taking the first would be wrong for beta.
        var result = session.Invoke("$args[0] | Get-ImageIdentity -DockerHost $args[1]", new[] { beta, alpha }, _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(id, o.Properties["ImageId"].Value));
        Assert.Equal($"{_engine.RegistryAddress}/beta/twice@{betaDigest}", result.Property(0, "RepoDigest"));
        Assert.Equal($"{_engine.RegistryAddress}/alpha/twice@{alphaDigest}", result.Property(1, "RepoDigest"));
        Assert.Equal(2, result.Property(0, "RepoDigests")!.ToString()!.Split(';').Length);
    }

    [EngineFact]
    public void All_returns_exactly_the_engines_images_with_the_docker_CLIs_image_IDs_and_one_warning()
    {
        _engine.ImportImage("seed/all-a:1.0");
        _engine.ImportImage("seed/all-b:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0]", _engine.DockerHost).ThrowIfErrors();

        var cliIds = _engine.Docker("images", "--no-trunc", "--quiet").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var ids = result.Output.Select(o => (string)o.Properties["ImageId"].Value).ToArray();
        Assert.Equal(cliIds, ids.OrderBy(i => i, StringComparer.Ordinal).ToArray());
        Assert.Equal(ids.Length, ids.Distinct().Count());

        // Each object's name resolves, for the docker CLI, to that object's image ID.
        var names = result.Output.Select(o => (string)o.Properties["Name"].Value).ToArray();
        var inspected = _engine.Docker(new[] { "image", "inspect", "--format", "{{.Id}}" }.Concat(names).ToArray()).Split('\n');
        Assert.Equal(ids, inspected);

        var neverPushed = result.Output.Count(o => o.Properties["TrackingIdSource"].Value.ToString() == "ImageId");
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith($"{neverPushed} of {ids.Length} images have no repo digest in the engine's records", warning, StringComparison.Ordinal);
        Assert.Contains("seed/all-a:1.0", warning, StringComparison.Ordinal);
        // A runspace opened by a program gets PowerShell's "Default Host": nobody watches it, so no progress.
        Assert.Equal("Default Host", session.Invoke("$Host.Name").BaseObjects.Single());
        Assert.Empty(result.Progress);
    }

    [EngineFact]
    public void Mixed_input_gives_one_object_and_two_errors_in_input_order_and_the_pipeline_goes_on()
    {
        _engine.ImportImage("seed/good:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("$h = $args[0]; & { 'seed/good:1.0', 'missing:1', 'Not Valid' | Get-ImageIdentity -DockerHost $h } 2>&1", _engine.DockerHost);

        Assert.Null(result.TerminatingError);
        Assert.Equal(3, result.Output.Count);
        Assert.Equal("seed/good:1.0", result.Property(0, "Name"));
        var notFound = Assert.IsType<ErrorRecord>(result.Output[1].BaseObject);
        var invalid = Assert.IsType<ErrorRecord>(result.Output[2].BaseObject);
        Assert.Equal("ImageNotFound" + CmdletErrorSuffix, notFound.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
        Assert.Equal("missing:1", notFound.TargetObject);
        Assert.Contains("'missing:1'", notFound.ToString(), StringComparison.Ordinal);
        Assert.Equal("InvalidImageReference" + CmdletErrorSuffix, invalid.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, invalid.CategoryInfo.Category);
        Assert.Equal("Not Valid", invalid.TargetObject);
        Assert.Contains("'Not Valid'", invalid.ToString(), StringComparison.Ordinal);
    }

    [EngineTheory]
    [InlineData("Image")]
    [InlineData("ImageName")]
    [InlineData("Name")]
    public void Import_Csv_style_objects_bind_by_property_name(string column)
    {
        var id = _engine.ImportImage("seed/csv:1.0");
        using var session = new PowerShellSession();

        // What Import-Csv makes of a file with that column: an object with one note property per column.
        var result = session.Invoke(
            "$row = @{}; $row[$args[0]] = 'seed/csv:1.0'; [pscustomobject]$row | Get-ImageIdentity -DockerHost $args[1]",
            column,
            _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(id, Assert.Single(result.Output).Properties["ImageId"].Value);
    }

    [EngineFact]
    public void A_pscustomobject_with_an_Image_property_binds_by_property_name()
    {
        var id = _engine.ImportImage("seed/object:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("[pscustomobject]@{ Image = 'seed/object:1.0' } | Get-ImageIdentity -DockerHost $args[0]", _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(id, Assert.Single(result.Output).Properties["ImageId"].Value);
    }

    [EngineTheory]
    [InlineData("full")]
    [InlineData("hex")]
    [InlineData("short")]
    [InlineData("algorithm-short")]
    public void An_image_ID_input_resolves_with_name_parts_from_the_first_tag(string form)
    {
        var id = _engine.ImportImage("seed/by-id:1.0");
        var input = form switch
        {
            "full" => id,
            "hex" => id.Substring("sha256:".Length),
            "short" => id.Substring("sha256:".Length, 12),
            _ => id.Substring(0, "sha256:".Length + 12),
        };
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity $args[0] -DockerHost $args[1]", input, _engine.DockerHost).ThrowIfErrors();

        Assert.Equal(input, result.Property(0, "Name"));
        Assert.Equal(id, result.Property(0, "ImageId"));
        Assert.Equal("docker.io/seed/by-id:1.0", result.Property(0, "Reference"));
        Assert.Equal("seed/by-id", result.Property(0, "Repository"));
    }

    [EngineFact]
    public void Verbose_names_the_endpoint_engine_version_and_API_version_once()
    {
        _engine.ImportImage("seed/verbose:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("'seed/verbose:1.0', 'seed/verbose:1.0' | Get-ImageIdentity -DockerHost $args[0] -Verbose", _engine.DockerHost).ThrowIfErrors();

        var engineLine = Assert.Single(result.Verbose, v => v.Contains(_engine.DockerHost, StringComparison.Ordinal));
        Assert.Contains("20.10", engineLine, StringComparison.Ordinal);
        Assert.Contains("API version 1.41", engineLine, StringComparison.Ordinal);
    }

    [EngineFact]
    public void Each_object_carries_the_engines_host_and_one_collection_time()
    {
        _engine.ImportImage("seed/host:1.0");
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity seed/host:1.0, seed/host:1.0 -DockerHost $args[0] -ThrottleLimit 1", _engine.DockerHost).ThrowIfErrors();

        var info = _engine.Docker("info", "--format", "{{.Name}}");
        Assert.All(result.Output, o => Assert.Equal(info, o.Properties["ComputerName"].Value));
        Assert.Equal(result.Property(0, "CollectedAt")!.ToString(), result.Property(1, "CollectedAt")!.ToString());
        Assert.Equal("linux", result.Property(0, "Os"));
        Assert.False(string.IsNullOrEmpty((string?)result.Property(0, "Architecture")));
    }

    [EngineFact]
    public void Tab_completion_offers_the_engines_tags_for_Name()
    {
        _engine.ImportImage("seed/complete-me:1.0");
        using var session = new PowerShellSession();
        var line = $"Get-ImageIdentity -DockerHost '{_engine.DockerHost}' -Name seed/complete";

        var result = session.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line).ThrowIfErrors();

        Assert.Equal(new object[] { "seed/complete-me:1.0" }, result.BaseObjects.ToArray());
    }

    // Asks the registry itself (not the engine) for the digest of what it stores under repository:tag.
    private async Task<string> RegistryDigestAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{_engine.RegistryAddress}/v2/{repository}/manifests/{tag}");
        foreach (var type in s_manifestTypes)
        {
            request.Headers.Accept.ParseAdd(type);
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        return digest;
    }
}
