using ImgTrack.Text;
using Xunit;

namespace ImgTrack.Core.Tests.Text;

/// <summary>Every value put into a message prints as itself or as a visible escape: no value from outside can move the
/// cursor, recolour the console or reorder what follows it.</summary>
public sealed class MessageTextTests
{
    [Theory]
    [InlineData("team/app:1.0", "team/app:1.0")]
    [InlineData("team/\u001b[31mred\u001b[0m", "team/\\u001B[31mred\\u001B[0m")]
    [InlineData("line\r\nfake: prompt", "line\\u000D\\u000Afake: prompt")]
    [InlineData("tab\tbell\a", "tab\\u0009bell\\u0007")]
    [InlineData("del\u007f c1\u009b", "del\\u007F c1\\u009B")]
    [InlineData("abc\u202Egnp.exe", "abc\\u202Egnp.exe")]
    [InlineData("isolate\u2066x\u2069", "isolate\\u2066x\\u2069")]
    [InlineData("émoji 😀 ok", "émoji 😀 ok")]
    public void Values_are_neutralized_in_every_message(string value, string shown)
    {
        Assert.Equal("Image '" + shown + "' failed.", MessageText.Format("Image '{0}' failed.", value));
    }

    [Fact]
    public void A_lone_surrogate_is_shown_as_its_code()
    {
        Assert.Equal("lone\\uD800 surrogate", MessageText.Format("{0}", "lone" + '\ud800' + " surrogate"));
    }

    [Fact]
    public void Numbers_keep_their_format_and_non_string_values_are_neutralized_too()
    {
        var uri = new System.Uri("tcp://engine:2375");

        Assert.Equal("1,234 at tcp://engine:2375/", MessageText.Format("{0:N0} at {1}", 1234, uri));
        Assert.Equal("x\\u001By", MessageText.Format("{0}", new Odd()));
    }

    private sealed class Odd
    {
        public override string ToString() => "x\u001by";
    }
}
