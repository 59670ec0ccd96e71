using System.Security.Cryptography;
using System.Text;
using ImgTrack.Oci;
using Xunit;

namespace ImgTrack.Core.Tests.Oci;

/// <summary>A content digest is valid by the reference grammar's one rule (sha256, sha384, sha512), and bytes match it.</summary>
public sealed class ContentDigestTests
{
    [Theory]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("sha384:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha256:0123", false)]
    [InlineData("md5:0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    public void Validity_is_the_grammars(string digest, bool valid)
    {
        Assert.Equal(valid, ContentDigest.IsValid(digest));
        Assert.Equal(valid, ImageReference.TryParse("example.com/app@" + digest, out _));
    }

    [Fact]
    public void Sha384_content_matches_its_digest()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");
        using var sha = SHA384.Create();
        var digest = "sha384:" + System.Convert.ToHexString(sha.ComputeHash(bytes)).ToLowerInvariant();

        Assert.True(ContentDigest.Matches(digest, bytes));
        Assert.False(ContentDigest.Matches(digest, Encoding.UTF8.GetBytes("{}")));
    }
}
