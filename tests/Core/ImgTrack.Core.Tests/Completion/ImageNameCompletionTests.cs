using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Completion;
using ImgTrack.Core.Tests.Identity;
using ImgTrack.Engine;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Completion;

public sealed class ImageNameCompletionTests
{
    private static readonly ImageSummary[] s_images =
    {
        new("sha256:1", new[] { "127.0.0.1:5731/team/app:1.0", "team/app:1.0" }, Array.Empty<string>(), null, 1),
        // An untagged image as an engine before API 1.43 lists it, placeholder dropped where engine data enters.
        new("sha256:2", EnginePlaceholders.RemoveFrom(new[] { "<none>:<none>" }), Array.Empty<string>(), null, 1),
        new("sha256:3", new[] { "team/app:1.0", "Team/odd:case", "nginx:latest" }, Array.Empty<string>(), null, 1),
    };

    [Theory]
    [InlineData("", new[] { "127.0.0.1:5731/team/app:1.0", "Team/odd:case", "nginx:latest", "team/app:1.0" })]
    [InlineData("team", new[] { "Team/odd:case", "team/app:1.0", "127.0.0.1:5731/team/app:1.0" })]
    [InlineData("ng", new[] { "nginx:latest" })]
    [InlineData("app", new[] { "127.0.0.1:5731/team/app:1.0", "team/app:1.0" })]
    [InlineData("zzz", new string[0])]
    public void Match_offers_distinct_tags_that_start_with_the_word_first_then_those_containing_it(string word, string[] expected)
    {
        Assert.Equal(expected, ImageNameCompletion.Match(s_images, word));
    }

    [Fact]
    public async Task An_engine_that_never_answers_gives_no_candidates_within_the_timeout()
    {
        var watch = Stopwatch.StartNew();

        var result = await ImageNameCompletion.CompleteAsync(() => new SilentEngine(), "te", TimeSpan.FromMilliseconds(300));

        Assert.Empty(result);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_failing_engine_or_endpoint_gives_no_candidates_and_no_error()
    {
        Assert.Empty(await ImageNameCompletion.CompleteAsync(() => throw new ArgumentException("bad DOCKER_HOST"), "te", TimeSpan.FromSeconds(1)));
        Assert.Empty(await ImageNameCompletion.CompleteAsync(() => new SilentEngine(new EngineUnreachableException("no socket")), "te", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_working_engine_completes_from_its_list()
    {
        var result = await ImageNameCompletion.CompleteAsync(RecordedEngine.Dockerd2010, "so", TimeSpan.FromSeconds(1));

        Assert.Equal(new[] { "solo:latest" }, result);
    }

    // Accepts the list call and never answers, ignoring cancellation: the worst case for a prompt.
    private sealed class SilentEngine : IImageEngine
    {
        private readonly Exception? _failure;

        public SilentEngine(Exception? failure = null) => _failure = failure;

        public string Endpoint => "unix:///silent.sock";

        public bool Disposed { get; private set; }

        public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken) =>
            _failure is null ? new TaskCompletionSource<IReadOnlyList<ImageSummary>>().Task : Task.FromException<IReadOnlyList<ImageSummary>>(_failure);

        public Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Dispose() => Disposed = true;
    }
}
