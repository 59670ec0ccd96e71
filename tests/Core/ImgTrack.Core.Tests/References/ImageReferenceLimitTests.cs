using Xunit;

namespace ImgTrack.Core.Tests.References;

/// <summary>
/// Length limits: 255 characters for the repository path (counting the library/ Docker adds), 128 for a tag, none for
/// a host; and 1 MB inputs get Docker's answer (speed is measured in the benchmark, not here).
/// </summary>
public sealed class ImageReferenceLimitTests
{
    private const int OneMegabyte = 1 << 20;

    public static TheoryData<string, string, int> PathsAtTheLimit => new()
    {
        // name, why, path length Docker checks
        { new string('a', 247), "a single name gets library/ (8 characters) before the limit applies", 255 },
        { "team/" + new string('a', 250), "a Docker Hub path with a namespace is taken as written", 255 },
        { "example.com/" + new string('a', 255), "a path after a registry host is taken as written", 255 },
        { "example.com:5000/" + new string('a', 255) + ":tag", "the tag does not count", 255 },
    };

    [Theory]
    [MemberData(nameof(PathsAtTheLimit))]
    public void A_repository_path_of_255_characters_is_valid(string name, string why, int pathLength)
    {
        var reference = ImageReference.Parse(name);
        Assert.True(reference.Repository.Length == pathLength, why);
    }

    public static TheoryData<string, int> PathsOverTheLimit => new()
    {
        { new string('a', 248), 256 },
        { "team/" + new string('a', 251), 256 },
        { "example.com/" + new string('a', 256), 256 },
        { "docker.io/" + new string('a', 248), 256 },
    };

    [Theory]
    [MemberData(nameof(PathsOverTheLimit))]
    public void A_repository_path_over_255_characters_is_invalid(string name, int pathLength)
    {
        var ex = Assert.Throws<ImageReferenceFormatException>(() => ImageReference.Parse(name));
        Assert.Equal($"repository path must be at most 255 characters (got {pathLength})", ex.Message);
    }

    [Fact]
    public void A_tag_of_128_characters_is_valid()
    {
        var tag = "_" + new string('x', 127);
        Assert.Equal(tag, ImageReference.Parse("nginx:" + tag).Tag);
    }

    [Fact]
    public void A_tag_of_129_characters_is_invalid()
    {
        var ex = Assert.Throws<ImageReferenceFormatException>(() => ImageReference.Parse("nginx:" + new string('x', 129)));
        Assert.Equal("tag must be at most 128 characters (got 129)", ex.Message);
    }

    [Fact]
    public void A_one_megabyte_host_name_is_valid_because_only_the_path_has_a_limit()
    {
        var host = new string('a', OneMegabyte) + ".example";
        var reference = ImageReference.Parse(host + ":5000/team/app:1.0");

        Assert.Equal(host, reference.RegistryHost);
        Assert.Equal(5000, reference.Port);
        Assert.Equal("team/app", reference.Repository);
        Assert.Equal(host + ":5000/team/app", reference.FamiliarName);
    }

    public static TheoryData<string, string> OneMegabyteInvalidNames => new()
    {
        { "one long component", "repository path must be at most 255 characters (got 1048584)" },
        { "many short components", "repository path must be at most 255 characters (got 1048576)" },
        { "a long run of dashes that never ends in a letter", "repository path component 'a---" },
        { "a long tag", "tag must be at most 128 characters (got 1048576)" },
        { "a long digest with one bad character at the end", "must contain only hex digits after ':' (found 'x')" },
        { "a long host with '_' at the end", "must not contain '_'" },
    };

    [Theory]
    [MemberData(nameof(OneMegabyteInvalidNames))]
    public void A_one_megabyte_invalid_name_is_rejected_with_its_rule(string shape, string message)
    {
        var name = shape switch
        {
            "one long component" => new string('a', OneMegabyte),
            "many short components" => string.Concat(System.Linq.Enumerable.Repeat("ab/", OneMegabyte / 3)) + "a",
            "a long run of dashes that never ends in a letter" => "a" + new string('-', OneMegabyte),
            "a long tag" => "nginx:" + new string('t', OneMegabyte),
            "a long digest with one bad character at the end" => "nginx@sha256:" + new string('a', OneMegabyte) + "x",
            "a long host with '_' at the end" => new string('a', OneMegabyte) + ".example_/app",
            _ => throw new System.ArgumentOutOfRangeException(nameof(shape)),
        };

        var ex = Assert.Throws<ImageReferenceFormatException>(() => ImageReference.Parse(name));
        Assert.Contains(message, ex.Message, System.StringComparison.Ordinal);
        // Messages quote at most a short prefix of a huge value, so an error record stays readable.
        Assert.True(ex.Message.Length < 1000, "message length " + ex.Message.Length);
    }
}
