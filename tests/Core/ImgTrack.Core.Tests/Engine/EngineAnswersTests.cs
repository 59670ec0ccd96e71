using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImgTrack.Engine;
using Xunit;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// The engine's answers read into Docker.DotNet's models (<see cref="EngineAnswers"/>), here with the package's net10 build
/// the test host resolves (the staged module, which loads the netstandard2.0 build, is checked by
/// ImgTrack.PowerShell.Tests' FakeEngineTests). Answers follow moby's docs/api/v1.41.yaml to v1.51.yaml.
/// </summary>
public sealed class EngineAnswersTests
{
    private const string Id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    // An inspect answer with everything a dockerd 20.10 writes that ImgTrack does not read, as it writes it.
    private const string Inspect = """
        {"Id":"sha256:1111111111111111111111111111111111111111111111111111111111111111",
         "RepoTags":["team/app:1.0","<none>:<none>"],"RepoDigests":["<none>@<none>"],"Parent":"","Comment":"",
         "Created":"2026-01-02T03:04:05.123456789Z","Container":"","DockerVersion":"20.10.24","Author":"",
         "Config":{"Env":["PATH=/usr/bin"],"Cmd":["sh"],"Labels":null,"Healthcheck":{"Test":["CMD","true"],"Interval":30000000000}},
         "Architecture":"arm64","Variant":"v8","Os":"linux","Size":4096,"VirtualSize":4096,
         "GraphDriver":{"Name":"overlay2","Data":{"MergedDir":"/x"}},
         "RootFS":{"Type":"layers","Layers":["sha256:aaaa"]},"Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}
        """;

