using ImgTrack.Collection;
using ImgTrack.Core.Tests.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Collection;

public sealed class ImageInputTests
{
    public static TheoryData<string, string, ImageInputKind> Cases => new()
    {
        { "full ID with algorithm", Recorded.SoloId, ImageInputKind.ImageId },
        { "the 64 hex digits alone", Recorded.SoloId.Substring(7), ImageInputKind.ImageId },
        // Short hex is read as the docker CLI reads it: a name first, then (by the engine) an ID prefix of any length.
        { "a 12-digit prefix, as docker images prints it, is a name first", "e7eb717d3ec4", ImageInputKind.Name },
        { "a 20-digit prefix is a name first", "e7eb717d3ec4b694f2a8", ImageInputKind.Name },
        { "a 4-digit prefix is a name first", "e7eb", ImageInputKind.Name },
        { "a 12-digit prefix with the algorithm", "sha256:e7eb717d3ec4", ImageInputKind.ImageId },
        { "a 4-digit prefix with the algorithm", "sha256:e7eb", ImageInputKind.ImageId },
        { "11 hex digits are a valid repository name", "e7eb717d3ec", ImageInputKind.Name },
        { "65 hex digits are too long for an ID, but a valid name", Recorded.SoloId.Substring(7) + "0", ImageInputKind.Name },
        { "hex with a tag is a name", "e7eb717d3ec4:1.0", ImageInputKind.Name },
        { "a familiar name", "nginx", ImageInputKind.Name },
        { "a name with registry, port and tag", "127.0.0.1:5731/team/app:1.0", ImageInputKind.Name },
        { "a name with a digest", Recorded.AmazonLinuxRepoDigest, ImageInputKind.Name },
        { "uppercase hex is neither an ID nor a valid name", "E7EB717D3EC4", ImageInputKind.Invalid },
        { "a space breaks the grammar", "Not Valid", ImageInputKind.Invalid },
        { "the empty string", "", ImageInputKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_tells_image_IDs_names_and_invalid_text_apart(string because, string text, ImageInputKind expected)
    {
        var input = ImageInput.Classify(text);

        Assert.True(expected == input.Kind, $"{because}: '{text}' read as {input.Kind}");
        Assert.Equal(text, input.Text);
        Assert.Equal(expected == ImageInputKind.Name, input.Reference is not null);
        Assert.Equal(expected == ImageInputKind.Invalid, !string.IsNullOrEmpty(input.Error));
    }

    [Fact]
    public void An_invalid_name_keeps_the_grammar_exception_and_its_rule()
    {
        var input = ImageInput.Classify("Not Valid");

        Assert.IsAssignableFrom<System.FormatException>(input.Exception);
        Assert.Equal(input.Exception!.Message, input.Error);
    }

    [Fact]
    public void A_name_keeps_its_parsed_parts()
    {
        var input = ImageInput.Classify("127.0.0.1:5731/team/app:1.0");

        Assert.Equal("127.0.0.1:5731/team/app", input.Reference!.FullName);
        Assert.Equal("1.0", input.Reference.Tag);
    }
}
