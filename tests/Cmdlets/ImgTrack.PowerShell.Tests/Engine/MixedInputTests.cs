using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Engine;

/// <summary>
/// 10,000 mixed inputs through the pipeline against the real fixture engine: exactly one result per input, in input
/// order, whatever each input is. (Memory is reported by tests/Benchmarks/ImgTrack.EngineBenchmark, not timed here.)
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class MixedInputTests
{
    private const int Count = 10_000;
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";

    private readonly DockerEngineFixture _engine;

    public MixedInputTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void Ten_thousand_mixed_inputs_give_exactly_one_result_each_in_input_order()
    {
        var present = Enumerable.Range(0, 3).Select(i => $"mixed/present-{i}:1.0").ToArray();
        var ids = present.Select(_engine.ImportImage).ToArray();
        var inputs = new List<(string? Text, string Expect)>(Count);
        for (var i = 0; i < Count; i++)
        {
            var id = ids[i % ids.Length];
            inputs.Add((i % 8) switch
            {
                0 => (present[i % present.Length], "identity"),
                1 => ($"mixed/missing-{i}:1.0", "ImageNotFound"),
                2 => ($"Not Valid {i}", "InvalidImageReference"),
                3 => (id, "identity"),
                4 => (id.Substring("sha256:".Length, 12), "identity"),
                5 => (id.Substring(0, "sha256:".Length + 16), "identity"),
                6 => (string.Empty, "InvalidImageReference"),
                _ => (null, "InvalidImageReference"),
            });
        }

        using var session = new PowerShellSession();

        // Errors merged into the output stream in place (2>&1), so one ordered list holds every result.
        var result = session.Invoke(
            "$h = $args[1]; & { $args[0] | Get-ImageIdentity -DockerHost $h -WarningAction SilentlyContinue } $args[0] 2>&1",
            inputs.Select(i => i.Text).ToArray(),
            _engine.DockerHost);

        Assert.Null(result.TerminatingError);
        Assert.Equal(Count, result.Output.Count);
        for (var i = 0; i < Count; i++)
        {
            var (text, expect) = inputs[i];
            var output = result.Output[i].BaseObject;
            var where = string.Create(CultureInfo.InvariantCulture, $"input {i} '{text}'");
            if (expect == "identity")
            {
                Assert.True(output is not ErrorRecord, where + ": " + output);
                Assert.Equal(text, (string)result.Output[i].Properties["Name"].Value);
                Assert.Equal(ids[i % ids.Length], (string)result.Output[i].Properties["ImageId"].Value);
            }
            else
            {
                var error = Assert.IsType<ErrorRecord>(output);
                Assert.True(expect + CmdletErrorSuffix == error.FullyQualifiedErrorId, where + ": " + error.FullyQualifiedErrorId);
                Assert.True(Equals(text ?? string.Empty, error.TargetObject ?? string.Empty), where + ": target " + error.TargetObject);
            }
        }
    }
}
