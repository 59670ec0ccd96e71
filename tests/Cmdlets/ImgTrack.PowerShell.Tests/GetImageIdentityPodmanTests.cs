using System;
using System.Linq;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Get-ImageIdentity on Podman 4.3.1's Docker-compatible service (<see cref="PodmanFixture"/>: private store, vfs, its
/// own configuration), issue 9. Podman records a <c>localhost/name@sha256:…</c> repo digest for a never-pushed image,
/// and its own manifest's digest under every name of an image, which after <c>podman push</c> is not the digest the
/// registry serves: only <c>-ResolveRepoDigest</c> finds the registry's.
/// </summary>
public sealed class GetImageIdentityPodmanTests : IClassFixture<PodmanFixture>
{
    private readonly PodmanFixture _podman;

    public GetImageIdentityPodmanTests(PodmanFixture podman) => _podman = podman;

    [PodmanFact]
    public void A_never_pushed_image_keeps_its_localhost_digest_in_RepoDigests_but_is_tracked_by_image_ID_with_a_warning()
    {
        var name = "imgtrack/never" + Unique() + ":1.0";
        var id = _podman.ImportImage(name);
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -Verbose", name, _podman.DockerHost).ThrowIfErrors();
        var all = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0]", _podman.DockerHost).ThrowIfErrors();

        var localDigest = Assert.Single(result.Property(0, "RepoDigests")!.ToString()!.Split(';'));
        Assert.StartsWith("localhost/" + name.Split(':')[0] + "@sha256:", localDigest, StringComparison.Ordinal);
        Assert.Equal(id, result.Property(0, "ImageId"));
        Assert.Null(result.Property(0, "RepoDigest"));
        Assert.Null(result.Property(0, "RepoDigestSource"));
        Assert.Equal(id, result.Property(0, "TrackingId"));
        Assert.Equal("ImageId", result.Property(0, "TrackingIdSource")!.ToString());
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("no repo digest in the engine's records", warning, StringComparison.Ordinal);
        Assert.Contains(result.Verbose, v => v.Contains("engine version 4.", StringComparison.Ordinal));
        var listed = Assert.Single(all.Output, o => (string)o.Properties["ImageId"].Value == id);
        Assert.Equal("ImageId", listed.Properties["TrackingIdSource"].Value.ToString());
        Assert.Contains("no repo digest in the engine's records", Assert.Single(all.Warnings), StringComparison.Ordinal);
    }

    [PodmanFact]
    public void After_podman_push_ResolveRepoDigest_gives_the_registrys_digest_where_Podman_records_its_own()
    {
        var local = "imgtrack/pushed" + Unique() + ":1.0";
        var id = _podman.ImportImage(local);
        var name = _podman.RegistryAddress + "/" + local;
        _podman.Run("tag", local, name);
        _podman.Push(name);
        var registryDigest = RegistryDigests.Of(name);
        using var session = new PowerShellSession();

        var plain = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1]", name, _podman.DockerHost).ThrowIfErrors();
        var resolved = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -ResolveRepoDigest", name, _podman.DockerHost).ThrowIfErrors();
        var remote = session.Invoke("Get-ImageIdentity -Remote $args[0] -Platform linux/amd64", name).ThrowIfErrors();

        // What Podman records: its own manifest's digest under both names; the registry serves another.
        var podmanDigests = plain.Property(0, "RepoDigests")!.ToString()!.Split(';');
        Assert.Equal(2, podmanDigests.Length);
        Assert.Single(podmanDigests.Select(d => d[d.IndexOf('@', StringComparison.Ordinal)..]).Distinct());
        Assert.DoesNotContain(registryDigest, podmanDigests);

        Assert.Equal(id, resolved.Property(0, "ImageId"));
        Assert.Equal(registryDigest, resolved.Property(0, "RepoDigest"));
        Assert.Equal(registryDigest, resolved.Property(0, "TrackingId"));
        Assert.Equal("RepoDigest", resolved.Property(0, "TrackingIdSource")!.ToString());
        Assert.Equal("Registry", resolved.Property(0, "RepoDigestSource"));
        Assert.Equal(plain.Property(0, "RepoDigests")!.ToString(), resolved.Property(0, "RepoDigests")!.ToString());
        Assert.Empty(resolved.Warnings);

        // The registry's answer for the tag is the same identity.
        Assert.Equal((id, registryDigest), ((string)remote.Property(0, "ImageId")!, (string)remote.Property(0, "RepoDigest")!));
    }

    [PodmanFact]
    public void A_tag_pushed_again_with_other_content_gets_the_stale_warning()
    {
        var name = _podman.RegistryAddress + "/imgtrack/stale" + Unique() + ":1.0";
        var old = _podman.ImportImage(name);
        _podman.Push(name);
        var newer = _podman.ImportImage(name);
        _podman.Push(name);
        _podman.Run("tag", old, name);
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -Name $args[0] -DockerHost $args[1] -ResolveRepoDigest", name, _podman.DockerHost).ThrowIfErrors();

        Assert.Equal(old, result.Property(0, "ImageId"));
        Assert.NotEqual("Registry", result.Property(0, "RepoDigestSource"));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("stale", warning, StringComparison.Ordinal);
        Assert.Contains(newer, warning, StringComparison.Ordinal);
        Assert.Contains(RegistryDigests.Of(name), warning, StringComparison.Ordinal);
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..10];
}
