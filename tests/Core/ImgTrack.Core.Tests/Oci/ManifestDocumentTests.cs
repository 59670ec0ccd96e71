using System;
using System.Text;
using ImgTrack.Oci;
using Xunit;

namespace ImgTrack.Core.Tests.Oci;

public sealed class ManifestDocumentTests
{
    private const string Digest = "sha256:6e809582795f51280dda491769531ca101af7ce73ff67ec039597b1f000fef8c";

    // Seed 003's manifest list, byte for byte as Docker Hub served it; its sha256 is the RepoDigest Docker recorded.
    private const string Seed003Index = "{\"manifests\":[{\"digest\":\"sha256:0eefa899a816bf75b072f1c002a9a6d620d2cde73983fee2380533571eb99d20\",\"mediaType\":\"application\\/vnd.docker.distribution.manifest.v2+json\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"size\":529},{\"digest\":\"sha256:6ed3f8651e7e6ae661e3bdac75a80bc532ac90dfae8ce303d866caae3b60b980\",\"mediaType\":\"application\\/vnd.docker.distribution.manifest.v2+json\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},\"size\":529}],\"mediaType\":\"application\\/vnd.docker.distribution.manifest.list.v2+json\",\"schemaVersion\":2}";

    [Fact]
    public void Seed_003s_manifest_list_hashes_to_its_repo_digest_and_offers_arm64_v8()
    {
        var bytes = Encoding.UTF8.GetBytes(Seed003Index);

        Assert.Equal("sha256:a8e94ea6c17f7749b1beb0ac2c3245e0b99804190f31e05f68a0fabb5bea1787", ContentDigest.Sha256(bytes));
        var index = ManifestDocument.Parse(ContentDigest.Sha256(bytes), bytes, "application/vnd.docker.distribution.manifest.list.v2+json");
        Assert.True(index.IsIndex);
        var arm = index.EntryFor(Platform.Parse("linux/arm64"));
        Assert.Equal("sha256:6ed3f8651e7e6ae661e3bdac75a80bc532ac90dfae8ce303d866caae3b60b980", arm!.Digest);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + Digest + "\",\"size\":1},\"layers\":[]}", null, "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + Digest + "\",\"size\":1},\"layers\":[]}", "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.v2+json")]
    [InlineData("{\"schemaVersion\":2,\"manifests\":[]}", "application/json", "application/vnd.oci.image.index.v1+json")]
    public void Media_type_comes_from_the_document_then_the_content_type_then_its_shape(string json, string? contentType, string expected)
    {
        Assert.Equal(expected, ManifestDocument.Parse(Digest, Encoding.UTF8.GetBytes(json), contentType).MediaType);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{}}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"md5:abc\",\"size\":1}}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}")]
    public void Malformed_documents_are_format_errors(string json)
    {
        Assert.Throws<FormatException>(() => ManifestDocument.Parse(Digest, Encoding.UTF8.GetBytes(json), null));
    }

    // The words users read inside MalformedManifest: each names the rule the document broke.
    [Theory]
    [InlineData("[1,2]", "the document is not a JSON object.")]
    [InlineData("{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{}}", "schemaVersion is not 2.")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}", "the index has no 'manifests' array.")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}", "the manifest has no 'config'.")]
    [InlineData("{\"schemaVersion\":2,\"manifests\":[1]}", "'manifests[]' is not an object.")]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:abc\",\"size\":1}}", "'config' has no valid digest ('md5:abc').")]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + Digest + "\",\"size\":-1}}", "'config' has no valid size.")]
    public void Malformed_documents_name_what_is_wrong(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => ManifestDocument.Parse(Digest, Encoding.UTF8.GetBytes(json), null));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_document_with_no_media_type_and_no_shape_names_none()
    {
        var error = Assert.Throws<NotSupportedException>(() => ManifestDocument.Parse(Digest, Encoding.UTF8.GetBytes("{\"schemaVersion\":2}"), null));
        Assert.Equal("(none)", error.Message);
    }

    [Fact]
    public void A_config_that_is_not_an_object_is_a_format_error()
    {
        var error = Assert.Throws<FormatException>(() => ManifestDocument.ParseConfig(Encoding.UTF8.GetBytes("[]")));
        Assert.Equal("the config is not a JSON object.", error.Message);
    }

    [Fact]
    public void Schema_1_and_other_media_types_are_not_supported()
    {
        var json = Encoding.UTF8.GetBytes("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}");

        var error = Assert.Throws<NotSupportedException>(() => ManifestDocument.Parse(Digest, json, "application/vnd.docker.distribution.manifest.v1+prettyjws"));
        Assert.Equal("application/vnd.docker.distribution.manifest.v1+prettyjws", error.Message);
    }

    [Theory]
    [InlineData("sha256:6e809582795f51280dda491769531ca101af7ce73ff67ec039597b1f000fef8c", true)]
    [InlineData("sha256:6E809582795F51280DDA491769531CA101AF7CE73FF67EC039597B1F000FEF8C", false)]
    [InlineData("sha256:6e80", false)]
    [InlineData("md5:6e809582795f51280dda491769531ca1", false)]
    [InlineData("6e809582795f51280dda491769531ca101af7ce73ff67ec039597b1f000fef8c", false)]
    public void Digests_must_be_well_formed(string digest, bool valid)
    {
        Assert.Equal(valid, ContentDigest.IsValid(digest));
    }
}
