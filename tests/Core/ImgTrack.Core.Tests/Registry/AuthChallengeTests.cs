using System.Linq;
using ImgTrack.Registry;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Reads_a_bearer_challenge_with_quoted_commas()
    {
        var challenge = AuthChallenge.Parse(new[] { "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\"" }).Single();

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge["realm"]);
        Assert.Equal("registry.docker.io", challenge["service"]);
        Assert.Equal("repository:library/nginx:pull,push", challenge["scope"]);
    }

    [Fact]
    public void Reads_several_challenges_in_one_header()
    {
        var challenges = AuthChallenge.Parse(new[] { "Basic realm=\"registry\", Bearer realm=\"https://r/t\", service=s" });

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("registry", challenges[0]["realm"]);
        Assert.Equal("https://r/t", challenges[1]["realm"]);
        Assert.Equal("s", challenges[1]["service"]);
    }
}