    [Fact]
    public void An_inspect_answer_is_read_with_placeholders_dropped_and_the_time_cut_to_100_ns()
    {
        var facts = EngineAnswers.ToFacts(EngineAnswers.Read(Bytes(Inspect), EngineAnswers.Inspect), "tcp://engine:2375");

        Assert.Equal(Id, facts.Id);
        Assert.Equal(new[] { "team/app:1.0" }, facts.RepoTags);
        Assert.Empty(facts.RepoDigests);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567), facts.Created!.Value.UtcDateTime);
        Assert.Equal(("linux", "arm64", "v8", 4096L), (facts.Os, facts.Architecture, facts.Variant, facts.Size));
        Assert.Equal(ImageIdKind.Config, facts.IdKind);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("null")]
    [InlineData("1767322945.5")]
    [InlineData("{\"seconds\":1}")]
    [InlineData("\"0001-01-01T00:00:00Z\"")]
    public void An_odd_Created_in_an_inspect_answer_is_unknown_and_the_image_keeps_its_identity(string created)
    {
        var facts = EngineAnswers.ToFacts(EngineAnswers.Read(With(Inspect, "Created", created), EngineAnswers.Inspect), "tcp://engine:2375");

        Assert.Null(facts.Created);
        Assert.Equal(Id, facts.Id);
    }

    [Theory]
    [InlineData("Config", "\"not an object\"")]
    [InlineData("GraphDriver", "[1,2]")]
    [InlineData("Metadata", "{\"LastTagTime\":42}")]
    [InlineData("RootFS", "null")]
    [InlineData("Identity", "\"added by a later API\"")]
    public void A_member_ImgTrack_does_not_read_may_hold_anything(string member, string value)
    {
        var facts = EngineAnswers.ToFacts(EngineAnswers.Read(With(Inspect, member, value), EngineAnswers.Inspect), "tcp://engine:2375");

        Assert.Equal(Id, facts.Id);
        Assert.Equal(4096L, facts.Size);
    }

    [Fact]
    public void The_list_reads_Created_as_Unix_seconds_and_an_odd_one_as_unknown()
    {
        var list = EngineAnswers.ToSummaries(EngineAnswers.Read(Bytes("""
            [{"Id":"sha256:1","ParentId":"","RepoTags":["a:1"],"RepoDigests":null,"Created":1767322945,"Size":7,"SharedSize":-1,"Labels":null,"Containers":-1},
             {"Id":"sha256:2","RepoTags":["<none>:<none>"],"RepoDigests":["<none>@<none>"],"Created":null,"Size":8},
             {"Id":"sha256:3","Created":"not seconds","Size":9},
             {"Id":"sha256:4","Created":-5,"Size":10}]
            """), EngineAnswers.List));

        Assert.Equal(new[] { "sha256:1", "sha256:2", "sha256:3", "sha256:4" }, list.ConvertAll(i => i.Id));
        Assert.Equal(new DateTime(2026, 1, 2, 3, 2, 25, DateTimeKind.Utc), list[0].Created!.Value.UtcDateTime);
        Assert.Equal(new[] { "a:1" }, list[0].RepoTags);
        Assert.Empty(list[1].RepoTags);
        Assert.Empty(list[1].RepoDigests);
        Assert.All(list.GetRange(1, 3), i => Assert.Null(i.Created));
        Assert.Equal(new[] { 7L, 8L, 9L, 10L }, list.ConvertAll(i => i.Size));
    }

    public static TheoryData<string, string, string> WrongShapes() => new()
    {
        // answer, which reader, what the error must name
        { Text(With(Inspect, "Size", "\"4096\"")), "inspect", "'Size' has the wrong type." },
        { Text(With(Inspect, "RepoTags", "\"team/app:1.0\"")), "inspect", "'RepoTags' has the wrong type." },
        { Text(With(Inspect, "Descriptor", "{\"mediaType\":1}")), "inspect", "'Descriptor.mediaType' has the wrong type." },
        { "{\"message\":\"hello\"}", "inspect", "the answer has no 'Id'." },
        { "[]", "inspect", "the answer is not an object." },
        { "null", "inspect", "the answer is null." },
        { "{\"images\":[]}", "list", "the answer is not an array of objects." },
        { "[{\"Id\":\"sha256:1\",\"Size\":\"big\"}]", "list", "'[0].Size' has the wrong type." },
        { "[{\"RepoTags\":[]}]", "list", "the answer has no 'Id'." },
        { "[null]", "list", "the answer is not an array of objects." },
    };

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public void JSON_of_the_wrong_shape_is_InvalidDataException_naming_the_member(string json, string reader, string says)
    {
        var error = Assert.Throws<InvalidDataException>(() => reader == "list"
            ? (object)EngineAnswers.ToSummaries(EngineAnswers.Read(Bytes(json), EngineAnswers.List))
            : EngineAnswers.ToFacts(EngineAnswers.Read(Bytes(json), EngineAnswers.Inspect), "tcp://engine:2375"));

        Assert.Equal(says, error.Message);
    }

    [Theory]
    [InlineData("<html><body>It works!</body></html>")]
    [InlineData("{\"Id\":")]
    [InlineData("")]
    public void Text_that_is_not_JSON_is_a_JsonException(string text)
    {
        Assert.ThrowsAny<JsonException>(() => EngineAnswers.Read(Bytes(text), EngineAnswers.Inspect));
    }

    [Fact]
    public void Version_and_info_give_the_API_version_Podman_s_component_and_the_containerd_store()
    {
        var version = EngineAnswers.Read(Bytes("""
            {"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1","Details":{"APIVersion":"4.3.1"}},{"Name":"Conmon","Version":"2.1.6"}],
             "Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24","GitCommit":"","GoVersion":"go1.19.8","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0","BuildTime":"1970-01-01T00:00:00+00:00"}
            """), EngineAnswers.Version);
        var info = EngineAnswers.Read(Bytes("""
            {"ID":"x","Containers":0,"Driver":"overlayfs","DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]],"Name":"vm",
             "Swarm":{"LocalNodeState":"inactive"},"Runtimes":{"runc":{"path":"runc"}},"Plugins":{"Volume":null},"RegistryConfig":"odd"}
            """), EngineAnswers.Info);

        var engine = EngineAnswers.ToEngineInfo("unix:///run/podman/podman.sock", version, info);

        Assert.Equal(("4.3.1", "1.41", "vm", "linux", "amd64"), (engine.EngineVersion, engine.ApiVersion, engine.HostName, engine.Os, engine.Architecture));
        Assert.True(engine.IsPodman);
        Assert.True(engine.UsesContainerdImageStore);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    // The answer with one top-level member set to the given JSON (added when absent).
    private static byte[] With(string answer, string member, string json)
    {
        var node = JsonNode.Parse(answer)!.AsObject();
        node[member] = JsonNode.Parse(json);
        return Bytes(node.ToJsonString());
    }
}
