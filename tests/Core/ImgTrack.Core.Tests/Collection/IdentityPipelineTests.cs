using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Collection;
using ImgTrack.Core.Tests.Identity;
using ImgTrack.Engine;
using Xunit;

namespace ImgTrack.Core.Tests.Collection;

/// <summary>Get-ImageIdentity's streaming core against recorded engine answers: order, errors per item, concurrency.</summary>
public sealed class IdentityPipelineTests
{
    private static ImageIdentityCollector Collector(RecordedEngine engine) => new(engine, engine.Info, UtcTimestamp.Now);

    // Feeds inputs one at a time as a cmdlet's ProcessRecord would, then drains as EndProcessing does.
    private static List<IdentityOutcome> Run(RecordedEngine engine, IEnumerable<string> inputs, int throttleLimit = 8, Action<IdentityPipeline>? observe = null)
    {
        using var pipeline = new IdentityPipeline(Collector(engine), throttleLimit, CancellationToken.None);
        var written = new List<IdentityOutcome>();
        foreach (var input in inputs)
        {
            written.AddRange(pipeline.Add(input));
            observe?.Invoke(pipeline);
        }

        written.AddRange(pipeline.Drain());
        return written;
    }

    [Fact]
    public void Mixed_input_gives_one_identity_and_two_errors_in_input_order()
    {
        var engine = RecordedEngine.Dockerd2010();

        var outcomes = Run(engine, new[] { "solo", "missing:1", "Not Valid" });

        Assert.Equal(new[] { "solo", "missing:1", "Not Valid" }, outcomes.Select(o => o.Input));
        Assert.Equal(Recorded.SoloId, outcomes[0].Identity!.ImageId);
        Assert.Equal(IdentityError.ImageNotFound, outcomes[1].Error);
        Assert.Equal(IdentityError.InvalidImageReference, outcomes[2].Error);
        Assert.False(string.IsNullOrEmpty(outcomes[2].Detail));
    }

    [Fact]
    public void An_invalid_name_makes_no_engine_call()
    {
        // The engine is connected before the first input (a failed run must stop before Export-Csv opens its file),
        // so a run of invalid names has connected; it still sends no request for them.
        var engine = RecordedEngine.Dockerd2010();
        using var pipeline = new IdentityPipeline(Collector(engine), 4, CancellationToken.None);

        var outcomes = pipeline.Add("Not Valid").Concat(pipeline.Add("-leading-dash")).Concat(pipeline.Drain()).ToList();

        Assert.Empty(engine.InspectCalls);
        Assert.All(outcomes, o => Assert.Equal(IdentityError.InvalidImageReference, o.Error));
    }

    [Theory]
    [InlineData("e7eb")]
    [InlineData("e7eb717d")]
    [InlineData("e7eb717d3ec")]
    public void A_short_hex_name_the_engine_finds_by_ID_prefix_takes_its_name_parts_from_the_image(string prefix)
    {
        var engine = RecordedEngine.Dockerd2010();

        var identity = Assert.Single(Run(engine, new[] { prefix })).Identity!;

        Assert.Equal(Recorded.SoloId, identity.ImageId);
        Assert.Equal(prefix, identity.Name);
        Assert.Equal("docker.io/library/solo:latest", identity.Reference);
    }

    [Theory]
    [InlineData(Recorded.SoloId)]
    [InlineData("e7eb717d3ec4b694f2a816cbe56cf20206570cefb88d62f163e726beed51edec")]
    [InlineData("e7eb717d3ec4")]
    public void An_image_ID_input_resolves_to_that_image_named_as_given(string id)
    {
        var engine = RecordedEngine.Dockerd2010();

        var identity = Assert.Single(Run(engine, new[] { id })).Identity!;

        Assert.Equal(Recorded.SoloId, identity.ImageId);
        Assert.Equal(id, identity.Name);
        Assert.Equal("docker.io/library/solo:latest", identity.Reference);
    }

    [Fact]
    public void All_lists_once_and_inspects_each_listed_image_in_list_order()
    {
        var engine = RecordedEngine.Dockerd2010();
        using var pipeline = new IdentityPipeline(Collector(engine), 8, CancellationToken.None);

        var outcomes = pipeline.AddAll().Concat(pipeline.Drain()).ToList();

        Assert.Equal(1, engine.ListCalls);
        Assert.Equal(3, pipeline.Listed);
        Assert.Equal(new[] { Recorded.PushedId, Recorded.UntaggedId, Recorded.SoloId }, outcomes.Select(o => o.Identity!.ImageId));
        Assert.Equal(new[] { "127.0.0.1:5731/other/app:2.0", Recorded.UntaggedId, "solo:latest" }, outcomes.Select(o => o.Identity!.Name));
        Assert.Equal(Recorded.OtherRepoDigest, outcomes[0].Identity!.RepoDigest);
        Assert.Equal(new[] { Recorded.UntaggedId, Recorded.PushedId, Recorded.SoloId }, engine.InspectCalls.OrderBy(c => c, StringComparer.Ordinal));
    }

