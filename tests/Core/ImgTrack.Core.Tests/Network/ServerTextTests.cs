using System;
using ImgTrack.Network;
using Xunit;

namespace ImgTrack.Core.Tests.Network;

public sealed class ServerTextTests
{
    [Theory]
    [InlineData("echo: Authorization: Basic dXNlcjpzM2NyZXQ=", "dXNlcjpzM2NyZXQ=")]
    [InlineData("{\"Authorization\":\"Bearer abc.def-ghi_jkl\"}", "abc.def-ghi_jkl")]
    [InlineData("token rejected: Bearer s3cr3tT0kenValue", "s3cr3tT0kenValue")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl expired", "eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("login failed for user=u&password=hunter2&x=1", "hunter2")]
    [InlineData("{\"token\": \"opaque-value-42\", \"expires_in\": 60}", "opaque-value-42")]
    [InlineData("refresh_token=AbCdEf0123456789", "AbCdEf0123456789")]
    [InlineData("key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUo= leaked", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUo")]
    public void Credentials_a_server_sends_back_are_redacted(string text, string secret)
    {
        var quoted = ServerText.Quote(text);

        Assert.DoesNotContain(secret, quoted, StringComparison.Ordinal);
        Assert.Contains(ServerText.Redacted, quoted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MANIFEST_UNKNOWN: manifest unknown")]
    [InlineData("blob sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef not found")]
    [InlineData("Bearer realm=\"https://auth.example.com/token\",service=\"registry\"")]
    public void Plain_words_and_digests_are_kept(string text) => Assert.Equal(text, ServerText.Quote(text));

    [Fact]
    public void A_long_answer_is_capped_and_control_characters_neutralized()
    {
        var quoted = ServerText.Quote("\u001b[31mred\u001b[0m " + new string('x', 70_000));

        Assert.True(quoted.Length <= ServerText.MaxQuoted + 1, quoted.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain('\u001b', quoted);
        Assert.EndsWith("…", quoted, StringComparison.Ordinal);
    }
}
