using System;
using System.Text;
using ImgTrack.Oci;
using Xunit;

namespace ImgTrack.Core.Tests.Oci;

public sealed class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("Linux/ARM/v7", "linux", "arm", "v7")]
    [InlineData("windows/amd64", "windows", "amd64", null)]
    public void Parses_and_formats_os_arch_variant(string text, string os, string architecture, string? variant)
    {
        var platform = Platform.Parse(text);

        Assert.Equal(os, platform.Os);
        Assert.Equal(architecture, platform.Architecture);
        Assert.Equal(variant, platform.Variant);
        Assert.Equal(text.ToLowerInvariant(), platform.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux")]
    [InlineData("linux/")]
    [InlineData("/amd64")]
    [InlineData("linux/arm64/v8/extra")]
    [InlineData("linux/amd 64")]
    public void Rejects_what_is_not_os_arch_variant(string text)
    {
        Assert.False(Platform.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => Platform.Parse(text));
        Assert.Contains("os/arch[/variant]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_platform_needs_an_operating_system_and_an_architecture()
    {
        var os = Assert.Throws<ArgumentException>(() => new Platform(string.Empty, "amd64"));
        Assert.Equal("os", os.ParamName);
        Assert.StartsWith("The operating system is empty.", os.Message, StringComparison.Ordinal);

        var architecture = Assert.Throws<ArgumentException>(() => new Platform("linux", string.Empty));
        Assert.Equal("architecture", architecture.ParamName);
        Assert.StartsWith("The architecture is empty.", architecture.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux/arm64", "linux/arm64/v8")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/7", "linux/arm/v7")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/amd64", "linux/amd64/v1")]
    public void Matches_as_containerd_normalizes(string wanted, string offered)
    {
        Assert.True(Platform.Parse(wanted).Matches(Platform.Parse(offered)));
    }

    [Theory]
    [InlineData("linux/arm64", "linux/amd64")]
    [InlineData("linux/arm/v7", "linux/arm/v6")]
    [InlineData("linux/arm", "linux/arm/v6")]
    [InlineData("linux/amd64", "windows/amd64")]
    [InlineData("linux/amd64/v3", "linux/amd64")]
    public void Does_not_match_another_platform(string wanted, string offered)
    {
        Assert.False(Platform.Parse(wanted).Matches(Platform.Parse(offered)));
    }

    [Fact]
    public void Windows_matches_by_build_when_both_name_an_os_version()
    {
        var host = new Platform("windows", "amd64", null, "10.0.20348.2113");

        Assert.True(host.Matches(new Platform("windows", "amd64", null, "10.0.20348.1")));
        Assert.False(host.Matches(new Platform("windows", "amd64", null, "10.0.17763.5122")));
        Assert.True(host.Matches(new Platform("windows", "amd64")));
    }

    [Fact]
    public void Current_is_this_machines_os_and_architecture()
    {
        var current = Platform.Current;

        Assert.Equal(OperatingSystem.IsWindows() ? "windows" : "linux", current.Os);
        Assert.Contains(current.Architecture, new[] { "amd64", "arm64", "arm", "386" });
    }

    [Fact]
    public void Index_choice_takes_the_platform_then_older_arm_variants_in_order()
    {
        var index = Index(("linux", "amd64", null, null), ("linux", "arm", "v6", null), ("linux", "arm", "v7", null));

        Assert.Equal("linux/arm/v7", index.EntryFor(Platform.Parse("linux/arm64"))!.Platform!.ToString());
        Assert.Equal("linux/arm/v6", index.EntryFor(Platform.Parse("linux/arm/v6"))!.Platform!.ToString());
        Assert.Equal("linux/amd64", index.EntryFor(Platform.Parse("linux/amd64"))!.Platform!.ToString());
        Assert.Null(index.EntryFor(Platform.Parse("linux/s390x")));
    }

    [Fact]
    public void Index_choice_on_windows_prefers_the_hosts_build()
    {
        var index = Index(("windows", "amd64", null, "10.0.17763.5122"), ("windows", "amd64", null, "10.0.20348.2113"));

        var chosen = index.EntryFor(new Platform("windows", "amd64", null, "10.0.20348.1000"));

        Assert.Equal("10.0.20348.2113", chosen!.Platform!.OsVersion);
        Assert.Equal("10.0.17763.5122", index.EntryFor(Platform.Parse("windows/amd64"))!.Platform!.OsVersion);
    }

    private static ManifestDocument Index(params (string Os, string Arch, string? Variant, string? OsVersion)[] entries)
    {
        var json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        for (var i = 0; i < entries.Length; i++)
        {
            var (os, arch, variant, osVersion) = entries[i];
            json.Append(i == 0 ? string.Empty : ",")
                .Append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"sha256:")
                .Append(new string((char)('a' + i), 64))
                .Append("\",\"platform\":{\"os\":\"").Append(os).Append("\",\"architecture\":\"").Append(arch).Append('"')
                .Append(variant is null ? string.Empty : ",\"variant\":\"" + variant + "\"")
                .Append(osVersion is null ? string.Empty : ",\"os.version\":\"" + osVersion + "\"")
                .Append("}}");
        }

        json.Append("]}");
        return ManifestDocument.Parse("sha256:" + new string('0', 64), Encoding.UTF8.GetBytes(json.ToString()), null);
    }
}