    [Fact]
    public void Results_come_out_in_input_order_although_engine_answers_arrive_in_reverse()
    {
        var engine = RecordedEngine.Dockerd2010();
        var inputs = new[] { "solo", "team/app:1.0", "127.0.0.1:5731/team/app:1.0", "127.0.0.1:5731/other/app:2.0", Recorded.UntaggedId };
        var gates = inputs.ToDictionary(i => i, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        engine.BeforeInspect = (name, token) => gates[name].Task.WaitAsync(token);
        using var pipeline = new IdentityPipeline(Collector(engine), 8, CancellationToken.None);

        var early = inputs.SelectMany(pipeline.Add).ToList();
        Assert.Empty(early); // nothing is ready yet

        foreach (var input in inputs.Reverse())
        {
            gates[input].SetResult();
        }

        var outcomes = pipeline.Drain().ToList();
        Assert.Equal(inputs, outcomes.Select(o => o.Input));
        Assert.Equal(Recorded.TeamRepoDigest, outcomes[2].Identity!.RepoDigest);
        Assert.Equal(Recorded.OtherRepoDigest, outcomes[3].Identity!.RepoDigest);
    }

    [Fact]
    public void A_finished_head_is_handed_out_while_later_inputs_still_run()
    {
        var engine = RecordedEngine.Dockerd2010();
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.BeforeInspect = (name, token) => name == "team/app:1.0" ? slow.Task.WaitAsync(token) : Task.CompletedTask;
        using var pipeline = new IdentityPipeline(Collector(engine), 8, CancellationToken.None);

        var first = pipeline.Add("solo").ToList();
        var second = pipeline.Add("team/app:1.0").ToList();
        var third = pipeline.Add("Not Valid").ToList();

        Assert.Equal(new[] { "solo" }, first.Select(o => o.Input));
        Assert.Empty(second);
        Assert.Empty(third); // ready, but behind the slow one
        slow.SetResult();
        Assert.Equal(new[] { "team/app:1.0", "Not Valid" }, pipeline.Drain().Select(o => o.Input));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Concurrent_engine_requests_never_exceed_the_throttle_limit_across_pipeline_input(int throttleLimit)
    {
        var engine = RecordedEngine.Dockerd2010();
        var random = new Random(throttleLimit);
        var delays = Enumerable.Range(0, 60).Select(_ => random.Next(1, 8)).ToArray();
        var calls = 0;
        engine.BeforeInspect = (name, token) => Task.Delay(delays[Interlocked.Increment(ref calls) % delays.Length], token);
        var inputs = Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? "solo" : Recorded.PushedId).ToList();
        var maxPending = 0;

        var outcomes = Run(engine, inputs, throttleLimit, p => maxPending = Math.Max(maxPending, p.Pending));

        Assert.Equal(60, outcomes.Count);
        Assert.All(outcomes, o => Assert.NotNull(o.Identity));
        Assert.Equal(throttleLimit, engine.MaxConcurrentInspects); // reached, never exceeded
        Assert.InRange(maxPending, 1, throttleLimit * IdentityPipeline.WindowPerRequest);
    }

    [Fact]
    public void Memory_stays_flat_the_window_never_holds_more_than_its_size_for_thousands_of_inputs()
    {
        var engine = RecordedEngine.Dockerd2010();

        // A timer never completes synchronously, so each input is still pending when Add returns: the window is used,
        // and the bound below is what keeps it from growing (Task.Yield could finish first on a quiet machine).
        engine.BeforeInspect = (name, token) => Task.Delay(1, token);
        var maxPending = 0;

        var outcomes = Run(engine, Enumerable.Repeat("solo", 5000), 4, p => maxPending = Math.Max(maxPending, p.Pending));

        Assert.Equal(5000, outcomes.Count);
        Assert.InRange(maxPending, 1, 4 * IdentityPipeline.WindowPerRequest);
    }

    [Fact]
    public void An_engine_error_for_one_image_is_that_inputs_error_and_the_rest_go_on()
    {
        var engine = RecordedEngine.Dockerd2010();
        engine.BeforeInspect = (name, token) => name == "team/app:1.0" ? Task.FromException(new InvalidOperationException("layer store corrupt")) : Task.CompletedTask;

        var outcomes = Run(engine, new[] { "solo", "team/app:1.0", "127.0.0.1:5731/team/app:1.0" });

        Assert.NotNull(outcomes[0].Identity);
        Assert.Equal(IdentityError.ImageInspectFailed, outcomes[1].Error);
        Assert.Equal("layer store corrupt", outcomes[1].Detail);
        Assert.IsType<InvalidOperationException>(outcomes[1].Exception);
        Assert.NotNull(outcomes[2].Identity);
    }

    [Fact]
    public void An_engine_that_goes_away_ends_the_run()
    {
        var engine = RecordedEngine.Dockerd2010();
        engine.BeforeInspect = (name, token) => Task.FromException(new EngineUnreachableException("gone"));

        Assert.Throws<EngineUnreachableException>(() => Run(engine, new[] { "solo", "team/app:1.0" }));
    }

    [Fact]
    public void Cancellation_reaches_every_pending_engine_request()
    {
        var engine = RecordedEngine.Dockerd2010();
        var seen = new List<CancellationToken>();
        engine.BeforeInspect = (name, token) =>
        {
            lock (seen)
            {
                seen.Add(token);
            }

            return Task.Delay(Timeout.Infinite, token);
        };
        using var cancellation = new CancellationTokenSource();
        using var pipeline = new IdentityPipeline(Collector(engine), 4, cancellation.Token);
        foreach (var _ in Enumerable.Range(0, 10).SelectMany(i => pipeline.Add("solo")))
        {
        }

        cancellation.CancelAfter(50);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Drain().ToList());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the run stops promptly");
        Assert.All(seen, t => Assert.True(t.IsCancellationRequested));
    }
}
