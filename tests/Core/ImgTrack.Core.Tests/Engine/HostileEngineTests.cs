using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;
using Xunit.Abstractions;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// Engine answers that are hostile or broken (the test's own engine, <see cref="FakeEngine"/>): every one ends in a clear
/// error within its limits, or costs only the entry that is wrong, never the run or the process's memory.
/// </summary>
public sealed class HostileEngineTests
{
    private static readonly string s_one = "sha256:" + new string('1', 64);
    private readonly ITestOutputHelper _output;

    public HostileEngineTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task A_long_list_streams_in_across_reads_and_every_entry_is_read()
    {
        using var engine = new FakeEngine();
        for (var n = 0; n < 20_000; n++)
        {
            engine.Images.Add(new FakeImage { Id = "sha256:" + n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), RepoTags = new[] { "team/app-" + n + ":1" } });
        }

        using var client = ImageEngineFactory.Create(engine.DockerHost);

        var images = await client.ListImagesAsync(CancellationToken.None);

        Assert.Equal(20_000, images.Count);
        Assert.Equal(engine.Images[12_345].Id, images[12_345].Id);
        Assert.Equal("team/app-19999:1", images[19_999].RepoTags.Single());
    }

    [Fact]
    public async Task A_list_whose_records_pass_the_memory_limit_ends_with_a_protocol_error_naming_the_limit()
    {
        using var engine = new FakeEngine { Override = r => r.Path == "/images/json" ? FakeEngine.HostileList(200L * 1024 * 1024) : null };
        using var client = ImageEngineFactory.Create(EndpointResolver.Resolve(engine.DockerHost), new EngineOptions { MaxListMemory = 8L * 1024 * 1024 });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineProtocolException>(() => client.ListImagesAsync(CancellationToken.None));

        _output.WriteLine(error.Message + " (" + clock.Elapsed + ")");
        Assert.Contains("'GET /images/json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("larger than any engine's (the image list holds more than 8 MiB of image IDs, tags and digests, after ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_entry_beyond_its_limit_ends_with_a_protocol_error()
    {
        var huge = "[{\"Id\":\"" + s_one + "\",\"Labels\":{\"x\":\"" + new string('x', 3 * 1024 * 1024) + "\"}}]";
        using var engine = new FakeEngine { Override = r => r.Path == "/images/json" ? MiniResponse.Json(200, huge) : null };
        using var client = ImageEngineFactory.Create(engine.DockerHost);

        var error = await Assert.ThrowsAsync<EngineProtocolException>(() => client.ListImagesAsync(CancellationToken.None));

        Assert.Contains("entry 0 of the image list is more than 1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inspect_answer_beyond_its_limit_ends_with_a_protocol_error()
    {
        var huge = "{\"Id\":\"" + s_one + "\",\"Comment\":\"" + new string('x', 17 * 1024 * 1024) + "\"}";
        using var engine = new FakeEngine { Override = r => r.Path.StartsWith("/images/sha256", StringComparison.Ordinal) ? MiniResponse.Json(200, huge) : null };
        using var client = ImageEngineFactory.Create(engine.DockerHost);

        var error = await Assert.ThrowsAsync<EngineProtocolException>(() => client.InspectImageAsync(s_one, CancellationToken.None));

        Assert.Contains("larger than any engine's (more than 16 MiB)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_ImgTrack_does_not_read_stream_by_at_any_size_below_the_entry_limit()
    {
        var labels = new string('l', 900 * 1024);
        var body = "[" + string.Join(",", Enumerable.Range(0, 40).Select(n => "{\"Id\":\"sha256:" + n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture) + "\",\"Labels\":{\"big\":\"" + labels + "\"}}")) + "]";
        using var engine = new FakeEngine { Override = r => r.Path == "/images/json" ? MiniResponse.Json(200, body) : null };
        using var client = ImageEngineFactory.Create(engine.DockerHost);

        var images = await client.ListImagesAsync(CancellationToken.None);

        Assert.Equal(40, images.Count);
    }

    [Fact]
    public async Task Tags_that_break_the_grammar_or_are_not_UTF8_are_left_out_with_a_warning_and_the_image_is_kept()
    {
        // Raw bytes: 0xFF is never UTF-8.
        var json = Encoding.UTF8.GetBytes("{\"Id\":\"" + s_one + "\",\"Os\":\"linux\",\"Architecture\":\"amd64\",\"RepoTags\":[\"=HYPERLINK(\\\"http://x\\\")\",\"team/app:1.0\",\"team/app:BAD");
        var tail = Encoding.UTF8.GetBytes("\"],\"RepoDigests\":[\"team/app@sha256:abc\",\"team/app@sha256:" + new string('a', 64) + "\"]}");
        var body = json.Concat(new byte[] { 0xFF, 0xFE }).Concat(tail).ToArray();
        using var engine = new FakeEngine { Override = r => r.Path.StartsWith("/images/", StringComparison.Ordinal) && r.Path != "/images/json" ? new MiniResponse(200, body, ("Content-Type", "application/json")) : null };
        using var client = ImageEngineFactory.Create(engine.DockerHost);

        var facts = await client.InspectImageAsync(s_one, CancellationToken.None);

        Assert.NotNull(facts);
        Assert.Equal(new[] { "team/app:1.0" }, facts!.RepoTags);
        Assert.Equal(new[] { "team/app@sha256:" + new string('a', 64) }, facts.RepoDigests);
        foreach (var warning in facts.Warnings)
        {
            _output.WriteLine(warning);
        }

        Assert.Equal(3, facts.Warnings.Count);
        Assert.Contains("lists the tag '=HYPERLINK(\"http://x\")' for image " + s_one + ", and it is not a valid image reference", facts.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("(it is not valid UTF-8): that tag is left out, the image is kept.", facts.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("lists the repo digest 'team/app@sha256:abc' for image " + s_one, facts.Warnings[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inspect_by_image_ID_answered_with_another_image_is_that_input_s_error()
    {
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "team/one:1" } });
        var other = "sha256:" + new string('9', 64);
        engine.Override = r => r.Path == "/images/" + s_one + "/json" || r.Path == "/images/1111/json"
            ? MiniResponse.Json(200, "{\"Id\":\"" + other + "\",\"RepoTags\":[\"team/other:1\"],\"Os\":\"linux\",\"Architecture\":\"amd64\"}")
            : null;
        using var client = ImageEngineFactory.Create(engine.DockerHost);
        var info = await client.GetInfoAsync(CancellationToken.None);
        using var collector = new ImageIdentityCollector(client, info, UtcTimestamp.Now);

        var byId = await collector.ResolveAsync(ImageInput.Classify(s_one), CancellationToken.None);
        var listed = await collector.ResolveListedAsync((await client.ListImagesAsync(CancellationToken.None))[0], CancellationToken.None);

        foreach (var outcome in new[] { byId, listed })
        {
            Assert.Null(outcome.Identity);
            Assert.Equal(IdentityError.ImageInspectFailed, outcome.Error);
            Assert.Equal("asked for image ID " + s_one + ", the engine answered with image " + other + ", which is another image; the answer is refused.", outcome.Detail);
        }
    }

    [Fact]
    public async Task The_engine_closing_the_connection_halfway_through_the_list_says_the_connection_broke_not_to_install_an_engine()
    {
        var half = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[{\"Id\":\"" + s_one + "\"},{\"Id\":\"sha2";
        using var engine = new FakeEngine { Override = r => r.Path == "/images/json" ? MiniResponse.NotHttp(half) : null };
        using var client = ImageEngineFactory.Create(engine.DockerHost);
        await client.GetInfoAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => client.ListImagesAsync(CancellationToken.None));

        _output.WriteLine(error.Message);
        Assert.IsNotType<EngineTimeoutException>(error);
        Assert.Contains("answered before, but the connection broke during 'GET /images/json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("stopped, crashed or restarted during the run", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("install Docker Engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_says_so_and_gives_no_install_advice()
    {
        using var client = ImageEngineFactory.Create("tcp://imgtrack-no-such-engine.invalid:2375");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => client.GetInfoAsync(CancellationToken.None));

        _output.WriteLine(error.Message + " (" + clock.Elapsed + ")");
        Assert.Contains("the host name 'imgtrack-no-such-engine.invalid' cannot be resolved to an address", error.Message, StringComparison.Ordinal);
        Assert.Contains("check the spelling of 'imgtrack-no-such-engine.invalid' in -DockerHost, DOCKER_HOST or the Docker context", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("install Docker Engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_given_timeout_the_first_contact_keeps_its_short_limit_and_with_one_it_waits_that_long()
    {
        using var hurriedEngine = new FakeEngine { FirstAnswerDelay = TimeSpan.FromSeconds(7) };
        var hurried = new IdentityRunOptions { DockerHost = hurriedEngine.DockerHost, RequestTimeout = TimeSpan.FromSeconds(30) };
        var error = await Assert.ThrowsAsync<EngineUnreachableException>(() => IdentityRun.OpenAsync(hurried, new SilentLog(), CancellationToken.None));
        Assert.Contains("did not answer within 5 seconds", error.Message, StringComparison.Ordinal);

        using var patientEngine = new FakeEngine { FirstAnswerDelay = TimeSpan.FromSeconds(7) };
        var patient = new IdentityRunOptions { DockerHost = patientEngine.DockerHost, RequestTimeout = TimeSpan.FromSeconds(30), FirstContactTimeout = TimeSpan.FromSeconds(30) };

        using var run = await IdentityRun.OpenAsync(patient, new SilentLog(), CancellationToken.None);

        Assert.Equal("fake-engine", run.Engine!.HostName);
    }

    private sealed class SilentLog : IIdentityRunLog
    {
        public void EngineOpened(EngineInfo info)
        {
        }

        public void PlatformChosen(PlatformChoice choice)
        {
        }

        public void CredentialScoped(string registry, string? userName)
        {
        }

        public void RegistryOpened(ImgTrack.Registry.IRegistryCredentialProvider? credentials, ImgTrack.Registry.RegistryOptions options)
        {
        }
    }
}
