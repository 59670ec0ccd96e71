using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Oci;
using ImgTrack.Registry;
using Xunit;

namespace ImgTrack.Core.Tests.Collection;

/// <summary>
/// A run's setup, without an engine or a registry: which registry a given credential belongs to, the default
/// platform's one rule, and a registry run that needs no network for what it decides before any request.
/// </summary>
public sealed class IdentityRunTests
{
    private const string Id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Theory]
    [InlineData(new[] { "team/app:1", "nginx" }, "docker.io")]
    [InlineData(new[] { "Registry.Example:5000/a:1", "registry.example:5000/b:2" }, "Registry.Example:5000")]
    [InlineData(new[] { Id, "Not Valid" }, null)]
    [InlineData(new string[0], null)]
    public void A_credential_belongs_to_the_one_registry_the_names_are_in(string[] names, string? registry)
    {
        Assert.Equal(registry, CredentialScope.RegistryOf(names));
    }

    [Fact]
    public void Names_in_two_registries_name_both_in_the_order_first_seen()
    {
        var e = Assert.Throws<CredentialSpansRegistriesException>(() => CredentialScope.RegistryOf(new[] { "quay.io/a:1", "b:1", "quay.io/c:1" }));
        Assert.Equal(new[] { "quay.io", "docker.io" }, e.Registries);
    }

    [Fact]
    public async Task A_registry_run_with_a_credential_fails_at_open_when_the_known_names_span_registries()
    {
        var log = new RecordingLog();
        var options = RegistryRun(credential: RegistryCredential.FromPassword("u", "p"), knownNames: new[] { "quay.io/a:1", "b:1" });

        await Assert.ThrowsAsync<CredentialSpansRegistriesException>(() => IdentityRun.OpenAsync(options, log, CancellationToken.None));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("registry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_registry_run_with_a_credential_holds_names_until_finish_then_scopes_the_credential()
    {
        var log = new RecordingLog();
        using var run = await IdentityRun.OpenAsync(RegistryRun(credential: RegistryCredential.FromPassword("u", "p")), log, CancellationToken.None);

        Assert.Empty(run.Add(Id));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("registry", StringComparison.Ordinal));

        var outcome = Assert.Single(run.Finish().ToList());

        // An image ID names no registry: the credential is scoped to none, and the ID is the item's own error.
        Assert.Equal(IdentityError.RemoteNameRequired, outcome.Error);
        Assert.Contains("registry none", log.Lines);
    }

    [Fact]
    public async Task A_registry_run_with_a_given_platform_asks_no_engine_and_says_the_platform_was_given()
    {
        var log = new RecordingLog();
        using var run = await IdentityRun.OpenAsync(RegistryRun(), log, CancellationToken.None);

        Assert.Equal("platform given linux/arm64/v8", log.Lines[0]);
        Assert.Null(run.Engine);
        Assert.Throws<InvalidOperationException>(() => run.AddAll().ToList());
    }

    [Theory]
    [InlineData("linux", "arm64", "linux/arm64")]
    [InlineData(null, "arm64", null)]
    [InlineData("linux", "", null)]
    public void An_engine_that_names_no_platform_stands_for_this_machine(string? os, string? architecture, string? expected)
    {
        var info = new EngineInfo("unix:///x", null, null, null, false) { Os = os, Architecture = architecture };

        Assert.Equal(expected ?? Platform.Current.ToString(), PlatformChoice.OfEngine(info).ToString());
    }

    private static IdentityRunOptions RegistryRun(RegistryCredential? credential = null, IReadOnlyList<string?>? knownNames = null) => new()
    {
        Source = IdentitySourceKind.Registry,
        Platform = Platform.Parse("linux/arm64/v8"),
        Credential = credential,
        KnownNames = knownNames ?? Array.Empty<string?>(),
        ThrottleLimit = 2,
    };

    private sealed class RecordingLog : IIdentityRunLog
    {
        public List<string> Lines { get; } = new();

        public void EngineOpened(EngineInfo info) => Lines.Add("engine " + info.Endpoint);

        public void PlatformChosen(PlatformChoice choice) => Lines.Add((choice.Given ? "platform given " : "platform chosen ") + choice.Platform);

        public void CredentialScoped(string registry, string? userName) => Lines.Add("credential " + registry + " " + userName);

        public void RegistryOpened(IRegistryCredentialProvider? credentials, RegistryOptions options) =>
            Lines.Add("registry " + (credentials is null ? "none" : credentials.GetType().Name));
    }
}
